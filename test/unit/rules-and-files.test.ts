import assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseGroupFile } from '../../src/auth/group-file.js';
import { parsePasswordFile } from '../../src/auth/password-file.js';
import { ReloadingFile } from '../../src/config/reloading-file.js';
import { checkImpersonation, parseRulesFile, unmatchableColumnRules } from '../../src/policy/rules-file.js';

const dir = mkdtempSync(join(tmpdir(), 'qg-files-'));
const HASH = '$2y$10$' + 'a'.repeat(53);

test('password and group files parse as Trino reads them, with line numbers in errors', () => {
  assert.deepEqual([...parsePasswordFile(`# comment\nalice:${HASH}\n\nbob:${HASH}\n`, 'p.db').keys()], ['alice', 'bob']);
  assert.throws(() => parsePasswordFile('alice:plaintext\n', 'p.db'), /p\.db line 1: expected 'user:bcrypt-hash'/);
  assert.deepEqual(Object.fromEntries(parseGroupFile('analysts:alice,bob\nadmins: carol \n# x\npii:alice\n', 'g.txt')), { alice: ['analysts', 'pii'], bob: ['analysts'], carol: ['admins'] });
  assert.throws(() => parseGroupFile('nocolon\n', 'g.txt'), /g\.txt line 1/);
});

test('a reloading file picks up changes and keeps the last good version when the new one is broken', async () => {
  const path = join(dir, 'groups.txt');
  writeFileSync(path, 'a:alice\n');
  const errors: string[] = [];
  const file = new ReloadingFile(path, parseGroupFile, (m) => errors.push(m));
  assert.deepEqual(file.value.get('alice'), ['a']);
  const later = (seconds: number) => new Date(Date.now() + seconds * 1000);
  writeFileSync(path, 'b:alice\n');
  utimesSync(path, later(5), later(5));
  await new Promise((r) => setTimeout(r, 1100));
  assert.deepEqual(file.value.get('alice'), ['b']);
  writeFileSync(path, 'broken line\n');
  utimesSync(path, later(10), later(10));
  await new Promise((r) => setTimeout(r, 1100));
  assert.deepEqual(file.value.get('alice'), ['b'], 'the last good version stays in force');
  assert.match(errors[0]!, /not reloaded, keeping the previous version/);
  assert.throws(() => new ReloadingFile(join(dir, 'missing.txt'), parseGroupFile, () => undefined), /ENOENT/);
});

test('impersonation rules follow Trino: whole-string regexes, first match wins, $1 references, default deny', () => {
  const rules = parseRulesFile(
    JSON.stringify({
      impersonation: [
        { original_user: 'admin', new_user: 'root', allow: false },
        { original_user: 'admin', new_user: '.*' },
        { original_user: '(.*)-ops', new_user: '$1-svc' },
      ],
    }),
    'rules.json',
  );
  assert.deepEqual(checkImpersonation(rules, 'admin', [], 'alice'), { allowed: true, rule: 1 });
  assert.deepEqual(checkImpersonation(rules, 'admin', [], 'root'), { allowed: false, rule: 0 });
  assert.deepEqual(checkImpersonation(rules, 'team-ops', [], 'team-svc'), { allowed: true, rule: 2 });
  assert.deepEqual(checkImpersonation(rules, 'team-ops', [], 'other-svc'), { allowed: false });
  assert.deepEqual(checkImpersonation(rules, 'xadmin', [], 'alice'), { allowed: false }, 'patterns match whole strings');
  assert.deepEqual(checkImpersonation(rules, 'alice', [], 'alice'), { allowed: true }, 'a user may always be itself');
  // A captured group is matched literally in new_user, never as a pattern.
  const literal = parseRulesFile(JSON.stringify({ impersonation: [{ original_user: '(.*)', new_user: '$1_x' }] }), 'r');
  assert.equal(checkImpersonation(literal, 'a.b', [], 'aXb_x').allowed, false);
  assert.equal(checkImpersonation(literal, 'a.b', [], 'a.b_x').allowed, true);
});

test('rule column names with upper-case letters are named at load: matched case-sensitively, they never match', () => {
  const rules = parseRulesFile(
    JSON.stringify({
      tables: [
        { table: 'customer', privileges: ['SELECT'], columns: [{ name: 'c_name' }, { name: 'C_ACCTBAL', allow: false }, { name: 'c_Phone', mask: "'x'" }] },
        { table: 'orders', privileges: ['SELECT'] },
        { user: 'bob', table: 'nation', privileges: ['SELECT'], columns: [{ name: 'N_NAME', allow: false }] },
      ],
    }),
    'r.json',
  );
  assert.deepEqual(unmatchableColumnRules(rules), [
    "r.json: tables[0].columns[1].name 'C_ACCTBAL' never matches: column names are matched case-sensitively, as Trino does, against lower-case names (write 'c_acctbal')",
    "r.json: tables[0].columns[2].name 'c_Phone' never matches: column names are matched case-sensitively, as Trino does, against lower-case names (write 'c_phone')",
    "r.json: tables[2].columns[0].name 'N_NAME' never matches: column names are matched case-sensitively, as Trino does, against lower-case names (write 'n_name')",
  ]);
  assert.deepEqual(unmatchableColumnRules(parseRulesFile(JSON.stringify({ tables: [{ privileges: ['SELECT'], columns: [{ name: 'c_acctbal', allow: false }] }] }), 'r.json')), []);
});

test('rules files that cannot be enforced or understood are refused', () => {
  assert.throws(() => parseRulesFile('{', 'r.json'), /r\.json is not valid JSON/);
  assert.throws(() => parseRulesFile(JSON.stringify({ tablez: [] }), 'r.json'), /r\.json.*unknown key 'tablez'/);
  assert.throws(() => parseRulesFile(JSON.stringify({ impersonation: [{ new_user: '(' }] }), 'r.json'), /impersonation\[0\]\.new_user: invalid regular expression/);
  assert.throws(() => parseRulesFile(JSON.stringify({ impersonation: [{ new_user: 'x', colour: 1 }] }), 'r.json'), /impersonation\[0\]: unknown key 'colour'/);
});
