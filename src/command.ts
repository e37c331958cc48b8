/**
 * `querygate serve [--config FILE] [--port N]` runs the gateway (the embedded DuckDB engine when
 * no configuration is given); `querygate check-config --config FILE` validates a file and exits.
 */
import { checkFiles } from './config/check.js';
import { ConfigError, defaultConfig, loadConfigFile } from './config/load.js';
import type { GatewayConfig } from './config/schema.js';
import { createLogger, explainStatement, startGateway } from './gateway.js';
import { policyCommand, type PolicySubcommand } from './policy/tags/cli.js';
import { InHostClient } from './cluster/in-host.js';
import { runWorkers, workerCount, workerOfHost } from './server/workers.js';
import { rmSync } from 'node:fs';
import cluster from 'node:cluster';

const USAGE = `Usage:
  querygate serve [--config FILE] [--port N]   run the gateway (default: embedded DuckDB on port 8080)
  querygate check-config --config FILE         validate a configuration file
  querygate explain-access [--config FILE] [--rules FILE] --user U [--group G]... [--catalog C] [--schema S] --sql SQL
                                               show what a statement touches and how the rules decide it
                                               (exit code 0 allowed, 3 denied)
  querygate policy diff|apply --config FILE [--file POLICY.yaml]
                                               compare a tag policy document with the stored policy, or apply it
                                               (--file defaults to accessControl.tags.file)
  querygate policy export --config FILE [--out FILE]
                                               write the stored tag policy as YAML (stdout by default)
  querygate policy sync --config FILE --catalog C [--apply]
                                               read 'tags: key=value, ...' from the catalog's Trino table and
                                               column comments; show the changes, or apply them
  querygate --help`;

class UsageError extends Error {}

interface Options {
  command: string;
  config?: string;
  port?: number;
  rules?: string;
  user?: string;
  groups: string[];
  catalog?: string;
  schema?: string;
  sql?: string;
  policy?: PolicySubcommand;
  file?: string;
  out?: string;
  apply?: boolean;
}

const POLICY_SUBCOMMANDS: readonly string[] = ['diff', 'apply', 'export', 'sync'] satisfies PolicySubcommand[];

