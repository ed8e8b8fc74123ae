import type { DrainRecord } from '../aws/ports.js';
import { hasAllocations, type ClusterState } from '../model/cluster.js';
import type { DrainCheckInput, DrainCheckResult } from '../model/workflow.js';

/**
 * How busy a host is, over every agent on it, matched by IP or host name (an agent may re-register
 * under a new id, or carry no IP in its pid): its non-terminal tasks, or 1 when it has none but
 * still has resources allocated (an executor winding down). Zero means the host is idle.
 */
export function hostTasks(cluster: ClusterState): (host: { ip: string; hostname: string }) => number {
  const byId = new Map(cluster.agents.map((a) => [a.id, a] as const));
  const perIp = new Map<string, number>();
  const perName = new Map<string, number>();
  const add = (ip: string | null, hostname: string, n: number) => {
    if (ip) perIp.set(ip, (perIp.get(ip) ?? 0) + n);
    if (hostname) perName.set(hostname.toLowerCase(), (perName.get(hostname.toLowerCase()) ?? 0) + n);
  };
  const withTasks = new Set<string>();
  for (const t of cluster.tasks) {
    const agent = byId.get(t.agentId);
    if (agent) add(agent.ip, agent.hostname, 1);
    withTasks.add(t.agentId);
  }
  for (const a of cluster.agents) {
    if (hasAllocations(a) && !withTasks.has(a.id)) add(a.ip, a.hostname, 1);
  }
  return ({ ip, hostname }) => Math.max(ip ? (perIp.get(ip) ?? 0) : 0, hostname ? (perName.get(hostname.toLowerCase()) ?? 0) : 0);
}

/**
 * Whether the agent is one the master has recovered from its registry after a failover but that has
 * not re-registered yet: neither it nor its tasks are in the state, so its host only looks empty.
 */
export function awaitsReregistration(cluster: ClusterState, agentId: string): boolean {
  return cluster.recoveredAgentIds.includes(agentId);
}

/** Why a drain's agent is left alone until it re-registers. */
export const AWAITS_REREGISTRATION = 'not re-registered since a master failover: its tasks cannot be seen yet';

/**
 * One check of the execution's drains (pure; the caller reads the ledger and Mesos fresh). An agent
 * is ready when its host runs no task any more (a DRAINED or gone agent included, never one that
 * has not re-registered after a failover); expired past
 * its deadline; released when the ledger no longer records it for this execution (finished, put
 * back into service by a scale-out, or adopted by another run).
 */
export function checkDrains(input: DrainCheckInput, ledger: readonly DrainRecord[], cluster: ClusterState, now: number): DrainCheckResult {
  const result: DrainCheckResult = { checks: input.checks + 1, ready: [], expired: [], waiting: [], released: [], done: false, desired: null, detail: '' };
  const tasksOnHost = hostTasks(cluster);
  const busy: string[] = [];
  const unseen: string[] = [];
  for (const { agentId } of input.action.drains) {
    const record = ledger.find((d) => d.agentId === agentId);
    if (!record || record.executionId !== input.plan.executionId) {
      result.released.push(agentId);
      continue;
    }
    if (awaitsReregistration(cluster, agentId)) {
      result.waiting.push(agentId);
      unseen.push(agentId);
      continue;
    }
    const running = tasksOnHost(record);
    if (running === 0) {
      result.ready.push(agentId);
    } else if (now >= record.deadline) {
      result.expired.push(agentId);
    } else {
      result.waiting.push(agentId);
      busy.push(`${agentId} (${running} task${running === 1 ? '' : 's'})`);
    }
  }
  result.done = result.ready.length + result.expired.length + result.waiting.length === 0;
  const parts = [
    result.ready.length > 0 ? `${result.ready.length} empty` : '',
    result.expired.length > 0 ? `${result.expired.length} past the deadline` : '',
    busy.length > 0 ? `still running tasks: ${busy.join(', ')}` : '',
    unseen.length > 0 ? `${unseen.join(', ')} ${AWAITS_REREGISTRATION}` : '',
    result.released.length > 0 ? `${result.released.length} finished or released` : '',
  ].filter(Boolean);
  result.detail = result.done ? 'every drain of this run has ended' : parts.join('; ');
  return result;
}
