import { scalingDirection } from '../../shared/decide/activity-history.js';
import { EPOCH_MS } from '../../sim/types.js';
import { apiError, ASG, cluster, onlyGroup, task } from './cluster-builders.js';

const HOUR = 3600;

describe('validation, as AWS answers it', () => {
  test('SetDesiredCapacity above the maximum or below the minimum', () => {
    const c = cluster([], { minSize: 1, maxSize: 3, initialAgents: 1 });
    expect(apiError(() => c.setDesiredCapacity(ASG, 9))).toMatchObject({
      code: 'ValidationError',
      message: 'New SetDesiredCapacity value 9 is above max value 3 for the AutoScalingGroup.',
    });
    expect(apiError(() => c.setDesiredCapacity(ASG, 0))).toMatchObject({
      code: 'ValidationError',
      message: 'New SetDesiredCapacity value 0 is below min value 1 for the AutoScalingGroup.',
    });
    expect(apiError(() => c.setDesiredCapacity(ASG, -1)).code).toBe('ValidationError');
    expect(onlyGroup(c).desiredCapacity).toBe(1);
  });

  test('terminating an unknown or already terminated instance', () => {
    const c = cluster([], { initialAgents: 1 });
    expect(apiError(() => c.terminateInstance('i-nope', true))).toMatchObject({
      code: 'ValidationError',
      message: 'Instance Id not found - No managed instance found for instance ID: i-nope',
    });
    const id = onlyGroup(c).instances[0]!.instanceId;
    c.terminateInstance(id, true);
    expect(apiError(() => c.terminateInstance(id, true)).message).toBe(`Instance Id not found - No managed instance found for instance ID: ${id}`);
  });

  test('terminating with decrement below the minimum size', () => {
    const c = cluster([], { minSize: 1, initialAgents: 1 });
    const id = onlyGroup(c).instances[0]!.instanceId;
    const err = apiError(() => c.terminateInstance(id, true));
    expect(err.code).toBe('ValidationError');
    expect(err.message).toMatch(/^Currently, desiredSize equals minSize \(1\)\. .*min size constraint/);
    // Without decrement the group replaces it, so the minimum holds.
    c.terminateInstance(id, false);
    expect(onlyGroup(c).instances.map((i) => i.instanceId)).not.toContain(id);
    expect(onlyGroup(c).desiredCapacity).toBe(1);
  });

  test('terminating a Pending instance is a ScalingActivityInProgress until it is InService', () => {
    const c = cluster([]);
    c.setDesiredCapacity(ASG, 1);
    const id = onlyGroup(c).instances[0]!.instanceId;
    expect(apiError(() => c.terminateInstance(id, true))).toMatchObject({ code: 'ScalingActivityInProgress', message: expect.stringMatching(/is in progress and blocks this action/) });
    c.advanceTo(30);
    c.terminateInstance(id, true);
    expect(onlyGroup(c)).toMatchObject({ desiredCapacity: 0, instances: [] });
  });
});

