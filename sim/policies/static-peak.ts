import type { BaselinePolicy } from '../types.js';

/**
 * `static-peak` (DESIGN §6): the group sized once for the peak of n*(t), the perfect-foresight
 * number of agents, and never changed: what provisioning for the peak costs without autoscaling.
 * The engine computes the peak from the trace; the policy only holds it.
 */
export function staticPeak(peakAgents: number): BaselinePolicy {
  return { name: 'static-peak', decide: () => peakAgents };
}
