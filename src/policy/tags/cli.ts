/**
 * `querygate policy diff|apply|export`: policy as code. The document (a YAML file, typically in
 * Git) is compared with the stored policy; apply writes it in one transaction and announces it
 * to running gateways (Redis, or their version poll). Every failure is a ConfigError (exit 2)
 * naming the file and the field.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { ConfigError } from '../../config/load.js';
import type { GatewayConfig } from '../../config/schema.js';
import { diffPolicies } from './diff.js';
import { parsePolicyYaml, policyToYaml, TagPolicyError, type TagPolicyDocument } from './document.js';
import { startTagService } from './setup.js';

export type PolicySubcommand = 'diff' | 'apply' | 'export';

function readDocument(config: GatewayConfig, file: string | undefined): { path: string; document: TagPolicyDocument } {
  const path = file ?? config.accessControl?.tags?.file;
  if (path === undefined) throw new ConfigError('policy diff/apply needs --file POLICY.yaml (or accessControl.tags.file in the configuration)');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`);
  }
  try {
    return { path, document: parsePolicyYaml(text, path) };
  } catch (err) {
    if (err instanceof TagPolicyError) throw new ConfigError(`${path}: ${err.message}`);
    throw err;
  }
}

/** Runs the subcommand and returns what to print. */
export async function policyCommand(config: GatewayConfig, sub: PolicySubcommand, args: { file?: string; out?: string }, log: Logger): Promise<string> {
  if (config.accessControl?.tags === undefined) throw new ConfigError('policy commands need accessControl.tags in the configuration');
  const input = sub === 'export' ? undefined : readDocument(config, args.file);
  const runtime = await startTagService(config, log);
  try {
    const current = await runtime.service.policy();
    if (sub === 'export') {
      const yaml = policyToYaml(current.document);
      if (args.out === undefined) return yaml;
      writeFileSync(args.out, yaml);
      return `wrote the tag policy (version ${current.version}) to ${args.out}\n`;
    }
    const changes = diffPolicies(current.document, input!.document);
    const listing = changes.map((line) => `${line}\n`).join('');
    if (changes.length === 0) return `${input!.path}: no changes (stored version ${current.version})\n`;
    if (sub === 'diff') return `${listing}${changes.length} change(s) against stored version ${current.version}\n`;
    const applied = await runtime.service.replace(input!.document);
    return `${listing}applied ${changes.length} change(s) from ${input!.path}: version ${applied.version}\n`;
  } finally {
    await runtime.close();
  }
}
