/**
 * JSON texts read and written as Trino reads and writes them (Jackson), for the json values the
 * translator can know while translating: `JSON '...'` literals and the JSON functions of literal
 * texts. Three ways of writing a value matter:
 * - canonical: Trino's `json` values (json_parse, JSON literals): object keys sorted and the last
 *   of duplicates kept, integers as BigInteger prints them (`-0` is `0`), other numbers as
 *   BigDecimal prints them (`1.50`, `1E+2`, `1E-7`);
 * - copied: what json_extract gives (Jackson copying the parsed structure): keys in their order,
 *   duplicates kept, numbers with a fraction or exponent as Java prints their double (`2.5`,
 *   `1.0E20`, `"Infinity"`);
 * - the scalar text json_array_get gives for a scalar element: a string's characters, a number
 *   as written.
 * Strings are escaped as Jackson escapes them: `"`, `\`, control characters (`\n`, `\t`, `\r`,
 * `\b`, `\f`, else `\u00XX`) and characters beyond the BMP as their UTF-16 surrogates.
 */

export type JsonNode =
  | { k: 'null' }
  | { k: 'boolean'; value: boolean }
  | { k: 'string'; value: string }
  /** `text` as written; `integer` when it has neither fraction nor exponent (Jackson's int token). */
  | { k: 'number'; text: string; integer: boolean }
  | { k: 'array'; items: JsonNode[] }
  | { k: 'object'; entries: Array<[string, JsonNode]> };

/** Why a text was not read: `invalid` where Trino fails, `unmodelled` where this reader is not sure Trino reads it as it does. */
export type JsonReadFailure = 'invalid' | 'unmodelled';

/** Nesting, number lengths and exponents beyond these are refused rather than matched against Jackson's limits. */
const MAX_DEPTH = 200;
const MAX_NUMBER_LENGTH = 200;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/;

class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  read(): JsonNode | JsonReadFailure {
    try {
      this.space();
      if (this.at === this.text.length) return 'invalid';
      const value = this.value(0);
      this.space();
      return this.at === this.text.length ? value : 'invalid';
    } catch (failure) {
      if (failure === 'invalid' || failure === 'unmodelled') return failure;
      throw failure;
    }
  }

  private space(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) this.at++;
  }

  private value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw 'unmodelled';
    const c = this.text[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return { k: 'string', value: this.string() };
    for (const [word, node] of [['true', { k: 'boolean', value: true }], ['false', { k: 'boolean', value: false }], ['null', { k: 'null' }]] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        // Jackson reads `truex` as one unknown token.
        if (/[A-Za-z0-9_]/.test(this.text[this.at] ?? '')) throw 'invalid';
        return node;
      }
    }
    const number = NUMBER.exec(this.text.slice(this.at, this.at + MAX_NUMBER_LENGTH + 1));
    if (!number) throw 'invalid';
    const text = number[0];
    if (text.length > MAX_NUMBER_LENGTH || (number[3] !== undefined && number[3].replace(/^[eE][+-]?0*/, '').length > 9)) throw 'unmodelled';
    this.at += text.length;
    // A number running into more letters or digits (`1x`, `01`) is one bad token.
    if (/[A-Za-z0-9_.]/.test(this.text[this.at] ?? '')) throw 'invalid';
    return { k: 'number', text, integer: number[2] === undefined && number[3] === undefined };
  }

  private array(depth: number): JsonNode {
    this.at++;
    const items: JsonNode[] = [];
    this.space();
    if (this.text[this.at] === ']') return this.at++, { k: 'array', items };
    for (;;) {
      this.space();
      items.push(this.value(depth + 1));
      this.space();
      const c = this.text[this.at++];
      if (c === ']') return { k: 'array', items };
      if (c !== ',') throw 'invalid';
    }
  }

  private object(depth: number): JsonNode {
    this.at++;
    const entries: Array<[string, JsonNode]> = [];
    this.space();
    if (this.text[this.at] === '}') return this.at++, { k: 'object', entries };
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') throw 'invalid';
      const key = this.string();
      this.space();
      if (this.text[this.at++] !== ':') throw 'invalid';
      this.space();
      entries.push([key, this.value(depth + 1)]);
      this.space();
      const c = this.text[this.at++];
      if (c === '}') return { k: 'object', entries };
      if (c !== ',') throw 'invalid';
    }
  }

  private string(): string {
    this.at++;
    let value = '';
    for (;;) {
      if (this.at >= this.text.length) throw 'invalid';
      const c = this.text[this.at++]!;
      if (c === '"') break;
      if (c.charCodeAt(0) < 0x20) throw 'invalid';
      if (c !== '\\') {
        value += c;
        continue;
      }
      const escape = this.text[this.at++];
      const simple = escape === undefined ? undefined : SIMPLE_UNESCAPES[escape];
      if (simple !== undefined) value += simple;
      else if (escape === 'u' && /^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.at, this.at + 4))) {
        value += String.fromCharCode(parseInt(this.text.slice(this.at, this.at + 4), 16));
        this.at += 4;
      } else throw 'invalid';
    }
    // A lone surrogate (from an escape) is no character of a varchar.
    if (LONE_SURROGATE.test(value)) throw 'unmodelled';
    return value;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SIMPLE_UNESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function readJson(text: string): JsonNode | JsonReadFailure {
  return new Reader(text).read();
}

