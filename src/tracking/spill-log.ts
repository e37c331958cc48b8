/**
 * The spill file: an append-only JSON-lines log on local disk, bounded in size, holding the
 * records that could not be written to the database yet. Read back in order from an offset and
 * truncated once everything in it has been replayed.
 *
 * Appends are synchronous (a few kilobytes at a time, only while the database is unreachable):
 * once append() returns, the records survive the process.
 */
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SpillChunk {
  lines: string[];
  /** Offset just after the last complete line returned. */
  next: number;
}

export class SpillLog {
  private fd: number;
  private bytes: number;
  private lineCount: number;

  /** Opens (creating when missing) the spill file; counts the records already in it. */
  constructor(
    readonly path: string,
    readonly maxBytes: number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a+', 0o600);
    this.bytes = fstatSync(this.fd).size;
    this.lineCount = 0;
    let offset = 0;
    let lastByte = 10;
    const buffer = Buffer.alloc(1 << 20);
    while (offset < this.bytes) {
      const n = readSync(this.fd, buffer, 0, buffer.length, offset);
      if (n <= 0) break;
      for (let i = 0; i < n; i++) if (buffer[i] === 10) this.lineCount++;
      lastByte = buffer[n - 1]!;
      offset += n;
    }
    // A crash in the middle of an append leaves a torn last line: end it, so that the next
    // record starts on a line of its own (the torn one is reported when replayed).
    if (this.bytes > 0 && lastByte !== 10) {
      this.bytes += writeSync(this.fd, '\n');
      this.lineCount++;
    }
  }

  /** Bytes in the file. */
  get size(): number {
    return this.bytes;
  }

  /** Records in the file (replayed or not). */
  get records(): number {
    return this.lineCount;
  }

  /**
   * Appends whole lines (no newline inside), in order, as long as they fit under maxBytes;
   * returns how many were written (the rest did not fit).
   */
  append(lines: readonly string[]): number {
    let text = '';
    let count = 0;
    let size = this.bytes;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line, 'utf8') + 1;
      if (size + bytes > this.maxBytes) break;
      text += `${line}\n`;
      size += bytes;
      count++;
    }
    if (count > 0) {
      const data = Buffer.from(text, 'utf8');
      let written = 0;
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
      this.bytes += data.length;
      this.lineCount += count;
    }
    return count;
  }

  /** Up to `maxLines` complete lines starting at `offset`. */
  read(offset: number, maxLines: number): SpillChunk {
    const lines: string[] = [];
    let position = offset;
    let pending = Buffer.alloc(0);
    let chunkSize = 256 * 1024;
    while (lines.length < maxLines && position < this.bytes) {
      const buffer = Buffer.alloc(Math.min(chunkSize, this.bytes - position));
      const n = readSync(this.fd, buffer, 0, buffer.length, position);
      if (n <= 0) break;
      position += n;
      const data = pending.length ? Buffer.concat([pending, buffer.subarray(0, n)]) : buffer.subarray(0, n);
      let start = 0;
      for (let i = 0; i < data.length && lines.length < maxLines; i++) {
        if (data[i] === 10) {
          lines.push(data.toString('utf8', start, i));
          start = i + 1;
        }
      }
      pending = data.subarray(start);
      if (lines.length >= maxLines) break;
      // A line longer than the chunk: read more at once.
      if (start === 0) chunkSize *= 2;
    }
    return { lines, next: position - pending.length };
  }

  /** Empties the file (everything in it has been replayed). */
  reset(): void {
    ftruncateSync(this.fd, 0);
    this.bytes = 0;
    this.lineCount = 0;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
