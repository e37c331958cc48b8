/**
 * OpenTelemetry spans for a query's life in the gateway. One trace per statement:
 *
 *   querygate.query                 POST /v1/statement until the query ends (or is refused)
 *   ├─ querygate.authenticate       who is asking
 *   ├─ querygate.authorize          analysis and authorization (a cached decision skips the analyzer)
 *   ├─ querygate.analyze            analysis for routing rules, when no access control analysed it
 *   ├─ querygate.route              the routing decision
 *   ├─ querygate.queue              the wait in the gateway queue, when every backend was full
 *   └─ querygate.backend            from submission to the backend until the query ends; its
 *                                   context is the `traceparent` sent to Trino, so Trino's spans hang under it
 *
 * A client's W3C `traceparent` makes `querygate.query` its child. No context manager is
 * registered: spans are parented explicitly, so nothing global changes and other code pays nothing.
 * Without `tracing` in the configuration no SDK is loaded and every call is on DISABLED, which does nothing.
 */
import { SpanKind, SpanStatusCode, createTraceState, isSpanContextValid, trace, ROOT_CONTEXT, type Attributes, type Context, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import type { TracingConfig } from '../config/schema.js';
import type { QueryEndDetails, QueryOutcome } from '../engines/backend.js';
import { HttpFailure, QueryFailure } from '../protocol/errors.js';
import { VERSION } from '../version.js';

/** The trace of one statement; every method is cheap and safe to call in any order. */
export interface QueryTrace {
  /** Runs one stage of the query (authenticate, authorize, analyze, route) in a child span. */
  stage<T>(name: string, work: () => T, attributes?: Attributes): T;
  /** Attributes of the whole query (user, group, backend). */
  describe(attributes: Attributes): void;
  /** The query waits in the gateway queue; `dequeued` when it is admitted. */
  queued(group: string): void;
  dequeued(): void;
  /** The query goes to a backend: the W3C headers that make the backend's spans children of the gateway's. */
  backendCall(backend: string, group: string): Record<string, string>;
  /** The backend gave the query its id. */
  started(queryId: string): void;
  /** The query ended on its backend (follow-ups, cancel, abandonment). */
  ended(outcome: QueryOutcome, details?: QueryEndDetails): void;
  /** The query was refused or failed before it ran. */
  failed(err: unknown): void;
}

export interface Tracing {
  /** A new statement arrived with these request headers. */
  startQuery(headers: IncomingHttpHeaders): QueryTrace;
  /** The admission freed the slot of a query with this id. */
  queryEnded(queryId: string | undefined, outcome: QueryOutcome | undefined, details?: QueryEndDetails): void;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

const NO_TRACE: QueryTrace = {
  stage: (_name, work) => work(),
  describe: () => undefined,
  queued: () => undefined,
  dequeued: () => undefined,
  backendCall: () => ({}),
  started: () => undefined,
  ended: () => undefined,
  failed: () => undefined,
};

export const DISABLED: Tracing = {
  startQuery: () => NO_TRACE,
  queryEnded: () => undefined,
  shutdown: async () => undefined,
};

/** Loads the SDK and the OTLP/HTTP (JSON) exporter only when tracing is configured. */
export async function startTracing(config: TracingConfig | undefined): Promise<Tracing> {
  if (config === undefined) return DISABLED;
  const [{ BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName, 'service.version': VERSION }),
    // A client's sampling decision (the traceparent flag) is followed; the ratio decides for traces the gateway starts.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlpEndpoint }))],
  });
  return new OtelTracing(provider.getTracer('querygate', VERSION), () => provider.shutdown());
}

class OtelTracing implements Tracing {
  /** Queries running on a backend, by query id, until the admission frees their slot. */
  private readonly running = new Map<string, LiveQueryTrace>();

  constructor(
    private readonly tracer: Tracer,
    readonly shutdown: () => Promise<void>,
  ) {}

  startQuery(headers: IncomingHttpHeaders): QueryTrace {
    const parent = clientContext(headers);
    const root = this.tracer.startSpan('querygate.query', { kind: SpanKind.SERVER }, parent);
    return new LiveQueryTrace(this.tracer, root, this.running);
  }

  queryEnded(queryId: string | undefined, outcome: QueryOutcome | undefined, details?: QueryEndDetails): void {
    if (queryId === undefined || outcome === undefined) return;
    this.running.get(queryId)?.ended(outcome, details);
  }
}

