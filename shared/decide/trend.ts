import type { RequirementRecord } from '../aws/ports.js';
import type { PoolConfig } from '../config/types.js';
import { count } from './format.js';
import { ceilTolerant } from './numbers.js';
import type { Requirement } from './verdict.js';

/** Two decimals: enough to show a demand measured in agents. */
const shown = (n: number) => Math.round(n * 100) / 100;

/**
 * Rising demand, projected: when demand (running plus waiting work, in agents of the usual shape
 * at the upper thresholds; `demandInAgents`) has grown since the oldest record of the window, the
 * pool is sized for where that growth leads `trend-lead-seconds` from now (about what a launch
 * takes to become a usable agent), so a ramp finds capacity instead of waiting for it. Demand does
 * not count usable agents, so capacity the trend adds never reads as a rise. The projection adds
 * at most the rise itself: a step seen over a short record is not extrapolated. Only growth
 * counts; a fall is left to the stabilisation window.
 */
export function trendRequirement(demand: number | null, recent: readonly RequirementRecord[], config: PoolConfig, now: number): Requirement {
  const lead = config.trendLeadSeconds;
  const none = (why: string): Requirement => ({
    source: 'trend',
    agents: null,
    signals: [{ name: 'trend', value: null, detail: why }],
    reasons: [],
    because: why,
  });
  if (lead <= 0) return none('off (trend-lead-seconds 0)');
  if (demand === null) return none('no agent shape to measure demand with');
  let first: RequirementRecord | undefined;
  for (const r of recent) if (r.at < now && r.demand !== undefined && (first === undefined || r.at < first.at)) first = r;
  if (first === undefined) return none('no earlier demand recorded in the window');
  const seconds = (now - first.at) / 1000;
  const rise = demand - (first.demand as number);
  if (rise <= 0) return none(`demand not rising (${shown(first.demand as number)} → ${shown(demand)} agents in ${Math.round(seconds)} s)`);
  const projected = ceilTolerant(demand + Math.min(rise, (rise / seconds) * lead));
  const because = `demand rose from ${shown(first.demand as number)} to ${shown(demand)} agents in ${Math.round(seconds)} s: ${count(projected, 'agent')} in ${lead} s at that pace`;
  return {
    source: 'trend',
    agents: projected,
    signals: [{ name: 'trend', value: projected, wantsAgents: projected, detail: because }],
    reasons: [because],
    because,
  };
}
