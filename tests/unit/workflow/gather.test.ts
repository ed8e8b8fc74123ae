import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../../shared/config/parse-config.js';
import type { AutoscalerConfig } from '../../../shared/config/types.js';
import { gather, type GatherDeps } from '../../../shared/gather/gather.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import type { AutoScalingPort } from '../../../shared/aws/ports.js';
import type { ScalingActivity } from '../../../shared/model/asg.js';
import { FakeAutoScaling, FakeInstances, FakeLedger, FakeMesos, agent, asg, cluster, drainRecord, instance, task } from '../../support/fakes.js';

const PREFIX = '/mesos-autoscaler/test/';

function config(values: Record<string, string>): AutoscalerConfig {
  return parseConfig(PREFIX, new Map(Object.entries({ 'mesos/master-urls': 'http://10.0.0.250:5050', ...values }).map(([k, v]) => [PREFIX + k, v])));
}

function deps(cfg: AutoscalerConfig, overrides: Partial<GatherDeps> = {}): GatherDeps {
  const mesos = new FakeMesos(cluster([agent(1), agent(2)], [task('agent-1')]));
  return {
    loadConfig: async () => cfg,
    mesosReader: () => mesos,
    autoScaling: new FakeAutoScaling(asg([instance(1), instance(2)])),
    instances: new FakeInstances(),
    ledger: new FakeLedger(),
    executions: { isRunning: async () => true },
    now: () => 1_700_000_600_000,
    ...overrides,
  };
}

describe('gather', () => {
  it('produces one snapshot per configured pool', async () => {
    const out = await gather(deps(config({ 'pools/batch/asg-name': 'asg-batch' })));
    expect(out.pools).toHaveLength(1);
    const [work] = out.pools;
    expect(work!.error).toBeNull();
    expect(work!.snapshot).toEqual(expect.objectContaining({ pool: 'batch', agents: expect.objectContaining({ registered: 2, idle: 1 }) }));
    expect(work!.snapshot!.asg).toEqual(expect.objectContaining({ name: 'asg-batch', desiredCapacity: 2, unregistered: 0 }));
    expect(out.mesos).toEqual({ leaderUrl: 'http://10.0.0.250:5050', version: '1.9.0', error: null });
  });

  it('sees a pool of several groups as their sum, with the activities of all of them', async () => {
    const autoScaling = new FakeAutoScaling(asg([instance(1)], { name: 'asg-a', maxSize: 5 }), asg([instance(2)], { name: 'asg-b', maxSize: 7, minSize: 1 }));
    const activity = (id: string, startTime: number): ScalingActivity => ({ activityId: id, description: 'Launching a new EC2 instance: i-1', cause: 'a user request explicitly set group desired capacity changing the desired capacity from 1 to 2.', startTime, endTime: startTime + 60_000, statusCode: 'Successful' });
    autoScaling.recentActivities = async (name: string) => [name === 'asg-a' ? activity('a', 1_700_000_100_000) : activity('b', 1_700_000_300_000)];
    const out = await gather(deps(config({ 'pools/batch/asg-name': 'asg-a,asg-b' }), { autoScaling }));
    const [work] = out.pools;
    expect(work!.error).toBeNull();
    expect(work!.snapshot!.asg).toEqual(expect.objectContaining({
      name: 'asg-a, asg-b', desiredCapacity: 2, minSize: 1, maxSize: 12, inService: 2, unregistered: 0, lastScaleOutAt: 1_700_000_300_000,
    }));
    expect(work!.snapshot!.agents).toEqual(expect.objectContaining({ registered: 2, usable: 2 }));
  });

  it('names the missing group of a pool of several', async () => {
    const out = await gather(deps(config({ 'pools/batch/asg-name': 'asg-batch,asg-gone' })));
    expect(out.pools[0]!.error).toEqual({ name: ErrorNames.UnknownPool, message: "Auto Scaling group asg-gone of pool batch does not exist; fix the pool's asg-name" });
  });

  it('reports a pool with an invalid parameter without a snapshot, naming the parameter', async () => {
    const out = await gather(deps(config({ 'pools/batch/asg-name': 'asg-batch', 'pools/web/asg-name': 'asg-web', 'pools/web/max-agents': '-1' })));
    const web = out.pools.find((p) => p.pool === 'web')!;
    expect(web.snapshot).toBeNull();
    expect(web.error).toEqual({ name: ErrorNames.InvalidConfig, message: expect.stringContaining(`${PREFIX}pools/web/max-agents`) });
    expect(out.pools.find((p) => p.pool === 'batch')!.snapshot).not.toBeNull();
  });

  it('leaves every pool undecided when Mesos cannot be read', async () => {
    const out = await gather(deps(config({ 'pools/batch/asg-name': 'asg-batch' }), {
      mesosReader: () => ({ readCluster: async () => { throw new AutoscalerError(ErrorNames.MesosUnavailable, 'no leader elected'); } }),
    }));
    expect(out.pools[0]!.snapshot).toBeNull();
    expect(out.pools[0]!.error!.name).toBe(ErrorNames.MesosUnavailable);
    expect(out.mesos.error!.message).toBe('no leader elected');
  });

  it('names a missing ASG on its pool only', async () => {
    const out = await gather(deps(config({ 'pools/batch/asg-name': 'asg-batch', 'pools/gpu/asg-name': 'asg-gpu' })));
    expect(out.pools.find((p) => p.pool === 'gpu')!.error).toEqual({ name: ErrorNames.UnknownPool, message: "Auto Scaling group asg-gpu of pool gpu does not exist; fix the pool's asg-name" });
    expect(out.pools.find((p) => p.pool === 'batch')!.error).toBeNull();
  });

  it('applies the global pause to every pool', async () => {
    const out = await gather(deps(config({ 'pools/batch/asg-name': 'asg-batch', paused: 'true' })));
    expect(out.paused).toBe(true);
    expect(out.pools[0]!.config!.paused).toBe(true);
  });

  it('does not contact Mesos when a global parameter is invalid', async () => {
    let reads = 0;
    const out = await gather(deps(config({ 'pools/batch/asg-name': 'asg-batch', 'mesos/master-urls': 'not a url' }), {
      mesosReader: () => ({ readCluster: async () => { reads += 1; throw new Error('must not be called'); } }),
    }));
    expect(reads).toBe(0);
    expect(out.pools).toEqual([]);
    expect(out.problems[0]!.parameter).toBe(`${PREFIX}mesos/master-urls`);
  });
});

