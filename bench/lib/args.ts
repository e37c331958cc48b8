/** A small `--flag value` / `--flag=value` / `--switch` parser shared by the benchmark commands. */

export type FlagSpec = Record<string, { kind: 'number' | 'string' | 'boolean'; help: string }>;

export type FlagValues<S extends FlagSpec> = {
  [K in keyof S]?: S[K]['kind'] extends 'number' ? number : S[K]['kind'] extends 'boolean' ? boolean : string;
};

export class UsageError extends Error {}

/** An expected failure (a missing tool, a protocol error): reported by its message alone. */
export class BenchError extends Error {}

export function usage(command: string, spec: FlagSpec, operands = ''): string {
  const lines = Object.entries(spec).map(([name, s]) => `  --${name}${s.kind === 'boolean' ? '' : ` <${s.kind}>`}`.padEnd(28) + s.help);
  return `Usage: node dist/bench/${command}.js [options]${operands ? ` ${operands}` : ''}\n${lines.join('\n')}`;
}

/** Parses `argv`; other arguments go to `positional` when given, else they are an error. */
export function parseFlags<S extends FlagSpec>(argv: string[], spec: S, positional?: string[]): FlagValues<S> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      if (!positional) throw new UsageError(`unexpected argument '${arg}'`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const flag = spec[name];
    if (!flag) throw new UsageError(`unknown option '--${name}'`);
    if (flag.kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const text = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (text === undefined || text === '') throw new UsageError(`--${name} needs a value`);
    if (flag.kind === 'number') {
      const value = Number(text);
      if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a non-negative number, not '${text}'`);
      out[name] = value;
    } else {
      out[name] = text;
    }
  }
  return out as FlagValues<S>;
}

/**
 * Runs a benchmark's main function: usage errors print the usage and exit 2, anything else
 * exits 1, after the cleanup the caller registered has run.
 */
export async function runMain(command: string, spec: FlagSpec, main: () => Promise<void>, operands = ''): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(usage(command, spec, operands));
    return;
  }
  try {
    await main();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${command}: ${err.message}\n\n${usage(command, spec, operands)}`);
      process.exitCode = 2;
    } else {
      const text = err instanceof BenchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.error(`${command}: FAILED: ${text}`);
      process.exitCode = 1;
    }
  }
}
