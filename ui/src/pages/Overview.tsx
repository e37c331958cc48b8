import { api } from '../api';
import { Badge, Empty, ErrorBox, Loading, PageHead, StateBadge } from '../components';
import { usePolling } from '../hooks';
import { Link } from '../router';
import type { Overview } from '../types';

export function OverviewPage() {
  const overview = usePolling(() => api<Overview>('/api/overview'), 3000, []);
  const data = overview.data;
  return (
    <section>
      <PageHead title="Overview" updatedAt={overview.updatedAt} live />
      {overview.error && <ErrorBox error={overview.error} onRetry={overview.reload} />}
      {overview.loading && !data && <Loading />}
      {data && (
        <>
          <div className="stats-row">
            <div className="stat">
              <div className="stat-value">{data.live}</div>
              <div className="stat-label">
                <Link to="/queries">queries running</Link> through this instance
              </div>
            </div>
            <div className="stat">
              <div className="stat-value">{data.groups.reduce((n, g) => n + g.queued, 0)}</div>
              <div className="stat-label">queued at the gateway</div>
            </div>
            <div className="stat">
              <div className="stat-value">{data.groups.reduce((n, g) => n + g.backends.filter((b) => b.state === 'active' && b.healthy).length, 0)}</div>
              <div className="stat-label">backends taking queries</div>
            </div>
          </div>
          {!data.historyAvailable && <p className="notice">The history database is not reachable: error rates are unknown until it is.</p>}
          {data.groups.map((group) => (
            <div className="card" key={group.name}>
              <div className="card-head">
                <h2>
                  Routing group <code>{group.name}</code>
                </h2>
                <span>{group.queued === 0 ? 'nothing queued' : <Badge tone="warn">{group.queued} queued</Badge>}</span>
              </div>
              {group.backends.length === 0 ? (
                <Empty title="No backends in this group" />
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Backend</th>
                      <th scope="col">Engine</th>
                      <th scope="col">State</th>
                      <th scope="col">Health</th>
                      <th scope="col" className="num">Running</th>
                      <th scope="col" className="num">Engine load</th>
                      <th scope="col" className="num" title={`Queries that ended in the last ${data.errorWindowMs / 60000} minutes`}>
                        Errors (last {data.errorWindowMs / 60000} min)
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {group.backends.map((b) => (
                      <tr key={b.name}>
                        <td>
                          <strong>{b.name}</strong>
                        </td>
                        <td>{b.engine}</td>
                        <td>
                          <StateBadge state={b.state} />
                        </td>
                        <td>
                          {b.healthy ? <Badge tone="ok">healthy</Badge> : <Badge tone="bad">unhealthy</Badge>}
                          {b.lastError && !b.healthy && <div className="small muted">{b.lastError}</div>}
                        </td>
                        <td className="num">
                          {b.running} / {b.maxRunning}
                        </td>
                        <td className="num">{b.reportedLoad}</td>
                        <td className="num">
                          {b.recent.errorRate === null ? (
                            <span className="muted">no queries</span>
                          ) : (
                            <span className={b.recent.errorRate > 0.1 ? 'text-bad' : ''}>
                              {(b.recent.errorRate * 100).toFixed(0)}% <span className="muted small">({b.recent.failed} of {b.recent.ended})</span>
                            </span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ))}
        </>
      )}
    </section>
  );
}
