import type { AsgState } from '../model/asg.js';
import type { ActionResult, Plan } from '../model/plan.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { AutoScalingPort, InstancePort, TaskReporter } from '../aws/ports.js';
import type { MesosReader } from '../mesos/port.js';
import { pickIdleVictims } from './idle-victims.js';
import type { IdleVictim } from './idle-victims.js';

export interface ApplyPlanDeps {
  autoScaling: AutoScalingPort;
  instances: InstancePort;
  /** Read right before choosing victims: the plan's snapshot is never trusted for that. */
  mesos: MesosReader;
}

/** Everything the scale Lambda needs; built by the runtime composition (`scaleDeps()`). */
export interface ScaleDeps extends ApplyPlanDeps {
  reporter: TaskReporter;
  /** Epoch ms. */
  now: () => number;
  /** Structured log line; the shared JSON logger when absent. */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

function result(plan: Plan, before: number, after: number, detail: string, terminated: string[] = []): ActionResult {
  return {
    pool: plan.pool,
    asgName: plan.asgName,
    action: plan.action,
    before,
    after,
    terminatedInstanceIds: terminated,
    dryRun: plan.dryRun,
    detail,
  };
}

async function readGroup(plan: Plan, autoScaling: AutoScalingPort): Promise<AsgState> {
  const [asg] = (await autoScaling.describeGroups([plan.asgName])).filter((g) => g.name === plan.asgName);
  // The group named by the pool's configuration is gone: no retry helps until the configuration is fixed.
  if (!asg) {
    throw new AutoscalerError(
      ErrorNames.UnknownPool,
      `Auto Scaling group ${plan.asgName} of pool ${plan.pool} does not exist; fix the pool's ASG name`,
    );
  }
  return asg;
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
        : `would remove idle agents to bring the desired capacity from ${plan.fromDesired} to ${Math.max(plan.targetDesired, asg.minSize)}`;
  const moved = current === plan.fromDesired ? '' : ` (the desired capacity has since moved to ${current})`;
  return result(plan, current, current, `dry run: ${would}${moved}; nothing was changed`);
}

async function scaleOut(plan: Plan, asg: AsgState, deps: ApplyPlanDeps): Promise<ActionResult> {
  const current = asg.desiredCapacity;
  const target = Math.min(plan.targetDesired, asg.maxSize);
  if (target <= current) {
    return result(plan, current, current, `the ASG is at its MaxSize ${asg.maxSize}; nothing to add`);
  }
  await deps.autoScaling.setDesiredCapacity(plan.asgName, target);
  const notes = [`desired capacity set from ${current} to ${target}`];
  if (target < plan.targetDesired) notes.push(`clamped to the ASG's MaxSize ${asg.maxSize} (the plan asked for ${plan.targetDesired})`);
  if (asg.suspendedProcesses.includes('Launch')) notes.push('the Launch process is suspended: no instance starts until it is resumed');
  return result(plan, current, target, notes.join('; '));
}

/**
 * Removes idle agents only (never a busy one), one termination at a time, each decrementing the
 * desired capacity. Victims come from a Mesos read made right before the terminations; a task can
 * still be placed on a victim between that read and its termination. That window is seconds long
 * and is closed by the safe-drain capability (drain through Mesos before terminating).
 */
async function scaleIn(plan: Plan, asg: AsgState, deps: ApplyPlanDeps): Promise<ActionResult> {
  const current = asg.desiredCapacity;
  if (asg.suspendedProcesses.includes('Terminate')) {
    return result(plan, current, current, 'the ASG has its Terminate process suspended; no instance was removed');
  }
  const floor = Math.max(plan.targetDesired, asg.minSize);
  if (floor >= current) {
    return result(plan, current, current, `the ASG is at its MinSize ${asg.minSize}; nothing to remove`);
  }

  const ids = asg.instances.filter((i) => i.lifecycleState === 'InService' && !i.protectedFromScaleIn).map((i) => i.instanceId);
  const addresses = ids.length > 0 ? await deps.instances.addresses(ids) : [];
  const cluster = await deps.mesos.readCluster();
  if (cluster.recoveredAgentIds.length > 0) {
    return result(
      plan,
      current,
      current,
      `${cluster.recoveredAgentIds.length} agent(s) have not re-registered since a master failover; no capacity is removed until they have`,
    );
  }

  // Greedy in victim order: a victim whose weight would take the group below the floor is skipped.
  let budget = current - floor;
  const chosen: IdleVictim[] = [];
  for (const victim of pickIdleVictims({ pool: plan.pool, cluster, asg, addresses })) {
    if (victim.weight > budget) continue;
    chosen.push(victim);
    budget -= victim.weight;
  }
  if (chosen.length === 0) {
    return result(plan, current, current, `no idle agent of pool ${plan.pool} can be removed now; nothing was removed`);
  }

  const terminated: string[] = [];
  let after = current;
  let stoppedBy: AutoscalerError | null = null;
  for (const victim of chosen) {
    try {
      await deps.autoScaling.terminateInstanceAndDecrement(victim.instanceId);
    } catch (err) {
      // Every termination done so far is complete on its own: report them rather than fail.
      if (terminated.length === 0 || !(err instanceof AutoscalerError)) throw err;
      stoppedBy = err;
      break;
    }
    terminated.push(victim.instanceId);
    after -= victim.weight;
  }

  const notes = [`terminated ${terminated.length} idle agent instance(s) (${terminated.join(', ')}); desired capacity ${current} to ${after}`];
  if (floor > plan.targetDesired) notes.push(`stopped at the ASG's MinSize ${asg.minSize} (the plan asked for ${plan.targetDesired})`);
  if (stoppedBy) {
    notes.push(`stopped early after ${stoppedBy.name}: ${stoppedBy.message}; the rest is re-planned by the next run`);
  } else if (after > floor) {
    notes.push(`only ${chosen.length} idle agent(s) could be removed now; the rest is re-planned by the next run`);
  }
  return result(plan, current, after, notes.join('; '), terminated);
}

/** Applies a plan to its ASG, refusing it when the group moved since the plan was computed. */
export async function applyPlan(plan: Plan, deps: ApplyPlanDeps): Promise<ActionResult> {
  checkDirection(plan);
  const asg = await readGroup(plan, deps.autoScaling);
  if (plan.dryRun) return dryRunResult(plan, asg);
  if (plan.action === 'none') return result(plan, asg.desiredCapacity, asg.desiredCapacity, 'the plan asks for no change');
  if (asg.desiredCapacity !== plan.fromDesired) {
    throw new AutoscalerError(
      ErrorNames.StalePlan,
      `desired capacity of ${plan.asgName} moved from ${plan.fromDesired} to ${asg.desiredCapacity} since the plan was computed; the next run re-plans`,
    );
  }
  return plan.action === 'scale-out' ? scaleOut(plan, asg, deps) : scaleIn(plan, asg, deps);
}
