import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { ResourceName } from '../model/resources.js';
import {
  GLOBAL_PARAMETERS,
  POOL_PARAMETERS,
  relationWords,
  type GlobalValues,
  type ParameterSpec,
  type PoolValues,
  type Relation,
} from './catalog.js';
import { closestName } from './suggest.js';
import type { AutoscalerConfig, ConfigProblem, MesosConfig, PoolConfig, Threshold } from './types.js';
import { parseValue } from './value-schema.js';

const POOLS = 'pools/';
const DEFAULTS = 'defaults/';

/** Throws unless the prefix is an SSM path such as `/mesos-autoscaler/prod/`. */
export function assertPrefix(prefix: string): void {
  if (!/^\/([A-Za-z0-9_.-]+\/)+$/.test(prefix)) {
    throw new AutoscalerError(
      ErrorNames.InvalidConfig,
      `SSM prefix ${JSON.stringify(prefix)} must be a path that starts and ends with "/", such as /mesos-autoscaler/prod/`,
    );
  }
}

/**
 * Validates raw SSM parameters (full name → value) against the catalog. Never throws on bad values:
 * each one becomes a ConfigProblem; a pool with a problem is left out of `pools`, and a global
 * problem leaves every pool out.
 */
export function parseConfig(prefix: string, raw: ReadonlyMap<string, string>): AutoscalerConfig {
  assertPrefix(prefix);
  const layout = splitLayout(prefix, raw);
  const global = parseGlobal(prefix, layout.global);
  const defaultsProblems = checkDefaultsNames(prefix, layout.defaults);

  const sharedAsgs = poolsSharingAnAsg(prefix, layout.pools);

  const pools: PoolConfig[] = [];
  const poolProblems: ConfigProblem[] = [];
  for (const [pool, params] of layout.pools) {
    const issues = [...defaultsProblems, ...(sharedAsgs.get(pool) ?? [])];
    const result = parsePool(prefix, pool, params, layout.defaults, issues);
    if ('config' in result) pools.push(result.config);
    else poolProblems.push(...result.problems);
  }

  return {
    prefix,
    mesos: global.mesos,
    paused: global.paused,
    // One bad global value (e.g. the master URLs) means no pool can be trusted.
    pools: global.problems.length > 0 ? [] : pools,
    problems: [...global.problems, ...poolProblems],
  };
}

interface Layout {
  /** Relative name → value. */
  global: Map<string, string>;
  /** Parameter → value under `defaults/`. */
  defaults: Map<string, string>;
  /** Pool → parameter → value under `pools/<pool>/`. */
  pools: Map<string, Map<string, string>>;
}

function splitLayout(prefix: string, raw: ReadonlyMap<string, string>): Layout {
  const layout: Layout = { global: new Map(), defaults: new Map(), pools: new Map() };
  // Sorted so that pools and problems come out in the same order whatever order SSM returned.
  const names = [...raw.keys()].filter((name) => name.startsWith(prefix)).sort();
  for (const name of names) {
    const value = raw.get(name)!;
    const relative = name.slice(prefix.length);
    const slash = relative.indexOf('/', POOLS.length);
    if (relative.startsWith(POOLS) && slash > POOLS.length) {
      const pool = relative.slice(POOLS.length, slash);
      const params = layout.pools.get(pool) ?? new Map<string, string>();
      params.set(relative.slice(slash + 1), value);
      layout.pools.set(pool, params);
    } else if (relative.startsWith(DEFAULTS)) {
      layout.defaults.set(relative.slice(DEFAULTS.length), value);
    } else {
      layout.global.set(relative, value);
    }
  }
  return layout;
}

function parseGlobal(prefix: string, params: Map<string, string>): { mesos: MesosConfig; paused: boolean; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const spec of GLOBAL_PARAMETERS) {
    const parameter = prefix + spec.name;
    const raw = params.get(spec.name) ?? spec.default;
    const result = resolveValue(spec, parameter, raw);
    if ('problem' in result) {
      problems.push({ parameter, pool: null, message: result.problem });
      // Stand-in so the config stays well-formed; with a global problem no pool is returned.
      values[spec.name] = fallbackValue(spec);
    } else {
      values[spec.name] = result.value;
    }
  }
  const known = new Set<string>(GLOBAL_PARAMETERS.map((s) => s.name));
  for (const name of params.keys()) {
    if (!known.has(name)) {
      problems.push({ parameter: prefix + name, pool: null, message: unknownMessage(prefix, name, closestName(name, globalCandidates(name))) });
    }
  }
  // Each value was produced by the schema of its catalog entry, so it has the type of that entry's kind.
  const v = values as unknown as GlobalValues;
  return {
    mesos: {
      masterUrls: v['mesos/master-urls'],
      marathonUrl: v['marathon/url'],
      credentials: v['mesos/credentials'],
      timeoutMs: v['mesos/timeout-ms'],
      poolAttribute: v['mesos/pool-attribute'],
    },
    paused: v.paused,
    problems,
  };
}

