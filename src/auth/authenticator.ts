/**
 * Authentication: who is asking. Authenticators are tried in the configured order, as Trino tries
 * the types listed in `http-server.authentication.type`; the first that accepts wins.
 */

export interface Principal {
  /** The authenticated user name. */
  user: string;
  /** Groups from the authenticator (LDAP membership, a JWT claim); the group file adds more later. */
  groups: string[];
  /** Which authenticator vouched for the user (`password-file`, `ldap`, `jwt`). */
  authenticatedBy: string;
  /** Attributes for tag grants (e.g. clearance: [pii]), from configured JWT claims or LDAP attributes. */
  attributes?: Record<string, string[]>;
}

export type Credentials = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

/**
 * A definite refusal (wrong password, bad token) or a failure to decide (directory unreachable).
 * Either way the request is refused: an authenticator that cannot decide never lets anyone in.
 */
export class AuthenticationError extends Error {
  constructor(
    message: string,
    /** True when the authenticator could not decide (unreachable server, timeout), as opposed to a refusal. */
    readonly unavailable = false,
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export interface Authenticator {
  readonly name: string;
  /** The credential kind this authenticator understands; others are passed to the next one. */
  readonly accepts: Credentials['kind'];
  /** Resolves the principal, or throws AuthenticationError. Never resolves for a bad credential. */
  authenticate(credentials: Credentials): Promise<Principal>;
  close?(): Promise<void>;
}
