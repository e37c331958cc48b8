/**
 * Trino's file-based resource group configuration (`resource-groups.json`, the format of
 * `resource-groups.configuration-manager=file`): parsed and validated once per version of the
 * file. Every mistake is refused with the JSON path of the value (`rootGroups[0].subGroups[1].maxQueued:
 * must be an integer >= 0`), never skipped: a typo'd limit silently ignored would let a workload
 * run unbounded.
 *
 * Accepted as Trino 476's file manager accepts it (the newest published; checked against its
 * classes): group keys `name`, `softMemoryLimit`, `maxQueued`, `softConcurrencyLimit`,
 * `hardConcurrencyLimit` (or the older `maxRunning`), `schedulingPolicy`, `schedulingWeight`,
 * `subGroups`, `jmxExport`, `softCpuLimit`, `hardCpuLimit`; selector keys `user`, `userGroup`,
 * `originalUser`, `authenticatedUser`, `source`, `queryType`, `clientTags`,
 * `selectorResourceEstimate`, `group`; top level `rootGroups`, `selectors`, `cpuQuotaPeriod`.
 * Templates are `${USER}`, `${SOURCE}` and the named groups of the selector's `user`,
 * `originalUser`, `authenticatedUser` and `source` patterns; `${toLowerCase(NAME)}` is the
 * gateway's addition (Trino's manager refuses it).
 *
 * Stricter than Trino, refused at load instead of failing every matching query later: a selector
 * naming a group that has sub-groups (Trino: "Cannot add queries to ... It is not a leaf group"),
 * and a sub-group of a `query_priority` group with another policy.
 */
import { wholeMatch } from '../policy/rules-file.js';

export type SchedulingPolicy = 'fair' | 'weighted' | 'weighted_fair' | 'query_priority';

/** One segment of a group name: literal text and variables (`${USER}`, `${toLowerCase(USER)}`). */
export type NamePart = { text: string } | { variable: string; lowerCase: boolean };

export interface GroupSpec {
  /** The name as written (a template), e.g. `${USER}`. */
  name: string;
  parts: NamePart[];
  /** Where the group is in the file, e.g. `rootGroups[0].subGroups[2]`. */
  path: string;
  hardConcurrencyLimit: number;
  maxQueued: number;
  /** Trino's default is the hard limit. */
  softConcurrencyLimit: number;
  schedulingPolicy: SchedulingPolicy;
  /** Trino's default weight is 1. */
  schedulingWeight: number;
  softMemoryLimit?: { bytes: number } | { fraction: number };
  softCpuLimitMs?: number;
  hardCpuLimitMs?: number;
  /** CPU quota regained per second (ms), with hardCpuLimitMs: Trino's cpuQuotaGenerationMillisPerSecond, hardCpuLimit / cpuQuotaPeriod. */
  cpuQuotaPerSecondMs?: number;
  subGroups: GroupSpec[];
}

export interface Range {
  min?: number;
  max?: number;
}

export interface SelectorSpec {
  /** `selectors[3]`. */
  path: string;
  index: number;
  user?: RegExp;
  userGroup?: RegExp;
  originalUser?: RegExp;
  authenticatedUser?: RegExp;
  source?: RegExp;
  /** Trino's QueryType name, upper case (`SELECT`, `DATA_DEFINITION`, ...). */
  queryType?: string;
  clientTags?: string[];
  /** Milliseconds for the times, bytes for the memory. */
  resourceEstimate?: { executionTime?: Range; cpuTime?: Range; peakMemory?: Range };
  /** The group, segment by segment (templates), as written in `group`. */
  group: NamePart[][];
  groupText: string;
  /** The specs along the selected path, root first. */
  specs: GroupSpec[];
}

export interface ResourceGroupsFile {
  source: string;
  rootGroups: GroupSpec[];
  selectors: SelectorSpec[];
  cpuQuotaPeriodMs?: number;
}

/** Trino's QueryType names. */
export const QUERY_TYPES = ['SELECT', 'EXPLAIN', 'DESCRIBE', 'INSERT', 'UPDATE', 'DELETE', 'ANALYZE', 'DATA_DEFINITION', 'ALTER_TABLE_EXECUTE', 'MERGE'] as const;

