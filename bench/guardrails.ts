/**
 * Cost of the pre-start guardrails per query (not a test):
 *   node dist/bench/guardrails.js [--users 2000] [--queries 20000]
 * In process, without a lease store (one instance): a duplicates guardrail (per user), a rate
 * limit (per user: concurrent and per minute) and a preflight guardrail (LIMIT required on a
 * table, at most 4 joins) over a three-table join. Measured per query: admit + release, with the
 * statement's parse (what the dispatcher adds for preflight checks) and without it, and each
 * user's first query (its pools are new) apart from the later ones.
 */
import { Guardrails, type GuardedStatement } from '../src/admission/guardrails.js';
import { validateConfig } from '../src/config/load.js';
import { parseStatement } from '../src/sql/analyzer/index.js';
import { parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { summarize, table } from './lib/stats.js';

const FLAGS = {
  users: { kind: 'number', help: 'distinct users, default 2000' },
  queries: { kind: 'number', help: 'queries measured after each user ran one, default 20000' },
  smoke: { kind: 'boolean', help: '50 users, 500 queries' },
} satisfies FlagSpec;

const SQL = 'SELECT o.o_orderkey, c.c_name, n.n_name FROM tpch.tiny.orders o JOIN tpch.tiny.customer c ON o.o_custkey = c.c_custkey JOIN tpch.tiny.nation n ON c.c_nationkey = n.n_nationkey WHERE o.o_totalprice > 1000 LIMIT 100';
const TABLES = ['tpch.tiny.orders', 'tpch.tiny.customer', 'tpch.tiny.nation'];

const µs = (ms: number) => `${(ms * 1000).toFixed(1)}`;

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const userCount = flags.smoke ? 50 : (flags.users ?? 2000);
  const queries = flags.smoke ? 500 : (flags.queries ?? 20_000);
  const { rules } = validateConfig(
    {
      guardrails: {
        rules: [
          { name: 'duplicates', action: 'deny', duplicates: { per: 'user' } },
          { name: 'rate', action: 'deny', rateLimit: { per: 'user', concurrent: 1_000, queriesPerMinute: 1_000_000 } },
          { name: 'preflight', action: 'deny', preflight: { requireLimit: ['tpch.tiny.orders'], maxJoins: 4, maxTables: 8 } },
        ],
      },
    },
    'bench',
  ).guardrails;
  const guardrails = new Guardrails(rules);
  const statement = (i: number, tree = parseStatement(SQL)): GuardedStatement => ({ user: `user${i % userCount}`, routingGroup: 'default', sql: `${SQL} -- ${i}`, catalog: 'tpch', schema: 'tiny', analysis: { kind: 'query', tables: TABLES, tree } });
  const refuse = () => {
    throw new Error('no guardrail should act here');
  };
  const time = async (make: (i: number) => GuardedStatement, from: number, count: number): Promise<number[]> => {
    const durations: number[] = [];
    for (let i = from; i < from + count; i++) {
      const t = performance.now();
      (await guardrails.admit(make(i), refuse)).release();
      durations.push(performance.now() - t);
    }
    return durations;
  };
  const first = await time((i) => statement(i), 0, userCount);
  const withParse = await time((i) => statement(i), userCount, queries);
  const tree = parseStatement(SQL);
  const analyzed = await time((i) => statement(i, tree), userCount + queries, queries);
  const rows = [['per query (µs)', 'p50', 'p99', 'mean']];
  for (const [label, values] of [
    ["admit + release, a user's first query (parse included)", first],
    ['admit + release, parse included', withParse],
    ['admit + release, statement already parsed', analyzed],
  ] as const) {
    const s = summarize(values);
    rows.push([label, µs(s.p50), µs(s.p99), µs(s.mean)]);
  }
  console.log(`guardrails: duplicates + rate limit + preflight, ${userCount} users, ${queries} queries, a 3-table join`);
  console.log(table(rows));
  if (flags.smoke) console.log('smoke: OK');
}

await runMain('guardrails', FLAGS, main);
