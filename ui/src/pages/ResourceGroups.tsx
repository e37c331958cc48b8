import { api } from '../api';
import { ErrorBox, Loading, PageHead, formatBytes, formatCount, formatDuration } from '../components';
import { usePolling } from '../hooks';
import type { GroupFigures } from '../types';

type ResourceGroup = GroupFigures;

/** Live resource groups: running, queued, CPU usage and memory (the fleet's), against their limits. */
export function ResourceGroupsPage() {
  const groups = usePolling(() => api<{ configured: boolean; items: ResourceGroup[] }>('/api/resource-groups'), 3000, []);
  return (
    <section>
      <PageHead title="Resource groups" updatedAt={groups.updatedAt} live />
      <p className="muted">Groups with queries running or waiting, or CPU usage not yet regained. Running, queued, CPU usage and memory count every gateway instance.</p>
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
                <th scope="col">Memory</th>
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
                  <td>
                    {g.cpuUsageMs > 0 ? formatDuration(g.cpuUsageMs) : '—'}
                    {g.hardCpuLimitMs !== undefined && <> of {formatDuration(g.hardCpuLimitMs)}</>}
                  </td>
                  <td>
                    {g.memoryBytes > 0 ? formatBytes(g.memoryBytes) : '—'}
                    {g.softMemoryLimitBytes !== undefined && <> of {formatBytes(g.softMemoryLimitBytes)}</>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