class LiveQueryTrace implements QueryTrace {
  private readonly context: Context;
  private queue: Span | undefined;
  private backend: Span | undefined;
  private queryId: string | undefined;
  private done = false;

  constructor(
    private readonly tracer: Tracer,
    private readonly root: Span,
    private readonly running: Map<string, LiveQueryTrace>,
  ) {
    this.context = trace.setSpan(ROOT_CONTEXT, root);
  }

  stage<T>(name: string, work: () => T, attributes?: Attributes): T {
    const span = this.tracer.startSpan(`querygate.${name}`, attributes === undefined ? {} : { attributes }, this.context);
    let result: T;
    try {
      result = work();
    } catch (err) {
      endFailed(span, err);
      throw err;
    }
    if (!(result instanceof Promise)) {
      span.end();
      return result;
    }
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        endFailed(span, err);
        throw err;
      },
    ) as T;
  }

  describe(attributes: Attributes): void {
    this.root.setAttributes(attributes);
  }

  queued(group: string): void {
    this.queue = this.tracer.startSpan('querygate.queue', { attributes: { 'querygate.group': group } }, this.context);
  }

  dequeued(): void {
    this.queue?.end();
    this.queue = undefined;
  }

  backendCall(backend: string, group: string): Record<string, string> {
    this.root.setAttributes({ 'querygate.backend': backend, 'querygate.group': group });
    this.backend = this.tracer.startSpan('querygate.backend', { kind: SpanKind.CLIENT, attributes: { 'querygate.backend': backend, 'querygate.group': group } }, this.context);
    return traceHeaders(this.backend.spanContext());
  }

  started(queryId: string): void {
    this.queryId = queryId;
    this.root.setAttribute('querygate.query_id', queryId);
    this.backend?.setAttribute('querygate.query_id', queryId);
    this.backend?.addEvent('started');
    if (!this.done) this.running.set(queryId, this);
  }

  ended(outcome: QueryOutcome, details?: QueryEndDetails): void {
    if (this.done) return;
    const attributes: Attributes = { 'querygate.outcome': outcome, ...(details?.errorName !== undefined ? { 'querygate.error_name': details.errorName } : {}) };
    const failed = outcome !== 'finished';
    for (const span of [this.queue, this.backend, this.root]) {
      if (span === undefined) continue;
      span.setAttributes(attributes);
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR, ...(details?.errorMessage !== undefined ? { message: details.errorMessage } : {}) });
    }
    this.finish();
  }

  failed(err: unknown): void {
    if (this.done) return;
    for (const span of [this.queue, this.backend]) if (span !== undefined) endFailed(span, err);
    this.queue = this.backend = undefined;
    this.root.setAttribute('querygate.outcome', 'failed');
    endFailed(this.root, err);
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.queue?.end();
    this.backend?.end();
    this.root.end();
    if (this.queryId !== undefined) this.running.delete(this.queryId);
  }
}

/** The Trino error name (or HTTP status) a failure is known by. */
function errorName(err: unknown): string {
  if (err instanceof QueryFailure) return err.errorCode.name;
  if (err instanceof HttpFailure) return `HTTP ${err.status}`;
  return err instanceof Error ? err.name : 'Error';
}

function endFailed(span: Span, err: unknown): void {
  span.setAttribute('querygate.error_name', errorName(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  span.end();
}

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): `version-traceid-parentid-flags`.
 * Parsed here because the API's propagator is a no-op until a global one is registered, which
 * would change every other OpenTelemetry user in the process.
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

function clientContext(headers: IncomingHttpHeaders): Context {
  const header = headers.traceparent;
  const match = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  // Version ff is invalid; a future version may append fields, version 00 may not.
  if (match === null || match[1] === 'ff' || (match[1] === '00' && match[5] !== undefined)) return ROOT_CONTEXT;
  const state = headers.tracestate;
  const parent: SpanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: parseInt(match[4]!, 16),
    isRemote: true,
    ...(typeof state === 'string' ? { traceState: createTraceState(state) } : {}),
  };
  return isSpanContextValid(parent) ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

function traceHeaders(context: SpanContext): Record<string, string> {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  const headers: Record<string, string> = { traceparent: `00-${context.traceId}-${context.spanId}-${flags}` };
  const state = context.traceState?.serialize();
  if (state) headers.tracestate = state;
  return headers;
}
