/**
 * Trino's `char(n)`. A value is held as a DuckDB VARCHAR padded with spaces to n code points,
 * the text Trino shows: values of one length then compare, sort and group as Trino's do (Trino
 * compares chars as if the shorter were padded with spaces). Coercions live in functions.ts's
 * `cast` (a longer char pads further; a char meeting a varchar becomes a varchar without its
 * padding) and the common types in types.ts. What is not modelled here (LIKE, the string
 * functions but `length`, casts to types other than varchar, table columns) is refused.
 */
import { quoteString } from '../../../sql/quoting.js';
import { cast, type FunctionMapping, type Typed } from './functions.js';
import { notSupported, type Pos } from './syntax.js';
import { T, isNumeric, typeMismatch, typeName, type TrinoType } from './types.js';

/** Trino's longest char. */
const MAX_CHAR_LENGTH = 65536;

/** Types Trino has no cast of to char. */
const WITHOUT_CHAR_CAST = new Set<TrinoType['k']>(['boolean', 'date', 'varbinary']);

function charType(length: number, pos: Pos): TrinoType {
  if (length > MAX_CHAR_LENGTH) throw typeMismatch(`Unknown type: char(${length})`, pos);
  return { k: 'char', length };
}

/** `char(n)` or `char` (a char(1)) as a cast target; undefined for another type name. */
export function charCastTarget(name: string, pos: Pos): TrinoType | undefined {
  const m = /^char(?:\((\d+)\))?$/.exec(name);
  return m ? charType(Number(m[1] ?? 1), pos) : undefined;
}

/** CHAR 'text': a char as long as the text in code points, trailing spaces included. */
export function charLiteral(value: string, pos: Pos): { sql: string; type: TrinoType } {
  return { sql: quoteString(value), type: charType([...value].length, pos) };
}

/** A cast to or from char, or undefined when neither type is one. */
export function charCast(arg: Typed, to: TrinoType, pos: Pos): { sql: string; type: TrinoType } | undefined {
  const from = arg.type;
  if (to.k === 'char') {
    // Cut to n code points, then padded to n (rpad does both), as Trino's cast.
    if (from.k === 'varchar' || from.k === 'char') return { sql: `rpad(${arg.sql}, ${to.length}, ' ')`, type: to };
    if (isNumeric(from) || WITHOUT_CHAR_CAST.has(from.k)) throw typeMismatch(`Cannot cast ${typeName(from)} to ${typeName(to)}`, pos);
    throw notSupported(`CAST from ${typeName(from)} to ${typeName(to)}`, pos);
  }
  if (from.k !== 'char') return undefined;
  if (to.k !== 'varchar') throw notSupported(`CAST from ${typeName(from)} to ${typeName(to)}`, pos);
  const text = cast(arg, T.varchar);
  return { sql: to.length === undefined ? text : `left(${text}, ${to.length})`, type: to };
}

/** `char || char`: the padded texts joined, a char of both lengths; undefined unless both are chars (a varchar or unknown side makes it varchar concatenation). */
export function charConcat(a: Typed, b: Typed, pos: Pos): { sql: string; type: TrinoType } | undefined {
  if (a.type.k !== 'char' || b.type.k !== 'char') {
    // With a null Trino cannot choose between char and array concatenation (AMBIGUOUS_FUNCTION_CALL): refused.
    if ((a.type.k === 'char' || b.type.k === 'char') && (a.type.k === 'unknown' || b.type.k === 'unknown')) throw notSupported('|| on char and unknown', pos);
    return undefined;
  }
  const length = a.type.length + b.type.length;
  if (length > MAX_CHAR_LENGTH) throw notSupported(`|| giving a char longer than ${MAX_CHAR_LENGTH}`, pos);
  return { sql: `(${a.sql} || ${b.sql})`, type: { k: 'char', length } };
}

/** min and max of chars: values of one length, held padded, order as Trino orders them. */
function extremum(duck: string): FunctionMapping {
  return {
    kind: 'aggregate',
    signatures: `${duck}(char(n))`,
    translate: ([x, ...rest], over) => (x && rest.length === 0 && x.type.k === 'char' ? { sql: `${duck}(${x.sql})${over}`, type: x.type } : undefined),
  };
}

/** The functions of chars, combined with the varchar ones of the same name in function-table.ts. */
export const CHAR_FUNCTIONS: Record<string, FunctionMapping> = {
  min: extremum('min'),
  max: extremum('max'),
  length: {
    kind: 'scalar',
    signatures: 'length(char(n)) → n',
    translate: ([s, ...rest]) => (s && rest.length === 0 && s.type.k === 'char' ? { sql: `CAST(length(${s.sql}) AS BIGINT)`, type: T.bigint } : undefined),
  },
};
