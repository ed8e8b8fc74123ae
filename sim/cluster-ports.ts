import type { AutoScalingPort, InstancePort } from '../shared/aws/ports.js';
import { callAws } from '../shared/aws/errors.js';
import type { MesosMaintenance } from '../shared/mesos/maintenance-port.js';
import type { MesosReader } from '../shared/mesos/port.js';
import { AutoscalerError, ErrorNames } from '../shared/model/errors.js';
import type { SimCluster } from './types.js';

/**
 * The in-process transport of the simulator: the production ports answered by the simulated
 * cluster, with AWS's error names mapped by the same code as the real adapters. The handlers and
 * decision code above these ports are the deployed ones; the wire path (HTTP + SDK) is the same
 * contract, exercised by the local cloud's end-to-end tests.
 */
export function simAwsPorts(cluster: SimCluster): { autoScaling: AutoScalingPort; instances: InstancePort } {
  const sync = <T>(operation: string, call: () => T) => callAws(operation, async () => call());
  return {
    autoScaling: {
      describeGroups: (names) =>
        sync('DescribeAutoScalingGroups', () => {
          const group = cluster.describeGroup();
          return names.includes(group.name) ? [group] : [];
        }),
      recentActivities: (_name, limit) => sync('DescribeScalingActivities', () => cluster.activities(limit)),
      setDesiredCapacity: (name, desired) => sync(`SetDesiredCapacity(${name}, ${desired})`, () => cluster.setDesiredCapacity(desired)),
      terminateInstanceAndDecrement: (id) => sync(`TerminateInstanceInAutoScalingGroup(${id})`, () => cluster.terminateInstance(id, true)),
    },
    instances: {
      addresses: (ids) => sync('DescribeInstances', () => cluster.addresses(ids)),
    },
  };
}

export function simMesosReader(cluster: SimCluster): MesosReader {
  return {
    async readCluster() {
      try {
        return cluster.mesos();
      } catch (err) {
        throw new AutoscalerError(ErrorNames.MesosUnavailable, `no Mesos leader is elected or reachable: ${(err as Error).message}`, { cause: err });
      }
    },
  };
}

/** Mesos ≥ 1.9 drain calls answered by the simulated master (whose version is 1.9). */
export function simMaintenance(cluster: SimCluster): MesosMaintenance {
  const call = async (what: string, agentId: string, act: () => void) => {
    try {
      act();
    } catch (err) {
      throw new AutoscalerError(ErrorNames.MesosUnavailable, `${what} ${agentId} failed: ${(err as Error).message}`, { cause: err });
    }
  };
  return {
    startSoftDrain: (agent) => call('DEACTIVATE_AGENT', agent.id, () => cluster.deactivateAgent(agent.id)),
    startHardDrain: (agent, o) => call('DRAIN_AGENT', agent.id, () => cluster.drainAgent(agent.id, o)),
    cancelDrain: (agent) => call('REACTIVATE_AGENT', agent.id, () => cluster.reactivateAgent(agent.id)),
    cleanUp: async (agent, o) => {
      if (o.markGone) await call('MARK_AGENT_GONE', agent.id, () => cluster.markAgentGone(agent.id));
    },
  };
}
