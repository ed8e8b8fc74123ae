import type { DrainRecord } from '../aws/ports.js';
import type { ClusterState } from '../model/cluster.js';
import type { DrainCheckInput, DrainCheckResult } from '../model/workflow.js';

/** Non-terminal tasks per host IP, over every agent on it (an agent may re-register under a new id). */
export function hostTasks(cluster: ClusterState): (ip: string) => number {
  const ipOf = new Map(cluster.agents.map((a) => [a.id, a.ip] as const));
  const perIp = new Map<string, number>();
  for (const t of cluster.tasks) {
    const ip = ipOf.get(t.agentId);
    if (ip) perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
  }
  return (ip) => perIp.get(ip) ?? 0;
}

/**
 * One check of the execution's drains (pure; the caller reads the ledger and Mesos fresh). An agent
 * is ready when its host runs no task any more (a DRAINED or gone agent included); expired past
 * its deadline; released when the ledger no longer records it for this execution (finished, put
 * back into service by a scale-out, or adopted by another run).
 */
export function checkDrains(input: DrainCheckInput, ledger: readonly DrainRecord[], cluster: ClusterState, now: number): DrainCheckResult {
  const result: DrainCheckResult = { checks: input.checks + 1, ready: [], expired: [], waiting: [], released: [], done: false, desired: null, detail: '' };
  const tasksOnHost = hostTasks(cluster);
  const busy: string[] = [];
  for (const { agentId } of input.action.drains) {
    const record = ledger.find((d) => d.agentId === agentId);
    if (!record || record.executionId !== input.plan.executionId) {
      result.released.push(agentId);
      continue;
    }
    const running = record.ip ? tasksOnHost(record.ip) : cluster.tasks.filter((t) => t.agentId === agentId).length;
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
    result.released.length > 0 ? `${result.released.length} finished or released` : '',
  ].filter(Boolean);
  result.detail = result.done ? 'every drain of this run has ended' : parts.join('; ');
  return result;
}
