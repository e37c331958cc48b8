/**
 * Trino's rows as DuckDB STRUCTs whose fields are named by position (`_f1`, `_f2`...), Trino's
 * field names kept in the translator's type: `ROW(x, ...)` and `(x, y, ...)`, `CAST(row AS
 * ROW(name type, ...))` (each field cast with Trino's cast), field access `r.name`, subscripts
 * `r[1]` (a literal index, checked as Trino checks it), rows in arrays, maps and rows; results send
 * a row as Trino does, a JSON array of its fields. Comparing and ordering rows is refused.
 */
import { ErrorCodes, QueryFailure } from '../../../protocol/errors.js';
import { cast, type Typed } from './functions.js';
import { notSupported, type Expr, type Pos } from './syntax.js';
import { isArrayElement, structField, typeMismatch, typeName, type TrinoType } from './types.js';

type RowType = TrinoType & { k: 'row' };

function failure(code: 'INVALID_FUNCTION_ARGUMENT' | 'INVALID_COLUMN_REFERENCE' | 'AMBIGUOUS_NAME', message: string, pos: Pos): QueryFailure {
  return new QueryFailure(ErrorCodes[code], `line ${pos.line}:${pos.column}: ${message}`, { lineNumber: pos.line, columnNumber: pos.column });
}

/** A row's field `i` (from 0) in DuckDB SQL. */
export function fieldOf(row: string, i: number): string {
  return `struct_extract(${row}, '${structField(i)}')`;
}

/** `ROW(x, ...)`: unnamed fields of the values' types. */
export function rowConstructor(items: Typed[]): { sql: string; type: TrinoType } {
  const unmodelled = items.find((item) => item.type.k !== 'unknown' && !isArrayElement(item.type));
  if (unmodelled) throw notSupported(`A row field of type ${typeName(unmodelled.type)}`, unmodelled.expr.pos);
  return {
    sql: `struct_pack(${items.map((item, i) => `${structField(i)} := ${cast(item, item.type)}`).join(', ')})`,
    type: { k: 'row', fields: items.map((item) => ({ name: undefined, type: item.type })) },
  };
}

/** `row.name`: Trino finds a field by its name, case-insensitively (`pos` the name's, `rowPos` the row expression's). */
export function fieldReference(row: Typed, name: string, pos: Pos, rowPos: Pos): { sql: string; type: TrinoType } {
  if (row.type.k !== 'row') throw typeMismatch(`Expression ${typeName(row.type)} is not of type ROW`, rowPos);
  const matches = row.type.fields.flatMap((f, i) => (f.name?.toLowerCase() === name ? [i] : []));
  if (matches.length > 1) throw failure('AMBIGUOUS_NAME', `Ambiguous row field reference: ${name}`, pos);
  if (matches.length === 0) throw failure('INVALID_COLUMN_REFERENCE', `Column reference '${name}' is invalid`, rowPos);
  return { sql: fieldOf(row.sql, matches[0]!), type: row.type.fields[matches[0]!]!.type };
}

/** `row[i]`: Trino takes only a constant index, checked before the query runs. */
export function rowSubscript(row: Typed, index: Expr, pos: Pos): { sql: string; type: TrinoType } | undefined {
  if (row.type.k !== 'row') return undefined;
  if (index.k !== 'literal' || index.lit.k !== 'integer') throw notSupported('A row subscript other than an integer literal', index.pos);
  const i = Number(index.lit.text);
  if (i < 1) throw failure('INVALID_FUNCTION_ARGUMENT', `Invalid subscript index: ${i}. ROW indices start at 1`, pos);
  if (i > row.type.fields.length) throw failure('INVALID_FUNCTION_ARGUMENT', `Subscript index out of bounds: ${i}, max value is ${row.type.fields.length}`, pos);
  return { sql: fieldOf(row.sql, i - 1), type: row.type.fields[i - 1]!.type };
}

/**
 * `CAST(row AS ROW(...))`: of as many fields, each cast as Trino casts it (`castField`), with the
 * target's names; a null row stays null. TRY_CAST is refused (Trino nulls the whole row when a
 * field fails, a field-by-field cast would null the field).
 */
export function rowCast(arg: Typed, to: RowType, safe: boolean, pos: Pos, castField: (field: Typed, to: TrinoType) => string): { sql: string; type: TrinoType } {
  const from = arg.type;
  if (from.k !== 'row' || from.fields.length !== to.fields.length) throw typeMismatch(`Cannot cast ${typeName(from)} to ${typeName(to)}`, pos);
  if (safe) throw notSupported('TRY_CAST to a row type', pos);
  const fields = to.fields.map((f, i) => `${structField(i)} := ${castField({ sql: fieldOf(arg.sql, i), type: from.fields[i]!.type, expr: arg.expr }, f.type)}`);
  return { sql: `(CASE WHEN ${arg.sql} IS NULL THEN NULL ELSE struct_pack(${fields.join(', ')}) END)`, type: to };
}