/** Global names, plus `defaults/…` and `pools/<pool>/…` spellings, so `pool/x/max-agnets` gets a useful hint. */
function globalCandidates(name: string): string[] {
  const candidates: string[] = GLOBAL_PARAMETERS.map((s) => s.name);
  const pool = name.split('/')[1];
  for (const spec of POOL_PARAMETERS) {
    candidates.push(DEFAULTS + spec.name);
    if (pool) candidates.push(`${POOLS}${pool}/${spec.name}`);
  }
  return candidates;
}

interface ParameterIssue {
  parameter: string;
  message: string;
}

/** Names under `defaults/` that no pool may inherit: they block every pool. */
function checkDefaultsNames(prefix: string, defaults: Map<string, string>): ParameterIssue[] {
  const issues: ParameterIssue[] = [];
  for (const name of defaults.keys()) {
    const parameter = prefix + DEFAULTS + name;
    const spec = POOL_PARAMETERS.find((s) => s.name === name);
    if (!spec) {
      const suggestion = closestName(name, POOL_PARAMETERS.map((s) => s.name));
      issues.push({ parameter, message: unknownMessage(prefix, DEFAULTS + name, suggestion && DEFAULTS + suggestion) });
    } else if (isRequired(spec)) {
      issues.push({ parameter, message: `${parameter}: cannot be set under ${DEFAULTS}; each pool must set its own ${name}` });
    }
  }
  return issues;
}

type Origin = 'pool' | 'defaults' | 'built-in';

interface Resolved {
  spec: ParameterSpec;
  parameter: string;
  raw: string;
  origin: Origin;
  value: unknown;
}

function parsePool(
  prefix: string,
  pool: string,
  params: Map<string, string>,
  defaults: Map<string, string>,
  knownIssues: ParameterIssue[],
): { config: PoolConfig } | { problems: ConfigProblem[] } {
  const poolPrefix = `${prefix}${POOLS}${pool}/`;
  const issues: ParameterIssue[] = [...knownIssues];
  const known = new Set<string>(POOL_PARAMETERS.map((s) => s.name));
  for (const name of params.keys()) {
    if (!known.has(name)) {
      const suggestion = closestName(name, known);
      issues.push({
        parameter: poolPrefix + name,
        message: unknownMessage(prefix, `${POOLS}${pool}/${name}`, suggestion && `${POOLS}${pool}/${suggestion}`),
      });
    }
  }

  const resolved = new Map<string, Resolved>();
  for (const spec of POOL_PARAMETERS) {
    const source = pickSource(spec, poolPrefix, params, prefix + DEFAULTS, defaults);
    const result = resolveValue(spec, source.parameter, source.raw);
    if ('problem' in result) issues.push({ parameter: source.parameter, message: result.problem });
    else resolved.set(spec.name, { spec, parameter: source.parameter, raw: source.raw ?? '', origin: source.origin, value: result.value });
  }
  for (const spec of POOL_PARAMETERS) {
    const issue = spec.relation && checkRelation(spec.relation, resolved.get(spec.name), resolved.get(spec.relation.other));
    if (issue) issues.push(issue);
  }

  if (issues.length > 0) return { problems: issues.map((issue) => ({ ...issue, pool })) };
  const values = Object.fromEntries([...resolved].map(([name, r]) => [name, r.value]));
  // Every catalog entry resolved without a problem, each through the schema of its kind.
  return { config: toPoolConfig(pool, values as unknown as PoolValues) };
}

/** Precedence: the pool's own value, then `defaults/`, then the built-in default. */
function pickSource(
  spec: ParameterSpec,
  poolPrefix: string,
  params: Map<string, string>,
  defaultsPrefix: string,
  defaults: Map<string, string>,
): { parameter: string; raw: string | undefined; origin: Origin } {
  const own = params.get(spec.name);
  if (own !== undefined) return { parameter: poolPrefix + spec.name, raw: own, origin: 'pool' };
  const inherited = isRequired(spec) ? undefined : defaults.get(spec.name);
  if (inherited !== undefined) return { parameter: defaultsPrefix + spec.name, raw: inherited, origin: 'defaults' };
  return { parameter: poolPrefix + spec.name, raw: spec.default, origin: 'built-in' };
}

function resolveValue(spec: ParameterSpec, parameter: string, raw: string | undefined): { value: unknown } | { problem: string } {
  if (raw === undefined) {
    if (isRequired(spec)) return { problem: `${parameter} is missing: it is required and has no default` };
    return { value: fallbackValue(spec) };
  }
  const result = parseValue(spec, raw);
  if (!result.ok) return { problem: `${parameter} = ${showValue(spec, raw)}: ${result.rule}` };
  return { value: result.value };
}

const INVERSE: Record<Relation['op'], 'gt' | 'ge' | 'le'> = { lt: 'gt', le: 'ge', ge: 'le' };
const ORIGIN_RANK: Record<Origin, number> = { 'built-in': 0, defaults: 1, pool: 2 };

