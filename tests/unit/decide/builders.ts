import type { PoolConfig } from '../../../shared/config/types.js';
import { resources, type Resources } from '../../../shared/model/resources.js';
import type { AsgSummary, HeadroomApp, IdleAgent, PoolSnapshot } from '../../../shared/model/snapshot.js';

export const NOW = Date.parse('2024-05-01T14:00:00Z');
export const SHAPE = resources({ cpus: 8, mem: 32000, disk: 100000 });

export function poolConfig(overrides: Partial<PoolConfig> = {}): PoolConfig {
  const threshold = { lowerPercent: 30, upperPercent: 80 };
  return {
    name: 'batch',
    asgName: 'asg-batch',
    minAgents: 1,
    maxAgents: 20,
    thresholds: { cpus: threshold, mem: threshold, disk: threshold, gpus: threshold },
    headroomPercent: 20,
    cooldownUpSeconds: 300,
    cooldownDownSeconds: 600,
    scaleInStabilisationSeconds: 0,
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

export function idleAgent(n: number, overrides: Partial<IdleAgent> = {}): IdleAgent {
  return { agentId: `agent-idle-${n}`, instanceId: `i-idle${n}`, total: SHAPE, headroomFits: 0, ...overrides };
}

export interface SnapshotSpec {
  /** Usable agents, all of SHAPE. */
  usable?: number;
  /** Percent of capacity in use per resource (disk and gpus default to 0). */
  usedPercent?: Partial<Record<'cpus' | 'mem' | 'disk' | 'gpus', number>>;
  idleAgents?: IdleAgent[];
  headroomApp?: HeadroomApp | null;
  asg?: Partial<AsgSummary>;
  distrust?: string[];
}

/** A pool of identical agents with the given utilisation; the ASG matches the usable agents. */
export function snapshot(spec: SnapshotSpec = {}): PoolSnapshot {
  const usable = spec.usable ?? 5;
  const capacity = resources({ cpus: SHAPE.cpus * usable, mem: SHAPE.mem * usable, disk: SHAPE.disk * usable });
  const pct = { cpus: 50, mem: 50, disk: 0, gpus: 0, ...spec.usedPercent };
  const used: Resources = resources({
    cpus: (capacity.cpus * pct.cpus) / 100,
    mem: (capacity.mem * pct.mem) / 100,
    disk: (capacity.disk * pct.disk) / 100,
    gpus: (capacity.gpus * pct.gpus) / 100,
  });
  const idleAgents = spec.idleAgents ?? [];
  return {
    pool: 'batch',
    observedAt: NOW,
    agents: { registered: usable, usable, idle: idleAgents.length, draining: 0 },
    capacity,
    used,
    agentShape: usable > 0 ? SHAPE : null,
    runningTasks: 40,
    apps: 3,
    headroomApp: spec.headroomApp ?? null,
    idleAgents,
    busyAgents: [],
    drains: [],
    asg: {
      name: 'asg-batch',
      minSize: 0,
      maxSize: 100,
      desiredCapacity: usable,
      inService: usable,
      pending: 0,
      terminating: 0,
      unregistered: 0,
      stuck: 0,
      suspendedProcesses: [],
      lastScaleOutAt: null,
      lastScaleInAt: null,
      activityInProgress: false,
      ...spec.asg,
    },
    distrust: spec.distrust ?? [],
  };
}

export function idleAgents(n: number, overrides: Partial<IdleAgent> = {}): IdleAgent[] {
  return Array.from({ length: n }, (_, i) => idleAgent(i + 1, overrides));
}

export function secondsAgo(seconds: number): number {
  return NOW - seconds * 1000;
}
