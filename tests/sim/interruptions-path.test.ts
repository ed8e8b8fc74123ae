import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { handler as scale } from '../../functions/scale/handler.js';
import { createDrainLedger } from '../../shared/aws/drain-ledger.js';
import { scaleDeps, useRuntime } from '../../shared/runtime.js';
import { releaseLeftovers } from '../../shared/scale/release-leftovers.js';
import { SIM_PREFIX, simParameters } from '../../sim/engine.js';
import { INTERRUPTIONS_QUEUE } from '../../sim/local-cloud/interruptions-queue.js';
import { TaskTokenBroker } from '../../sim/task-token-broker.js';
import { startWireTransport } from '../../sim/wire-transport.js';
import { EPOCH_MS, type MesosVersion, type SimCloudEvent, type SimCluster } from '../../sim/types.js';
import { cluster, onlyGroup, settings, task } from './cluster-builders.js';
import { interruptionsHarness, interruptionsQueue, OTHER_TOOL, scheduledIps, stateOf } from './interruptions-harness.js';

afterEach(() => useRuntime(null));

/** Two agents; the first runs a 4-cpu task until t = 400; one more task arrives at t = 200. */
function busyPool(mesosVersion: MesosVersion): { c: SimCluster; busyInstance: string; busyAgent: string; otherAgent: string } {
  const c = cluster([task(0, { cpus: 4, duration: 400 }), task(200, { cpus: 1, duration: 10_000 })], { initialAgents: 2, lifecycleHookSeconds: 300, mesosVersion });
  const [busyInstance] = onlyGroup(c).instances.map((i) => i.instanceId);
  const [busyAgent, otherAgent] = c.mesos().agents.map((a) => a.id);
  return { c, busyInstance: busyInstance!, busyAgent: busyAgent!, otherAgent: otherAgent! };
}

describe.each(['1.9', '1.8'] as const)('a held termination on a Mesos %s master', (mesosVersion) => {
  test('the function soft-drains the agent and heartbeats while it runs tasks, then completes with CONTINUE once it is empty', async () => {
    const { c, busyInstance, busyAgent, otherAgent } = busyPool(mesosVersion);
    if (mesosVersion === '1.8') c.updateMaintenanceSchedule([OTHER_TOOL]);
    const { queue, step } = interruptionsHarness(c, mesosVersion);
    c.advanceTo(10);
    c.terminateInstance(busyInstance, true);

    await step(10);
    expect(stateOf(c, busyInstance)).toBe('Terminating:Wait');
    if (mesosVersion === '1.9') expect(c.mesos().agents.find((a) => a.id === busyAgent)).toMatchObject({ deactivated: true });
    else expect(scheduledIps(c)).toEqual(['10.9.9.7', '10.1.0.4']);
    const drained = c.maintenanceSchedule();
    // The message comes back after the queue's visibility timeout: the hold loop.
    expect(queue.nextVisibleAt()).toBe(10 + INTERRUPTIONS_QUEUE.visibilitySeconds);

    let goneAt = Number.NaN;
    while (Number.isNaN(goneAt)) {
      const t = queue.nextVisibleAt();
      expect(t).toBeLessThan(1000);
      await step(t);
      if (stateOf(c, busyInstance) === 'gone') goneAt = t;
      // On 1.8 the redeliveries find the agent in its window: it is not written again.
      else expect(c.maintenanceSchedule()).toBe(drained);
    }

    // The task ended at 400; the next look (every 60 s from 10) found the agent empty.
    expect(goneAt).toBe(430);
    expect(queue.nextVisibleAt()).toBe(Infinity);
    expect(queue.delivered['terminate-lifecycle-action']).toBe(1);
    // The task that arrived meanwhile went to the other agent: the held one took no new task.
    expect(c.mesos().tasks.map((t) => t.agentId)).toEqual([otherAgent]);
    if (mesosVersion === '1.8') {
      // Kept out of service while the instance could still run; released by the scale function once it is gone.
      expect(scheduledIps(c)).toEqual(['10.9.9.7', '10.1.0.4']);
      expect(await releaseLeftovers('batch', ['asg-batch'], await scaleDeps())).toEqual([expect.objectContaining({ ip: '10.1.0.4' })]);
      expect(c.maintenanceSchedule()).toEqual([OTHER_TOOL]);
    }
    c.advanceTo(3600);
    expect(c.metrics(3600)).toMatchObject({
      tasksKilled: 0, lifecycleActionsStarted: 1, lifecycleActionsCompleted: 1, lifecycleActionsTimedOut: 0, lifecycleHeartbeats: 7,
    });
  });

  test('a rebalance recommendation soft-drains the agent and has the drain recorded in the ledger through the scale function', async () => {
    const { c, busyInstance, busyAgent } = busyPool(mesosVersion);
    const { ledger, queue, step } = interruptionsHarness(c, mesosVersion);
    c.advanceTo(60);
    const recommendation: SimCloudEvent = { kind: 'rebalance-recommendation', instanceId: busyInstance, time: 60 };
    queue.publish([recommendation], 60);
    await step(60);

    expect(queue.delivered['rebalance-recommendation']).toBe(1);
    expect(await ledger.list('batch')).toEqual([
      {
        pool: 'batch', agentId: busyAgent, instanceId: busyInstance, hostname: 'ip-10-1-0-4.ec2.internal', ip: '10.1.0.4',
        executionId: 'interruptions', startedAt: EPOCH_MS + 60_000, deadline: EPOCH_MS + 60_000 + 3600_000, mode: 'soft',
      },
    ]);
    // Soft: the running task goes on, the agent takes no new one.
    expect(c.mesos().tasks.filter((t) => t.agentId === busyAgent)).toHaveLength(1);
    if (mesosVersion === '1.9') expect(c.mesos().agents.find((a) => a.id === busyAgent)).toMatchObject({ deactivated: true, drainState: null });
    else expect(c.maintenanceStatus().drainingMachines).toEqual([{ hostname: 'ip-10-1-0-4.ec2.internal', ip: '10.1.0.4' }]);
    expect(stateOf(c, busyInstance)).toBe('InService');
  });
});

