import type { PoolMemory } from '../../../shared/aws/ports.js';
import type { PoolConfig } from '../../../shared/config/types.js';
import { decide } from '../../../shared/decide/decide.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import type { PlanAction } from '../../../shared/model/plan.js';
import { resources } from '../../../shared/model/resources.js';
import type { HeadroomApp, PoolSnapshot } from '../../../shared/model/snapshot.js';
import { idleAgent, idleAgents, NOW, poolConfig, secondsAgo, snapshot } from './builders.js';

interface Case {
  name: string;
  snapshot: PoolSnapshot;
  config?: Partial<PoolConfig>;
  memory?: PoolMemory | null;
  action: PlanAction;
  target: number;
  boundBy?: string | null;
  /** Each must appear in one of the reasons. */
  reasons?: string[];
}

function run(c: Pick<Case, 'snapshot' | 'config' | 'memory'>) {
  return decide({ snapshot: c.snapshot, config: poolConfig(c.config), memory: c.memory ?? null, now: NOW, executionId: 'exec-test' });
}

function check(c: Case): void {
  const { plan } = run(c);
  expect({ action: plan.action, target: plan.targetDesired }).toEqual({ action: c.action, target: c.target });
  expect(plan.fromDesired).toBe(c.snapshot.asg.desiredCapacity);
  if (c.boundBy !== undefined) expect(plan.boundBy).toBe(c.boundBy);
  for (const reason of c.reasons ?? []) {
    expect(plan.reasons.some((r) => r.includes(reason))).toBe(true);
  }
}

const web = (overrides: Partial<HeadroomApp>): HeadroomApp => ({
  appId: '/web',
  task: resources({ cpus: 2, mem: 4000 }),
  running: 20,
  fitsNow: 10,
  ...overrides,
});

/** Low use on 5 agents with 2 removable idle agents: the signals want a scale-in to 3. */
const quiet = (extra: Parameters<typeof snapshot>[0] = {}) =>
  snapshot({ usable: 5, usedPercent: { cpus: 10, mem: 10 }, idleAgents: idleAgents(2), ...extra });

/** cpus at 98% on 10 agents: the signals want a scale-out to 13. */
const busy = (extra: Parameters<typeof snapshot>[0] = {}) => snapshot({ usable: 10, usedPercent: { cpus: 98 }, ...extra });