const POLICIES: readonly SchedulingPolicy[] = ['fair', 'weighted', 'weighted_fair', 'query_priority'];
const GROUP_KEYS = ['name', 'softMemoryLimit', 'maxQueued', 'softConcurrencyLimit', 'hardConcurrencyLimit', 'maxRunning', 'schedulingPolicy', 'schedulingWeight', 'subGroups', 'jmxExport', 'softCpuLimit', 'hardCpuLimit'];
const SELECTOR_KEYS = ['user', 'userGroup', 'originalUser', 'authenticatedUser', 'source', 'queryType', 'clientTags', 'selectorResourceEstimate', 'group'];
const TOP_KEYS = ['rootGroups', 'selectors', 'cpuQuotaPeriod'];
const ESTIMATE_KEYS = ['executionTime', 'cpuTime', 'peakMemory'];

class FileError extends Error {}

type Json = Record<string, unknown>;

function object(value: unknown, where: string, known: readonly string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FileError(`${where}: must be an object`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new FileError(`${where}: unknown key '${key}' (known: ${known.join(', ')})`);
  }
  return value as Json;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new FileError(`${where}: must be an array`);
  return value;
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new FileError(`${where}: must be a string`);
  return value;
}

function integer(value: unknown, where: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 2 ** 31 - 1) throw new FileError(`${where}: must be an integer >= ${min}`);
  return value;
}

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|h|d)\s*$/;
const DURATION_MS = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DATA_SIZE = /^\s*(\d+(?:\.\d+)?)\s*(B|kB|MB|GB|TB|PB)\s*$/;
const SIZE_BYTES = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5 } as const;

/** An airlift Duration (`10s`, `1.5h`, `500ms`) in milliseconds; undefined when it is not one. */
export function parseAirliftDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  return match ? Number(match[1]) * DURATION_MS[match[2] as keyof typeof DURATION_MS] : undefined;
}

/** An airlift DataSize (`1GB`, `512MB`) in bytes; undefined when it is not one. */
export function parseAirliftDataSize(text: string): number | undefined {
  const match = DATA_SIZE.exec(text);
  return match ? Math.round(Number(match[1]) * SIZE_BYTES[match[2] as keyof typeof SIZE_BYTES]) : undefined;
}

function duration(value: unknown, where: string): number {
  const ms = parseAirliftDuration(string(value, where));
  if (ms === undefined) throw new FileError(`${where}: '${String(value)}' is not a duration (a number with ns, us, ms, s, m, h or d, e.g. 1h)`);
  return ms;
}

function dataSize(value: unknown, where: string): number {
  const bytes = parseAirliftDataSize(string(value, where));
  if (bytes === undefined) throw new FileError(`${where}: '${String(value)}' is not a data size (a number with B, kB, MB, GB, TB or PB, e.g. 1GB)`);
  return bytes;
}

const VARIABLE = /\$\{([a-zA-Z][a-zA-Z0-9]*)\}|\$\{toLowerCase\(([a-zA-Z][a-zA-Z0-9]*)\)\}/g;

/** Splits one group name segment into text and variables, refusing what Trino's templates refuse. */
export function parseNameTemplate(name: string, where: string): NamePart[] {
  if (name === '') throw new FileError(`${where}: resource group name is empty`);
  if (name.includes('.')) throw new FileError(`${where}: invalid resource group name '${name}': it contains a '.'`);
  const parts: NamePart[] = [];
  let last = 0;
  for (const match of name.matchAll(VARIABLE)) {
    if (match.index > last) parts.push({ text: name.slice(last, match.index) });
    parts.push(match[1] !== undefined ? { variable: match[1], lowerCase: false } : { variable: match[2]!, lowerCase: true });
    last = match.index + match[0].length;
  }
  if (last < name.length) parts.push({ text: name.slice(last) });
  for (const part of parts) {
    if ('text' in part && /[${}]/.test(part.text)) {
      throw new FileError(`${where}: invalid resource group name '${name}': it contains a '$', '{' or '}' outside a variable (\${USER}, \${SOURCE}, \${toLowerCase(USER)} or a named group of the selector's patterns)`);
    }
  }
  return parts;
}

