import type { BaselinePolicy } from '../types.js';

/** scalepot's defaults: `scale_out_threshold` 60 (%), `scale_down_ratio` 0.7, `cooltime` 20 (minutes). */
const SCALE_OUT_ABOVE = 0.6;
const SCALE_IN_BELOW = SCALE_OUT_ABOVE * 0.7;
const COOLTIME_SECONDS = 20 * 60;
const WINDOW_SECONDS = 10 * 60;

/**
 * `scalepot` (DESIGN §6), after limsangjin12/scalepot (`ready` and `check_cpu_utilization` in
 * scalepot/do.py, `cpu_utilization` in scalepot/ec2.py), with Mesos cpu allocation in place of
 * CloudWatch CPUUtilization:
 * - every interval it samples the allocation, allocated / total cpus of the registered agents
 *   (no sample while no agent is registered);
 * - it checks at the first interval and then once per cooltime (20 min): upstream checks, acts and
 *   sleeps `cooltime` minutes in a loop, so there is at most one change per cooltime;
 * - a check takes the mean of the samples of the last 10 minutes: above 60 % → desired + 1, below
 *   42 % (60 % × 0.7) → desired − 1, otherwise no change; with no sample it changes nothing
 *   (upstream would divide by zero).
 */
export function scalepot(): BaselinePolicy {
  const samples: Array<{ t: number; allocation: number }> = [];
  let nextCheck = -Infinity;
  return {
    name: 'scalepot',
    decide(o) {
      if (o.cpusTotal > 0) samples.push({ t: o.t, allocation: o.cpusAllocated / o.cpusTotal });
      while (samples.length > 0 && samples[0]!.t <= o.t - WINDOW_SECONDS) samples.shift();
      if (o.t < nextCheck) return o.desired;
      nextCheck = o.t + COOLTIME_SECONDS;
      if (samples.length === 0) return o.desired;
      const mean = samples.reduce((sum, s) => sum + s.allocation, 0) / samples.length;
      if (mean > SCALE_OUT_ABOVE) return o.desired + 1;
      if (mean < SCALE_IN_BELOW) return o.desired - 1;
      return o.desired;
    },
  };
}
