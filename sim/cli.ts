/**
 * `npm run simulate -- --trace FILE [--policy NAME|all] [--agent-cpus 8] [--agent-mem-mb 30000]
 *    [--boot-seconds 120] [--interval-seconds 60] [--placement random] [--config FILE] [--seed N]
 *    [--faults RATE] [--window-seconds W] [--min-agents N] [--max-agents N] [--out DIR] [--json FILE] [--wire]
 *    [--lifecycle-hook-seconds N] [--mesos-version 1.9|1.8] [--instance-weight N] [--asg-count N]`
 * The contract of DESIGN §6; `--policy all`, `--min-agents`, `--max-agents`, `--wire`,
 * `--lifecycle-hook-seconds`, `--mesos-version`, `--instance-weight` and `--asg-count` are additions:
 * - `--lifecycle-hook-seconds N`: HeartbeatTimeout of the group's terminate lifecycle hook, 30..7200,
 *   or 0 for no hook; default 300 (the deployed hook) for the autoscaler, 0 for the baselines.
 * - `--mesos-version 1.9|1.8`: the simulated master; 1.8 has no agent drain API, so drains go through
 *   the maintenance schedule (machine/down, machine/up). Default 1.9.
 * - `--instance-weight N`: WeightedCapacity of every instance, 1..999, default 1 (no weights). The
 *   group then counts its desired capacity, `--min-agents` and `--max-agents` in capacity units, N per
 *   instance (each instance still one agent of `--agent-cpus`/`--agent-mem-mb`); instance-hours stay
 *   instance-hours.
 * - `--asg-count N`: Auto Scaling groups backing the pool, 1..10, default 1 (the group `sim-agents`).
 *   With N > 1 the groups are `sim-agents-1` .. `sim-agents-N`, each in its own availability zone;
 *   `--min-agents` and `--max-agents` are the pool's, split over the groups (the earlier take the
 *   remainder); the initial agents are dealt round robin. The autoscaler's `asg-name` lists every
 *   group; a baseline's decision is spread over the groups, balanced. Metrics cover every group.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { POLICIES, simulate, type PolicyName, type SimulationRun } from './engine.js';
import { comparisonTable, renderReport } from './report.js';
import { readTrace, validateFits } from './trace.js';
import { ASG_COUNT, INSTANCE_WEIGHT, LIFECYCLE_HOOK_SECONDS } from './cluster/setting-rules.js';
import { DEFAULT_MESOS_VERSION, MESOS_VERSIONS, PLACEMENTS, type MesosVersion, type Placement } from './types.js';

export interface CliOptions {
  trace: string;
  policies: PolicyName[];
  agentCpus: number;
  agentMemMb: number;
  bootSeconds: number;
  intervalSeconds: number;
  placement: Placement;
  config: Record<string, string>;
  seed: number;
  faults: number;
  windowSeconds: number | undefined;
  minAgents: number;
  maxAgents: number;
  out: string | undefined;
  json: string | undefined;
  /** Run the autoscaler over HTTP against the local cloud instead of in-process ports. */
  wire: boolean;
  /** The group's terminate lifecycle hook (0: none); undefined: the policy's default. */
  lifecycleHookSeconds: number | undefined;
  mesosVersion: MesosVersion;
  /** WeightedCapacity of every instance; min and max agents are then capacity units. */
  instanceWeight: number;
  /** Auto Scaling groups backing the pool. */
  asgCount: number;
}

export class UsageError extends Error {}

function number(name: string, value: string | undefined, fallback: number, check: (n: number) => boolean, rule: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} ${value}: must be ${rule}`);
  return n;
}

function readConfig(path: string | undefined): Record<string, string> {
  if (!path) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--config ${path}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--config ${path}: must be a JSON object of SSM parameter names to values, e.g. {"cpus-upper-percent": 75}`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

