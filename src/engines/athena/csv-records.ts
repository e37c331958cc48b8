/**
 * An incremental reader of Athena's CSV result files (`<QueryID>.csv` in the output location).
 * Athena writes every value double-quoted, a quote inside a value doubled (`""`), and SQL NULL as
 * an empty unquoted field, so `,,` is NULL and `,"",` the empty string; values may span lines; records end with a line feed.
 * CSV libraries fold both into one empty string, which is why the file is read here. Anything
 * else (an unquoted value, text after a closing quote, a file cut inside a quoted value) is an
 * error: a misread row must never reach a client.
 *
 * Text is fed chunk by chunk (`push`), and complete records are handed out as they close, so a
 * result of any size is read in bounded memory.
 */

/** One record: its values in order, `undefined` for NULL. */
export type CsvRecord = Array<string | undefined>;

export class CsvFormatError extends Error {}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;

export class AthenaCsvReader {
  private record: CsvRecord = [];
  /** The value being read; `undefined` while the field has not started (or is NULL so far). */
  private value: string | undefined;
  private inQuotes = false;
  /** Just read a quote inside a quoted value: either the closing one or the first of `""`. */
  private quotePending = false;
  /** The current record has begun (so a line end closes it, even as one NULL value). */
  private started = false;
  private line = 1;

  /** Reads `text` and returns the records it completed. */
  push(text: string): CsvRecord[] {
    const done: CsvRecord[] = [];
    let runStart = -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inQuotes && !this.quotePending) {
        if (c === QUOTE) {
          if (runStart >= 0) this.value += text.slice(runStart, i);
          runStart = -1;
          this.quotePending = true;
        } else {
          if (runStart < 0) runStart = i;
          if (c === LF) this.line++;
        }
        continue;
      }
      if (this.quotePending) {
        this.quotePending = false;
        if (c === QUOTE) {
          this.value += '"';
          continue;
        }
        this.inQuotes = false;
      }
      switch (c) {
        case QUOTE:
          if (this.value !== undefined) throw this.error('a quote after a closed value');
          this.value = '';
          this.inQuotes = true;
          this.started = true;
          break;
        case COMMA:
          this.record.push(this.value);
          this.value = undefined;
          this.started = true;
          break;
        case LF:
          done.push(this.closeRecord());
          this.line++;
          break;
        default:
          throw this.error(`an unquoted value (${JSON.stringify(text.slice(i, i + 20))}), which Athena never writes`);
      }
    }
    if (runStart >= 0) this.value += text.slice(runStart);
    return done;
  }

  /** Ends the file: returns its last record when it had no final line break. */
  finish(): CsvRecord[] {
    if (this.inQuotes && !this.quotePending) throw this.error('the file ends inside a quoted value');
    this.quotePending = false;
    this.inQuotes = false;
    return this.started || this.value !== undefined ? [this.closeRecord()] : [];
  }

  private closeRecord(): CsvRecord {
    this.record.push(this.value);
    const record = this.record;
    this.record = [];
    this.value = undefined;
    this.started = false;
    return record;
  }

  private error(what: string): CsvFormatError {
    return new CsvFormatError(`line ${this.line}: ${what}`);
  }
}
