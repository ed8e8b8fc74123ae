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
