/**
 * The tag policy in the gateway's own database (history.db under dataDir, or the shared
 * PostgreSQL of `history.connectionString`), in tables of its own with their own migrations
 * (table querygate_tag_migrations; the history store's migrations are not touched).
 *
 * Every change replaces the whole policy in one transaction and increments the version row, so
 * an import that fails at any point changes nothing, and instances notice a change by reading
 * one number. The database enforces what it can on its own too: one value per key and resource
 * (primary key), assignments only of defined values (foreign key). Grants are kept as JSON.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { SQLITE_FILE_NAME } from '../../tracking/open-store.js';
import { validatePolicy, type TagGrant, type TagPolicyDocument } from './document.js';

export interface StoredPolicy {
  document: TagPolicyDocument;
  version: number;
}

export class PolicyConflictError extends Error {
  constructor(expected: number, actual: number) {
    super(`the tag policy changed meanwhile (version ${actual}, expected ${expected}); read it again and retry`);
    this.name = 'PolicyConflictError';
  }
}

export interface TagStore {
  load(): Promise<StoredPolicy>;
  version(): Promise<number>;
  /** Replaces the policy (already validated); with `expectedVersion`, only if nobody changed it meanwhile. */
  replace(document: TagPolicyDocument, expectedVersion?: number): Promise<number>;
  close(): Promise<void>;
}

const TABLES = [
  'CREATE TABLE querygate_tag_policy_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)',
  'INSERT INTO querygate_tag_policy_version (id, version) VALUES (1, 0)',
  'CREATE TABLE querygate_tag_values (tag_key TEXT NOT NULL, tag_value TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (tag_key, tag_value))',
  `CREATE TABLE querygate_tag_assignments (resource TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL,
     PRIMARY KEY (resource, tag_key), FOREIGN KEY (tag_key, tag_value) REFERENCES querygate_tag_values (tag_key, tag_value))`,
  'CREATE TABLE querygate_tag_grants (name TEXT PRIMARY KEY, position INTEGER NOT NULL, body TEXT NOT NULL)',
  `CREATE TABLE querygate_tag_principal_attributes (kind TEXT NOT NULL CHECK (kind IN ('user', 'group')), name TEXT NOT NULL,
     attr_key TEXT NOT NULL, attr_value TEXT NOT NULL, PRIMARY KEY (kind, name, attr_key, attr_value))`,
];
/** Each entry is one schema version; append, never edit. */
const MIGRATIONS: ReadonlyArray<readonly string[]> = [TABLES];

/** Deleting in this order keeps the foreign key satisfied. */
const CLEAR = ['DELETE FROM querygate_tag_assignments', 'DELETE FROM querygate_tag_values', 'DELETE FROM querygate_tag_grants', 'DELETE FROM querygate_tag_principal_attributes'];

interface Rows {
  values: Array<[string, string, number]>;
  assignments: Array<[string, string, string]>;
  grants: Array<[string, number, string]>;
  attributes: Array<[string, string, string, string]>;
}

function toRows(doc: TagPolicyDocument): Rows {
  const attributes: Rows['attributes'] = [];
  for (const kind of ['users', 'groups'] as const) {
    for (const [name, attrs] of Object.entries(doc.principals[kind])) for (const [k, vs] of Object.entries(attrs)) for (const v of vs) attributes.push([kind === 'users' ? 'user' : 'group', name, k, v]);
  }
  return {
    values: Object.entries(doc.tags).flatMap(([k, vs]) => vs.map((v, i): [string, string, number] => [k, v, i])),
    assignments: Object.entries(doc.assignments).flatMap(([r, a]) => Object.entries(a).map(([k, v]): [string, string, string] => [r, k, v])),
    grants: doc.grants.map((g, i) => {
      const { name, ...body } = g;
      return [name, i, JSON.stringify(body)];
    }),
    attributes,
  };
}

type Row = Record<string, unknown>;

