import type { PoolConfig } from '../config/types.js';
import type { AsgInstance, AsgState, InstanceAddress, ScalingActivity } from '../model/asg.js';
import { hasAllocations, isUsable, type ClusterState, type MesosAgent } from '../model/cluster.js';
import {
  maxResources,
  RESOURCE_NAMES,
  resources,
  subtractResources,
  sumResources,
  type Resources,
} from '../model/resources.js';
import type { AsgSummary, CapacityUnits, DrainSummary, HeadroomApp, IdleAgent, PoolSnapshot } from '../model/snapshot.js';
import { lastScalingTimes } from './activity-history.js';
import { dominantShare, needsResources, tasksThatFit } from './fit.js';
import { count, isoUtc } from './format.js';
import { pendingDemand, poolMatchOf } from './pending.js';
import { agentsOnHosts, maxTaskAgeOf } from './victims.js';
import type { MarathonQueueItem } from '../model/cluster.js';

/** Idle agents listed per snapshot: enough for any step down, small enough for a 256 KB payload. */
const DEFAULT_MAX_IDLE_AGENTS = 50;

/** After a leader election agents re-register over this window; until then the agent list is partial. */
const REREGISTRATION_WINDOW_MS = 10 * 60 * 1000;

/** One pool's own inputs: its configuration and its Auto Scaling group. */
export interface PoolSource {
  pool: PoolConfig;
  asg: AsgState;
  activities: readonly ScalingActivity[];
  /** Addresses of instances; those of other groups are ignored. */
  addresses: readonly InstanceAddress[];
  /** The pool's drains in progress (from the drain ledger); none when absent. */
  drains?: readonly DrainSummary[];
}

export interface SummariseOptions {
  now: number;
  maxIdleAgents?: number;
  /** Agent attribute naming the pool, matched against Marathon constraints ('pool' when absent). */
  poolAttribute?: string;
  /**
   * Pools configured, including those left out of this summary (their group or configuration could
   * not be read): an unconstrained launch counts for a lone pool only when it is the only one.
   */
  configuredPools?: number;
}

interface AgentTally {
  agent: MesosAgent;
  tasks: number;
  /** Epoch seconds the oldest of its tasks started (its registration for a task with no start time); null with none. */
  oldestTaskSince: number | null;
}

interface AppTally {
  task: Resources;
  running: number;
}

/** Everything one pass over agents and tasks learns about one pool. */
interface PoolTally {
  agents: AgentTally[];
  apps: Map<string, AppTally>;
  runningTasks: number;
}

function isIdle(tally: AgentTally): boolean {
  return tally.tasks === 0 && !hasAllocations(tally.agent);
}

/** Free space of an agent (tasksThatFit treats an over-committed resource as none). */
function freeOf(agent: MesosAgent): Resources {
  return subtractResources(agent.total, agent.used);
}

/** The free share of an agent's capacity, for its tightest resource. */
function roomOf(agent: MesosAgent): number {
  const free = freeOf(agent);
  let room = 1;
  for (const r of RESOURCE_NAMES) if (agent.total[r] > 0) room = Math.min(room, Math.max(0, free[r] / agent.total[r]));
  return Math.round(room * 1000) / 1000;
}

/**
 * Median per resource; with an even count the lower of the two middle values, so the shape is one
 * an agent of the pool actually has.
 */
function medianShape(totals: readonly Resources[]): Resources | null {
  if (totals.length === 0) return null;
  const middle = Math.floor((totals.length - 1) / 2);
  const median = (r: (typeof RESOURCE_NAMES)[number]) => {
    const values = totals.map((t) => t[r]).sort((a, b) => a - b);
    return values[middle] ?? 0;
  };
  return resources({ cpus: median('cpus'), mem: median('mem'), disk: median('disk'), gpus: median('gpus') });
}

/** The app whose next tasks are hardest to place: largest dominant share, then most tasks, then id. */
function pickHeadroomApp(apps: Map<string, AppTally>, shape: Resources | null): { appId: string; app: AppTally } | null {
  let best: { appId: string; app: AppTally; share: number } | null = null;
  for (const [appId, app] of apps) {
    if (!needsResources(app.task)) continue;
    const share = shape === null ? 0 : dominantShare(app.task, shape);
    const better =
      best === null ||
      share > best.share ||
      (share === best.share && (app.running > best.app.running || (app.running === best.app.running && appId < best.appId)));
    if (better) best = { appId, app, share };
  }
  return best === null ? null : { appId: best.appId, app: best.app };
}

/** Size of an agent in "agents of the usual shape", to list the biggest idle agents first. */
function relativeSize(total: Resources, shape: Resources | null): number {
  if (shape === null) return 0;
  let size = 0;
  for (const r of RESOURCE_NAMES) if (shape[r] > 0) size += total[r] / shape[r];
  return size;
}

