import { LIFECYCLE_HOOK_NAME } from '../../sim/cluster/auto-scaling-group.js';
import { REBALANCE_LEAD_SECONDS, SPOT_WARNING_SECONDS } from '../../sim/cluster/faults.js';
import type { SimCloudEvent, SimCluster } from '../../sim/types.js';
import { apiError, ASG, cluster, onlyGroup, stateOf, task } from './cluster-builders.js';

const HOOK = 300;

/** Two agents; the first runs a 4-cpu task until t = 1000. */
function held(extra: Parameters<typeof cluster>[1] = {}): { c: SimCluster; busy: string; idle: string } {
  const c = cluster([task(0, { cpus: 4, duration: 1000 })], { initialAgents: 2, lifecycleHookSeconds: HOOK, ...extra });
  const [busy, idle] = onlyGroup(c).instances.map((i) => i.instanceId);
  return { c, busy: busy!, idle: idle! };
}

const lifecycleEvents = (events: SimCloudEvent[]) => events.filter((e) => e.kind === 'terminate-lifecycle-action');
const ref = (c: SimCluster, instanceId: string) => ({ asgName: onlyGroup(c).name, hookName: LIFECYCLE_HOOK_NAME, instanceId });

describe('a terminate lifecycle hook', () => {
  test('holds a terminated instance in Terminating:Wait, running and billed, and sends its event', () => {
    const { c, busy } = held();
    c.advanceTo(100);
    c.terminateInstance(busy, true);

    expect(stateOf(c, busy)).toBe('Terminating:Wait');
    expect(onlyGroup(c).desiredCapacity).toBe(1);
    expect(c.mesos().tasks).toHaveLength(1);
    const [event] = lifecycleEvents(c.takeEvents());
    expect(event).toEqual({ kind: 'terminate-lifecycle-action', instanceId: busy, time: 100, asgName: 'asg-batch', hookName: LIFECYCLE_HOOK_NAME, token: expect.any(String) });
    expect(c.activities(ASG, 1)[0]).toMatchObject({ description: `Terminating EC2 instance: ${busy}`, statusCode: 'WaitingForTerminateLifecycleAction', endTime: null });
    // The termination is under way: AWS refuses another one.
    expect(apiError(() => c.terminateInstance(busy, true)).code).toBe('ScalingActivityInProgress');
  });

  test.each(['CONTINUE', 'ABANDON'] as const)('lets the instance go when the action is completed (%s); a second completion finds none', (result) => {
    const { c, idle } = held();
    c.advanceTo(100);
    c.terminateInstance(idle, true);
    const { token } = lifecycleEvents(c.takeEvents())[0] as Extract<SimCloudEvent, { kind: 'terminate-lifecycle-action' }>;
    c.advanceTo(250);
    expect(stateOf(c, idle)).toBe('Terminating:Wait');

    c.completeLifecycleAction({ ...ref(c, idle), token, result });

    expect(stateOf(c, idle)).toBe('gone');
    expect(c.activities(ASG, 1)[0]).toMatchObject({ statusCode: 'Successful' });
    expect(apiError(() => c.completeLifecycleAction({ ...ref(c, idle), result }))).toMatchObject({
      code: 'ValidationError',
      message: `No active Lifecycle Action found with instance ID ${idle}`,
    });
    c.advanceTo(3600);
    const metrics = c.metrics(3600);
    expect(metrics).toMatchObject({ lifecycleActionsStarted: 1, lifecycleActionsCompleted: 1, lifecycleActionsTimedOut: 0, tasksKilled: 0 });
    // Billed while held: 150 s of waiting, and 250 s in all for that instance.
    expect(metrics.lifecycleWaitInstanceHours).toBeCloseTo(150 / 3600, 9);
    expect(metrics.instanceHours).toBeCloseTo(1 + 250 / 3600, 9);
  });

  test('refuses a wrong token, another hook or another group, as AWS finds no such action', () => {
    const { c, idle } = held();
    c.terminateInstance(idle, true);
    expect(apiError(() => c.recordLifecycleActionHeartbeat({ ...ref(c, idle), token: 'nope' })).message).toBe('No active Lifecycle Action found with token nope');
    expect(apiError(() => c.completeLifecycleAction({ ...ref(c, idle), hookName: 'other', result: 'CONTINUE' })).code).toBe('ValidationError');
    expect(apiError(() => c.completeLifecycleAction({ ...ref(c, idle), asgName: 'other', result: 'CONTINUE' })).code).toBe('ValidationError');
    expect(stateOf(c, idle)).toBe('Terminating:Wait');
  });

  test('times out after the heartbeat timeout (DefaultResult CONTINUE): the tasks still running are killed', () => {
    const { c, busy } = held();
    c.advanceTo(100);
    c.terminateInstance(busy, true);
    c.advanceTo(100 + HOOK - 1);
    expect(stateOf(c, busy)).toBe('Terminating:Wait');
    c.advanceTo(100 + HOOK);
    expect(stateOf(c, busy)).toBe('gone');
    c.advanceTo(3600);
    expect(c.metrics(3600)).toMatchObject({ lifecycleActionsTimedOut: 1, lifecycleActionsCompleted: 0, tasksKilled: 1 });
  });

  test('a heartbeat restarts the timeout, but never beyond the global timeout of 100 heartbeats', () => {
    const { c, busy } = held({ lifecycleHookSeconds: 30 });
    c.terminateInstance(busy, true);
    let t = 0;
    // A heartbeat every 20 s keeps it well past a single timeout...
    while (stateOf(c, busy) === 'Terminating:Wait') {
      c.recordLifecycleActionHeartbeat(ref(c, busy));
      t += 20;
      c.advanceTo(t);
    }
    // ...until the global timeout, 3000 s after the termination began.
    expect(t).toBe(3000);
    expect(c.metrics(3000)).toMatchObject({ lifecycleActionsTimedOut: 1, lifecycleHeartbeats: 150 });
  });

  test('a lower desired capacity holds the instances the group picks; held ones no longer count towards the capacity', () => {
    const c = cluster([], { initialAgents: 3, lifecycleHookSeconds: HOOK });
    c.setDesiredCapacity(ASG, 1);
    expect(onlyGroup(c).instances.map((i) => i.lifecycleState).sort()).toEqual(['InService', 'Terminating:Wait', 'Terminating:Wait']);
    expect(lifecycleEvents(c.takeEvents())).toHaveLength(2);
    c.setDesiredCapacity(ASG, 2);
    // One launch: the two held instances are on their way out.
    expect(onlyGroup(c).instances.map((i) => i.lifecycleState).sort()).toEqual(['InService', 'Pending', 'Terminating:Wait', 'Terminating:Wait']);
    expect(c.observe().instances).toBe(4);
  });

  test('without a hook a termination is immediate and sends nothing', () => {
    const c = cluster([], { initialAgents: 2 });
    c.terminateInstance(onlyGroup(c).instances[0]!.instanceId, true);
    expect(onlyGroup(c).instances).toHaveLength(1);
    expect(c.takeEvents()).toEqual([]);
  });

  test('rejects a heartbeat timeout AWS would not accept', () => {
    expect(() => cluster([], { lifecycleHookSeconds: 10 })).toThrow(/lifecycleHookSeconds must be 0 \(no hook\) or a whole number of seconds from 30 to 7200/);
  });
});

