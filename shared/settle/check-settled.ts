import type { AsgInstance, AsgState, InstanceAddress } from '../model/asg.js';
import type { ClusterState } from '../model/cluster.js';
import type { SettleInput, SettleResult } from '../model/workflow.js';
import { groupsLabel } from '../model/pool-groups.js';

export interface SettleObservation {
  asg: AsgState | null;
  /** Null when Mesos could not be read this time. */
  cluster: ClusterState | null;
  addresses: InstanceAddress[];
  mesosError: string | null;
}

/**
 * Has the pool reached what the action did? Scale-out: the ASG has the capacity in service and
 * each of those instances is registered in Mesos in the pool. Scale-in: the removed instances are
 * gone from the group. Capacity counts instance weights (the desired capacity's unit), which are 1
 * without weights. Pure: the caller reads, this decides.
 */
export function checkSettled(input: SettleInput, seen: SettleObservation): SettleResult {
  const checks = input.checks + 1;
  const { plan, action } = input;
  const timedOut = checks * input.intervalSeconds >= input.timeoutSeconds;
  const result = (settled: boolean, detail: string): SettleResult => ({
    settled,
    timedOut: !settled && timedOut,
    checks,
    detail: !settled && timedOut ? `gave up after ${checks * input.intervalSeconds}s: ${detail}` : detail,
  });

  if (!seen.asg) return result(false, `Auto Scaling group ${groupsLabel(plan.asgNames)} could not be read`);

  if (action.action === 'scale-in') {
    const present = new Set(
      seen.asg.instances.filter((i) => i.lifecycleState !== 'Terminated').map((i) => i.instanceId),
    );
    const remaining = action.terminatedInstanceIds.filter((id) => present.has(id));
    return remaining.length === 0
      ? result(true, `${action.terminatedInstanceIds.length} instance(s) left the group`)
      : result(false, `${remaining.length} instance(s) still terminating: ${remaining.join(', ')}`);
  }

  const inService = seen.asg.instances.filter((i) => i.lifecycleState === 'InService');
  const capacity = (instances: readonly AsgInstance[]) => instances.reduce((n, i) => n + i.weight, 0);
  const unit = plan.weighted ? 'capacity units of instances' : 'instances';
  const inServiceCapacity = capacity(inService);
  if (inServiceCapacity < action.after) {
    return result(false, `${inServiceCapacity} of ${action.after} ${unit} in service`);
  }
  if (!seen.cluster) return result(false, `instances in service, but Mesos could not be read: ${seen.mesosError ?? 'unknown error'}`);
  const ipOf = new Map(seen.addresses.map((a) => [a.instanceId, a.privateIp]));
  const registeredIps = new Set(
    seen.cluster.agents.filter((a) => a.pool === plan.pool && a.ip !== null).map((a) => a.ip as string),
  );
  const registered = inService.filter((i) => {
    const ip = ipOf.get(i.instanceId);
    return ip !== undefined && ip !== null && registeredIps.has(ip);
  });
  const registeredCapacity = capacity(registered);
  if (registeredCapacity < action.after) {
    return result(false, `${registeredCapacity} of ${action.after} ${unit} registered as Mesos agents in pool ${plan.pool}`);
  }
  return result(true, plan.weighted ? `${registered.length} agents (${registeredCapacity} capacity units) registered in pool ${plan.pool}` : `${registered.length} agents registered in pool ${plan.pool}`);
}
