/**
 * The regular expressions Trino (Joni, Java syntax) and DuckDB (RE2) read alike: ASCII letters,
 * digits, space and plain punctuation as literals, `.`, `^` (start of input in both), groups,
 * alternation, character classes of such characters and ranges of letters or digits, and the
 * greedy or lazy quantifiers `* + ? {n} {n,} {n,m}`. Left out because the two differ: `$` (Java
 * also matches before a final newline), backslash escapes and classes (`\d`, `\w`, `\b`, ...),
 * flags `(?...)`, possessive quantifiers, nested or intersected classes (Java only), and every
 * non-ASCII character. Both engines pick the leftmost match, alternatives in order.
 */

const LITERAL = /^[A-Za-z0-9 !"#%&',\-/:;<=>@_`~]$/;
const CLASS_MEMBER = /^[A-Za-z0-9 !"#%',./:;<=>@_`~$()*+?{}|]$/;

export interface PortablePattern {
  /** The pattern can match the empty string (where the engines then resume differs in a replace). */
  matchesEmpty: boolean;
}

/** The pattern's reading when both engines read it alike, else undefined. */
export function portablePattern(pattern: string): PortablePattern | undefined {
  let at = 0;
  const peek = () => pattern[at];
  const fail = (): never => {
    throw new Unportable();
  };

  // Each returns whether what it read can match the empty string.
  function alternation(): boolean {
    let empty = sequence();
    while (peek() === '|') {
      at++;
      empty = sequence() || empty;
    }
    return empty;
  }
  function sequence(): boolean {
    let empty = true;
    while (at < pattern.length && peek() !== '|' && peek() !== ')') empty = item() && empty;
    return empty;
  }
  function item(): boolean {
    const anchor = peek() === '^';
    const empty = atom();
    const min = quantifier();
    if (min === undefined) return empty;
    if (anchor) fail();
    return empty || min === 0;
  }
  function atom(): boolean {
    const c = peek();
    at++;
    if (c === '^') return true;
    if (c === '.') return false;
    if (c === '(') {
      if (peek() === '?') fail();
      const empty = alternation();
      if (peek() !== ')') fail();
      at++;
      return empty;
    }
    if (c === '[') return characterClass();
    if (c !== undefined && LITERAL.test(c)) return false;
    return fail();
  }
  function characterClass(): boolean {
    if (peek() === '^') at++;
    let members = 0;
    while (peek() !== ']') {
      const c = peek();
      if (c === undefined || !CLASS_MEMBER.test(c)) fail();
      at++;
      if (peek() === '-' && pattern[at + 1] !== ']') {
        const to = pattern[at + 1]!;
        const sameKind = [/[a-z]/, /[A-Z]/, /[0-9]/].some((kind) => kind.test(c!) && kind.test(to));
        if (!sameKind || to < c!) fail();
        at += 2;
      }
      members++;
    }
    if (members === 0) fail();
    at++;
    return false;
  }
  /** The quantifier's minimum, or undefined when none follows. */
  function quantifier(): number | undefined {
    const c = peek();
    let min: number;
    if (c === '*' || c === '?') min = 0;
    else if (c === '+') min = 1;
    else if (c === '{') {
      const m = /^\{(\d{1,3})(,(\d{1,3})?)?\}/.exec(pattern.slice(at));
      if (m === null || (m[3] !== undefined && Number(m[3]) < Number(m[1]))) return fail();
      min = Number(m[1]);
      at += m[0].length - 1;
    } else return undefined;
    at++;
    if (peek() === '?') at++;
    // A second quantifier (possessive `*+` in Java, an error in RE2) is not read alike.
    if (['*', '+', '?', '{'].includes(peek() ?? '')) fail();
    return min;
  }

  try {
    const matchesEmpty = alternation();
    return at === pattern.length ? { matchesEmpty } : undefined;
  } catch (err) {
    if (err instanceof Unportable) return undefined;
    throw err;
  }
}

class Unportable extends Error {}