function distrustReasons(cluster: ClusterState, now: number): string[] {
  const reasons: string[] = [];
  const missing = cluster.recoveredAgentIds.length;
  if (missing > 0) {
    reasons.push(`${count(missing, 'agent has', 'agents have')} not re-registered since the master failover`);
  }
  if (cluster.electedAt !== null) {
    const electedAtMs = cluster.electedAt * 1000;
    if (now - electedAtMs < REREGISTRATION_WINDOW_MS) {
      reasons.push(`the Mesos leader was elected at ${isoUtc(electedAtMs)}, less than 10 minutes ago: agents may still be re-registering`);
    }
  }
  return reasons;
}

/** The lower middle value, so the weight is one an instance of the group actually has. */
function medianWeight(instances: readonly AsgInstance[]): number {
  const weights = instances.map((i) => i.weight).sort((a, b) => a - b);
  return weights[Math.floor((weights.length - 1) / 2)] ?? 1;
}

/** The weight of a new agent of the usual shape: the median weight in service (of any instance while none is). */
function typicalWeight(instances: readonly AsgInstance[]): number {
  const inService = instances.filter((i) => i.lifecycleState === 'InService');
  return medianWeight(inService.length > 0 ? inService : instances);
}

/** `{ weight }` when the instance counts other than 1 (absent means 1, so groups without weights keep their snapshot). */
function weightField(instance: AsgInstance | undefined): { weight?: number } {
  return instance === undefined || instance.weight === 1 ? {} : { weight: instance.weight };
}

/**
 * The group's summary, and the weight of each stuck instance, oldest launch first. An instance with
 * no agent of the pool on it (matched as chooseVictims matches) is unregistered and, past the
 * grace, stuck: one running only another pool's agent too, since it adds nothing to this pool.
 */
function summariseAsg(source: PoolSource, poolAgents: readonly MesosAgent[], now: number): [AsgSummary, number[]] {
  const agentsOn = agentsOnHosts(poolAgents);
  const addressById = new Map(source.addresses.map((a) => [a.instanceId, a] as const));
  const { asg } = source;
  const launchedAt = new Map(source.addresses.map((a) => [a.instanceId, a.launchedAt ?? null] as const));
  const graceMs = source.pool.drain.unregisteredGraceSeconds * 1000;
  let inService = 0;
  let pending = 0;
  let terminating = 0;
  let unregistered = 0;
  let stuck = 0;
  const stuckInstances: Array<{ launched: number; weight: number }> = [];
  for (const instance of asg.instances) {
    const state = instance.lifecycleState;
    if (state === 'InService') {
      inService += 1;
      if (agentsOn(addressById.get(instance.instanceId)).length === 0) {
        unregistered += 1;
        const launched = launchedAt.get(instance.instanceId) ?? null;
        if (launched !== null && now - launched > graceMs) {
          stuck += 1;
          stuckInstances.push({ launched, weight: instance.weight });
        }
      }
    } else if (state.startsWith('Pending')) {
      pending += 1;
    } else if (state.startsWith('Terminating')) {
      terminating += 1;
    }
  }
  const summary: AsgSummary = {
    name: asg.name,
    minSize: asg.minSize,
    maxSize: asg.maxSize,
    desiredCapacity: asg.desiredCapacity,
    inService,
    pending,
    terminating,
    unregistered,
    stuck,
    suspendedProcesses: [...asg.suspendedProcesses],
    ...lastScalingTimes(source.activities),
  };
  return [summary, stuckInstances.sort((a, b) => a.launched - b.launched).map((i) => i.weight)];
}

/**
 * Each queued launch counts for one pool: among the pools its constraints allow, the one already
 * running most of its tasks (the first configured on a tie). A launch with no constraint on the pool
 * attribute and no running task anywhere counts only when a single pool is configured.
 */
function queueByPool(queue: readonly MarathonQueueItem[], tallies: ReadonlyMap<string, PoolTally>, poolAttribute: string, configuredPools: number): Map<string, MarathonQueueItem[]> {
  const names = [...tallies.keys()];
  const byPool = new Map<string, MarathonQueueItem[]>(names.map((n) => [n, []]));
  for (const item of queue) {
    const match = poolMatchOf(item.constraints, poolAttribute);
    const allowed = match.kind === 'any' ? names : names.filter((n) => match.pools(n));
    let best: string | null = null;
    let bestRunning = 0;
    for (const name of allowed) {
      const running = tallies.get(name)?.apps.get(item.id)?.running ?? 0;
      if (best === null || running > bestRunning) {
        best = name;
        bestRunning = running;
      }
    }
    const counts = match.kind === 'pool' || bestRunning > 0 || (names.length === 1 && configuredPools <= 1);
    if (best !== null && counts) byPool.get(best)?.push(item);
  }
  return byPool;
}

