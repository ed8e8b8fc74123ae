import { drainCheck, parseDrainCheckInput } from '../../../shared/drains/drain-check.js';
import type { AutoscalerConfig, MesosConfig } from '../../../shared/config/types.js';
import { ErrorNames } from '../../../shared/model/errors.js';
import type { DrainCheckInput } from '../../../shared/model/workflow.js';
import { FakeAutoScaling, FakeLedger, FakeMesos, agent, asg, cluster, drainRecord, idOf, instance, plan, task } from '../../support/fakes.js';
import { autoscalerRejection } from '../../support/rejection.js';

const mesosConfig: MesosConfig = { masterUrls: ['http://10.0.0.250:5050'], marathonUrl: null, credentials: null, timeoutMs: 5000, poolAttribute: 'pool' };
const config: AutoscalerConfig = { prefix: '/autoscaler/test/', mesos: mesosConfig, paused: false, pools: [], problems: [] };

const input: DrainCheckInput = {
  plan: plan({ action: 'scale-in', fromDesired: 3, targetDesired: 1 }),
  action: {
    pool: 'batch', asgNames: ['asg-batch'], action: 'scale-in', before: 3, after: 3, terminatedInstanceIds: [],
    drains: [1, 2].map((n) => ({ agentId: `agent-${n}`, instanceId: idOf(n), runningTasks: 1, reason: 'least-work' })),
    reactivated: [], dryRun: false, detail: '',
  },
  checks: 1,
};

describe('parseDrainCheckInput', () => {
  it('accepts the state machine\'s input as it is', () => {
    const event: unknown = JSON.parse(JSON.stringify(input));
    expect(parseDrainCheckInput(event)).toEqual(input);
  });

  it.each([
    ['not an object', null, 'not an object'],
    ['no plan', { ...input, plan: undefined }, 'plan missing'],
    ['no drains', { ...input, action: { ...input.action, drains: undefined } }, 'action.drains missing'],
    ['a negative count of checks', { ...input, checks: -1 }, 'checks must be a whole number'],
    ['a fractional count of checks', { ...input, checks: 1.5 }, 'checks must be a whole number'],
  ])('rejects %s as InvalidInput', async (_what, event, message) => {
    const err = await autoscalerRejection((async () => parseDrainCheckInput(event))());
    expect(err.name).toBe(ErrorNames.InvalidInput);
    expect(err.message).toContain(message);
  });
});

it('checks the drains against the pool\'s ledger and a fresh Mesos read', async () => {
  const mesos = new FakeMesos(cluster([agent(1), agent(2)], [task('agent-2')]));
  const readers: MesosConfig[] = [];
  const ledger = new FakeLedger([drainRecord(1), drainRecord(2), drainRecord(3, { pool: 'web' })]);

  const result = await drainCheck(input, {
    autoScaling: new FakeAutoScaling(asg([instance(1), instance(2)])),
    loadConfig: async () => config,
    mesosReader: (c) => {
      readers.push(c);
      return mesos;
    },
    ledger,
    now: () => 1_700_000_600_000,
  });

  expect(readers).toEqual([mesosConfig]);
  expect(mesos.reads).toBe(1);
  expect(result).toMatchObject({ checks: 2, ready: ['agent-1'], waiting: ['agent-2'], expired: [], released: [], done: false, desired: null });
});

it('reports the group\'s desired capacity once every drain has ended', async () => {
  const result = await drainCheck({ ...input, action: { ...input.action, drains: [] } }, {
    autoScaling: new FakeAutoScaling(asg([instance(1), instance(2)])),
    loadConfig: async () => config,
    mesosReader: () => new FakeMesos(cluster([agent(1)])),
    ledger: new FakeLedger([]),
    now: () => 1_700_000_600_000,
  });
  expect(result).toMatchObject({ done: true, desired: 2 });
});

it('reports the pool\'s desired capacity summed over its groups, and none while one of them cannot be read', async () => {
  const pooled = { ...input, plan: plan({ action: 'scale-in', asgNames: ['asg-a', 'asg-b'] }), action: { ...input.action, drains: [] } };
  const check = (autoScaling: FakeAutoScaling) => drainCheck(pooled, {
    autoScaling, loadConfig: async () => config, mesosReader: () => new FakeMesos(cluster([agent(1)])), ledger: new FakeLedger([]), now: () => 1_700_000_600_000,
  });
  expect(await check(new FakeAutoScaling(asg([instance(1), instance(2)], { name: 'asg-a' }), asg([instance(3)], { name: 'asg-b' })))).toMatchObject({ done: true, desired: 3 });
  expect(await check(new FakeAutoScaling(asg([instance(1)], { name: 'asg-a' })))).toMatchObject({ done: true, desired: null });
});
