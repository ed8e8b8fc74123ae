/**
 * A Mesos 1.8 master (maintenance primitives only) behind the deployed handlers' in-process ports:
 * what the autoscaler leaves in the maintenance schedule once it has terminated an instance.
 */
import { scaleDeps, useRuntime } from '../../shared/runtime.js';
import { finishDrains } from '../../shared/scale/finish-drains.js';
import { releaseLeftovers } from '../../shared/scale/release-leftovers.js';
import { EPOCH_MS } from '../../sim/types.js';
import { plan } from '../support/fakes.js';
import { cluster, onlyGroup, task } from './cluster-builders.js';
import { interruptionsHarness, OTHER_TOOL, scheduledIps, stateOf } from './interruptions-harness.js';

afterEach(() => useRuntime(null));

describe('on a Mesos 1.8 master with the terminate lifecycle hook', () => {
  test('an empty drained agent whose instance was terminated takes no task while the hook holds it; its window goes once the instance is', async () => {
    // Bin packing would put the task arriving at t = 300 on the first agent, were it in service.
    const c = cluster([task(300, { cpus: 1, duration: 10_000 })], { initialAgents: 2, lifecycleHookSeconds: 600, mesosVersion: '1.8' });
    c.updateMaintenanceSchedule([OTHER_TOOL]);
    const { queue } = interruptionsHarness(c, '1.8');
    const [drainedInstance] = onlyGroup(c).instances.map((i) => i.instanceId);
    const [drained, other] = c.mesos().agents;
    const deps = await scaleDeps();

    c.advanceTo(10);
    await deps.maintenance.startSoftDrain(drained!, { windowSeconds: 120 });
    await deps.ledger.put({
      pool: 'batch', agentId: drained!.id, instanceId: drainedInstance!, hostname: drained!.hostname, ip: drained!.ip!,
      executionId: 'exec-1', startedAt: EPOCH_MS + 10_000, deadline: EPOCH_MS + 3610_000, mode: 'soft',
    });
    c.advanceTo(20);
    const { result: finished } = await finishDrains({ pool: 'batch', asgNames: ['asg-batch'], executionId: 'exec-1', ready: [drained!.id], expired: [], drain: plan().drain }, deps);
    expect(finished.terminatedInstanceIds).toEqual([drainedInstance]);
    expect(stateOf(c, drainedInstance!)).toBe('Terminating:Wait');

    // The termination waits for the function (a slow queue): past the soft drain's own window end, the task arrives.
    c.advanceTo(400);
    expect(c.mesos().tasks.map((t) => t.agentId)).toEqual([other!.id]);
    expect(scheduledIps(c)).toEqual(['10.9.9.7', drained!.ip]);
    // Nothing to release while the instance may still run.
    expect(await releaseLeftovers('batch', ['asg-batch'], deps)).toEqual([]);

    queue.publish(c.takeEvents(), 400);
    await queue.deliver(400);
    expect(stateOf(c, drainedInstance!)).toBe('gone');
    expect(await releaseLeftovers('batch', ['asg-batch'], deps)).toEqual([{ hostname: drained!.hostname, ip: drained!.ip, since: EPOCH_MS + 10_000 }]);
    expect(c.maintenanceSchedule()).toEqual([OTHER_TOOL]);
    c.advanceTo(3600);
    expect(c.metrics(3600)).toMatchObject({ tasksKilled: 0, lifecycleActionsCompleted: 1, drainsCompleted: 1, drainsCancelled: 0 });
  });

  test('the machine a Spot warning brought down is brought up and unscheduled once its instance is gone, and only then', async () => {
    const c = cluster([task(0, { cpus: 1, duration: 10_000 })], { initialAgents: 2, lifecycleHookSeconds: 600, mesosVersion: '1.8' });
    c.updateMaintenanceSchedule([OTHER_TOOL]);
    const { queue } = interruptionsHarness(c, '1.8');
    const [warned] = onlyGroup(c).instances.map((i) => i.instanceId);
    const [agent] = c.mesos().agents;
    const deps = await scaleDeps();

    c.advanceTo(10);
    queue.publish([{ kind: 'spot-interruption', instanceId: warned!, time: 10 }], 10);
    await queue.deliver(10);
    expect(c.maintenanceStatus().downMachines).toEqual([{ hostname: agent!.hostname, ip: agent!.ip }]);
    expect(await releaseLeftovers('batch', ['asg-batch'], deps)).toEqual([]);

    // EC2 takes the instance; the hook's event finds no agent on it and lets the termination go on.
    c.terminateInstance(warned!, false);
    queue.publish(c.takeEvents(), 10);
    await queue.deliver(10);
    expect(stateOf(c, warned!)).toBe('gone');
    expect(c.maintenanceStatus().downMachines).toHaveLength(1);

    expect(await releaseLeftovers('batch', ['asg-batch'], deps)).toEqual([expect.objectContaining({ ip: agent!.ip })]);
    expect(c.maintenanceStatus()).toEqual({ drainingMachines: OTHER_TOOL.machineIds, downMachines: [] });
    expect(c.maintenanceSchedule()).toEqual([OTHER_TOOL]);
  });
});
