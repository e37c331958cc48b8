import { useState } from 'react';
import type { QueryRecord } from '../types';
import { api } from '../api';
import { Empty, ErrorBox, Loading, PageHead, StateBadge, formatDuration, formatTime } from '../components';
import { FilterForm, SearchResults, type FilterField } from '../FilterForm';
import { usePagedSearch, usePolling } from '../hooks';
import { Link } from '../router';
import { CancelQuery } from './CancelQuery';

const FIELDS: FilterField[] = [
  { name: 'user', label: 'User' },
  { name: 'state', label: 'State', options: ['', 'QUEUED', 'RUNNING', 'FINISHED', 'FAILED', 'CANCELED', 'ABANDONED'] },
  { name: 'backend', label: 'Backend' },
  { name: 'group', label: 'Group' },
  { name: 'table', label: 'Table', placeholder: 'catalog.schema.table' },
  { name: 'text', label: 'Statement contains' },
  { name: 'from', label: 'From', placeholder: '2026-11-24T10:00Z' },
  { name: 'to', label: 'To' },
];

export function QueriesPage() {
  return (
    <section>
      <LiveQueries />
      <History />
    </section>
  );
}

function LiveQueries() {
  const live = usePolling(() => api<{ items: QueryRecord[] }>('/api/queries/live'), 2000, []);
  return (
    <>
      <PageHead title="Live queries" updatedAt={live.updatedAt} live />
      {live.error && <ErrorBox error={live.error} onRetry={live.reload} />}
      {live.loading && !live.data && <Loading />}
      {live.data &&
        (live.data.items.length === 0 ? (
          <Empty title="No query is running through this gateway instance">Queries appear here as soon as a client submits one.</Empty>
        ) : (
          <div className="card">
            <table aria-label="Live queries">
              <thead>
                <tr>
                  <th scope="col">Query</th>
                  <th scope="col">User</th>
                  <th scope="col">Backend</th>
                  <th scope="col">Running for</th>
                  <th scope="col">Statement</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {live.data.items.map((q) => (
                  <tr key={q.id}>
                    <td>
                      <QueryLink id={q.id} />
                    </td>
                    <td>{q.user}</td>
                    <td>
                      {q.backend ?? '—'} <span className="muted small">{q.routingGroup}</span>
                    </td>
                    <td>{formatDuration(Date.now() - q.createdAt)}</td>
                    <td className="statement" title={q.statement}>
                      {q.statement}
                    </td>
                    <td>
                      <CancelQuery query={q} onCanceled={live.reload} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
}

function History() {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const history = usePagedSearch<QueryRecord>('/api/queries', filters);
  const filtered = Object.values(filters).some((v) => v !== '');
  return (
    <>
      <PageHead title="History" updatedAt={history.updatedAt} onRefresh={history.reload} />
      <FilterForm label="History filters" fields={FIELDS} onSearch={setFilters} />
      <SearchResults
        search={history}
        olderLabel="Show older queries"
        empty={
          filtered
            ? { title: 'No query matches these filters', text: 'Widen the time range or clear a filter.' }
            : { title: 'No query in history yet', text: 'Every query that goes through the gateway is recorded here with its route and outcome.' }
        }
      >
        {(items) => (
          <table aria-label="Query history">
            <thead>
              <tr>
                <th scope="col">Query</th>
                <th scope="col">State</th>
                <th scope="col">User</th>
                <th scope="col">Backend</th>
                <th scope="col">Created</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col">Statement</th>
              </tr>
            </thead>
            <tbody>
              {items.map((q) => (
                <tr key={q.id}>
                  <td>
                    <QueryLink id={q.id} />
                  </td>
                  <td>
                    <StateBadge state={q.state} />
                  </td>
                  <td>{q.user}</td>
                  <td>{q.backend ?? <span className="muted">not routed</span>}</td>
                  <td>{formatTime(q.createdAt)}</td>
                  <td className="num">{q.endedAt ? formatDuration(q.endedAt - q.createdAt) : '—'}</td>
                  <td className="statement" title={q.statement}>
                    {q.statement}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </SearchResults>
    </>
  );
}

function QueryLink(props: { id: string }) {
  return (
    <Link to={`/queries/${encodeURIComponent(props.id)}`}>
      <code>{props.id}</code>
    </Link>
  );
}
