import type { AsgState, InstanceAddress } from '../model/asg.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { PoolMachine } from '../mesos/maintenance-port.js';
import type { ApplyPlanDeps } from './apply-plan.js';
import { readPoolGroupsIfPresent } from '../aws/read-pool-groups.js';

/**
 * The machines of the pool's windows that no instance needs any more (pure): no instance of the
 * pool's groups that may still run (any state but Terminated) had the machine's IP when its window began
 * (machines under a drain of the ledger are left out before). An IP a newer instance got again (subnets reuse them)
 * is released: that instance was launched after the window began. An instance whose launch time is
 * unknown counts as the older one, and its window is kept.
 *
 * Throws when an instance that may hold one of the IPs has no known address: nothing can be told
 * then. A Pending instance without one is new, so younger than every window, and is passed over.
 */
export function leftoverMachines(machines: readonly PoolMachine[], group: AsgState, addresses: readonly InstanceAddress[]): PoolMachine[] {
  const addressOf = new Map(addresses.map((a) => [a.instanceId, a] as const));
  const holders: Array<{ ip: string; launchedAt: number | null }> = [];
  for (const instance of group.instances) {
    if (instance.lifecycleState === 'Terminated') continue;
    const ip = addressOf.get(instance.instanceId)?.privateIp ?? null;
    if (ip !== null) holders.push({ ip, launchedAt: addressOf.get(instance.instanceId)?.launchedAt ?? null });
    else if (!instance.lifecycleState.startsWith('Pending')) {
      throw new AutoscalerError(
        ErrorNames.AwsUnavailable,
        `instance ${instance.instanceId} (${instance.lifecycleState}) of ${group.name} has no private IP in DescribeInstances: which maintenance windows it still needs cannot be told`,
      );
    }
  }
  return machines.filter((m) => !holders.some((h) => h.ip === m.ip && (h.launchedAt === null || h.launchedAt <= m.since)));
}

/**
 * Releases what this autoscaler's drains of the pool left in Mesos once their instance is gone (older
 * masters: the machine's window, and its DOWN mode): a window the clean-up after a termination kept
 * open-ended, a clean-up that failed, the hard drain of a Spot interruption. Without this a new
 * instance that gets the IP again would be kept out of service. Returns the machines released.
 */
export async function releaseLeftovers(pool: string, asgNames: readonly string[], deps: ApplyPlanDeps): Promise<PoolMachine[]> {
  const inMaintenance = await deps.maintenance.machinesInMaintenance(pool);
  if (inMaintenance.length === 0) return [];
  // A machine under a drain in progress is needed: while every one is, the group need not be read.
  const drained = new Set((await deps.ledger.list(pool)).map((d) => d.ip));
  const machines = inMaintenance.filter((m) => !drained.has(m.ip));
  if (machines.length === 0) return [];
  const group = (await readPoolGroupsIfPresent(deps.autoScaling, asgNames))?.merged;
  // Without every group nothing tells which instances may still run on these machines.
  if (!group) return [];
  const ids = group.instances.map((i) => i.instanceId);
  const addresses = ids.length > 0 ? await deps.instances.addresses(ids) : [];
  const leftovers = leftoverMachines(machines, group, addresses);
  if (leftovers.length > 0) await deps.maintenance.releaseMachines(pool, leftovers);
  return leftovers;
}
