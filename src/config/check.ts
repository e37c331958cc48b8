/**
 * What `serve` loads from disk at start, checked without listening or connecting: the rules,
 * group, password, JWT key and LDAP CA files, the TLS certificate and key (loaded as a pair), the
 * DuckDB catalog files, the tag policy file and the resource groups file. `check-config` reports every problem; `serve`
 * refuses to start on any (the tag policy file was read only by `querygate policy` before).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import { GroupFile } from '../auth/group-file.js';
import { LdapAuthenticator } from '../auth/ldap.js';
import { JwtAuthenticator } from '../auth/jwt.js';
import { parsePasswordFile } from '../auth/password-file.js';
import { parseRulesFile } from '../policy/rules-file.js';
import { parsePolicyYaml } from '../policy/tags/document.js';
import { parseResourceGroupsFile } from '../admission/resource-groups-file.js';
import type { GatewayConfig } from './schema.js';

/** Every problem found, each naming its setting; empty when everything loads. */
export function checkFiles(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const attempt = (setting: string, load: () => void) => {
    try {
      load();
    } catch (err) {
      problems.push(`${setting}: ${(err as Error).message}`);
    }
  };
  const rulesFile = config.accessControl?.rulesFile;
  if (rulesFile !== undefined) attempt('accessControl.rulesFile', () => parseRulesFile(readFileSync(rulesFile, 'utf8'), rulesFile));
  const tagsFile = config.accessControl?.tags?.file;
  if (tagsFile !== undefined) attempt('accessControl.tags.file', () => parsePolicyYaml(readFileSync(tagsFile, 'utf8'), tagsFile));
  const resourceGroupsFile = config.resourceGroups?.file;
  if (resourceGroupsFile !== undefined) attempt('resourceGroups.file', () => parseResourceGroupsFile(readFileSync(resourceGroupsFile, 'utf8'), resourceGroupsFile, config.resourceGroups?.clusterMemory));
  const groupFile = config.authentication.groupFile;
  if (groupFile !== undefined) attempt('authentication.groupFile', () => new GroupFile(groupFile, () => undefined));
  config.authentication.authenticators.forEach((authenticator, i) => {
    const setting = `authentication.authenticators[${i}] (${authenticator.type})`;
    switch (authenticator.type) {
      case 'password-file':
        attempt(setting, () => parsePasswordFile(readFileSync(authenticator.file, 'utf8'), authenticator.file));
        break;
      case 'ldap': {
        const { type: _type, timeout, ...options } = authenticator;
        attempt(setting, () => new LdapAuthenticator({ ...options, timeoutMs: timeout }));
        break;
      }
      case 'jwt': {
        const { type: _type, clockSkew, ...options } = authenticator;
        attempt(setting, () => new JwtAuthenticator({ ...options, clockSkewMs: clockSkew }));
        break;
      }
    }
  });
  const tls = config.server.tls;
  if (tls !== undefined) attempt('server.tls', () => createSecureContext({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }));
  config.backends.forEach((backend, i) => {
    if (backend.engine !== 'duckdb') return;
    backend.catalogs.forEach((catalog, j) => {
      const setting = `backends[${i}].catalogs[${j}] (${catalog.name})`;
      // A writable catalog's file is created on first start; its directory must exist.
      if (catalog.readOnly && !existsSync(catalog.path)) problems.push(`${setting}: ${catalog.path} does not exist (a read-only catalog must be an existing DuckDB file)`);
      else if (!catalog.readOnly && !existsSync(dirname(catalog.path))) problems.push(`${setting}: directory ${dirname(catalog.path)} does not exist`);
    });
  });
  return problems;
}
