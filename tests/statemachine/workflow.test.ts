import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { handler as gather } from '../../functions/gather/handler.js';
import { handler as processPool } from '../../functions/process/handler.js';
import { handler as scale } from '../../functions/scale/handler.js';
import { handler as drains } from '../../functions/drains/handler.js';
import { handler as settle } from '../../functions/settle/handler.js';
import { handler as summary } from '../../functions/summary/handler.js';
import { useRuntime } from '../../shared/runtime.js';
import { LocalCluster } from '../../sim/local-cluster.js';
import { runWorkflowLocally, type WorkflowHandlers } from '../../sim/local-workflow.js';
import { TaskTokenBroker } from '../../sim/task-token-broker.js';
import { mockAws, PREFIX, type AwsMocks } from './aws-mocks.js';

const handlers: WorkflowHandlers = { gather, process: processPool, scale, settle, drains, summary } as unknown as WorkflowHandlers;

let cluster: LocalCluster;
let broker: TaskTokenBroker;
let aws: AwsMocks;
let parameters: Map<string, string>;

/**
 * The scenarios are written against a 50–80 % band for cpus and memory (a pool at 95 % scales out,
 * one at 60 % holds) and decide on their first run (no cooldown, no stabilisation window): set here
 * rather than taken from the defaults, which may move.
 */
function poolParams(pool: string, asg: string, extra: Record<string, string> = {}): void {
  const base = {
    'asg-name': asg, 'min-agents': '1', 'max-agents': '10', 'cooldown-up-seconds': '0', 'cooldown-down-seconds': '0',
    'cpus-lower-percent': '50', 'cpus-upper-percent': '80', 'mem-lower-percent': '50', 'mem-upper-percent': '80',
    'scale-in-stabilisation-seconds': '0', 'settle-interval-seconds': '5', 'settle-timeout-seconds': '60', ...extra,
  };
  for (const [k, v] of Object.entries(base)) parameters.set(`${PREFIX}pools/${pool}/${k}`, v);
}

async function run(custom: Partial<WorkflowHandlers> = {}) {
  return runWorkflowLocally({ handlers: { ...handlers, ...custom }, broker });
}

beforeEach(async () => {
  cluster = new LocalCluster();
  broker = new TaskTokenBroker();
  parameters = new Map();
  const url = await cluster.start();
  parameters.set(`${PREFIX}mesos/master-urls`, url);
  aws = mockAws(cluster, parameters, broker);
  process.env.SSM_PREFIX = PREFIX;
  useRuntime(null);
});

afterEach(async () => {
  aws.restore();
  await cluster.stop();
});

