/**
 * Tag-based access control, unit level: the catalog's validation messages, inheritance with
 * override, grant matching (AND across keys, OR within a key; users, groups, attributes),
 * column-level checks, the combination with the rules file (mode all / any), and policy diffs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { JwtAuthenticator } from '../../src/auth/jwt.js';
import { AccessControl } from '../../src/policy/access-control.js';
import { parseAccessRules } from '../../src/policy/file-rules.js';
import { parseSession } from '../../src/protocol/session.js';
import { analyze } from '../../src/sql/analyzer/index.js';
import { combineDecision, type TagMode } from '../../src/policy/tags/combine.js';
import { diffPolicies } from '../../src/policy/tags/diff.js';
import { tagsInComment } from '../../src/policy/tags/metadata-sync.js';
import { parsePolicyYaml, policyToYaml, TagPolicyError, validatePolicy, type TagPolicyDocument } from '../../src/policy/tags/document.js';
import { TagPolicy, type TagSubject } from '../../src/policy/tags/engine.js';
import { grantOptionFor } from '../../src/policy/tags/delegation.js';
import type { AccessRules } from '../../src/policy/file-rules.js';
import { META, rules, who } from './support.js';

const TAGS = { domain: ['hr', 'sales'], pii: ['true', 'false'], tier: ['gold', 'silver', 'bronze'] };

function policy(partial: Partial<TagPolicyDocument>): TagPolicy {
  return new TagPolicy(validatePolicy({ tags: TAGS, ...partial }), 1);
}

function rejects(doc: unknown, field: string, message: RegExp): void {
  assert.throws(
    () => validatePolicy(doc),
    (err: unknown) => {
      assert.ok(err instanceof TagPolicyError, String(err));
      assert.equal(err.field, field);
      assert.match(err.message, message);
      return true;
    },
  );
}

async function request(sql: string) {
  return analyze(sql, { catalog: 'default', schema: 'hr' }, META, new Map());
}

async function tagChecks(p: TagPolicy, subject: TagSubject, sql: string) {
  return p.evaluate(subject, await request(sql));
}

describe('catalog validation', () => {
  test('an unknown key, an unknown value, and a second value for one key are refused with clear messages', () => {
    rejects({ tags: TAGS, assignments: { 'default.hr': { region: 'eu' } } }, 'assignments.default.hr.region', /unknown tag key 'region' \(known: domain, pii, tier\)/);
    rejects({ tags: TAGS, assignments: { 'default.hr': { tier: 'platinum' } } }, 'assignments.default.hr.tier', /'platinum' is not an allowed value of tag 'tier' \(allowed: gold, silver, bronze\)/);
    rejects({ tags: TAGS, assignments: { 'default.hr.employee': { pii: ['true', 'false'] } } }, 'assignments.default.hr.employee.pii', /a resource holds one value per key, not 2 \(true, false\)/);
    // The same resource written twice (case differs) is two values for one key too.
    rejects({ tags: TAGS, assignments: { 'default.hr': { tier: 'gold' }, 'DEFAULT.HR': { tier: 'silver' } } }, 'assignments.DEFAULT.HR', /listed twice/);
  });

  test('a grant expression over a missing key or value is refused', () => {
    const grant = (expression: unknown) => ({ tags: TAGS, grants: [{ name: 'g', privileges: ['SELECT'], to: { users: ['ann'] }, expression }] });
    rejects(grant({ region: ['eu'] }), 'grants[0].expression.region', /unknown tag key 'region'/);
    rejects(grant({ domain: ['finance'] }), 'grants[0].expression.domain', /'finance' is not an allowed value of tag 'domain'/);
    rejects(grant({}), 'grants[0].expression', /needs at least one tag key/);
    rejects({ tags: TAGS, grants: [{ name: 'g', privileges: ['READ'], to: { users: ['ann'] }, expression: { domain: 'hr' } }] }, 'grants[0].privileges', /'READ' is not a privilege/);
    rejects({ tags: TAGS, grants: [{ name: 'g', privileges: ['SELECT'], to: {}, expression: { domain: 'hr' } }] }, 'grants[0].to', /at least one user, group or attribute/);
  });

  test('resources are 1 to 4 dotted parts; YAML booleans are tag text; export round-trips', () => {
    rejects({ tags: TAGS, assignments: { 'a.b.c.d.e': { tier: 'gold' } } }, 'assignments.a.b.c.d.e', /expected catalog\[\.schema\[\.table\[\.column\]\]\]/);
    const doc = parsePolicyYaml('tags: { pii: [true, false] }\nassignments: { "Default.HR.Employee.SSN": { pii: true } }\n', 'p.yaml');
    assert.deepEqual(doc.assignments, { 'default.hr.employee.ssn': { pii: 'true' } });
    assert.deepEqual(parsePolicyYaml(policyToYaml(doc), 'again'), doc);
    assert.throws(() => parsePolicyYaml('tags: [', 'bad.yaml'), /bad.yaml: not valid YAML/);
  });
});

describe('inheritance', () => {
  test('a column inherits its table, schema and catalog tags unless it sets its own value for the key', () => {
    const p = policy({
      assignments: { default: { tier: 'bronze' }, 'default.hr': { domain: 'hr', pii: 'false' }, 'default.hr.employee': { tier: 'gold' }, 'default.hr.employee.ssn': { pii: 'true' } },
    });
    assert.deepEqual(Object.fromEntries(p.effectiveTags(['default', 'hr', 'employee', 'ssn'])), { tier: 'gold', domain: 'hr', pii: 'true' });
    assert.deepEqual(Object.fromEntries(p.effectiveTags(['default', 'hr', 'employee', 'name'])), { tier: 'gold', domain: 'hr', pii: 'false' });
    assert.deepEqual(Object.fromEntries(p.effectiveTags(['default', 'hr', 'other'])), { tier: 'bronze', domain: 'hr', pii: 'false' });
    assert.deepEqual(Object.fromEntries(p.effectiveTags(['default', 'default', 'customers'])), { tier: 'bronze' });
  });
});

describe('grant matching', () => {
  const p = policy({
    assignments: { 'default.hr': { domain: 'hr', pii: 'false', tier: 'gold' }, 'default.hr.employee.ssn': { pii: 'true' }, 'default.default': { domain: 'sales', tier: 'bronze' } },
    grants: [
      { name: 'hr-gold-or-silver', privileges: ['SELECT'], to: { groups: ['hr'] }, expression: { domain: ['hr'], tier: ['gold', 'silver'], pii: ['false'] } },
      { name: 'cleared', privileges: ['SELECT'], to: { attributes: { clearance: ['pii'], domain: ['hr', 'sales'] } }, expression: { domain: ['hr'] } },
      { name: 'etl-writes', privileges: ['INSERT', 'DELETE'], to: { users: ['etl'] }, expression: { domain: ['hr'] } },
      { name: 'auditor-all', privileges: ['ALL'], to: { users: ['auditor'] }, expression: { tier: ['bronze'] } },
    ],
    principals: { users: { carol: { clearance: ['pii'] } }, groups: { 'hr-leads': { domain: ['hr'] } } },
  });

  test('AND across keys, OR within a key: a group grant covers non-PII columns only', async () => {
    const [ok] = await tagChecks(p, { user: 'ann', groups: ['hr'] }, 'SELECT name, salary FROM employee');
    assert.equal(ok!.allowed, true);
    assert.match(ok!.decidedBy, /tag grant 'hr-gold-or-silver' \(domain=hr AND tier in \(gold, silver\) AND pii=false\) for \[name, salary\]/);
    const [pii] = await tagChecks(p, { user: 'ann', groups: ['hr'] }, 'SELECT name, ssn FROM employee');
    assert.equal(pii!.allowed, false);
    assert.equal(pii!.denial, 'Access Denied: Cannot select from columns [ssn] in table or view default.hr.employee: no tag grant covers pii=true');
    // A key the grant needs and the resource lacks is named too.
    const [other] = await tagChecks(p, { user: 'ann', groups: ['hr'] }, 'SELECT id FROM default.default.orders');
    assert.equal(other!.denial, 'Access Denied: Cannot select from columns [id] in table or view default.default.orders: no tag grant covers domain=sales, no value for tag pii, tier=bronze');
  });

  test('attribute matches need every listed key (stored on the user, on a group, or from the authenticator)', async () => {
    // carol has clearance=pii but no domain attribute: the 'cleared' grant does not apply.
    assert.equal((await tagChecks(p, { user: 'carol', groups: [] }, 'SELECT ssn FROM employee'))[0]!.allowed, false);
    // Her group gives domain=hr: now both keys match.
    assert.equal((await tagChecks(p, { user: 'carol', groups: ['hr-leads'] }, 'SELECT ssn FROM employee'))[0]!.allowed, true);
    // Attributes from a JWT work the same way.
    assert.equal((await tagChecks(p, { user: 'dan', groups: [], attributes: { clearance: ['pii'], domain: ['sales'] } }, 'SELECT ssn FROM employee'))[0]!.allowed, true);
    assert.deepEqual(p.grantsOf({ user: 'dan', groups: [] }), []);
  });

  test('privileges: a user grant for INSERT does not allow SELECT; ALL covers every privilege; SHOW needs any', async () => {
    const [insert] = await tagChecks(p, { user: 'etl', groups: [] }, "INSERT INTO employee (id, name) VALUES (1, 'x')");
    assert.equal(insert!.allowed, true);
    const [read] = await tagChecks(p, { user: 'etl', groups: [] }, 'SELECT id FROM employee');
    assert.equal(read!.denial, 'Access Denied: Cannot select from columns [id] in table or view default.hr.employee: no tag grant gives SELECT on {domain=hr, pii=false, tier=gold}');
    assert.equal((await tagChecks(p, { user: 'etl', groups: [] }, 'DELETE FROM employee'))[0]!.allowed, true);
    assert.equal((await tagChecks(p, { user: 'auditor', groups: [] }, 'DELETE FROM default.default.orders'))[0]!.allowed, true);
    assert.equal((await tagChecks(p, { user: 'etl', groups: [] }, 'SHOW COLUMNS FROM employee'))[0]!.allowed, true);
  });

  test('a statement without columns (count(*)) needs the table covered; every table of a join is checked', async () => {
    assert.equal((await tagChecks(p, { user: 'ann', groups: ['hr'] }, 'SELECT count(*) FROM employee'))[0]!.allowed, true);
    const join = await tagChecks(p, { user: 'ann', groups: ['hr'] }, 'SELECT e.name, o.total FROM employee e JOIN default.default.orders o ON e.id = o.id');
    assert.deepEqual(join.map((c) => [c.resource, c.allowed]).sort(), [
      ['default.default.orders [id, total]', false],
      ['default.hr.employee [id, name]', true],
    ]);
  });
});

describe('grant options', () => {
  const held = policy({
    grants: [
      { name: 'hr-readers', privileges: ['SELECT', 'INSERT'], to: { groups: ['hr-leads'] }, expression: { domain: ['hr'], pii: ['false', 'true'] }, withGrantOption: true },
      { name: 'sales-readers', privileges: ['SELECT'], to: { groups: ['hr-leads'] }, expression: { domain: ['sales'] } },
    ],
  });
  const lead: TagSubject = { user: 'lee', groups: ['hr-leads'] };
  const grant = (privileges: string[], expression: Record<string, string[]>) =>
    validatePolicy({ tags: TAGS, grants: [{ name: 'given', privileges, to: { users: ['newbie'] }, expression }] }).grants[0]!;

  test('a holder passes on the same or a narrower grant', () => {
    for (const given of [grant(['SELECT'], { domain: ['hr'], pii: ['false', 'true'] }), grant(['SELECT', 'INSERT'], { domain: ['hr'], pii: ['false'], tier: ['gold'] })]) {
      const option = grantOptionFor(held, lead, given);
      assert.ok('held' in option && option.held.name === 'hr-readers', JSON.stringify(option));
    }
  });

  test('never wider: a dropped key, another value, another privilege, or a grant held without option', () => {
    const refusals = [
      grant(['SELECT'], { domain: ['hr'] }), // drops pii: would cover more columns
      grant(['SELECT'], { domain: ['hr', 'sales'], pii: ['false'] }),
      grant(['DELETE'], { domain: ['hr'], pii: ['false'] }),
      grant(['ALL'], { domain: ['hr'], pii: ['false'] }),
      grant(['SELECT'], { domain: ['sales'] }), // held, but without grant option
    ];
    for (const given of refusals) {
      const option = grantOptionFor(held, lead, given);
      assert.ok('refused' in option, JSON.stringify(given));
      assert.match(option.refused, /no grant option of lee covers/);
    }
    assert.deepEqual(grantOptionFor(held, { user: 'olaf', groups: [] }, grant(['SELECT'], { domain: ['hr'], pii: ['false'] })), { refused: 'olaf holds no grant with grant option' });
  });
});

describe('schema statements', () => {
  const p = policy({
    assignments: { default: { tier: 'bronze' }, 'default.hr': { domain: 'hr' } },
    grants: [
      { name: 'hr-owners', privileges: ['OWNERSHIP', 'DROP'], to: { users: ['hra'] }, expression: { domain: ['hr'] } },
      { name: 'creators', privileges: ['CREATE'], to: { users: ['hra'] }, expression: { tier: ['bronze'] } },
      { name: 'readers', privileges: ['SELECT'], to: { users: ['ann'] }, expression: { domain: ['hr'] } },
    ],
  });
  const hra = { user: 'hra', groups: [] };

  test('CREATE / DROP SCHEMA and SHOW TABLES need a grant on the schema’s effective tags', async () => {
    const create = await tagChecks(p, hra, 'CREATE SCHEMA default.newschema');
    assert.deepEqual(create.map((c) => [c.check, c.resource, c.allowed]), [['TagSchemaCreate', 'default.newschema', true]]);
    assert.equal((await tagChecks(p, hra, 'DROP SCHEMA default.hr'))[0]!.allowed, true);
    const denied = await tagChecks(p, { user: 'ann', groups: [] }, 'DROP SCHEMA default.hr');
    assert.equal(denied[0]!.denial, 'Access Denied: Cannot drop schema default.hr: no tag grant gives DROP on {domain=hr, tier=bronze}');
    // SHOW TABLES needs any privilege on the schema.
    assert.equal((await tagChecks(p, { user: 'ann', groups: [] }, 'SHOW TABLES FROM default.hr'))[0]!.allowed, true);
    assert.equal((await tagChecks(p, { user: 'ann', groups: [] }, 'SHOW TABLES FROM default.default'))[0]!.allowed, false);
  });

  test('USE and table creation do not check the schema (the table is checked instead)', async () => {
    assert.deepEqual(await tagChecks(p, { user: 'ann', groups: [] }, 'USE default.default'), []);
    // The new table inherits its schema's tags: the CREATE grant on tier=bronze covers it for hra only.
    const ctas = await tagChecks(p, hra, 'CREATE TABLE default.hr.copy AS SELECT 1 AS x');
    assert.deepEqual(ctas.map((c) => [c.check, c.allowed]), [['TagCreate', true]]);
    assert.deepEqual((await tagChecks(p, { user: 'ann', groups: [] }, 'CREATE TABLE default.hr.copy AS SELECT 1 AS x')).map((c) => [c.check, c.allowed]), [['TagCreate', false]]);
  });
});

describe('combination with the rules file', () => {
  const tags = policy({
    assignments: { 'default.hr': { domain: 'hr', pii: 'false' }, 'default.hr.employee.ssn': { pii: 'true' } },
    grants: [{ name: 'hr', privileges: ['SELECT'], to: { groups: ['hr'] }, expression: { domain: ['hr'], pii: ['false'] } }],
  });
  // The rules file lets the 'hr' group read the hr schema and 'ops' read everything.
  const fileRules = rules({
    catalogs: [{ group: 'hr|ops', catalog: 'default', allow: 'read-only' }],
    tables: [
      { group: 'ops', privileges: ['SELECT'] },
      { group: 'hr', schema: 'hr', privileges: ['SELECT'] },
    ],
  });

  async function decide(r: AccessRules, mode: TagMode, groups: string[], sql: string) {
    const req = await request(sql);
    const subject = { user: 'u', groups };
    return combineDecision(r, who('u', groups), req, {}, tags.evaluate(subject, req), mode);
  }

  const cases: Array<[string, string[], string, boolean, boolean]> = [
    // label, groups, sql, allowed in mode all, allowed in mode any
    ['both allow', ['hr'], 'SELECT name FROM employee', true, true],
    ['rules allow, tags deny (pii)', ['hr'], 'SELECT ssn FROM employee', false, true],
    ['rules allow (ops), tags have no grant', ['ops'], 'SELECT ssn FROM employee', false, true],
    ['neither allows', [], 'SELECT name FROM employee', false, false],
  ];
  for (const [label, groups, sql, all, any] of cases) {
    test(`${label}: all=${all}, any=${any}`, async () => {
      assert.equal((await decide(fileRules, 'all', groups, sql)).allowed, all);
      assert.equal((await decide(fileRules, 'any', groups, sql)).allowed, any);
    });
  }

  test('mode any: a tag grant allows a table the rules file does not, catalog gate included; the denial names both', async () => {
    const noCatalog = rules({ catalogs: [{ user: 'nobody', allow: 'all' }], tables: [] });
    const allowed = await decide(noCatalog, 'any', ['hr'], 'SELECT name FROM employee');
    assert.equal(allowed.allowed, true);
    assert.ok(allowed.checks.some((c) => c.check === 'TagSelect' && c.allowed && /tag grant 'hr'/.test(c.decidedBy)));
    assert.ok(!allowed.checks.some((c) => c.check === 'AccessCatalog'), 'the catalog gate was satisfied by the tag grant');
    const denied = await decide(noCatalog, 'any', ['hr'], 'SELECT ssn FROM employee');
    assert.equal(denied.allowed, false);
    assert.equal(denied.message, 'Access Denied: Cannot access catalog default (tags: no tag grant covers pii=true)');
  });

  test('mode any combines column by column: the rules file is asked only about the columns tags leave over', async () => {
    const noName = rules({ tables: [{ group: 'hr', schema: 'hr', privileges: ['SELECT'], columns: [{ name: 'name', allow: false }] }] });
    // name: tags yes, rules no; ssn: tags no (pii), rules yes.
    const mixed = await decide(noName, 'any', ['hr'], 'SELECT name, ssn FROM employee');
    assert.equal(mixed.allowed, true);
    assert.ok(mixed.checks.some((c) => c.check === 'SelectFromColumns' && c.resource === 'default.hr.employee [ssn]' && c.allowed));
    assert.equal((await decide(noName, 'all', ['hr'], 'SELECT name, ssn FROM employee')).allowed, false);
    const noSsn = rules({ tables: [{ group: 'hr', schema: 'hr', privileges: ['SELECT'], columns: [{ name: 'ssn', allow: false }] }] });
    const neither = await decide(noSsn, 'any', ['hr'], 'SELECT name, ssn FROM employee');
    assert.equal(neither.message, 'Access Denied: Cannot select from table default.hr.employee (tags: no tag grant covers pii=true)');
  });

  test('mode all: the rules-file denial comes first; a tag denial alone gives the tag message', async () => {
    const both = await decide(fileRules, 'all', [], 'SELECT name FROM employee');
    assert.equal(both.message, 'Access Denied: Cannot access catalog default');
    const tagOnly = await decide(fileRules, 'all', ['ops'], 'SELECT ssn FROM employee');
    assert.equal(tagOnly.message, 'Access Denied: Cannot select from columns [ssn] in table or view default.hr.employee: no tag grant gives SELECT on {domain=hr, pii=true}');
  });

  test('statements without tables are left to the rules file', async () => {
    assert.equal((await decide(fileRules, 'all', [], 'SELECT 1')).allowed, true);
    assert.equal((await decide(rules({ queries: [{ user: 'nobody', allow: ['execute'] }] }), 'any', ['hr'], 'SELECT 1')).allowed, false);
  });
});

describe('policy diff', () => {
  test('lists additions, removals and changes of tags, assignments, grants and principals', () => {
    const before = validatePolicy({
      tags: { pii: ['true', 'false'], old: ['x'] },
      assignments: { 'c.s.t': { pii: 'false' }, 'c.s': { old: 'x' } },
      grants: [{ name: 'g', privileges: ['SELECT'], to: { users: ['ann'] }, expression: { pii: ['false'] } }],
    });
    const after = validatePolicy({
      tags: { pii: ['true', 'false', 'unknown'] },
      assignments: { 'c.s.t': { pii: 'true' } },
      grants: [{ name: 'g', privileges: ['SELECT'], to: { users: ['ann', 'bob'] }, expression: { pii: ['false'] } }],
      principals: { users: { ann: { clearance: ['pii'] } } },
    });
    assert.deepEqual(diffPolicies(before, after), [
      '- tag old: x',
      '~ tag pii: true, false -> true, false, unknown',
      '- assignment c.s old: x',
      '~ assignment c.s.t pii: false -> true',
      '~ grant g: SELECT on pii=false to user ann -> SELECT on pii=false to user ann, user bob',
      '+ principal users/ann: clearance=pii',
    ]);
    assert.deepEqual(diffPolicies(after, after), []);
  });
});

describe('tags in backend comments', () => {
  test('`tags: key=value, ...` anywhere in a comment, up to its end or a semicolon', () => {
    assert.deepEqual(tagsInComment('Invoices. tags: domain=billing, pii = false', 't'), { domain: 'billing', pii: 'false' });
    assert.deepEqual(tagsInComment('TAGS: pii=true; owner is billing', 't'), { pii: 'true' });
    assert.equal(tagsInComment('no tags here', 't'), undefined);
    assert.throws(() => tagsInComment('tags: pii', 'c.s.t'), /comment of c\.s\.t: 'pii' is not key=value/);
    assert.throws(() => tagsInComment('tags: pii=true, pii=false', 'c.s.t'), /two values for tag 'pii' \(true, false\); a resource holds one value per key/);
  });
});

describe('principal attributes from JWT claims', () => {
  test('configured claims become attributes (text or list), others are ignored, and they decide attribute grants', async () => {
    const keys = await generateKeyPair('RS256');
    const keyFile = join(mkdtempSync(join(tmpdir(), 'qg-jwt-attrs-')), 'key.pem');
    writeFileSync(keyFile, await exportSPKI(keys.publicKey));
    const auth = new JwtAuthenticator({ keyFile, principalClaim: 'sub', clockSkewMs: 0, attributeClaims: { clr: 'clearance', depts: 'domain', level: 'level' } });
    const token = await new SignJWT({ sub: 'dan', clr: 'pii', depts: ['hr', 'sales', 7], level: 3, other: 'x' }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('5m').sign(keys.privateKey);
    const principal = await auth.authenticate({ kind: 'bearer', token });
    assert.deepEqual(principal.attributes, { clearance: ['pii'], domain: ['hr', 'sales'] });
    const p = policy({
      assignments: { 'default.hr': { domain: 'hr', pii: 'false' }, 'default.hr.employee.ssn': { pii: 'true' } },
      grants: [{ name: 'cleared', privileges: ['SELECT'], to: { attributes: { clearance: ['pii'] } }, expression: { domain: ['hr'] } }],
    });
    const [check] = await tagChecks(p, { user: principal.user, groups: principal.groups, attributes: principal.attributes! }, 'SELECT ssn FROM employee');
    assert.equal(check!.allowed, true);
  });
});

describe('through AccessControl', () => {
  const p = policy({
    assignments: { 'default.hr': { domain: 'hr', pii: 'false' }, 'default.hr.employee.ssn': { pii: 'true' } },
    grants: [{ name: 'cleared', privileges: ['SELECT'], to: { attributes: { clearance: ['pii'] } }, expression: { domain: ['hr'] } }],
  });
  let current = p;
  const access = new AccessControl({ value: parseAccessRules('{}', 'none') }, META, () => undefined, { mode: 'all', policy: async () => current });
  const session = parseSession({ 'x-trino-user': 'dan', 'x-trino-catalog': 'default', 'x-trino-schema': 'hr' });
  const run = (user: string, attributes: Record<string, string[]> | undefined) =>
    access.check({ principal: { user: 'dan', groups: [], authenticatedBy: 'jwt', ...(attributes ? { attributes } : {}) }, user, session, sql: 'SELECT ssn FROM employee' }).then(
      () => 'allowed',
      (err: Error) => err.message,
    );

  test('the cache tells apart two tokens of one user with different attributes; an impersonated user does not inherit them', async () => {
    assert.equal(await run('dan', { clearance: ['pii'] }), 'allowed');
    assert.equal(await run('dan', undefined), 'Access Denied: Cannot select from columns [ssn] in table or view default.hr.employee: no tag grant gives SELECT on {domain=hr, pii=true}');
    assert.equal(await run('dan', { clearance: ['pii'] }), 'allowed');
    assert.match(await run('eve', { clearance: ['pii'] }), /no tag grant gives SELECT/);
  });

  test('a new policy version drops cached decisions at once', async () => {
    assert.equal(await run('dan', { clearance: ['pii'] }), 'allowed');
    current = new TagPolicy(validatePolicy({ ...p.document, grants: [] }), p.version + 1);
    assert.match(await run('dan', { clearance: ['pii'] }), /no tag grant gives SELECT/);
    assert.ok(access.cacheStats.invalidations >= 1);
  });
});
