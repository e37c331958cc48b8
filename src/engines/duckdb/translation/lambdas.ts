/**
 * Trino's array functions with a lambda (`transform(a, x -> x + 1)`) as DuckDB list functions
 * with a DuckDB lambda: the lambda's body is translated like any expression, with its parameter
 * bound to the array's element type, so it keeps Trino's semantics (overflow, division by zero).
 * The matching functions follow Trino's three-valued answers: any_match is true when a predicate
 * is true, else null when one is null, else false (all_match and none_match alike). DuckDB
 * evaluates the body on every element, where Trino's matching stops at the first deciding one: an
 * element after it that makes the body fail fails the statement here.
 */
import { type Typed } from './functions.js';
import { notSupported, type Expr, type Pos } from './syntax.js';
import { ARRAY_ELEMENT_KINDS, T, typeName, type TrinoType } from './types.js';

export interface LambdaParameter {
  name: string;
  type: TrinoType;
  /** DuckDB's name of the parameter inside its lambda. */
  sql: string;
}

interface LambdaFunction {
  signatures: string;
  /** The result, from the array, DuckDB's lambda text and the body's type; undefined when the body's type is not accepted. */
  render(array: string, lambda: string, body: TrinoType, arrayType: TrinoType): { sql: string; type: TrinoType } | undefined;
}

/** any_match, all_match, none_match over the predicate's values `t`: `decided` is the answer when `decisive` occurs, its negation when no value is null. */
function matching(decisive: boolean, decided: boolean): LambdaFunction['render'] {
  return (array, lambda, body) => {
    if (body.k !== 'boolean') return undefined;
    const t = `list_transform(${array}, ${lambda})`;
    return {
      sql: `(CASE WHEN ${array} IS NULL THEN NULL WHEN list_contains(${t}, ${decisive}) THEN ${decided} WHEN list_aggregate(${t}, 'count') < len(${t}) THEN NULL ELSE ${!decided} END)`,
      type: T.boolean,
    };
  };
}

export const LAMBDA_FUNCTIONS: Record<string, LambdaFunction> = {
  transform: {
    signatures: 'transform(array, x -> value) for values of the array element types',
    render: (array, lambda, body) => (ARRAY_ELEMENT_KINDS.has(body.k) ? { sql: `list_transform(${array}, ${lambda})`, type: { k: 'array', element: body } } : undefined),
  },
  filter: {
    signatures: 'filter(array, x -> boolean): the elements whose predicate is true',
    render: (array, lambda, body, arrayType) => (body.k === 'boolean' ? { sql: `list_filter(${array}, ${lambda})`, type: arrayType } : undefined),
  },
  any_match: { signatures: 'any_match(array, x -> boolean)', render: matching(true, true) },
  all_match: { signatures: 'all_match(array, x -> boolean)', render: matching(false, false) },
  none_match: { signatures: 'none_match(array, x -> boolean)', render: matching(true, false) },
};

/**
 * A call of a lambda function: `translate` types its array argument in the call's scope, `bind`
 * its lambda's body with the parameter bound, `fresh` names the DuckDB parameter.
 */
export function lambdaCall(
  name: string,
  args: Expr[],
  pos: Pos,
  translate: (e: Expr) => Typed,
  bind: (body: Expr, params: LambdaParameter[]) => Typed,
  fresh: () => string,
): { sql: string; type: TrinoType } {
  const [arrayArgument, lambda, ...rest] = args;
  if (!arrayArgument || arrayArgument.k === 'lambda' || lambda?.k !== 'lambda' || lambda.params.length !== 1 || rest.length > 0) {
    throw notSupported(`${name} with other arguments than an array and a one-parameter lambda`, pos);
  }
  const array = translate(arrayArgument);
  if (array.type.k !== 'array') throw notSupported(`${name} of ${typeName(array.type)}`, pos);
  const parameter = fresh();
  const body = bind(lambda.body, [{ name: lambda.params[0]!, type: array.type.element, sql: parameter }]);
  const result = LAMBDA_FUNCTIONS[name]!.render(array.sql, `lambda ${parameter}: ${body.sql}`, body.type, array.type);
  if (!result) throw notSupported(`${name} with a lambda of type ${typeName(body.type)}`, pos);
  return result;
}
