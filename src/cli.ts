#!/usr/bin/env node
/**
 * Entry point of the `querygate` command. Every embedded DuckDB call occupies a libuv worker
 * thread while it runs; with Node's default of 4, four long queries would stall every other
 * query (and Node's own file and crypto work). The pool is sized here, before anything uses it.
 */
process.env.UV_THREADPOOL_SIZE ??= '64';
await import('./command.js');
