/**
 * Generated mutations for the embedded-engine differential: operators, casts, conditionals and
 * mapped functions combined with edge-value operands of every type the translator models (and
 * operands of the wrong type, which both engines must reject alike), nested to depth two, and
 * wrapped in the shapes queries use (a projection, a WHERE filter, an aggregate over VALUES).
 * Seeded and reproducible: statement i of seed s is the same on every run.
 */
import { seededRandom } from '../../support/random.js';
import type { Case } from './corpus.js';

const OPERANDS: Record<string, string[]> = {
  integer: ['0', '1', '-1', '7', '-7', '2147483647', 'CAST(-2147483648 AS integer)', 'CAST(NULL AS integer)', "SMALLINT '-3'", "TINYINT '127'"],
  bigint: ['9223372036854775807', "BIGINT '-9223372036854775808'", "BIGINT '0'", 'CAST(NULL AS bigint)', '3000000000'],
  decimal: ['1.5', '-2.50', '0.001', '123456789.123', '0.0', 'CAST(NULL AS decimal(5,2))', "DECIMAL '-0.5'", '99999999999999999.9'],
  double: ['0e0', '-0e0', '1.5e0', '-2.5e0', '1e308', 'nan()', 'infinity()', '-infinity()', 'CAST(NULL AS double)', '0.1e0'],
  varchar: ["''", "'abc'", "'ünïcödé'", "'😀x'", "'  pad  '", "'a_b%c'", "'ABC'", 'CAST(NULL AS varchar)', "'123'", "'-0'"],
  date: ["DATE '2024-02-29'", "DATE '2023-12-31'", "DATE '1970-01-01'", "DATE '1900-02-28'", 'CAST(NULL AS date)'],
  boolean: ['true', 'false', 'CAST(NULL AS boolean)'],
};

const BINARY = ['+', '-', '*', '/', '%', '=', '<>', '<', '<=', '>', '>=', '||', 'AND', 'OR'];
const UNARY_FUNCTIONS = ['abs', 'ceil', 'floor', 'round', 'sign', 'length', 'upper', 'lower', 'trim', 'reverse', 'year', 'month', 'day', 'sqrt', 'ln', 'is_nan', 'day_of_week', 'quarter'];
const CAST_TARGETS = ['integer', 'bigint', 'smallint', 'tinyint', 'double', 'decimal(10,2)', 'decimal(3,1)', 'varchar', 'varchar(3)', 'boolean', 'date'];
const TYPES = Object.keys(OPERANDS);

function generator(seed: number): { expression: (depth: number) => string; pick: <T>(xs: readonly T[]) => T } {
  const random = seededRandom(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const expression = (depth: number): string => {
    if (depth === 0 || random() < 0.3) return pick(OPERANDS[pick(TYPES)]!);
    const form = random();
    if (form < 0.45) return `(${expression(depth - 1)} ${pick(BINARY)} ${expression(depth - 1)})`;
    if (form < 0.65) return `${pick(UNARY_FUNCTIONS)}(${expression(depth - 1)})`;
    if (form < 0.8) return `${random() < 0.5 ? 'CAST' : 'TRY_CAST'}(${expression(depth - 1)} AS ${pick(CAST_TARGETS)})`;
    if (form < 0.9) return `CASE WHEN ${expression(depth - 1)} THEN ${expression(depth - 1)} ELSE ${expression(depth - 1)} END`;
    return `coalesce(${expression(depth - 1)}, ${expression(depth - 1)})`;
  };
  return { expression, pick };
}

/** `count` generated statements from `seed`. */
export function generatedCases(seed: number, count: number): Case[] {
  const { expression, pick } = generator(seed);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const e = expression(2);
    const shape = i % 4;
    if (shape === 0 || shape === 1) cases.push({ sql: `SELECT ${e}` });
    else if (shape === 2) cases.push({ sql: `SELECT count(*) FROM nation WHERE ${e} IS NOT NULL AND n_nationkey < ${pick(['5', '13', '25'])}` });
    else {
      const values = pick(Object.values(OPERANDS));
      cases.push({ sql: `SELECT count(x), min(x), max(x), count(DISTINCT x) FROM (VALUES ${values.map((v) => `(${v})`).join(', ')}) t(x) WHERE ${e} IS NULL OR x IS NOT NULL` });
    }
  }
  return cases;
}