describe('decide: utilisation thresholds', () => {
  test.each<Case>([
    {
      name: 'cpus above upper: agents to bring it back to the threshold',
      snapshot: busy(),
      action: 'scale-out',
      target: 13,
      boundBy: null,
      reasons: ['scale out from 10 to 13 agents', 'cpus 98% above the 80% upper threshold: 3 more agents needed'],
    },
    {
      name: 'mem above upper',
      snapshot: snapshot({ usable: 5, usedPercent: { mem: 96 } }),
      action: 'scale-out',
      target: 6,
      reasons: ['mem 96% above the 80% upper threshold: 1 more agent needed'],
    },
    {
      name: 'the resource needing most agents wins',
      snapshot: snapshot({ usable: 10, usedPercent: { cpus: 90, mem: 98 } }),
      action: 'scale-out',
      target: 13,
      reasons: ['cpus 90% above the 80% upper threshold: 2 more agents needed', 'mem 98% above the 80% upper threshold: 3 more agents needed'],
    },
    {
      name: 'exactly at the upper threshold is fine',
      snapshot: snapshot({ usable: 5, usedPercent: { cpus: 80 } }),
      action: 'none',
      target: 5,
    },
    {
      name: 'every resource under lower: the idle agents go',
      snapshot: quiet(),
      action: 'scale-in',
      target: 3,
      boundBy: null,
      reasons: [
        'scale in from 5 to 3 agents',
        'every resource is under its lower threshold: cpus 10% < 30%, mem 10% < 30%, disk 0% < 30%',
        '2 idle agents removable: cpus would be 16.7% after removal, under 80%; mem would be 16.7%, under 80%',
      ],
    },
    {
      name: 'no scale-in when one resource is not under its lower threshold',
      snapshot: quiet({ usedPercent: { cpus: 10, mem: 45 } }),
      action: 'none',
      target: 5,
      reasons: ['no scale-in: mem 45% is not under its 30% lower threshold'],
    },
    {
      name: 'scale-in removes only as many idle agents as keep every resource under upper',
      snapshot: quiet({ usedPercent: { cpus: 25, mem: 10 }, idleAgents: idleAgents(4) }),
      action: 'scale-in',
      target: 2,
      reasons: ['3 idle agents removable', 'removing 4 idle agents would put cpus at 125%, above the 80% upper threshold'],
    },
    {
      name: 'no scale-in when removing one idle agent would exceed upper',
      snapshot: snapshot({ usable: 2, usedPercent: { cpus: 25, mem: 10 }, idleAgents: idleAgents(1) }),
      config: { thresholds: { ...poolConfig().thresholds, cpus: { lowerPercent: 30, upperPercent: 40 } } },
      action: 'none',
      target: 2,
      reasons: ['removing 1 idle agent would put cpus at 50%, above the 40% upper threshold'],
    },
    {
      name: 'idle agents not matched to an instance of the group are not removable',
      snapshot: quiet({ idleAgents: [idleAgent(1), idleAgent(2, { instanceId: null })] }),
      action: 'scale-in',
      target: 4,
    },
    {
      name: 'no idle agent: nothing to remove',
      snapshot: quiet({ idleAgents: [] }),
      action: 'none',
      target: 5,
      reasons: ['every resource is under its lower threshold (cpus 10% < 30%, mem 10% < 30%, disk 0% < 30%), but no agent is idle'],
    },
    {
      name: 'a resource the pool does not have (gpus) is ignored',
      snapshot: quiet(),
      config: { thresholds: { ...poolConfig().thresholds, gpus: { lowerPercent: 90, upperPercent: 95 } } },
      action: 'scale-in',
      target: 3,
    },
  ])('$name', check);
});

describe('decide: headroom for the biggest app', () => {
  test.each<Case>([
    {
      name: 'shortfall asks for agents by how many tasks fit a new one',
      snapshot: snapshot({ headroomApp: web({ running: 20, fitsNow: 1 }) }),
      action: 'scale-out',
      target: 6,
      reasons: ['headroom for /web: room for 4 more tasks wanted (20% of 20 running), 1 fits: 1 more agent needed (4 fit on a new agent)'],
    },
    {
      name: 'big shortfall',
      snapshot: snapshot({ headroomApp: web({ running: 100, fitsNow: 0 }) }),
      action: 'scale-out',
      target: 10,
      reasons: ['5 more agents needed'],
    },
    {
      name: 'at least one task of room while the app runs',
      snapshot: snapshot({ headroomApp: web({ running: 2, fitsNow: 0 }) }),
      action: 'scale-out',
      target: 6,
      reasons: ['room for 1 more task wanted (20% of 2 running), 0 fit'],
    },
    {
      name: 'satisfied headroom asks for nothing',
      snapshot: snapshot({ headroomApp: web({ running: 20, fitsNow: 4 }) }),
      action: 'none',
      target: 5,
    },
    {
      name: 'headroom 0% asks for nothing',
      snapshot: snapshot({ headroomApp: web({ running: 20, fitsNow: 0 }) }),
      config: { headroomPercent: 0 },
      action: 'none',
      target: 5,
    },
    {
      name: 'a task that fits no empty agent is reported, not scaled for',
      snapshot: snapshot({ headroomApp: web({ task: resources({ cpus: 16, mem: 4000 }), fitsNow: 0 }) }),
      action: 'none',
      target: 5,
      reasons: ['headroom for /web: one task (cpus 16, mem 4000 MB) does not fit an empty agent of this pool (cpus 8, mem 32000 MB, disk 100000 MB): not scaling for it'],
    },
    {
      name: 'no scale-in that would take the room the headroom needs',
      snapshot: quiet({ headroomApp: web({ running: 10, fitsNow: 5 }), idleAgents: idleAgents(3, { headroomFits: 4 }) }),
      action: 'none',
      target: 5,
      reasons: ['headroom for /web: removing 1 idle agent would leave room for 1 more task, 2 wanted'],
    },
    {
      name: 'scale-in keeps just enough room',
      snapshot: quiet({ headroomApp: web({ running: 10, fitsNow: 12 }), idleAgents: idleAgents(3, { headroomFits: 4 }) }),
      action: 'scale-in',
      target: 3,
      reasons: ['headroom for /web: removing 3 idle agents would leave room for 0 more tasks, 2 wanted'],
    },
    {
      name: 'idle agents that host none of its tasks may go even when the headroom is short',
      snapshot: quiet({ headroomApp: web({ task: resources({ cpus: 16 }), fitsNow: 0 }) }),
      action: 'scale-in',
      target: 3,
    },
  ])('$name', check);
});