/** Runs to `end` in steps shorter than any notice, collecting the events sent and when each instance went. */
function replay(c: SimCluster, end: number): { events: SimCloudEvent[]; goneAt: Map<string, number> } {
  const events: SimCloudEvent[] = [];
  const goneAt = new Map<string, number>();
  let present = new Set(onlyGroup(c).instances.map((i) => i.instanceId));
  for (let t = 0; t <= end; t += 10) {
    c.advanceTo(t);
    events.push(...c.takeEvents());
    const now = new Set(onlyGroup(c).instances.map((i) => i.instanceId));
    for (const id of present) if (!now.has(id)) goneAt.set(id, t);
    present = now;
  }
  return { events, goneAt };
}

function busyFleet(seed: number, extra: Parameters<typeof cluster>[1] = {}): SimCluster {
  const tasks = Array.from({ length: 80 }, () => task(0, { duration: 10 * 360_000 }));
  return cluster(tasks, { seed, faults: 0.05, initialAgents: 20, maxSize: 40, ...extra });
}

describe('spot interruptions with a hook, and rebalance recommendations', () => {
  test('the group acts on the interruption notice: the hook runs at the warning, EC2 still ends the instance two minutes later', () => {
    const c = busyFleet(11, { lifecycleHookSeconds: HOOK });
    const { events, goneAt } = replay(c, 100 * 3600);
    const warnings = events.filter((e) => e.kind === 'spot-interruption');
    expect(warnings.length).toBeGreaterThan(2);
    for (const warning of warnings) {
      // Right after the warning, the hook's event for the same instance at the same time.
      const next = events[events.indexOf(warning) + 1];
      expect(next).toMatchObject({ kind: 'terminate-lifecycle-action', instanceId: warning.instanceId, time: warning.time });
      // Nobody completes the action here: EC2 takes the instance at its time, well before the hook's timeout.
      expect(goneAt.get(warning.instanceId)! - warning.time).toBeGreaterThanOrEqual(SPOT_WARNING_SECONDS);
      expect(goneAt.get(warning.instanceId)! - warning.time).toBeLessThanOrEqual(SPOT_WARNING_SECONDS + 10);
    }
    const metrics = c.metrics(100 * 3600);
    expect(metrics.lifecycleActionsTimedOut).toBe(0);
    expect(metrics.tasksKilled).toBe(0);
    expect(metrics.tasksLostToFaults).toBeGreaterThan(0);
  });

  test('completing a spot action lets the instance go at once and the group replaces it then', () => {
    const c = busyFleet(11, { lifecycleHookSeconds: HOOK });
    let t = 0;
    let action: Extract<SimCloudEvent, { kind: 'terminate-lifecycle-action' }> | undefined;
    while (action === undefined) {
      t += 10;
      c.advanceTo(t);
      action = c.takeEvents().find((e): e is typeof action & object => e.kind === 'terminate-lifecycle-action');
    }
    expect(onlyGroup(c).instances.filter((i) => i.lifecycleState === 'Pending')).toHaveLength(0);
    c.completeLifecycleAction({ asgName: action.asgName, hookName: action.hookName, instanceId: action.instanceId, token: action.token, result: 'CONTINUE' });
    const group = onlyGroup(c);
    expect(group.instances.map((i) => i.instanceId)).not.toContain(action.instanceId);
    expect(group.instances.filter((i) => i.lifecycleState === 'Pending')).toHaveLength(1);
    expect(group.desiredCapacity).toBe(20);
    // Its tasks were lost to the fault, not killed by the autoscaler.
    c.advanceTo(t + 1);
    expect(c.metrics(t + 1)).toMatchObject({ tasksKilled: 0, tasksLostToFaults: 4 });
  });

  test('half the interruptions are announced by a rebalance recommendation 5 to 20 minutes ahead; deterministic per seed', () => {
    const announced: number[] = [];
    const interruptions: number[] = [];
    const sequences: string[] = [];
    for (const seed of [21, 22, 23, 24, 25]) {
      const { events } = replay(busyFleet(seed), 100 * 3600);
      sequences.push(JSON.stringify(events));
      const warnings = events.filter((e) => e.kind === 'spot-interruption');
      const recommendations = events.filter((e) => e.kind === 'rebalance-recommendation');
      for (const r of recommendations) {
        const warning = warnings.find((w) => w.instanceId === r.instanceId)!;
        const lead = warning.time - r.time;
        expect(lead).toBeGreaterThanOrEqual(REBALANCE_LEAD_SECONDS.min - 1e-6);
        expect(lead).toBeLessThanOrEqual(REBALANCE_LEAD_SECONDS.max + 1e-6);
      }
      announced.push(recommendations.length);
      interruptions.push(warnings.length);
    }
    const share = announced.reduce((a, b) => a + b, 0) / interruptions.reduce((a, b) => a + b, 0);
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.75);
    expect(JSON.stringify(replay(busyFleet(21), 100 * 3600).events)).toBe(sequences[0]);
    expect(replay(busyFleet(21, { faults: 0 }), 100 * 3600).events).toEqual([]);
  });
});
