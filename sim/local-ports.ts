import type { AutoScalingPort, DrainLedgerPort, DrainRecord, InstancePort, ParameterSource, PoolMemory, PoolMemoryPort } from '../shared/aws/ports.js';
import type { AsgState, ScalingActivity } from '../shared/model/asg.js';
import { AutoscalerError, ErrorNames } from '../shared/model/errors.js';
import type { LocalCluster, LocalGroup } from './local-cluster.js';

/** The local ASG in the shape DescribeAutoScalingGroups gives the adapter. */
function asgState(group: LocalGroup): AsgState {
  return {
    name: group.name,
    minSize: group.minSize,
    maxSize: group.maxSize,
    desiredCapacity: group.desiredCapacity,
    instances: group.instances.map((i) => ({
      instanceId: i.instanceId,
      availabilityZone: 'local-1a',
      lifecycleState: i.lifecycleState,
      healthStatus: 'Healthy',
      protectedFromScaleIn: i.protectedFromScaleIn,
      weight: 1,
      instanceType: 'm5.2xlarge',
    })),
    suspendedProcesses: [],
    tags: { 'mesos-autoscaler': 'local' },
  };
}

/**
 * In-process Auto Scaling and EC2 over the local cluster, with the errors AWS raises. Activities
 * are recorded in AWS's wording so the cooldown code reads them as it reads the real history.
 */
export function localAwsPorts(cluster: LocalCluster, now: () => number): { autoScaling: AutoScalingPort; instances: InstancePort } {
  const activities: Array<ScalingActivity & { group: string }> = [];
  const record = (group: LocalGroup, description: string, cause: string) => {
    const t = now();
    activities.unshift({ group: group.name, activityId: `act-${activities.length + 1}`, description, cause, startTime: t, endTime: t, statusCode: 'Successful' });
  };
  const groupNamed = (name: string): LocalGroup => {
    const g = cluster.groups.get(name);
    if (!g) throw new AutoscalerError(ErrorNames.InvalidInput, `AutoScalingGroup name not found - ${name}`);
    return g;
  };
  const iso = () => new Date(now()).toISOString();
  return {
    autoScaling: {
      async describeGroups(names) {
        return names.flatMap((n) => (cluster.groups.has(n) ? [asgState(cluster.groups.get(n)!)] : []));
      },
      async recentActivities(name, limit) {
        return activities.filter((a) => a.group === name).slice(0, limit);
      },
      async setDesiredCapacity(name, desired) {
        const g = groupNamed(name);
        if (desired > g.maxSize) throw new AutoscalerError(ErrorNames.InvalidInput, `New SetDesiredCapacity value ${desired} is above max value ${g.maxSize} for the AutoScalingGroup.`);
        const from = g.desiredCapacity;
        cluster.setDesired(g, desired);
        record(g, 'Launching a new EC2 instance', `At ${iso()} a user request explicitly set group desired capacity changing the desired capacity from ${from} to ${desired}.`);
      },
      async terminateInstanceAndDecrement(instanceId) {
        const g = cluster.terminate(instanceId);
        record(g, `Terminating EC2 instance: ${instanceId}`, `At ${iso()} instance ${instanceId} was taken out of service in response to a user request, shrinking the capacity from ${g.desiredCapacity + 1} to ${g.desiredCapacity}.`);
      },
    },
    instances: {
      async addresses(ids) {
        const wanted = new Set(ids);
        return [...cluster.groups.values()].flatMap((g) => g.instances)
          .filter((i) => wanted.has(i.instanceId))
          .map((i) => ({ instanceId: i.instanceId, privateIp: i.ip, privateDnsName: `ip-${i.ip.replace(/\./g, '-')}.local` }));
      },
    },
  };
}

export function mapParameterSource(values: Map<string, string>): ParameterSource {
  return {
    async byPath(path) {
      return new Map([...values].filter(([k]) => k.startsWith(path)));
    },
  };
}

export function mapPoolMemory(): PoolMemoryPort {
  const store = new Map<string, PoolMemory>();
  return {
    async get(pool) {
      return store.get(pool) ?? null;
    },
    async put(pool, memory) {
      store.set(pool, memory);
    },
  };
}

export function mapDrainLedger(): DrainLedgerPort {
  const byPool = new Map<string, DrainRecord[]>();
  return {
    async list(pool) {
      return [...(byPool.get(pool) ?? [])];
    },
    async put(record) {
      byPool.set(record.pool, [...(byPool.get(record.pool) ?? []).filter((d) => d.agentId !== record.agentId), record]);
    },
    async remove(pool, agentId) {
      byPool.set(pool, (byPool.get(pool) ?? []).filter((d) => d.agentId !== agentId));
    },
  };
}
