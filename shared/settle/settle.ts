import type { AutoscalerConfig, MesosConfig } from '../config/types.js';
import type { AutoScalingPort, InstancePort } from '../aws/ports.js';
import type { MesosReader } from '../mesos/port.js';
import type { ClusterState } from '../model/cluster.js';
import type { SettleInput, SettleResult } from '../model/workflow.js';
import { checkSettled } from './check-settled.js';
import { readPoolGroupsIfPresent } from '../aws/read-pool-groups.js';

export interface SettleDeps {
  loadConfig: () => Promise<AutoscalerConfig>;
  mesosReader: (config: MesosConfig) => MesosReader;
  autoScaling: AutoScalingPort;
  instances: InstancePort;
}

/** One check of the settle loop. A failed read is "not settled yet", never an error: the loop's timeout bounds it. */
export async function settleCheck(input: SettleInput, deps: SettleDeps): Promise<SettleResult> {
  const asg = (await readPoolGroupsIfPresent(deps.autoScaling, input.plan.asgNames).catch(() => null))?.merged;
  if (input.action.action === 'scale-in' || !asg) {
    return checkSettled(input, { asg: asg ?? null, cluster: null, addresses: [], mesosError: null });
  }
  let cluster: ClusterState | null = null;
  let mesosError: string | null = null;
  try {
    const config = await deps.loadConfig();
    cluster = await deps.mesosReader(config.mesos).readCluster();
  } catch (err) {
    mesosError = err instanceof Error ? err.message : String(err);
  }
  const addresses = await deps.instances.addresses(asg.instances.map((i) => i.instanceId)).catch(() => []);
  return checkSettled(input, { asg, cluster, addresses, mesosError });
}