/** A string as Jackson writes it, quoted. */
export function jsonString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (SHORT_ESCAPES[ch] !== undefined) out += SHORT_ESCAPES[ch];
    else if (code < 0x20) out += unicodeEscape(code);
    else if (code > 0xffff) out += unicodeEscape(ch.charCodeAt(0)) + unicodeEscape(ch.charCodeAt(1));
    else out += ch;
  }
  return `${out}"`;
}

function unicodeEscape(unit: number): string {
  return `\\u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A number as java.math.BigDecimal prints it (`toString`): plain unless the exponent is positive or the value below 1E-6. */
function bigDecimalText(text: string): string {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(text)!;
  const fraction = m[3] ?? '';
  const coefficient = (m[2]! + fraction).replace(/^0+(?=.)/, '');
  const scale = fraction.length - Number(m[4] ?? 0);
  const sign = m[1] === '-' && /[1-9]/.test(coefficient) ? '-' : '';
  const adjusted = -scale + coefficient.length - 1;
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) return sign + coefficient;
    const digits = coefficient.padStart(scale + 1, '0');
    return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  const mantissa = coefficient.length > 1 ? `${coefficient[0]}.${coefficient.slice(1)}` : coefficient;
  return `${sign}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/** An integer as BigInteger prints it (no `-0`). */
function integerText(text: string): string {
  return BigInt(text).toString();
}

/** A double as Java's Double.toString prints it (shortest digits, as JavaScript's; `1.0E20`, `9.9E-4`, `100.0`). */
export function javaDoubleText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const plain = String(value);
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Trino's canonical text of a json value (json_parse, JSON literals). */
export function canonicalJson(node: JsonNode): string {
  switch (node.k) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(node.value);
    case 'string':
      return jsonString(node.value);
    case 'number':
      return node.integer ? integerText(node.text) : bigDecimalText(node.text);
    case 'array':
      return `[${node.items.map(canonicalJson).join(',')}]`;
    case 'object': {
      // The last of duplicate keys wins; keys in Java's String order (UTF-16 code units, as JavaScript compares).
      const byKey = new Map(node.entries);
      return `{${[...byKey.keys()].sort().map((key) => `${jsonString(key)}:${canonicalJson(byKey.get(key)!)}`).join(',')}}`;
    }
  }
}

/** The text Jackson writes when it copies a parsed value (json_extract's result). */
export function copiedJson(node: JsonNode): string {
  switch (node.k) {
    case 'number': {
      if (node.integer) return integerText(node.text);
      const value = Number(node.text);
      // Jackson writes a non-finite double as a string.
      return Number.isFinite(value) ? javaDoubleText(value) : jsonString(javaDoubleText(value));
    }
    case 'array':
      return `[${node.items.map(copiedJson).join(',')}]`;
    case 'object':
      return `{${node.entries.map(([key, value]) => `${jsonString(key)}:${copiedJson(value)}`).join(',')}}`;
    default:
      return canonicalJson(node);
  }
}

export type JsonPathStep = { k: 'key'; key: string } | { k: 'index'; index: number };

/**
 * Trino's JSONPath, in the subset read here: `$`, then `.key` (an identifier), `["key"]` and
 * `[index]` steps. `invalid` for paths Trino rejects as shown (not starting with `$`, wildcards,
 * `..`), `unmodelled` for the rest of its syntax.
 */
export function readJsonPath(path: string): JsonPathStep[] | JsonReadFailure {
  if (!path.startsWith('$') || /\[\*\]|\.\.|\.\*/.test(path)) return 'invalid';
  const steps: JsonPathStep[] = [];
  const step = /\.([A-Za-z_][A-Za-z0-9_]*)|\["([^"\\]*)"\]|\[(0|[1-9][0-9]{0,8})\]/y;
  step.lastIndex = 1;
  while (step.lastIndex < path.length) {
    const m = step.exec(path);
    if (!m) return 'unmodelled';
    steps.push(m[3] !== undefined ? { k: 'index', index: Number(m[3]) } : { k: 'key', key: m[1] ?? m[2]! });
  }
  return steps;
}

/** The value a path finds (undefined when it finds nothing); `unmodelled` where Trino's extractor may read the step otherwise (a key of an object holding it twice, an index into an object, a key into an array). */
export function atJsonPath(node: JsonNode, steps: JsonPathStep[]): JsonNode | undefined | 'unmodelled' {
  let at: JsonNode = node;
  for (const step of steps) {
    if (step.k === 'index') {
      if (at.k === 'object') return 'unmodelled';
      if (at.k !== 'array' || step.index >= at.items.length) return undefined;
      at = at.items[step.index]!;
    } else {
      if (at.k === 'array') return 'unmodelled';
      if (at.k !== 'object') return undefined;
      const found = at.entries.filter(([key]) => key === step.key);
      if (found.length > 1) return 'unmodelled';
      if (found.length === 0) return undefined;
      at = found[0]![1];
    }
  }
  return at;
}
