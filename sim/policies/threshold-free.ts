import type { BaselinePolicy } from '../types.js';

/**
 * `threshold-free` (DESIGN §6): the `mesos_ec2.py` example of thefactory/autoscale-python
 * (`MesosDecider.should_scale` and `AwsAsgScaler.scale` in autoscale.py), run every interval with
 * cpu thresholds only:
 * - free = total − used cpus of the registered agents (the master's `cpus_total` − `cpus_used`);
 * - free < lower → desired + 1; otherwise free > upper → desired − 1; otherwise no change
 *   (strict comparisons, scale-out checked first, as upstream);
 * - lower = one agent's cpus, upper = three agents' cpus;
 * - the step is applied to the group's current desired capacity, which upstream reads just before
 *   it writes the new value. Instances still booting are not in the master's totals, so it keeps
 *   adding one per interval until they register, as the original does.
 */
export function thresholdFree(agentCpus: number): BaselinePolicy {
  const lower = agentCpus;
  const upper = 3 * agentCpus;
  return {
    name: 'threshold-free',
    decide(o) {
      const free = o.cpusTotal - o.cpusAllocated;
      if (free < lower) return o.desired + 1;
      if (free > upper) return o.desired - 1;
      return o.desired;
    },
  };
}
