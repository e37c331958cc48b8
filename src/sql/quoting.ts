/** SQL quoting shared by Trino and DuckDB: a doubled quote escapes itself in both. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