describe('decide: capacity in flight and trust', () => {
  test.each<Case>([
    {
      name: 'launching instances count towards a scale-out',
      snapshot: snapshot({ usable: 5, usedPercent: { cpus: 98 }, asg: { desiredCapacity: 8, pending: 3 } }),
      action: 'none',
      target: 8,
      reasons: ['2 agents already launching counted: 5 usable + 2 needed'],
    },
    {
      name: 'only the agents not already requested are added',
      snapshot: busy({ asg: { desiredCapacity: 12, pending: 2 } }),
      action: 'scale-out',
      target: 13,
      reasons: ['2 agents already launching counted: 10 usable + 3 needed'],
    },
    {
      name: 'no scale-in while instances are pending',
      snapshot: quiet({ asg: { pending: 1 } }),
      action: 'none',
      target: 5,
      boundBy: 'in-flight',
      reasons: ['not removing capacity while capacity is in flight: 1 instance pending'],
    },
    {
      name: 'no scale-in while desired exceeds the usable agents',
      snapshot: quiet({ asg: { desiredCapacity: 6 } }),
      action: 'none',
      target: 6,
      boundBy: 'in-flight',
      reasons: ['desired capacity 6 but 5 usable agents'],
    },
    {
      name: 'no scale-in while instances are terminating',
      snapshot: quiet({ asg: { terminating: 1 } }),
      action: 'none',
      target: 5,
      boundBy: 'in-flight',
    },
    {
      name: 'no scale-in while an activity is in progress',
      snapshot: quiet({ asg: { activityInProgress: true } }),
      action: 'none',
      target: 5,
      boundBy: 'activity-in-progress',
      reasons: ['not removing capacity while a scaling activity of the group is in progress'],
    },
    {
      name: 'distrust prevents a scale-in',
      snapshot: quiet({ distrust: ['2 agents have not re-registered since the master failover'] }),
      action: 'none',
      target: 5,
      boundBy: 'distrust',
      reasons: ['not removing capacity on data that cannot be trusted: 2 agents have not re-registered since the master failover'],
    },
    {
      name: 'distrust allows a scale-out',
      snapshot: busy({ distrust: ['recent failover'] }),
      action: 'scale-out',
      target: 13,
    },
  ])('$name', check);
});

