import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from '@jest/globals';
import { scalingDirection } from '../../shared/decide/activity-history.js';
import { createAutoScalingPort } from '../../shared/aws/autoscaling.js';
import { parseCli } from '../../sim/cli.js';
import { startAwsEndpoint } from '../../sim/local-cloud/aws-endpoint.js';
import { apiError, ASG, cluster, onlyGroup, settings } from './cluster-builders.js';
import { createSimCluster } from '../../sim/cluster/index.js';

describe('a simulated group with instance weights', () => {
  it('launches whole instances until they hold the desired units, overshooting by less than one', () => {
    const c = cluster([], { instanceWeight: 2, maxSize: 20 });
    c.setDesiredCapacity(ASG, 5);
    expect(onlyGroup(c)).toMatchObject({ desiredCapacity: 5, instances: [{ weight: 2 }, { weight: 2 }, { weight: 2 }] });
    expect(c.observe()).toMatchObject({ desired: 5, instances: 3 });
    c.advanceTo(200);
    expect(c.mesos().agents).toHaveLength(3);
    // Lowering to 4: two instances still hold it, so one goes; to 3: one alone would not, so none.
    c.setDesiredCapacity(ASG, 4);
    expect(onlyGroup(c).instances).toHaveLength(2);
    c.setDesiredCapacity(ASG, 3);
    expect(onlyGroup(c)).toMatchObject({ desiredCapacity: 3, instances: [{}, {}] });
    expect(c.activities(ASG, 10).map((a) => a.cause)).toContainEqual(expect.stringContaining('changing the desired capacity from 0 to 5'));
  });

  it('a termination that decrements takes the weight off, and is refused when that goes below min', () => {
    const c = cluster([], { instanceWeight: 2, minSize: 2, maxSize: 10, initialAgents: 2 });
    expect(onlyGroup(c).desiredCapacity).toBe(4);
    const [first, second] = onlyGroup(c).instances.map((i) => i.instanceId);
    c.terminateInstance(first!, true);
    expect(onlyGroup(c)).toMatchObject({ desiredCapacity: 2, instances: [{ instanceId: second }] });
    const [activity] = c.activities(ASG, 1);
    expect(activity!.cause).toContain('shrinking the capacity from 4 to 2');
    expect(scalingDirection(activity!)).toBe('in');

    const tight = cluster([], { instanceWeight: 2, minSize: 3, maxSize: 10, initialAgents: 2 });
    const id = onlyGroup(tight).instances[0]!.instanceId;
    const err = apiError(() => tight.terminateInstance(id, true));
    expect(err.code).toBe('ValidationError');
    expect(err.message).toMatch(/^Terminating instance without replacement will violate group's min size constraint/);
    // Without decrement the group replaces the instance: the desired capacity holds.
    tight.terminateInstance(id, false);
    expect(onlyGroup(tight)).toMatchObject({ desiredCapacity: 4 });
    expect(onlyGroup(tight).instances).toHaveLength(2);
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
      expect(onlyGroup(c).desiredCapacity).toBe(3);
    } finally {
      await endpoint.close();
    }
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
