import { createSimCluster } from '../../sim/cluster/index.js';
import { EPOCH_MS, type SimCluster, type SimSettings, type TraceTask } from '../../sim/types.js';

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
    asgName: 'asg-batch',
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

/** The error `call` throws, of the class given; fails the test when it throws nothing or something else. */
export function thrown<E extends Error>(kind: new (...args: never[]) => E, call: () => void): E {
  try {
    call();
  } catch (err) {
    if (err instanceof kind) return err;
    throw err;
  }
  throw new Error(`expected a ${kind.name}`);
}