describe('instance lifecycle and billing', () => {
  test('Pending for 30 s, InService, then a registered agent after the boot delay', () => {
    const c = cluster([]);
    c.setDesiredCapacity(ASG, 2);
    expect(onlyGroup(c).instances.map((i) => i.lifecycleState)).toEqual(['Pending', 'Pending']);
    c.advanceTo(29);
    expect(onlyGroup(c).instances[0]!.lifecycleState).toBe('Pending');
    c.advanceTo(30);
    expect(onlyGroup(c).instances.map((i) => i.lifecycleState)).toEqual(['InService', 'InService']);
    c.advanceTo(119);
    expect(c.mesos().agents).toHaveLength(0);
    c.advanceTo(120);
    expect(c.mesos().agents).toHaveLength(2);
  });

  test('observations list each instance with when it entered service and its agent cpus', () => {
    const c = cluster([task(0, { cpus: 3, duration: 10_000 })], { initialAgents: 1 });
    c.advanceTo(60);
    c.setDesiredCapacity(ASG, 2);
    expect(c.observe().instanceLoads).toEqual([
      { inServiceAt: 0, cpusTotal: 4, cpusAllocated: 3 },
      { inServiceAt: null, cpusTotal: 0, cpusAllocated: 0 },
    ]);
    c.advanceTo(90);
    expect(c.observe().instanceLoads[1]).toEqual({ inServiceAt: 90, cpusTotal: 0, cpusAllocated: 0 });
    c.advanceTo(180);
    expect(c.observe()).toMatchObject({ instances: 2, inService: 2, registeredAgents: 2, cpusTotal: 8, cpusAllocated: 3, memTotalMb: 32_000, memAllocatedMb: 1000 });
    expect(c.observe().instanceLoads[1]).toEqual({ inServiceAt: 90, cpusTotal: 4, cpusAllocated: 0 });
  });

  test('a boot faster than 30 s is InService when it boots', () => {
    const c = cluster([], { bootSeconds: 10 });
    c.setDesiredCapacity(ASG, 1);
    c.advanceTo(10);
    expect(onlyGroup(c).instances[0]!.lifecycleState).toBe('InService');
    expect(c.observe()).toMatchObject({ inService: 1, registeredAgents: 1 });
  });

  test('billing runs from the launch request to the termination', () => {
    const c = cluster([], { initialAgents: 1 });
    c.advanceTo(600);
    c.setDesiredCapacity(ASG, 3);
    c.advanceTo(1800);
    c.setDesiredCapacity(ASG, 1);
    c.advanceTo(HOUR);
    // 1 h for the initial instance, 2 × 20 min for the two launched and removed.
    const m = c.metrics(HOUR);
    expect(m.instanceHours).toBeCloseTo(1 + (2 * 1200) / HOUR, 12);
    expect(m).toMatchObject({ peakInstances: 3, scaleOutActions: 1, scaleInActions: 1 });
  });

  test('instances and agents get unique addresses that match', () => {
    const c = cluster([], { initialAgents: 3 });
    const ids = onlyGroup(c).instances.map((i) => i.instanceId);
    const addresses = c.addresses([...ids, 'i-unknown']);
    expect(addresses.map((a) => a.instanceId)).toEqual(ids);
    expect(new Set(addresses.map((a) => a.privateIp)).size).toBe(3);
    expect(c.mesos().agents.map((a) => a.ip).sort()).toEqual(addresses.map((a) => a.privateIp).sort());
    c.terminateInstance(ids[0]!, true);
    expect(c.addresses([ids[0]!])).toEqual([{ instanceId: ids[0], privateIp: null, privateDnsName: null, launchedAt: EPOCH_MS }]);
  });
});

describe('the default termination policy', () => {
  test('lowering desired removes the instance closest to its next billing hour', () => {
    const c = cluster([], { initialAgents: 1 });
    const [first] = onlyGroup(c).instances.map((i) => i.instanceId);
    c.advanceTo(1000);
    c.setDesiredCapacity(ASG, 2);
    const second = onlyGroup(c).instances[1]!.instanceId;
    c.advanceTo(3000);
    // first: 600 s to its next billed hour; second: 1600 s.
    c.setDesiredCapacity(ASG, 1);
    expect(onlyGroup(c).instances.map((i) => i.instanceId)).toEqual([second]);
    expect(first).not.toBe(second);
  });

  test('Pending instances count, and can be the one removed', () => {
    const c = cluster([], { initialAgents: 1 });
    c.advanceTo(3590);
    c.setDesiredCapacity(ASG, 2);
    const pending = onlyGroup(c).instances[1]!.instanceId;
    c.advanceTo(3605);
    // first: 3595 s to its next billed hour; the pending one: 3585 s.
    c.setDesiredCapacity(ASG, 1);
    expect(onlyGroup(c).instances.map((i) => i.instanceId)).not.toContain(pending);
  });

  test('ties are broken at random, the same way for a seed', () => {
    const victim = (seed: number) => {
      const c = cluster([], { initialAgents: 4, seed });
      const before = onlyGroup(c).instances.map((i) => i.instanceId);
      c.advanceTo(100);
      c.setDesiredCapacity(ASG, 3);
      const after = new Set(onlyGroup(c).instances.map((i) => i.instanceId));
      return before.find((id) => !after.has(id));
    };
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(seeds.map(victim)).toEqual(seeds.map(victim));
    expect(new Set(seeds.map(victim)).size).toBeGreaterThan(1);
  });
});