/** Blames the more specifically set side, so the message names the value the operator typed. */
function checkRelation(relation: Relation, self: Resolved | undefined, other: Resolved | undefined): ParameterIssue | null {
  if (!self || !other) return null;
  const a = self.value as number;
  const b = other.value as number;
  const holds = relation.op === 'lt' ? a < b : relation.op === 'le' ? a <= b : a >= b;
  if (holds) return null;
  const [blamed, partner, op] =
    ORIGIN_RANK[other.origin] > ORIGIN_RANK[self.origin] ? [other, self, INVERSE[relation.op]] : [self, other, relation.op];
  const from =
    partner.origin === 'pool' ? '' : partner.origin === 'defaults' ? ` from ${partner.parameter}` : ', the built-in default';
  return {
    parameter: blamed.parameter,
    message: `${blamed.parameter} = ${showValue(blamed.spec, blamed.raw)}: must be ${relationWords(op)} ${partner.spec.name} (${partner.raw.trim()}${from})`,
  };
}

/** Two pools driving one ASG would fight over it: both are blocked, whatever else they set. */
function poolsSharingAnAsg(prefix: string, pools: Map<string, Map<string, string>>): Map<string, ParameterIssue[]> {
  const byAsg = new Map<string, string[]>();
  for (const [pool, params] of pools) {
    const names = new Set((params.get('asg-name') ?? '').split(',').map((name) => name.trim()).filter((name) => name !== ''));
    for (const asg of names) byAsg.set(asg, [...(byAsg.get(asg) ?? []), pool]);
  }
  const issues = new Map<string, ParameterIssue[]>();
  for (const [asg, sharing] of byAsg) {
    if (sharing.length < 2) continue;
    for (const pool of sharing) {
      const parameter = `${prefix}${POOLS}${pool}/asg-name`;
      const others = sharing.filter((p) => p !== pool).join(', ');
      const raw = (pools.get(pool)?.get('asg-name') ?? '').trim();
      const issue = { parameter, message: `${parameter} = ${JSON.stringify(raw)}: ${asg} is also an ASG of pool ${others}; each pool needs its own ASGs` };
      issues.set(pool, [...(issues.get(pool) ?? []), issue]);
    }
  }
  return issues;
}

function toPoolConfig(name: string, v: PoolValues): PoolConfig {
  const threshold = (resource: ResourceName): Threshold => ({
    lowerPercent: v[`${resource}-lower-percent`],
    upperPercent: v[`${resource}-upper-percent`],
  });
  return {
    name,
    asgNames: v['asg-name'],
    minAgents: v['min-agents'],
    maxAgents: v['max-agents'],
    thresholds: { cpus: threshold('cpus'), mem: threshold('mem'), disk: threshold('disk'), gpus: threshold('gpus') },
    headroomPercent: v['headroom-percent'],
    cooldownUpSeconds: v['cooldown-up-seconds'],
    cooldownDownSeconds: v['cooldown-down-seconds'],
    scaleInStabilisationSeconds: v['scale-in-stabilisation-seconds'],
    trendLeadSeconds: v['trend-lead-seconds'],
    maxStepUp: v['max-step-up'],
    maxStepDown: v['max-step-down'],
    dryRun: v['dry-run'],
    paused: v.paused,
    settleIntervalSeconds: v['settle-interval-seconds'],
    settleTimeoutSeconds: v['settle-timeout-seconds'],
    drain: {
      busyAgents: v['drain-busy-agents'],
      maxDraining: v['max-draining'],
      checkSeconds: v['drain-check-seconds'],
      deadlineSeconds: v['drain-deadline-seconds'],
      forceAtDeadline: v['drain-force-at-deadline'],
      graceSeconds: v['drain-grace-seconds'],
      markGone: v['drain-mark-gone'],
      minAgentAgeSeconds: v['min-agent-age-seconds'],
      unregisteredGraceSeconds: v['unregistered-grace-seconds'],
    },
  };
}

function isRequired(spec: ParameterSpec): boolean {
  return spec.required === true;
}

/** The value of an absent optional parameter, or the stand-in for an invalid global one. */
function fallbackValue(spec: ParameterSpec): unknown {
  if (spec.default !== undefined) {
    const parsed = parseValue(spec, spec.default);
    if (parsed.ok) return parsed.value;
  }
  return spec.kind === 'urls' ? [] : null;
}

/** Unknown names are shown without their value: a misspelt secret must not leak through its typo. */
function unknownMessage(prefix: string, relative: string, suggestion: string | null): string {
  const hint = suggestion ? `; did you mean ${prefix}${suggestion}?` : '';
  return `${prefix}${relative}: unknown parameter${hint}`;
}

const MAX_SHOWN = 200;

function showValue(spec: ParameterSpec, raw: string): string {
  if (spec.secret) return '(value hidden)';
  let shown = raw.length > MAX_SHOWN ? `${raw.slice(0, MAX_SHOWN)}…` : raw;
  // A URL with user:password@ is rejected; its password must not be echoed while saying so.
  if (spec.kind === 'url' || spec.kind === 'urls') shown = shown.replace(/\/\/[^/\s]*@/g, '//***@');
  return JSON.stringify(shown);
}
