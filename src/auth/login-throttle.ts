/**
 * The brute-force lockout's counters: failed credential checks per user name and client address,
 * and per client address, within a window. An instance keeps them itself (LocalLoginThrottle);
 * the worker processes of one host (`server.workers`) share the primary's, over the in-host
 * channel (cluster/in-host.ts), so that N workers do not give a client N times the attempts.
 */

const MAX_ENTRIES = 10_000;

export interface LoginThrottleLimits {
  maxFailures: number;
  maxFailuresPerClient: number;
  failureWindowMs: number;
}

/** One credential check's reserved slots, given back by `end`. */
export interface LoginAttempt {
  /** Set by a shared throttle: which of its open attempts this is. */
  id?: number;
  /** `user\0client`, absent for a token (no user name before it is checked). */
  pair?: string;
  client: string;
  /** The pair signed in within the window: it is not held to its address's limit. */
  knownPair: boolean;
}

export interface LoginThrottle {
  /** Reserves slots for one check of `user` (undefined for a token) from `client`; undefined when they used up their attempts. */
  begin(user: string | undefined, client: string): Promise<LoginAttempt | undefined>;
  /** Ends a check: a failure keeps its slots for the window; a sign-in also exempts the pair from its address's limit. */
  end(attempt: LoginAttempt, outcome: { failed: boolean; signedIn: boolean }): void;
}

/**
 * Failed attempts per key within a window. An attempt reserves its slot before it is checked and
 * gives it back only when it succeeds, so concurrent attempts cannot all slip under the limit
 * while the first of them are still being checked.
 */
class FailureCounter {
  private readonly failures = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Takes a slot for one attempt; false when the key has used up its attempts. */
  reserve(key: string, now: number): boolean {
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length === 0) this.failures.delete(key);
    else this.failures.set(key, recent);
    const inFlight = this.inFlight.get(key) ?? 0;
    if (recent.length + inFlight >= this.max) return false;
    this.inFlight.set(key, inFlight + 1);
    return true;
  }

  /** Ends an attempt that reserved a slot: a failure keeps it for the window, anything else frees it. */
  settle(key: string, now: number, failed: boolean): void {
    const inFlight = this.inFlight.get(key)! - 1;
    if (inFlight === 0) this.inFlight.delete(key);
    else this.inFlight.set(key, inFlight);
    if (!failed) return;
    const list = this.failures.get(key) ?? [];
    list.push(now);
    if (list.length > this.max) list.shift();
    this.failures.set(key, list);
    if (this.failures.size > MAX_ENTRIES) this.failures.delete(this.failures.keys().next().value!);
  }
}

export class LocalLoginThrottle implements LoginThrottle {
  /** Failures of one user name from one client address: the lockout hits the one guessing. */
  private readonly userFailures: FailureCounter;
  /** Failures from one client address, whatever the user name (one address trying many names). */
  private readonly clientFailures: FailureCounter;
  /**
   * User name and address pairs that signed in within the failure window, with when that
   * expires: they are not held to their address's limit, so an address over it (a load balancer
   * in front of an attacker) does not lock out the users already known there.
   */
  private readonly signedIn = new Map<string, number>();

  constructor(private readonly limits: LoginThrottleLimits) {
    this.userFailures = new FailureCounter(limits.maxFailures, limits.failureWindowMs);
    this.clientFailures = new FailureCounter(limits.maxFailuresPerClient, limits.failureWindowMs);
  }

  async begin(user: string | undefined, client: string): Promise<LoginAttempt | undefined> {
    return this.reserve(user, client);
  }

  /** `begin`, at once: what the primary serves its workers with. */
  reserve(user: string | undefined, client: string): LoginAttempt | undefined {
    const now = Date.now();
    const pair = user === undefined ? undefined : `${user}\0${client}`;
    const knownPair = pair !== undefined && (this.signedIn.get(pair) ?? 0) > now;
    const userSlot = pair === undefined || this.userFailures.reserve(pair, now);
    const clientSlot = userSlot && (knownPair || this.clientFailures.reserve(client, now));
    if (!clientSlot) {
      if (userSlot && pair !== undefined) this.userFailures.settle(pair, now, false);
      return undefined;
    }
    return { ...(pair !== undefined ? { pair } : {}), client, knownPair };
  }

  end(attempt: LoginAttempt, outcome: { failed: boolean; signedIn: boolean }): void {
    const now = Date.now();
    if (attempt.pair !== undefined) this.userFailures.settle(attempt.pair, now, outcome.failed);
    if (!attempt.knownPair) this.clientFailures.settle(attempt.client, now, outcome.failed);
    if (outcome.signedIn && attempt.pair !== undefined) this.rememberSignIn(attempt.pair, now);
  }

  private rememberSignIn(pair: string, now: number): void {
    if (this.signedIn.size >= MAX_ENTRIES) {
      for (const [k, expiresAt] of this.signedIn) if (expiresAt <= now) this.signedIn.delete(k);
      if (this.signedIn.size >= MAX_ENTRIES) this.signedIn.delete(this.signedIn.keys().next().value!);
    }
    this.signedIn.delete(pair);
    this.signedIn.set(pair, now + this.limits.failureWindowMs);
  }
}