export function parseCli(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      trace: { type: 'string' }, policy: { type: 'string' }, 'agent-cpus': { type: 'string' }, 'agent-mem-mb': { type: 'string' },
      'boot-seconds': { type: 'string' }, 'interval-seconds': { type: 'string' }, placement: { type: 'string' }, config: { type: 'string' },
      seed: { type: 'string' }, faults: { type: 'string' }, 'window-seconds': { type: 'string' }, 'min-agents': { type: 'string' },
      'max-agents': { type: 'string' }, out: { type: 'string' }, json: { type: 'string' }, wire: { type: 'boolean' },
      'lifecycle-hook-seconds': { type: 'string' }, 'mesos-version': { type: 'string' }, 'instance-weight': { type: 'string' },
      'asg-count': { type: 'string' },
    },
  });
  if (!values.trace) throw new UsageError('--trace FILE is required');
  const policy = values.policy ?? 'autoscaler';
  if (policy !== 'all' && !(POLICIES as readonly string[]).includes(policy)) throw new UsageError(`--policy ${policy}: must be one of ${POLICIES.join(', ')} or all`);
  const placement = values.placement ?? 'random';
  if (!(PLACEMENTS as readonly string[]).includes(placement)) throw new UsageError(`--placement ${placement}: must be random, spread or binpack`);
  const positive = (n: number) => n > 0;
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  const minAgents = number('min-agents', values['min-agents'], 0, whole, 'a whole number ≥ 0');
  const mesosVersion = values['mesos-version'] ?? DEFAULT_MESOS_VERSION;
  if (!(MESOS_VERSIONS as readonly string[]).includes(mesosVersion)) throw new UsageError(`--mesos-version ${mesosVersion}: must be ${MESOS_VERSIONS.join(' or ')}`);
  const hook = values['lifecycle-hook-seconds'];
  return {
    trace: values.trace,
    policies: policy === 'all' ? [...POLICIES] : [policy as PolicyName],
    agentCpus: number('agent-cpus', values['agent-cpus'], 8, positive, 'a positive number'),
    agentMemMb: number('agent-mem-mb', values['agent-mem-mb'], 30000, positive, 'a positive number'),
    bootSeconds: number('boot-seconds', values['boot-seconds'], 120, (n) => n >= 0, 'a number ≥ 0'),
    intervalSeconds: number('interval-seconds', values['interval-seconds'], 60, (n) => Number.isInteger(n) && n > 0, 'a whole number > 0'),
    placement: placement as Placement,
    config: readConfig(values.config),
    seed: number('seed', values.seed, 1, (n) => Number.isInteger(n), 'a whole number'),
    faults: number('faults', values.faults, 0, (n) => n >= 0 && n <= 1, 'a probability between 0 and 1'),
    windowSeconds: values['window-seconds'] === undefined ? undefined : number('window-seconds', values['window-seconds'], 0, positive, 'a positive number'),
    minAgents,
    maxAgents: number('max-agents', values['max-agents'], 10_000, (n) => whole(n) && n >= minAgents, `a whole number ≥ --min-agents (${minAgents})`),
    out: values.out,
    json: values.json,
    wire: values.wire ?? false,
    lifecycleHookSeconds: hook === undefined ? undefined : number('lifecycle-hook-seconds', hook, 0, LIFECYCLE_HOOK_SECONDS.accepts, LIFECYCLE_HOOK_SECONDS.rule),
    mesosVersion: mesosVersion as MesosVersion,
    instanceWeight: number('instance-weight', values['instance-weight'], 1, INSTANCE_WEIGHT.accepts, INSTANCE_WEIGHT.rule),
    asgCount: number('asg-count', values['asg-count'], 1, ASG_COUNT.accepts, ASG_COUNT.rule),
  };
}

export async function runCli(o: CliOptions, log: (line: string) => void = console.log): Promise<SimulationRun[]> {
  const trace = readTrace(o.trace);
  validateFits(trace, o.agentCpus, o.agentMemMb);
  const runs: SimulationRun[] = [];
  for (const policy of o.policies) {
    const run = await simulate({
      trace,
      policy,
      intervalSeconds: o.intervalSeconds,
      windowSeconds: o.windowSeconds,
      config: o.config,
      transport: o.wire ? 'wire' : 'in-process',
      settings: {
        agentCpus: o.agentCpus, agentMemMb: o.agentMemMb, bootSeconds: o.bootSeconds, placement: o.placement, seed: o.seed,
        faults: o.faults, minSize: o.minAgents, maxSize: o.maxAgents, pool: 'sim', asgName: 'sim-agents',
        mesosVersion: o.mesosVersion, instanceWeight: o.instanceWeight, asgCount: o.asgCount,
        ...(o.lifecycleHookSeconds === undefined ? {} : { lifecycleHookSeconds: o.lifecycleHookSeconds }),
      },
      onProgress: process.stderr.isTTY
        ? (p) => process.stderr.write(`\r${policy}: ${(p.t / 3600).toFixed(1)} h of ${(p.windowSeconds / 3600).toFixed(0)} h, ${p.instances} instances, ${p.pendingTasks} pending   `)
        : undefined,
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    runs.push(run);
  }
  log(comparisonTable(runs.map((r) => r.result)));
  if (o.json) writeFileSync(o.json, `${JSON.stringify(runs.length === 1 ? runs[0]!.result : runs.map((r) => r.result), null, 2)}\n`);
  if (o.out) {
    mkdirSync(o.out, { recursive: true });
    writeFileSync(join(o.out, 'report.html'), renderReport(runs, { title: `${trace.name}: ${runs.map((r) => r.result.policy).join(', ')}` }));
    writeFileSync(join(o.out, 'results.json'), `${JSON.stringify(runs.map((r) => r.result), null, 2)}\n`);
    log(`report: ${join(o.out, 'report.html')}`);
  }
  return runs;
}

