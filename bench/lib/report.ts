/** What every benchmark prints around its figures: the machine, its load, and an optional JSON copy. */
import { writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';

const GIB = 1024 ** 3;

export function machineLine(): string {
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return (
    `${new Date().toISOString()} | ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}) | ` +
    `memory ${(totalmem() / GIB).toFixed(1)} GiB (${(freemem() / GIB).toFixed(1)} free) | node ${process.version} | load ${load}`
  );
}

export function loadLine(): string {
  return `load average now: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

export function writeJson(file: string | undefined, value: unknown): void {
  if (file === undefined) return;
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine: machineLine(), ...(value as object) }, null, 2) + '\n');
  console.log(`results written to ${file}`);
}