function parseArgs(argv: string[]): Options {
  const [command = 'serve', ...args] = argv;
  if (command === '--help' || command === '-h') return { command: 'help', groups: [] };
  if (command !== 'serve' && command !== 'check-config' && command !== 'explain-access' && command !== 'policy') throw new UsageError(`Unknown command '${command}'`);
  const options: Options = { command, groups: [] };
  let rest = args;
  if (command === 'policy') {
    const sub = args[0] ?? '';
    if (!POLICY_SUBCOMMANDS.includes(sub)) throw new UsageError(`policy needs one of ${POLICY_SUBCOMMANDS.join(', ')}${sub === '' ? '' : `, not '${sub}'`}`);
    options.policy = sub as PolicySubcommand;
    rest = args.slice(1);
  }
  const only = (flag: string, ...wanted: string[]) => {
    if (!wanted.includes(command)) throw new UsageError(`${flag} is an option of ${wanted.join(' and ')}`);
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--config':
        options.config = value();
        break;
      case '--port': {
        const text = value();
        const port = Number(text);
        if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a number between 0 and 65535, not '${text}'`);
        options.port = port;
        break;
      }
      case '--rules':
        only(flag!, 'explain-access');
        options.rules = value();
        break;
      case '--user':
        only(flag!, 'explain-access');
        options.user = value();
        break;
      case '--group':
        only(flag!, 'explain-access');
        options.groups.push(value());
        break;
      case '--catalog':
        only(flag!, 'explain-access', 'policy');
        options.catalog = value();
        break;
      case '--schema':
        only(flag!, 'explain-access');
        options.schema = value();
        break;
      case '--sql':
        only(flag!, 'explain-access');
        options.sql = value();
        break;
      case '--file':
        only(flag!, 'policy');
        options.file = value();
        break;
      case '--out':
        only(flag!, 'policy');
        options.out = value();
        break;
      case '--apply':
        only(flag!, 'policy');
        options.apply = true;
        break;
      case '--help':
      case '-h':
        return { command: 'help', groups: [] };
      default:
        throw new UsageError(`Unknown option '${arg}'`);
    }
  }
  if (options.command === 'check-config' && options.config === undefined) throw new UsageError('check-config needs --config FILE');
  if (options.policy === 'sync' && options.catalog === undefined) throw new UsageError('policy sync needs --catalog CATALOG');
  if (options.command === 'policy' && options.config === undefined) throw new UsageError(`policy ${options.policy} needs --config FILE (the stored policy lives in the history database it names)`);
  if (options.command === 'explain-access' && (options.user === undefined || options.sql === undefined)) throw new UsageError('explain-access needs --user and --sql');
  return options;
}

async function main(): Promise<void> {
  let options: Options;
  let config: GatewayConfig;
  try {
    options = parseArgs(process.argv.slice(2));
    if (options.command === 'help') {
      console.log(USAGE);
      return;
    }
    config = options.config === undefined ? defaultConfig() : loadConfigFile(options.config);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`querygate: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const source = options.config ?? 'the built-in default';
  const problems = options.command === 'serve' || options.command === 'check-config' ? checkFiles(config) : [];
  if (problems.length > 0) {
    console.error(`Invalid configuration in ${source}: files it names cannot be loaded:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(2);
  }
  if (options.command === 'check-config') {
    console.log(`${options.config}: configuration is valid (${config.backends.length} backend(s); every file it names loads)`);
    return;
  }
  if (options.command === 'policy') {
    try {
      const args = {
        ...(options.file !== undefined ? { file: options.file } : {}),
        ...(options.out !== undefined ? { out: options.out } : {}),
        ...(options.catalog !== undefined ? { catalog: options.catalog } : {}),
        apply: options.apply === true,
      };
      const text = await policyCommand(config, options.policy!, args, createLogger({ ...config, logging: { level: 'error' } }));
      process.stdout.write(text);
      process.exit(0);
    } catch (err) {
      if (err instanceof ConfigError) {
        console.error(err.message);
        process.exit(2);
      }
      throw err;
    }
  }
  if (options.command === 'explain-access') {
    if (options.rules !== undefined) config.accessControl = { rulesFile: options.rules };
    try {
      const { text, allowed } = await explainStatement(
        config,
        {
          user: options.user!,
          groups: options.groups,
          sql: options.sql!,
          ...(options.catalog !== undefined ? { catalog: options.catalog } : {}),
          ...(options.schema !== undefined ? { schema: options.schema } : {}),
        },
        createLogger({ ...config, logging: { level: 'error' } }),
      );
      console.log(text);
      process.exit(allowed ? 0 : 3);
    } catch (err) {
      if (err instanceof ConfigError) {
        console.error(err.message);
        process.exit(2);
      }
      throw err;
    }
  }
  if (options.port !== undefined) config.server.port = options.port;
  const workers = workerCount(config);
  if (workers > 1 && cluster.isPrimary) {
    // The primary's few lines (workers started, exited, restarted) are logged whatever the level set for queries.
    const primaryLog = createLogger({ ...config, logging: { ...config.logging, level: config.logging.level === 'debug' || config.logging.level === 'trace' ? config.logging.level : 'info' } });
    process.exit(await runWorkers(config, workers, primaryLog.child({ role: 'primary' })));
  }
  const place = workerOfHost();
  const log = place === undefined ? createLogger(config) : createLogger(config).child({ worker: place.index });
  const host = place === undefined ? undefined : new InHostClient();
  // A worker that crashed left its socket behind.
  if (place !== undefined) rmSync(place.socketPath, { force: true });
  let gateway;
  try {
    gateway = await startGateway(config, log, {
      ...(options.config === undefined ? {} : { configPath: options.config }),
      ...(place && host ? { worker: { host, ...place } } : {}),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    if (code === 'EADDRINUSE') log.fatal(`port ${config.server.port} is already in use`);
    else log.fatal({ err }, 'querygate failed to start');
    process.exit(1);
  }
  let stopping = false;
  // The first SIGTERM/SIGINT drains (server.drainTimeout); a second one stops at once.
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: stopping without waiting for in-flight queries');
      gateway.close().finally(() => process.exit(1));
      return;
    }
    stopping = true;
    log.info({ signal, drainTimeout: config.server.drainTimeout }, 'shutting down');
    gateway
      .drain()
      .then(() => gateway.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => gateway.reload());
  if (host === undefined) {
    process.on('SIGINT', () => stop('SIGINT'));
    return;
  }
  // A worker follows its primary: a terminal's Ctrl-C reaches every process of the group, and the
  // primary turns it into the drain (a SIGTERM sent to one worker drains that one alone).
  process.on('SIGINT', () => undefined);
  host.onCommand('drain', () => stop('drain (primary)'));
  host.onCommand('stop', () => {
    stopping = true;
    stop('stop (primary)');
  });
  host.onCommand('reload', () => gateway.reload());
  // The primary is gone (killed): nobody restarts or drains this worker, so it drains itself.
  process.on('disconnect', () => stop('primary exited'));
  host.started();
}

await main();
