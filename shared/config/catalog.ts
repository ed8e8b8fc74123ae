/**
 * The one list of SSM parameters. The validation, the README table and the seeded defaults
 * (serverless/ssm-defaults.yml) are all derived from it: add or change a parameter here only,
 * then run `npx tsx scripts/params.ts`.
 */

export type ParameterScope = 'global' | 'pool';

/** How the raw SSM text is read. */
export type ParameterKind = 'urls' | 'url' | 'credentials' | 'integer' | 'percent' | 'boolean' | 'text' | 'names';

/** A rule between two parameters of the same pool, checked once both values are valid. */
export interface Relation {
  /** This parameter must be below (lt), at most (le) or at least (ge) the other one. */
  readonly op: 'lt' | 'le' | 'ge';
  readonly other: string;
}

export interface ParameterSpec {
  /** Global: relative to the prefix. Pool: the last segment of `pools/<pool>/<name>` and `defaults/<name>`. */
  readonly name: string;
  readonly scope: ParameterScope;
  readonly kind: ParameterKind;
  /** Built-in default as SSM text; it goes through the same validation as an operator's value. */
  readonly default?: string;
  /** Required parameters have no default anywhere; a required pool parameter cannot be set under `defaults/`. */
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly relation?: Relation;
  /** SecureString: the value never appears in a message or a log. */
  readonly secret?: boolean;
  readonly meaning: string;
}

function resourceThresholds<R extends string>(resource: R, label: string, lower: string, upper: string) {
  return [
    {
      name: `${resource}-lower-percent`,
      scope: 'pool',
      kind: 'percent',
      default: lower,
      relation: { op: 'lt', other: `${resource}-upper-percent` },
      meaning: `Scale in only while ${label} allocation (running plus waiting launches) is below this percent of the usable agents' capacity; the scale-in then goes down to the fewest agents that keep it at or under the upper threshold.`,
    },
    {
      name: `${resource}-upper-percent`,
      scope: 'pool',
      kind: 'percent',
      default: upper,
      meaning: `Above this percent of ${label} allocation (running plus waiting launches), scale out to the fewest agents that bring it back to it.`,
    },
  ] as const;
}

const GLOBAL_LIST = [
  {
    name: 'mesos/master-urls',
    scope: 'global',
    kind: 'urls',
    required: true,
    meaning: 'Mesos master base URLs, comma-separated; the leader is found among them.',
  },
  {
    name: 'mesos/credentials',
    scope: 'global',
    kind: 'credentials',
    secret: true,
    meaning: 'HTTP basic auth for Mesos as a SecureString `username:password` (the password may contain `:`). Never logged.',
  },
  {
    name: 'mesos/timeout-ms',
    scope: 'global',
    kind: 'integer',
    default: '5000',
    min: 100,
    max: 60000,
    meaning: 'Timeout of each HTTP request to Mesos and Marathon, in milliseconds.',
  },
  {
    name: 'mesos/pool-attribute',
    scope: 'global',
    kind: 'text',
    default: 'pool',
    meaning: 'Agent attribute whose value names the pool an agent belongs to.',
  },
  {
    name: 'marathon/url',
    scope: 'global',
    kind: 'url',
    meaning: 'Marathon base URL; leave it out (or blank) when Marathon is not used.',
  },
  {
    name: 'paused',
    scope: 'global',
    kind: 'boolean',
    default: 'false',
    meaning: 'Kill switch: when true no pool is changed.',
  },
] as const satisfies readonly ParameterSpec[];

