import type { AsgState, InstanceAddress } from '../model/asg.js';
import type { ClusterState, MesosAgent } from '../model/cluster.js';
import { RESOURCE_NAMES } from '../model/resources.js';

/** An ASG instance that may be terminated now: its agent is idle and nothing else runs on it. */
export interface IdleVictim {
  instanceId: string;
  agentId: string;
  /** Capacity units its termination removes from the desired capacity. */
  weight: number;
  /** Epoch seconds the agent registered. */
  registeredAt: number;
}

function usesResources(agent: MesosAgent): boolean {
  return RESOURCE_NAMES.some((name) => agent.used[name] !== 0);
}

/** Registered and taking tasks: not disconnected, deactivated or draining. */
function isUsable(agent: MesosAgent): boolean {
  return agent.active && !agent.deactivated && agent.drainState === null;
}

/**
 * Instances of `asg` that can be removed without killing a task, oldest agent first (ties broken
 * by instance id so the choice is deterministic).
 *
 * An instance qualifies when it is InService and not protected from scale-in, and its private IP
 * belongs to a usable agent of `pool`, and no agent on that host (whatever its pool or state: several
 * agents can share a host) has a non-terminal task or anything allocated. An IP claimed by more than
 * one instance disqualifies them all.
 */
export function pickIdleVictims(input: {
  pool: string;
  cluster: ClusterState;
  asg: AsgState;
  addresses: readonly InstanceAddress[];
}): IdleVictim[] {
  const { pool, cluster, asg, addresses } = input;

  const removable = new Map(
    asg.instances
      .filter((i) => i.lifecycleState === 'InService' && !i.protectedFromScaleIn)
      .map((i) => [i.instanceId, i] as const),
  );
  const instancesByIp = new Map<string, string[]>();
  for (const address of addresses) {
    if (address.privateIp === null || !removable.has(address.instanceId)) continue;
    const ids = instancesByIp.get(address.privateIp) ?? [];
    if (!ids.includes(address.instanceId)) ids.push(address.instanceId);
    instancesByIp.set(address.privateIp, ids);
  }

  // Everything that names the host of an agent with tasks or allocations. Matching on host names
  // too protects a busy agent whose pid carries no IP.
  const agentsWithTasks = new Set(cluster.tasks.map((t) => t.agentId));
  const busyHosts = new Set<string>();
  for (const agent of cluster.agents) {
    if (!agentsWithTasks.has(agent.id) && !usesResources(agent)) continue;
    busyHosts.add(agent.hostname);
    if (agent.ip !== null) busyHosts.add(agent.ip);
  }
  const addressById = new Map(addresses.map((a) => [a.instanceId, a] as const));
  const isBusy = (...names: Array<string | null | undefined>) => names.some((n) => n != null && busyHosts.has(n));

  const victims = new Map<string, IdleVictim>();
  for (const agent of cluster.agents) {
    if (agent.pool !== pool || !isUsable(agent) || agent.ip === null) continue;
    const ids = instancesByIp.get(agent.ip);
    if (ids?.length !== 1) continue;
    const instanceId = ids[0];
    const instance = instanceId === undefined ? undefined : removable.get(instanceId);
    if (instanceId === undefined || instance === undefined) continue;
    if (isBusy(agent.ip, agent.hostname, addressById.get(instanceId)?.privateDnsName)) continue;
    const known = victims.get(instanceId);
    // Two idle agents on one host: the host counts once, as old as its oldest agent.
    if (known && known.registeredAt <= agent.registeredAt) continue;
    victims.set(instanceId, { instanceId, agentId: agent.id, weight: instance.weight, registeredAt: agent.registeredAt });
  }

  return [...victims.values()].sort(
    (a, b) => a.registeredAt - b.registeredAt || (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0),
  );
}
