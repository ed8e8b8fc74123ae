import type { ClusterMetrics } from '../types.js';
import type { LifecycleCounts } from './auto-scaling-group.js';
import type { SimInstance, TaskRun } from './model.js';

type DrainMetrics = Pick<ClusterMetrics, 'drainsStarted' | 'drainsCompleted' | 'drainsCancelled' | 'drainSecondsP50' | 'drainSecondsP95'>;

export interface MetricsInput {
  tasks: readonly TaskRun[];
  instances: Iterable<SimInstance>;
  killTimes: readonly number[];
  /** When tasks were killed by injected faults. */
  faultKillTimes: readonly number[];
  scaleOutTimes: readonly number[];
  scaleInTimes: readonly number[];
  /** Flat [t, instances, ...] in time order. */
  sizeLog: readonly number[];
  lifecycle: Readonly<LifecycleCounts>;
}

const HOUR = 3600;

function overlap(from: number, to: number, W: number): number {
  return Math.max(0, Math.min(to, W) - Math.max(from, 0));
}

const countBefore = (times: readonly number[], W: number) => times.reduce((n, t) => (t < W ? n + 1 : n), 0);

/** Seconds a task waited within [0, W); a wait still open counts until W. */
function waitedSeconds(task: TaskRun, W: number): number {
  let seconds = 0;
  const waits = task.waits;
  for (let i = 0; i < waits.length; i += 2) seconds += overlap(waits[i]!, waits[i + 1]!, W);
  if (task.state === 'waiting') seconds += overlap(task.waitingSince, W, W);
  return seconds;
}

/** Nearest-rank percentile (0 for no values); sorts `values` in place. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[Math.max(0, Math.ceil(p * values.length) - 1)]!;
}

/**
 * DESIGN §6 metrics over [0, W), from what the cluster recorded. Waiting covers every wait of a
 * task (a re-queued task waits again); a service task stops waiting at its fixed end, so its
 * waiting is exactly its lost service, min(duration, lateness) for a single late start.
 */
export function windowMetrics(input: MetricsInput, W: number, drains: DrainMetrics): Omit<ClusterMetrics, 'maintenanceWindowsLeft' | 'machinesDownLeft'> {
  let instanceSeconds = 0;
  let waitSeconds = 0;
  for (const instance of input.instances) {
    instanceSeconds += overlap(instance.launchedAt, instance.terminatedAt ?? Infinity, W);
    if (instance.terminatingAt !== null) waitSeconds += overlap(instance.terminatingAt, instance.terminatedAt ?? Infinity, W);
  }

  let demandCpuSeconds = 0;
  let unmetCpuSeconds = 0;
  const pending: number[] = [];
  for (const task of input.tasks) {
    const { t, cpus, duration } = task.spec;
    if (t >= W) break;
    demandCpuSeconds += cpus * overlap(t, t + duration, W);
    const waited = waitedSeconds(task, W);
    unmetCpuSeconds += cpus * waited;
    pending.push(waited);
  }

  let peakInstances = 0;
  for (let i = 0; i < input.sizeLog.length && input.sizeLog[i]! < W; i += 2) peakInstances = Math.max(peakInstances, input.sizeLog[i + 1]!);

  return {
    instanceHours: instanceSeconds / HOUR,
    demandCpuHours: demandCpuSeconds / HOUR,
    unmetCpuHours: unmetCpuSeconds / HOUR,
    pendingSecondsP95: percentile(pending, 0.95),
    tasksKilled: countBefore(input.killTimes, W),
    tasksLostToFaults: countBefore(input.faultKillTimes, W),
    scaleOutActions: countBefore(input.scaleOutTimes, W),
    scaleInActions: countBefore(input.scaleInTimes, W),
    peakInstances,
    ...drains,
    lifecycleActionsStarted: input.lifecycle.started,
    lifecycleActionsCompleted: input.lifecycle.completed,
    lifecycleActionsTimedOut: input.lifecycle.timedOut,
    lifecycleHeartbeats: input.lifecycle.heartbeats,
    lifecycleWaitInstanceHours: waitSeconds / HOUR,
  };
}
