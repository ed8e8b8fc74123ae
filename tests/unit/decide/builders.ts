import type { PoolMemory } from '../../../shared/aws/ports.js';
import type { PoolConfig } from '../../../shared/config/types.js';
import type { Requirement } from '../../../shared/decide/verdict.js';
import type { MarathonQueueItem } from '../../../shared/model/cluster.js';
import { resources, type Resources } from '../../../shared/model/resources.js';
import type { AsgSummary, DrainSummary, HeadroomApp, IdleAgent, PendingDemand, PoolSnapshot } from '../../../shared/model/snapshot.js';

export const NOW = Date.parse('2024-05-01T14:00:00Z');
export const SHAPE = resources({ cpus: 8, mem: 32000, disk: 100000 });

/** Explicit test settings (not the catalog defaults): bands 30–80 %, 20 % headroom, no stabilisation window. */
export function poolConfig(overrides: Partial<PoolConfig> = {}): PoolConfig {
  const threshold = { lowerPercent: 30, upperPercent: 80 };
  return {
    name: 'batch',
    asgNames: ['asg-batch'],
    minAgents: 1,
    maxAgents: 20,
    thresholds: { cpus: threshold, mem: threshold, disk: threshold, gpus: threshold },
    headroomPercent: 20,
    cooldownUpSeconds: 300,
    cooldownDownSeconds: 600,
    scaleInStabilisationSeconds: 0,
    trendLeadSeconds: 0,
    maxStepUp: 5,
    maxStepDown: 5,
    dryRun: false,
    paused: false,
    settleIntervalSeconds: 30,
    settleTimeoutSeconds: 900,
    drain: {
      busyAgents: false, maxDraining: 5, checkSeconds: 30, deadlineSeconds: 3600, forceAtDeadline: false,
      graceSeconds: 300, markGone: true, minAgentAgeSeconds: 600, unregisteredGraceSeconds: 900,
    },
    ...overrides,
  };
}

/** The same band for every resource. */
export function bands(lowerPercent: number, upperPercent: number): PoolConfig['thresholds'] {
  const threshold = { lowerPercent, upperPercent };
  return { cpus: threshold, mem: threshold, disk: threshold, gpus: threshold };
}

export function idleAgent(n: number, overrides: Partial<IdleAgent> = {}): IdleAgent {
  return { agentId: `agent-idle-${n}`, instanceId: `i-idle${n}`, ...overrides };
}

export function idleAgents(n: number, overrides: Partial<IdleAgent> = {}): IdleAgent[] {
  return Array.from({ length: n }, (_, i) => idleAgent(i + 1, overrides));
}

export function busyAgents(n: number): PoolSnapshot['busyAgents'] {
  return Array.from({ length: n }, (_, i) => ({ agentId: `agent-busy-${i + 1}`, instanceId: `i-busy${i + 1}`, runningTasks: i + 1 }));
}

/** A drain left behind (not owned), in the group, started 10 minutes ago, deadline in 10 minutes. */
export function drain(agentId: string, extra: Partial<DrainSummary> = {}): DrainSummary {
  return { agentId, instanceId: `i-${agentId}`, startedAt: NOW - 600_000, deadline: NOW + 600_000, owned: false, inGroup: true, ...extra };
}

export const NO_PENDING: PendingDemand = { tasks: 0, resources: resources(), fitOnFree: 0, newAgents: 0, unplaceable: 0, backedOff: 0, apps: [] };

export function pending(extra: Partial<PendingDemand> = {}): PendingDemand {
  return { ...NO_PENDING, ...extra };
}

/** A requirement of `agents` usable agents (null: no opinion) from the signal `source`. */
export function requirement(agents: number | null, source = 'test'): Requirement {
  return { source, agents, signals: [], reasons: [], because: `${source} says ${agents}` };
}

export function queueItem(id: string, extra: Partial<MarathonQueueItem> = {}): MarathonQueueItem {
  return { id, count: 1, overdue: true, timeLeftSeconds: 0, resources: resources({ cpus: 1, mem: 1000 }), constraints: [], ...extra };
}

