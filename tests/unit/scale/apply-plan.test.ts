import { applyPlan } from '../../../shared/scale/apply-plan.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import type { AsgState, InstanceAddress } from '../../../shared/model/asg.js';
import type { ClusterState } from '../../../shared/model/cluster.js';
import type { Plan } from '../../../shared/model/plan.js';
import { resources } from '../../../shared/model/resources.js';
import { FakeAutoScaling, FakeInstances, FakeMesos, agent, asg, cluster, idOf, instance, plan, task } from '../../support/fakes.js';

function setup(group: AsgState, state: ClusterState = cluster([]), explicit?: Map<string, InstanceAddress>) {
  const autoScaling = new FakeAutoScaling(group);
  const mesos = new FakeMesos(state);
  const instances = new FakeInstances(explicit);
  return { autoScaling, mesos, instances, deps: { autoScaling, mesos, instances } };
}

async function rejection(promise: Promise<unknown>): Promise<AutoscalerError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AutoscalerError);
  return err as AutoscalerError;
}

const conflict = () => new AutoscalerError(ErrorNames.ScalingConflict, 'TerminateInstanceInAutoScalingGroup failed: ScalingActivityInProgressFault: busy');
const threeInstances = () => asg([instance(1), instance(2), instance(3)]);
const scaleIn = (extra: Partial<Plan> = {}) => plan({ action: 'scale-in', fromDesired: 3, targetDesired: 1, ...extra });

describe('compare-and-set', () => {
  it('refuses a plan whose ASG moved since it was computed, changing nothing', async () => {
    const { autoScaling, mesos, deps } = setup(asg([instance(1), instance(2), instance(3), instance(4)]));

    const err = await rejection(applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5 }), deps));

    expect(err.name).toBe(ErrorNames.StalePlan);
    expect(err.message).toContain('moved from 3 to 4 since the plan was computed; the next run re-plans');
    expect(autoScaling.calls).toEqual([]);
    expect(mesos.reads).toBe(0);
  });

  it('reports a missing ASG as UnknownPool', async () => {
    const { deps } = setup(asg([], { name: 'another-asg' }));
    const err = await rejection(applyPlan(plan({ action: 'scale-out', fromDesired: 0, targetDesired: 2 }), deps));
    expect(err.name).toBe(ErrorNames.UnknownPool);
    expect(err.message).toContain('asg-batch');
  });

  it('rejects a plan whose target goes the wrong way for its action', async () => {
    const { autoScaling, deps } = setup(threeInstances());
    const err = await rejection(applyPlan(plan({ action: 'scale-in', fromDesired: 3, targetDesired: 4 }), deps));
    expect(err.name).toBe(ErrorNames.InvalidInput);
    expect(autoScaling.calls).toEqual([]);
  });
});

describe('no-op plans', () => {
  it('never applies a dry-run plan and says what it would have done', async () => {
    const { autoScaling, mesos, deps } = setup(threeInstances());

    const result = await applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5, dryRun: true }), deps);

    expect(autoScaling.calls).toEqual([]);
    expect(mesos.reads).toBe(0);
    expect(result).toMatchObject({ dryRun: true, before: 3, after: 3, terminatedInstanceIds: [] });
    expect(result.detail).toContain('would set the desired capacity from 3 to 5');
  });

  it('makes no call for a dry-run scale-in either', async () => {
    const { autoScaling, mesos, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)]));
    const result = await applyPlan(scaleIn({ dryRun: true }), deps);
    expect(autoScaling.calls).toEqual([]);
    expect(mesos.reads).toBe(0);
    expect(result).toMatchObject({ dryRun: true, before: 3, after: 3 });
  });

  it('makes no call for action none', async () => {
    const { autoScaling, deps } = setup(threeInstances());
    const result = await applyPlan(plan({ action: 'none' }), deps);
    expect(autoScaling.calls).toEqual([]);
    expect(result).toMatchObject({ action: 'none', before: 3, after: 3, dryRun: false });
  });
});

