import { RESOURCE_NAMES, type Resources } from '../model/resources.js';
import { floorTolerant } from './numbers.js';

/** True when the task asks for some resource: a task that asks for nothing always fits and never needs room. */
export function needsResources(task: Resources): boolean {
  return RESOURCE_NAMES.some((r) => task[r] > 0);
}

/**
 * How many copies of `task` fit in `free` (one agent's free space). Only resources the task asks
 * for count; negative free space counts as none. Callers pass tasks that need some resource.
 */
export function tasksThatFit(free: Resources, task: Resources): number {
  let fits = Number.POSITIVE_INFINITY;
  for (const r of RESOURCE_NAMES) {
    if (task[r] > 0) fits = Math.min(fits, floorTolerant(Math.max(0, free[r]) / task[r]));
  }
  return fits;
}

/**
 * The task's largest share of one agent over the resources it asks for: the resource that limits
 * how many fit. Infinite when it asks for a resource the agent shape lacks.
 */
export function dominantShare(task: Resources, shape: Resources): number {
  let share = 0;
  for (const r of RESOURCE_NAMES) {
    if (task[r] > 0) share = Math.max(share, shape[r] > 0 ? task[r] / shape[r] : Number.POSITIVE_INFINITY);
  }
  return share;
}