describe('decide: constraints', () => {
  test.each<Case>([
    {
      name: 'desired below min: scale out to min without any signal, even in cooldown',
      snapshot: snapshot({ usable: 0, asg: { desiredCapacity: 0, lastScaleOutAt: secondsAgo(10) } }),
      config: { minAgents: 2 },
      action: 'scale-out',
      target: 2,
      boundBy: 'min',
      reasons: ['desired capacity 0 is below the minimum of 2: raising it'],
    },
    {
      name: 'scale-in stops at min',
      snapshot: quiet(),
      config: { minAgents: 4 },
      action: 'scale-in',
      target: 4,
      boundBy: 'min',
      reasons: ['scale-in stops at the minimum of 4 agents'],
    },
    {
      name: 'desired above max: scale in to max',
      snapshot: snapshot({ usable: 25 }),
      config: { maxAgents: 20 },
      action: 'scale-in',
      target: 20,
      boundBy: 'max',
      reasons: ['desired capacity 25 is above the maximum of 20: lowering it'],
    },
    {
      name: 'scale-out stops at max',
      snapshot: busy(),
      config: { maxAgents: 12 },
      action: 'scale-out',
      target: 12,
      boundBy: 'max',
      reasons: ['scale-out stops at the maximum of 12 agents'],
    },
    {
      name: 'max step up',
      snapshot: busy(),
      config: { maxStepUp: 2 },
      action: 'scale-out',
      target: 12,
      boundBy: 'max-step-up',
      reasons: ['at most 2 agents added per run (max step up; a target of 13 wanted)'],
    },
    {
      name: 'max step down',
      snapshot: quiet(),
      config: { maxStepDown: 1 },
      action: 'scale-in',
      target: 4,
      boundBy: 'max-step-down',
      reasons: ['at most 1 agent removed per run (max step down; a target of 3 wanted)'],
    },
    {
      name: 'scale-out cooldown',
      snapshot: busy({ asg: { lastScaleOutAt: secondsAgo(100) } }),
      action: 'none',
      target: 10,
      boundBy: 'cooldown-up',
      reasons: ['cooldown for scale-out until 2024-05-01T14:03:20Z (last scale-out at 2024-05-01T13:58:20Z)'],
    },
    {
      name: 'scale-out allowed the moment the cooldown ends',
      snapshot: busy({ asg: { lastScaleOutAt: secondsAgo(300) } }),
      action: 'scale-out',
      target: 13,
    },
    {
      name: 'a recent scale-in does not delay a scale-out',
      snapshot: busy({ asg: { lastScaleInAt: secondsAgo(10) } }),
      action: 'scale-out',
      target: 13,
    },
    {
      name: 'scale-in cooldown after a scale-in',
      snapshot: quiet({ asg: { lastScaleInAt: secondsAgo(100) } }),
      action: 'none',
      target: 5,
      boundBy: 'cooldown-down',
      reasons: ['cooldown for scale-in until 2024-05-01T14:08:20Z (last scaling at 2024-05-01T13:58:20Z)'],
    },
    {
      name: 'scale-in cooldown after a scale-out',
      snapshot: quiet({ asg: { lastScaleInAt: secondsAgo(3000), lastScaleOutAt: secondsAgo(599) } }),
      action: 'none',
      target: 5,
      boundBy: 'cooldown-down',
    },
    {
      name: 'scale-in allowed the moment the cooldown ends',
      snapshot: quiet({ asg: { lastScaleInAt: secondsAgo(600), lastScaleOutAt: secondsAgo(900) } }),
      action: 'scale-in',
      target: 3,
    },
    {
      name: 'paused leaves the pool as it is',
      snapshot: busy(),
      config: { paused: true },
      action: 'none',
      target: 10,
      boundBy: 'paused',
      reasons: ['pool is paused: desired capacity stays at 10 (unpaused, the target would be 13)'],
    },
    {
      name: 'paused wins over min',
      snapshot: snapshot({ usable: 0, asg: { desiredCapacity: 0 } }),
      config: { paused: true, minAgents: 2 },
      action: 'none',
      target: 0,
      boundBy: 'paused',
    },
  ])('$name', check);
});

