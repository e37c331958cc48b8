/**
 * `/api/policy/...`: the tag policy, as routes of the admin API (administrators only; described
 * in its OpenAPI document). Every change goes through TagService (one transaction, announced to other
 * instances) and is audited, refused ones too. Invalid input is a 400 `{error, field}`; a change
 * racing another one is a 409; with `accessControl.tags.file` set the file in Git is the source
 * of truth and every change here is a 409 pointing at `querygate policy apply`.
 *
 *   GET    /api/policy[?format=yaml]             the whole policy (JSON with its version, or the YAML document)
 *   PUT    /api/policy                           import a whole document (YAML or JSON body)
 *   PUT    /api/policy/tags/{key}                {values: [...]} define or redefine a key
 *   DELETE /api/policy/tags/{key}
 *   PUT    /api/policy/assignments               {resource, tags: {key: value}} (a key already set to another value is refused)
 *   DELETE /api/policy/assignments?resource=R&key=K
 *   POST   /api/policy/grants                    a grant {name, privileges, to, expression, withGrantOption?}
 *   DELETE /api/policy/grants/{name}
 *   PUT    /api/policy/principals/{users|groups}/{name}   {attributes: {key: [values]}}
 *   DELETE /api/policy/principals/{users|groups}/{name}
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { HttpFailure } from '../protocol/errors.js';
import type { AuditTrail } from '../audit/trail.js';
import { parsePolicyYaml, policyToYaml, resourceName, TagPolicyError, validateAssignment, validateGrant, validatePolicy, validateTags, type TagPolicyDocument } from '../policy/tags/document.js';
import type { TagService } from '../policy/tags/service.js';
import { PolicyConflictError } from '../policy/tags/store.js';
import { grantOptionFor } from '../policy/tags/delegation.js';
import { TagPolicy } from '../policy/tags/engine.js';
import { ValidationError } from '../tracking/validation.js';
import type { ApiContext, ApiReply, ApiRoute, Method } from './admin-api.js';

const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface PolicyApiOptions {
  service: TagService;
  audit: AuditTrail;
  /** The policy file that is the source of truth, when configured. */
  managedBy?: string;
}

interface Change {
  action: string;
  target: string;
  apply(doc: TagPolicyDocument): TagPolicyDocument;
}

