/**
 * Helpers for the tag tests: a PostgreSQL schema of their own on the shared test server (so
 * nothing another test or engineer keeps there is touched), and a data-mesh policy document.
 */
import pg from 'pg';
import { startPostgres, stopPostgres } from '../tracking/services.js';

export interface IsolatedPostgres {
  /** Connection string whose search_path is the schema (then public, where extensions such as pg_trgm live). */
  url: string;
  admin: pg.Client;
  close(): Promise<void>;
}

export async function isolatedPostgres(): Promise<IsolatedPostgres> {
  const service = await startPostgres();
  const schema = `qg_tags_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: service.url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`SET search_path = ${schema}`);
  return {
    url: `${service.url}?options=${encodeURIComponent(`-c search_path=${schema},public`)}`,
    admin,
    async close() {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
      if (service.started) await stopPostgres();
    },
  };
}

/**
 * The data-filter grant of the tag data-filter tests: customer rows of the principal's segment,
 * PII columns masked unless cleared, secret columns excluded.
 */
export const SALES_GRANT = {
  name: 'sales',
  privileges: ['SELECT'],
  to: { groups: ['sales'] },
  expression: { domain: ['sales'] },
  rowFilter: 'c_mktsegment = principal.segment',
  columnMasks: [
    { columns: { pii: ['true'] }, mask: { string: "'****'", number: '0' }, unless: { clearance: ['pii'] } },
    { columns: { secret: ['true'] }, exclude: true },
  ],
};
