import { CompleteLifecycleActionCommand, type AutoScalingClient, type RecordLifecycleActionHeartbeatCommand } from '@aws-sdk/client-auto-scaling';
import type { AutoScalingPort, InstancePort, LifecyclePort } from '../shared/aws/ports.js';
import { callAws } from '../shared/aws/errors.js';
import { createLifecyclePort } from '../shared/aws/lifecycle.js';
import type { MesosConfig } from '../shared/config/types.js';
import { createMesosMaintenance } from '../shared/mesos/maintenance.js';
import { isDeactivatedOrDraining, refusalMeansDone, type CallType } from '../shared/mesos/maintenance-agent-api.js';
import type { MesosMaintenance } from '../shared/mesos/maintenance-port.js';
import type { MesosReader } from '../shared/mesos/port.js';
import { AutoscalerError, ErrorNames } from '../shared/model/errors.js';
import { inProcessFetch } from './local-cloud/in-process-fetch.js';
import { mesosRoutes } from './local-cloud/mesos-endpoint.js';
import { SimMesosRejected, type SimCluster } from './types.js';

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
      describeGroups: (names) => sync('DescribeAutoScalingGroups', () => cluster.describeGroups(names)),
      recentActivities: (name, limit) => sync('DescribeScalingActivities', () => cluster.activities(name, limit)),
      setDesiredCapacity: (name, desired) => sync(`SetDesiredCapacity(${name}, ${desired})`, () => cluster.setDesiredCapacity(name, desired)),
      terminateInstanceAndDecrement: (id) => sync(`TerminateInstanceInAutoScalingGroup(${id})`, () => cluster.terminateInstance(id, true)),
    },
    instances: {
      addresses: (ids) => sync('DescribeInstances', () => cluster.addresses(ids)),
    },
  };
}

/**
 * The production lifecycle adapter over an Auto Scaling client whose `send` the simulated group
 * answers: its errors reach the adapter as the SDK raises AWS's (ValidationError "No active
 * Lifecycle Action found ..." when the action is over), so the adapter's own mapping decides.
 */
export function simLifecycle(cluster: SimCluster): LifecyclePort {
  const client = {
    async send(command: CompleteLifecycleActionCommand | RecordLifecycleActionHeartbeatCommand) {
      const input = command.input;
      const ref = {
        asgName: input.AutoScalingGroupName!, hookName: input.LifecycleHookName!, instanceId: input.InstanceId ?? '',
        ...(input.LifecycleActionToken === undefined ? {} : { token: input.LifecycleActionToken }),
      };
      if (command instanceof CompleteLifecycleActionCommand) {
        cluster.completeLifecycleAction({ ...ref, result: command.input.LifecycleActionResult as 'CONTINUE' | 'ABANDON' });
      } else {
        cluster.recordLifecycleActionHeartbeat(ref);
      }
      return {};
    },
  };
  return createLifecyclePort(client as unknown as AutoScalingClient);
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

/**
 * The production maintenance code itself (`createMesosMaintenance`: the leader, GET_MASTER's version
 * choosing the agent drain API or the maintenance primitives, the schedule's read-modify-write) over
 * HTTP the simulated master's routes answer in-process. The master's URL is the configured one.
 */
export function simMaintenanceOverHttp(cluster: SimCluster, now: () => number): (config: MesosConfig) => MesosMaintenance {
  const fetch = inProcessFetch(mesosRoutes(cluster, { ip: '127.0.0.1', port: () => 5050 }));
  return (config) => createMesosMaintenance(config, { fetch, now });
}

/**
 * Mesos ≥ 1.9 drain calls answered by the simulated master directly (its version must be 1.9),
 * with the port's contract as the HTTP adapter keeps it: its rules say which refusals mean the
 * work is done already and what counts as out of service.
 */
export function simMaintenance(cluster: SimCluster): MesosMaintenance {
  const call = async (type: CallType, agentId: string, act: () => void) => {
    try {
      act();
    } catch (err) {
      if (err instanceof SimMesosRejected && refusalMeansDone(type, err.status, err.message)) return;
      throw new AutoscalerError(ErrorNames.MesosUnavailable, `${type} ${agentId} failed: ${(err as Error).message}`, { cause: err });
    }
  };
  return {
    startSoftDrain: (agent) => call('DEACTIVATE_AGENT', agent.id, () => cluster.deactivateAgent(agent.id)),
    startHardDrain: (agent, o) => call('DRAIN_AGENT', agent.id, () => cluster.drainAgent(agent.id, o)),
    cancelDrain: (agent) => call('REACTIVATE_AGENT', agent.id, () => cluster.reactivateAgent(agent.id)),
    cleanUp: async (agent, o) => {
      if (o.markGone) await call('MARK_AGENT_GONE', agent.id, () => cluster.markAgentGone(agent.id));
    },
    isOutOfService: async (agent) => isDeactivatedOrDraining(agent),
    machinesInMaintenance: async () => [],
    releaseMachines: async () => {},
  };
}
