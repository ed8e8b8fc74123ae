import { RESOURCE_NAMES, resources, type ResourceName, type Resources } from '../model/resources.js';
import type { PoolConfig } from '../config/types.js';
import type { IdleAgent, PoolSnapshot } from '../model/snapshot.js';

/**
 * The idle agents a scale-in may take away, and what taking k of them costs at worst. `scale`
 * chooses which instances go, so every check assumes the k costliest ones: per resource the k
 * largest totals, for headroom the k largest headroom fits.
 */
export interface RemovalCandidates {
  count: number;
  /** Capacity lost, per resource, when any k of the candidates are removed (worst case). */
  capacityLost(k: number): Resources;
  /** Headroom-app tasks that no longer fit when any k of the candidates are removed (worst case). */
  headroomLost(k: number): number;
}

/** Prefix sums of the values sorted from largest: sums[k] is the total of the k largest. */
function largestSums(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => b - a);
  const sums = [0];
  for (const v of sorted) sums.push((sums[sums.length - 1] ?? 0) + v);
  return sums;
}

/**
 * What a scale-in can remove: instances stuck without an agent (they cost no capacity), idle agents
 * matched to an instance of the group, and, when the pool allows draining busy agents, the busy
 * ones (they leave once empty). Each removal drains, so at most `maxDraining` at once, counting the
 * drains still owned by running executions.
 */
export function removalCandidates(snapshot: PoolSnapshot, config: PoolConfig): RemovalCandidates {
  const agents: IdleAgent[] = [
    ...snapshot.idleAgents.filter((a) => a.instanceId !== null),
    ...(config.drain.busyAgents ? snapshot.busyAgents : []),
  ];
  const stuck = snapshot.asg.stuck;
  const slots = Math.max(0, config.drain.maxDraining - snapshot.drains.filter((d) => d.owned).length);
  const perResource = Object.fromEntries(
    RESOURCE_NAMES.map((r) => [r, largestSums(agents.map((a) => a.total[r]))]),
  ) as Record<ResourceName, number[]>;
  const headroom = largestSums(agents.map((a) => a.headroomFits));
  // The stuck instances go first and cost nothing; agents after them.
  const at = (sums: number[], k: number) => sums[Math.max(0, Math.min(k - stuck, agents.length))] ?? 0;
  return {
    count: Math.min(slots, stuck + agents.length),
    capacityLost: (k) =>
      resources({
        cpus: at(perResource.cpus, k),
        mem: at(perResource.mem, k),
        disk: at(perResource.disk, k),
        gpus: at(perResource.gpus, k),
      }),
    headroomLost: (k) => at(headroom, k),
  };
}

/** The largest k in [0, limit] for which `allowed(k)` holds, for checks that only get harder as k grows. */
export function largestAllowed(limit: number, allowed: (k: number) => boolean): number {
  let k = 0;
  while (k < limit && allowed(k + 1)) k += 1;
  return k;
}
