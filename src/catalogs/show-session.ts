/**
 * SHOW SESSION on the embedded engine: the session properties the gateway honours there, with
 * Trino 483's default, type and description of each (compared with Trino by
 * test/integration/metadata-embedded-listings.test.ts) and the session's value. Only `query_priority`
 * is honoured: resource groups order queued queries by it (dispatcher.ts). Other properties a
 * client sets are carried in its session but change nothing on the embedded engine, so they are
 * not listed.
 */
import { ErrorCodes, QueryFailure } from '../protocol/errors.js';
import { syntaxError } from '../sql/lexer.js';
import type { SessionValue } from '../sql/session-statement.js';
import type { MetadataColumn, Row } from './metadata-tables.js';
import { TRINO_SYSTEM_SESSION_PROPERTIES } from './trino-session-properties.js';

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

/**
 * SET SESSION and RESET SESSION on the embedded engine are checked as Trino checks them (compared
 * with Trino by test/integration/metadata-embedded-listings.test.ts): a name Trino does not know
 * fails with `INVALID_SESSION_PROPERTY` (`CATALOG_NOT_FOUND` for an unknown catalog; the embedded
 * catalogs have no properties of their own), a value of the wrong type as Trino words it. A
 * property Trino knows but the embedded engine does not honour is refused rather than carried
 * without effect.
 */
function checkPropertyName(name: string, at: string, catalogs: readonly string[]): void {
  const dot = name.indexOf('.');
  if (dot >= 0 && !catalogs.includes(name.slice(0, dot))) throw new QueryFailure(ErrorCodes.CATALOG_NOT_FOUND, `${at}: Catalog '${name.slice(0, dot)}' not found`);
  if (dot >= 0 || !TRINO_SYSTEM_SESSION_PROPERTIES.has(name)) throw new QueryFailure(ErrorCodes.INVALID_SESSION_PROPERTY, `${at}: Session property '${name}' does not exist`);
}

/** Trino's error for a SET SESSION value it cannot take, `shown` as Trino prints the value. */
function invalidSessionValue(name: string, shown: string, reason: string): QueryFailure {
  return new QueryFailure(ErrorCodes.INVALID_SESSION_PROPERTY, `Unable to set session property '${name}' to '${shown}': ${reason}`);
}

/** SET SESSION name = NULL, which Trino refuses for every property. */
export function nullSessionValue(name: string): QueryFailure {
  return invalidSessionValue(name, 'null', 'Session property value must not be null');
}

/** RESET SESSION: Trino points at the statement's start. */
export function checkEmbeddedSessionReset(name: string, catalogs: readonly string[]): void {
  checkPropertyName(name, 'line 1:1', catalogs);
}

/** SET SESSION: the value the session keeps (Trino keeps the evaluated value: `007` is `7`). Trino points at the value. */
export function embeddedSessionValue(name: string, value: SessionValue, catalogs: readonly string[]): string {
  checkPropertyName(name, `line ${value.line}:${value.column}`, catalogs);
  if (!HONOURED_PROPERTIES.some((p) => p.name === name)) {
    throw new QueryFailure(ErrorCodes.NOT_SUPPORTED, `Session property '${name}' is not honoured by the embedded engine`);
  }
  // query_priority, the one honoured property, is an integer.
  const invalid = (shown: string, reason: string) => invalidSessionValue(name, shown, reason);
  switch (value.literal) {
    case 'null':
      throw nullSessionValue(name);
    case 'boolean':
      throw invalid(value.text, 'Cannot cast type boolean to integer');
    case 'string':
      throw invalid(`'${value.text.replaceAll("'", "''")}'`, `Cannot cast type varchar(${[...value.text].length}) to integer`);
    case 'number': {
      const text = value.text.replaceAll('_', '');
      if (/[eE]/.test(text) && !/^-?0[xX]/.test(text)) throw invalid(text.toUpperCase(), 'Cannot cast type double to integer');
      if (text.includes('.')) {
        const [whole, fraction] = text.replace(/^-/, '').split('.') as [string, string];
        const precision = Math.max(whole.replace(/^0+/, '').length + fraction.length, 1);
        throw invalid(`DECIMAL '${text}'`, `Cannot cast type decimal(${precision},${fraction.length}) to integer`);
      }
      const negative = text.startsWith('-');
      const magnitude = BigInt(negative ? text.slice(1) : text);
      const integer = negative ? -magnitude : magnitude;
      if (integer > 9223372036854775807n || integer < -9223372036854775808n) throw syntaxError(`Invalid numeric literal: ${value.text}`, value.line, value.column);
      if (integer > 2147483647n || integer < -2147483648n) throw invalid(integer.toString(), 'Cannot cast type bigint to integer');
      return integer.toString();
    }
  }
}
