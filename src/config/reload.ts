/**
 * Applying a changed configuration file without a restart: routing rules and groups, group
 * limits, and each backend's group, weight, capacity and state (a state is applied only when the
 * file changed it, so an operator's drain through the admin API is not undone by an unrelated
 * edit). Adding or removing backends, changing their engine or address, or naming another
 * resource groups file needs a restart, and
 * the log says so. A file that does not validate keeps the running configuration.
 */
import type { Logger } from 'pino';
import type { BackendPool } from '../routing/backend-pool.js';
import type { GroupLimits } from '../routing/admission.js';
import { Router } from '../routing/router.js';
import type { Dispatcher } from '../server/dispatcher.js';
import type { Guardrails } from '../admission/guardrails.js';
import type { BackendConfig, GatewayConfig } from './schema.js';

export interface ReloadTargets {
  pool: BackendPool;
  dispatcher: Dispatcher;
  groupLimits: Map<string, GroupLimits>;
  /** Absent when the gateway started without guardrails (adding the first ones needs a restart). */
  guardrails?: Guardrails;
  log: Logger;
}

function sameEndpoint(a: BackendConfig, b: BackendConfig): boolean {
  if (a.engine !== b.engine) return false;
  if (a.engine === 'trino' && b.engine === 'trino') return a.url === b.url && a.dialect === b.dialect;
  return JSON.stringify(a) === JSON.stringify({ ...b, group: a.group, weight: a.weight, state: a.state, maxRunning: a.maxRunning });
}

export function applyReload(previous: GatewayConfig, next: GatewayConfig, targets: ReloadTargets): void {
  const { pool, dispatcher, groupLimits, guardrails, log } = targets;
  let router: Router;
  try {
    router = new Router(next);
  } catch (err) {
    log.error(`configuration not applied: ${(err as Error).message}`);
    return;
  }
  const before = new Map(previous.backends.map((b) => [b.name, b]));
  const needsRestart: string[] = [];
  for (const b of next.backends) {
    const pooled = pool.get(b.name);
    const old = before.get(b.name);
    if (!pooled || !old) {
      needsRestart.push(`new backend '${b.name}'`);
      continue;
    }
    if (!sameEndpoint(old, b)) {
      needsRestart.push(`changed engine settings of backend '${b.name}'`);
      continue;
    }
    pooled.group = b.group;
    pooled.weight = b.weight;
    pooled.maxRunning = b.maxRunning;
    if (old.state !== b.state) {
      pool.setState(b.name, b.state);
      log.info({ actor: 'configuration', target: b.name, from: old.state, to: b.state }, 'backend state changed by the configuration file');
    }
  }
  for (const name of before.keys()) if (!next.backends.some((b) => b.name === name)) needsRestart.push(`removed backend '${name}'`);
  // The resource groups file itself is reloaded when it changes; naming another file (or none) is a restart.
  if (previous.resourceGroups?.file !== next.resourceGroups?.file) needsRestart.push('resourceGroups.file');
  groupLimits.clear();
  for (const g of next.routingGroups) groupLimits.set(g.name, { maxQueued: g.maxQueued, queueTimeoutMs: g.queueTimeout });
  dispatcher.setRouter(router);
  // Queries already admitted keep what they hold; new ones meet the new guardrails.
  if (guardrails) guardrails.setRules(next.guardrails.rules);
  else if (next.guardrails.rules.length > 0) needsRestart.push('guardrails (the gateway started without any)');
  if (previous.guardrails.checkInterval !== next.guardrails.checkInterval) needsRestart.push('guardrails.checkInterval');
  log.info({ rules: next.routing.rules.length, groups: next.routingGroups.length }, 'configuration reloaded');
  if (needsRestart.length > 0) log.warn(`configuration changes that take effect only after a restart: ${needsRestart.join(', ')}`);
}