const EXECUTION = 'arn:aws:states:eu-west-1:1:execution:sm';

/** Two groups, `asg-batch` (instances 1, 2) and `asg-web` (instance 3), whose activities `recentActivities` reads. */
function twoGroups(recentActivities: AutoScalingPort['recentActivities']): AutoScalingPort {
  const groups = [asg([instance(1), instance(2)]), asg([instance(3)], { name: 'asg-web' })];
  const unexpected = async () => {
    throw new Error('gather changes nothing');
  };
  return { describeGroups: async (names) => groups.filter((g) => names.includes(g.name)), recentActivities, setDesiredCapacity: unexpected, terminateInstanceAndDecrement: unexpected };
}

const TWO_POOLS = { 'pools/batch/asg-name': 'asg-batch', 'pools/web/asg-name': 'asg-web' };

describe('gather: pools', () => {
  it('reads the pools at once, not one after another', async () => {
    const started: string[] = [];
    const release: Array<() => void> = [];
    const autoScaling = twoGroups((name) => {
      started.push(name);
      return new Promise<ScalingActivity[]>((resolve) => release.push(() => resolve([])));
    });
    const out = gather(deps(config(TWO_POOLS), { autoScaling }));
    // Turns of the event loop for gather to reach its reads; none of them is answered yet.
    for (let turn = 0; turn < 10 && started.length < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(started.sort()).toEqual(['asg-batch', 'asg-web']);
    for (const r of release) r();
    expect((await out).pools.map((p) => [p.pool, p.error])).toEqual([['batch', null], ['web', null]]);
  });

  it('reports a pool whose reads fail on that pool only, in the order of the pools', async () => {
    const autoScaling = twoGroups(async (name) => {
      if (name === 'asg-batch') throw new AutoscalerError(ErrorNames.AwsUnavailable, 'throttled');
      return [];
    });
    const out = await gather(deps(config(TWO_POOLS), { autoScaling }));
    expect(out.pools.map((p) => [p.pool, p.error?.name ?? null, p.snapshot === null])).toEqual([['batch', ErrorNames.AwsUnavailable, true], ['web', null, false]]);
    expect(out.pools[0]!.error!.message).toBe('scaling activities or drains of asg-batch could not be read: throttled');
  });
});

describe('gather: drains left behind', () => {
  it('marks a drain whose execution ended, or that no execution started, as left behind', async () => {
    const ledger = new FakeLedger([
      drainRecord(1, { executionId: `${EXECUTION}:live` }),
      drainRecord(2, { executionId: `${EXECUTION}:ended` }),
      drainRecord(3, { executionId: 'interruptions' }),
    ]);
    const executions = { isRunning: async (id: string) => id.endsWith(':live') };
    const out = await gather(deps(config({ 'pools/batch/asg-name': 'asg-batch' }), { ledger, executions }));
    expect(out.pools[0]!.snapshot!.drains.map((d) => [d.agentId, d.owned])).toEqual([['agent-1', true], ['agent-2', false], ['agent-3', false]]);
  });

  it('asks once per execution whether it still runs, whichever pools its drains are in, and keeps the answer on each drain', async () => {
    const ledger = new FakeLedger([
      drainRecord(1, { executionId: `${EXECUTION}:a` }),
      drainRecord(2, { executionId: `${EXECUTION}:b` }),
      drainRecord(3, { executionId: `${EXECUTION}:a`, pool: 'web' }),
      drainRecord(4, { executionId: `${EXECUTION}:b`, pool: 'web' }),
    ]);
    const asked: string[] = [];
    const executions = {
      isRunning: async (id: string) => {
        asked.push(id);
        if (id.endsWith(':b')) throw new AutoscalerError(ErrorNames.AwsUnavailable, 'DescribeExecution throttled');
        return false;
      },
    };
    const out = await gather(deps(config(TWO_POOLS), { ledger, executions, autoScaling: twoGroups(async () => []) }));
    expect(asked.sort()).toEqual([`${EXECUTION}:a`, `${EXECUTION}:b`]);
    // An execution that cannot be asked about counts as running: its drains are left alone.
    expect(out.pools.map((p) => p.snapshot!.drains.map((d) => [d.agentId, d.owned]))).toEqual([
      [['agent-1', false], ['agent-2', true]],
      [['agent-3', false], ['agent-4', true]],
    ]);
  });
});