describe('the autoscaler workflow (real ASL, real handlers)', () => {
  it('changes nothing when the pool is within its thresholds', async () => {
    cluster.addGroup('asg-web', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.6 });
    poolParams('web', 'asg-web');
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.summary?.pools).toEqual([expect.objectContaining({ pool: 'web', status: 'unchanged', before: 3, after: 3 })]);
    expect(result.scaleMessages).toHaveLength(0);
    expect(aws.setDesiredCalls).toHaveLength(0);
    expect(result.summary?.lines[0]).toMatch(/^pool web: 3 agents, unchanged/);
  });

  it('scales out through the FIFO queue when cpus are above the upper threshold, then settles', async () => {
    cluster.addGroup('asg-web', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.95 });
    poolParams('web', 'asg-web');
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(aws.setDesiredCalls).toEqual([{ group: 'asg-web', desired: 4 }]);
    expect(result.scaleMessages).toEqual([expect.objectContaining({ groupId: 'web' })]);
    expect(result.scaleMessages[0]!.message.plan).toEqual(expect.objectContaining({ action: 'scale-out', fromDesired: 3, targetDesired: 4 }));
    const pool = result.summary!.pools[0]!;
    expect(pool).toEqual(expect.objectContaining({ status: 'scaled', before: 3, after: 4, action: 'scale-out' }));
    expect(pool.reasons.join(' ')).toMatch(/cpus/);
    expect(result.statesEntered).toContain('SettleCheck');
  });

  it('removes an idle agent (and only an idle one) when every resource is below its lower threshold', async () => {
    const group = cluster.addGroup('asg-web', 'web', { busy: 1, idle: 2, cpusUsedFraction: 0.2 });
    poolParams('web', 'asg-web', { 'max-step-down': '1' });
    const idle = group.instances.slice(1).map((i) => i.instanceId);
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(aws.terminated).toHaveLength(1);
    expect(idle).toContain(aws.terminated[0]);
    expect(result.summary!.pools[0]).toEqual(expect.objectContaining({ status: 'scaled', before: 3, after: 2, action: 'scale-in' }));
  });

  it('spreads a scale-out over the pool\'s groups, balanced', async () => {
    cluster.addGroup('asg-web-a', 'web', { busy: 3, idle: 0, cpusUsedFraction: 1 });
    cluster.addGroup('asg-web-b', 'web', { busy: 2, idle: 0, cpusUsedFraction: 1 });
    poolParams('web', 'asg-web-a,asg-web-b', { 'max-step-up': '3' });
    const out = await run();
    expect(out.status).toBe('SUCCEEDED');
    expect(out.scaleMessages).toEqual([expect.objectContaining({ groupId: 'web' })]);
    const target = out.scaleMessages[0]!.message.plan!.targetDesired;
    // The lower group is raised first; the two never end more than one apart.
    expect(target).toBe(7);
    // Each unit to the lower group (earlier on ties): b 2 → 3, then a 3 → 4.
    expect(aws.setDesiredCalls).toEqual([{ group: 'asg-web-a', desired: 4 }, { group: 'asg-web-b', desired: 3 }]);
    expect(out.summary!.pools[0]).toEqual(expect.objectContaining({ status: 'scaled', before: 5, after: target }));
  });

  it('never takes a group of the pool below its own MinSize', async () => {
    const a = cluster.addGroup('asg-web-a', 'web', { busy: 0, idle: 2, minSize: 2, cpusUsedFraction: 0.2 });
    const b = cluster.addGroup('asg-web-b', 'web', { busy: 1, idle: 2, cpusUsedFraction: 0.2 });
    poolParams('web', 'asg-web-a,asg-web-b', { 'drain-busy-agents': 'false' });
    const idleOfB = b.instances.slice(1).map((i) => i.instanceId);
    const out = await run();
    expect(out.status).toBe('SUCCEEDED');
    expect([...aws.terminated].sort()).toEqual([...idleOfB].sort());
    expect([a.desiredCapacity, b.desiredCapacity]).toEqual([2, 1]);
  });

  it('retries a scaling conflict with back-off and then applies the plan', async () => {
    cluster.addGroup('asg-web', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.95 });
    poolParams('web', 'asg-web');
    aws.conflicts.push('ScalingActivityInProgress', 'ResourceContention');
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.retries.Scale).toBe(2);
    expect(result.scaleMessages).toHaveLength(3);
    expect(aws.setDesiredCalls).toEqual([{ group: 'asg-web', desired: 4 }]);
    expect(result.summary!.pools[0]!.status).toBe('scaled');
  });

  it('fails visibly, with nothing half-done, when conflicts outlast the retries', async () => {
    cluster.addGroup('asg-web', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.95 });
    poolParams('web', 'asg-web');
    aws.conflicts.push(...Array(10).fill('ScalingActivityInProgress'));
    const result = await run();
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Autoscaler.RunIncomplete');
    expect(result.retries.Scale).toBe(4);
    expect(aws.setDesiredCalls).toHaveLength(0);
    expect(cluster.groups.get('asg-web')!.desiredCapacity).toBe(3);
    expect(result.summary!.pools[0]).toEqual(expect.objectContaining({ status: 'failed', error: expect.objectContaining({ name: 'Autoscaler.ScalingConflict' }) }));
  });

  it('drops a plan whose ASG moved since it was computed (compare-and-set)', async () => {
    const group = cluster.addGroup('asg-web', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.95 });
    poolParams('web', 'asg-web');
    const someoneElse: WorkflowHandlers['process'] = async (event, ctx) => {
      const plan = await handlers.process(event, ctx);
      cluster.setDesired(group, 5);
      return plan;
    };
    const result = await run({ process: someoneElse });
    expect(result.status).toBe('SUCCEEDED');
    expect(aws.setDesiredCalls).toHaveLength(0);
    expect(result.summary!.pools[0]).toEqual(expect.objectContaining({ status: 'stale-plan', error: expect.objectContaining({ name: 'Autoscaler.StalePlan' }) }));
    expect(result.summary!.lines[0]).toMatch(/next run re-plans/);
  });

  it('leaves a pool with an invalid SSM value untouched, names the parameter, and still scales the others', async () => {
    cluster.addGroup('asg-web', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.95 });
    cluster.addGroup('asg-batch', 'batch', { busy: 1, idle: 2, cpusUsedFraction: 0.1 });
    poolParams('web', 'asg-web');
    poolParams('batch', 'asg-batch', { 'max-agents': 'ten' });
    const result = await run();
    expect(result.status).toBe('FAILED');
    const byPool = Object.fromEntries(result.summary!.pools.map((p) => [p.pool, p]));
    expect(byPool.batch).toEqual(expect.objectContaining({ status: 'failed' }));
    expect(byPool.batch!.error!.message).toContain(`${PREFIX}pools/batch/max-agents`);
    expect(byPool.web).toEqual(expect.objectContaining({ status: 'scaled', after: 4 }));
    expect(aws.terminated).toHaveLength(0);
    expect(aws.setDesiredCalls).toEqual([{ group: 'asg-web', desired: 4 }]);
  });

  it('never scales (in particular never in) when no Mesos master leads', async () => {
    cluster.addGroup('asg-web', 'web', { busy: 1, idle: 3, cpusUsedFraction: 0.1 });
    poolParams('web', 'asg-web');
    cluster.mesosDown = true;
    const result = await run();
    expect(result.status).toBe('FAILED');
    expect(aws.terminated).toHaveLength(0);
    expect(aws.setDesiredCalls).toHaveLength(0);
    expect(result.summary!.pools[0]!.error!.name).toBe('Autoscaler.MesosUnavailable');
    expect(result.summary!.headline).toMatch(/Mesos unavailable/);
  });

  it('never scales when the master is unreachable', async () => {
    cluster.addGroup('asg-web', 'web', { busy: 1, idle: 3, cpusUsedFraction: 0.1 });
    poolParams('web', 'asg-web');
    parameters.set(`${PREFIX}mesos/master-urls`, 'http://127.0.0.1:9');
    const result = await run();
    expect(result.status).toBe('FAILED');
    expect(aws.terminated).toHaveLength(0);
    expect(aws.setDesiredCalls).toHaveLength(0);
  });

  it('reports a pool whose ASG does not exist and scales the other pool', async () => {
    cluster.addGroup('asg-web', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.95 });
    poolParams('web', 'asg-web');
    poolParams('gpu', 'asg-missing');
    const result = await run();
    expect(result.status).toBe('FAILED');
    const byPool = Object.fromEntries(result.summary!.pools.map((p) => [p.pool, p]));
    expect(byPool.gpu).toEqual(expect.objectContaining({ status: 'failed' }));
    expect(byPool.gpu!.error!.message).toMatch(/asg-missing/);
    expect(byPool.web).toEqual(expect.objectContaining({ status: 'scaled', after: 4 }));
  });

  it('computes and shows the plan in dry-run but changes nothing', async () => {
    cluster.addGroup('asg-web', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.95 });
    poolParams('web', 'asg-web', { 'dry-run': 'true' });
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.scaleMessages).toHaveLength(0);
    expect(aws.setDesiredCalls).toHaveLength(0);
    expect(result.summary!.pools[0]).toEqual(expect.objectContaining({ status: 'dry-run', action: 'scale-out' }));
  });

  it('leaves a paused pool exactly as it is', async () => {
    cluster.addGroup('asg-web', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.95 });
    poolParams('web', 'asg-web', { paused: 'true' });
    const result = await run();
    expect(result.status).toBe('SUCCEEDED');
    expect(aws.setDesiredCalls).toHaveLength(0);
    expect(result.summary!.pools[0]!.status).toBe('paused');
  });
});

