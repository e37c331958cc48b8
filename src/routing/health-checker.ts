/**
 * Active health checks: every backend is probed on an interval (Trino: `/v1/info` must say
 * `starting: false`). Failed probes and failures on real traffic (reported by the engines) take
 * a backend out after `unhealthyThreshold` in a row; `healthyThreshold` good probes bring it back.
 * A healthy backend is also asked for its own load where the engine offers it (Trino: the
 * queued and running queries listed by `/v1/query`).
 */
import type { BackendPool } from './backend-pool.js';

export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly pool: BackendPool,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly onChange: (backend: string, healthy: boolean, reason?: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.probeAll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round of probes; overlapping rounds are skipped. */
  async probeAll(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await Promise.all(
        this.pool.all().map(async (b) => {
          const before = b.healthy;
          const problem = await b.backend.probe(this.timeoutMs);
          if (problem === undefined) {
            this.pool.reportSuccess(b.backend.name);
            const load = await b.backend.reportedLoad?.(this.timeoutMs);
            if (load !== undefined) b.reportedLoad = load;
          } else {
            this.pool.reportFailure(b.backend.name, problem);
          }
          if (b.healthy !== before) this.onChange(b.backend.name, b.healthy, problem);
        }),
      );
    } finally {
      this.running = false;
    }
  }
}