describe('over the wire (local Mesos master and AWS endpoint, production adapters and SDK clients)', () => {
  test('on 1.8 a held termination is drained through the schedule and completed; a rebalance drain is recorded through the scale queue', async () => {
    const c = cluster(
      [task(0, { cpus: 4, duration: 400 }), task(0, { cpus: 4, duration: 10_000 })],
      { initialAgents: 3, lifecycleHookSeconds: 300, mesosVersion: '1.8' },
    );
    const [held, recommended] = onlyGroup(c).instances.map((i) => i.instanceId);
    const now = () => EPOCH_MS + c.now * 1000;
    const wire = await startWireTransport({
      cluster: c, parameters: simParameters(settings()), prefix: SIM_PREFIX, broker: new TaskTokenBroker(), now, scale: scale as never, isRunning: () => false,
    });
    try {
      useRuntime(wire.runtime);
      const queue = interruptionsQueue();
      c.advanceTo(10);
      c.terminateInstance(held!, true);
      queue.publish([...c.takeEvents(), { kind: 'rebalance-recommendation', instanceId: recommended!, time: 10 }], 10);
      for (let t = 10; t < 1000 && queue.nextVisibleAt() < Infinity; t = queue.nextVisibleAt()) {
        c.advanceTo(t);
        await queue.deliver(t);
        await wire.pumpScaleQueue();
      }

      expect(stateOf(c, held!)).toBe('gone');
      const ledger = createDrainLedger(new DynamoDBClient({}), process.env.POOL_STATE_TABLE!);
      expect(await ledger.list('batch')).toEqual([
        expect.objectContaining({ instanceId: recommended, executionId: 'interruptions', mode: 'soft', startedAt: EPOCH_MS + 10_000 }),
      ]);
      // The held one's window outlives its instance until the scale function releases it; the recommended one's stays.
      expect(scheduledIps(c).sort()).toEqual(['10.1.0.4', '10.1.0.5']);
      await releaseLeftovers('batch', ['asg-batch'], await scaleDeps());
      expect(scheduledIps(c)).toEqual(['10.1.0.5']);
      c.advanceTo(3600);
      expect(c.metrics(3600)).toMatchObject({ tasksKilled: 0, lifecycleActionsCompleted: 1, lifecycleHeartbeats: 7 });
    } finally {
      await wire.close();
    }
  }, 30_000);
});
