/**
 * The in-host transport: the worker processes of one gateway (`server.workers`, node:cluster)
 * share their state through the primary process, which holds it in the very stores an instance
 * keeps alone (LocalLeaseStore, LocalFleetQueue) and answers each worker's requests over the IPC
 * channel node:cluster opens. It is used when Redis is not configured; with Redis a worker is an
 * instance like any other and shares through Redis.
 *
 * It also keeps the brute-force lockout's failure counters for every worker (auth/login-throttle.ts).
 * Besides the stores, the primary relays messages (the MessageBus of every worker, as Redis
 * pub/sub does between hosts), knows which worker holds which query (a query id ends with its
 * worker's instance id) and where that worker takes forwarded requests, and gathers the live
 * queries of all workers for the admin API and their figures for /metrics.
 */
import type { Worker } from 'node:cluster';
import { LocalLoginThrottle, type LoginAttempt, type LoginThrottle, type LoginThrottleLimits } from '../auth/login-throttle.js';
import type { RegistryFigures } from '../observability/metrics.js';
import type { QueryRecord } from '../tracking/types.js';
import { LocalFleetQueue, type BackendQuery, type FleetQueue, type QueuedStatement } from './fleet-queue.js';
import { LocalLeaseStore, type LeaseStore, type SyncResult, type SyncRound } from './leases.js';
import type { MessageBus } from './redis-bus.js';

const TAG = 'querygate/in-host';
/** A request the other side never answers (it died, or hangs) fails after this long. */
const REQUEST_TIMEOUT_MS = 5_000;
/** How long the primary waits for each worker's live queries. */
const GATHER_TIMEOUT_MS = 2_000;

interface Message {
  tag: typeof TAG;
  /** A request (id > 0 wants a reply), or a notice (id 0). */
  id?: number;
  op?: string;
  args?: unknown[];
  /** The id of the request this answers. */
  reply?: number;
  result?: unknown;
  error?: string;
}

/** Where a message goes: the worker's `process` or the primary's `Worker` handle. */
interface Port {
  send(message: Message, callback: (err: Error | null) => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  readonly connected?: boolean;
}

type Handler = (...args: any[]) => unknown;

/** Requests and notices over one IPC channel, in both directions. */
class Peer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly port: Port,
    private readonly handlers: Record<string, Handler>,
  ) {
    port.on('message', (raw) => {
      const message = raw as Message;
      if (message?.tag !== TAG) return;
      if (message.reply !== undefined) this.settle(message);
      else if (message.op !== undefined) void this.serve(message);
    });
  }

  request<T>(op: string, args: unknown[], timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
    if (this.port.connected === false) return Promise.reject(new Error('the in-host channel is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${op} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.send({ tag: TAG, id, op, args });
    });
  }

  notify(op: string, args: unknown[]): void {
    this.send({ tag: TAG, id: 0, op, args });
  }

  /** Fails every request still waiting (the other side is gone). */
  failPending(reason: string): void {
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(new Error(reason));
      this.pending.delete(id);
    }
  }

  private send(message: Message): void {
    // The channel may close meanwhile (the other side is exiting): the request then times out, a
    // notice is lost (as on Redis pub/sub). Given a callback, node reports that failure to it
    // instead of as an 'error' event, which would stop the process.
    try {
      if (this.port.connected !== false) this.port.send(message, () => undefined);
    } catch {
      // Closed before the send: as above.
    }
  }

  private settle(message: Message): void {
    const waiting = this.pending.get(message.reply!);
    if (waiting === undefined) return;
    this.pending.delete(message.reply!);
    clearTimeout(waiting.timer);
    if (message.error !== undefined) waiting.reject(new Error(message.error));
    else waiting.resolve(message.result);
  }

  private async serve(message: Message): Promise<void> {
    const handler = this.handlers[message.op!];
    let answer: Message;
    try {
      if (handler === undefined) throw new Error(`unknown in-host operation ${message.op}`);
      answer = { tag: TAG, reply: message.id!, result: await handler(...(message.args ?? [])) };
    } catch (err) {
      answer = { tag: TAG, reply: message.id!, error: (err as Error).message };
    }
    if (message.id !== 0) this.send(answer);
  }
}

interface WorkerEntry {
  peer: Peer;
  instanceId?: string;
  socketPath?: string;
  /** Its credential checks under way, by the id the primary gave them. */
  openAttempts: Map<number, LoginAttempt>;
}

/** The workers alive on this host: instance id → the socket path that takes its forwarded requests. */
export type WorkerDirectory = Record<string, string>;

