/**
 * Words the fingerprint writes in upper case: Trino's reserved words and the non-reserved words
 * that commonly appear as syntax. Every other unquoted word is treated as an identifier (or a
 * function name) and lower-cased.
 */
export const SQL_KEYWORDS: ReadonlySet<string> = new Set([
  // Reserved in Trino
  'ALTER', 'AND', 'AS', 'BETWEEN', 'BY', 'CASE', 'CAST', 'CONSTRAINT', 'CREATE', 'CROSS', 'CUBE',
  'CURRENT_CATALOG', 'CURRENT_DATE', 'CURRENT_PATH', 'CURRENT_ROLE', 'CURRENT_SCHEMA', 'CURRENT_TIME',
  'CURRENT_TIMESTAMP', 'CURRENT_USER', 'DEALLOCATE', 'DELETE', 'DESCRIBE', 'DISTINCT', 'DROP', 'ELSE',
  'END', 'ESCAPE', 'EXCEPT', 'EXECUTE', 'EXISTS', 'EXTRACT', 'FALSE', 'FOR', 'FROM', 'FULL', 'GROUP',
  'GROUPING', 'HAVING', 'IN', 'INNER', 'INSERT', 'INTERSECT', 'INTO', 'IS', 'JOIN', 'JSON_ARRAY',
  'JSON_EXISTS', 'JSON_OBJECT', 'JSON_QUERY', 'JSON_TABLE', 'JSON_VALUE', 'LEFT', 'LIKE', 'LISTAGG',
  'LOCALTIME', 'LOCALTIMESTAMP', 'NATURAL', 'NORMALIZE', 'NOT', 'NULL', 'ON', 'OR', 'ORDER', 'OUTER',
  'PREPARE', 'RECURSIVE', 'RIGHT', 'ROLLUP', 'SELECT', 'SKIP', 'TABLE', 'THEN', 'TRIM', 'TRUE',
  'UESCAPE', 'UNION', 'UNNEST', 'USING', 'VALUES', 'WHEN', 'WHERE', 'WITH',
  // Non-reserved words used as syntax
  'ALL', 'ANALYZE', 'ANY', 'ARRAY', 'ASC', 'AT', 'BERNOULLI', 'CALL', 'CATALOGS', 'COLUMN', 'COLUMNS',
  'COMMENT', 'COMMIT', 'CURRENT', 'DATE', 'DAY', 'DESC', 'EXPLAIN', 'FETCH', 'FILTER', 'FIRST',
  'FOLLOWING', 'FUNCTIONS', 'GRANT', 'HOUR', 'IF', 'INTERVAL', 'LAST', 'LATERAL', 'LIMIT', 'MAP',
  'MATCHED', 'MERGE', 'MINUTE', 'MONTH', 'NEXT', 'NULLS', 'OFFSET', 'ONLY', 'OVER', 'PARTITION',
  'PRECEDING', 'RANGE', 'RENAME', 'REPLACE', 'RESET', 'REVOKE', 'ROLLBACK', 'ROW', 'ROWS', 'SCHEMA',
  'SCHEMAS', 'SECOND', 'SESSION', 'SET', 'SHOW', 'SOME', 'START', 'STATS', 'SYSTEM', 'TABLES',
  'TABLESAMPLE', 'TIME', 'TIMESTAMP', 'TO', 'TRANSACTION', 'TRY_CAST', 'UNBOUNDED', 'UPDATE', 'USE',
  'VIEW', 'WINDOW', 'WITHIN', 'YEAR', 'ZONE',
]);