const POOL_LIST = [
  {
    name: 'asg-name',
    scope: 'pool',
    kind: 'names',
    required: true,
    max: 255,
    meaning:
      'Name of the EC2 Auto Scaling group that holds the agents of this pool, or several names separated by commas (e.g. one group per availability zone or instance type): the pool is sized as their sum, a scale-out is spread over them (each added unit to the group with the lowest desired capacity) and each agent leaves through its own group. No two pools may share a group; weighted groups of one pool must count the same capacity unit.',
  },
  {
    name: 'min-agents',
    scope: 'pool',
    kind: 'integer',
    default: '0',
    min: 0,
    relation: { op: 'le', other: 'max-agents' },
    meaning: 'The autoscaler never goes below this many agents (capacity units when the group has instance weights).',
  },
  {
    name: 'max-agents',
    scope: 'pool',
    kind: 'integer',
    default: '10',
    min: 0,
    meaning: 'The autoscaler never goes above this many agents (capacity units when the group has instance weights).',
  },
  ...resourceThresholds('cpus', 'CPU', '88', '95'),
  ...resourceThresholds('mem', 'memory', '88', '95'),
  ...resourceThresholds('disk', 'disk', '88', '95'),
  ...resourceThresholds('gpus', 'GPU', '88', '95'),
  {
    name: 'headroom-percent',
    scope: 'pool',
    kind: 'percent',
    default: '0',
    meaning: 'Keep free room, agent by agent, for this many percent more tasks of the app whose tasks are hardest to place (0: none; waiting launches and draining agents put back into service already cover most rises).',
  },
  {
    name: 'cooldown-up-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '0',
    min: 0,
    meaning: 'After a scale-out, wait this long before scaling out again. Capacity still launching is always counted, so 0 never double-scales.',
  },
  {
    name: 'cooldown-down-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '0',
    min: 0,
    meaning: 'After a scale-out, wait this long before scaling in (terminations of finished drains do not restart it).',
  },
  {
    name: 'scale-in-stabilisation-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '300',
    min: 0,
    meaning: 'A scale-in removes only what the highest requirement recorded over this many seconds leaves surplus.',
  },
  {
    name: 'trend-lead-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '180',
    min: 0,
    meaning: 'When demand has risen over the stabilisation window, size the pool for where that rise leads this many seconds ahead (about the time from launch to a usable agent), adding at most the rise itself; 0 (or a stabilisation window of 0) turns the projection off.',
  },
  {
    name: 'max-step-up',
    scope: 'pool',
    kind: 'integer',
    default: '100',
    min: 1,
    meaning: 'At most this many agents are added in one run (capacity units when the group has instance weights).',
  },
  {
    name: 'max-step-down',
    scope: 'pool',
    kind: 'integer',
    default: '20',
    min: 1,
    meaning: 'At most this many more agents are drained and removed in one run (capacity units when the group has instance weights; drains already in progress do not count).',
  },
  {
    name: 'dry-run',
    scope: 'pool',
    kind: 'boolean',
    default: 'false',
    meaning: 'When true the plan is computed and shown but nothing is changed.',
  },
  {
    name: 'paused',
    scope: 'pool',
    kind: 'boolean',
    default: 'false',
    meaning: 'When true this pool is left exactly as it is.',
  },
  {
    name: 'settle-interval-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '30',
    min: 5,
    meaning: 'After an action, check this often whether the change has settled.',
  },
  {
    name: 'settle-timeout-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '600',
    min: 0,
    relation: { op: 'ge', other: 'settle-interval-seconds' },
    meaning: 'After an action, wait at most this long for it to settle.',
  },
  {
    name: 'drain-busy-agents',
    scope: 'pool',
    kind: 'boolean',
    default: 'true',
    meaning: 'Scale in may choose agents that still run tasks: they stop taking new work and are terminated once empty. When false, only idle agents are removed.',
  },
  {
    name: 'max-draining',
    scope: 'pool',
    kind: 'integer',
    default: '10',
    min: 1,
    meaning: 'At most this many agents of the pool are draining at once.',
  },
  {
    name: 'drain-check-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '30',
    min: 5,
    meaning: 'While agents drain, check this often whether they are empty.',
  },
  {
    name: 'drain-deadline-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '3600',
    min: 60,
    relation: { op: 'ge', other: 'drain-check-seconds' },
    meaning: 'A drain that has not emptied its agent after this long is forced or given up (drain-force-at-deadline).',
  },
  {
    name: 'drain-force-at-deadline',
    scope: 'pool',
    kind: 'boolean',
    default: 'false',
    meaning: 'At the drain deadline, true kills the remaining tasks gracefully and removes the agent; false gives up and puts the agent back into service.',
  },
  {
    name: 'drain-grace-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '300',
    min: 0,
    meaning: 'When tasks are killed (forced drain, spot interruption), each gets at most this long between SIGTERM and SIGKILL.',
  },
  {
    name: 'drain-mark-gone',
    scope: 'pool',
    kind: 'boolean',
    default: 'true',
    meaning: 'Mark the agent gone in Mesos (1.9+) once its instance is terminated, so it can never re-register.',
  },
  {
    name: 'min-agent-age-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '600',
    min: 0,
    meaning: 'Agents registered more recently than this are not chosen for scale-in unless idle.',
  },
  {
    name: 'unregistered-grace-seconds',
    scope: 'pool',
    kind: 'integer',
    default: '900',
    min: 0,
    meaning: 'An in-service instance that has not registered as a Mesos agent after this long is removed first on scale-in.',
  },
] as const satisfies readonly ParameterSpec[];

