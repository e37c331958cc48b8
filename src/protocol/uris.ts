/** The gateway's own URIs, as clients see them. Follow-ups carry the sealed token (query-token.ts) as the last path segment. */

export type FollowUpPhase = 'queued' | 'executing' | 'partialCancel';
/** What a spooled-segment URI of the gateway does: fetch the segment's bytes, or acknowledge it (Trino then deletes it). */
export type SegmentAction = 'download' | 'ack';
/** Every phase a sealed token can name: a follow-up's, or a segment URI's action. */
export type TokenPhase = FollowUpPhase | SegmentAction;

export function followUpUri(baseUrl: string, phase: FollowUpPhase, queryId: string, token: string): string {
  if (phase === 'partialCancel') return `${baseUrl}/v1/statement/executing/partialCancel/${queryId}/${token}`;
  return `${baseUrl}/v1/statement/${phase}/${queryId}/${token}`;
}

export function infoUri(baseUrl: string, queryId: string): string {
  return `${baseUrl}/ui/query.html?${queryId}`;
}

export interface FollowUpPath {
  phase: FollowUpPhase;
  queryId: string;
  token: string;
}

/** Parses the path of a gateway follow-up URI; undefined when it is not one. */
export function parseFollowUpPath(path: string): FollowUpPath | undefined {
  const parts = path.split('/');
  // ['', 'v1', 'statement', phase, ...]
  if (parts.length < 6 || parts[1] !== 'v1' || parts[2] !== 'statement') return undefined;
  if (parts[3] === 'executing' && parts[4] === 'partialCancel') {
    return parts.length === 7 ? { phase: 'partialCancel', queryId: parts[5]!, token: parts[6]! } : undefined;
  }
  if ((parts[3] !== 'queued' && parts[3] !== 'executing') || parts.length !== 6) return undefined;
  return { phase: parts[3], queryId: parts[4]!, token: parts[5]! };
}

/** A coordinator-served segment's URI on the gateway: `/v1/spooled/{action}/{queryId}/{token}`, as Trino's own `/v1/spooled/{action}/...`. */
export function segmentUri(baseUrl: string, action: SegmentAction, queryId: string, token: string): string {
  return `${baseUrl}/v1/spooled/${action}/${queryId}/${token}`;
}

export interface SegmentPath {
  phase: SegmentAction;
  queryId: string;
  token: string;
}

/** Parses the path of a gateway segment URI; undefined when it is not one. */
export function parseSegmentPath(path: string): SegmentPath | undefined {
  const parts = path.split('/');
  // ['', 'v1', 'spooled', action, queryId, token]
  if (parts.length !== 6 || parts[1] !== 'v1' || parts[2] !== 'spooled') return undefined;
  if (parts[3] !== 'download' && parts[3] !== 'ack') return undefined;
  return { phase: parts[3], queryId: parts[4]!, token: parts[5]! };
}
