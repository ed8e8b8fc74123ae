import { isoSeconds } from '../types.js';

/**
 * Descriptions and causes of scaling activities in EC2 Auto Scaling's own wording, so the
 * autoscaler's cooldown code (shared/decide/activity-history.ts) reads them as it reads AWS's.
 */

/** AWS writes causes with second precision. */
function at(t: number): string {
  return `At ${isoSeconds(t)}`;
}

export const launchDescription = (instanceId: string) => `Launching a new EC2 instance: ${instanceId}`;
export const terminateDescription = (instanceId: string) => `Terminating EC2 instance: ${instanceId}`;

/** SetDesiredCapacity raised the desired capacity: one activity per launched instance. */
export function launchForDesiredChange(t: number, from: number, to: number): string {
  return (
    `${at(t)} a user request explicitly set group desired capacity changing the desired capacity from ${from} to ${to}.  ` +
    `${at(t)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`
  );
}

/** The group replacing an instance terminated without decrement: the desired capacity did not change. */
export function launchReplacement(t: number, from: number, to: number): string {
  return `${at(t)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`;
}

/** SetDesiredCapacity lowered the desired capacity: one activity per instance the group picked. */
export function terminateForDesiredChange(t: number, from: number, to: number, instanceId: string): string {
  return (
    `${at(t)} a user request explicitly set group desired capacity changing the desired capacity from ${from} to ${to}.  ` +
    `${at(t)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${from} to ${to}.  ` +
    `${at(t)} instance ${instanceId} was selected for termination.`
  );
}

/** TerminateInstanceInAutoScalingGroup; `shrink` when it decremented the desired capacity. */
export function terminateByUser(t: number, instanceId: string, shrink: { from: number; to: number } | null): string {
  const base = `${at(t)} instance ${instanceId} was taken out of service in response to a user request`;
  return shrink === null ? `${base}.` : `${base}, shrinking the capacity from ${shrink.from} to ${shrink.to}.`;
}

/** EC2 took the instance away (a spot interruption): the group finds it by its health check and replaces it. */
export function terminateForHealthCheck(t: number): string {
  return `${at(t)} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.`;
}

/** EC2 announced a Spot interruption: the group starts terminating the instance at once (its lifecycle hook runs, EC2 does not wait for it). */
export function terminateForSpotInterruption(t: number): string {
  return `${at(t)} an instance was taken out of service in response to an EC2 Spot Instance interruption notice.`;
}
