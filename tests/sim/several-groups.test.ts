import { AutoScalingClient, DescribeScalingActivitiesCommand, TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createAutoScalingPort } from '../../shared/aws/autoscaling.js';
import type { AsgState } from '../../shared/model/asg.js';
import { ErrorNames } from '../../shared/model/errors.js';
import { parseCli } from '../../sim/cli.js';
import { simAwsPorts } from '../../sim/cluster-ports.js';
import { LIFECYCLE_HOOK_NAME } from '../../sim/cluster/auto-scaling-group.js';
import { createSimCluster } from '../../sim/cluster/index.js';
import { simParameters, SIM_PREFIX, simulate } from '../../sim/engine.js';
import { startAwsEndpoint } from '../../sim/local-cloud/aws-endpoint.js';
import type { SimCluster, SimSettings } from '../../sim/types.js';
import { autoscalerRejection } from '../support/rejection.js';
import { burstOptions } from './burst-scenario.js';
import { apiError, cluster, settings, task } from './cluster-builders.js';

const [G1, G2, G3] = ['asg-batch-1', 'asg-batch-2', 'asg-batch-3'] as const;

/** Three groups: bounds 0..11 split 4/4/3, five agents dealt 2/2/1. */
const three = (extra: Partial<SimSettings> = {}) => cluster([], { asgCount: 3, maxSize: 11, initialAgents: 5, ...extra });

const byName = (c: SimCluster) => new Map(c.describeGroups().map((g) => [g.name, g]));
const group = (c: SimCluster, name: string): AsgState => byName(c).get(name)!;
const desiredOf = (c: SimCluster) => c.describeGroups().map((g) => g.desiredCapacity);
const sizesOf = (c: SimCluster) => c.describeGroups().map((g) => g.instances.length);
const idsOf = (g: AsgState) => g.instances.map((i) => i.instanceId);

