import { SimApiError, type ResolvedSimSettings } from '../types.js';

/** Each group of the pool is in its own zone of this region, in group order. */
const REGION = 'us-east-1';
const ZONE_LETTERS = 'abcdefghij';

/** One Auto Scaling group of the pool: its name, availability zone, bounds (capacity units) and the agents it starts with. */
export interface GroupSpec {
  name: string;
  zone: string;
  minSize: number;
  maxSize: number;
  initialAgents: number;
}

/** The pool's group names: `asgName` itself for one group, else `asgName-1` .. `asgName-N`. */
export function groupNames(asgName: string, count: number): string[] {
  return count === 1 ? [asgName] : Array.from({ length: count }, (_, i) => `${asgName}-${i + 1}`);
}

/** `total` as `count` whole parts summing to it, as even as can be: the earlier parts take the remainder. */
export function splitEvenly(total: number, count: number): number[] {
  const base = Math.floor(total / count);
  return Array.from({ length: count }, (_, i) => base + (i < total % count ? 1 : 0));
}

/**
 * The pool's groups: the pool's min and max split over them (their sums are the pool's), the
 * initial agents dealt round robin from the first group.
 */
export function poolGroups(s: Pick<ResolvedSimSettings, 'asgName' | 'asgCount' | 'minSize' | 'maxSize' | 'initialAgents'>): GroupSpec[] {
  const mins = splitEvenly(s.minSize, s.asgCount);
  const maxes = splitEvenly(s.maxSize, s.asgCount);
  const initial = splitEvenly(s.initialAgents, s.asgCount);
  return groupNames(s.asgName, s.asgCount).map((name, i) => ({
    name,
    zone: `${REGION}${ZONE_LETTERS[i]}`,
    minSize: mins[i]!,
    maxSize: maxes[i]!,
    initialAgents: initial[i]!,
  }));
}

export interface GroupLevel {
  desired: number;
  minSize: number;
  maxSize: number;
}

/**
 * Each group's desired capacity once the pool's `total` is spread over the groups, balanced, from
 * their present desired capacities: each instance's worth (`step` units, less where the total or a
 * bound is nearer) added goes to the group with the lowest desired capacity below its max, each
 * removed comes from the group with the highest above its min; ties go to the earlier group.
 * A total outside the sums of the groups' bounds is a ValidationError, as a group rejects one outside its own.
 */
export function spreadTotal(groups: readonly GroupLevel[], total: number, step: number): number[] {
  const lowest = groups.reduce((n, g) => n + g.minSize, 0);
  const highest = groups.reduce((n, g) => n + g.maxSize, 0);
  if (!Number.isInteger(total) || total < lowest || total > highest) {
    throw new SimApiError('ValidationError', `The pool's desired capacity must be a whole number from ${lowest} to ${highest} (the sums of its groups' min and max), got ${total}.`);
  }
  const desired = groups.map((g) => g.desired);
  let sum = desired.reduce((a, b) => a + b, 0);
  while (sum !== total) {
    const adding = sum < total;
    let pick = -1;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      const d = desired[i]!;
      const movable = adding ? d < g.maxSize : d > g.minSize;
      if (movable && (pick < 0 || (adding ? d < desired[pick]! : d > desired[pick]!))) pick = i;
    }
    const g = groups[pick]!;
    const d = desired[pick]!;
    const units = Math.min(step, Math.abs(total - sum), adding ? g.maxSize - d : d - g.minSize);
    desired[pick] = adding ? d + units : d - units;
    sum += adding ? units : -units;
  }
  return desired;
}
