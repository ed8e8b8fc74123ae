import { DEFAULT_MESOS_VERSION, type ResolvedSimSettings } from '../types.js';
import { HEARTBEAT_SECONDS } from './auto-scaling-group.js';

/**
 * A bound AWS puts on a setting of the simulated group, which the cluster and the CLI's flag check
 * alike: the check, and the rule as it reads after "must be".
 */
export interface SettingRule {
  accepts(value: number): boolean;
  rule: string;
}

/** The terminate lifecycle hook's HeartbeatTimeout, or 0 for no hook. */
export const LIFECYCLE_HOOK_SECONDS: SettingRule = {
  accepts: (n) => n === 0 || (Number.isInteger(n) && n >= HEARTBEAT_SECONDS.min && n <= HEARTBEAT_SECONDS.max),
  rule: `0 (no hook) or a whole number of seconds from ${HEARTBEAT_SECONDS.min} to ${HEARTBEAT_SECONDS.max}`,
};

/** Every instance's WeightedCapacity. */
export const INSTANCE_WEIGHT: SettingRule = {
  accepts: (n) => Number.isInteger(n) && n >= 1 && n <= 999,
  rule: 'a whole number from 1 to 999 (WeightedCapacity)',
};

/** How many Auto Scaling groups back the pool. */
export const ASG_COUNT: SettingRule = {
  accepts: (n) => Number.isInteger(n) && n >= 1 && n <= 10,
  rule: 'a whole number from 1 to 10',
};

type Defaulted = 'instanceWeight' | 'lifecycleHookSeconds' | 'mesosVersion' | 'asgCount';

/** The settings with a default for each optional one left out: weight 1, no lifecycle hook, the default master, one group. */
export function withDefaults<S extends Partial<Pick<ResolvedSimSettings, Defaulted>>>(settings: S): S & Pick<ResolvedSimSettings, Defaulted> {
  return {
    ...settings,
    instanceWeight: settings.instanceWeight ?? 1,
    lifecycleHookSeconds: settings.lifecycleHookSeconds ?? 0,
    mesosVersion: settings.mesosVersion ?? DEFAULT_MESOS_VERSION,
    asgCount: settings.asgCount ?? 1,
  };
}
