import type { DrainRecord } from '../aws/ports.js';
import { AutoscalerError } from '../model/errors.js';
import type { FinishDrainsRequest, FinishDrainsResult } from '../model/workflow.js';
import { AWAITS_REREGISTRATION, awaitsReregistration, hostTasks } from '../drains/check-drains.js';
import type { ApplyPlanDeps } from './apply-plan.js';

/**
 * Ends the drains a check found ready or expired, through the FIFO queue like every ASG change.
 * Ready: the agent is re-read now and its instance terminated (with decrement) only while it runs no
 * task; then the agent is cleaned up in Mesos (kept out of service) and forgotten. Expired: per
 * configuration, put back into service (the default: nothing is ever killed) or hard-drained (tasks
 * killed gracefully; a later check finds the agent empty). A drain no longer recorded for this
 * execution is left alone. `ended` names the agents whose drains it ended (their ledger records removed).
 */
export async function finishDrains(request: FinishDrainsRequest, deps: ApplyPlanDeps): Promise<{ result: FinishDrainsResult; ended: string[] }> {
  const out: FinishDrainsResult = { terminatedInstanceIds: [], givenUp: [], forced: [], skipped: [] };
  const ended: string[] = [];
  const ledger = await deps.ledger.list(request.pool);
  const cluster = await deps.mesos.readCluster();
  const instances = (await deps.autoScaling.describeGroups(request.asgNames)).flatMap((g) => g.instances);
  const tasksOnHost = hostTasks(cluster);
  const ours = (agentId: string): DrainRecord | null => {
    const record = ledger.find((d) => d.agentId === agentId);
    return record && record.executionId === request.executionId ? record : null;
  };

  for (const agentId of request.ready) {
    const record = ours(agentId);
    if (!record) {
      out.skipped.push({ agentId, why: 'no longer drained by this run' });
      continue;
    }
    if (awaitsReregistration(cluster, agentId)) {
      out.skipped.push({ agentId, why: AWAITS_REREGISTRATION });
      continue;
    }
    const agent = cluster.agents.find((a) => a.id === agentId) ?? null;
    // Any agent on the host counts: the drained one may have re-registered under a new id.
    const busy = tasksOnHost(record);
    if (busy > 0) {
      out.skipped.push({ agentId, why: `its host runs ${busy} task(s)` });
      continue;
    }
    const inGroup = instances.some((i) => i.instanceId === record.instanceId && !i.lifecycleState.startsWith('Terminat'));
    if (inGroup) {
      try {
        await deps.autoScaling.terminateInstanceAndDecrement(record.instanceId);
      } catch (err) {
        // Each finished drain stands on its own; a conflict leaves the rest for the next check.
        if (!(err instanceof AutoscalerError) || out.terminatedInstanceIds.length + out.givenUp.length + out.forced.length === 0) throw err;
        out.skipped.push({ agentId, why: `${err.name}: ${err.message}; the rest waits for the next check` });
        return { result: out, ended };
      }
      out.terminatedInstanceIds.push(record.instanceId);
    }
    await deps.ledger.remove(request.pool, agentId);
    ended.push(agentId);
    if (agent) {
      // The instance is going already: cleaning up its agent is best effort (Mesos may have dropped it
      // first). It never puts the agent back into service, since a lifecycle hook may hold the instance
      // running: what it leaves on older masters is released once the instance is gone (releaseLeftovers).
      try {
        await deps.maintenance.cleanUp(agent, { markGone: request.drain.markGone });
      } catch (err) {
        if (!(err instanceof AutoscalerError)) throw err;
        out.skipped.push({ agentId, why: `terminated; Mesos clean-up not done: ${err.message}` });
      }
    }
  }

  for (const agentId of request.expired) {
    const record = ours(agentId);
    const agent = cluster.agents.find((a) => a.id === agentId) ?? null;
    if (!record || !agent) {
      const why = !record ? 'no longer drained by this run' : awaitsReregistration(cluster, agentId) ? AWAITS_REREGISTRATION : 'the agent is gone';
      out.skipped.push({ agentId, why });
      continue;
    }
    if (request.drain.forceAtDeadline && record.mode === 'soft') {
      await deps.maintenance.startHardDrain(agent, { maxGracePeriodSeconds: request.drain.graceSeconds, markGone: request.drain.markGone });
      // The hard drain ends within the grace period; the next checks then find the agent empty.
      await deps.ledger.put({ ...record, mode: 'hard', deadline: deps.now() + (request.drain.graceSeconds + request.drain.checkSeconds * 2) * 1000 });
      out.forced.push(agentId);
    } else {
      await deps.maintenance.cancelDrain(agent);
      await deps.ledger.remove(request.pool, agentId);
      ended.push(agentId);
      out.givenUp.push(agentId);
    }
  }
  return { result: out, ended };
}