function parseGroup(raw: unknown, where: string, cpuQuotaPeriodMs: number | undefined, parentPolicy: SchedulingPolicy | undefined): GroupSpec {
  const o = object(raw, where, GROUP_KEYS);
  if (o.name === undefined) throw new FileError(`${where}: missing required key 'name'`);
  const name = string(o.name, `${where}.name`);
  const parts = parseNameTemplate(name, `${where}.name`);
  if (o.maxQueued === undefined) throw new FileError(`${where}: missing required key 'maxQueued'`);
  const maxQueued = integer(o.maxQueued, `${where}.maxQueued`, 0);
  if (o.hardConcurrencyLimit !== undefined && o.maxRunning !== undefined) throw new FileError(`${where}: give hardConcurrencyLimit or its old name maxRunning, not both`);
  const hardKey = o.hardConcurrencyLimit !== undefined ? 'hardConcurrencyLimit' : 'maxRunning';
  if (o[hardKey] === undefined) throw new FileError(`${where}: missing required key 'hardConcurrencyLimit'`);
  const hardConcurrencyLimit = integer(o[hardKey], `${where}.${hardKey}`, 0);
  const softConcurrencyLimit = o.softConcurrencyLimit === undefined ? hardConcurrencyLimit : integer(o.softConcurrencyLimit, `${where}.softConcurrencyLimit`, 0);
  if (softConcurrencyLimit > hardConcurrencyLimit) throw new FileError(`${where}.softConcurrencyLimit: hardConcurrencyLimit must be greater than or equal to softConcurrencyLimit`);
  let schedulingPolicy: SchedulingPolicy = parentPolicy === 'query_priority' ? 'query_priority' : 'fair';
  if (o.schedulingPolicy !== undefined) {
    const text = string(o.schedulingPolicy, `${where}.schedulingPolicy`).toLowerCase();
    if (!POLICIES.includes(text as SchedulingPolicy)) throw new FileError(`${where}.schedulingPolicy: must be one of ${POLICIES.join(', ')}, not '${String(o.schedulingPolicy)}'`);
    schedulingPolicy = text as SchedulingPolicy;
  }
  if (parentPolicy === 'query_priority' && schedulingPolicy !== 'query_priority') {
    throw new FileError(`${where}.schedulingPolicy: the parent group uses query_priority scheduling, so this group must also`);
  }
  const schedulingWeight = o.schedulingWeight === undefined ? 1 : integer(o.schedulingWeight, `${where}.schedulingWeight`, 1);
  let softMemoryLimit: GroupSpec['softMemoryLimit'];
  if (o.softMemoryLimit !== undefined) {
    const text = string(o.softMemoryLimit, `${where}.softMemoryLimit`);
    const percent = /^\s*(\d+(?:\.\d+)?)%\s*$/.exec(text);
    if (percent) {
      const fraction = Number(percent[1]) / 100;
      if (fraction > 1) throw new FileError(`${where}.softMemoryLimit: percentage is over 100%`);
      softMemoryLimit = { fraction };
    } else {
      softMemoryLimit = { bytes: dataSize(text, `${where}.softMemoryLimit`) };
    }
  }
  if (o.jmxExport !== undefined && typeof o.jmxExport !== 'boolean') throw new FileError(`${where}.jmxExport: must be true or false`);
  const softCpuLimitMs = o.softCpuLimit === undefined ? undefined : duration(o.softCpuLimit, `${where}.softCpuLimit`);
  const hardCpuLimitMs = o.hardCpuLimit === undefined ? undefined : duration(o.hardCpuLimit, `${where}.hardCpuLimit`);
  if ((softCpuLimitMs !== undefined || hardCpuLimitMs !== undefined) && cpuQuotaPeriodMs === undefined) {
    throw new FileError(`${where}: cpuQuotaPeriod must be specified (at the top level) to use CPU limits on group '${name}'`);
  }
  if (softCpuLimitMs !== undefined && hardCpuLimitMs === undefined) throw new FileError(`${where}.softCpuLimit: must specify hardCpuLimit in addition to softCpuLimit`);
  if (softCpuLimitMs !== undefined && hardCpuLimitMs !== undefined && softCpuLimitMs > hardCpuLimitMs) throw new FileError(`${where}.softCpuLimit: cannot be greater than hardCpuLimit`);
  const rawSubGroups = o.subGroups === undefined ? [] : array(o.subGroups, `${where}.subGroups`);
  const subGroups = rawSubGroups.map((g, i) => parseGroup(g, `${where}.subGroups[${i}]`, cpuQuotaPeriodMs, schedulingPolicy));
  checkSiblings(subGroups, `${where}.subGroups`);
  // Parsed above, so each is an object.
  const weighted = rawSubGroups.filter((g) => (g as Json).schedulingWeight !== undefined);
  if (weighted.length > 0 && weighted.length < subGroups.length) throw new FileError(`${where}.subGroups: must specify schedulingWeight for all sub-groups of '${name}' or none of them`);
  if (weighted.length > 0 && schedulingPolicy !== 'weighted' && schedulingPolicy !== 'weighted_fair') {
    throw new FileError(`${where}.schedulingPolicy: must be 'weighted' or 'weighted_fair' when its sub-groups specify schedulingWeight (group '${name}')`);
  }
  return {
    name,
    parts,
    path: where,
    hardConcurrencyLimit,
    maxQueued,
    softConcurrencyLimit,
    schedulingPolicy,
    schedulingWeight,
    ...(softMemoryLimit ? { softMemoryLimit } : {}),
    ...(softCpuLimitMs !== undefined ? { softCpuLimitMs } : {}),
    ...(hardCpuLimitMs !== undefined ? { hardCpuLimitMs, cpuQuotaPerSecondMs: Math.max(1, Math.floor((1000 * hardCpuLimitMs) / cpuQuotaPeriodMs!)) } : {}),
    subGroups,
  };
}

