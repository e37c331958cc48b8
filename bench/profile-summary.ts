/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, or a benchmark's `--profile DIR`): the
 * functions with the most self time, and self time per source file.
 *
 *   node dist/bench/profile-summary.js <file.cpuprofile | directory> [--top N]
 *
 * A directory means its newest .cpuprofile file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError, parseFlags, runMain, type FlagSpec } from './lib/args.js';
import { REPO } from './lib/paths.js';
import { table } from './lib/stats.js';

const FLAGS = {
  top: { kind: 'number', help: 'how many functions and files to list (default 25)' },
  callers: { kind: 'number', help: 'for the first N functions, also show their nearest callers in dist/ or node_modules (default 8)' },
} satisfies FlagSpec;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function newestProfile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(path, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files.length === 0) throw new UsageError(`no .cpuprofile file in ${path}`);
  return files[0]!;
}

function shortUrl(url: string): string {
  if (url === '') return '(native/vm)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  return path.startsWith(REPO) ? relative(REPO, path) : path.replace(/^.*\/node_modules\//, 'node_modules/');
}

async function main(): Promise<void> {
  const positional: string[] = [];
  const flags = parseFlags(process.argv.slice(2), FLAGS, positional);
  if (positional.length !== 1) throw new UsageError('give one .cpuprofile file or a directory holding them');
  const file = newestProfile(positional[0]!);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const top = flags.top ?? 25;

  // Self time: each sample is charged to the node that was executing, for the delta that follows it.
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const label = (id: number) => {
    const { functionName, url, lineNumber } = byNode.get(id)!.callFrame;
    return `${functionName || '(anonymous)'}  ${shortUrl(url)}${url ? `:${lineNumber + 1}` : ''}`;
  };
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + delta);
  }
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  /** The nearest ancestor frame in our code or a dependency: what made node's internals run. */
  const appCaller = (id: number): string => {
    for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) {
      if (byNode.get(p)!.callFrame.url.startsWith('file://')) return label(p);
    }
    return '(event loop)';
  };
  /** Self time of a function split by its nearest caller in our code or a dependency. */
  const byCaller = new Map<string, Map<string, number>>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    total += us;
    if (byNode.get(id)!.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const key = label(id);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const file = shortUrl(byNode.get(id)!.callFrame.url);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
    const callers = byCaller.get(key) ?? new Map<string, number>();
    const caller = appCaller(id);
    callers.set(caller, (callers.get(caller) ?? 0) + us);
    byCaller.set(key, callers);
  }
  const busy = total - idle;
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => [key, (us / 1000).toFixed(1), `${((us / busy) * 100).toFixed(1)}%`]);
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (${((busy / total) * 100).toFixed(1)}%), percentages of busy time`);
  console.log('\n' + table([['function (self time)', 'ms', 'busy'], ...rows(byFunction)]));
  console.log('\n' + table([['file (self time)', 'ms', 'busy'], ...rows(byFile)]));
  for (const [key] of rows(byFunction).slice(0, flags.callers ?? 8)) {
    const callers = [...byCaller.get(key!)!.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(`\n${key}, called from:`);
    for (const [caller, us] of callers) console.log(`  ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${caller}`);
  }
}

await runMain('profile-summary', FLAGS, main, '<file.cpuprofile | directory>');
