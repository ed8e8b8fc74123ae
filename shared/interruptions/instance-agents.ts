import type { AsgState, InstanceAddress } from '../model/asg.js';
import { hasAllocations, type ClusterState, type MesosAgent } from '../model/cluster.js';
import type { PoolConfig } from '../config/types.js';

/** A Mesos agent running on the instance an event names, whether it still has work on it and takes new work. */
export interface AgentOnInstance {
  agent: MesosAgent;
  /** Non-terminal tasks on it, or resources still allocated. */
  busy: boolean;
  /**
   * Already takes no new task for as long as a soft drain now would hold it (MesosMaintenance
   * `isOutOfService`): deactivated or draining (1.9+), its machine DOWN or in a window that lasts (older masters).
   */
  draining: boolean;
}

/**
 * The agents on an instance: those whose pid carries its private IP, or whose host name is its IP
 * or private DNS name (several agents can share a host). None when the instance has no address any
 * more (terminated).
 */
export function agentsOnInstance(cluster: ClusterState, address: InstanceAddress): Array<Omit<AgentOnInstance, 'draining'>> {
  const names = new Set([address.privateIp, address.privateDnsName].filter((n): n is string => n !== null && n !== ''));
  if (names.size === 0) return [];
  const withTasks = new Set(cluster.tasks.map((t) => t.agentId));
  return cluster.agents
    .filter((agent) => (agent.ip !== null && names.has(agent.ip)) || names.has(agent.hostname))
    .map((agent) => ({ agent, busy: withTasks.has(agent.id) || hasAllocations(agent) }));
}

/** The pool one of whose ASGs is `asgName`, or null when the group is not one of ours. */
export function poolOfGroup(pools: readonly PoolConfig[], asgName: string): PoolConfig | null {
  return pools.find((p) => p.asgNames.includes(asgName)) ?? null;
}

/** The pool whose ASG (among `groups`, described from the pools' ASGs) holds the instance, or null. */
export function poolHoldingInstance(
  pools: readonly PoolConfig[],
  groups: readonly AsgState[],
  instanceId: string,
): { pool: PoolConfig; asgName: string } | null {
  for (const group of groups) {
    if (!group.instances.some((i) => i.instanceId === instanceId)) continue;
    const pool = poolOfGroup(pools, group.name);
    if (pool !== null) return { pool, asgName: group.name };
  }
  return null;
}
