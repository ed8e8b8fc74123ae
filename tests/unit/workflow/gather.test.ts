import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../../shared/config/parse-config.js';
import type { AutoscalerConfig } from '../../../shared/config/types.js';
import { gather, type GatherDeps } from '../../../shared/gather/gather.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import { FakeAutoScaling, FakeInstances, FakeMesos, agent, asg, cluster, instance, task } from '../../support/fakes.js';

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
    ledger: { list: async () => [], put: async () => undefined, remove: async () => undefined },
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
    expect(out.pools.find((p) => p.pool === 'gpu')!.error).toEqual({ name: ErrorNames.UnknownPool, message: 'Auto Scaling group asg-gpu not found' });
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

describe('gather: drains left behind', () => {
  it('marks a drain whose execution ended, or that no execution started, as left behind', async () => {
    const record = (agentId: string, executionId: string) => ({
      pool: 'batch', agentId, instanceId: 'i-001', hostname: 'h', ip: '10.0.0.1', executionId, startedAt: 1, deadline: 2, mode: 'soft' as const,
    });
    const ledger = {
      list: async () => [record('a', 'arn:aws:states:eu-west-1:1:execution:sm:live'), record('b', 'arn:aws:states:eu-west-1:1:execution:sm:ended'), record('c', 'interruptions')],
      put: async () => undefined,
      remove: async () => undefined,
    };
    const executions = { isRunning: async (id: string) => id.endsWith(':live') };
    const out = await gather(deps(config({ 'pools/batch/asg-name': 'asg-batch' }), { ledger, executions }));
    expect(out.pools[0]!.snapshot!.drains.map((d) => [d.agentId, d.owned])).toEqual([['a', true], ['b', false], ['c', false]]);
  });
});
