import { api } from '../api';
import { ErrorBox, Loading, PageHead, formatCount, formatDuration } from '../components';
import { usePolling } from '../hooks';

interface ResourceGroup {
  id: string;
  running: number;
  queued: number;
  hardConcurrencyLimit: number;
  maxQueued: number;
  cpuUsageMs: number;
}

/** Live resource groups: running and queued (the fleet's), their limits, CPU usage (this instance's). */
export function ResourceGroupsPage() {
  const groups = usePolling(() => api<{ configured: boolean; items: ResourceGroup[] }>('/api/resource-groups'), 3000, []);
  return (
    <section>
      <PageHead title="Resource groups" updatedAt={groups.updatedAt} live />
      <p className="muted">Groups with queries running or waiting, or CPU usage not yet regained. Running and queued count every gateway instance; CPU usage is this instance's.</p>
      {groups.error && <ErrorBox error={groups.error} onRetry={groups.reload} />}
      {groups.loading && !groups.data && <Loading />}
      {groups.data && !groups.data.configured && <p>No resource groups file is configured (resourceGroups.file).</p>}
      {groups.data && groups.data.configured && groups.data.items.length === 0 && <p>No group has a query running or waiting now.</p>}
      {groups.data && groups.data.items.length > 0 && (
        <div className="card">
          <table>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Running</th>
                <th scope="col">Queued</th>
                <th scope="col">CPU usage</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.items.map((g) => (
                <tr key={g.id}>
                  <td>
                    <code>{g.id}</code>
                  </td>
                  <td>
                    {formatCount(g.running)} of {formatCount(g.hardConcurrencyLimit)}
                  </td>
                  <td>
                    {formatCount(g.queued)} of {formatCount(g.maxQueued)}
                  </td>
                  <td>{g.cpuUsageMs > 0 ? formatDuration(g.cpuUsageMs) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