describe('scale-out', () => {
  it('sets the desired capacity to the target', async () => {
    const { autoScaling, deps } = setup(threeInstances());

    const result = await applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5 }), deps);

    expect(autoScaling.calls).toEqual(['set asg-batch 5']);
    expect(result).toEqual({
      pool: 'batch',
      asgName: 'asg-batch',
      action: 'scale-out',
      before: 3,
      after: 5,
      terminatedInstanceIds: [],
      dryRun: false,
      detail: 'desired capacity set from 3 to 5',
    });
  });

  it('never exceeds MaxSize and says so', async () => {
    const { autoScaling, deps } = setup(asg([instance(1), instance(2), instance(3)], { maxSize: 4 }));

    const result = await applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 8 }), deps);

    expect(autoScaling.calls).toEqual(['set asg-batch 4']);
    expect(result.after).toBe(4);
    expect(result.detail).toContain("clamped to the ASG's MaxSize 4 (the plan asked for 8)");
  });

  it('makes no call when the ASG is already at MaxSize', async () => {
    const { autoScaling, deps } = setup(asg([instance(1), instance(2), instance(3)], { maxSize: 3 }));
    const result = await applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5 }), deps);
    expect(autoScaling.calls).toEqual([]);
    expect(result).toMatchObject({ before: 3, after: 3 });
  });

  it('propagates a conflict as ScalingConflict', async () => {
    const { autoScaling, deps } = setup(threeInstances());
    autoScaling.setDesiredError = new AutoscalerError(ErrorNames.ScalingConflict, 'busy');
    const err = await rejection(applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5 }), deps));
    expect(err.name).toBe(ErrorNames.ScalingConflict);
  });
});

