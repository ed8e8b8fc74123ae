import type { RequirementRecord } from '../aws/ports.js';
import type { PoolConfig } from '../config/types.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { unitCount, unitsOf } from './capacity-units.js';
import { launchingOf, leavingUnits } from './combine.js';
import { count, isoUtc } from './format.js';

/**
 * A desired capacity on its way through the constraints, in the group's unit: capacity units when
 * its instances carry weights (min, max and the steps are then units too), else agents.
 */
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
  /** The requirements of this run and the recent ones within the stabilisation window, oldest first. */
  history: RequirementRecord[];
  /** Epoch ms since which that record is unbroken (null: none, so the window starts now). */
  historySince: number | null;
}

export type Constraint = (proposal: Proposal, context: ConstraintContext) => Proposal;

function bind(proposal: Proposal, target: number, boundBy: string, ...reasons: string[]): Proposal {
  return { target, boundBy, reasons: [...proposal.reasons, ...reasons] };
}

/** Capacity on its way in or out, in words; null when there is none. */
export function capacityInFlight(snapshot: PoolSnapshot): string | null {
  const { asg, agents } = snapshot;
  const parts: string[] = [];
  if (launchingOf(snapshot) > 0) {
    const units = unitsOf(snapshot);
    const usable = units.weighted ? `${units.usable} capacity units of ${count(agents.usable, 'usable agent')}` : count(agents.usable, 'usable agent');
    parts.push(`desired capacity ${asg.desiredCapacity} but ${usable}${units.draining + units.stuck > 0 ? ` (+${units.draining} draining, ${units.stuck} stuck)` : ''}`);
  }
  if (asg.pending > 0) parts.push(`${count(asg.pending, 'instance')} pending`);
  if (asg.terminating > 0) parts.push(`${count(asg.terminating, 'instance')} terminating`);
  return parts.length === 0 ? null : parts.join(', ');
}

/**
 * Fail safe: never remove capacity on data that cannot be trusted, nor while the group is still
 * launching (what it launches was wanted a moment ago; the surplus is measured again once it is in).
 */
const scaleInSafety: Constraint = (proposal, { snapshot }) => {
  const desired = snapshot.asg.desiredCapacity;
  if (proposal.target >= desired) return proposal;
  const blockers: Array<{ name: string; reason: string }> = snapshot.distrust.map((d) => ({
    name: 'distrust',
    reason: `not removing capacity on data that cannot be trusted: ${d}`,
  }));
  const launching = launchingOf(snapshot);
  if (launching > 0) blockers.push({ name: 'in-flight', reason: `not removing capacity while ${unitCount(snapshot, launching, 'instance')} ${launching === 1 ? 'is' : 'are'} launching` });
  const first = blockers[0];
  return first === undefined ? proposal : bind(proposal, desired, first.name, ...blockers.map((b) => b.reason));
};

/**
 * A scale-in removes only what every requirement recorded over the stabilisation window left
 * surplus: the highest requirement of the window decides. Without a record covering the window
 * (first runs, memory lost) nothing is removed until it does.
 */
const stabilisation: Constraint = (proposal, { snapshot, config, now, history, historySince }) => {
  const desired = snapshot.asg.desiredCapacity;
  if (proposal.target >= desired) return proposal;
  const window = config.scaleInStabilisationSeconds * 1000;
  if (window > 0 && (historySince === null || now - historySince < window)) {
    const since = historySince ?? now;
    return bind(proposal, desired, 'stabilisation', `requirements recorded since ${isoUtc(since)}: a scale-in needs ${config.scaleInStabilisationSeconds} s of them, until ${isoUtc(since + window)}`);
  }
  const peak = history.reduce<RequirementRecord | null>((top, r) => (top === null || r.agents > top.agents ? r : top), null);
  if (peak === null) return proposal;
  // The record keeps agents of the usual shape: each one above it frees the typical weight.
  const units = unitsOf(snapshot);
  const allowed = Math.max(0, (snapshot.agents.usable - peak.agents) * units.typical + units.stuck);
  const leaving = leavingUnits(snapshot);
  if (desired - leaving - proposal.target <= allowed) return proposal;
  if (allowed === 0) return bind(proposal, desired, 'stabilisation', `the requirement was ${count(peak.agents, 'usable agent')} at ${isoUtc(peak.at)}, within the ${config.scaleInStabilisationSeconds} s stabilisation window: nothing removed`);
  return bind(
    proposal,
    desired - leaving - allowed,
    'stabilisation',
    `the requirement was ${count(peak.agents, 'usable agent')} at ${isoUtc(peak.at)}, within the ${config.scaleInStabilisationSeconds} s stabilisation window: ${unitCount(snapshot, allowed)} removed`,
  );
};

/**
 * When each cooldown ends (epoch ms), from the group's history: both after the last scale-out (a
 * scale-in's own terminations come one by one as drains end, so they do not restart a cooldown;
 * the stabilisation window already keeps scale-ins apart). Null without a scale-out in the history.
 */
export function cooldownsOf(asg: PoolSnapshot['asg'], config: PoolConfig): { up: { until: number; since: number } | null; down: { until: number; since: number } | null } {
  const { lastScaleOutAt } = asg;
  return {
    up: lastScaleOutAt === null ? null : { until: lastScaleOutAt + config.cooldownUpSeconds * 1000, since: lastScaleOutAt },
    down: lastScaleOutAt === null ? null : { until: lastScaleOutAt + config.cooldownDownSeconds * 1000, since: lastScaleOutAt },
  };
}

const cooldown: Constraint = (proposal, { snapshot, config, now }) => {
  const desired = snapshot.asg.desiredCapacity;
  const { up, down } = cooldownsOf(snapshot.asg, config);
  if (proposal.target > desired && up !== null && now < up.until) {
    return bind(proposal, desired, 'cooldown-up', `cooldown for scale-out until ${isoUtc(up.until)} (last scale-out at ${isoUtc(up.since)})`);
  }
  if (proposal.target < desired && down !== null && now < down.until) {
    return bind(proposal, desired, 'cooldown-down', `cooldown for scale-in until ${isoUtc(down.until)} (last scale-out at ${isoUtc(down.since)})`);
  }
  return proposal;
};

const maxStep: Constraint = (proposal, { snapshot, config }) => {
  const desired = snapshot.asg.desiredCapacity;
  if (proposal.target > desired + config.maxStepUp) {
    return bind(proposal, desired + config.maxStepUp, 'max-step-up', `at most ${unitCount(snapshot, config.maxStepUp)} added per run (max step up; a target of ${proposal.target} wanted)`);
  }
  // Drains in progress were counted by earlier runs: the step limits what this run adds to them.
  const floor = desired - leavingUnits(snapshot) - config.maxStepDown;
  if (proposal.target < floor) {
    return bind(proposal, floor, 'max-step-down', `at most ${unitCount(snapshot, config.maxStepDown)} more removed per run (max step down; a target of ${proposal.target} wanted)`);
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
    result = bind(result, min, 'min', desired < min ? `desired capacity ${desired} is below the minimum of ${min}: raising it` : `scale-in stops at the minimum of ${unitCount(snapshot, min)}`);
  }
  if (result.target > max) {
    result = bind(result, max, 'max', desired > max ? `desired capacity ${desired} is above the maximum of ${max}: lowering it` : `scale-out stops at the maximum of ${unitCount(snapshot, max)}`);
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
