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
import { parsePolicyYaml, policyToYaml, TagPolicyError, validatePolicy, type TagPolicyDocument } from './document.js';
import { assignmentsFromComments, mergeAssignments } from './metadata-sync.js';
import { startTagService } from './setup.js';
import { createBackends } from '../../gateway.js';
import { TrinoBackend } from '../../engines/trino/trino-backend.js';
import { QueryIdGenerator } from '../../protocol/query-id.js';
import { QueryTokenSigner } from '../../protocol/query-token.js';

export type PolicySubcommand = 'diff' | 'apply' | 'export' | 'sync';

export interface PolicyArgs {
  file?: string;
  out?: string;
  /** sync: the catalog whose comments are read, and whether to write the result. */
  catalog?: string;
  apply?: boolean;
}

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
export async function policyCommand(config: GatewayConfig, sub: PolicySubcommand, args: PolicyArgs, log: Logger): Promise<string> {
  if (config.accessControl?.tags === undefined) throw new ConfigError('policy commands need accessControl.tags in the configuration');
  if (sub === 'sync') return syncCommand(config, args.catalog!, args.apply === true, log);
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

/** The tags in the comments of the Trino backend serving `catalog`, merged into the stored policy. */
async function syncCommand(config: GatewayConfig, catalog: string, apply: boolean, log: Logger): Promise<string> {
  const managedBy = config.accessControl?.tags?.file;
  if (apply && managedBy !== undefined) throw new ConfigError(`the tag policy is managed as code in ${managedBy}: put the tags found in comments there (run without --apply to list them)`);
  const backends = await createBackends(config, { signer: new QueryTokenSigner(undefined, 60_000), queryIds: new QueryIdGenerator(), onUnreachable: () => undefined, log });
  const runtime = await startTagService(config, log);
  try {
    let owner: TrinoBackend | undefined;
    for (const backend of backends) {
      if (backend instanceof TrinoBackend && (await backend.catalogs()).includes(catalog)) {
        owner = backend;
        break;
      }
    }
    if (owner === undefined) throw new ConfigError(`no Trino backend of the configuration serves catalog '${catalog}'`);
    const current = await runtime.service.policy();
    let next: TagPolicyDocument;
    try {
      next = validatePolicy(mergeAssignments(current.document, assignmentsFromComments(catalog, await owner.commentsOf(catalog))));
    } catch (err) {
      if (err instanceof TagPolicyError) throw new ConfigError(`tags in the comments of catalog ${catalog}: ${err.message}`);
      throw err;
    }
    const changes = diffPolicies(current.document, next);
    const listing = changes.map((line) => `${line}\n`).join('');
    if (changes.length === 0) return `catalog ${catalog}: the comments add no tags (stored version ${current.version})\n`;
    if (!apply) return `${listing}${changes.length} change(s) from the comments of catalog ${catalog}; run with --apply to apply them\n`;
    const applied = await runtime.service.replace(next);
    return `${listing}applied ${changes.length} change(s) from the comments of catalog ${catalog}: version ${applied.version}\n`;
  } finally {
    await Promise.all(backends.map((b) => b.close()));
    await runtime.close();
  }
}