describe('decide: scale-in stabilisation', () => {
  const config = { scaleInStabilisationSeconds: 600 };

  test('unknown memory: the window starts now', () => {
    const { plan, memory } = run({ snapshot: quiet(), config, memory: null });
    expect(plan.action).toBe('none');
    expect(plan.boundBy).toBe('stabilisation');
    expect(plan.reasons).toContain('scale-in wanted since 2024-05-01T14:00:00Z: it must hold for 600 s, until 2024-05-01T14:10:00Z');
    expect(memory).toEqual({ scaleInWantedSince: NOW });
  });

  test('memory without a start: the window starts now', () => {
    const { plan, memory } = run({ snapshot: quiet(), config, memory: { scaleInWantedSince: null } });
    expect(plan.action).toBe('none');
    expect(memory).toEqual({ scaleInWantedSince: NOW });
  });

  test.each([
    [599, 'none'],
    [600, 'scale-in'],
    [3600, 'scale-in'],
  ] as const)('wanted for %i s: %s, and the start is kept', (seconds, action) => {
    const since = secondsAgo(seconds);
    const { plan, memory } = run({ snapshot: quiet(), config, memory: { scaleInWantedSince: since } });
    expect(plan.action).toBe(action);
    expect(memory).toEqual({ scaleInWantedSince: since });
  });

  test('the start is kept while other constraints hold the scale-in back', () => {
    const since = secondsAgo(60);
    const { plan, memory } = run({ snapshot: quiet({ asg: { lastScaleInAt: secondsAgo(10) } }), config, memory: { scaleInWantedSince: since } });
    expect(plan.action).toBe('none');
    expect(memory).toEqual({ scaleInWantedSince: since });
  });

  test('no longer wanted: forgotten', () => {
    const { memory } = run({ snapshot: quiet({ usedPercent: { cpus: 50 } }), config, memory: { scaleInWantedSince: secondsAgo(3600) } });
    expect(memory).toEqual({ scaleInWantedSince: null });
  });

  test('untrusted data cannot show scale-in was wanted: the window restarts', () => {
    const { memory } = run({ snapshot: quiet({ distrust: ['failover'] }), config, memory: { scaleInWantedSince: secondsAgo(3600) } });
    expect(memory).toEqual({ scaleInWantedSince: null });
  });

  test('a start in the future is taken as now', () => {
    const { plan, memory } = run({ snapshot: quiet(), config, memory: { scaleInWantedSince: NOW + 60_000 } });
    expect(plan.action).toBe('none');
    expect(memory).toEqual({ scaleInWantedSince: NOW });
  });

  test('paused still tracks the window', () => {
    const { plan, memory } = run({ snapshot: quiet(), config: { ...config, paused: true }, memory: null });
    expect(plan.action).toBe('none');
    expect(memory).toEqual({ scaleInWantedSince: NOW });
  });
});

describe('decide: plan', () => {
  test('dry run computes the same plan and marks it', () => {
    const scenarios = [busy(), quiet(), snapshot()];
    for (const s of scenarios) {
      const live = run({ snapshot: s });
      const dry = run({ snapshot: s, config: { dryRun: true } });
      expect(dry.plan.dryRun).toBe(true);
      expect(live.plan.dryRun).toBe(false);
      expect({ action: dry.plan.action, target: dry.plan.targetDesired, boundBy: dry.plan.boundBy }).toEqual({
        action: live.plan.action,
        target: live.plan.targetDesired,
        boundBy: live.plan.boundBy,
      });
      expect(dry.plan.signals).toEqual(live.plan.signals);
      expect(dry.memory).toEqual(live.memory);
      expect(dry.plan.reasons).toContain('dry run: the plan is only shown, the group is not changed');
    }
  });

  test('carries the pool, the group, the time and every signal', () => {
    const { plan } = run({
      snapshot: busy({ headroomApp: web({ fitsNow: 1 }), asg: { lastScaleInAt: secondsAgo(30) } }),
    });
    expect(plan).toMatchObject({ pool: 'batch', asgName: 'asg-batch', fromDesired: 10, computedAt: NOW, dryRun: false });
    const byName = new Map(plan.signals.map((s) => [s.name, s]));
    expect(byName.get('utilisation.cpus')).toMatchObject({ value: 98, wantsAgents: 3 });
    expect(byName.get('utilisation.mem')).toMatchObject({ value: 50 });
    expect(byName.get('utilisation.mem')?.wantsAgents).toBeUndefined();
    expect(byName.get('utilisation.gpus')).toMatchObject({ value: null, detail: 'ignored: no capacity and nothing used' });
    expect(byName.get('headroom.wanted')).toMatchObject({ value: 4 });
    expect(byName.get('headroom.fits')).toMatchObject({ value: 1, wantsAgents: 1 });
    expect(byName.get('cooldown.scale-in.remaining-seconds')).toMatchObject({ value: 570 });
    expect(byName.get('cooldown.scale-out.remaining-seconds')).toMatchObject({ value: 0 });
    expect(byName.get('in-flight')).toMatchObject({ value: 0 });
    expect(byName.get('data-trusted')).toMatchObject({ value: true });
    expect(plan.reasons[0]).toBe('scale out from 10 to 13 agents');
  });

  test('the removable idle agents are a signal asking for fewer agents', () => {
    const { plan } = run({ snapshot: quiet() });
    expect(plan.signals.find((s) => s.name === 'scale-in.removable')).toMatchObject({ value: 2, wantsAgents: -2 });
  });

  test('a snapshot of another pool is refused', () => {
    const other = { ...snapshot(), pool: 'web' };
    expect(() => run({ snapshot: other })).toThrow(AutoscalerError);
    try {
      run({ snapshot: other });
    } catch (err) {
      expect((err as AutoscalerError).name).toBe(ErrorNames.InvalidInput);
    }
  });
});

