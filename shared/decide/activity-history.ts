import type { ScalingActivity } from '../model/asg.js';

export interface LastScalingTimes {
  /** Epoch ms (activity StartTime) of the latest scale-out decision in the history (cooldowns count from it). */
  lastScaleOutAt: number | null;
  /** Some activity has not reached Successful, Failed or Cancelled. */
  activityInProgress: boolean;
}

const FINISHED = new Set(['Successful', 'Failed', 'Cancelled']);

const LAUNCH = /^Launching a new EC2 instance/i;
const TERMINATE = /^Terminating EC2 instance/i;
/** Present whenever someone (a user, a policy, a scheduled action) changed the desired capacity. */
const DESIRED_CHANGE = /changing the desired capacity from (\d+) to (\d+)/i;
/** TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity (how agents are removed). */
const USER_TERMINATE_DECREMENT = /in response to a user request, shrinking the capacity from (\d+) to (\d+)/i;
/** The group replacing an unhealthy instance: EC2 or ELB health checks. */
const HEALTH_REPLACEMENT = /health check|unhealthy instance/i;

type ScalingDirection = 'out' | 'in' | null;

function fromTo(match: RegExpMatchArray | null): { from: number; to: number } | null {
  if (match?.[1] === undefined || match[2] === undefined) return null;
  return { from: Number(match[1]), to: Number(match[2]) };
}

/**
 * Whether an activity carries out a decision to change the group's size. Instance replacements keep
 * the desired capacity (their launch says only "in response to a difference between desired and
 * actual capacity"), so only activities that record a change of the desired capacity count.
 */
export function scalingDirection(activity: ScalingActivity): ScalingDirection {
  if (HEALTH_REPLACEMENT.test(activity.cause)) return null;
  const desired = fromTo(activity.cause.match(DESIRED_CHANGE));
  if (LAUNCH.test(activity.description)) {
    return desired !== null && desired.to > desired.from ? 'out' : null;
  }
  if (TERMINATE.test(activity.description)) {
    const change = desired ?? fromTo(activity.cause.match(USER_TERMINATE_DECREMENT));
    return change !== null && change.to < change.from ? 'in' : null;
  }
  return null;
}

/** Cooldowns come from the group's own activity history, so the autoscaler keeps no state for them. */
export function lastScalingTimes(activities: readonly ScalingActivity[]): LastScalingTimes {
  let lastScaleOutAt: number | null = null;
  let activityInProgress = false;
  for (const activity of activities) {
    if (!FINISHED.has(activity.statusCode)) activityInProgress = true;
    if (scalingDirection(activity) === 'out' && (lastScaleOutAt === null || activity.startTime > lastScaleOutAt)) {
      lastScaleOutAt = activity.startTime;
    }
  }
  return { lastScaleOutAt, activityInProgress };
}
