import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { scalingDirection } from '../../shared/decide/activity-history.js';
import { createAutoScalingPort } from '../../shared/aws/autoscaling.js';
import { parseCli } from '../../sim/cli.js';
import { SimAutoScalingGroup } from '../../sim/cluster/auto-scaling-group.js';
import { simulate, type SimulateOptions } from '../../sim/engine.js';
import { startAwsEndpoint } from '../../sim/local-cloud/aws-endpoint.js';
import { SimApiError, type Trace, type TraceTask } from '../../sim/types.js';
import { cluster, settings, thrown } from './cluster-builders.js';
import { createSimCluster } from '../../sim/cluster/index.js';

const apiError = (call: () => void) => thrown(SimApiError, call);

describe('a simulated group with instance weights', () => {
  it('launches whole instances until they hold the desired units, overshooting by less than one', () => {
    const c = cluster([], { instanceWeight: 2, maxSize: 20 });
    c.setDesiredCapacity(5);
    expect(c.describeGroup()).toMatchObject({ desiredCapacity: 5, instances: [{ weight: 2 }, { weight: 2 }, { weight: 2 }] });
    expect(c.observe()).toMatchObject({ desired: 5, instances: 3 });
    c.advanceTo(200);
    expect(c.mesos().agents).toHaveLength(3);
    // Lowering to 4: two instances still hold it, so one goes; to 3: one alone would not, so none.
    c.setDesiredCapacity(4);
    expect(c.describeGroup().instances).toHaveLength(2);
    c.setDesiredCapacity(3);
    expect(c.describeGroup()).toMatchObject({ desiredCapacity: 3, instances: [{}, {}] });
    expect(c.activities(10).map((a) => a.cause)).toContainEqual(expect.stringContaining('changing the desired capacity from 0 to 5'));
  });

  it('a termination that decrements takes the weight off, and is refused when that goes below min', () => {
    const c = cluster([], { instanceWeight: 2, minSize: 2, maxSize: 10, initialAgents: 2 });
    expect(c.describeGroup().desiredCapacity).toBe(4);
    const [first, second] = c.describeGroup().instances.map((i) => i.instanceId);
    c.terminateInstance(first!, true);
    expect(c.describeGroup()).toMatchObject({ desiredCapacity: 2, instances: [{ instanceId: second }] });
    const [activity] = c.activities(1);
    expect(activity!.cause).toContain('shrinking the capacity from 4 to 2');
    expect(scalingDirection(activity!)).toBe('in');

    const tight = cluster([], { instanceWeight: 2, minSize: 3, maxSize: 10, initialAgents: 2 });
    const id = tight.describeGroup().instances[0]!.instanceId;
    const err = apiError(() => tight.terminateInstance(id, true));
    expect(err.code).toBe('ValidationError');
    expect(err.message).toMatch(/^Terminating instance without replacement will violate group's min size constraint/);
    // Without decrement the group replaces the instance: the desired capacity holds.
    tight.terminateInstance(id, false);
    expect(tight.describeGroup()).toMatchObject({ desiredCapacity: 4 });
    expect(tight.describeGroup().instances).toHaveLength(2);
  });

  it('validates the weight as AWS does and the bounds in units', () => {
    const make = (extra: Parameters<typeof settings>[0]) => () => createSimCluster({ name: 'empty', tasks: [] }, settings(extra));
    expect(make({ instanceWeight: 0 })).toThrow(/instanceWeight must be a whole number from 1 to 999/);
    expect(make({ instanceWeight: 1.5 })).toThrow(/instanceWeight/);
    expect(make({ instanceWeight: 1000 })).toThrow(/instanceWeight/);
    expect(make({ instanceWeight: 2, initialAgents: 3, maxSize: 5 })).toThrow(/initialAgents × instanceWeight <= maxSize/);
    expect(make({ instanceWeight: 2, initialAgents: 3, maxSize: 6 })).not.toThrow();
  });

  it('serves WeightedCapacity as a string over the wire; the production adapter reads the weights back', async () => {
    const c = cluster([], { instanceWeight: 3, maxSize: 30, initialAgents: 2, asgName: 'mesos-batch' });
    const endpoint = await startAwsEndpoint({ cluster: c, parameters: new Map(), tables: new Map(), tasks: { succeed() {}, fail() {} }, queues: new Map(), now: () => 0 });
    try {
      const client = new AutoScalingClient({ endpoint: endpoint.url, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
      const raw = await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['mesos-batch'] }));
      expect(raw.AutoScalingGroups![0]!.Instances!.map((i) => i.WeightedCapacity)).toEqual(['3', '3']);
      const port = createAutoScalingPort(client);
      const [group] = await port.describeGroups(['mesos-batch']);
      expect(group).toMatchObject({ desiredCapacity: 6, maxSize: 30 });
      expect(group!.instances.map((i) => i.weight)).toEqual([3, 3]);
      await port.terminateInstanceAndDecrement(group!.instances[0]!.instanceId);
      expect(c.describeGroup().desiredCapacity).toBe(3);
    } finally {
      await endpoint.close();
    }
  });
});