function snapshotOf(source: PoolSource, tally: PoolTally, cluster: ClusterState, queue: readonly MarathonQueueItem[], options: SummariseOptions): PoolSnapshot {
  const { asg } = source;
  const maxIdle = options.maxIdleAgents ?? DEFAULT_MAX_IDLE_AGENTS;

  const asgInstances = new Map(asg.instances.map((i) => [i.instanceId, i] as const));
  const instanceByIp = new Map<string, string>();
  for (const address of source.addresses) {
    if (!asgInstances.has(address.instanceId)) continue;
    if (address.privateIp !== null) instanceByIp.set(address.privateIp, address.instanceId);
  }

  const usable = tally.agents.filter((t) => isUsable(t.agent));
  const shape = medianShape(usable.map((t) => t.agent.total));
  const picked = pickHeadroomApp(tally.apps, shape);
  const headroomTask = picked?.app.task ?? null;
  const fitsOn = (free: Resources) => (headroomTask === null ? 0 : tasksThatFit(free, headroomTask));

  // Hosts that also run a busy (or unusable) agent of the pool cannot be removed for being idle.
  const busyIps = new Set<string>();
  for (const t of tally.agents) if (t.agent.ip !== null && !(isUsable(t.agent) && isIdle(t))) busyIps.add(t.agent.ip);

  let fitsNow = 0;
  const idle: Array<IdleAgent & { candidate: boolean; size: number }> = [];
  const listedInstances = new Set<string>();
  for (const t of usable) {
    fitsNow += fitsOn(freeOf(t.agent));
    if (!isIdle(t)) continue;
    const ip = t.agent.ip;
    const instanceId = ip === null ? null : (instanceByIp.get(ip) ?? null);
    const instance = instanceId === null ? undefined : asgInstances.get(instanceId);
    // Not scale-in candidates: a protected or not-in-service instance, a host shared with a busy
    // agent, or a second idle agent on a host already listed (one instance, removed once).
    if (instanceId !== null && instance !== undefined) {
      if (instance.protectedFromScaleIn || instance.lifecycleState !== 'InService') continue;
      if ((ip !== null && busyIps.has(ip)) || listedInstances.has(instanceId)) continue;
      listedInstances.add(instanceId);
    }
    idle.push({
      agentId: t.agent.id,
      instanceId,
      ...weightField(instance),
      candidate: instanceId !== null,
      size: relativeSize(t.agent.total, shape),
    });
  }
  // Removable agents first, then the biggest, so the capped list keeps the worst case for a scale-in.
  idle.sort(
    (a, b) =>
      Number(b.candidate) - Number(a.candidate) ||
      b.size - a.size ||
      (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0),
  );

  // Busy agents a scale-in may drain: least work first, each on its own removable instance, none
  // whose oldest task has run past a drain deadline that gives up (maxTaskAgeOf, as chooseVictims).
  const busy: Array<IdleAgent & { runningTasks: number }> = [];
  const nowSeconds = options.now / 1000;
  const maxAge = maxTaskAgeOf(source.pool.drain);
  for (const t of usable) {
    if (isIdle(t) || t.agent.ip === null) continue;
    if (maxAge !== undefined && t.oldestTaskSince !== null && nowSeconds - t.oldestTaskSince > maxAge) continue;
    const instanceId = instanceByIp.get(t.agent.ip) ?? null;
    const instance = instanceId === null ? undefined : asgInstances.get(instanceId);
    if (instanceId === null || instance === undefined || instance.protectedFromScaleIn || instance.lifecycleState !== 'InService') continue;
    if (listedInstances.has(instanceId)) continue;
    listedInstances.add(instanceId);
    busy.push({ agentId: t.agent.id, instanceId, ...weightField(instance), runningTasks: t.tasks });
  }
  busy.sort((a, b) => a.runningTasks - b.runningTasks || (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  const agentsById = new Map(tally.agents.map((t) => [t.agent.id, t.agent] as const));
  const drains = (source.drains ?? []).map((record) => {
    const instance = asgInstances.get(record.instanceId);
    return { record, instance, inGroup: instance?.lifecycleState === 'InService', agent: agentsById.get(record.agentId) };
  });
  // The free space a scale-out could get back by putting this pool's drains back into service.
  const drainsFree = drains.flatMap((d) => (d.inGroup && d.agent !== undefined ? [freeOf(d.agent)] : []));
  const drainingAgents = tally.agents.filter((t) => !isUsable(t.agent) && t.agent.ip !== null && instanceByIp.has(t.agent.ip));

  const headroomApp: HeadroomApp | null =
    picked === null ? null : { appId: picked.appId, task: picked.app.task, running: picked.app.running, fitsNow };
  const [asgSummary, stuckWeights] = summariseAsg(source, tally.agents.map((t) => t.agent), options.now);

  // Each agent counts its instance's weight; one whose instance is not in the group, a new agent's.
  let units: CapacityUnits | undefined;
  if (asg.instances.some((i) => i.weight !== 1)) {
    const typical = typicalWeight(asg.instances);
    const weightOfAgent = (agent: MesosAgent) => {
      const instanceId = agent.ip === null ? undefined : instanceByIp.get(agent.ip);
      return (instanceId === undefined ? undefined : asgInstances.get(instanceId))?.weight ?? typical;
    };
    const total = (list: readonly AgentTally[]) => list.reduce((n, t) => n + weightOfAgent(t.agent), 0);
    units = { typical, usable: total(usable), draining: total(drainingAgents), stuck: stuckWeights };
  }

  return {
    pool: source.pool.name,
    observedAt: options.now,
    agents: { registered: tally.agents.length, usable: usable.length, idle: usable.filter(isIdle).length, draining: drainingAgents.length },
    capacity: sumResources(usable.map((t) => t.agent.total)),
    used: sumResources(usable.map((t) => t.agent.used)),
    agentShape: shape,
    runningTasks: tally.runningTasks,
    apps: tally.apps.size,
    pending: pendingDemand(queue, usable.map((t) => freeOf(t.agent)), shape, drainsFree),
    headroomApp,
    idleAgents: idle.slice(0, maxIdle).map(({ candidate: _candidate, size: _size, ...agent }) => agent),
    // A scale-in drains at most max-draining agents: listing more would only grow the payload.
    busyAgents: source.pool.drain.busyAgents ? busy.slice(0, Math.min(maxIdle, source.pool.drain.maxDraining)) : [],
    drains: drains.map(({ record, instance, inGroup, agent }) => ({ ...record, inGroup, ...weightField(instance), ...(agent === undefined ? {} : { room: roomOf(agent) }) })),
    asg: asgSummary,
    ...(units === undefined ? {} : { units }),
    distrust: distrustReasons(cluster, options.now),
  };
}

/**
 * Snapshots of several pools from one pass over the agents and one over the tasks (10,000 agents
 * and 200,000 tasks must stay cheap), in the order of `pools`.
 */
export function summarisePools(input: SummariseOptions & { cluster: ClusterState; pools: readonly PoolSource[] }): PoolSnapshot[] {
  const { cluster } = input;
  const tallies = new Map<string, PoolTally>();
  for (const source of input.pools) tallies.set(source.pool.name, { agents: [], apps: new Map(), runningTasks: 0 });

  const byAgentId = new Map<string, { agent: AgentTally; pool: PoolTally }>();
  for (const agent of cluster.agents) {
    const pool = tallies.get(agent.pool);
    if (pool === undefined) continue;
    const tally: AgentTally = { agent, tasks: 0, oldestTaskSince: null };
    pool.agents.push(tally);
    byAgentId.set(agent.id, { agent: tally, pool });
  }

  for (const task of cluster.tasks) {
    const owner = byAgentId.get(task.agentId);
    if (owner === undefined) continue;
    owner.agent.tasks += 1;
    const since = task.startedAt ?? owner.agent.agent.registeredAt;
    if (owner.agent.oldestTaskSince === null || since < owner.agent.oldestTaskSince) owner.agent.oldestTaskSince = since;
    owner.pool.runningTasks += 1;
    const app = owner.pool.apps.get(task.appId);
    if (app === undefined) {
      owner.pool.apps.set(task.appId, { task: task.resources, running: 1 });
    } else {
      app.task = maxResources(app.task, task.resources);
      app.running += 1;
    }
  }

  const queues = queueByPool(cluster.marathon?.queue ?? [], tallies, input.poolAttribute ?? 'pool', input.configuredPools ?? input.pools.length);
  return input.pools.map((source) => snapshotOf(source, tallies.get(source.pool.name) as PoolTally, cluster, queues.get(source.pool.name) ?? [], input));
}

/** The compact view of one pool that `decide` works from. */
export function summarisePool(input: PoolSource & SummariseOptions & { cluster: ClusterState }): PoolSnapshot {
  const { cluster, now, maxIdleAgents, poolAttribute, configuredPools, ...source } = input;
  const [snapshot] = summarisePools({ cluster, now, maxIdleAgents, poolAttribute, configuredPools, pools: [source] });
  return snapshot as PoolSnapshot;
}