/** JSON bodies are checked field by field by the policy's own validators, which name the field. */
const JSON_OBJECT = z.record(z.string(), z.unknown());

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpFailure(413, `The body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function bodyOf(ctx: ApiContext): Record<string, unknown> {
  return ctx.body as Record<string, unknown>;
}

export function policyRoutes(options: PolicyApiOptions): ApiRoute[] {
  const { service, audit } = options;
  const refuse = (actor: string, change: Pick<Change, 'action' | 'target'>, error: Error): never => {
    audit.record({ actor, action: change.action, target: change.target, outcome: 'rejected', details: { error: error.message } });
    if (error instanceof TagPolicyError) throw new ValidationError(error.field, error.message.slice(error.field.length + 2));
    throw error;
  };
  /** A change: built from the request, refused when the file is the source of truth, applied in one transaction, audited either way. */
  const change = (method: Method, path: string, summary: string, extra: Partial<ApiRoute>, build: (ctx: ApiContext) => Promise<Change>): ApiRoute => ({
    method,
    path,
    summary,
    tag: 'policy',
    ...extra,
    run: async (ctx): Promise<ApiReply> => {
      const actor = ctx.caller!.user;
      const described = { action: 'policy.change', target: path.slice('/api/policy'.length) || 'policy' };
      let built: Change;
      try {
        built = await build(ctx);
      } catch (err) {
        return refuse(actor, described, err as Error);
      }
      if (options.managedBy !== undefined) {
        return refuse(actor, built, new HttpFailure(409, `The tag policy is managed as code in ${options.managedBy}: change that file and run 'querygate policy apply'`));
      }
      try {
        const policy = await service.update(built.apply);
        audit.record({ actor, action: built.action, target: built.target, outcome: 'success', details: { version: policy.version } });
        return { body: { version: policy.version } };
      } catch (err) {
        if (err instanceof PolicyConflictError) return refuse(actor, built, new HttpFailure(409, err.message));
        if (err instanceof TagPolicyError || err instanceof HttpFailure) return refuse(actor, built, err);
        throw err;
      }
    },
  });

  return [
    {
      method: 'GET',
      path: '/api/policy',
      summary: 'The tag policy: JSON with its version, or with format=yaml the YAML document (as `querygate policy export` writes it)',
      tag: 'policy',
      query: { format: '`yaml` for the YAML document' },
      run: async (ctx) => {
        const policy = await service.policy();
        if (ctx.query.format === 'yaml') {
          return { raw: { contentType: 'application/yaml; charset=utf-8', text: policyToYaml(policy.document) }, headers: [['x-querygate-policy-version', String(policy.version)]] };
        }
        return { body: { version: policy.version, ...policy.document } };
      },
    },
    // JSON is YAML too: one parser reads both, so the body is read here rather than as JSON.
    change('PUT', '/api/policy', 'Import a whole policy document (YAML or JSON body) in one transaction', {}, async (ctx) => {
      const doc = parsePolicyYaml(await readBody(ctx.req), 'body');
      return { action: 'policy.import', target: 'policy', apply: () => doc };
    }),
    change('PUT', '/api/policy/tags/{key}', 'Define or redefine a tag key: {values: [...]}', { params: { key: 'Tag key' }, body: JSON_OBJECT }, async (ctx) => {
      const key = ctx.params.key!;
      const values = validateTags({ [key]: bodyOf(ctx).values })[key]!;
      return { action: 'policy.tag.define', target: key, apply: (doc) => ({ ...doc, tags: { ...doc.tags, [key]: values } }) };
    }),
    change('DELETE', '/api/policy/tags/{key}', 'Remove a tag key', { params: { key: 'Tag key' } }, async (ctx) => {
      const key = ctx.params.key!;
      return {
        action: 'policy.tag.delete',
        target: key,
        apply: (doc) => {
          if (doc.tags[key] === undefined) throw new TagPolicyError('key', `no tag key '${key}'`);
          delete doc.tags[key];
          return doc;
        },
      };
    }),
    change('PUT', '/api/policy/assignments', 'Assign tags to a resource: {resource: catalog[.schema[.table[.column]]], tags: {key: value}}; a key already set to another value is refused', { body: JSON_OBJECT }, async (ctx) => {
      const body = bodyOf(ctx);
      if (typeof body.resource !== 'string') throw new TagPolicyError('resource', 'expected catalog[.schema[.table[.column]]]');
      const resource = resourceName(body.resource, 'resource');
      return {
        action: 'policy.assign',
        target: resource,
        apply: (doc) => {
          const tags = validateAssignment(doc.tags, body.tags, 'tags');
          const own = (doc.assignments[resource] ??= {});
          for (const [key, value] of Object.entries(tags)) {
            if (own[key] !== undefined && own[key] !== value) {
              throw new TagPolicyError(`tags.${key}`, `${resource} already has ${key}=${own[key]}; a resource holds one value per key (remove it first)`);
            }
            own[key] = value;
          }
          return doc;
        },
      };
    }),
    change('DELETE', '/api/policy/assignments', "Remove one tag from a resource's own assignments", { query: { resource: 'catalog[.schema[.table[.column]]]', key: 'Tag key' } }, async (ctx) => {
      const resource = resourceName(typeof ctx.query.resource === 'string' ? ctx.query.resource : '', 'resource');
      const key = typeof ctx.query.key === 'string' ? ctx.query.key : '';
      return {
        action: 'policy.unassign',
        target: `${resource} ${key}`,
        apply: (doc) => {
          if (doc.assignments[resource]?.[key] === undefined) throw new TagPolicyError('key', `${resource} has no value for tag '${key}'`);
          delete doc.assignments[resource]![key];
          if (Object.keys(doc.assignments[resource]!).length === 0) delete doc.assignments[resource];
          return doc;
        },
      };
    }),
    change(
      'POST',
      '/api/policy/grants',
      'Add a grant: {name, privileges, to: {users, groups, attributes}, expression, withGrantOption?}. Non-administrators may pass on, narrowed, a grant they hold with grant option',
      { body: JSON_OBJECT, delegated: true },
      async (ctx) => {
        const { user, groups, admin } = ctx.caller!;
        const body = bodyOf(ctx);
        return {
          action: admin ? 'policy.grant' : 'policy.grant.delegated',
          target: String(body.name),
          apply: (doc) => {
            const { grantedBy: _claimed, ...grant } = validateGrant(doc.tags, body, 'grant');
            if (doc.grants.some((g) => g.name === grant.name)) throw new TagPolicyError('name', `a grant named '${grant.name}' already exists`);
            if (admin) return { ...doc, grants: [...doc.grants, grant] };
            // Checked against the stored policy this change applies to, not a cached one.
            const option = grantOptionFor(new TagPolicy(doc, 0), { user, groups }, grant);
            if ('refused' in option) throw new HttpFailure(403, `Access Denied: ${option.refused}`);
            return { ...doc, grants: [...doc.grants, { ...grant, grantedBy: user }] };
          },
        };
      },
    ),
    change('DELETE', '/api/policy/grants/{name}', 'Revoke a grant (non-administrators: only grants they passed on)', { params: { name: 'Grant name' }, delegated: true }, async (ctx) => {
      const { user, admin } = ctx.caller!;
      const name = ctx.params.name!;
      return {
        action: admin ? 'policy.revoke' : 'policy.revoke.delegated',
        target: name,
        apply: (doc) => {
          const grant = doc.grants.find((g) => g.name === name);
          if (grant === undefined) throw new TagPolicyError('name', `no grant named '${name}'`);
          if (!admin && grant.grantedBy !== user) throw new HttpFailure(403, `Access Denied: ${user} did not give grant '${name}'`);
          return { ...doc, grants: doc.grants.filter((g) => g.name !== name) };
        },
      };
    }),
    change('PUT', '/api/policy/principals/{kind}/{name}', "Set a user's or group's attributes: {attributes: {key: [values]}}", { params: { kind: '`users` or `groups`', name: 'User or group name' }, body: JSON_OBJECT }, async (ctx) => {
      const kind = principalKind(ctx);
      const name = ctx.params.name!;
      const attributes = validatePolicy({ principals: { [kind]: { [name]: bodyOf(ctx).attributes } } }).principals[kind][name]!;
      return { action: 'policy.principal.set', target: `${kind}/${name}`, apply: (doc) => ({ ...doc, principals: { ...doc.principals, [kind]: { ...doc.principals[kind], [name]: attributes } } }) };
    }),
    change('DELETE', '/api/policy/principals/{kind}/{name}', "Remove a user's or group's attributes", { params: { kind: '`users` or `groups`', name: 'User or group name' } }, async (ctx) => {
      const kind = principalKind(ctx);
      const name = ctx.params.name!;
      return {
        action: 'policy.principal.delete',
        target: `${kind}/${name}`,
        apply: (doc) => {
          delete doc.principals[kind][name];
          return doc;
        },
      };
    }),
  ];
}

function principalKind(ctx: ApiContext): 'users' | 'groups' {
  const kind = ctx.params.kind;
  if (kind !== 'users' && kind !== 'groups') throw new TagPolicyError('kind', `expected users or groups, not '${kind}'`);
  return kind;
}
