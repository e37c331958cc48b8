/**
 * SHOW SESSION on the embedded engine: the session properties the gateway honours there, with
 * Trino 483's default, type and description of each (compared with Trino by
 * test/integration/metadata-embedded-listings.test.ts) and the session's value. Only `query_priority`
 * is honoured: resource groups order queued queries by it (dispatcher.ts). Other properties a
 * client sets are carried in its session but change nothing on the embedded engine, so they are
 * not listed.
 */
import type { MetadataColumn, Row } from './metadata-tables.js';

interface SessionProperty {
  name: string;
  defaultValue: string;
  type: string;
  description: string;
}

/** Sorted by name, as Trino lists its properties. */
const HONOURED_PROPERTIES: readonly SessionProperty[] = [
  { name: 'query_priority', defaultValue: '1', type: 'integer', description: 'The priority of queries. Larger numbers are higher priority' },
];

/** The columns of Trino's rewrite of SHOW SESSION, before they are renamed. */
export const SESSION_COLUMNS: readonly MetadataColumn[] = ['name', 'value', 'default_value', 'type', 'description'].map((name) => ({ name, type: 'varchar' }));

/** One row per honoured property; its value as the session holds it (Trino shows the text the client set), else the default. */
export function sessionRows(properties: ReadonlyMap<string, string>): Row[] {
  return HONOURED_PROPERTIES.map((p) => [p.name, properties.get(p.name) ?? p.defaultValue, p.defaultValue, p.type, p.description]);
}
