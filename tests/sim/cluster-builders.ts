import type { MaintenanceWindow } from '../../shared/mesos/maintenance-schedule.js';
import type { AsgState } from '../../shared/model/asg.js';
import { createSimCluster } from '../../sim/cluster/index.js';
import { EPOCH_MS, SimApiError, SimMesosRejected, type SimCluster, type SimSettings, type TraceTask } from '../../sim/types.js';
import { thrown } from '../support/rejection.js';

/** The group of the pool `settings()` makes when it has one. */
export const ASG = 'asg-batch';

/** A 4-cpu pool, 120 s boot, no faults, nothing running at t = 0. */
export function settings(extra: Partial<SimSettings> = {}): SimSettings {
  return {
    agentCpus: 4,
    agentMemMb: 16_000,
    bootSeconds: 120,
    placement: 'binpack',
    seed: 1,
    faults: 0,
    minSize: 0,
    maxSize: 10,
    initialAgents: 0,
    pool: 'batch',
    asgName: ASG,
    ...extra,
  };
}

let counter = 0;

export function task(t: number, extra: Partial<TraceTask> = {}): TraceTask {
  counter += 1;
  return { t, id: `task-${counter}`, app: 'app', cpus: 1, memMb: 1000, duration: 100, kind: 'batch', ...extra };
}

export function cluster(tasks: TraceTask[], extra: Partial<SimSettings> = {}): SimCluster {
  return createSimCluster({ name: 'hand-made', tasks }, settings(extra));
}

/** cpus in use per agent, in registration order. */
export function usedCpus(c: SimCluster): number[] {
  return c.mesos().agents.map((a) => a.used.cpus);
}

/** Virtual start time of each running task, by Marathon app id. */
export function startedByApp(c: SimCluster): Map<string, { startedAt: number; agentId: string }> {
  const epoch = EPOCH_MS / 1000;
  return new Map(c.mesos().tasks.map((t) => [t.appId, { startedAt: (t.startedAt ?? Number.NaN) - epoch, agentId: t.agentId }]));
}

/** The error the simulated AWS API answers `call` with. */
export const apiError = (call: () => void) => thrown(SimApiError, call);

/** The refusal the simulated Mesos master answers `call` with. */
export const masterRejection = (call: () => void) => thrown(SimMesosRejected, call);

/** The group of a pool of one group. */
export function onlyGroup(c: SimCluster): AsgState {
  const groups = c.describeGroups();
  if (groups.length !== 1) throw new Error(`the pool has ${groups.length} groups, not one`);
  return groups[0]!;
}

/** The instance's lifecycle state in whichever group holds it, or `gone`. */
export const stateOf = (c: SimCluster, instanceId: string) =>
  c.describeGroups().flatMap((g) => g.instances).find((i) => i.instanceId === instanceId)?.lifecycleState ?? 'gone';

/** Another tool's open-ended window in the maintenance schedule: the autoscaler must leave it alone. */
export const OTHER_TOOL: MaintenanceWindow = { machineIds: [{ hostname: 'db-7.example.internal', ip: '10.9.9.7' }], startNs: 1_767_571_200_123_456_789n, durationNs: null };
