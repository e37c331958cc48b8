/**
 * The tracking schema, shared by both databases (only the column types differ), as a list of
 * versioned migrations per dialect. A migration is applied once, in order, in a transaction;
 * released migrations are never edited, only followed by new ones.
 */

interface Types {
  int: string;
  json: string;
}

function tables(t: Types): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS query_history (
      id TEXT NOT NULL PRIMARY KEY,
      user_name TEXT NOT NULL,
      principal TEXT,
      source TEXT,
      client_tags ${t.json},
      statement TEXT NOT NULL,
      fingerprint TEXT,
      fingerprint_hash TEXT,
      routing_group TEXT,
      backend TEXT,
      state TEXT NOT NULL,
      created_at ${t.int} NOT NULL,
      started_at ${t.int},
      ended_at ${t.int},
      error_name TEXT,
      error_message TEXT,
      rows_delivered ${t.int},
      bytes_delivered ${t.int},
      access_decision TEXT,
      access_rule ${t.json},
      columns_touched ${t.json},
      cpu_ms ${t.int},
      wall_ms ${t.int},
      processed_rows ${t.int},
      processed_bytes ${t.int},
      peak_memory_bytes ${t.int}
    )`,
    `CREATE TABLE IF NOT EXISTS query_tables (
      query_id TEXT NOT NULL,
      table_name TEXT NOT NULL,
      created_at ${t.int} NOT NULL,
      PRIMARY KEY (query_id, table_name)
    )`,
    `CREATE TABLE IF NOT EXISTS audit_events (
      id TEXT NOT NULL PRIMARY KEY,
      ts ${t.int} NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      outcome TEXT NOT NULL,
      details ${t.json}
    )`,
    // The searches: newest first overall and per filter, tables touched, top-N windows.
    `CREATE INDEX IF NOT EXISTS query_history_created ON query_history (created_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS query_history_user ON query_history (user_name, created_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS query_history_state ON query_history (state, created_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS query_history_backend ON query_history (backend, created_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS query_history_group ON query_history (routing_group, created_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS query_history_fingerprint ON query_history (fingerprint_hash, created_at)`,
    `CREATE INDEX IF NOT EXISTS query_tables_table ON query_tables (table_name, created_at DESC)`,
    `CREATE INDEX IF NOT EXISTS query_tables_created ON query_tables (created_at)`,
    `CREATE INDEX IF NOT EXISTS audit_events_ts ON audit_events (ts DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (actor, ts DESC)`,
    `CREATE INDEX IF NOT EXISTS audit_events_action ON audit_events (action, ts DESC)`,
    `CREATE INDEX IF NOT EXISTS audit_events_outcome ON audit_events (outcome, ts DESC)`,
  ];
}

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** How a query was routed: the rule that matched and every step of its fallback chain. */
function routingColumns(t: Types): string[] {
  return [`ALTER TABLE query_history ADD COLUMN routing_rule TEXT`, `ALTER TABLE query_history ADD COLUMN routing_steps ${t.json}`];
}

/** What an engine reports of its own time: running, and waiting in its queue (Athena). */
function engineTimeColumns(t: Types): string[] {
  return [`ALTER TABLE query_history ADD COLUMN engine_ms ${t.int}`, `ALTER TABLE query_history ADD COLUMN engine_queued_ms ${t.int}`];
}

/** Backend states set through the admin API: fleet state, applied by every instance sharing the database, kept across restarts. */
function backendStates(t: Types): string[] {
  return [`CREATE TABLE IF NOT EXISTS backend_states (name TEXT NOT NULL PRIMARY KEY, state TEXT NOT NULL, changed_at ${t.int} NOT NULL, changed_by TEXT NOT NULL)`];
}

/** The resource group a query was selected into, and what guardrails did to it. */
function guardrailColumns(t: Types): string[] {
  return [`ALTER TABLE query_history ADD COLUMN resource_group TEXT`, `ALTER TABLE query_history ADD COLUMN guardrail_actions ${t.json}`];
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'query history, tables touched, audit events', statements: tables({ int: 'INTEGER', json: 'TEXT' }) },
  { version: 2, name: 'routing rule and steps', statements: routingColumns({ int: 'INTEGER', json: 'TEXT' }) },
  { version: 3, name: 'engine time and engine queue time', statements: engineTimeColumns({ int: 'INTEGER', json: 'TEXT' }) },
  { version: 4, name: 'backend states', statements: backendStates({ int: 'INTEGER', json: 'TEXT' }) },
  { version: 5, name: 'resource group and guardrail actions', statements: guardrailColumns({ int: 'INTEGER', json: 'TEXT' }) },
];

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'query history, tables touched, audit events', statements: tables({ int: 'BIGINT', json: 'JSONB' }) },
  {
    version: 2,
    name: 'trigram index for statement text search (when pg_trgm can be had)',
    statements: [
      // pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it. Where
      // it cannot be had, text search stays a sequential scan rather than failing the start.
      `DO $$ BEGIN
         CREATE EXTENSION IF NOT EXISTS pg_trgm;
       EXCEPTION WHEN OTHERS THEN
         RAISE NOTICE 'querygate: pg_trgm unavailable (%), statement text search will scan', SQLERRM;
       END $$`,
      `DO $$ BEGIN
         IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
           CREATE INDEX IF NOT EXISTS query_history_statement_trgm ON query_history USING gin (statement gin_trgm_ops);
         END IF;
       END $$`,
    ],
  },
  { version: 3, name: 'routing rule and steps', statements: routingColumns({ int: 'BIGINT', json: 'JSONB' }) },
  { version: 4, name: 'engine time and engine queue time', statements: engineTimeColumns({ int: 'BIGINT', json: 'JSONB' }) },
  { version: 5, name: 'backend states', statements: backendStates({ int: 'BIGINT', json: 'JSONB' }) },
  { version: 6, name: 'resource group and guardrail actions', statements: guardrailColumns({ int: 'BIGINT', json: 'JSONB' }) },
];
