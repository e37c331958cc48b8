import { useState, type FormEvent, type ReactNode } from 'react';
import { Empty, ErrorBox, Loading } from './components';
import type { PagedSearch } from './hooks';

export interface FilterField {
  name: string;
  label: string;
  placeholder?: string;
  /** A choice among these values ('' is "any"); a text box without. */
  options?: string[];
}

/** The filter bar of a search: edits stay local until Search (or Enter) applies them. */
export function FilterForm(props: { label: string; fields: FilterField[]; onSearch: (filters: Record<string, string>) => void }) {
  const empty = Object.fromEntries(props.fields.map((f) => [f.name, '']));
  const [draft, setDraft] = useState<Record<string, string>>(empty);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSearch({ ...draft });
  };
  return (
    <form className="filters card" onSubmit={submit} aria-label={props.label}>
      {props.fields.map((f) => (
        <label key={f.name}>
          {f.label}
          {f.options ? (
            <select name={f.name} value={draft[f.name]} onChange={(e) => setDraft({ ...draft, [f.name]: e.target.value })}>
              {f.options.map((o) => (
                <option key={o} value={o}>
                  {o === '' ? 'any' : o}
                </option>
              ))}
            </select>
          ) : (
            <input name={f.name} value={draft[f.name]} placeholder={f.placeholder} onChange={(e) => setDraft({ ...draft, [f.name]: e.target.value })} />
          )}
        </label>
      ))}
      <div className="filter-actions">
        <button type="submit" className="button primary">
          Search
        </button>
        <button
          type="button"
          className="button"
          onClick={() => {
            setDraft(empty);
            props.onSearch(empty);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

/** A search's results: loading, error, empty state, the table, and the button for older rows. */
export function SearchResults<T>(props: { search: PagedSearch<T>; empty: { title: string; text: string }; olderLabel: string; children: (items: T[]) => ReactNode }) {
  const { search } = props;
  if (search.error) return <ErrorBox error={search.error} onRetry={search.reload} />;
  if (search.items === undefined) return <Loading />;
  if (search.items.length === 0) return <Empty title={props.empty.title}>{props.empty.text}</Empty>;
  return (
    <div className="card">
      {props.children(search.items)}
      {search.moreError && <ErrorBox error={search.moreError} />}
      {search.more && (
        <button type="button" className="button more" onClick={search.more}>
          {props.olderLabel}
        </button>
      )}
    </div>
  );
}