/** Rebuilds the document from rows; validated again, so a hand-edited table cannot slip through. */
function fromRows(values: Row[], assignments: Row[], grants: Row[], attributes: Row[]): TagPolicyDocument {
  const tags: Record<string, string[]> = {};
  for (const r of values) (tags[String(r.tag_key)] ??= []).push(String(r.tag_value));
  const assigned: Record<string, Record<string, string>> = {};
  for (const r of assignments) (assigned[String(r.resource)] ??= {})[String(r.tag_key)] = String(r.tag_value);
  const principals = { users: {} as Record<string, Record<string, string[]>>, groups: {} as Record<string, Record<string, string[]>> };
  for (const r of attributes) {
    const side = r.kind === 'user' ? principals.users : principals.groups;
    ((side[String(r.name)] ??= {})[String(r.attr_key)] ??= []).push(String(r.attr_value));
  }
  const grantList = grants.map((r) => ({ name: String(r.name), ...(JSON.parse(String(r.body)) as Omit<TagGrant, 'name'>) }));
  return validatePolicy({ tags, assignments: assigned, grants: grantList, principals });
}

const SELECTS = {
  values: 'SELECT tag_key, tag_value FROM querygate_tag_values ORDER BY tag_key, position',
  assignments: 'SELECT resource, tag_key, tag_value FROM querygate_tag_assignments',
  grants: 'SELECT name, body FROM querygate_tag_grants ORDER BY position',
  attributes: 'SELECT kind, name, attr_key, attr_value FROM querygate_tag_principal_attributes ORDER BY kind, name, attr_key, attr_value',
  version: 'SELECT version FROM querygate_tag_policy_version WHERE id = 1',
};

