/**
 * The web UI end to end, in a real browser (Debian's chromium driven by playwright-core) against
 * a gateway over HTTPS with a real Trino and the embedded DuckDB: sign in, see the backends, find
 * a query run by a real client in history and open its page, cancel a long query (and check that
 * Trino itself cancelled it), drain a backend, run the access simulator, read the audit trail,
 * sign out (the old cookie stops working). A screenshot of every page goes to
 * test-artifacts/ui/ (1366×768, a laptop screen).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { BasicAuth, Trino } from 'trino-client';
import { PASSWORDS, basic, startAdminGateway, type AdminGateway } from '../support/admin-gateway.js';
import { REPO, TRINO_URL } from '../support/services.js';

const CHROMIUM = process.env.QUERYGATE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = `${REPO}test-artifacts/ui/`;

let admin: AdminGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shot = 0;
let slowQueryId: string | undefined;

async function screenshot(name: string): Promise<void> {
  shot++;
  await page.screenshot({ path: `${ARTIFACTS}${String(shot).padStart(2, '0')}-${name}.png`, fullPage: true });
}

async function nav(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

/** An admin API call as a plain API client (Basic), to check what the UI did. */
async function apiAsOps(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${admin.url}${path}`, { headers: { authorization: basic('ops') }, dispatcher: admin.dispatcher } as RequestInit);
  return (await response.json()) as Record<string, unknown>;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function trinoClient(): Trino {
  return Trino.create({ server: admin.url, catalog: 'tpch', schema: 'tiny', auth: new BasicAuth('ops', PASSWORDS.ops!), ssl: { ca: readFileSync(admin.pki.caFile) } });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  admin = await startAdminGateway();
  // Root in CI containers: chromium's sandbox needs a user namespace it may not get there.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1366, height: 768 } });
  page = await context.newPage();
});

after(async () => {
  // A failed run must not leave its long query running on the shared Trino.
  if (slowQueryId !== undefined) await fetch(`${TRINO_URL}/v1/query/${slowQueryId}`, { method: 'DELETE', headers: { 'X-Trino-User': 'ops' } });
  await browser?.close();
  await admin?.close();
});

test('an operator runs the gateway from the browser', { timeout: 300_000 }, async (t) => {
  await t.test('sign in with the keyboard', async () => {
    await page.goto(`${admin.url}/`);
    assert.equal(new URL(page.url()).pathname, '/ui/');
    await page.getByRole('heading', { name: 'Sign in to Querygate' }).waitFor();
    await screenshot('login');
    await page.getByLabel('User name').fill('ops');
    await page.getByLabel('Password').fill('wrong password');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /Invalid credentials/);
    await screenshot('login-error');
    await page.getByLabel('Password').fill(PASSWORDS.ops!);
    await page.keyboard.press('Enter');
    await page.getByText('Signed in as').waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'querygate_session');
    assert.ok(cookie);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Strict');
  });

  await t.test('the overview shows the backends by routing group', async () => {
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const main = page.locator('.card', { hasText: 'Routing group main' });
    await main.getByRole('cell', { name: 'trino1' }).waitFor();
    assert.match(await main.innerText(), /trino1\s+trino\s+active\s+healthy/);
    assert.match(await page.locator('.card', { hasText: 'Routing group local' }).innerText(), /embedded\s+duckdb\s+active/);
    await screenshot('overview');
  });

  await t.test('a query run by a real client is in history, with its own page', async () => {
    let queryId = '';
    const rows: unknown[][] = [];
    for await (const result of await trinoClient().query('SELECT count(*) FROM tpch.tiny.orders')) {
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      queryId = result.id;
      rows.push(...(result.data ?? []));
    }
    assert.deepEqual(rows, [[15000]]);
    await nav('Queries');
    await page.getByRole('heading', { name: 'History' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(queryId) });
    // History is written off the request path: search until the query shows up finished.
    await until('the query in history', async () => {
      await page.getByLabel('Statement contains').fill('tiny.orders');
      await page.getByLabel('Statement contains').press('Enter');
      await page.waitForTimeout(300);
      return (await row.count()) > 0 && /FINISHED/.test(await row.innerText()) ? true : undefined;
    });
    await screenshot('history');
    await row.getByRole('link', { name: queryId }).click();
    await page.getByRole('heading', { name: `Query ${queryId}` }).waitFor();
    await page.getByRole('heading', { name: 'Backend statistics' }).waitFor();
    const text = await page.locator('main').innerText();
    assert.match(text, /SELECT count\(\*\) FROM tpch\.tiny\.orders/);
    assert.match(text, /Routing group\s+main/);
    assert.match(text, /Routing steps\s+main: trino1/);
    assert.match(text, /Access decision\s+allowed/);
    assert.match(text, /Rows processed\s+15,000/);
    await screenshot('query');
  });

  await t.test('cancel a live query, with confirmation; Trino cancels it', async () => {
    const sql = "SELECT count(*) FROM tpch.sf1000.lineitem WHERE l_comment LIKE '%querygate-e2e%'";
    // The client keeps polling, as a real one does, until the query ends.
    const slow = (async () => {
      const results = [];
      for await (const result of await trinoClient().query(sql)) results.push(result);
      return results;
    })();
    // trino-client yields nothing before the first rows: learn the id from the gateway's live list.
    const id = await until('the query to be live', async () => {
      const items = (await apiAsOps('/api/queries/live')).items as Array<{ id: string; statement: string }>;
      return items.find((q) => q.statement === sql)?.id;
    });
    slowQueryId = id;
    await nav('Queries');
    const live = page.getByRole('table', { name: 'Live queries' }).getByRole('row', { name: new RegExp(id) });
    await live.waitFor();
    assert.match(await live.innerText(), /sf1000\.lineitem/);
    await screenshot('live-queries');
    await live.getByRole('button', { name: `Cancel query ${id}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this query?' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /trino1/);
    await screenshot('cancel-confirm');
    // Escape keeps the query; the dialog closes.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await live.getByRole('button', { name: `Cancel query ${id}` }).click();
    await dialog.getByRole('button', { name: 'Cancel query' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const trinoState = await until('Trino to report the query cancelled', async () => {
      const info = (await (await fetch(`${TRINO_URL}/v1/query/${id}`, { headers: { 'X-Trino-User': 'ops' } })).json()) as { state: string; errorCode?: { name: string } };
      return info.state === 'FAILED' ? info : undefined;
    });
    assert.equal(trinoState.errorCode?.name, 'USER_CANCELED');
    const results = await slow;
    assert.match(JSON.stringify(results.at(-1)?.error), /USER_CANCELED|canceled/i);
    await page.getByText('No query is running through this gateway instance').waitFor();
    const record = await until('the cancellation in history', async () => {
      const q = await apiAsOps(`/api/queries/${id}`);
      return q.state === 'CANCELED' ? q : undefined;
    });
    assert.equal(record.backend, 'trino1');
  });

  await t.test('drain a backend, seeing what it does to running queries first', async () => {
    await nav('Backends');
    await page.getByRole('button', { name: 'Drain trino1', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Drain trino1?' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /trino1 will take no new queries\. No other backend of group main takes queries: new ones wait in the gateway's queue \(or go to the group's fallback\) until one does\. No query is running there now\./);
    await screenshot('drain-confirm');
    await dialog.getByRole('button', { name: 'Drain' }).click();
    await page.getByRole('status').filter({ hasText: 'trino1 takes no new queries' }).waitFor();
    assert.equal((await apiAsOps('/api/backends/trino1')).state, 'draining');
    assert.match(await page.getByRole('row', { name: /trino1/ }).innerText(), /draining/);
    await screenshot('backends-drained');
    await page.getByRole('button', { name: 'Activate trino1', exact: true }).click();
    await page.getByRole('dialog', { name: 'Activate trino1?' }).getByRole('button', { name: 'Activate' }).click();
    await until('trino1 active again', async () => ((await apiAsOps('/api/backends/trino1')).state === 'active' ? true : undefined));
  });

  await t.test('the access simulator shows the decision and the rule', async () => {
    await nav('Access');
    await page.getByRole('heading', { name: 'Rules in force' }).waitFor();
    assert.match(await page.locator('details', { hasText: 'tables' }).innerText(), /tables\[0\]/);
    await page.getByLabel('User').fill('analyst');
    await page.getByLabel('Groups').fill('analysts');
    await page.getByLabel('Statement').fill('SELECT o_totalprice FROM tpch.tiny.orders');
    await page.keyboard.press('Control+Enter');
    const result = page.locator('.sim-result');
    await result.waitFor();
    const text = await result.innerText();
    assert.match(text, /denied/);
    // No tables rule matches analyst on orders at all: Trino's message for that names the table, not columns.
    assert.match(text, /Access Denied: Cannot select from table tpch\.tiny\.orders/);
    assert.match(text, /SelectFromColumns\s+tpch\.tiny\.orders \[o_totalprice\]\s+deny\s+default: no tables rule matched/);
    await screenshot('access-denied');
    await page.getByLabel('Statement').fill('SELECT n_name FROM tpch.tiny.nation');
    await page.getByRole('button', { name: 'Explain decision' }).click();
    await result.getByText('allowed', { exact: true }).waitFor();
    assert.match(await result.innerText(), /tables\[0\]/);
    assert.match(await result.innerText(), /group main/);
    await screenshot('access-allowed');
  });

  await t.test('the audit trail lists what the operator did, with filters', async () => {
    await nav('Audit');
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await page.getByRole('cell', { name: 'query.cancel' }).waitFor();
    await screenshot('audit');
    await page.getByLabel('Action').fill('backend.drain');
    await page.getByLabel('Action').press('Enter');
    await until('the filtered audit trail', async () => {
      const actions = await page.locator('tbody tr td:nth-child(3)').allInnerTexts();
      return actions.length > 0 && actions.every((a) => a === 'backend.drain') ? true : undefined;
    });
    assert.match(await page.locator('tbody').innerText(), /ops\s+backend\.drain\s+trino1\s+success/);
    await screenshot('audit-filtered');
  });

  await t.test('the resource groups page says when no resource groups file is configured', async () => {
    await nav('Resource groups');
    await page.getByRole('heading', { name: 'Resource groups' }).waitFor();
    await page.getByText('No resource groups file is configured (resourceGroups.file).').waitFor();
    await screenshot('resource-groups');
  });

  await t.test('sign out: the session cookie no longer works', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === 'querygate_session')!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Querygate' }).waitFor();
    assert.equal((await context.cookies()).find((c) => c.name === 'querygate_session'), undefined);
    const reused = await fetch(`${admin.url}/api/overview`, { headers: { cookie: `${cookie.name}=${cookie.value}` }, dispatcher: admin.dispatcher } as RequestInit);
    assert.equal(reused.status, 401);
    await screenshot('signed-out');
  });
});