function checkSiblings(groups: GroupSpec[], where: string): void {
  const seen = new Map<string, number>();
  groups.forEach((g, i) => {
    const first = seen.get(g.name);
    if (first !== undefined) throw new FileError(`${where}[${i}].name: duplicated group '${g.name}' (also ${where}[${first}])`);
    seen.set(g.name, i);
  });
}

function range(raw: unknown, where: string, read: (value: unknown, where: string) => number): Range {
  const o = object(raw, where, ['min', 'max']);
  const result: Range = {};
  if (o.min !== undefined) result.min = read(o.min, `${where}.min`);
  if (o.max !== undefined) result.max = read(o.max, `${where}.max`);
  if (result.min !== undefined && result.max !== undefined && result.min > result.max) throw new FileError(`${where}: min is greater than max`);
  return result;
}

function optionalPattern(o: Json, key: string, where: string): RegExp | undefined {
  if (o[key] === undefined) return undefined;
  try {
    return wholeMatch(string(o[key], `${where}.${key}`), `${where}.${key}`);
  } catch (err) {
    throw new FileError((err as Error).message);
  }
}

/** Names of the named groups `(?<name>...)` of a pattern, which a selector's group template may use. */
function namedGroups(pattern: RegExp | undefined): string[] {
  return pattern === undefined ? [] : [...pattern.source.matchAll(/\(\?<([a-zA-Z][a-zA-Z0-9]*)>/g)].map((m) => m[1]!);
}

function parseSelector(raw: unknown, index: number, rootGroups: GroupSpec[]): SelectorSpec {
  const where = `selectors[${index}]`;
  const o = object(raw, where, SELECTOR_KEYS);
  if (o.group === undefined) throw new FileError(`${where}: missing required key 'group'`);
  const groupText = string(o.group, `${where}.group`);
  if (groupText === '') throw new FileError(`${where}.group: resource group id is empty`);
  const segments = groupText.split('.');
  const group = segments.map((segment) => parseNameTemplate(segment, `${where}.group`));
  const user = optionalPattern(o, 'user', where);
  const originalUser = optionalPattern(o, 'originalUser', where);
  const authenticatedUser = optionalPattern(o, 'authenticatedUser', where);
  const source = optionalPattern(o, 'source', where);
  const available = new Set(['USER', 'SOURCE']);
  for (const pattern of [user, originalUser, authenticatedUser, source]) {
    for (const name of namedGroups(pattern)) {
      if (available.has(name) && name !== 'USER' && name !== 'SOURCE') throw new FileError(`${where}: multiple definitions found for variable \${${name}}`);
      available.add(name);
    }
  }
  for (const segment of group) {
    for (const part of segment) {
      if ('variable' in part && !available.has(part.variable)) {
        throw new FileError(`${where}.group: unresolved variable '${part.variable}' in resource group id '${groupText}', available: ${[...available].join(', ')}`);
      }
    }
  }
  const specs: GroupSpec[] = [];
  let level = rootGroups;
  for (const segment of segments) {
    // Templates are compared as written, as Trino's manager matches a selector's group to the specs.
    const spec = level.find((g) => g.name === segment);
    if (!spec) throw new FileError(`${where}.group: selector refers to nonexistent group '${groupText}'`);
    specs.push(spec);
    level = spec.subGroups;
  }
  const leaf = specs.at(-1)!;
  if (leaf.subGroups.length > 0) throw new FileError(`${where}.group: '${groupText}' has sub-groups; queries can only be added to a leaf group`);
  const selector: SelectorSpec = { path: where, index, group, groupText, specs };
  if (user) selector.user = user;
  if (originalUser) selector.originalUser = originalUser;
  if (authenticatedUser) selector.authenticatedUser = authenticatedUser;
  if (source) selector.source = source;
  const userGroup = optionalPattern(o, 'userGroup', where);
  if (userGroup) selector.userGroup = userGroup;
  if (o.queryType !== undefined) {
    const queryType = string(o.queryType, `${where}.queryType`).toUpperCase();
    if (!(QUERY_TYPES as readonly string[]).includes(queryType)) throw new FileError(`${where}.queryType: selector specifies an invalid query type '${String(o.queryType)}' (one of ${QUERY_TYPES.join(', ')})`);
    selector.queryType = queryType;
  }
  if (o.clientTags !== undefined) selector.clientTags = array(o.clientTags, `${where}.clientTags`).map((t, i) => string(t, `${where}.clientTags[${i}]`));
  if (o.selectorResourceEstimate !== undefined) {
    const e = object(o.selectorResourceEstimate, `${where}.selectorResourceEstimate`, ESTIMATE_KEYS);
    const estimate: NonNullable<SelectorSpec['resourceEstimate']> = {};
    if (e.executionTime !== undefined) estimate.executionTime = range(e.executionTime, `${where}.selectorResourceEstimate.executionTime`, duration);
    if (e.cpuTime !== undefined) estimate.cpuTime = range(e.cpuTime, `${where}.selectorResourceEstimate.cpuTime`, duration);
    if (e.peakMemory !== undefined) estimate.peakMemory = range(e.peakMemory, `${where}.selectorResourceEstimate.peakMemory`, dataSize);
    selector.resourceEstimate = estimate;
  }
  return selector;
}

function refuseMemoryPercentages(groups: GroupSpec[]): void {
  for (const g of groups) {
    if (g.softMemoryLimit !== undefined && 'fraction' in g.softMemoryLimit) throw new FileError(`${g.path}.softMemoryLimit: a percentage needs resourceGroups.clusterMemory in the configuration (the memory it is a share of)`);
    refuseMemoryPercentages(g.subGroups);
  }
}

/**
 * Parses and validates a resource groups file; throws an Error naming the file and the JSON path of
 * the first mistake. `clusterMemoryBytes` is what `softMemoryLimit` percentages are of: a file with
 * a percentage is refused without it (the gateway does not guess a cluster's memory).
 */
export function parseResourceGroupsFile(text: string, source: string, clusterMemoryBytes?: number): ResourceGroupsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    const o = object(raw, '(top level)', TOP_KEYS);
    if (o.rootGroups === undefined) throw new FileError(`(top level): missing required key 'rootGroups'`);
    if (o.selectors === undefined) throw new FileError(`(top level): missing required key 'selectors'`);
    const cpuQuotaPeriodMs = o.cpuQuotaPeriod === undefined ? undefined : duration(o.cpuQuotaPeriod, 'cpuQuotaPeriod');
    const rootGroups = array(o.rootGroups, 'rootGroups').map((g, i) => parseGroup(g, `rootGroups[${i}]`, cpuQuotaPeriodMs, undefined));
    checkSiblings(rootGroups, 'rootGroups');
    if (clusterMemoryBytes === undefined) refuseMemoryPercentages(rootGroups);
    const selectors = array(o.selectors, 'selectors').map((s, i) => parseSelector(s, i, rootGroups));
    return { source, rootGroups, selectors, ...(cpuQuotaPeriodMs !== undefined ? { cpuQuotaPeriodMs } : {}) };
  } catch (err) {
    if (err instanceof FileError) throw new Error(`${source}: ${err.message}`);
    throw err;
  }
}