describe('scaling activities', () => {
  test('are recorded in AWS wording that the cooldown code reads', () => {
    const c = cluster([], { initialAgents: 1 });
    c.advanceTo(60);
    c.setDesiredCapacity(ASG, 3);
    const launches = c.activities(ASG, 10);
    expect(launches).toHaveLength(2);
    for (const a of launches) {
      expect(a.description).toMatch(/^Launching a new EC2 instance: i-[0-9a-f]{17}$/);
      expect(a.cause).toContain('a user request explicitly set group desired capacity changing the desired capacity from 1 to 3');
      expect(a.cause).toMatch(/^At 2026-01-05T00:01:00Z /);
      expect(a).toMatchObject({ startTime: EPOCH_MS + 60_000, endTime: null, statusCode: 'InProgress' });
      expect(scalingDirection(a)).toBe('out');
    }
    c.advanceTo(90);
    expect(c.activities(ASG, 2).map((a) => [a.statusCode, a.endTime])).toEqual([
      ['Successful', EPOCH_MS + 90_000],
      ['Successful', EPOCH_MS + 90_000],
    ]);

    c.setDesiredCapacity(ASG, 2);
    const [shrink] = c.activities(ASG, 1);
    expect(shrink!.cause).toContain('changing the desired capacity from 3 to 2');
    expect(scalingDirection(shrink!)).toBe('in');

    const id = onlyGroup(c).instances[0]!.instanceId;
    c.terminateInstance(id, true);
    const [decrement] = c.activities(ASG, 1);
    expect(decrement).toMatchObject({ description: `Terminating EC2 instance: ${id}`, statusCode: 'Successful' });
    expect(decrement!.cause).toBe(`At 2026-01-05T00:01:30Z instance ${id} was taken out of service in response to a user request, shrinking the capacity from 2 to 1.`);
    expect(scalingDirection(decrement!)).toBe('in');
  });

  test('a termination without decrement and its replacement are not scaling decisions', () => {
    const c = cluster([], { initialAgents: 2 });
    const id = onlyGroup(c).instances[0]!.instanceId;
    c.terminateInstance(id, false);
    const [replacement, termination] = c.activities(ASG, 2);
    expect(termination!.cause).toMatch(new RegExp(`instance ${id} was taken out of service in response to a user request\\.$`));
    expect(replacement!.description).toMatch(/^Launching a new EC2 instance: /);
    expect(replacement!.cause).toMatch(/an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2\.$/);
    expect(replacement!.cause).not.toContain('user request');
    expect([scalingDirection(termination!), scalingDirection(replacement!)]).toEqual([null, null]);
    c.advanceTo(HOUR);
    expect(c.metrics(HOUR)).toMatchObject({ scaleOutActions: 0, scaleInActions: 0 });
  });

  test('the launch of an instance terminated while Pending is Cancelled', () => {
    const c = cluster([]);
    c.setDesiredCapacity(ASG, 1);
    c.advanceTo(10);
    c.setDesiredCapacity(ASG, 0);
    const [termination, launch] = c.activities(ASG, 2);
    expect(termination!.description).toMatch(/^Terminating EC2 instance: /);
    expect(launch).toMatchObject({ statusCode: 'Cancelled', endTime: EPOCH_MS + 10_000 });
  });

  test('setting the same desired capacity changes nothing and counts no action', () => {
    const c = cluster([task(0)], { initialAgents: 2 });
    c.setDesiredCapacity(ASG, 2);
    expect(c.activities(ASG, 10)).toEqual([]);
    c.advanceTo(HOUR);
    expect(c.metrics(HOUR)).toMatchObject({ scaleOutActions: 0, scaleInActions: 0, peakInstances: 2 });
  });
});