export const GLOBAL_PARAMETERS: readonly ParameterSpec[] = GLOBAL_LIST;
export const POOL_PARAMETERS: readonly ParameterSpec[] = POOL_LIST;
export const CATALOG: readonly ParameterSpec[] = [...GLOBAL_LIST, ...POOL_LIST];

export interface Credentials {
  username: string;
  password: string;
}

interface ValueOfKind {
  urls: string[];
  url: string | null;
  credentials: Credentials | null;
  integer: number;
  percent: number;
  boolean: boolean;
  text: string;
  names: string[];
}

/** Parsed values keyed by parameter name, typed by each parameter's kind. */
export type ValuesOf<S extends ParameterSpec> = { [P in S as P['name']]: ValueOfKind[P['kind']] };
export type GlobalValues = ValuesOf<(typeof GLOBAL_LIST)[number]>;
export type PoolValues = ValuesOf<(typeof POOL_LIST)[number]>;

const KIND_LABELS: Record<ParameterKind, string> = {
  urls: 'URL list',
  url: 'URL',
  credentials: 'SecureString',
  integer: 'integer',
  percent: 'percent',
  boolean: 'boolean',
  text: 'string',
  names: 'name list',
};

export function kindLabel(spec: ParameterSpec): string {
  return KIND_LABELS[spec.kind];
}

const RELATION_WORDS: Record<Relation['op'] | 'gt', string> = {
  lt: 'below',
  le: 'at most',
  ge: 'at least',
  gt: 'above',
};

/** `min-agents` is "at most" `max-agents`: the words shared by the README and the error messages. */
export function relationWords(op: Relation['op'] | 'gt'): string {
  return RELATION_WORDS[op];
}

/** The rule in plain words, for the README (the error messages use the same bounds). */
export function describeRule(spec: ParameterSpec): string {
  const rule = describeKindRule(spec);
  return spec.relation ? `${rule}, and ${relationWords(spec.relation.op)} ${spec.relation.other}` : rule;
}

function describeKindRule(spec: ParameterSpec): string {
  switch (spec.kind) {
    case 'urls':
      return 'one or more http(s) URLs separated by commas, without user or password';
    case 'url':
      return 'an http(s) URL without user or password';
    case 'credentials':
      return '`username:password`, both non-empty';
    case 'integer':
      return spec.max === undefined ? `a whole number, at least ${spec.min ?? 0}` : `a whole number from ${spec.min ?? 0} to ${spec.max}`;
    case 'percent':
      return 'a number from 0 to 100';
    case 'boolean':
      return '`true` or `false`';
    case 'text':
      return spec.max === undefined ? 'non-blank text' : `non-blank text of at most ${spec.max} characters`;
    case 'names':
      return `one or more distinct names separated by commas, each ${spec.max === undefined ? 'non-blank' : `of 1 to ${spec.max} characters`}`;
  }
}

/** Display text of the default: the value, `required`, or `none` for an optional parameter. */
export function describeDefault(spec: ParameterSpec): string {
  if (spec.default !== undefined) return spec.default;
  return spec.required ? 'required' : 'none';
}
