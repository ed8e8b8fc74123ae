import type { PoolConfig, Threshold } from '../config/types.js';
import type { Signal } from '../model/plan.js';
import { addResources, RESOURCE_NAMES, type ResourceName } from '../model/resources.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { count, percent } from './format.js';
import { ceilTolerant, EPSILON, floorTolerant } from './numbers.js';
import type { Requirement } from './verdict.js';

/** One resource's allocation against its band, and the usable agents that band asks for. */
interface Band {
  resource: ResourceName;
  /** Allocated on usable agents plus what waiting launches ask for. */
  demand: number;
  capacity: number;
  threshold: Threshold;
  /** Percent of capacity; null with no capacity. */
  percent: number | null;
  /** Usable agents this resource needs; null when it cannot say (no agent shape for it). */
  agents: number | null;
  state: 'above' | 'below' | 'within' | 'ignored' | 'unsized';
}

/**
 * Hysteresis: above the upper threshold, grow to the fewest agents that bring demand to it; below
 * the lower one, shrink to that same number; in between, hold. Whole agents and the stabilisation
 * window (the highest requirement of the window decides a scale-in) keep it from flapping.
 */
function bandOf(resource: ResourceName, snapshot: PoolSnapshot, config: PoolConfig): Band {
  const demand = addResources(snapshot.used, snapshot.pending.resources)[resource];
  const capacity = snapshot.capacity[resource];
  const threshold = config.thresholds[resource];
  const shape = snapshot.agentShape?.[resource] ?? 0;
  const usable = snapshot.agents.usable;
  const pct = capacity > 0 ? (demand / capacity) * 100 : null;
  const base = { resource, demand, capacity, threshold, percent: pct };
  if (capacity <= 0 && demand <= 0) return { ...base, agents: null, state: 'ignored' };
  if (shape <= 0) return { ...base, agents: null, state: 'unsized' };
  const needed = (target: number) => (demand * 100) / target;
  if (pct === null || pct > threshold.upperPercent + EPSILON) {
    return { ...base, agents: usable + Math.max(1, ceilTolerant((needed(threshold.upperPercent) - capacity) / shape)), state: 'above' };
  }
  if (pct < threshold.lowerPercent - EPSILON) {
    return { ...base, agents: Math.max(0, usable - floorTolerant((capacity - needed(threshold.upperPercent)) / shape)), state: 'below' };
  }
  return { ...base, agents: usable, state: 'within' };
}

/**
 * Running plus waiting work in agents of the usual shape filled to their upper thresholds, for the
 * tightest resource: a measure of demand that, unlike a requirement, does not depend on how many
 * agents are usable (so capacity the pool adds never reads as more demand). Null when no resource
 * can be sized.
 */
export function demandInAgents(snapshot: PoolSnapshot, config: PoolConfig): number | null {
  const demand = addResources(snapshot.used, snapshot.pending.resources);
  let agents: number | null = null;
  for (const r of RESOURCE_NAMES) {
    const shape = snapshot.agentShape?.[r] ?? 0;
    if (shape <= 0) continue;
    const need = (demand[r] * 100) / config.thresholds[r].upperPercent / shape;
    agents = Math.max(agents ?? 0, need);
  }
  return agents;
}

function level(b: Band): string {
  return b.percent === null ? `${b.resource} ${Math.round(b.demand * 100) / 100} wanted with no capacity` : `${b.resource} ${percent(b.percent)}`;
}

function toSignal(b: Band): Signal {
  const signal: Signal = {
    name: `utilisation.${b.resource}`,
    value: b.percent === null ? null : Math.round(b.percent * 10) / 10,
    detail:
      b.state === 'ignored'
        ? 'ignored: no capacity and nothing used'
        : `${Math.round(b.demand * 100) / 100} allocated or waiting of ${Math.round(b.capacity * 100) / 100} (band ${percent(b.threshold.lowerPercent)}–${percent(b.threshold.upperPercent)})`,
  };
  if (b.agents !== null) signal.wantsAgents = b.agents;
  return signal;
}

/**
 * Allocation per resource (running plus waiting launches) against its band. The pool needs what
 * its tightest resource needs.
 */
export function utilisationRequirement(snapshot: PoolSnapshot, config: PoolConfig): Requirement {
  const bands = RESOURCE_NAMES.map((r) => bandOf(r, snapshot, config));
  const sized = bands.filter((b): b is Band & { agents: number } => b.agents !== null);
  const reasons: string[] = [];
  for (const b of bands.filter((x) => x.state === 'unsized')) {
    reasons.push(`${level(b)}, but the usual agent of this pool has no ${b.resource}: cannot size the pool for it`);
  }
  if (sized.length === 0) {
    return { source: 'utilisation', agents: null, signals: bands.map(toSignal), reasons, because: 'no resource to measure' };
  }
  const tightest = sized.reduce((a, b) => (b.agents > a.agents ? b : a));
  const usable = snapshot.agents.usable;
  let because: string;
  if (tightest.state === 'above') {
    because = `${level(tightest)} above ${percent(tightest.threshold.upperPercent)}`;
    reasons.push(`${because}: ${count(tightest.agents, 'usable agent')} bring it to ${percent(tightest.threshold.upperPercent)}`);
  } else if (tightest.state === 'within') {
    because = `${level(tightest)} within its band`;
    reasons.push(`${because} (${percent(tightest.threshold.lowerPercent)}–${percent(tightest.threshold.upperPercent)}): ${count(usable, 'usable agent')} kept`);
  } else {
    because = `every resource under its lower threshold (${sized.map(level).join(', ')})`;
    reasons.push(`${because}: ${count(tightest.agents, 'usable agent')} would keep ${tightest.resource} at or under ${percent(tightest.threshold.upperPercent)}`);
  }
  return { source: 'utilisation', agents: tightest.agents, signals: bands.map(toSignal), reasons, because };
}
