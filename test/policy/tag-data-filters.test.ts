/**
 * Data filters on tag grants, unit level: load-time refusals naming the grant, the statement the
 * tag engine's filters and masks turn a read into (exact text), principal attributes bound as
 * quoted literals, exclusions, and the combination with rules-file filters and masks per mode.
 * Results on real engines: test/integration/tag-data-filters.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AccessControl } from '../../src/policy/access-control.js';
import { parseAccessRules } from '../../src/policy/file-rules.js';
import { diffPolicies } from '../../src/policy/tags/diff.js';
import { TagPolicyError, validatePolicy } from '../../src/policy/tags/document.js';
import { TagPolicy } from '../../src/policy/tags/engine.js';
import type { TagMode } from '../../src/policy/tags/combine.js';
import { parseSession } from '../../src/protocol/session.js';
import type { QualifiedName } from '../../src/sql/analyzer/index.js';
import { StaticMetadata } from '../sql/support.js';
import { SALES_GRANT } from './tag-support.js';

const CUSTOMER = [
  { name: 'c_custkey', type: 'bigint' },
  { name: 'c_name', type: 'varchar(25)' },
  { name: 'c_address', type: 'varchar(40)' },
  { name: 'c_nationkey', type: 'bigint' },
  { name: 'c_phone', type: 'varchar(15)' },
  { name: 'c_acctbal', type: 'double' },
  { name: 'c_mktsegment', type: 'varchar(10)' },
  { name: 'c_comment', type: 'varchar(117)' },
];

class TypedMetadata extends StaticMetadata {
  async columnTypesOf(t: QualifiedName) {
    return t.name === 'customer' ? CUSTOMER : undefined;
  }
}

const POLICY = {
  tags: { domain: ['sales'], pii: ['true', 'false'], secret: ['true'] },
  assignments: {
    'tpch.tiny.customer': { domain: 'sales', pii: 'false' },
    'tpch.tiny.customer.c_phone': { pii: 'true' },
    'tpch.tiny.customer.c_acctbal': { pii: 'true' },
    'tpch.tiny.customer.c_comment': { secret: 'true' },
  },
  grants: [
    SALES_GRANT,
  ],
  principals: {
    users: {
      sue: { segment: ['BUILDING'] },
      cleo: { segment: ['MACHINERY'], clearance: ['pii'] },
      quinn: { segment: ["O'Brien"] },
      multi: { segment: ['BUILDING', 'MACHINERY'] },
    },
  },
};

const DERIVED = (masks: { phone?: string; acctbal?: string }, where: string) =>
  `(SELECT "c_custkey", "c_name", "c_address", "c_nationkey", ${masks.phone ?? '"c_phone"'}, ${masks.acctbal ?? '"c_acctbal"'}, "c_mktsegment", "c_comment" FROM "tpch"."tiny"."customer" WHERE ${where}) AS customer`;
const MASKED = { phone: `CAST(('****') AS varchar(15)) AS "c_phone"`, acctbal: 'CAST((0) AS double) AS "c_acctbal"' };

function accessControl(mode: TagMode, rulesJson: string): AccessControl {
  return new AccessControl({ value: parseAccessRules(rulesJson, 'rules.json') }, new TypedMetadata(), () => undefined, {
    mode,
    policy: async () => new TagPolicy(validatePolicy(POLICY), 1),
  });
}

const SESSION = parseSession({ 'x-trino-user': 'x', 'x-trino-catalog': 'tpch', 'x-trino-schema': 'tiny' });

function gate(mode: TagMode, rulesJson = '{}') {
  const access = accessControl(mode, rulesJson);
  return async (user: string, sql: string, attributes?: Record<string, string[]>): Promise<string> => {
    const outcome = await access.check({ principal: { user, groups: ['sales'], authenticatedBy: 'jwt', ...(attributes ? { attributes } : {}) }, user, session: SESSION, sql });
    return outcome.rewrittenSql ?? sql;
  };
}

describe('load time', () => {
  const withGrant = (extra: Record<string, unknown>) => ({ ...POLICY, grants: [{ ...POLICY.grants[0]!, ...extra }] });
  const refused = (extra: Record<string, unknown>, field: string, message: RegExp) =>
    assert.throws(
      () => validatePolicy(withGrant(extra)),
      (err: unknown) => err instanceof TagPolicyError && err.field === field && message.test(err.message),
    );

  test('a filter or mask that does not parse, or names what a rule cannot, is refused naming the grant and the reason', () => {
    refused({ rowFilter: 'c_name = ' }, 'grants[0].rowFilter', /invalid row filter 'c_name = ': does not parse/);
    refused({ rowFilter: 'customer.c_name = principal.segment' }, 'grants[0].rowFilter', /names 'customer\.c_name'.*without a qualifier/);
    refused({ columnMasks: [{ columns: { pii: ['true'] }, mask: { string: 'substr(c_phone, 1, 3' } }] }, 'grants[0].columnMasks[0].mask', /invalid column mask .*does not parse/);
    assert.ok(validatePolicy(withGrant({ rowFilter: 'length(c_name) > 3 AND c_mktsegment = principal.segment', columnMasks: [{ columns: { pii: ['true'] }, mask: { string: "concat(substr(c_phone, 1, 3), '-***')" } }] })));
    refused({ columnMasks: [{ columns: { pii: ['maybe'] } }] }, 'grants[0].columnMasks[0].columns.pii', /'maybe' is not an allowed value of tag 'pii'/);
    refused({ columnMasks: [{ columns: { pii: ['true'] }, mask: 'NULL', exclude: true }] }, 'grants[0].columnMasks[0].mask', /give mask or exclude, not both/);
    refused({ columnMasks: [{ columns: { pii: ['true'] }, mask: { text: "'x'" } }] }, 'grants[0].columnMasks[0].mask.text', /unknown field/);
  });
});

describe('the rewrite the tag grants make', () => {
  const run = gate('all');

  test('filter and type-appropriate masks together, the attribute bound as a literal', async () => {
    assert.equal(await run('sue', 'SELECT c_name, c_phone, c_acctbal FROM customer'), `SELECT c_name, c_phone, c_acctbal FROM ${DERIVED(MASKED, "c_mktsegment = 'BUILDING'")}`);
  });

  test('a principal with the clearance sees raw values, still filtered', async () => {
    assert.equal(await run('cleo', 'SELECT c_name, c_phone FROM customer'), `SELECT c_name, c_phone FROM ${DERIVED({}, "c_mktsegment = 'MACHINERY'")}`);
  });

  test('a quote in an attribute value stays inside the literal', async () => {
    assert.equal(await run('quinn', 'SELECT c_name FROM customer'), `SELECT c_name FROM ${DERIVED(MASKED, "c_mktsegment = 'O''Brien'")}`);
  });

  test('a principal without the attribute reads no rows (NULL), one with several values is refused', async () => {
    assert.equal(await run('nobody', 'SELECT c_name FROM customer'), `SELECT c_name FROM ${DERIVED(MASKED, 'c_mktsegment = NULL')}`);
    await assert.rejects(run('multi', 'SELECT c_name FROM customer'), /Access Denied: tag grant 'sales' binds principal.segment, of which the principal has several values \(BUILDING, MACHINERY\)/);
  });

  test('an excluded column is not granted, with or without clearance', async () => {
    for (const user of ['sue', 'cleo']) {
      await assert.rejects(run(user, 'SELECT c_comment FROM customer'), /Access Denied: Cannot select from columns \[c_comment\] in table or view tpch.tiny.customer/);
      await assert.rejects(run(user, 'SELECT * FROM customer'), /Cannot select from columns \[c_comment\]/);
    }
  });

  test("a tag filter's columns are read with the principal's rights: an excluded column denies the read", async () => {
    const policy = { ...POLICY, grants: [{ ...SALES_GRANT, rowFilter: "c_comment <> '' AND c_mktsegment = principal.segment" }] };
    const access = new AccessControl({ value: parseAccessRules('{}', 'rules.json') }, new TypedMetadata(), () => undefined, { mode: 'all', policy: async () => new TagPolicy(validatePolicy(policy), 1) });
    const check = (user: string) => access.check({ principal: { user, groups: ['sales'], authenticatedBy: 'jwt' }, user, session: SESSION, sql: 'SELECT c_name FROM customer' });
    await assert.rejects(check('sue'), /Access Denied: Cannot select from columns \[c_comment\] in table or view tpch.tiny.customer/);
  });

  test('the attributes from the authenticator are part of the cache key', async () => {
    const sql = 'SELECT c_name FROM customer';
    for (const segment of ['AUTOMOBILE', 'HOUSEHOLD', 'AUTOMOBILE']) {
      assert.match(await run('dan', sql, { segment: [segment] }), new RegExp(`WHERE c_mktsegment = '${segment}'\\)`));
    }
  });
});

test('explain-access names the rules and grants that supplied filters and masks, and prints the rewritten statement', async () => {
  const RULES = JSON.stringify({ tables: [{ table: 'customer', privileges: ['SELECT'], filter: 'c_nationkey < 10' }, { privileges: ['SELECT'] }] });
  const { text } = await accessControl('all', RULES).explain({ principal: { user: 'sue', groups: ['sales'], authenticatedBy: 'jwt' }, user: 'sue', session: SESSION, sql: 'SELECT c_name FROM customer' });
  assert.match(text, /Row filters and column masks applied:\n {2}tpch\.tiny\.customer: tables\[0\] \+ tag grant 'sales'\n/);
  assert.match(text, /Rewritten statement: SELECT c_name FROM \(SELECT .* WHERE \(c_nationkey < 10\) AND \(c_mktsegment = 'BUILDING'\)\) AS customer/);
});

describe('combination with the rules file', () => {
  const RULES = JSON.stringify({
    tables: [{ table: 'customer', privileges: ['SELECT'], filter: 'c_nationkey < 10', columns: [{ name: 'c_phone', mask: "'rules'" }] }, { privileges: ['SELECT'] }],
  });

  test('mode all: both filters with AND; the rules-file mask wins on a column both mask', async () => {
    const run = gate('all', RULES);
    const masks = { phone: `CAST(('rules') AS varchar(15)) AS "c_phone"`, acctbal: MASKED.acctbal };
    assert.equal(await run('sue', 'SELECT c_name FROM customer'), `SELECT c_name FROM ${DERIVED(masks, "(c_nationkey < 10) AND (c_mktsegment = 'BUILDING')")}`);
  });

  test('mode any: a read the tag grants allow on their own gets the tag filter and masks only', async () => {
    const run = gate('any', RULES);
    assert.equal(await run('sue', 'SELECT c_name FROM customer'), `SELECT c_name FROM ${DERIVED(MASKED, "c_mktsegment = 'BUILDING'")}`);
  });

  test('mode any: a read the tag grants cover only in part gets both', async () => {
    const run = gate('any', RULES);
    // c_comment is excluded from the tag grant: the rules file decides it, so its filter applies too.
    const masks = { phone: `CAST(('rules') AS varchar(15)) AS "c_phone"`, acctbal: MASKED.acctbal };
    assert.equal(await run('sue', 'SELECT c_name, c_comment FROM customer'), `SELECT c_name, c_comment FROM ${DERIVED(masks, "(c_nationkey < 10) AND (c_mktsegment = 'BUILDING')")}`);
  });
});

describe('policy diff', () => {
  test('a changed row filter or column mask is a change of the grant (policy apply would otherwise skip it)', () => {
    const before = validatePolicy(POLICY);
    const after = validatePolicy({ ...POLICY, grants: [{ ...SALES_GRANT, rowFilter: "c_mktsegment = 'BUILDING'" }] });
    assert.deepEqual(diffPolicies(before, after), [
      `~ grant sales: SELECT on domain=sales to group sales row filter c_mktsegment = principal.segment; masking ({"string":"'****'","number":"0"}) pii=true unless clearance=pii; excluding secret=true -> SELECT on domain=sales to group sales row filter c_mktsegment = 'BUILDING'; masking ({"string":"'****'","number":"0"}) pii=true unless clearance=pii; excluding secret=true`,
    ]);
    const unmasked = validatePolicy({ ...POLICY, grants: [{ ...SALES_GRANT, columnMasks: [SALES_GRANT.columnMasks[1]] }] });
    assert.equal(diffPolicies(before, unmasked).length, 1);
  });
});
