/** The shapes the admin API returns (see /api/openapi.json); history and audit records are the server's own types. */

export type BackendState = 'active' | 'draining' | 'inactive';

export interface Backend {
  name: string;
  engine: string;
  group: string;
  state: BackendState;
  healthy: boolean;
  running: number;
  reportedLoad: number;
  maxRunning: number;
  weight: number;
  lastError?: string;
}

export interface Overview {
  generatedAt: number;
  errorWindowMs: number;
  historyAvailable: boolean;
  live: number;
  groups: Array<{ name: string; queued: number; backends: Array<Backend & { recent: { ended: number; failed: number; errorRate: number | null } }> }>;
}

export type { QueryRecord } from '../../src/tracking/types.js';
export type { AuditEvent } from '../../src/audit/events.js';
export type { GroupFigures } from '../../src/admission/resource-groups.js';

export type LoginMode = 'trusted-user' | 'password' | 'token' | 'password-or-token' | 'refused';

export type SessionInfo =
  | { authenticated: true; user: string; groups: string[]; expiresAt: number; csrfToken: string; loginMode: LoginMode }
  | { authenticated: false; loginMode: LoginMode; hint: string };

export interface Simulation {
  text: string;
  allowed: boolean;
  message?: string;
  checks: Array<{ check: string; resource: string; allowed: boolean; decidedBy: string }>;
  route?: { group: string; reason: string; fallback: string[] };
}

export interface RulesView {
  configured: boolean;
  source?: string;
  sections: Array<{ name: string; rules: Array<{ path: string; rule: unknown }> }>;
}
