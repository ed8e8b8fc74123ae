import type { Signal } from '../model/plan.js';
import type { DrainSummary, PoolSnapshot } from '../model/snapshot.js';
import { drainsInGroup, unitCount, unitsOf, weightOf } from './capacity-units.js';
import { count } from './format.js';
import { ceilTolerant } from './numbers.js';
import type { Requirement } from './verdict.js';

/** The signals' joint proposal, before any constraint. */
export interface Combined {
  /** Usable agents the pool needs: the largest requirement (the usable agents when no signal has an opinion). */
  required: number;
  /** The requirement that set `required`; null when none had an opinion. */
  decidedBy: Requirement | null;
  /** Desired capacity the signals ask for (capacity units when the group has weights). */
  target: number;
  /** Draining agents to put back into service instead of launching new ones. */
  reactivate: number;
  signals: Signal[];
  reasons: string[];
}

/** Capacity units the drains in the group hold in the desired capacity. */
export function leavingUnits(snapshot: PoolSnapshot): number {
  return drainsInGroup(snapshot).reduce((total, d) => total + weightOf(d), 0);
}

/** Capacity units a drain adds back into service: its weight times its agent's free share. */
function roomUnits(drain: DrainSummary): number {
  return weightOf(drain) * (drain.room ?? 1);
}

/**
 * The drains in the group in the order a scale-out puts them back: those left behind (by a failed
 * execution or an interruption) first, then those with the most room (fewest agents put back for
 * the capacity), then the most recently started.
 */
export function reactivationOrder(snapshot: PoolSnapshot): DrainSummary[] {
  return [...drainsInGroup(snapshot)].sort((a, b) => Number(a.owned) - Number(b.owned) || roomUnits(b) - roomUnits(a) || b.startedAt - a.startedAt);
}

/** Capacity the group is launching (instances without weights): in the desired capacity, not yet usable, draining or stuck. */
export function launchingOf(snapshot: PoolSnapshot): number {
  const units = unitsOf(snapshot);
  return Math.max(0, snapshot.asg.desiredCapacity - units.usable - units.draining - units.stuck);
}

/** The requirement that decides: the largest; null when no signal has an opinion. */
function decidingOf(requirements: readonly Requirement[]): Requirement | null {
  let decidedBy: Requirement | null = null;
  for (const r of requirements) if (r.agents !== null && (decidedBy === null || r.agents > (decidedBy.agents as number))) decidedBy = r;
  return decidedBy;
}

/** Usable agents the requirements ask for together: the largest, or the usable agents when none has an opinion. */
export function requiredOf(requirements: readonly Requirement[], snapshot: PoolSnapshot): number {
  return decidingOf(requirements)?.agents ?? snapshot.agents.usable;
}

/**
 * The largest requirement wins. Above the usable agents, capacity already launching counts first,
 * then draining agents come back (they run and are paid for), and only the rest is launched. Below
 * them, the surplus (and any instance stuck without an agent) is proposed for removal, at most as
 * much as can be removed now; the constraints then decide whether it stayed a surplus long enough.
 * Agents become capacity units here (capacity-units.ts): `removable` and the target are in units.
 */
export function combineRequirements(requirements: readonly Requirement[], snapshot: PoolSnapshot, removable: number): Combined {
  const desired = snapshot.asg.desiredCapacity;
  const usable = snapshot.agents.usable;
  const units = unitsOf(snapshot);
  const inUnits = (n: number) => unitCount(snapshot, n);
  const signals = requirements.flatMap((r) => r.signals);
  const reasons = requirements.flatMap((r) => r.reasons);
  const decidedBy = decidingOf(requirements);
  const required = decidedBy === null ? usable : (decidedBy.agents as number);
  const launching = launchingOf(snapshot);
  const setBy = decidedBy === null ? 'no signal has an opinion' : `set by ${decidedBy.source}`;
  const inUnitsDetail = units.weighted ? `; ${units.usable + (required - usable) * units.typical} capacity units (${units.usable} usable, ${units.typical} per new agent)` : '';
  signals.push({ name: 'required', value: required, wantsAgents: required, detail: `${setBy}${inUnitsDetail}` });

  if (required > usable) {
    const missing = (required - usable) * units.typical;
    const counted = Math.min(missing, launching);
    // Waiting tasks that fit neither the usable agents' free space nor any drain's need new agents.
    const beyondDrains = snapshot.pending.beyondDrains ?? snapshot.pending.newAgents;
    const mustLaunch = Math.min(missing - counted, Math.max(0, beyondDrains * units.typical - launching));
    let left = missing - counted - mustLaunch;
    let reactivate = 0;
    // A draining agent comes back with its running tasks: only its free share counts as capacity.
    for (const d of reactivationOrder(snapshot)) {
      if (left <= 0) break;
      left -= roomUnits(d);
      reactivate += 1;
    }
    const launch = mustLaunch + Math.max(0, ceilTolerant(left));
    if (counted > 0) reasons.push(`${inUnits(counted)} already launching counted towards the ${missing} missing`);
    if (reactivate > 0) reasons.push(`${count(reactivate, 'draining agent')} put back into service instead of launching`);
    return { required, decidedBy, target: desired + launch, reactivate, signals, reasons };
  }
  const surplus = (usable - required) * units.typical + units.stuck;
  const remove = Math.min(surplus, removable);
  if (surplus <= 0) return { required, decidedBy, target: desired, reactivate: 0, signals, reasons };
  signals.push({ name: 'scale-in.removable', value: removable, detail: `${inUnits(surplus)} surplus, ${removable} removable now` });
  if (remove < surplus) reasons.push(`${inUnits(surplus)} surplus but only ${remove} removable now (idle, least busy or stuck instances of the group, within the drain cap)`);
  // Drains in progress are already on their way out: the scale-in takes them over and adds to them.
  return { required, decidedBy, target: desired - leavingUnits(snapshot) - remove, reactivate: 0, signals, reasons };
}
