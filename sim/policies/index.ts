import { AutoscalerError, ErrorNames } from '../../shared/model/errors.js';
import type { BaselinePolicy, SimSettings } from '../types.js';
import { scalepot } from './scalepot.js';
import { staticPeak } from './static-peak.js';
import { targetTracking } from './target-tracking.js';
import { thresholdFree } from './threshold-free.js';

export const BASELINES = ['static-peak', 'threshold-free', 'scalepot', 'target-tracking'] as const;

/** What some baselines need beyond the pool: the engine's interval and the peak of n*(t). */
export interface BaselineExtra {
  intervalSeconds: number;
  peakAgents: number;
}

function required(value: number | undefined, what: string, policy: string, { zeroAllowed = false } = {}): number {
  if (value === undefined || !Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new AutoscalerError(ErrorNames.InvalidInput, `baseline ${policy} needs ${zeroAllowed ? 'a non-negative' : 'a positive'} ${what} (got ${value})`);
  }
  return value;
}

/**
 * A fresh baseline policy (each keeps its own history). `extra` may also come merged into
 * `settings`; the engine calls `decide` every interval and applies the result, clamped to the
 * group's bounds, with SetDesiredCapacity.
 */
export function createBaseline(
  name: string,
  settings: Pick<SimSettings, 'agentCpus'> & Partial<BaselineExtra>,
  extra: Partial<BaselineExtra> = {},
): BaselinePolicy {
  const o = { ...settings, ...extra };
  switch (name) {
    case 'static-peak':
      return staticPeak(required(o.peakAgents, 'peakAgents', name, { zeroAllowed: true }));
    case 'threshold-free':
      return thresholdFree(required(o.agentCpus, 'agentCpus', name));
    case 'scalepot':
      return scalepot();
    case 'target-tracking':
      return targetTracking(required(o.intervalSeconds, 'intervalSeconds', name));
    default:
      throw new AutoscalerError(ErrorNames.InvalidInput, `unknown baseline policy "${name}"; expected one of ${BASELINES.join(', ')}`);
  }
}
