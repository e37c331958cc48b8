/**
 * Trino column types as they appear on the wire: the SQL-formatted `type` string and the
 * structured `typeSignature` that recent Java clients use to pick a value decoder.
 */

export type TypeArgument =
  | { kind: 'LONG'; value: number }
  | { kind: 'TYPE'; value: ClientTypeSignature }
  | { kind: 'NAMED_TYPE'; value: { fieldName?: { name: string }; typeSignature: ClientTypeSignature } };

export interface ClientTypeSignature {
  rawType: string;
  arguments: TypeArgument[];
}

export interface Column {
  name: string;
  type: string;
  typeSignature: ClientTypeSignature;
}

/** Unbounded varchar is reported with this length, as Trino does. */
export const UNBOUNDED_VARCHAR_LENGTH = 2147483647;

/** Raw types whose name has several words; they never take parentheses after the first word. */
const MULTI_WORD_TYPES = ['interval year to month', 'interval day to second', 'double precision'];

class TypeParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): ClientTypeSignature {
    const signature = this.type();
    this.skipSpace();
    if (this.pos !== this.text.length) throw new Error(`Unexpected text in type '${this.text}' at ${this.pos}`);
    return signature;
  }

  private type(): ClientTypeSignature {
    this.skipSpace();
    const lower = this.text.slice(this.pos).toLowerCase();
    for (const multi of MULTI_WORD_TYPES) {
      if (lower.startsWith(multi)) {
        this.pos += multi.length;
        return { rawType: multi, arguments: [] };
      }
    }
    const name = this.word().toLowerCase();
    const args: TypeArgument[] = [];
    this.skipSpace();
    if (this.peek() === '(') {
      this.pos++;
      for (;;) {
        args.push(this.argument(name));
        this.skipSpace();
        const c = this.text[this.pos++];
        if (c === ')') break;
        if (c !== ',') throw new Error(`Expected ',' or ')' in type '${this.text}'`);
      }
    }
    let rawType = name;
    // `timestamp(3) with time zone`, `time with time zone`
    const rest = this.text.slice(this.pos).toLowerCase();
    const withTimeZone = rest.match(/^\s*with time zone/);
    if ((name === 'timestamp' || name === 'time') && withTimeZone) {
      this.pos += withTimeZone[0].length;
      rawType = `${name} with time zone`;
    }
    const withoutTimeZone = rest.match(/^\s*without time zone/);
    if ((name === 'timestamp' || name === 'time') && withoutTimeZone) this.pos += withoutTimeZone[0].length;
    if (rawType === 'varchar' && args.length === 0) args.push({ kind: 'LONG', value: UNBOUNDED_VARCHAR_LENGTH });
    return { rawType, arguments: args };
  }

  private argument(parent: string): TypeArgument {
    this.skipSpace();
    if (/[0-9]/.test(this.peek())) {
      const start = this.pos;
      while (/[0-9]/.test(this.peek())) this.pos++;
      return { kind: 'LONG', value: Number(this.text.slice(start, this.pos)) };
    }
    if (parent === 'row') {
      // A row field is `name type` or just `type`; names may be quoted.
      const save = this.pos;
      let fieldName: string | undefined;
      if (this.peek() === '"') {
        fieldName = this.quoted();
      } else {
        const word = this.word();
        this.skipSpace();
        if (this.peek() !== ',' && this.peek() !== ')' && this.peek() !== '(') fieldName = word;
        else this.pos = save;
      }
      const typeSignature = this.type();
      return { kind: 'NAMED_TYPE', value: fieldName === undefined ? { typeSignature } : { fieldName: { name: fieldName }, typeSignature } };
    }
    return { kind: 'TYPE', value: this.type() };
  }

  private word(): string {
    const start = this.pos;
    while (this.pos < this.text.length && /[A-Za-z0-9_]/.test(this.text[this.pos]!)) this.pos++;
    if (start === this.pos) throw new Error(`Expected a type name in '${this.text}' at ${start}`);
    return this.text.slice(start, this.pos);
  }

  private quoted(): string {
    let out = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++]!;
      if (c === '"') {
        if (this.peek() === '"') {
          out += '"';
          this.pos++;
          continue;
        }
        return out;
      }
      out += c;
    }
    throw new Error(`Unterminated quoted name in type '${this.text}'`);
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private skipSpace(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }
}

/** Parses a Trino type string such as `decimal(12, 2)` or `row(a bigint, b array(varchar))`. */
export function parseTypeSignature(type: string): ClientTypeSignature {
  return new TypeParser(type).parse();
}

export function column(name: string, type: string): Column {
  return { name, type, typeSignature: parseTypeSignature(type) };
}
