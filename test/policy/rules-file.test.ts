/** parseAccessRules: bad files are refused with the path of the offending value; good ones compile. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkImpersonation, parseAccessRules } from '../../src/policy/file-rules.js';
import { rules } from './support.js';

const bad = (obj: unknown, pattern: RegExp) => assert.throws(() => parseAccessRules(JSON.stringify(obj), 'etc/rules.json'), pattern);

test('invalid JSON and non-object files', () => {
  assert.throws(() => parseAccessRules('{', 'etc/rules.json'), /etc\/rules\.json is not valid JSON/);
  bad([], /etc\/rules\.json: \(top level\): expected an object, got an array/);
});

test('unknown sections and keys are refused (a typo must not silently drop a restriction)', () => {
  bad({ tabels: [] }, /\(top level\): unknown key 'tabels'/);
  bad({ tables: [{ privileges: [] }, { privileges: ['SELECT'], colums: [] }] }, /etc\/rules\.json: tables\[1\]: unknown key 'colums'/);
  bad({ tables: [{ privileges: [], columns: [{ name: 'a', allowed: false }] }] }, /tables\[0\]\.columns\[0\]: unknown key 'allowed'/);
  bad({ principals: [] }, /principals: the deprecated 'principals' section is not supported/);
  bad({ functions: [{ function_kinds: ['TABLE'], privileges: [] }] }, /functions\[0\]\.function_kinds/);
  bad({ impersonation: [{ new_user: 'x', colour: 1 }] }, /impersonation\[0\]: unknown key 'colour'/);
});

test('invalid regular expressions name the rule and field', () => {
  bad({ tables: [{}, {}, {}, { table: 'orders(', privileges: [] }].map((r) => ({ privileges: [], ...r })) }, /etc\/rules\.json: tables\[3\]\.table: invalid regular expression 'orders\('/);
  bad({ catalogs: [{ group: '[a-', allow: 'all' }] }, /catalogs\[0\]\.group: invalid regular expression/);
  bad({ impersonation: [{ new_user: '(' }] }, /impersonation\[0\]\.new_user: invalid regular expression/);
  bad({ schemas: [{ schema: '(?i)sales', owner: true }] }, /schemas\[0\]\.schema: invalid regular expression/);
});

test('wrong types, unknown values and missing required keys', () => {
  bad({ tables: {} }, /tables: expected an array of rules, got a object/);
  bad({ tables: [{ privileges: 'SELECT' }] }, /tables\[0\]\.privileges: expected an array/);
  bad({ tables: [{ privileges: ['SELECT', 'READ'] }] }, /tables\[0\]\.privileges\[1\]: expected one of SELECT, INSERT/);
  bad({ tables: [{ table: 'x' }] }, /tables\[0\]: missing required key 'privileges'/);
  bad({ tables: [{ user: 7, privileges: [] }] }, /tables\[0\]\.user: expected a string, got a number/);
  bad({ catalogs: [{ catalog: 'x', allow: 'readonly' }] }, /catalogs\[0\]\.allow: expected "all", "read-only" or "none" \(or legacy true\/false\), got "readonly"/);
  bad({ catalogs: [{ catalog: 'x' }] }, /catalogs\[0\]: missing required key 'allow'/);
  bad({ catalogs: [{ catalog: 'x', allow: 1 }] }, /catalogs\[0\]\.allow/);
  bad({ schemas: [{ owner: 'yes' }] }, /schemas\[0\]\.owner: expected true or false/);
  bad({ system_session_properties: [{ property: 'x' }] }, /system_session_properties\[0\]: missing required key 'allow'/);
  bad({ queries: [{ queryOwner: 'bob', allow: ['execute'] }] }, /queries\[0\]: a rule with 'queryOwner' cannot allow 'execute'/);
  bad({ queries: [{ allow: ['run'] }] }, /queries\[0\]\.allow\[0\]/);
  bad({ system_information: [{ group: 'x', allow: ['read'] }] }, /system_information\[0\]: unknown key 'group'/);
  bad({ authorization: [{ original_user: 'x' }] }, /authorization\[0\]: at least one of 'new_user' or 'new_role' is required/);
  bad({ impersonation: [{ original_user: 'x' }] }, /impersonation\[0\]: missing required key 'new_user'/);
  bad({ tables: [{ privileges: [], columns: [{ allow: false }] }] }, /tables\[0\]\.columns\[0\]: missing required key 'name'/);
  bad({ tables: [{ privileges: [], columns: [{ name: 'a', allow: false, mask: 'NULL' }] }] }, /cannot both be denied/);
  bad({ tables: [{ privileges: [], filter_environment: { user: 'x', role: 'y' } }] }, /tables\[0\]\.filter_environment: unknown key 'role'/);
});

test('legacy booleans in catalogs map to all/none; filters and masks are kept', () => {
  const r = rules({
    catalogs: [{ catalog: 'a', allow: true }, { catalog: 'b', allow: false }],
    tables: [{ privileges: ['SELECT'], filter: 'region = \'EU\'', filter_environment: { user: 'svc' }, columns: [{ name: 'Email', mask: "'***'", mask_environment: { user: 'svc_mask' } }, { name: 'card', allow: false }] }],
  });
  assert.deepEqual(r.catalogs!.map((c) => c.allow), ['all', 'none']);
  const t = r.tables![0]!;
  assert.equal(t.filter, "region = 'EU'");
  assert.deepEqual(t.filterEnvironment, { user: 'svc' });
  // Column names are kept as written: Trino matches them case-sensitively.
  assert.deepEqual(
    t.columns.map(({ maskExpression, ...c }) => ({ ...c, ...(maskExpression ? { maskText: maskExpression.text } : {}) })),
    [{ name: 'Email', allow: true, mask: "'***'", maskText: "'***'", maskEnvironment: { user: 'svc_mask' } }, { name: 'card', allow: false }],
  );
  assert.deepEqual([...t.deniedColumns], ['card']);
  assert.deepEqual([...t.maskedColumns], ['Email']);
});

test('every parse gets a new, increasing version (decision caches key on it)', () => {
  const a = rules({});
  const b = rules({});
  assert.ok(b.version > a.version);
  assert.equal(a.source, 'rules.json');
});

test('impersonation keeps the semantics of src/policy/rules-file.ts', () => {
  const r = rules({
    impersonation: [
      { original_user: 'admin', new_user: 'root', allow: false },
      { original_user: 'admin', new_user: '.*' },
      { original_user: '(.*)-ops', new_user: '$1-svc' },
    ],
  });
  assert.deepEqual(checkImpersonation(r, 'admin', [], 'alice'), { allowed: true, rule: 1 });
  assert.deepEqual(checkImpersonation(r, 'admin', [], 'root'), { allowed: false, rule: 0 });
  assert.deepEqual(checkImpersonation(r, 'team-ops', [], 'team-svc'), { allowed: true, rule: 2 });
  assert.deepEqual(checkImpersonation(r, 'team-ops', [], 'other-svc'), { allowed: false });
  assert.deepEqual(checkImpersonation(r, 'xadmin', [], 'alice'), { allowed: false });
  assert.deepEqual(checkImpersonation(r, 'alice', [], 'alice'), { allowed: true });
  assert.deepEqual(checkImpersonation({}, 'alice', [], 'bob'), { allowed: false }, 'absent section (and the {} identity.ts passes) denies');
  const literal = rules({ impersonation: [{ original_user: '(.*)', new_user: '$1_x' }] });
  assert.equal(checkImpersonation(literal, 'a.b', [], 'aXb_x').allowed, false, 'captured text is matched literally');
  assert.equal(checkImpersonation(literal, 'a.b', [], 'a.b_x').allowed, true);
});
