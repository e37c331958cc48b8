/**
 * Trino's array functions with a lambda (`transform(a, x -> x + 1)`) as DuckDB list functions
 * with a DuckDB lambda: the lambda's body is translated like any expression, with its parameters
 * bound to their Trino types, so it keeps Trino's semantics (overflow, division by zero).
 * The matching functions follow Trino's three-valued answers: any_match is true when a predicate
 * is true, else null when one is null, else false (all_match and none_match alike), and stop at
 * the first deciding element as Trino's do. reduce, zip_with and array_sort with a comparator take
 * two-parameter lambdas.
 */
import { ErrorCodes, QueryFailure } from '../../../protocol/errors.js';
import { cast, raise, type Typed } from './functions.js';
import { notSupported, type Expr, type Pos } from './syntax.js';
import { T, commonType, duckType, isArrayElement, sameType, typeName, type TrinoType } from './types.js';

export interface LambdaParameter {
  name: string;
  type: TrinoType;
  /** DuckDB's name of the parameter inside its lambda. */
  sql: string;
}

/** What a lambda function's translation needs of the translator, for one call. */
export interface LambdaContext {
  name: string;
  pos: Pos;
  /** Types an argument in the call's scope. */
  translate(e: Expr): Typed;
  /** Types a lambda's body with its parameters bound. */
  bind(body: Expr, params: LambdaParameter[]): Typed;
  /** A DuckDB name for a lambda parameter, unique in the statement. */
  fresh(): string;
}

export interface LambdaFunction {
  signatures: string;
  translate(args: Expr[], context: LambdaContext): { sql: string; type: TrinoType };
}

type LambdaExpr = Expr & { k: 'lambda' };
type ArrayTyped = Typed & { type: TrinoType & { k: 'array' } };

export function isLambda(e: Expr | undefined, parameters: number): e is LambdaExpr {
  return e?.k === 'lambda' && e.params.length === parameters;
}

/** An argument that must be an array (a lambda or another type is refused). */
function arrayArgument(e: Expr | undefined, context: LambdaContext): ArrayTyped {
  if (!e || e.k === 'lambda') throw notSupported(`${context.name} with other arguments than arrays and lambdas`, context.pos);
  const array = context.translate(e);
  if (array.type.k !== 'array') throw notSupported(`${context.name} of ${typeName(array.type)}`, context.pos);
  return array as ArrayTyped;
}

/** A lambda bound to fresh DuckDB parameter names: its DuckDB text (`lambda a, b: body`) and its body's type. */
function bindLambda(lambda: LambdaExpr, types: TrinoType[], context: LambdaContext): { sql: string; type: TrinoType } {
  const params = types.map(() => context.fresh());
  const body = context.bind(
    lambda.body,
    lambda.params.map((name, i) => ({ name, type: types[i]!, sql: params[i]! })),
  );
  return { sql: `lambda ${params.join(', ')}: ${body.sql}`, type: body.type };
}

/** A function of an array and a one-parameter lambda over its elements. */
function overElements(signatures: string, render: (array: ArrayTyped, lambda: { sql: string; type: TrinoType }) => { sql: string; type: TrinoType } | undefined): LambdaFunction {
  return {
    signatures,
    translate: (args, context) => {
      const [first, lambda, ...rest] = args;
      if (!isLambda(lambda, 1) || rest.length > 0) throw notSupported(`${context.name} with other arguments than an array and a one-parameter lambda`, context.pos);
      const array = arrayArgument(first, context);
      const bound = bindLambda(lambda, [array.type.element], context);
      const result = render(array, bound);
      if (!result) throw notSupported(`${context.name} with a lambda of type ${typeName(bound.type)}`, context.pos);
      return result;
    },
  };
}

/**
 * A left fold of the array: `step` gives the next state from the state and an element (DuckDB SQL
 * of each). DuckDB's list_reduce keeps its accumulator in the list's element type, so the state
 * and the element travel together in a struct. A null array gives null.
 */
function fold(array: ArrayTyped, state: TrinoType, initial: string, step: (state: string, element: string) => string, context: LambdaContext): string {
  const [element, accumulator, item] = [context.fresh(), context.fresh(), context.fresh()];
  const pair = (s: string, x: string): string => `struct_pack(s := ${s}, x := ${x})`;
  const noElement = `CAST(NULL AS ${duckType(array.type.element)})`;
  const pairs = `list_transform(${array.sql}, lambda ${element}: ${pair(`CAST(NULL AS ${duckType(state)})`, element)})`;
  return `list_reduce(${pairs}, lambda ${accumulator}, ${item}: ${pair(step(`${accumulator}.s`, `${item}.x`), noElement)}, ${pair(initial, noElement)}).s`;
}