describe('a pool of several Auto Scaling groups', () => {
  it('names the groups after the pool’s ASG name, splits min and max over them and deals the initial agents round robin', () => {
    const c = three({ minSize: 4 });
    expect(c.describeGroups().map(({ name, minSize, maxSize, desiredCapacity }) => ({ name, minSize, maxSize, desiredCapacity }))).toEqual([
      { name: G1, minSize: 2, maxSize: 4, desiredCapacity: 2 },
      { name: G2, minSize: 1, maxSize: 4, desiredCapacity: 2 },
      { name: G3, minSize: 1, maxSize: 3, desiredCapacity: 1 },
    ]);
    expect(sizesOf(c)).toEqual([2, 2, 1]);
    // Each group in a zone of its own; instance ids unique across the groups.
    const zones = c.describeGroups().map((g) => new Set(g.instances.map((i) => i.availabilityZone)));
    expect(zones.every((z) => z.size === 1)).toBe(true);
    expect(new Set(zones.map((z) => [...z][0])).size).toBe(3);
    expect(new Set(c.describeGroups().flatMap(idsOf)).size).toBe(5);
    // Every agent, whichever its group, is in the pool.
    expect(c.mesos().agents.map((a) => a.attributes.pool)).toEqual(Array(5).fill('batch'));
  });

  it('describes the groups named, unknown names absent; every group without names', () => {
    const c = three();
    expect(c.describeGroups([G3, 'asg-batch', G1]).map((g) => g.name)).toEqual([G1, G3]);
    expect(c.describeGroups(['asg-batch'])).toEqual([]);
    expect(c.describeGroups().map((g) => g.name)).toEqual([G1, G2, G3]);
  });

  it('launches only in the group whose desired capacity is set; its activities are its own', () => {
    const c = three();
    c.advanceTo(10);
    const before = c.describeGroups().flatMap(idsOf);
    c.setDesiredCapacity(G2, 4);
    expect(desiredOf(c)).toEqual([2, 4, 1]);
    expect(sizesOf(c)).toEqual([2, 4, 1]);
    const launched = idsOf(group(c, G2)).filter((id) => !before.includes(id));
    expect(launched).toHaveLength(2);
    expect(c.activities(G2, 10).map((a) => a.description).sort()).toEqual(launched.map((id) => `Launching a new EC2 instance: ${id}`).sort());
    expect(c.activities(G1, 10)).toEqual([]);
    expect(c.activities(G3, 10)).toEqual([]);
    // Activity ids never repeat across the groups.
    c.setDesiredCapacity(G1, 3);
    const ids = [G1, G2, G3].flatMap((g) => c.activities(g, 10).map((a) => a.activityId));
    expect(new Set(ids).size).toBe(3);
  });

  it('terminates an instance through the group that holds it, decrementing that group only', () => {
    const c = three();
    const victim = idsOf(group(c, G2))[1]!;
    c.terminateInstance(victim, true);
    expect(desiredOf(c)).toEqual([2, 1, 1]);
    expect(sizesOf(c)).toEqual([2, 1, 1]);
    expect(c.activities(G2, 1)[0]).toMatchObject({ description: `Terminating EC2 instance: ${victim}` });
    expect(c.activities(G1, 1)).toEqual([]);
    // Without decrement the group that held it launches the replacement.
    c.terminateInstance(idsOf(group(c, G3))[0]!, false);
    expect(desiredOf(c)).toEqual([2, 1, 1]);
    expect(group(c, G3).instances.map((i) => i.lifecycleState)).toEqual(['Pending']);
    expect(apiError(() => c.terminateInstance(victim, true)).message).toBe(`Instance Id not found - No managed instance found for instance ID: ${victim}`);
  });

  it('rejects a call naming a group the pool does not have, as AWS does', () => {
    const c = three();
    expect(apiError(() => c.setDesiredCapacity('asg-batch', 3))).toMatchObject({
      code: 'ValidationError',
      message: "AutoScalingGroup name not found - AutoScalingGroup 'asg-batch' not found",
    });
    expect(apiError(() => c.setDesiredCapacity('asg-batch-4', 3)).code).toBe('ValidationError');
    expect(desiredOf(c)).toEqual([2, 2, 1]);
    expect(c.activities('asg-batch-4', 10)).toEqual([]);
  });

  it('spreads a total desired capacity over the groups balanced, and the sums are what observe() reports', () => {
    const c = three();
    c.setTotalDesired(9);
    // 5 → 9: the group with the lowest desired capacity below its max first, ties to the earlier.
    expect(desiredOf(c)).toEqual([3, 3, 3]);
    c.setTotalDesired(11);
    expect(desiredOf(c)).toEqual([4, 4, 3]);
    c.setTotalDesired(6);
    expect(desiredOf(c)).toEqual([2, 2, 2]);
    c.setTotalDesired(2);
    expect(desiredOf(c)).toEqual([0, 1, 1]);
    expect(apiError(() => c.setTotalDesired(12)).code).toBe('ValidationError');

    c.setTotalDesired(7);
    expect(desiredOf(c)).toEqual([3, 2, 2]);
    const seen = c.observe();
    expect(seen).toMatchObject({ desired: 7, instances: 7 });
    expect(seen.instanceLoads).toHaveLength(7);
  });

  it('spreads whole instances of a weighted pool', () => {
    const c = cluster([], { asgCount: 2, instanceWeight: 2, maxSize: 20 });
    c.setTotalDesired(2);
    expect(desiredOf(c)).toEqual([2, 0]);
    expect(sizesOf(c)).toEqual([1, 0]);
    c.setTotalDesired(6);
    expect(desiredOf(c)).toEqual([4, 2]);
    expect(c.observe()).toMatchObject({ desired: 6, instances: 3 });
  });

  it('observes the instances of every group in launch order', () => {
    const c = cluster([], { asgCount: 2, initialAgents: 2 });
    c.advanceTo(100);
    c.setDesiredCapacity(G1, 2);
    c.advanceTo(200);
    expect(c.observe().instanceLoads.map((l) => l.inServiceAt)).toEqual([0, 0, 130]);
  });

  it('routes lifecycle calls by group, and sends every group’s events', () => {
    const c = cluster([], { asgCount: 2, initialAgents: 2, lifecycleHookSeconds: 300 });
    const [first] = idsOf(group(c, G1));
    const [second] = idsOf(group(c, G2));
    c.terminateInstance(second!, true);
    c.terminateInstance(first!, true);
    const events = c.takeEvents();
    expect(events.map((e) => e.kind === 'terminate-lifecycle-action' && [e.asgName, e.instanceId])).toEqual([[G2, second], [G1, first]]);
    const tokens = events.map((e) => (e.kind === 'terminate-lifecycle-action' ? e.token : ''));
    expect(new Set(tokens).size).toBe(2);

    const ref = { hookName: LIFECYCLE_HOOK_NAME, instanceId: second! };
    expect(apiError(() => c.completeLifecycleAction({ ...ref, asgName: G1, result: 'CONTINUE' })).message).toBe(`No active Lifecycle Action found with instance ID ${second}`);
    expect(apiError(() => c.recordLifecycleActionHeartbeat({ ...ref, asgName: 'asg-batch' })).code).toBe('ValidationError');
    c.recordLifecycleActionHeartbeat({ ...ref, asgName: G2 });
    c.completeLifecycleAction({ ...ref, asgName: G2, result: 'CONTINUE' });
    expect(sizesOf(c)).toEqual([1, 0]);
    expect(c.addresses([first!, second!, 'i-unknown']).map((a) => [a.instanceId, a.privateIp === null])).toEqual([[first, false], [second, true]]);
  });

  it('bills, counts and sizes every group in the metrics', () => {
    const c = cluster([task(0, { duration: 7200 })], { asgCount: 2, initialAgents: 2, lifecycleHookSeconds: 300 });
    c.advanceTo(1800);
    c.setDesiredCapacity(G2, 3);
    c.advanceTo(3600);
    c.terminateInstance(idsOf(group(c, G1))[0]!, true);
    c.terminateInstance(idsOf(group(c, G2))[0]!, true);
    c.advanceTo(7200);
    const m = c.metrics(7200);
    // One instance per group from 0, terminated at 1 h and held by the hook until its timeout; two launched at 0.5 h.
    expect(m.instanceHours).toBeCloseTo((2 * 3900 + 2 * 5400) / 3600, 6);
    expect(m.lifecycleWaitInstanceHours).toBeCloseTo((2 * 300) / 3600, 6);
    expect(m).toMatchObject({ peakInstances: 4, scaleOutActions: 1, scaleInActions: 2, lifecycleActionsStarted: 2, lifecycleActionsTimedOut: 2 });
  });

  it('validates the number of groups, and that each group can hold its share of the initial agents', () => {
    const make = (extra: Partial<SimSettings>) => () => createSimCluster({ name: 'empty', tasks: [] }, settings(extra));
    for (const asgCount of [0, 11, 1.5]) expect(make({ asgCount })).toThrow(`asgCount must be a whole number from 1 to 10 (got ${asgCount})`);
    expect(make({ asgCount: 10 })).not.toThrow();
    // 4 units of weight 3 split 2/2: the first group's one instance holds 3 units, above its max.
    expect(make({ asgCount: 2, instanceWeight: 3, maxSize: 4, initialAgents: 1 })).toThrow('group asg-batch-1 would start with 1 × 3 capacity units, outside its share 0..2');
  });
});