/** What the primary tells every worker to do (on the signals it receives). */
export type WorkerCommand = 'drain' | 'stop' | 'reload';

/** The primary's side: holds the shared state and serves the workers. */
export class InHostState {
  private readonly leases = new LocalLeaseStore();
  private readonly queue = new LocalFleetQueue();
  private readonly logins: LocalLoginThrottle;
  private readonly peers = new Map<Worker, WorkerEntry>();
  private nextAttempt = 1;

  /**
   * `tokenSecret`: what workers sign follow-up URIs with when the configuration sets none (one key
   * for the host); `loginLimits`: the lockout's; `onStarted`: a worker is serving.
   */
  constructor(
    private readonly tokenSecret: string,
    loginLimits: LoginThrottleLimits,
    private readonly onStarted: (worker: Worker) => void,
  ) {
    this.logins = new LocalLoginThrottle(loginLimits);
  }

  attach(worker: Worker): void {
    const entry: WorkerEntry = {
      openAttempts: new Map(),
      peer: new Peer(worker, {
        register: (instanceId: string, socketPath: string) => {
          entry.instanceId = instanceId;
          entry.socketPath = socketPath;
          this.announceWorkers();
          return { tokenSecret: this.tokenSecret };
        },
        sync: async (round: SyncRound) => {
          const result = await this.leases.sync(round);
          // A slot freed: the other workers read the counts at once, not at their next round (a
          // worker still counting the slot would queue a statement the host has room for).
          if (round.released.length > 0) for (const [other, { peer }] of this.peers) if (other !== worker) peer.notify('leases-changed', []);
          return result;
        },
        'queue.put': (statement: QueuedStatement, ttlMs: number) => this.queue.put(statement, ttlMs),
        'queue.get': (id: string) => this.queue.get(id),
        'queue.take': (id: string) => this.queue.take(id),
        'queue.alias': (id: string, query: BackendQuery, ttlMs: number) => this.queue.alias(id, query, ttlMs),
        'queue.aliasOf': (id: string) => this.queue.aliasOf(id),
        publish: (channel: string, message: string) => {
          for (const { peer } of this.peers.values()) peer.notify('message', [channel, message]);
          return true;
        },
        live: async () => (await this.gather<QueryRecord[]>('live', worker)).flat(),
        metrics: () => this.gather<RegistryFigures>('metrics', worker),
        started: () => this.onStarted(worker),
        'login.begin': (user: string | null, client: string) => {
          const attempt = this.logins.reserve(user ?? undefined, client);
          if (attempt === undefined) return null;
          const id = this.nextAttempt++;
          entry.openAttempts.set(id, attempt);
          return { ...attempt, id };
        },
        'login.end': (id: number, outcome: { failed: boolean; signedIn: boolean }) => {
          const attempt = entry.openAttempts.get(id);
          if (attempt === undefined) return;
          entry.openAttempts.delete(id);
          this.logins.end(attempt, outcome);
        },
      }),
    };
    this.peers.set(worker, entry);
  }

  /** The worker is gone: its queries are no longer forwarded to it. */
  detach(worker: Worker): void {
    const entry = this.peers.get(worker);
    if (entry === undefined) return;
    entry.peer.failPending('the worker exited');
    // Its checks under way end undecided: their slots are not kept.
    for (const attempt of entry.openAttempts.values()) this.logins.end(attempt, { failed: false, signedIn: false });
    this.peers.delete(worker);
    this.announceWorkers();
  }

  command(worker: Worker, command: WorkerCommand): void {
    this.peers.get(worker)?.peer.notify(command, []);
  }

  private directory(): WorkerDirectory {
    const directory: WorkerDirectory = {};
    for (const { instanceId, socketPath } of this.peers.values()) if (instanceId !== undefined && socketPath !== undefined) directory[instanceId] = socketPath;
    return directory;
  }

  private announceWorkers(): void {
    const directory = this.directory();
    for (const { peer } of this.peers.values()) peer.notify('workers', [directory]);
  }

  /** What every worker but `asking` (which has its own) answers to `op`, each within the gather timeout (one that does not is left out). */
  private async gather<T>(op: 'live' | 'metrics', asking: Worker): Promise<T[]> {
    const others = [...this.peers].filter(([worker]) => worker !== asking);
    const answers = await Promise.allSettled(others.map(([, { peer }]) => peer.request<T>(op, [], GATHER_TIMEOUT_MS)));
    return answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  }
}

