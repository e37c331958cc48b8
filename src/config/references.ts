/**
 * Secrets kept out of the configuration file: any string value may contain `${env:NAME}` (an
 * environment variable) or `${file:/path}` (a file's content, one trailing newline removed, as
 * Kubernetes and Docker secrets are mounted). `$${` stands for a literal `${`. A reference that
 * cannot be resolved is a configuration error naming the setting, never an empty string.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

const REFERENCE = /\$(\$)?\{(env|file):([^}]*)\}/g;

export function resolveReferences(value: unknown, source: string, path = ''): unknown {
  if (typeof value === 'string') return resolveString(value, source, path);
  if (Array.isArray(value)) return value.map((item, i) => resolveReferences(item, source, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveReferences(item, source, path === '' ? key : `${path}.${key}`)]));
  }
  return value;
}

function resolveString(text: string, source: string, path: string): string {
  return text.replace(REFERENCE, (whole, escaped: string | undefined, kind: 'env' | 'file', target: string) => {
    if (escaped !== undefined) return whole.slice(1);
    const where = `Invalid configuration in ${source}:\n  - ${path}`;
    if (target === '') throw new ConfigError(`${where}: \${${kind}:} names no ${kind === 'env' ? 'variable' : 'file'}`);
    if (kind === 'env') {
      const resolved = process.env[target];
      if (resolved === undefined) throw new ConfigError(`${where}: environment variable ${target} is not set`);
      return resolved;
    }
    try {
      return readFileSync(target, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(`${where}: cannot read ${target}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  });
}