/** A base load all day, then a burst of short batch tasks that needs several more agents. */
function burstTrace(): Trace {
  const tasks: TraceTask[] = [];
  for (let i = 0; i < 8; i++) tasks.push({ t: 0, id: `base-${i}`, app: 'web', cpus: 2, memMb: 4096, duration: 4 * 3600, kind: 'service' });
  for (let i = 0; i < 40; i++) tasks.push({ t: 1800 + i * 30, id: `burst-${i}`, app: 'etl', cpus: 2, memMb: 2048, duration: 1800, kind: 'batch' });
  return { name: 'burst', tasks };
}

/** Agents `weight` times as big as 8 cpus / 30000 MB, each instance weighing `weight`, max 50 agents' worth of units. */
function options(weight: number, extra: Partial<SimulateOptions> = {}): SimulateOptions {
  return {
    trace: burstTrace(),
    policy: 'autoscaler',
    intervalSeconds: 60,
    windowSeconds: 4 * 3600,
    settings: {
      agentCpus: 8 * weight, agentMemMb: 30000 * weight, bootSeconds: 120, placement: 'random', seed: 7, faults: 0,
      minSize: 0, maxSize: 50 * weight, pool: 'sim', asgName: 'sim-agents', instanceWeight: weight,
    },
    config: { 'scale-in-stabilisation-seconds': '300' },
    ...extra,
  };
}

/** Every desired capacity the group had after a call that changed it, and its instances then. */
function recordGroup(): Array<{ desired: number; instances: number }> {
  const seen: Array<{ desired: number; instances: number }> = [];
  const setDesired = SimAutoScalingGroup.prototype.setDesiredCapacity;
  const terminate = SimAutoScalingGroup.prototype.terminateInstance;
  jest.spyOn(SimAutoScalingGroup.prototype, 'setDesiredCapacity').mockImplementation(function (this: SimAutoScalingGroup, desired: number) {
    setDesired.call(this, desired);
    seen.push({ desired: this.desired, instances: this.instances.length });
  });
  jest.spyOn(SimAutoScalingGroup.prototype, 'terminateInstance').mockImplementation(function (this: SimAutoScalingGroup, id: string, decrement: boolean) {
    terminate.call(this, id, decrement);
    seen.push({ desired: this.desired, instances: this.instances.length });
  });
  return seen;
}

describe('the autoscaler on a weighted group', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('scales by capacity units: whole agents of 2 units, demand met, the cost of the unweighted pool of half-size agents', async () => {
    const plain = (await simulate(options(1))).result;
    const seen = recordGroup();
    const heavy = (await simulate(options(2))).result;

    expect(heavy.scaleOutActions).toBeGreaterThan(0);
    expect(heavy.scaleInActions).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    for (const { desired, instances } of seen) {
      // The autoscaler asks for whole agents of 2 units: the group holds exactly what it asked for.
      expect(desired % 2).toBe(0);
      expect(desired).toBeLessThanOrEqual(100);
      expect(instances * 2).toBeGreaterThanOrEqual(desired);
    }
    expect(heavy.tasksKilled).toBe(0);
    expect(heavy.unmetCpuHours).toBeLessThanOrEqual(1);
    // Instance-hours stay instance-hours: 2 units each, about what the same capacity costs unweighted.
    const ratio = (heavy.instanceHours * 2) / plain.instanceHours;
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.5);
  }, 30_000);

  it('gives the baselines instances and sets units: static-peak holds the peak of big agents', async () => {
    const staticPeak = (await simulate(options(2, { policy: 'static-peak' }))).result;
    expect(staticPeak.instanceHours).toBeCloseTo(staticPeak.staticPeakInstanceHours, 6);
    const seen = recordGroup();
    const threshold = (await simulate(options(2, { policy: 'threshold-free' }))).result;
    expect(threshold.scaleOutActions).toBeGreaterThan(0);
    expect(seen.every(({ desired }) => desired % 2 === 0)).toBe(true);
  });
});

describe('npm run simulate -- --instance-weight', () => {
  it('is 1 unless given, a whole number from 1 to 999', () => {
    expect(parseCli(['--trace', 'x.csv']).instanceWeight).toBe(1);
    expect(parseCli(['--trace', 'x.csv', '--instance-weight', '4']).instanceWeight).toBe(4);
    for (const bad of ['0', '1.5', '1000', 'two', '']) {
      expect(() => parseCli(['--trace', 'x.csv', '--instance-weight', bad])).toThrow(`--instance-weight ${bad}: must be a whole number from 1 to 999 (WeightedCapacity)`);
    }
  });
});
