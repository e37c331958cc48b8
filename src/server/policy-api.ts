/**
 * `/api/policy/...`: the tag policy for administrators (the admin API has already checked the
 * caller). Every change goes through TagService (one transaction, announced to other
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
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpFailure } from '../protocol/errors.js';
import type { AuditTrail } from '../audit/trail.js';
import { parsePolicyYaml, policyToYaml, resourceName, TagPolicyError, validateAssignment, validateGrant, validatePolicy, validateTags, type TagPolicyDocument } from '../policy/tags/document.js';
import type { TagService } from '../policy/tags/service.js';
import { PolicyConflictError } from '../policy/tags/store.js';
import { sendJson } from './respond.js';

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

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new TagPolicyError('body', 'expected a JSON object');
}

function segment(parts: string[], index: number, field: string): string {
  const value = parts[index];
  if (value === undefined || value === '') throw new TagPolicyError(field, 'missing in the path');
  return decodeURIComponent(value);
}

export class PolicyApi {
  constructor(private readonly options: PolicyApiOptions) {}

  /** `parts` is the split path: ['api', 'policy', ...]. */
  async handle(req: IncomingMessage, res: ServerResponse, parts: string[], search: string, actor: string): Promise<void> {
    const params = new URLSearchParams(search);
    if (req.method === 'GET' && parts.length === 2) {
      const policy = await this.options.service.policy();
      if (params.get('format') === 'yaml') {
        res.writeHead(200, { 'content-type': 'application/yaml; charset=utf-8', 'x-querygate-policy-version': String(policy.version) });
        res.end(policyToYaml(policy.document));
      } else sendJson(res, JSON.stringify({ version: policy.version, ...policy.document }));
      return;
    }
    let change: Change;
    try {
      change = await this.changeOf(req, parts, params);
    } catch (err) {
      if (!(err instanceof TagPolicyError)) throw err;
      this.options.audit.record({ actor, action: 'policy.change', target: parts.slice(2).join('/') || 'policy', outcome: 'rejected', details: { error: err.message } });
      sendJson(res, JSON.stringify({ error: err.message, field: err.field }), [], 400);
      return;
    }
    if (this.options.managedBy !== undefined) {
      this.refuse(res, actor, change, 409, `The tag policy is managed as code in ${this.options.managedBy}: change that file and run 'querygate policy apply'`);
      return;
    }
    try {
      const policy = await this.options.service.update(change.apply);
      this.options.audit.record({ actor, action: change.action, target: change.target, outcome: 'success', details: { version: policy.version } });
      sendJson(res, JSON.stringify({ version: policy.version }));
    } catch (err) {
      if (err instanceof TagPolicyError) this.refuse(res, actor, change, 400, err.message, err.field);
      else if (err instanceof PolicyConflictError) this.refuse(res, actor, change, 409, err.message);
      else throw err;
    }
  }

  private refuse(res: ServerResponse, actor: string, change: Change, status: number, error: string, field?: string): void {
    this.options.audit.record({ actor, action: change.action, target: change.target, outcome: 'rejected', details: { error } });
    sendJson(res, JSON.stringify({ error, ...(field !== undefined ? { field } : {}) }), [], status);
  }

  /** Parses and validates the request into a change; the change itself is validated again on the whole policy. */
  private async changeOf(req: IncomingMessage, parts: string[], params: URLSearchParams): Promise<Change> {
    const method = req.method ?? 'GET';
    const what = parts[2];
    if (what === undefined && method === 'PUT') {
      const text = await readBody(req);
      // JSON is YAML too: one parser reads both.
      const doc = parsePolicyYaml(text, 'body');
      return { action: 'policy.import', target: 'policy', apply: () => doc };
    }
    if (what === 'tags' && parts.length === 4) {
      const key = segment(parts, 3, 'key');
      if (method === 'PUT') {
        const values = validateTags({ [key]: (await readJson(req)).values })[key]!;
        return { action: 'policy.tag.define', target: key, apply: (doc) => ({ ...doc, tags: { ...doc.tags, [key]: values } }) };
      }
      if (method === 'DELETE') {
        return {
          action: 'policy.tag.delete',
          target: key,
          apply: (doc) => {
            if (doc.tags[key] === undefined) throw new TagPolicyError('key', `no tag key '${key}'`);
            delete doc.tags[key];
            return doc;
          },
        };
      }
    }
    if (what === 'assignments' && parts.length === 3) {
      if (method === 'PUT') {
        const body = await readJson(req);
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
      }
      if (method === 'DELETE') {
        const resource = resourceName(params.get('resource') ?? '', 'resource');
        const key = params.get('key') ?? '';
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
      }
    }
    if (what === 'grants') {
      if (method === 'POST' && parts.length === 3) {
        const body = await readJson(req);
        return {
          action: 'policy.grant',
          target: String(body.name),
          apply: (doc) => {
            const grant = validateGrant(doc.tags, body, 'grant');
            if (doc.grants.some((g) => g.name === grant.name)) throw new TagPolicyError('name', `a grant named '${grant.name}' already exists`);
            return { ...doc, grants: [...doc.grants, grant] };
          },
        };
      }
      if (method === 'DELETE' && parts.length === 4) {
        const name = segment(parts, 3, 'name');
        return {
          action: 'policy.revoke',
          target: name,
          apply: (doc) => {
            if (!doc.grants.some((g) => g.name === name)) throw new TagPolicyError('name', `no grant named '${name}'`);
            return { ...doc, grants: doc.grants.filter((g) => g.name !== name) };
          },
        };
      }
    }
    if (what === 'principals' && parts.length === 5 && (parts[3] === 'users' || parts[3] === 'groups')) {
      const kind = parts[3];
      const name = segment(parts, 4, 'name');
      if (method === 'PUT') {
        const attributes = validatePolicy({ principals: { [kind]: { [name]: (await readJson(req)).attributes } } }).principals[kind][name]!;
        return { action: 'policy.principal.set', target: `${kind}/${name}`, apply: (doc) => ({ ...doc, principals: { ...doc.principals, [kind]: { ...doc.principals[kind], [name]: attributes } } }) };
      }
      if (method === 'DELETE') {
        return {
          action: 'policy.principal.delete',
          target: `${kind}/${name}`,
          apply: (doc) => {
            delete doc.principals[kind][name];
            return doc;
          },
        };
      }
    }
    throw new HttpFailure(404, 'Not found');
  }
}
