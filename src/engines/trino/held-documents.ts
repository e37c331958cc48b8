/**
 * Documents a submission read from the backend ahead of its client, kept until the client asks
 * for them: while following a statement's waiting documents the gateway reads the first document
 * with something in it, but answers the POST with the waiting document before it (as Trino
 * answers a submission). The client's next request is for exactly that document's token; serving
 * it from here saves a backend round trip. The backend has not moved past that token, so an entry
 * that is dropped (expired, over budget, or asked for on another gateway instance) costs nothing
 * but the round trip: the backend answers the same token again from its own cache.
 */

export interface HeldDocument {
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export class HeldDocuments {
  private readonly entries = new Map<string, { document: HeldDocument; timer: NodeJS.Timeout }>();
  private bytes = 0;

  constructor(
    /** Total body bytes held at most; past it, documents are not held. */
    private readonly budgetBytes: number,
    /** How long a document waits for its client. */
    private readonly ttlMs: number,
  ) {}

  /** Holds `document` as the answer to the backend target `target`; false when over budget. */
  hold(target: string, document: HeldDocument): boolean {
    if (this.bytes + document.body.length > this.budgetBytes) return false;
    this.drop(target);
    const timer = setTimeout(() => this.drop(target), this.ttlMs);
    timer.unref();
    this.entries.set(target, { document, timer });
    this.bytes += document.body.length;
    return true;
  }

  /** The document held for `target`, removed. */
  take(target: string): HeldDocument | undefined {
    const entry = this.entries.get(target);
    if (entry === undefined) return undefined;
    this.drop(target);
    return entry.document;
  }

  drop(target: string): void {
    const entry = this.entries.get(target);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.entries.delete(target);
    this.bytes -= entry.document.body.length;
  }

  clear(): void {
    for (const target of [...this.entries.keys()]) this.drop(target);
  }
}
