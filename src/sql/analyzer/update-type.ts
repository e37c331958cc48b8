/**
 * Trino's `updateType` (the name a statement without a result set reports) for a statement the
 * gateway's grammar parses, as Trino 483 names it: each name below was read from Trino itself,
 * running the statement to its end in the memory catalog (test/engines/athena-update-types.test.ts
 * compares them). Undefined for a statement the grammar does not parse, and for those whose name
 * could not be read that way (the memory connector refuses them, and Trino reports the name of a
 * refused statement only sometimes): the caller names those otherwise.
 */
import type { AlterTableKind, StatementKind } from './types.js';
import type { Statement } from './ast.js';
import { parseStatement } from './parser.js';

const UPDATE_TYPES: Partial<Record<StatementKind, string>> = {
  insert: 'INSERT',
  truncate: 'TRUNCATE TABLE',
  createTable: 'CREATE TABLE',
  createTableAsSelect: 'CREATE TABLE',
  createView: 'CREATE VIEW',
  dropTable: 'DROP TABLE',
  dropView: 'DROP VIEW',
  createSchema: 'CREATE SCHEMA',
  dropSchema: 'DROP SCHEMA',
  renameSchema: 'RENAME SCHEMA',
  createFunction: 'CREATE FUNCTION',
  dropFunction: 'DROP FUNCTION',
  comment: 'COMMENT',
};

/** ALTER TABLE / VIEW forms; `alterColumn` is left out: one kind covers SET DATA TYPE and DROP NOT NULL, which Trino names apart. */
const ALTER_UPDATE_TYPES: Partial<Record<AlterTableKind, string>> = {
  addColumn: 'ADD COLUMN',
  renameColumn: 'RENAME COLUMN',
  renameTable: 'RENAME TABLE',
  renameView: 'RENAME VIEW',
};

export function trinoUpdateType(sql: string): string | undefined {
  let statement: Statement;
  try {
    statement = parseStatement(sql);
  } catch {
    return undefined;
  }
  switch (statement.k) {
    case 'alterTable':
      return ALTER_UPDATE_TYPES[statement.kind];
    case 'createView':
      return statement.materialized ? undefined : UPDATE_TYPES.createView;
    case 'dropObject':
      return UPDATE_TYPES[statement.kind];
    default:
      return UPDATE_TYPES[statement.k as StatementKind];
  }
}