describe('scale-in', () => {
  it('terminates idle agents only, oldest registered first, reading Mesos fresh', async () => {
    // Agent 1 is busy (a task), agent 2 has resources allocated, agents 3..5 are idle; 5 registered first.
    const group = asg([1, 2, 3, 4, 5].map((n) => instance(n)));
    const state = cluster(
      [agent(1), agent(2, { used: resources({ cpus: 0.5 }) }), agent(3), agent(4), agent(5, { registeredAt: 1 })],
      [task('agent-1')],
    );
    const { autoScaling, mesos, deps } = setup(group, state);

    const result = await applyPlan(scaleIn({ fromDesired: 5, targetDesired: 3 }), deps);

    expect(mesos.reads).toBe(1);
    expect(autoScaling.calls).toEqual([`terminate ${idOf(5)}`, `terminate ${idOf(3)}`]);
    expect(result).toMatchObject({ before: 5, after: 3, terminatedInstanceIds: [idOf(5), idOf(3)] });
  });

  it('never picks a busy agent, even when fewer idle agents exist than the plan asks for', async () => {
    const group = asg([1, 2, 3, 4].map((n) => instance(n)));
    const state = cluster([agent(1), agent(2), agent(3), agent(4)], [task('agent-1'), task('agent-2'), task('agent-3')]);
    const { autoScaling, deps } = setup(group, state);

    const result = await applyPlan(scaleIn({ fromDesired: 4, targetDesired: 1 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(4)]);
    expect(result).toMatchObject({ before: 4, after: 3 });
    expect(result.detail).toContain('only 1 idle agent(s) could be removed now');
  });

  it('uses the fresh Mesos state, not what the plan saw', async () => {
    // The plan was computed when agent 1 was idle; a task has landed on it since.
    const { autoScaling, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)], [task('agent-1'), task('agent-2')]));
    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 1 }), deps);
    expect(autoScaling.terminated).toEqual([idOf(3)]);
    expect(result.after).toBe(2);
  });

  it('skips instances protected from scale-in and instances not InService', async () => {
    const group = asg([instance(1, { protectedFromScaleIn: true }), instance(2, { lifecycleState: 'Pending' }), instance(3)]);
    const { autoScaling, instances, deps } = setup(group, cluster([agent(1), agent(2), agent(3)]));

    await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 0 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(3)]);
    expect(instances.asked).toEqual([[idOf(3)]]);
  });

  it('skips agents of other pools, draining, deactivated or disconnected agents', async () => {
    const group = asg([1, 2, 3, 4, 5].map((n) => instance(n)));
    const state = cluster([
      agent(1, { pool: 'web' }),
      agent(2, { drainState: 'DRAINING' }),
      agent(3, { deactivated: true }),
      agent(4, { active: false }),
      agent(5),
    ]);
    const { autoScaling, deps } = setup(group, state);

    await applyPlan(scaleIn({ fromDesired: 5, targetDesired: 0 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(5)]);
  });

  it('protects a host where another agent (of any pool) runs a task', async () => {
    // Two agents on the same host 10.0.0.1: one idle in the pool, one busy in another pool.
    const busyNeighbour = agent(9, { id: 'agent-9', pool: 'web', ip: '10.0.0.1', hostname: 'ip-10-0-0-1.internal' });
    const { autoScaling, deps } = setup(threeInstances(), cluster([agent(1), busyNeighbour, agent(2)], [task('agent-9')]));

    await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 1 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(2)]);
  });

  it('protects a host whose busy agent carries no IP, matching on the host name', async () => {
    const busyNoIp = agent(9, { id: 'agent-9', ip: null, hostname: 'ip-10-0-0-1.internal' });
    const { autoScaling, deps } = setup(threeInstances(), cluster([agent(1), busyNoIp, agent(2)], [task('agent-9')]));

    await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 1 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(2)]);
  });

  it('breaks registration-time ties by instance id', async () => {
    const group = asg([instance(3), instance(1), instance(2)]);
    const state = cluster([agent(3, { registeredAt: 5 }), agent(1, { registeredAt: 5 }), agent(2, { registeredAt: 5 })]);
    const { autoScaling, deps } = setup(group, state);
    await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 1 }), deps);
    expect(autoScaling.terminated).toEqual([idOf(1), idOf(2)]);
  });

  it('refuses while the Terminate process is suspended, without error', async () => {
    const group = asg([instance(1), instance(2), instance(3)], { suspendedProcesses: ['Terminate'] });
    const { autoScaling, mesos, deps } = setup(group, cluster([agent(1), agent(2), agent(3)]));

    const result = await applyPlan(scaleIn(), deps);

    expect(autoScaling.calls).toEqual([]);
    expect(mesos.reads).toBe(0);
    expect(result).toMatchObject({ before: 3, after: 3, terminatedInstanceIds: [] });
    expect(result.detail).toContain('Terminate process suspended');
  });

  it('never goes below MinSize', async () => {
    const group = asg([instance(1), instance(2), instance(3)], { minSize: 2 });
    const { autoScaling, deps } = setup(group, cluster([agent(1), agent(2), agent(3)]));

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 0 }), deps);

    expect(autoScaling.terminated).toHaveLength(1);
    expect(result.after).toBe(2);
    expect(result.detail).toContain("stopped at the ASG's MinSize 2 (the plan asked for 0)");
  });

  it('makes no call when the ASG is already at MinSize', async () => {
    const group = asg([instance(1), instance(2), instance(3)], { minSize: 3 });
    const { autoScaling, mesos, deps } = setup(group, cluster([agent(1), agent(2), agent(3)]));
    const result = await applyPlan(scaleIn(), deps);
    expect(autoScaling.calls).toEqual([]);
    expect(mesos.reads).toBe(0);
    expect(result.after).toBe(3);
  });

  it('counts weighted instances in capacity units and never crosses the target with them', async () => {
    // Desired 6 = 4 + 1 + 1; removing 2 units must skip the weight-4 instance even though it is the oldest.
    const group = asg([instance(1, { weight: 4 }), instance(2), instance(3)]);
    const { autoScaling, deps } = setup(group, cluster([agent(1, { registeredAt: 1 }), agent(2), agent(3)]));

    const result = await applyPlan(scaleIn({ fromDesired: 6, targetDesired: 4 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(2), idOf(3)]);
    expect(result).toMatchObject({ before: 6, after: 4 });
  });

  it('removes nothing while agents have not re-registered after a master failover', async () => {
    const state = cluster([agent(1), agent(2), agent(3)], [], { recoveredAgentIds: ['agent-7'] });
    const { autoScaling, deps } = setup(threeInstances(), state);
    const result = await applyPlan(scaleIn(), deps);
    expect(autoScaling.calls).toEqual([]);
    expect(result.detail).toContain('not re-registered');
  });

  it('reports that no idle agent could be removed', async () => {
    const { autoScaling, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)], [task('agent-1'), task('agent-2'), task('agent-3')]));
    const result = await applyPlan(scaleIn(), deps);
    expect(autoScaling.calls).toEqual([]);
    expect(result).toMatchObject({ before: 3, after: 3, terminatedInstanceIds: [] });
    expect(result.detail).toContain('no idle agent of pool batch can be removed now');
  });

  it('ignores agents whose IP matches no instance of the ASG', async () => {
    const addresses = new Map([[idOf(1), { instanceId: idOf(1), privateIp: '10.9.9.9', privateDnsName: null }]]);
    const { autoScaling, deps } = setup(asg([instance(1), instance(2)]), cluster([agent(1), agent(2)]), addresses);
    await applyPlan(scaleIn({ fromDesired: 2, targetDesired: 0 }), deps);
    expect(autoScaling.terminated).toEqual([idOf(2)]);
  });

  it('stops after a conflict that follows a termination and reports success with what was done', async () => {
    const { autoScaling, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)]));
    autoScaling.terminateErrors = [undefined, conflict()];

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 0 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(1)]);
    expect(result).toMatchObject({ before: 3, after: 2, terminatedInstanceIds: [idOf(1)] });
    expect(result.detail).toContain(`stopped early after ${ErrorNames.ScalingConflict}`);
    expect(result.detail).toContain('the rest is re-planned by the next run');
  });

  it('throws ScalingConflict when the conflict comes before any termination', async () => {
    const { autoScaling, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)]));
    autoScaling.terminateErrors = [conflict()];

    const err = await rejection(applyPlan(scaleIn(), deps));

    expect(err.name).toBe(ErrorNames.ScalingConflict);
    expect(autoScaling.terminated).toEqual([]);
  });
});