export interface SnapshotSpec {
  /** Usable agents, all of SHAPE unless `capacity` and `shape` say otherwise. */
  usable?: number;
  /** Percent of capacity in use per resource (disk and gpus default to 0). */
  usedPercent?: Partial<Record<'cpus' | 'mem' | 'disk' | 'gpus', number>>;
  /** Overrides for agents of mixed shapes: total capacity and the median shape. */
  capacity?: Resources;
  shape?: Resources | null;
  /** Overrides usedPercent. */
  used?: Resources;
  idleAgents?: IdleAgent[];
  busyAgents?: PoolSnapshot['busyAgents'];
  headroomApp?: HeadroomApp | null;
  pending?: PendingDemand;
  drains?: DrainSummary[];
  /** Registered agents of the group that take no new tasks; the drains in the group when absent. */
  draining?: number;
  asg?: Partial<AsgSummary>;
  distrust?: string[];
}

/**
 * A pool of usable agents with the given utilisation. The group's desired capacity is the usable
 * agents plus the draining agents and the stuck instances: nothing launching.
 */
export function snapshot(spec: SnapshotSpec = {}): PoolSnapshot {
  const usable = spec.usable ?? 5;
  const shape = spec.shape === undefined ? (usable > 0 ? SHAPE : null) : spec.shape;
  const capacity = spec.capacity ?? resources({ cpus: SHAPE.cpus * usable, mem: SHAPE.mem * usable, disk: SHAPE.disk * usable });
  const pct = { cpus: 50, mem: 50, disk: 0, gpus: 0, ...spec.usedPercent };
  const used: Resources = spec.used ?? resources({
    cpus: (capacity.cpus * pct.cpus) / 100,
    mem: (capacity.mem * pct.mem) / 100,
    disk: (capacity.disk * pct.disk) / 100,
    gpus: (capacity.gpus * pct.gpus) / 100,
  });
  const idleAgents = spec.idleAgents ?? [];
  const drains = spec.drains ?? [];
  const draining = spec.draining ?? drains.filter((d) => d.inGroup !== false).length;
  const stuck = spec.asg?.stuck ?? 0;
  const desired = usable + draining + stuck;
  return {
    pool: 'batch',
    observedAt: NOW,
    agents: { registered: usable + draining, usable, idle: idleAgents.length, draining },
    capacity,
    used,
    agentShape: shape,
    runningTasks: 40,
    apps: 3,
    pending: spec.pending ?? NO_PENDING,
    headroomApp: spec.headroomApp ?? null,
    idleAgents,
    busyAgents: spec.busyAgents ?? [],
    drains,
    asg: {
      name: 'asg-batch',
      minSize: 0,
      maxSize: 100,
      desiredCapacity: desired,
      inService: desired,
      pending: 0,
      terminating: 0,
      unregistered: stuck,
      stuck,
      suspendedProcesses: [],
      lastScaleOutAt: null,
      activityInProgress: false,
      ...spec.asg,
    },
    distrust: spec.distrust ?? [],
  };
}

export function secondsAgo(seconds: number): number {
  return NOW - seconds * 1000;
}

/** Memory unbroken since `sinceSecondsAgo`, with requirements [secondsAgo, agents, demand?], oldest first. */
export function memoryOf(sinceSecondsAgo: number | null, records: ReadonlyArray<readonly [number, number, number?]>): PoolMemory {
  return {
    since: sinceSecondsAgo === null ? null : secondsAgo(sinceSecondsAgo),
    recent: records.map(([ago, agents, demand]) => ({ at: secondsAgo(ago), agents, ...(demand === undefined ? {} : { demand }) })),
  };
}

/** A memory as tests state it: the requirement records without the demand the trend reads (trend.test.ts covers that). */
export function measured(memory: PoolMemory | null): PoolMemory | null {
  return memory === null ? null : { ...memory, recent: memory.recent.map(({ at, agents }) => ({ at, agents })) };
}
