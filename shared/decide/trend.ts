import type { RequirementRecord } from '../aws/ports.js';
import type { PoolConfig } from '../config/types.js';
import { count } from './format.js';
import type { Requirement } from './verdict.js';

/**
 * Rising demand, projected: when the requirement has grown over the recorded window, the pool is
 * sized for where that growth leads `trend-lead-seconds` from now (about what a launch takes to
 * become a usable agent), so a ramp finds capacity instead of waiting for it. Only growth counts:
 * a falling requirement is left to the stabilisation window.
 */
export function trendRequirement(required: number, recent: readonly RequirementRecord[], config: PoolConfig, now: number): Requirement {
  const lead = config.trendLeadSeconds;
  const none = (because: string): Requirement => ({ source: 'trend', agents: null, signals: [], reasons: [], because });
  if (lead <= 0) return none('trend projection off');
  const first = recent.find((r) => r.at < now);
  if (first === undefined) return none('no earlier requirement recorded');
  const seconds = (now - first.at) / 1000;
  const rise = required - first.agents;
  if (rise <= 0) return none('the requirement is not rising');
  const projected = Math.ceil(required + (rise / seconds) * lead);
  const because = `the requirement rose from ${first.agents} to ${required} in ${Math.round(seconds)} s: ${count(projected, 'agent')} in ${lead} s at that pace`;
  return {
    source: 'trend',
    agents: projected,
    signals: [{ name: 'trend', value: projected, wantsAgents: projected, detail: because }],
    reasons: [because],
    because,
  };
}
