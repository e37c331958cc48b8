/**
 * Athena's failures as Trino errors. Two sources: a query that ends FAILED carries a
 * `StateChangeReason` (engine version 3 prefixes it with Trino's own error name, e.g.
 * `TABLE_NOT_FOUND: line 1:15: Table ... does not exist`) and an `AthenaError` category; an API
 * call that is refused throws a service exception (`InvalidRequestException`,
 * `TooManyRequestsException`, `AccessDeniedException`...) or a client-side error (no credentials,
 * endpoint unreachable). Every message names the workgroup so an operator knows where to look.
 */
import { ErrorCodes, QueryFailure, type ErrorCode } from '../../protocol/errors.js';

/** Trino error names Athena may put in front of a failure reason. */
const TRINO_NAMES = new Map<string, ErrorCode>(Object.values(ErrorCodes).map((code) => [code.name, code]));

/** Reasons without a Trino name, by what they say. */
const REASON_PATTERNS: ReadonlyArray<readonly [RegExp, ErrorCode]> = [
  [/mismatched input|extraneous input|no viable alternative|Queries of this type are not supported/i, ErrorCodes.SYNTAX_ERROR],
  [/\bTable\b.*\b(does not exist|not found)/i, ErrorCodes.TABLE_NOT_FOUND],
  [/\b(Schema|Database)\b.*\b(does not exist|not found)/i, ErrorCodes.SCHEMA_NOT_FOUND],
  [/Access Denied|AccessDenied|not authorized|Insufficient (Lake Formation )?permission/i, ErrorCodes.PERMISSION_DENIED],
  [/exceeded.*(limit|quota)|too many queries|TooManyRequests/i, ErrorCodes.QUERY_QUEUE_FULL],
];

/** The Trino error of a query Athena reports FAILED. `category` is AthenaError.ErrorCategory (1 system, 2 user, 3 other). */
export function failedQuery(workgroup: string, reason: string | undefined, category: number | undefined): QueryFailure {
  const text = reason ?? 'no reason given';
  const prefixed = /^([A-Z][A-Z_]+): (.*)$/s.exec(text);
  const named = prefixed ? TRINO_NAMES.get(prefixed[1]!) : undefined;
  if (named !== undefined) return new QueryFailure(named, prefixed![2]!);
  for (const [pattern, code] of REASON_PATTERNS) if (pattern.test(text)) return new QueryFailure(code, text);
  const code = category === 2 ? ErrorCodes.GENERIC_USER_ERROR : ErrorCodes.GENERIC_INTERNAL_ERROR;
  return new QueryFailure(code, `Athena workgroup '${workgroup}': ${text}`);
}

/** Service exceptions that mean the caller's credentials are not accepted. */
const CREDENTIAL_ERRORS = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredTokenException', 'ExpiredToken', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'IncompleteSignature']);
const THROTTLING_ERRORS = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'TimeoutError']);

/** The Trino error for an Athena (or STS, Glue) API call that threw `err`. */
export function apiFailure(workgroup: string, operation: string, err: unknown): QueryFailure {
  if (err instanceof QueryFailure) return err;
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { attempts?: number } };
  const name = e.name ?? 'Error';
  const message = e.message ?? String(err);
  const where = `Athena workgroup '${workgroup}' (${operation})`;
  if (name === 'CredentialsProviderError') {
    return new QueryFailure(ErrorCodes.PERMISSION_DENIED, `${where}: no AWS credentials found by the default provider chain (environment, shared files, SSO, container or instance role): ${message}`);
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new QueryFailure(ErrorCodes.PERMISSION_DENIED, `${where}: the AWS credentials were refused (${name}: ${message}); they may be expired or wrong`);
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') return new QueryFailure(ErrorCodes.PERMISSION_DENIED, `${where}: access denied: ${message}`);
  if (THROTTLING_ERRORS.has(name)) {
    const attempts = e.$metadata?.attempts;
    return new QueryFailure(
      ErrorCodes.QUERY_QUEUE_FULL,
      `${where}: throttled by Athena${attempts === undefined ? '' : ` after ${attempts} attempts with backoff`} (${name}: ${message}); retry later`,
    );
  }
  if (UNREACHABLE.has(e.code ?? '') || UNREACHABLE.has(name)) {
    // The SDK's message carries the endpoint's address, which clients are not shown (server.exposeBackendDetails).
    return new QueryFailure(ErrorCodes.BACKEND_UNAVAILABLE, `${where}: the Athena endpoint is unreachable (${e.code ?? name})`);
  }
  if (name === 'InvalidRequestException') return failedQuery(workgroup, message, 2);
  return new QueryFailure(ErrorCodes.GENERIC_INTERNAL_ERROR, `${where}: ${name}: ${message}`);
}
