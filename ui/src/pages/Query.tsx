import type { ReactNode } from 'react';
import { api } from '../api';
import { Badge, ErrorBox, Loading, PageHead, StateBadge, formatBytes, formatCount, formatDuration, formatTime } from '../components';
import { usePolling } from '../hooks';
import { Link } from '../router';
import type { QueryRecord } from '../types';
import { CancelQuery } from './CancelQuery';

const TERMINAL = new Set(['FINISHED', 'FAILED', 'CANCELED', 'ABANDONED']);

function Field(props: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

export function QueryPage(props: { id: string }) {
  const query = usePolling(() => api<QueryRecord>(`/api/queries/${encodeURIComponent(props.id)}`), 2000, [props.id]);
  const q = query.data;
  const running = q !== undefined && !TERMINAL.has(q.state);
  const rules = Array.isArray(q?.access?.rule) ? (q.access.rule as unknown[]).map(String) : q?.access?.rule !== undefined ? [JSON.stringify(q.access.rule)] : [];
  return (
    <section>
      <p className="crumbs">
        <Link to="/queries">← Queries</Link>
      </p>
      <PageHead
        title={
          <>
            Query <code>{props.id}</code>
          </>
        }
        updatedAt={query.updatedAt}
        live={running}
      >
        {q && <StateBadge state={q.state} />}
        {q && running && <CancelQuery query={q} onCanceled={query.reload} />}
      </PageHead>
      {query.error && <ErrorBox error={query.error} onRetry={query.reload} />}
      {query.loading && !q && <Loading />}
      {q && (
        <>
          {q.errorMessage && (
            <div className="error-box" role="note">
              <strong>{q.errorName}</strong>: {q.errorMessage}
            </div>
          )}
          <div className="card">
            <h2>Statement</h2>
            <pre className="sql">{q.statement}</pre>
          </div>
          <div className="columns">
            <div className="card">
              <h2>Who and where</h2>
              <dl>
                <Field label="User">{q.user}</Field>
                {q.principal && q.principal !== q.user && <Field label="Authenticated as">{q.principal}</Field>}
                <Field label="Source">{q.source ?? '—'}</Field>
                {q.clientTags && q.clientTags.length > 0 && <Field label="Client tags">{q.clientTags.join(', ')}</Field>}
                <Field label="Access decision">
                  {q.access ? <Badge tone={q.access.decision === 'allowed' ? 'ok' : 'bad'}>{q.access.decision}</Badge> : <span className="muted">no access control configured</span>}
                  {rules.length > 0 && <div className="small muted">by {rules.join(', ')}</div>}
                </Field>
                <Field label="Routing group">{q.routingGroup ?? '—'}</Field>
                <Field label="Routing rule">{q.routingRule ?? '—'}</Field>
                <Field label="Routing steps">
                  {q.routingSteps && q.routingSteps.length > 0 ? (
                    <ol className="steps">
                      {q.routingSteps.map((s, i) => (
                        <li key={i}>{s}</li>
                      ))}
                    </ol>
                  ) : (
                    '—'
                  )}
                </Field>
                {q.resourceGroup && <Field label="Resource group">{q.resourceGroup}</Field>}
                {q.guardrails && q.guardrails.length > 0 && (
                  <Field label="Guardrails">
                    <ol className="steps">
                      {q.guardrails.map((g, i) => (
                        <li key={i}>
                          {g.guardrail} ({g.kind} {g.check}): <strong>{g.action}</strong>, measured {g.measured}, limit {g.limit}
                        </li>
                      ))}
                    </ol>
                  </Field>
                )}
                <Field label="Backend">{q.backend ?? 'not routed'}</Field>
                {q.tables && q.tables.length > 0 && <Field label="Tables">{q.tables.join(', ')}</Field>}
              </dl>
            </div>
            <div className="card">
              <h2>Timings</h2>
              <dl>
                <Field label="Received">{formatTime(q.createdAt)}</Field>
                <Field label="Started on backend">{formatTime(q.startedAt)}</Field>
                <Field label="Ended">{formatTime(q.endedAt)}</Field>
                <Field label="At the gateway before start">{q.startedAt ? formatDuration(q.startedAt - q.createdAt) : '—'}</Field>
                <Field label="Total">{q.endedAt ? formatDuration(q.endedAt - q.createdAt) : running ? `${formatDuration(Date.now() - q.createdAt)} so far` : '—'}</Field>
              </dl>
              <h2>Backend statistics</h2>
              {q.stats ? (
                <dl>
                  <Field label="CPU time">{formatDuration(q.stats.cpuMs)}</Field>
                  <Field label="Wall time">{formatDuration(q.stats.wallMs)}</Field>
                  <Field label="Rows processed">{formatCount(q.stats.processedRows)}</Field>
                  <Field label="Data processed">{formatBytes(q.stats.processedBytes)}</Field>
                  <Field label="Peak memory">{formatBytes(q.stats.peakMemoryBytes)}</Field>
                </dl>
              ) : (
                <p className="muted">{running ? 'Reported when the query ends.' : 'The backend reported no statistics for this query.'}</p>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}
