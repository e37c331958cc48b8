/**
 * JWT bearer tokens (Trino's JWT authentication): verified against a JWKS URL or a key file, with
 * issuer, audience, expiry and clock-skew checks. Unsigned tokens (`alg: none`) and symmetric
 * algorithms are never accepted for public keys: the allowed algorithms follow from the key.
 */
import { readFileSync } from 'node:fs';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AuthenticationError, type Authenticator, type Credentials, type Principal } from './authenticator.js';

export interface JwtOptions {
  jwksUrl?: string;
  keyFile?: string;
  issuer?: string;
  audience?: string;
  principalClaim: string;
  groupsClaim?: string;
  /** Claim name → attribute key, for tag grants that match principal attributes. */
  attributeClaims?: Record<string, string>;
  clockSkewMs: number;
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export class JwtAuthenticator implements Authenticator {
  readonly name = 'jwt';
  readonly accepts = 'bearer' as const;
  private readonly key: JWTVerifyGetKey | KeyObject;

  constructor(private readonly options: JwtOptions) {
    if ((options.jwksUrl === undefined) === (options.keyFile === undefined)) {
      throw new Error('jwt authenticator needs exactly one of jwksUrl or keyFile');
    }
    if (options.jwksUrl !== undefined) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    } else {
      const text = readFileSync(options.keyFile!, 'utf8');
      this.key = text.trimStart().startsWith('{') ? createLocalJWKSet(JSON.parse(text) as Parameters<typeof createLocalJWKSet>[0]) : createPublicKey(text);
    }
  }

  async authenticate(credentials: Credentials): Promise<Principal> {
    if (credentials.kind !== 'bearer') throw new AuthenticationError('Invalid credentials');
    const verifyOptions = {
      algorithms: ASYMMETRIC,
      clockTolerance: Math.round(this.options.clockSkewMs / 1000),
      ...(this.options.issuer !== undefined ? { issuer: this.options.issuer } : {}),
      ...(this.options.audience !== undefined ? { audience: this.options.audience } : {}),
    };
    let payload: Record<string, unknown>;
    try {
      const result =
        typeof (this.key as JWTVerifyGetKey) === 'function'
          ? await jwtVerify(credentials.token, this.key as JWTVerifyGetKey, verifyOptions)
          : await jwtVerify(credentials.token, this.key as KeyObject, verifyOptions);
      payload = result.payload as Record<string, unknown>;
    } catch (err) {
      throw describe(err);
    }
    const user = payload[this.options.principalClaim];
    if (typeof user !== 'string' || user === '') throw new AuthenticationError(`Token has no '${this.options.principalClaim}' claim`);
    const attributes = this.attributesOf(payload);
    return { user, groups: this.groupsOf(payload), authenticatedBy: this.name, ...(attributes ? { attributes } : {}) };
  }

  /** A claim holding a text or a list of texts gives that attribute its values; other claims are ignored. */
  private attributesOf(payload: Record<string, unknown>): Record<string, string[]> | undefined {
    const claims = this.options.attributeClaims;
    if (claims === undefined) return undefined;
    const attributes: Record<string, string[]> = {};
    for (const [claim, key] of Object.entries(claims)) {
      const value = payload[claim];
      const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
      if (values.length > 0) attributes[key] = [...(attributes[key] ?? []), ...values];
    }
    return attributes;
  }

  private groupsOf(payload: Record<string, unknown>): string[] {
    if (this.options.groupsClaim === undefined) return [];
    const value = payload[this.options.groupsClaim];
    if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
    if (typeof value === 'string') return value.split(/[\s,]+/).filter((g) => g !== '');
    return [];
  }
}

function describe(err: unknown): AuthenticationError {
  if (err instanceof joseErrors.JWTExpired) return new AuthenticationError('Token expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) return new AuthenticationError(`Token rejected: ${err.claim} claim check failed`);
  if (err instanceof joseErrors.JWKSTimeout) return new AuthenticationError('Key set unavailable', true);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new AuthenticationError('Token rejected: algorithm not allowed');
  if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('Token rejected: signature not verified');
  }
  if (err instanceof joseErrors.JOSEError) return new AuthenticationError('Token rejected: malformed');
  // Fetching the key set failed (network, HTTP error): undecidable, so refused.
  return new AuthenticationError('Key set unavailable', true);
}
