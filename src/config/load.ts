import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { resolveReferences } from './references.js';
import { configSchema, type GatewayConfig } from './schema.js';
import { knownKeysAt, nearest } from './suggest.js';

export { ConfigError } from './errors.js';

function describeIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path.length === 0 ? '(top level)' : issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(configSchema, issue.path);
      const named = issue.keys.map((k) => {
        const suggestion = nearest(k, known);
        return suggestion === undefined ? `'${k}'` : `'${k}' (did you mean '${suggestion}'?)`;
      });
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${named.join(', ')}`;
    }
    return `  - ${path}: ${message}`;
  });
  return `Invalid configuration in ${source}:\n${lines.join('\n')}`;
}

/** Validates a parsed configuration object (used for files and for the built-in default). */
export function validateConfig(raw: unknown, source: string): GatewayConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(describeIssues(source, result.error));
  return result.data;
}

/** Parses and validates configuration text read from `path` (also used when the file is reloaded). */
export function parseConfigText(text: string, path: string): GatewayConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new ConfigError(`Configuration file ${path} is not valid YAML: ${first.message}`);
  }
  const raw: unknown = doc.toJS();
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(`Configuration file ${path} must hold a mapping of settings at the top level`);
  }
  return validateConfig(resolveReferences(raw, path), path);
}

export function loadConfigFile(path: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`Configuration file not found: ${path}`);
    if (code === 'EISDIR') throw new ConfigError(`Configuration path is a directory, not a file: ${path}`);
    throw new ConfigError(`Cannot read configuration file ${path}: ${(err as Error).message}`);
  }
  return parseConfigText(text, path);
}

export function defaultConfig(): GatewayConfig {
  return validateConfig({}, 'the built-in default');
}
