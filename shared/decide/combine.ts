import type { Signal } from '../model/plan.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { count } from './format.js';
import type { Requirement } from './verdict.js';

/** The signals' joint proposal, before any constraint. */
export interface Combined {
  /** Usable agents the pool needs: the largest requirement (the usable agents when no signal has an opinion). */
  required: number;
  /** The requirement that set `required`; null when none had an opinion. */
  decidedBy: Requirement | null;
  /** Desired capacity the signals ask for. */
  target: number;
  /** Draining agents to put back into service instead of launching new ones. */
  reactivate: number;
  signals: Signal[];
  reasons: string[];
}

/** Drains whose instance is still in service in the group: part of the desired capacity, on their way out. */
export function drainsInGroup(snapshot: PoolSnapshot): PoolSnapshot['drains'] {
  return snapshot.drains.filter((d) => d.inGroup !== false);
}

/** Instances the group is launching: in the desired capacity, not yet usable, draining or stuck. */
export function launchingOf(snapshot: PoolSnapshot): number {
  const { asg, agents } = snapshot;
  return Math.max(0, asg.desiredCapacity - agents.usable - agents.draining - asg.stuck);
}

/**
 * The largest requirement wins. Above the usable agents, capacity already launching counts first,
 * then draining agents come back (they run and are paid for), and only the rest is launched. Below
 * them, the surplus (and any instance stuck without an agent) is proposed for removal, at most as
 * many as can be removed now; the constraints then decide whether it stayed a surplus long enough.
 */
export function combineRequirements(requirements: readonly Requirement[], snapshot: PoolSnapshot, removable: number): Combined {
  const desired = snapshot.asg.desiredCapacity;
  const usable = snapshot.agents.usable;
  const signals = requirements.flatMap((r) => r.signals);
  const reasons = requirements.flatMap((r) => r.reasons);
  let decidedBy: Requirement | null = null;
  for (const r of requirements) if (r.agents !== null && (decidedBy === null || r.agents > (decidedBy.agents as number))) decidedBy = r;
  const required = decidedBy === null ? usable : (decidedBy.agents as number);
  const launching = launchingOf(snapshot);
  signals.push({ name: 'required', value: required, wantsAgents: required, detail: decidedBy === null ? 'no signal has an opinion' : `set by ${decidedBy.source}` });

  if (required > usable) {
    const missing = required - usable;
    const counted = Math.min(missing, launching);
    const reactivate = Math.min(missing - counted, drainsInGroup(snapshot).length);
    const launch = missing - counted - reactivate;
    if (counted > 0) reasons.push(`${count(counted, 'agent')} already launching counted towards the ${missing} missing`);
    if (reactivate > 0) reasons.push(`${count(reactivate, 'draining agent')} put back into service instead of launching`);
    return { required, decidedBy, target: desired + launch, reactivate, signals, reasons };
  }
  const surplus = usable - required + snapshot.asg.stuck;
  const remove = Math.min(surplus, removable);
  if (surplus <= 0) return { required, decidedBy, target: desired, reactivate: 0, signals, reasons };
  signals.push({ name: 'scale-in.removable', value: removable, detail: `${count(surplus, 'agent')} surplus, ${removable} removable now` });
  if (remove < surplus) reasons.push(`${count(surplus, 'agent')} surplus but only ${remove} removable now (idle, least busy or stuck instances of the group, within the drain cap)`);
  // Drains in progress are already on their way out: the scale-in takes them over and adds to them.
  return { required, decidedBy, target: desired - drainsInGroup(snapshot).length - remove, reactivate: 0, signals, reasons };
}