describe('the autoscaler’s view of several groups', () => {
  it('lists every group in the pool’s asg-name parameter, one name for one group', () => {
    const pool = { pool: 'sim', asgName: 'sim-agents', minSize: 0, maxSize: 10 };
    expect(simParameters(pool).get(`${SIM_PREFIX}pools/sim/asg-name`)).toBe('sim-agents');
    expect(simParameters({ ...pool, asgCount: 3 }).get(`${SIM_PREFIX}pools/sim/asg-name`)).toBe('sim-agents-1,sim-agents-2,sim-agents-3');
  });

  it('in process: describes, sets and reads the activities of each group by name', async () => {
    const c = cluster([], { asgCount: 2, initialAgents: 2 });
    const { autoScaling } = simAwsPorts(c);
    expect((await autoScaling.describeGroups([G2, 'nope'])).map((g) => g.name)).toEqual([G2]);
    await autoScaling.setDesiredCapacity(G1, 3);
    expect(desiredOf(c)).toEqual([3, 1]);
    expect(await autoScaling.recentActivities(G1, 10)).toHaveLength(2);
    expect(await autoScaling.recentActivities(G2, 10)).toEqual([]);
    expect((await autoscalerRejection(autoScaling.setDesiredCapacity('asg-batch', 3))).name).toBe(ErrorNames.InvalidInput);
  });

  it('over the wire: DescribeAutoScalingGroups with several names, SetDesiredCapacity and DescribeScalingActivities per group, instances tagged with their group', async () => {
    const c = cluster([], { asgCount: 2, initialAgents: 2 });
    const endpoint = await startAwsEndpoint({ cluster: c, parameters: new Map(), tables: new Map(), tasks: { succeed() {}, fail() {} }, queues: new Map(), now: () => 0 });
    try {
      const config = { endpoint: endpoint.url, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
      const client = new AutoScalingClient(config);
      const port = createAutoScalingPort(client);
      expect((await port.describeGroups([G1, G2, 'nope'])).map((g) => [g.name, g.desiredCapacity])).toEqual([[G1, 1], [G2, 1]]);

      c.advanceTo(60);
      await port.setDesiredCapacity(G2, 3);
      expect(desiredOf(c)).toEqual([1, 3]);
      expect(await port.recentActivities(G2, 10)).toHaveLength(2);
      expect(await port.recentActivities(G1, 10)).toEqual([]);
      expect((await autoscalerRejection(port.setDesiredCapacity('asg-batch', 2))).message).toContain('AutoScalingGroup name not found');

      const ec2 = await new EC2Client(config).send(new DescribeInstancesCommand({}));
      const tags = ec2.Reservations!.flatMap((r) => r.Instances!).map((i) => `${i.InstanceId} ${i.Tags?.[0]?.Value}`);
      expect(tags.sort()).toEqual([G1, G2].flatMap((name) => idsOf(group(c, name)).map((id) => `${id} ${name}`)).sort());

      c.advanceTo(120);
      const victim = idsOf(group(c, G1))[0]!;
      const out = await client.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: victim, ShouldDecrementDesiredCapacity: true }));
      expect(out.Activity).toMatchObject({ AutoScalingGroupName: G1, Description: `Terminating EC2 instance: ${victim}` });
      expect(desiredOf(c)).toEqual([0, 3]);

      // Without a group name: every group's activities, newest first.
      const all = await client.send(new DescribeScalingActivitiesCommand({}));
      expect(all.Activities!.map((a) => a.AutoScalingGroupName)).toEqual([G1, G2, G2]);
    } finally {
      await endpoint.close();
    }
  });
});