describe('decide: drains in progress', () => {
  const drain = (agentId: string, extra: Partial<PoolSnapshot['drains'][number]> = {}) => ({
    agentId, instanceId: `i-${agentId}`, startedAt: NOW - 600_000, deadline: NOW + 600_000, owned: false, ...extra,
  });
  // 10 usable agents at 60 % cpus plus one draining agent: neither scale-out nor scale-in is wanted.
  const steady = (drains: PoolSnapshot['drains']) => {
    const s = snapshot({ usable: 10, usedPercent: { cpus: 60, mem: 60 }, asg: { desiredCapacity: 11 } });
    return { ...s, agents: { ...s.agents, registered: 11, draining: 1 }, drains };
  };

  it('leaves a drain left behind alone until its deadline, then puts it back into service', () => {
    expect(run({ snapshot: steady([drain('a')]) }).plan).toEqual(expect.objectContaining({ action: 'none', reactivate: [] }));
    const late = run({ snapshot: steady([drain('a', { deadline: NOW - 1 })]) }).plan;
    expect(late).toEqual(expect.objectContaining({ action: 'none', reactivate: ['a'] }));
    expect(late.reasons.join(' ')).toMatch(/put back into service at their deadline/);
  });

  it('never touches a drain owned by a running execution when nothing is needed', () => {
    const plan = run({ snapshot: steady([drain('a', { owned: true, deadline: NOW - 1 })]) }).plan;
    expect(plan.reactivate).toEqual([]);
  });

  it('puts draining agents back before launching when capacity is needed again, left-behind ones first', () => {
    const s = snapshot({ usable: 10, usedPercent: { cpus: 95, mem: 60 }, asg: { desiredCapacity: 12 } });
    const busy = { ...s, agents: { ...s.agents, registered: 12, draining: 2 }, drains: [drain('owned', { owned: true }), drain('orphan')] };
    const { plan } = run({ snapshot: busy, config: { cooldownUpSeconds: 0 } });
    expect(plan.reactivate[0]).toBe('orphan');
    expect(plan.reactivate.length).toBeGreaterThan(0);
    expect(plan.targetDesired - plan.fromDesired).toBeLessThan(3);
    expect(plan.reasons.join(' ')).toMatch(/draining agents? put back into service instead of launching/);
  });

  it('a paused pool keeps its drains as they are', () => {
    const { plan } = run({ snapshot: steady([drain('a', { deadline: NOW - 1 })]), config: { paused: true } });
    expect(plan.reactivate).toEqual([]);
  });
});