/**
 * any_match, all_match, none_match: `decided` is the answer when a predicate is `decisive`, its
 * negation when no predicate is null (else null). Trino evaluates the predicate element by element
 * and stops at the first decisive one, so an element after it on which the predicate fails is
 * never evaluated; so here: a fold whose state (2 decided, 1 a null seen, 0 neither) skips the
 * predicate once decided.
 */
function matching(decisive: boolean, decided: boolean): LambdaFunction {
  const name = decided === decisive ? (decisive ? 'any_match' : 'all_match') : 'none_match';
  return {
    signatures: `${name}(array, x -> boolean), stopping at the first deciding element`,
    translate: (args, context) => {
      const [first, lambda, ...rest] = args;
      if (!isLambda(lambda, 1) || rest.length > 0) throw notSupported(`${context.name} with other arguments than an array and a one-parameter lambda`, context.pos);
      const array = arrayArgument(first, context);
      let predicateType: TrinoType = T.boolean;
      const outcome = fold(array, T.integer, '0', (state, element) => {
        const predicate = context.bind(lambda.body, [{ name: lambda.params[0]!, type: array.type.element, sql: element }]);
        predicateType = predicate.type;
        return `(CASE WHEN ${state} = 2 THEN 2 ELSE (CASE (${predicate.sql}) WHEN ${decisive} THEN 2 WHEN ${!decisive} THEN ${state} ELSE 1 END) END)`;
      }, context);
      if (predicateType.k !== 'boolean') throw notSupported(`${context.name} with a lambda of type ${typeName(predicateType)}`, context.pos);
      return { sql: `(CASE ${outcome} WHEN 2 THEN ${decided} WHEN 1 THEN NULL WHEN 0 THEN ${!decided} END)`, type: T.boolean };
    },
  };
}

