import { useState } from 'react';
import type { AuditEvent } from '../types';
import { PageHead, StateBadge, formatTime } from '../components';
import { FilterForm, SearchResults, type FilterField } from '../FilterForm';
import { usePagedSearch } from '../hooks';

const FIELDS: FilterField[] = [
  { name: 'actor', label: 'Actor', placeholder: 'user name' },
  { name: 'action', label: 'Action', placeholder: 'backend.drain' },
  { name: 'outcome', label: 'Outcome', placeholder: 'success, denied…' },
  { name: 'from', label: 'From', placeholder: '2026-11-24T10:00Z' },
  { name: 'to', label: 'To' },
];

export function AuditPage() {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const audit = usePagedSearch<AuditEvent>('/api/audit', filters);
  const filtered = Object.values(filters).some((v) => v !== '');
  return (
    <section>
      <PageHead title="Audit trail" updatedAt={audit.updatedAt} onRefresh={audit.reload} />
      <FilterForm label="Audit filters" fields={FIELDS} onSearch={setFilters} />
      <SearchResults
        search={audit}
        olderLabel="Show older events"
        empty={
          filtered
            ? { title: 'No event matches these filters', text: 'Filters match exactly: check the spelling of the actor and action.' }
            : { title: 'The audit trail is empty', text: 'Sign-ins, backend changes, cancellations and access denials are recorded here.' }
        }
      >
        {(items) => (
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">{formatTime(e.timestamp)}</td>
                  <td>{e.actor}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td className="statement" title={e.target}>
                    {e.target}
                  </td>
                  <td>
                    <StateBadge state={e.outcome} />
                  </td>
                  <td className="details" title={e.details ? JSON.stringify(e.details) : undefined}>
                    {e.details ? Object.entries(e.details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ') : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </SearchResults>
    </section>
  );
}
