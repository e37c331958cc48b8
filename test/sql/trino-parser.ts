/**
 * Trino's own parser as an oracle: test/sql/TrinoParse.java compiled (once, cached under
 * ~/.cache/querygate/parser-harness/<source hash>/) against the trino-parser jar of the Trino
 * install from scripts/trino/, run with a Java 25 (Trino 483's classes need it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export interface TrinoReading {
  ok: boolean;
  error?: string;
  /** Table names as written (lower-cased parts), in tree order. */
  tables?: string[][];
  ctes?: string[];
  /** Default-channel token texts. */
  tokens: string[];
}

const CACHE = process.env.QUERYGATE_CACHE ?? join(homedir(), '.cache', 'querygate');
const LIB = join(CACHE, 'trino-483', 'lib');
const SOURCE = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'test', 'sql', 'TrinoParse.java');

/** A JDK 25 or later, looked for where scripts/trino/lib.sh looks ($JAVA25, $TRINO_JAVA_HOME, /usr/lib/jvm, $JAVA_HOME). */
function javaHome(): string | undefined {
  const jvm = existsSync('/usr/lib/jvm') ? readdirSync('/usr/lib/jvm').map((d) => join('/usr/lib/jvm', d)) : [];
  const candidates = [process.env.JAVA25, process.env.TRINO_JAVA_HOME, ...jvm, process.env.JAVA_HOME];
  for (const c of candidates) {
    if (!c || !existsSync(join(c, 'bin', 'javac')) || !existsSync(join(c, 'release'))) continue;
    const version = /JAVA_VERSION="(\d+)/.exec(readFileSync(join(c, 'release'), 'utf8'))?.[1];
    if (Number(version) >= 25) return c;
  }
  return undefined;
}

/** Why the oracle cannot run here, or undefined when it can. */
export function trinoParserUnavailable(): string | undefined {
  if (!existsSync(LIB) || !readdirSync(LIB).some((f) => f.includes('trino-parser'))) return `no Trino install at ${LIB} (bash scripts/trino/install.sh)`;
  if (!javaHome()) return 'no Java 25 JDK (set JAVA25)';
  return undefined;
}

/** Compiles the harness if needed; returns the class directory. */
function compiled(): string {
  const source = readFileSync(SOURCE);
  const dir = join(CACHE, 'parser-harness', createHash('sha256').update(source).digest('hex').slice(0, 16));
  if (!existsSync(join(dir, 'TrinoParse.class'))) {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync(join(javaHome()!, 'bin', 'javac'), ['-d', dir, '-cp', `${LIB}/*`, SOURCE], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`javac TrinoParse.java failed: ${r.stderr}`);
  }
  return dir;
}

/** Trino's reading of each statement, in order (one JVM for the whole batch). */
export async function trinoRead(statements: string[]): Promise<TrinoReading[]> {
  const child = spawn(join(javaHome()!, 'bin', 'java'), ['-Xss16m', '-cp', `${LIB}/*:${compiled()}`, 'TrinoParse'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const out: TrinoReading[] = [];
  const lines = createInterface({ input: child.stdout });
  const done = (async () => {
    for await (const line of lines) out.push(JSON.parse(line) as TrinoReading);
  })();
  for (const sql of statements) {
    if (!child.stdin.write(`${Buffer.from(sql, 'utf8').toString('base64')}\n`)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  await done;
  const code = await new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));
  if (code !== 0 || out.length !== statements.length) throw new Error(`TrinoParse exited ${code} after ${out.length}/${statements.length} statements`);
  return out;
}