/** The cluster class's prototype: replays spy on it, since the engine builds its own cluster. */
const clusterPrototype = () => Object.getPrototypeOf(cluster([])) as SimCluster;

describe('replays on several groups', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('a baseline hands the cluster the total it decided, which the groups hold between them, balanced, both used', async () => {
    const proto = clusterPrototype();
    const setTotal = proto.setTotalDesired;
    const totals: Array<{ decided: number; desired: number[] }> = [];
    jest.spyOn(proto, 'setTotalDesired').mockImplementation(function (this: SimCluster, total: number) {
      setTotal.call(this, total);
      totals.push({ decided: total, desired: desiredOf(this) });
    });
    const { result } = await simulate(burstOptions({ policy: 'threshold-free', settings: { asgCount: 2 } }));

    expect(totals.length).toBeGreaterThan(2);
    for (const { decided, desired } of totals) {
      expect(desired).toHaveLength(2);
      expect(desired[0]! + desired[1]!).toBe(decided);
      expect(Math.abs(desired[0]! - desired[1]!)).toBeLessThanOrEqual(1);
    }
    expect(totals.some((t) => t.desired.every((d) => d >= 2))).toBe(true);
    expect(result.scaleOutActions).toBeGreaterThan(0);
    expect(result.scaleInActions).toBeGreaterThan(0);
  });

  it('the autoscaler, end to end, spreads its scale-outs over the three groups, removes through each group, kills nothing and costs what one group costs', async () => {
    const proto = clusterPrototype();
    const set = proto.setDesiredCapacity;
    const terminate = proto.terminateInstance;
    const raised = new Set<string>();
    const shrunk = new Set<string>();
    jest.spyOn(proto, 'setDesiredCapacity').mockImplementation(function (this: SimCluster, name: string, desired: number) {
      const before = this.describeGroups([name])[0]!.desiredCapacity;
      set.call(this, name, desired);
      if (desired > before) raised.add(name);
    });
    jest.spyOn(proto, 'terminateInstance').mockImplementation(function (this: SimCluster, instanceId: string, decrement: boolean) {
      const holder = this.describeGroups().find((g) => g.instances.some((i) => i.instanceId === instanceId));
      terminate.call(this, instanceId, decrement);
      if (holder && decrement) shrunk.add(holder.name);
    });

    const several = (await simulate(burstOptions({ settings: { asgCount: 3 } }))).result;
    jest.restoreAllMocks();
    const one = (await simulate(burstOptions())).result;

    const names = ['sim-agents-1', 'sim-agents-2', 'sim-agents-3'];
    expect([...raised].sort()).toEqual(names);
    expect([...shrunk].sort()).toEqual(names);
    expect(several.tasksKilled).toBe(0);
    expect(several.drainsStarted).toBeGreaterThan(0);
    expect(several.instanceHours).toBeLessThanOrEqual(one.instanceHours * 1.1);
    expect(several.unmetCpuHours).toBeLessThanOrEqual(one.unmetCpuHours + 0.5);
  });
});

describe('npm run simulate -- --asg-count', () => {
  it('takes 1..10 groups, 1 by default', () => {
    expect(parseCli(['--trace', 'x.csv']).asgCount).toBe(1);
    expect(parseCli(['--trace', 'x.csv', '--asg-count', '3']).asgCount).toBe(3);
    for (const bad of ['0', '11', '2.5', 'two']) {
      expect(() => parseCli(['--trace', 'x.csv', '--asg-count', bad])).toThrow(`--asg-count ${bad}: must be a whole number from 1 to 10`);
    }
  });
});
