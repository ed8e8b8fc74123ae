import type { PoolConfig, Threshold } from '../config/types.js';
import type { Signal } from '../model/plan.js';
import { RESOURCE_NAMES, type ResourceName } from '../model/resources.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { count, percent } from './format.js';
import { ceilTolerant, EPSILON } from './numbers.js';
import { largestAllowed, type RemovalCandidates } from './removal.js';
import type { SignalVerdict } from './verdict.js';

/** Utilisation of one resource over the usable agents, against its thresholds. */
export interface ResourceUtilisation {
  resource: ResourceName;
  used: number;
  capacity: number;
  /** Percent of capacity in use; null when there is no capacity. */
  percent: number | null;
  threshold: Threshold;
  /** No capacity and nothing used: the pool does not have this resource. */
  ignored: boolean;
  aboveUpper: boolean;
  belowLower: boolean;
  /** Agents of the usual shape that bring it back to the upper threshold. */
  addAgents: number;
}

function isAboveUpper(used: number, capacity: number, upperPercent: number): boolean {
  return capacity > 0 ? (used / capacity) * 100 > upperPercent + EPSILON : used > 0;
}

function measureUtilisation(snapshot: PoolSnapshot, config: PoolConfig): ResourceUtilisation[] {
  return RESOURCE_NAMES.map((resource) => {
    const used = snapshot.used[resource];
    const capacity = snapshot.capacity[resource];
    const threshold = config.thresholds[resource];
    const pct = capacity > 0 ? (used / capacity) * 100 : null;
    const aboveUpper = isAboveUpper(used, capacity, threshold.upperPercent);
    const shape = snapshot.agentShape?.[resource] ?? 0;
    // Capacity that puts `used` exactly at the upper threshold, in agents of the usual shape.
    const missing = (used * 100) / threshold.upperPercent - capacity;
    return {
      resource,
      used,
      capacity,
      percent: pct,
      threshold,
      ignored: capacity === 0 && used === 0,
      aboveUpper,
      belowLower: pct !== null && pct < threshold.lowerPercent - EPSILON,
      addAgents: aboveUpper && shape > 0 ? Math.max(1, ceilTolerant(missing / shape)) : 0,
    };
  });
}

function level(u: ResourceUtilisation): string {
  return u.percent === null ? `${u.resource} ${u.used} in use with no capacity` : `${u.resource} ${percent(u.percent)}`;
}

function toSignal(u: ResourceUtilisation): Signal {
  const signal: Signal = {
    name: `utilisation.${u.resource}`,
    value: u.percent === null ? null : Math.round(u.percent * 10) / 10,
    detail: u.ignored
      ? 'ignored: no capacity and nothing used'
      : `${Math.round(u.used * 100) / 100} used of ${Math.round(u.capacity * 100) / 100} (lower ${percent(u.threshold.lowerPercent)}, upper ${percent(u.threshold.upperPercent)})`,
  };
  if (u.addAgents > 0) signal.wantsAgents = u.addAgents;
  return signal;
}

/** The first resource the removal of k candidates would push above its upper threshold, as words. */
function breachAfterRemoval(considered: readonly ResourceUtilisation[], candidates: RemovalCandidates, k: number): string | null {
  const lost = candidates.capacityLost(k);
  for (const u of considered) {
    if (u.used <= 0) continue;
    const after = u.capacity - lost[u.resource];
    if (after <= 0) return `would leave no ${u.resource} for the ${Math.round(u.used * 100) / 100} in use`;
    if (isAboveUpper(u.used, after, u.threshold.upperPercent)) {
      return `would put ${u.resource} at ${percent((u.used / after) * 100)}, above the ${percent(u.threshold.upperPercent)} upper threshold`;
    }
  }
  return null;
}

function describeAfterRemoval(considered: readonly ResourceUtilisation[], candidates: RemovalCandidates, k: number): string {
  const lost = candidates.capacityLost(k);
  return considered
    .map((u, i) => {
      const after = u.capacity - lost[u.resource];
      // Nothing in use can be left without capacity (the removal would not be allowed), so 0%.
      const pct = after > 0 ? (u.used / after) * 100 : 0;
      return `${u.resource} would be ${percent(pct)}${i === 0 ? ' after removal' : ''}, under ${percent(u.threshold.upperPercent)}`;
    })
    .join('; ');
}

function idleExplanation(snapshot: PoolSnapshot): string {
  const idle = snapshot.agents.idle;
  return idle === 0
    ? 'no agent is idle'
    : `none of the ${count(idle, 'idle agent')} can be removed (none matches an in-service, unprotected instance of the group)`;
}

/**
 * Cluster utilisation per resource. Scale out until every resource is at or under its upper
 * threshold; scale in only when every resource is under its lower threshold and stays at or under
 * the upper one once the idle agents are gone (their capacity leaves, the use stays).
 */
export function utilisationVerdict(snapshot: PoolSnapshot, config: PoolConfig, candidates: RemovalCandidates): SignalVerdict {
  const measured = measureUtilisation(snapshot, config);
  const considered = measured.filter((u) => !u.ignored);
  const reasons: string[] = [];
  let addAgents = 0;

  for (const u of considered.filter((c) => c.aboveUpper)) {
    const above = `${level(u)} above the ${percent(u.threshold.upperPercent)} upper threshold`;
    if (u.addAgents > 0) {
      reasons.push(`${above}: ${count(u.addAgents, 'more agent')} needed`);
      addAgents = Math.max(addAgents, u.addAgents);
    } else {
      reasons.push(`${above}, but the usual agent of this pool has no ${u.resource}: cannot size a scale-out for it`);
    }
  }

  const verdict = (wantsScaleIn: boolean, maxRemovable: number, removalLimit: string | null): SignalVerdict => ({
    signals: measured.map(toSignal),
    reasons,
    addAgents,
    wantsScaleIn,
    maxRemovable,
    removalLimit,
  });

  if (considered.length === 0) {
    reasons.push('no usable agent: utilisation cannot be measured');
    return verdict(false, 0, null);
  }
  const notBelowLower = considered.filter((u) => !u.belowLower);
  if (notBelowLower.length > 0) {
    if (!considered.some((u) => u.aboveUpper)) {
      const list = notBelowLower.map((u) => `${level(u)} is not under its ${percent(u.threshold.lowerPercent)} lower threshold`);
      reasons.push(`no scale-in: ${list.join(', ')}`);
    }
    return verdict(false, 0, null);
  }

  const below = considered.map((u) => `${level(u)} < ${percent(u.threshold.lowerPercent)}`).join(', ');
  if (candidates.count === 0) {
    reasons.push(`every resource is under its lower threshold (${below}), but ${idleExplanation(snapshot)}`);
    return verdict(true, 0, null);
  }
  reasons.push(`every resource is under its lower threshold: ${below}`);
  const removable = largestAllowed(candidates.count, (k) => breachAfterRemoval(considered, candidates, k) === null);
  if (removable > 0) {
    reasons.push(`${count(removable, 'idle agent')} removable: ${describeAfterRemoval(considered, candidates, removable)}`);
  }
  const breach = removable < candidates.count ? breachAfterRemoval(considered, candidates, removable + 1) : null;
  return verdict(true, removable, breach === null ? null : `removing ${count(removable + 1, 'idle agent')} ${breach}`);
}
