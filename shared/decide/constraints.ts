import type { PoolConfig } from '../config/types.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { count, isoUtc } from './format.js';

/** A desired capacity on its way through the constraints. */
export interface Proposal {
  target: number;
  /** The last constraint that changed the target. */
  boundBy: string | null;
  /** What the constraints did, in order. */
  reasons: string[];
}

export interface ConstraintContext {
  snapshot: PoolSnapshot;
  config: PoolConfig;
  now: number;
  /** Since when scale-in has been wanted without interruption (this run included), null when it is not. */
  scaleInWantedSince: number | null;
}

export type Constraint = (proposal: Proposal, context: ConstraintContext) => Proposal;

function bind(proposal: Proposal, target: number, boundBy: string, ...reasons: string[]): Proposal {
  return { target, boundBy, reasons: [...proposal.reasons, ...reasons] };
}

/** Capacity on its way in or out, in words; null when there is none. */
export function capacityInFlight(snapshot: PoolSnapshot): string | null {
  const { asg, agents } = snapshot;
  const parts: string[] = [];
  // Draining agents and stuck instances are in the desired capacity but will never become usable.
  const accounted = agents.usable + agents.draining + asg.stuck;
  if (asg.desiredCapacity > accounted) {
    parts.push(`desired capacity ${asg.desiredCapacity} but ${count(agents.usable, 'usable agent')}${agents.draining + asg.stuck > 0 ? ` (+${agents.draining} draining, ${asg.stuck} stuck)` : ''}`);
  }
  if (asg.pending > 0) parts.push(`${count(asg.pending, 'instance')} pending`);
  if (asg.terminating > 0) parts.push(`${count(asg.terminating, 'instance')} terminating`);
  return parts.length === 0 ? null : parts.join(', ');
}

/**
 * Fail safe: never remove capacity on data that cannot be trusted, nor while capacity is still
 * arriving or leaving (the agents counted idle may be the ones already going).
 */
const scaleInSafety: Constraint = (proposal, { snapshot }) => {
  const desired = snapshot.asg.desiredCapacity;
  if (proposal.target >= desired) return proposal;
  const blockers: Array<{ name: string; reason: string }> = snapshot.distrust.map((d) => ({
    name: 'distrust',
    reason: `not removing capacity on data that cannot be trusted: ${d}`,
  }));
  const inFlight = capacityInFlight(snapshot);
  if (inFlight !== null) blockers.push({ name: 'in-flight', reason: `not removing capacity while capacity is in flight: ${inFlight}` });
  if (snapshot.asg.activityInProgress) {
    blockers.push({ name: 'activity-in-progress', reason: 'not removing capacity while a scaling activity of the group is in progress' });
  }
  const first = blockers[0];
  return first === undefined ? proposal : bind(proposal, desired, first.name, ...blockers.map((b) => b.reason));
};

/** A scale-in must have been wanted continuously for the stabilisation window. */
const stabilisation: Constraint = (proposal, { snapshot, config, now, scaleInWantedSince }) => {
  const desired = snapshot.asg.desiredCapacity;
  if (proposal.target >= desired) return proposal;
  const since = scaleInWantedSince ?? now;
  const until = since + config.scaleInStabilisationSeconds * 1000;
  if (now >= until) return proposal;
  return bind(
    proposal,
    desired,
    'stabilisation',
    `scale-in wanted since ${isoUtc(since)}: it must hold for ${config.scaleInStabilisationSeconds} s, until ${isoUtc(until)}`,
  );
};

/** Scale-out waits for the last scale-out's cooldown; scale-in for the last change in either direction. */
/**
 * When each cooldown ends (epoch ms), from the group's history: scale-out after the last scale-out,
 * scale-in after the last scaling of either kind; null without such history.
 */
export function cooldownsOf(asg: PoolSnapshot['asg'], config: PoolConfig): { up: { until: number; since: number } | null; down: { until: number; since: number } | null } {
  const { lastScaleOutAt, lastScaleInAt } = asg;
  const last = Math.max(lastScaleOutAt ?? Number.NEGATIVE_INFINITY, lastScaleInAt ?? Number.NEGATIVE_INFINITY);
  return {
    up: lastScaleOutAt === null ? null : { until: lastScaleOutAt + config.cooldownUpSeconds * 1000, since: lastScaleOutAt },
    down: Number.isFinite(last) ? { until: last + config.cooldownDownSeconds * 1000, since: last } : null,
  };
}

const cooldown: Constraint = (proposal, { snapshot, config, now }) => {
  const desired = snapshot.asg.desiredCapacity;
  const { up, down } = cooldownsOf(snapshot.asg, config);
  if (proposal.target > desired && up !== null && now < up.until) {
    return bind(proposal, desired, 'cooldown-up', `cooldown for scale-out until ${isoUtc(up.until)} (last scale-out at ${isoUtc(up.since)})`);
  }
  if (proposal.target < desired && down !== null && now < down.until) {
    return bind(proposal, desired, 'cooldown-down', `cooldown for scale-in until ${isoUtc(down.until)} (last scaling at ${isoUtc(down.since)})`);
  }
  return proposal;
};

const maxStep: Constraint = (proposal, { snapshot, config }) => {
  const desired = snapshot.asg.desiredCapacity;
  if (proposal.target > desired + config.maxStepUp) {
    return bind(proposal, desired + config.maxStepUp, 'max-step-up', `at most ${count(config.maxStepUp, 'agent')} added per run (max step up; a target of ${proposal.target} wanted)`);
  }
  if (proposal.target < desired - config.maxStepDown) {
    return bind(proposal, desired - config.maxStepDown, 'max-step-down', `at most ${count(config.maxStepDown, 'agent')} removed per run (max step down; a target of ${proposal.target} wanted)`);
  }
  return proposal;
};

/**
 * [min, max] is a hard bound and comes after step and cooldowns: a desired capacity outside it is
 * brought back at once, even with no signal.
 */
const range: Constraint = (proposal, { snapshot, config }) => {
  const desired = snapshot.asg.desiredCapacity;
  const { minAgents: min, maxAgents: max } = config;
  let result = proposal;
  if (result.target < min) {
    result = bind(result, min, 'min', desired < min ? `desired capacity ${desired} is below the minimum of ${min}: raising it` : `scale-in stops at the minimum of ${count(min, 'agent')}`);
  }
  if (result.target > max) {
    result = bind(result, max, 'max', desired > max ? `desired capacity ${desired} is above the maximum of ${max}: lowering it` : `scale-out stops at the maximum of ${count(max, 'agent')}`);
  }
  return result;
};

/** A paused pool is left exactly as it is. */
const paused: Constraint = (proposal, { snapshot, config }) => {
  if (!config.paused) return proposal;
  const desired = snapshot.asg.desiredCapacity;
  const otherwise = proposal.target === desired ? '' : ` (unpaused, the target would be ${proposal.target})`;
  return bind(proposal, desired, 'paused', `pool is paused: desired capacity stays at ${desired}${otherwise}`);
};

/** In order: later constraints see, and may override, what earlier ones did. */
const CONSTRAINTS: readonly Constraint[] = [scaleInSafety, stabilisation, cooldown, maxStep, range, paused];

export function applyConstraints(proposal: Proposal, context: ConstraintContext): Proposal {
  return CONSTRAINTS.reduce((p, constraint) => constraint(p, context), proposal);
}