export class SqliteTagStore implements TagStore {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (creating when missing) the tables in `file`, by default history.db under `dataDir`. */
  static open(file: string, busyTimeoutMs = 5000): SqliteTagStore {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file, { timeout: busyTimeoutMs });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE IF NOT EXISTS querygate_tag_migrations (version INTEGER PRIMARY KEY)');
    db.transaction(() => {
      const done = Number((db.prepare('SELECT coalesce(max(version), 0) AS v FROM querygate_tag_migrations').get() as Row).v);
      for (const [i, statements] of MIGRATIONS.entries()) {
        if (i + 1 <= done) continue;
        for (const sql of statements) db.exec(sql);
        db.prepare('INSERT INTO querygate_tag_migrations (version) VALUES (?)').run(i + 1);
      }
    }).immediate();
    return new SqliteTagStore(db);
  }

  static fileIn(dataDir: string): string {
    return join(dataDir, SQLITE_FILE_NAME);
  }

  async load(): Promise<StoredPolicy> {
    const read = this.db.transaction(() => {
      const all = (sql: string) => this.db.prepare(sql).all() as Row[];
      return {
        document: fromRows(all(SELECTS.values), all(SELECTS.assignments), all(SELECTS.grants), all(SELECTS.attributes)),
        version: Number((this.db.prepare(SELECTS.version).get() as Row).version),
      };
    });
    return read.deferred();
  }

  async version(): Promise<number> {
    return Number((this.db.prepare(SELECTS.version).get() as Row).version);
  }

  async replace(document: TagPolicyDocument, expectedVersion?: number): Promise<number> {
    const rows = toRows(document);
    const write = this.db.transaction(() => {
      const current = Number((this.db.prepare(SELECTS.version).get() as Row).version);
      if (expectedVersion !== undefined && current !== expectedVersion) throw new PolicyConflictError(expectedVersion, current);
      for (const sql of CLEAR) this.db.exec(sql);
      const insert = (sql: string, list: unknown[][]) => {
        const statement = this.db.prepare(sql);
        for (const row of list) statement.run(...row);
      };
      insert('INSERT INTO querygate_tag_values (tag_key, tag_value, position) VALUES (?, ?, ?)', rows.values);
      insert('INSERT INTO querygate_tag_assignments (resource, tag_key, tag_value) VALUES (?, ?, ?)', rows.assignments);
      insert('INSERT INTO querygate_tag_grants (name, position, body) VALUES (?, ?, ?)', rows.grants);
      insert('INSERT INTO querygate_tag_principal_attributes (kind, name, attr_key, attr_value) VALUES (?, ?, ?, ?)', rows.attributes);
      this.db.prepare('UPDATE querygate_tag_policy_version SET version = version + 1 WHERE id = 1').run();
      return current + 1;
    });
    return write.immediate();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Any 64-bit number other than the history store's: serialises tag migrations across instances. */
const TAG_MIGRATION_LOCK_KEY = 7_361_024_116;
const ROWS_PER_INSERT = 500;

export class PostgresTagStore implements TagStore {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(connectionString: string, onError: (err: Error) => void = () => undefined): Promise<PostgresTagStore> {
    const pool = new pg.Pool({ connectionString, max: 3, connectionTimeoutMillis: 5000 });
    pool.on('error', onError);
    const store = new PostgresTagStore(pool);
    try {
      await store.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [TAG_MIGRATION_LOCK_KEY]);
        await client.query('CREATE TABLE IF NOT EXISTS querygate_tag_migrations (version INTEGER PRIMARY KEY)');
        const done = Number((await client.query('SELECT coalesce(max(version), 0) AS v FROM querygate_tag_migrations')).rows[0].v);
        for (const [i, statements] of MIGRATIONS.entries()) {
          if (i + 1 <= done) continue;
          for (const sql of statements) await client.query(sql);
          await client.query('INSERT INTO querygate_tag_migrations (version) VALUES ($1)', [i + 1]);
        }
      });
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  async load(): Promise<StoredPolicy> {
    return this.transaction(async (client) => {
      // One snapshot for the five reads.
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const all = async (sql: string) => (await client.query(sql)).rows as Row[];
      const document = fromRows(await all(SELECTS.values), await all(SELECTS.assignments), await all(SELECTS.grants), await all(SELECTS.attributes));
      return { document, version: Number((await all(SELECTS.version))[0]!.version) };
    });
  }

  async version(): Promise<number> {
    return Number((await this.pool.query(SELECTS.version)).rows[0].version);
  }

  async replace(document: TagPolicyDocument, expectedVersion?: number): Promise<number> {
    const rows = toRows(document);
    return this.transaction(async (client) => {
      // The row lock serialises writers from every instance.
      const current = Number((await client.query(`${SELECTS.version} FOR UPDATE`)).rows[0].version);
      if (expectedVersion !== undefined && current !== expectedVersion) throw new PolicyConflictError(expectedVersion, current);
      for (const sql of CLEAR) await client.query(sql);
      const insert = async (table: string, columns: string[], list: unknown[][]) => {
        for (let start = 0; start < list.length; start += ROWS_PER_INSERT) {
          const chunk = list.slice(start, start + ROWS_PER_INSERT);
          const placeholders = chunk.map((_, r) => `(${columns.map((_c, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
          await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${placeholders.join(', ')}`, chunk.flat());
        }
      };
      await insert('querygate_tag_values', ['tag_key', 'tag_value', 'position'], rows.values);
      await insert('querygate_tag_assignments', ['resource', 'tag_key', 'tag_value'], rows.assignments);
      await insert('querygate_tag_grants', ['name', 'position', 'body'], rows.grants);
      await insert('querygate_tag_principal_attributes', ['kind', 'name', 'attr_key', 'attr_value'], rows.attributes);
      await client.query('UPDATE querygate_tag_policy_version SET version = version + 1 WHERE id = 1');
      return current + 1;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

export type TagStoreConfig = { type: 'sqlite'; file: string } | { type: 'postgres'; connectionString: string; onError?: (err: Error) => void };

export async function openTagStore(config: TagStoreConfig): Promise<TagStore> {
  return config.type === 'sqlite' ? SqliteTagStore.open(config.file) : PostgresTagStore.open(config.connectionString, config.onError);
}
