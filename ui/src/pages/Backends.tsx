import { useState } from 'react';
import { api } from '../api';
import { Badge, ConfirmDialog, ErrorBox, Loading, PageHead, StateBadge } from '../components';
import { useAction, usePolling } from '../hooks';
import type { Backend, BackendState } from '../types';

type Action = 'activate' | 'drain' | 'deactivate';

const TARGET: Record<Action, BackendState> = { activate: 'active', drain: 'draining', deactivate: 'inactive' };
const LABEL: Record<Action, string> = { activate: 'Activate', drain: 'Drain', deactivate: 'Deactivate' };

/** What the change does, in the operator's terms, with the number of queries it concerns. */
function consequence(action: Action, backend: Backend, all: Backend[]): string {
  const running =
    backend.running === 0
      ? 'No query is running there now.'
      : backend.running === 1
        ? 'One query is running there now: it is not interrupted and finishes normally.'
        : `${backend.running} queries are running there now: they are not interrupted and finish normally.`;
  if (action === 'activate') return `${backend.name} will take new queries of group ${backend.group} again${backend.healthy ? '' : ' once it is healthy'}.`;
  const others = all.filter((b) => b.group === backend.group && b.name !== backend.name && b.state === 'active' && b.healthy).map((b) => b.name);
  const elsewhere =
    others.length > 0
      ? `New queries of group ${backend.group} go to ${others.join(', ')}.`
      : `No other backend of group ${backend.group} takes queries: new ones wait in the gateway's queue (or go to the group's fallback) until one does.`;
  if (action === 'drain') return `${backend.name} will take no new queries. ${elsewhere} ${running}`;
  return `${backend.name} will be taken out of routing until someone activates it. ${elsewhere} ${running}`;
}

export function BackendsPage() {
  const backends = usePolling(() => api<{ backends: Backend[] }>('/api/backends'), 3000, []);
  const [pending, setPending] = useState<{ action: Action; backend: Backend }>();
  const change = useAction();
  const [done, setDone] = useState<string>();

  const apply = (target: { action: Action; backend: Backend }) =>
    change.run(async () => {
      const result = await api<{ effect: string }>(`/api/backends/${encodeURIComponent(target.backend.name)}/${target.action}`, { method: 'POST' });
      setDone(result.effect);
      setPending(undefined);
      backends.reload();
    });

  return (
    <section>
      <PageHead title="Backends" updatedAt={backends.updatedAt} live />
      <p className="muted">
        Draining or deactivating never interrupts running queries: it only stops new ones from being routed to the backend.
      </p>
      {done && (
        <p className="notice ok" role="status">
          {done}
        </p>
      )}
      {backends.error && <ErrorBox error={backends.error} onRetry={backends.reload} />}
      {backends.loading && !backends.data && <Loading />}
      {backends.data && (
        <div className="card">
          <table>
            <thead>
              <tr>
                <th scope="col">Backend</th>
                <th scope="col">Group</th>
                <th scope="col">Engine</th>
                <th scope="col">State</th>
                <th scope="col">Health</th>
                <th scope="col" className="num">Running</th>
                <th scope="col">Change state</th>
              </tr>
            </thead>
            <tbody>
              {backends.data.backends.map((b) => (
                <tr key={b.name}>
                  <td>
                    <strong>{b.name}</strong>
                  </td>
                  <td>
                    <code>{b.group}</code>
                  </td>
                  <td>{b.engine}</td>
                  <td>
                    <StateBadge state={b.state} />
                  </td>
                  <td>{b.healthy ? <Badge tone="ok">healthy</Badge> : <Badge tone="bad" title={b.lastError}>unhealthy</Badge>}</td>
                  <td className="num">
                    {b.running} / {b.maxRunning}
                  </td>
                  <td className="actions">
                    {(Object.keys(TARGET) as Action[]).map((action) => (
                      <button
                        key={action}
                        type="button"
                        className={`button small ${action === 'activate' ? '' : 'warn'}`}
                        disabled={b.state === TARGET[action]}
                        aria-label={`${LABEL[action]} ${b.name}`}
                        onClick={() => {
                          change.reset();
                          setDone(undefined);
                          setPending({ action, backend: b });
                        }}
                      >
                        {LABEL[action]}
                      </button>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={pending !== undefined}
        title={pending ? `${LABEL[pending.action]} ${pending.backend.name}?` : ''}
        confirmLabel={pending ? LABEL[pending.action] : ''}
        danger={pending?.action !== 'activate'}
        busy={change.busy}
        error={change.error}
        onConfirm={() => pending && void apply(pending)}
        onClose={() => {
          setPending(undefined);
          change.reset();
        }}
      >
        {pending && <p>{consequence(pending.action, pending.backend, backends.data?.backends ?? [])}</p>}
      </ConfirmDialog>
    </section>
  );
}
