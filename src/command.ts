/**
 * `querygate serve [--config FILE] [--port N]` runs the gateway (the embedded DuckDB engine when
 * no configuration is given); `querygate check-config --config FILE` validates a file and exits.
 */
import { ConfigError, defaultConfig, loadConfigFile } from './config/load.js';
import type { GatewayConfig } from './config/schema.js';
import { createLogger, startGateway } from './gateway.js';

const USAGE = `Usage:
  querygate serve [--config FILE] [--port N]   run the gateway (default: embedded DuckDB on port 8080)
  querygate check-config --config FILE         validate a configuration file
  querygate --help`;

class UsageError extends Error {}

interface Options {
  command: string;
  config?: string;
  port?: number;
}

function parseArgs(argv: string[]): Options {
  const [command = 'serve', ...rest] = argv;
  if (command === '--help' || command === '-h') return { command: 'help' };
  if (command !== 'serve' && command !== 'check-config') throw new UsageError(`Unknown command '${command}'`);
  const options: Options = { command };
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
      case '--help':
      case '-h':
        return { command: 'help' };
      default:
        throw new UsageError(`Unknown option '${arg}'`);
    }
  }
  if (options.command === 'check-config' && options.config === undefined) throw new UsageError('check-config needs --config FILE');
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
  if (options.command === 'check-config') {
    console.log(`${options.config}: configuration is valid (${config.backends.length} backend(s))`);
    return;
  }
  if (options.port !== undefined) config.server.port = options.port;
  const log = createLogger(config);
  let gateway;
  try {
    gateway = await startGateway(config, log, options.config === undefined ? {} : { configPath: options.config });
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
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

await main();
