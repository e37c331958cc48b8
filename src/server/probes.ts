/**
 * Liveness and readiness for orchestrators and load balancers. Both are answered without
 * authentication and leave no trace in query history.
 *
 * - `GET /livez` (and `/healthz`): 200 `{"status":"alive"}` while the process answers HTTP.
 * - `GET /readyz`: 200 when this instance should be sent new statements, 503 otherwise, with
 *   `{"ready", "status", "backends": {"available", "total"}, "runningQueries", "queuedQueries"}`.
 *   `status` is `ready`, `starting` (listeners not all open yet), `draining` (SIGTERM/SIGINT
 *   received: in-flight queries finish, new statements are refused) or `no-backend-available`
 *   (no backend of any group is healthy and active).
 */
import type { Admission } from '../routing/admission.js';
import type { BackendPool } from '../routing/backend-pool.js';

export type LifecycleState = 'starting' | 'serving' | 'draining';

/** Where this instance is in its life; the front door refuses new statements once draining. */
export class Lifecycle {
  private current: LifecycleState = 'starting';

  get state(): LifecycleState {
    return this.current;
  }

  get draining(): boolean {
    return this.current === 'draining';
  }

  /** Every listener is open. */
  serving(): void {
    if (this.current === 'starting') this.current = 'serving';
  }

  drain(): void {
    this.current = 'draining';
  }
}

export interface Readiness {
  ready: boolean;
  status: 'ready' | 'starting' | 'draining' | 'no-backend-available';
  backends: { available: number; total: number };
  runningQueries: number;
  queuedQueries: number;
}

export function readiness(lifecycle: Lifecycle, pool: BackendPool, admission: Admission): Readiness {
  const backends = pool.all();
  const available = backends.filter((b) => b.healthy && b.state === 'active').length;
  const status = lifecycle.state === 'starting' ? 'starting' : lifecycle.draining ? 'draining' : available === 0 ? 'no-backend-available' : 'ready';
  return {
    ready: status === 'ready',
    status,
    backends: { available, total: backends.length },
    runningQueries: admission.openSlots().length,
    queuedQueries: admission.queuedTotal,
  };
}