describe('safe scale-in (real ASL, real handlers)', () => {
  function busyPool(extra: Record<string, string> = {}) {
    const group = cluster.addGroup('asg-web', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.1 });
    poolParams('web', 'asg-web', { 'max-step-down': '1', 'min-agent-age-seconds': '0', 'drain-check-seconds': '5', ...extra });
    return group;
  }
  const agentOf = (ip: string) => cluster.agents.get(ip)!;
  const emptyAgent = (ip: string) => {
    cluster.tasks.set(agentOf(ip).id, []);
    agentOf(ip).used_resources = { cpus: 0, mem: 0, disk: 0 };
  };

  it('drains a busy agent, waits while it runs tasks, and terminates it only once it is empty', async () => {
    const group = busyPool();
    let checks = 0;
    const drainsThenEmpty: WorkflowHandlers['drains'] = async (event, ctx) => {
      checks += 1;
      // The drained agent's tasks finish on their own after two checks.
      if (checks === 3) for (const i of group.instances) if (agentOf(i.ip).deactivated) emptyAgent(i.ip);
      return handlers.drains(event, ctx);
    };
    const result = await run({ drains: drainsThenEmpty });
    expect(result.status).toBe('SUCCEEDED');
    expect(cluster.calls.filter((c) => c.startsWith('DEACTIVATE_AGENT'))).toHaveLength(1);
    expect(aws.terminated).toHaveLength(1);
    expect(checks).toBeGreaterThanOrEqual(4);
    expect(result.statesEntered.filter((s) => s === 'FinishDrains')).toHaveLength(1);
    expect(result.summary!.pools[0]).toEqual(expect.objectContaining({ status: 'scaled', before: 3, after: 2, action: 'scale-in' }));
  });

  it('never leaves an agent deactivated after the execution holding its drain dies', async () => {
    busyPool();
    const crash: WorkflowHandlers['drains'] = async () => {
      throw Object.assign(new Error('the drain check crashed'), { name: 'Lambda.Unknown' });
    };
    const first = await run({ drains: crash });
    expect(first.status).toBe('FAILED');
    expect(first.summary!.pools[0]).toEqual(expect.objectContaining({ status: 'failed' }));
    const drained = cluster.calls.find((c) => c.startsWith('DEACTIVATE_AGENT'))!.split(' ')[1];
    expect(aws.terminated).toHaveLength(0);

    // Demand is back: the next run finds the drain left behind and puts the agent back into service
    // rather than launching. (Without demand it would wait for a scale-in to adopt it, or its deadline.)
    for (const agent of cluster.agents.values()) agent.used_resources = { ...agent.used_resources, cpus: agent.resources.cpus * 0.95 };
    const second = await run();
    expect(second.status).toBe('SUCCEEDED');
    expect(cluster.calls).toContain(`REACTIVATE_AGENT ${drained}`);
    expect([...cluster.agents.values()].find((a) => a.id === drained)).toEqual(expect.objectContaining({ deactivated: false, active: true }));
    expect(second.scaleMessages[0]!.message.plan.reactivate).toEqual([drained]);
    expect(aws.terminated).toHaveLength(0);
  });

  it('adopts a drain left behind when the scale-in is still wanted, and finishes it', async () => {
    // Two agents stay: the drained one is the whole surplus, so the second run only adopts it (max
    // step down limits new drains, not the adoption of those in progress).
    const group = busyPool({ 'min-agents': '2' });
    const crash: WorkflowHandlers['drains'] = async () => {
      throw Object.assign(new Error('the drain check crashed'), { name: 'Lambda.Unknown' });
    };
    await run({ drains: crash });
    const drained = group.instances.find((i) => agentOf(i.ip).deactivated)!;
    emptyAgent(drained.ip);
    const second = await run();
    expect(second.status).toBe('SUCCEEDED');
    expect(aws.terminated).toEqual([drained.instanceId]);
    expect(cluster.calls.filter((c) => c.startsWith('DEACTIVATE_AGENT'))).toHaveLength(1);
  });
});
