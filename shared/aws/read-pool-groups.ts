import type { ScalingActivity } from '../model/asg.js';
import { pickPoolGroups, poolGroups, type PoolGroups } from '../model/pool-groups.js';
import type { AutoScalingPort } from './ports.js';

/** The pool's groups; throws UnknownPool when one of them does not exist. */
export async function readPoolGroups(autoScaling: AutoScalingPort, pool: string, names: readonly string[]): Promise<PoolGroups> {
  return pickPoolGroups(pool, names, await autoScaling.describeGroups([...names]));
}

/** The pool's groups, or null when one of them cannot be found (a caller that can wait for a later read). */
export async function readPoolGroupsIfPresent(autoScaling: AutoScalingPort, names: readonly string[]): Promise<PoolGroups | null> {
  const described = await autoScaling.describeGroups([...names]);
  const groups = names.map((name) => described.find((g) => g.name === name));
  return groups.every((g) => g !== undefined) ? poolGroups(groups) : null;
}

/** The recent activities of every group, newest first, at most `limit`. */
export async function recentPoolActivities(autoScaling: AutoScalingPort, names: readonly string[], limit: number): Promise<ScalingActivity[]> {
  const perGroup = await Promise.all(names.map((name) => autoScaling.recentActivities(name, limit)));
  return perGroup.flat().sort((a, b) => b.startTime - a.startTime).slice(0, limit);
}