/** A worker's side: the shared stores and bus, backed by the primary. */
export class InHostClient {
  private workers: WorkerDirectory = {};
  private readonly subscriptions = new Map<string, (message: string) => void>();
  private readonly peer: Peer;
  private liveQueries: () => QueryRecord[] = () => [];
  private metrics: () => Promise<RegistryFigures> = async () => [];
  private readonly commands = new Map<WorkerCommand, () => void>();
  /** Commands the primary sent before this worker could take them. */
  private readonly pendingCommands = new Set<WorkerCommand>();
  private leasesChanged: () => void = () => undefined;

  constructor(port: Port = process as unknown as Port) {
    this.peer = new Peer(port, {
      workers: (directory: WorkerDirectory) => {
        this.workers = directory;
      },
      message: (channel: string, message: string) => this.subscriptions.get(channel)?.(message),
      'leases-changed': () => this.leasesChanged(),
      live: () => this.liveQueries(),
      metrics: () => this.metrics(),
      drain: () => this.command('drain'),
      stop: () => this.command('stop'),
      reload: () => this.command('reload'),
    });
  }

  /** What to do when the primary says so; a command that came before (the worker was still starting) runs now. */
  onCommand(command: WorkerCommand, run: () => void): void {
    this.commands.set(command, run);
    if (this.pendingCommands.delete(command)) run();
  }

  private command(command: WorkerCommand): void {
    const run = this.commands.get(command);
    if (run === undefined) this.pendingCommands.add(command);
    else run();
  }

  /** What to do when another worker freed a slot (read the host's counts again). */
  onLeasesChanged(listener: () => void): void {
    this.leasesChanged = listener;
  }

  /** Tells the primary this worker serves (its start is complete). */
  started(): void {
    this.peer.notify('started', []);
  }

  /** Joins the host; returns the token secret the host's workers share when the configuration sets none. */
  async register(instanceId: string, socketPath: string): Promise<{ tokenSecret: string }> {
    return this.peer.request('register', [instanceId, socketPath]);
  }

  /** Where to forward a request about query `queryId`: its worker's socket, when another live worker of this host holds it. */
  ownerOf(queryId: string, self: string): string | undefined {
    const instanceId = queryId.slice(queryId.lastIndexOf('_') + 1);
    return instanceId === self ? undefined : this.workers[instanceId];
  }

  /** Answers the primary's gathering of live queries with this worker's own. */
  serveLiveQueries(live: () => QueryRecord[]): void {
    this.liveQueries = live;
  }

  /** Answers the primary's gathering of figures for /metrics with this worker's own. */
  serveMetrics(figures: () => Promise<RegistryFigures>): void {
    this.metrics = figures;
  }

  /** The figures of the host's other workers, one registry's each. */
  metricsElsewhere(): Promise<RegistryFigures[]> {
    return this.peer.request('metrics', [], GATHER_TIMEOUT_MS * 2);
  }

  /** The live queries of the host's other workers. */
  liveElsewhere(): Promise<QueryRecord[]> {
    return this.peer.request('live', [], GATHER_TIMEOUT_MS * 2);
  }

  readonly leases: LeaseStore = {
    sync: (round: SyncRound) => this.peer.request<SyncResult>('sync', [round]),
    close: async () => undefined,
  };

  readonly queue: FleetQueue = {
    put: (statement, ttlMs) => this.peer.request('queue.put', [statement, ttlMs]),
    // IPC carries JSON: an absent entry arrives as null.
    get: async (id) => (await this.peer.request<QueuedStatement | null>('queue.get', [id])) ?? undefined,
    take: (id) => this.peer.request('queue.take', [id]),
    alias: (id, query, ttlMs) => this.peer.request('queue.alias', [id, query, ttlMs]),
    aliasOf: async (id) => (await this.peer.request<BackendQuery | null>('queue.aliasOf', [id])) ?? undefined,
    close: async () => undefined,
  };

  /** The host's lockout counters, held by the primary. */
  readonly logins: LoginThrottle = {
    // IPC carries JSON: no attempt (throttled) arrives as null, and so is an absent user sent.
    begin: async (user, client) => (await this.peer.request<LoginAttempt | null>('login.begin', [user ?? null, client])) ?? undefined,
    end: (attempt, outcome) => this.peer.notify('login.end', [attempt.id, outcome]),
  };

  readonly bus: MessageBus = {
    subscribe: async (channel, onMessage) => {
      this.subscriptions.set(channel, onMessage);
    },
    publish: (channel, message) => this.peer.request<boolean>('publish', [channel, message]).catch(() => false),
  };
}
