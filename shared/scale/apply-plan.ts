import type { AsgState } from '../model/asg.js';
import type { ActionResult, Plan } from '../model/plan.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { AutoScalingPort, DrainLedgerPort, DrainRecord, InstancePort, TaskReporter } from '../aws/ports.js';
import { awaitsReregistration } from '../drains/check-drains.js';
import type { MesosMaintenance } from '../mesos/maintenance-port.js';
import type { MesosReader } from '../mesos/port.js';
import { chooseVictims, maxTaskAgeOf } from '../decide/victims.js';
import { finishDrains } from './finish-drains.js';
import { readPoolGroups } from '../aws/read-pool-groups.js';
import { groupsLabel, removableByGroup, spreadScaleOut, type PoolGroups } from '../model/pool-groups.js';

export interface ApplyPlanDeps {
  autoScaling: AutoScalingPort;
  instances: InstancePort;
  /** Read right before choosing victims: the plan's snapshot is never trusted for that. */
  mesos: MesosReader;
  maintenance: MesosMaintenance;
  ledger: DrainLedgerPort;
  /** Epoch ms. */
  now: () => number;
}

/** Everything the scale Lambda needs; built by the runtime composition (`scaleDeps()`). */
export interface ScaleDeps extends ApplyPlanDeps {
  reporter: TaskReporter;
  /** Structured log line; the shared JSON logger when absent. */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

function result(plan: Plan, before: number, after: number, detail: string, extra: Partial<Pick<ActionResult, 'terminatedInstanceIds' | 'drains' | 'reactivated'>> = {}): ActionResult {
  return {
    pool: plan.pool,
    asgNames: plan.asgNames,
    action: plan.action,
    before,
    after,
    terminatedInstanceIds: extra.terminatedInstanceIds ?? [],
    drains: extra.drains ?? [],
    reactivated: extra.reactivated ?? [],
    dryRun: plan.dryRun,
    detail,
  };
}

function checkDirection(plan: Plan): void {
  const wrong =
    (plan.action === 'scale-out' && plan.targetDesired <= plan.fromDesired) ||
    (plan.action === 'scale-in' && plan.targetDesired >= plan.fromDesired);
  if (wrong) {
    throw new AutoscalerError(
      ErrorNames.InvalidInput,
      `a ${plan.action} plan cannot go from ${plan.fromDesired} to ${plan.targetDesired}`,
    );
  }
}

function dryRunResult(plan: Plan, asg: AsgState): ActionResult {
  const current = asg.desiredCapacity;
  const would =
    plan.action === 'none'
      ? 'would change nothing'
      : plan.action === 'scale-out'
        ? `would set the desired capacity from ${plan.fromDesired} to ${Math.min(plan.targetDesired, asg.maxSize)}`
        : `would drain agents and remove them once empty, bringing the desired capacity from ${plan.fromDesired} to ${Math.max(plan.targetDesired, asg.minSize)}`;
  const moved = current === plan.fromDesired ? '' : ` (the desired capacity has since moved to ${current})`;
  return result(plan, current, current, `dry run: ${would}${moved}; nothing was changed`);
}

/**
 * Puts draining agents back into service (the plan's `reactivate`): a scale-out that needs capacity
 * again, or a drain left behind by a failed execution. An agent already gone is only forgotten; one
 * that has not re-registered since a master failover is left for a later run.
 */
async function reactivate(plan: Plan, deps: ApplyPlanDeps): Promise<string[]> {
  if (plan.reactivate.length === 0) return [];
  const cluster = await deps.mesos.readCluster();
  // Read only when some agent is gone: its record then names the machine.
  let ledger: Promise<DrainRecord[]> | null = null;
  const done: string[] = [];
  for (const agentId of plan.reactivate) {
    const agent = cluster.agents.find((a) => a.id === agentId);
    // Not re-registered yet: it cannot be reactivated now, and forgetting it would leave it out of
    // service for good. Its record stays for a later run.
    if (!agent && awaitsReregistration(cluster, agentId)) continue;
    if (agent) {
      await deps.maintenance.cancelDrain(agent);
    } else {
      // The agent is gone: only its machine's maintenance (older masters) can be left, named by host and IP.
      ledger ??= deps.ledger.list(plan.pool);
      const record = (await ledger).find((d) => d.agentId === agentId);
      if (record && record.ip !== '') await deps.maintenance.releaseMachines(plan.pool, [{ hostname: record.hostname, ip: record.ip }]);
    }
    await deps.ledger.remove(plan.pool, agentId);
    done.push(agentId);
  }
  return done;
}

/** The new capacity is spread over the pool's groups (balanced), each group set on its own. */
async function scaleOut(plan: Plan, pool: PoolGroups, deps: ApplyPlanDeps): Promise<ActionResult> {
  const asg = pool.merged;
  const current = asg.desiredCapacity;
  const reactivated = await reactivate(plan, deps);
  const notes = reactivated.length > 0 ? [`${reactivated.length} draining agent(s) put back into service (${reactivated.join(', ')})`] : [];
  const target = Math.min(plan.targetDesired, asg.maxSize);
  if (target <= current) {
    if (plan.targetDesired > current) notes.push(`the ASG is at its MaxSize ${asg.maxSize}; nothing to add`);
    return result(plan, current, current, notes.join('; ') || 'nothing to add', { reactivated });
  }
  const spread = spreadScaleOut(pool.groups, target);
  const changed = pool.groups.flatMap((group, i) => (spread[i] === group.desiredCapacity ? [] : [{ group, desired: spread[i]! }]));
  let after = current;
  for (const { group, desired } of changed) {
    try {
      await deps.autoScaling.setDesiredCapacity(group.name, desired);
    } catch (err) {
      // Groups already raised stay raised: report them rather than fail.
      if (after === current || !(err instanceof AutoscalerError)) throw err;
      notes.push(`desired capacity set from ${current} to ${after}, then ${group.name} refused (${err.name}: ${err.message}); the next run re-plans`);
      return result(plan, current, after, notes.join('; '), { reactivated });
    }
    after += desired - group.desiredCapacity;
  }
  const perGroup = pool.groups.length > 1 ? ` (${changed.map(({ group, desired }) => `${group.name} ${group.desiredCapacity} → ${desired}`).join(', ')})` : '';
  notes.push(`desired capacity set from ${current} to ${after}${perGroup}`);
  if (after < plan.targetDesired) notes.push(`clamped to the ASG's MaxSize ${asg.maxSize} (the plan asked for ${plan.targetDesired})`);
  const stopped = changed.filter(({ group }) => group.suspendedProcesses.includes('Launch')).map(({ group }) => group.name);
  if (stopped.length > 0) notes.push(`the Launch process is suspended${pool.groups.length > 1 ? ` in ${groupsLabel(stopped)}` : ''}: no instance starts there until it is resumed`);
  return result(plan, current, after, notes.join('; '), { reactivated });
}

/**
 * Scale-in never terminates a busy agent. Victims are chosen from a Mesos read made now (never from
 * the plan's snapshot): an instance that never registered is terminated at once; every agent is
 * soft-drained (it takes no new task, nothing is killed) and recorded in the drain ledger under this
 * execution, which waits for it to empty before terminating it (DrainCheck / FinishDrains).
 */
async function scaleIn(plan: Plan, pool: PoolGroups, deps: ApplyPlanDeps): Promise<ActionResult> {
  const asg = pool.merged;
  const current = asg.desiredCapacity;
  const reactivated = await reactivate(plan, deps);
  if (asg.suspendedProcesses.includes('Terminate')) {
    return result(plan, current, current, 'the ASG has its Terminate process suspended; nothing was removed', { reactivated });
  }
  const floor = Math.max(plan.targetDesired, asg.minSize);
  if (floor >= current) {
    return result(plan, current, current, `the ASG is at its MinSize ${asg.minSize}; nothing to remove`, { reactivated });
  }
  const addresses = await deps.instances.addresses(asg.instances.map((i) => i.instanceId));
  const cluster = await deps.mesos.readCluster();
  if (cluster.recoveredAgentIds.length > 0) {
    return result(plan, current, current, `${cluster.recoveredAgentIds.length} agent(s) have not re-registered since a master failover; no capacity is removed until they have`, { reactivated });
  }
  const now = deps.now();
  const ledger = await deps.ledger.list(plan.pool);
  const { victims, notes } = chooseVictims({
    pool: plan.pool, count: current - floor, cluster, asg, addresses, drains: ledger, now,
    rules: {
      minAgentAgeSeconds: plan.drain.minAgentAgeSeconds,
      unregisteredGraceSeconds: plan.drain.unregisteredGraceSeconds,
      maxDraining: plan.drain.maxDraining,
      busyAgents: plan.drain.busyAgents,
      maxTaskAgeSeconds: maxTaskAgeOf(plan.drain),
    },
    groups: { of: (instanceId) => pool.groupOf(instanceId)?.name, room: removableByGroup(pool.groups) },
  });
  const weightOf = new Map(asg.instances.map((i) => [i.instanceId, i.weight] as const));

  const terminated: string[] = [];
  const drains: ActionResult['drains'] = [];
  let after = current;
  for (const victim of victims) {
    try {
      if (victim.agent === null) {
        // Never registered, or a drained agent already gone: nothing runs there.
        await deps.autoScaling.terminateInstanceAndDecrement(victim.instanceId);
        terminated.push(victim.instanceId);
        after -= weightOf.get(victim.instanceId) ?? 1;
        const record = ledger.find((d) => d.instanceId === victim.instanceId);
        if (record) await deps.ledger.remove(plan.pool, record.agentId);
        continue;
      }
      const agent = victim.agent;
      const previous = ledger.find((d) => d.agentId === agent.id);
      // Recorded before Mesos is asked, so a drain can never exist without its record.
      await deps.ledger.put({
        pool: plan.pool, agentId: agent.id, instanceId: victim.instanceId, hostname: agent.hostname, ip: agent.ip ?? '',
        executionId: plan.executionId, startedAt: previous?.startedAt ?? now,
        deadline: previous?.deadline ?? now + plan.drain.deadlineSeconds * 1000, mode: previous?.mode ?? 'soft',
      });
      if (victim.reason !== 'already-draining') {
        try {
          await deps.maintenance.startSoftDrain(agent, { windowSeconds: plan.drain.deadlineSeconds });
        } catch (err) {
          await deps.ledger.remove(plan.pool, agent.id);
          throw err;
        }
      }
      drains.push({ agentId: agent.id, instanceId: victim.instanceId, runningTasks: victim.runningTasks, reason: victim.reason });
    } catch (err) {
      // What was done so far is complete on its own (and recorded): report it rather than fail.
      if (terminated.length + drains.length === 0 || !(err instanceof AutoscalerError)) throw err;
      notes.push(`stopped early after ${err.name}: ${err.message}; the rest is re-planned by the next run`);
      break;
    }
  }
  // An idle victim, once deactivated, can take no new task: if a fresh read still finds its host
  // empty, it is finished now rather than after a drain check.
  const idle = drains.filter((d) => d.reason === 'idle').map((d) => d.agentId);
  if (idle.length > 0) {
    try {
      const { result: finished, ended } = await finishDrains(
        { pool: plan.pool, asgNames: plan.asgNames, executionId: plan.executionId, ready: idle, expired: [], drain: plan.drain },
        deps,
      );
      terminated.push(...finished.terminatedInstanceIds);
      after -= finished.terminatedInstanceIds.reduce((sum, id) => sum + (weightOf.get(id) ?? 1), 0);
      for (const s of finished.skipped) notes.push(`${s.agentId} keeps draining: ${s.why}`);
      // Only drains still recorded go on (a victim whose instance left the group meanwhile is done).
      const done = new Set(ended);
      drains.splice(0, drains.length, ...drains.filter((d) => !done.has(d.agentId)));
    } catch (err) {
      // The drains stand as recorded; the drain checks finish them.
      if (!(err instanceof AutoscalerError)) throw err;
      notes.push(`idle agents left draining after ${err.name}: ${err.message}`);
    }
  }

  const parts: string[] = [];
  if (reactivated.length > 0) parts.push(`${reactivated.length} drain(s) left behind put back into service`);
  if (terminated.length > 0) parts.push(`terminated ${terminated.length} instance(s) with nothing running (${terminated.join(', ')})`);
  if (drains.length > 0) parts.push(`draining ${drains.length} agent(s) (no new tasks; terminated once empty): ${drains.map((d) => `${d.agentId} (${d.reason}, ${d.runningTasks} tasks)`).join(', ')}`);
  if (parts.length === 0) parts.push(`no agent of pool ${plan.pool} can be removed now`);
  return result(plan, current, after, [...parts, ...notes].join('; '), { terminatedInstanceIds: terminated, drains, reactivated });
}

/** Applies a plan to its ASG, refusing it when the group moved since the plan was computed. */
export async function applyPlan(plan: Plan, deps: ApplyPlanDeps): Promise<ActionResult> {
  checkDirection(plan);
  const pool = await readPoolGroups(deps.autoScaling, plan.pool, plan.asgNames);
  const asg = pool.merged;
  if (plan.dryRun) return dryRunResult(plan, asg);
  if (plan.action === 'none') {
    const reactivated = await reactivate(plan, deps);
    const detail = reactivated.length > 0 ? `${reactivated.length} drain(s) left behind put back into service (${reactivated.join(', ')})` : 'the plan asks for no change';
    return result(plan, asg.desiredCapacity, asg.desiredCapacity, detail, { reactivated });
  }
  if (asg.desiredCapacity !== plan.fromDesired) {
    throw new AutoscalerError(
      ErrorNames.StalePlan,
      `desired capacity of ${asg.name} moved from ${plan.fromDesired} to ${asg.desiredCapacity} since the plan was computed; the next run re-plans`,
    );
  }
  return plan.action === 'scale-out' ? scaleOut(plan, pool, deps) : scaleIn(plan, pool, deps);
}
