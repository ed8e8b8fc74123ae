import type { AsgState } from './asg.js';
import { AutoscalerError, ErrorNames } from './errors.js';

/**
 * The Auto Scaling groups of one pool. Decisions see them as one group (`merged`): its desired
 * capacity, MinSize and MaxSize are the sums, its instances all of theirs, and a process counts as
 * suspended only when it is suspended in every group. Acting on the pool goes group by group.
 */
export interface PoolGroups {
  groups: AsgState[];
  merged: AsgState;
  /** The group an instance belongs to (undefined when it is in none of them). */
  groupOf(instanceId: string): AsgState | undefined;
}

/** How the pool's groups are named in messages and snapshots: `a` for one group, `a, b` for two. */
export function groupsLabel(names: readonly string[]): string {
  return names.join(', ');
}

export function poolGroups(groups: readonly AsgState[]): PoolGroups {
  const byInstance = new Map<string, AsgState>();
  for (const group of groups) for (const instance of group.instances) byInstance.set(instance.instanceId, group);
  const sum = (of: (g: AsgState) => number) => groups.reduce((total, g) => total + of(g), 0);
  const first = groups[0];
  const merged: AsgState = groups.length === 1 && first !== undefined
    ? first
    : {
        name: groupsLabel(groups.map((g) => g.name)),
        minSize: sum((g) => g.minSize),
        maxSize: sum((g) => g.maxSize),
        desiredCapacity: sum((g) => g.desiredCapacity),
        instances: groups.flatMap((g) => g.instances),
        suspendedProcesses: (first?.suspendedProcesses ?? []).filter((p) => groups.every((g) => g.suspendedProcesses.includes(p))),
        tags: first?.tags ?? {},
      };
  return { groups: [...groups], merged, groupOf: (instanceId) => byInstance.get(instanceId) };
}

/**
 * Picks the pool's groups, in the configured order, out of a DescribeAutoScalingGroups answer.
 * Any missing group is an error: no retry helps until the pool's configuration is fixed.
 */
export function pickPoolGroups(pool: string, names: readonly string[], described: readonly AsgState[]): PoolGroups {
  const byName = new Map(described.map((g) => [g.name, g]));
  const missing = names.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    throw new AutoscalerError(
      ErrorNames.UnknownPool,
      `Auto Scaling group ${groupsLabel(missing)} of pool ${pool} does not exist; fix the pool's asg-name`,
    );
  }
  return poolGroups(names.map((name) => byName.get(name)!));
}

/** Median instance weight of a group: the units one more of its instances adds (1 with none). */
function stepOf(group: AsgState): number {
  const weights = group.instances.map((i) => i.weight).sort((a, b) => a - b);
  return weights.length === 0 ? 1 : weights[Math.floor((weights.length - 1) / 2)]!;
}

/**
 * Spreads a pool's new desired capacity over its groups, balanced: each step (one instance's worth of
 * units) goes to the group with the lowest desired capacity that is below its MaxSize, earlier groups
 * first on ties. A group whose Launch process is suspended gets units only when no other group can
 * take them. Returns each group's new desired capacity, in the groups' order; the sum falls short of
 * `target` only when every group is at its MaxSize.
 */
export function spreadScaleOut(groups: readonly AsgState[], target: number): number[] {
  const desired = groups.map((g) => g.desiredCapacity);
  let missing = target - desired.reduce((a, b) => a + b, 0);
  const launches = (i: number) => !groups[i]!.suspendedProcesses.includes('Launch');
  while (missing > 0) {
    const open = desired.flatMap((d, i) => (d < groups[i]!.maxSize ? [i] : []));
    const candidates = open.some(launches) ? open.filter(launches) : open;
    if (candidates.length === 0) break;
    const chosen = candidates.reduce((best, i) => (desired[i]! < desired[best]! ? i : best));
    const group = groups[chosen]!;
    const step = Math.min(stepOf(group), missing, group.maxSize - desired[chosen]!);
    desired[chosen] = desired[chosen]! + step;
    missing -= step;
  }
  return desired;
}

/**
 * Units each group can still give up through TerminateInstanceInAutoScalingGroup with decrement:
 * down to its MinSize, none while its Terminate process is suspended.
 */
export function removableByGroup(groups: readonly AsgState[]): Map<string, number> {
  return new Map(groups.map((g) => [g.name, g.suspendedProcesses.includes('Terminate') ? 0 : Math.max(0, g.desiredCapacity - g.minSize)]));
}