export const LAMBDA_FUNCTIONS: Record<string, LambdaFunction> = {
  transform: overElements('transform(array, x -> value) for values of the array element types', (array, lambda) =>
    isArrayElement(lambda.type) ? { sql: `list_transform(${array.sql}, ${lambda.sql})`, type: { k: 'array', element: lambda.type } } : undefined,
  ),
  filter: overElements('filter(array, x -> boolean): the elements whose predicate is true', (array, lambda) =>
    lambda.type.k === 'boolean' ? { sql: `list_filter(${array.sql}, ${lambda.sql})`, type: array.type } : undefined,
  ),
  any_match: matching(true, true),
  all_match: matching(false, false),
  none_match: matching(true, false),
  reduce: {
    signatures: 'reduce(array, initial state, (s, x) -> state, s -> result) with a state of one type throughout (the combining lambda typed as the initial state)',
    translate: (args, context) => {
      const [first, initial, combine, output, ...rest] = args;
      if (!initial || initial.k === 'lambda' || !isLambda(combine, 2) || !isLambda(output, 1) || rest.length > 0) {
        throw notSupported('reduce with other arguments than an array, an initial state and lambdas of two and one parameters', context.pos);
      }
      const array = arrayArgument(first, context);
      const initialState = context.translate(initial);
      // Trino's state type is the common type of the initial state and the combining lambda's value
      // (`reduce(a, 0, (s, x) -> 1e0, ...)` is a double); it is modelled when the lambda, typed with
      // the state of that type, gives that type again.
      const combined = (stateType: TrinoType, state: string, element: string): Typed =>
        context.bind(combine.body, [
          { name: combine.params[0]!, type: stateType, sql: state },
          { name: combine.params[1]!, type: array.type.element, sql: element },
        ]);
      const probe = combined(initialState.type, 'NULL', 'NULL');
      const state = commonType(initialState.type, probe.type);
      if (!state || !isArrayElement(state) || !sameType(combined(state, 'NULL', 'NULL').type, state)) {
        throw notSupported(`reduce with an initial state of type ${typeName(initialState.type)} and a lambda giving ${typeName(probe.type)}`, context.pos);
      }
      const finish = bindLambda(output, [state], context);
      if (!isArrayElement(finish.type)) throw notSupported(`reduce with a result of type ${typeName(finish.type)}`, context.pos);
      // The output lambda applied to the one reduced value; a null array gives null without it, as in Trino.
      const reduced = fold(array, state, cast(initialState, state), (s, x) => combined(state, s, x).sql, context);
      return { sql: `(CASE WHEN ${array.sql} IS NULL THEN NULL ELSE list_transform([${reduced}], ${finish.sql})[1] END)`, type: finish.type };
    },
  },
  zip_with: {
    signatures: 'zip_with(array, array, (x, y) -> value): the shorter array padded with nulls',
    translate: (args, context) => {
      const [a, b, lambda, ...rest] = args;
      if (!isLambda(lambda, 2) || rest.length > 0) throw notSupported('zip_with with other arguments than two arrays and a two-parameter lambda', context.pos);
      const [left, right] = [arrayArgument(a, context), arrayArgument(b, context)];
      const index = context.fresh();
      const body = context.bind(lambda.body, [
        { name: lambda.params[0]!, type: left.type.element, sql: `${left.sql}[${index}]` },
        { name: lambda.params[1]!, type: right.type.element, sql: `${right.sql}[${index}]` },
      ]);
      if (!isArrayElement(body.type)) throw notSupported(`zip_with with a lambda of type ${typeName(body.type)}`, context.pos);
      const positions = `range(1, greatest(len(${left.sql}), len(${right.sql})) + 1)`;
      return {
        sql: `(CASE WHEN ${left.sql} IS NULL OR ${right.sql} IS NULL THEN NULL ELSE list_transform(${positions}, lambda ${index}: ${body.sql}) END)`,
        type: { k: 'array', element: body.type },
      };
    },
  },
  array_sort: {
    signatures: 'array_sort(array, (x, y) -> integer comparator giving -1, 0 or 1): a stable sort, for comparators consistent over the array',
    translate: (args, context) => {
      const [first, lambda, ...rest] = args;
      if (!isLambda(lambda, 2) || rest.length > 0) throw notSupported('array_sort with other arguments than an array and a two-parameter lambda', context.pos);
      const array = arrayArgument(first, context);
      const [i, j, k] = [context.fresh(), context.fresh(), context.fresh()];
      const compare = (x: string, y: string): Typed =>
        context.bind(lambda.body, [
          { name: lambda.params[0]!, type: array.type.element, sql: `${array.sql}[${x}]` },
          { name: lambda.params[1]!, type: array.type.element, sql: `${array.sql}[${y}]` },
        ]);
      const forward = compare(j, i);
      // Trino takes only an integer comparator (not even a smallint or a null one).
      if (forward.type.k !== 'integer') {
        throw new QueryFailure(ErrorCodes.FUNCTION_NOT_FOUND, `line ${context.pos.line}:${context.pos.column}: Unexpected parameters (${typeName(array.type)}, <function>) for function array_sort`, { lineNumber: context.pos.line, columnNumber: context.pos.column });
      }
      const backward = compare(i, j).sql;
      const positions = `range(1, len(${array.sql}) + 1)`;
      const others = (body: string): string => `list_filter(${positions}, lambda ${j}: ${j} <> ${i} AND (${body}))`;
      // Each element's place: the elements before it (smaller, or equal and earlier), as a stable sort places them.
      const places = `list_transform(${positions}, lambda ${i}: len(${others(`${forward.sql} < 0 OR (${forward.sql} = 0 AND ${j} < ${i})`)}) + 1)`;
      // Results outside -1, 0, 1 (null too) for every pair fail in Trino; for some pairs, whether Trino compares them depends on its sort.
      const invalid = (body: string): string => `coalesce(${body}, 2) NOT IN (-1, 0, 1)`;
      const invalidPairs = `list_sum(list_transform(${positions}, lambda ${i}: len(${others(invalid(forward.sql))})))`;
      // A comparator that is not antisymmetric, or whose places are not a permutation, has no single answer.
      const inconsistent = `list_sum(list_transform(${positions}, lambda ${i}: len(${others(`${forward.sql} <> -(${backward})`)}))) > 0 OR list_sort(${places}) <> ${positions}`;
      const n = `len(${array.sql})`;
      const sql =
        `(CASE WHEN ${array.sql} IS NULL THEN NULL WHEN ${n} < 2 THEN ${array.sql} ` +
        `WHEN ${invalidPairs} = ${n} * (${n} - 1) THEN ${raise('INVALID_FUNCTION_ARGUMENT', 'Lambda comparator must return either -1, 0, or 1')} ` +
        `WHEN ${invalidPairs} > 0 OR ${inconsistent} THEN ${raise('NOT_SUPPORTED', 'array_sort with a comparator that is not a consistent ordering of the array is not supported by the embedded engine')} ` +
        `ELSE list_transform(${positions}, lambda ${k}: ${array.sql}[list_position(${places}, ${k})]) END)`;
      return { sql, type: array.type };
    },
  },
};

/**
 * A call of a lambda function: `translate` types its arguments in the call's scope, `bind` a
 * lambda's body with its parameters bound, `fresh` names DuckDB parameters.
 */
export function lambdaCall(
  fn: LambdaFunction,
  name: string,
  args: Expr[],
  pos: Pos,
  translate: (e: Expr) => Typed,
  bind: (body: Expr, params: LambdaParameter[]) => Typed,
  fresh: () => string,
): { sql: string; type: TrinoType } {
  return fn.translate(args, { name, pos, translate, bind, fresh });
}

