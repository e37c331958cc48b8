/**
 * A file parsed at start and re-parsed when it changes (checked at most once a second, on use).
 * The first parse must succeed; a broken later version keeps the last good value in force and is
 * reported, so an operator's typo never locks everyone out or lets everyone in. With `check`, a
 * parsed version that needs it is also checked (asynchronously, against something outside the
 * file) before it is taken; until then, and if it fails, the previous version stays in force. A
 * version the check has nothing to look at (it returns no promise) is taken at once, like one
 * without a check: the request that noticed the change already sees it.
 */
import { readFileSync, statSync } from 'node:fs';

const RECHECK_MS = 1000;

export class ReloadingFile<T> {
  private current: T;
  private mtimeMs: number;
  private checkedAt = Date.now();

  constructor(
    private readonly path: string,
    private readonly parse: (text: string, path: string) => T,
    private readonly onReloadError: (message: string) => void,
    private readonly onReloaded: () => void = () => undefined,
    private readonly check?: (value: T) => Promise<void> | undefined,
  ) {
    this.current = parse(readFileSync(path, 'utf8'), path);
    this.mtimeMs = statSync(path).mtimeMs;
  }

  get value(): T {
    const now = Date.now();
    if (now - this.checkedAt >= RECHECK_MS) {
      this.checkedAt = now;
      this.reloadIfChanged();
    }
    return this.current;
  }

  /** Re-reads the file now, changed or not (SIGHUP: a referenced secret file may have changed underneath). */
  reload(): void {
    this.checkedAt = Date.now();
    this.reloadIfChanged(true);
  }

  private reloadIfChanged(force = false): void {
    try {
      const mtimeMs = statSync(this.path).mtimeMs;
      if (mtimeMs === this.mtimeMs && !force) return;
      const next = this.parse(readFileSync(this.path, 'utf8'), this.path);
      this.mtimeMs = mtimeMs;
      const checking = this.check?.(next);
      if (checking === undefined) this.take(next);
      else {
        checking.then(
          // A later version read meanwhile wins.
          () => this.mtimeMs === mtimeMs && this.take(next),
          (err: unknown) => this.refuse(err),
        );
      }
    } catch (err) {
      this.refuse(err);
    }
  }

  /** Runs the check on the version in force (at start: its failure is the caller's to report). */
  async checkCurrent(): Promise<void> {
    await this.check?.(this.current);
  }

  private take(next: T): void {
    this.current = next;
    this.onReloaded();
  }

  private refuse(err: unknown): void {
    this.onReloadError(`${this.path} not reloaded, keeping the previous version: ${(err as Error).message}`);
  }
}
