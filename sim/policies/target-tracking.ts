import type { BaselinePolicy, Observation } from '../types.js';

const TARGET = 0.7;
/** AlarmLow's threshold, as a fraction of the target. */
const SCALE_IN_FRACTION = 0.9;
const SCALE_OUT_AFTER_SECONDS = 3 * 60;
const SCALE_IN_AFTER_SECONDS = 15 * 60;
const WARMUP_SECONDS = 300;

/** ceil, forgiving the rounding noise of a ratio that is exactly an integer (0.7 × 10 / 0.7). */
const ceil = (x: number) => Math.ceil(x - 1e-9);

/** The group metric and the capacity behind it: instances past their warm-up. */
function warmedUp(o: Observation): { metric: number | null; instances: number; warming: number } {
  let instances = 0;
  let warming = 0;
  let total = 0;
  let allocated = 0;
  for (const load of o.instanceLoads) {
    if (load.inServiceAt === null || o.t - load.inServiceAt < WARMUP_SECONDS) {
      warming += 1;
      continue;
    }
    instances += 1;
    total += load.cpusTotal;
    allocated += load.cpusAllocated;
  }
  return { metric: total > 0 ? allocated / total : null, instances, warming };
}

/**
 * `target-tracking` (DESIGN §6): an EC2 Auto Scaling target tracking policy on a cpu-allocation
 * metric with target 70 %, as the EC2 Auto Scaling user guide describes target tracking and the
 * default instance warmup (300 s here):
 * - metric: allocated / total cpus of the group's agents, leaving out instances in warm-up (Pending,
 *   or InService for less than 300 s); one datapoint per interval, none while no instance is past
 *   its warm-up (a missing datapoint breaks a run of breaching ones);
 * - AlarmHigh: datapoints above the target for 3 minutes (3 at a 60 s interval); AlarmLow: below
 *   90 % of the target for 15 minutes. While an alarm stays in ALARM the policy runs at every
 *   datapoint, as CloudWatch re-invokes Auto Scaling actions each minute;
 * - capacity = ceil(n × metric / target), n = InService instances past their warm-up;
 * - scale-out: instances in warm-up count as capacity already there, so the new desired is
 *   max(desired, capacity): repeated alarms while they warm up do not add them again;
 * - scale-in: min(desired, capacity), and none while any instance is in warm-up.
 */
export function targetTracking(intervalSeconds: number): BaselinePolicy {
  const highPoints = Math.max(1, Math.ceil(SCALE_OUT_AFTER_SECONDS / intervalSeconds));
  const lowPoints = Math.max(1, Math.ceil(SCALE_IN_AFTER_SECONDS / intervalSeconds));
  const kept = Math.max(highPoints, lowPoints);
  const datapoints: Array<number | null> = [];
  const lastAll = (count: number, breaching: (metric: number) => boolean) =>
    datapoints.length >= count && datapoints.slice(-count).every((m) => m !== null && breaching(m));
  return {
    name: 'target-tracking',
    decide(o) {
      const group = warmedUp(o);
      datapoints.push(group.metric);
      if (datapoints.length > kept) datapoints.shift();
      if (group.metric === null) return o.desired;
      const capacity = ceil((group.instances * group.metric) / TARGET);
      if (lastAll(highPoints, (m) => m > TARGET)) return Math.max(o.desired, capacity);
      if (group.warming === 0 && lastAll(lowPoints, (m) => m < SCALE_IN_FRACTION * TARGET)) return Math.min(o.desired, capacity);
      return o.desired;
    },
  };
}
