/**
 * Trino's regular expressions (Joni with Java syntax) rendered for DuckDB (RE2), for the subset
 * where both match exactly alike: literal characters, escaped punctuation, `.` (both: any code
 * point but `\n`), classes of literal characters and ranges, groups (capturing and `(?:`),
 * alternation, greedy and lazy quantifiers, `^` (start of input in both). `$` is Joni's "end, or
 * before a final `\n`", which RE2 spells `(?:\n?\z)`; that form consumes the `\n`, so it is
 * accepted only where the match itself is not used (regexp_like). Everything else (`\d`, `\w`,
 * `\b`, flags, lookaround, back references, possessive quantifiers, class unions and
 * intersections) differs in one engine or does not exist in the other, and is refused.
 */

export interface RegexTranslation {
  /** The pattern in RE2's syntax. */
  pattern: string;
  /** Whether the pattern can match the empty string (Java and RE2 then find different successive matches). */
  matchesEmpty: boolean;
}

/** Punctuation that may be escaped with `\` to stand for itself, in both syntaxes. */
const ESCAPABLE = new Set([...'\\.^$|?*+()[]{}-/']);
/** RE2 rejects larger repetition counts. */
const MAX_REPEAT = 1000;

class Unsupported extends Error {}

class RegexReader {
  private i = 0;

  constructor(
    private readonly chars: string[],
    private readonly allowEnd: boolean,
  ) {}

  read(): RegexTranslation {
    const result = this.alternation();
    if (this.i < this.chars.length) throw new Unsupported();
    return { pattern: result.text, matchesEmpty: result.empty };
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.i + offset];
  }

  private alternation(): { text: string; empty: boolean } {
    const branches = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return { text: branches.map((b) => b.text).join('|'), empty: branches.some((b) => b.empty) };
  }

  private sequence(): { text: string; empty: boolean } {
    let text = '';
    let empty = true;
    for (let c = this.peek(); c !== undefined && c !== '|' && c !== ')'; c = this.peek()) {
      const atom = this.atom();
      const quantified = atom.quantifiable ? this.quantifier(atom) : atom;
      text += quantified.text;
      empty &&= quantified.empty;
    }
    return { text, empty };
  }

  private atom(): { text: string; empty: boolean; quantifiable: boolean } {
    const c = this.chars[this.i++]!;
    switch (c) {
      case '(': {
        let open = '(';
        if (this.peek() === '?') {
          if (this.peek(1) !== ':') throw new Unsupported();
          this.i += 2;
          open = '(?:';
        }
        const inner = this.alternation();
        if (this.chars[this.i++] !== ')') throw new Unsupported();
        return { text: `${open}${inner.text})`, empty: inner.empty, quantifiable: true };
      }
      case '[':
        return { text: this.characterClass(), empty: false, quantifiable: true };
      case '.':
        return { text: '.', empty: false, quantifiable: true };
      case '^':
        return { text: '^', empty: true, quantifiable: false };
      case '$':
        if (!this.allowEnd) throw new Unsupported();
        return { text: '(?:\\n?\\z)', empty: true, quantifiable: false };
      case '\\':
        return { text: `\\${this.escaped()}`, empty: false, quantifiable: true };
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
        throw new Unsupported();
      default:
        return { text: c, empty: false, quantifiable: true };
    }
  }

  private escaped(): string {
    const c = this.chars[this.i++];
    if (c === undefined || !ESCAPABLE.has(c)) throw new Unsupported();
    return c;
  }

  private quantifier(atom: { text: string; empty: boolean }): { text: string; empty: boolean } {
    const c = this.peek();
    let min: number;
    let text: string;
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      min = c === '+' ? 1 : 0;
      text = c;
    } else if (c === '{') {
      const rest = this.chars.slice(this.i).join('');
      const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(rest);
      if (!m) throw new Unsupported();
      min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? undefined : Number(m[3]);
      if (min > MAX_REPEAT || (max !== undefined && (max > MAX_REPEAT || max < min))) throw new Unsupported();
      this.i += [...m[0]].length;
      text = m[0];
    } else {
      return atom;
    }
    if (this.peek() === '?') {
      this.i++;
      text += '?';
    }
    // Possessive quantifiers (Java) and stacked quantifiers are refused.
    const next = this.peek();
    if (next === '+' || next === '*' || next === '?' || next === '{') throw new Unsupported();
    return { text: atom.text + text, empty: atom.empty || min === 0 };
  }

  /** A class of literal characters and ranges (`[^a-z_]`); nested classes, `&&` and class escapes are refused. */
  private characterClass(): string {
    let text = '[';
    if (this.peek() === '^') {
      this.i++;
      text += '^';
    }
    if (this.peek() === ']') throw new Unsupported();
    let members = 0;
    for (;;) {
      const c = this.chars[this.i++];
      if (c === undefined || c === '[') throw new Unsupported();
      if (c === ']') break;
      if (c === '&' && this.peek() === '&') throw new Unsupported();
      const low = c === '\\' ? this.escaped() : c;
      members++;
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.i++;
        const h = this.chars[this.i++]!;
        if (h === '[' || (h === '&' && this.peek() === '&')) throw new Unsupported();
        const high = h === '\\' ? this.escaped() : h;
        if (low.codePointAt(0)! > high.codePointAt(0)!) throw new Unsupported();
        text += `${classMember(low)}-${classMember(high)}`;
      } else {
        text += classMember(low);
      }
    }
    if (members === 0) throw new Unsupported();
    return `${text}]`;
  }
}

/** A character inside an RE2 class: punctuation escaped, anything else as is. */
function classMember(c: string): string {
  return ESCAPABLE.has(c) ? `\\${c}` : c;
}

/**
 * The RE2 form of a Trino pattern, or undefined when the pattern uses anything outside the
 * subset both engines read alike. `allowEnd`: `$` may be used (only where the match text is not).
 */
export function translateRegex(pattern: string, allowEnd: boolean): RegexTranslation | undefined {
  try {
    return new RegexReader([...pattern], allowEnd).read();
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}
