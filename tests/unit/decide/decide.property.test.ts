import fc from 'fast-check';
import type { PoolMemory } from '../../../shared/aws/ports.js';
import type { PoolConfig, Threshold } from '../../../shared/config/types.js';
import { decide } from '../../../shared/decide/decide.js';
import { headroomRequirement } from '../../../shared/decide/headroom.js';
import { pendingRequirement } from '../../../shared/decide/pending.js';
import { utilisationRequirement } from '../../../shared/decide/utilisation.js';
import { resources, type Resources } from '../../../shared/model/resources.js';
import type { DrainSummary, IdleAgent, PoolSnapshot } from '../../../shared/model/snapshot.js';
import { NO_PENDING, NOW, poolConfig } from './builders.js';

const often = <T>(usual: T, other: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(usual), weight: 5 }, { arbitrary: other, weight: 1 });

const shapeArb = fc.record({
  cpus: fc.constantFrom(2, 4, 8, 16),
  mem: fc.constantFrom(4000, 16000, 64000),
  disk: fc.constantFrom(0, 100000),
  gpus: fc.constantFrom(0, 0, 1, 4),
});

const fractionArb = fc.oneof(fc.double({ min: 0, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 1.1, noNaN: true }));

const pendingArb = often(
  null,
  fc.record({
    fitOnFree: fc.integer({ min: 0, max: 5 }),
    newAgents: fc.integer({ min: 0, max: 8 }),
    unplaceable: often(0, fc.integer({ min: 1, max: 3 })),
    backedOff: often(0, fc.integer({ min: 1, max: 5 })),
    load: fc.double({ min: 0, max: 0.5, noNaN: true }),
  }),
);

const drainArb = fc.record({
  owned: fc.boolean(),
  inGroup: often(true, fc.constant(false)),
  startedAgo: fc.integer({ min: 0, max: 3600 }),
  deadlineIn: fc.integer({ min: -600, max: 600 }),
});

const snapshotArb: fc.Arbitrary<PoolSnapshot> = fc
  .record({
    usable: fc.integer({ min: 0, max: 30 }),
    shape: shapeArb,
    used: fc.record({ cpus: fractionArb, mem: fractionArb, disk: fractionArb, gpus: fractionArb }),
    pending: pendingArb,
    idle: fc.array(fc.record({ matched: often(true, fc.constant(false)) }), { maxLength: 12 }),
    busy: fc.integer({ min: 0, max: 4 }),
    drains: often([], fc.array(drainArb, { minLength: 1, maxLength: 4 })),
    stuck: often(0, fc.integer({ min: 1, max: 2 })),
    launching: often(0, fc.integer({ min: 1, max: 3 })),
    desiredNoise: often(0, fc.integer({ min: -3, max: 3 })),
    headroom: fc.option(
      fc.record({
        task: fc.record({
          cpus: fc.constantFrom(0, 0.5, 1, 4, 20),
          mem: fc.constantFrom(0, 512, 4000, 100000),
          disk: fc.constant(0),
          gpus: fc.constantFrom(0, 0, 0, 1),
        }),
        running: fc.integer({ min: 0, max: 60 }),
        fitsNow: fc.integer({ min: 0, max: 80 }),
      }),
      { nil: null },
    ),
    lastOutAgo: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: null }),
    pendingInstances: often(0, fc.integer({ min: 1, max: 3 })),
    terminating: often(0, fc.integer({ min: 1, max: 2 })),
    activityInProgress: often(false, fc.constant(true)),
    distrusted: often(false, fc.constant(true)),
  })
  .map((g): PoolSnapshot => {
    const scaled = (k: number): Resources =>
      resources({ cpus: g.shape.cpus * k, mem: g.shape.mem * k, disk: g.shape.disk * k, gpus: g.shape.gpus * k });
    const capacity = scaled(g.usable);
    const idleAgents: IdleAgent[] = g.idle.slice(0, g.usable).map((a, i) => ({
      agentId: `agent-${i}`,
      instanceId: a.matched ? `i-${i}` : null,
    }));
    const busyCount = Math.min(g.busy, g.usable - idleAgents.length);
    const busyAgents = Array.from({ length: busyCount }, (_, i) => ({ agentId: `busy-${i}`, instanceId: `i-busy-${i}`, runningTasks: i + 1 }));
    const drains: DrainSummary[] = g.drains.map((d, i) => ({
      agentId: `drain-${i}`,
      instanceId: `i-drain-${i}`,
      startedAt: NOW - d.startedAgo * 1000,
      deadline: NOW + d.deadlineIn * 1000,
      owned: d.owned,
      inGroup: d.inGroup,
    }));
    const draining = drains.filter((d) => d.inGroup).length;
    const desired = Math.max(0, g.usable + draining + g.stuck + g.launching + g.desiredNoise);
    const p = g.pending;
    return {
      pool: 'batch',
      observedAt: NOW,
      agents: { registered: g.usable + draining, usable: g.usable, idle: idleAgents.length, draining },
      capacity,
      used: resources({
        cpus: capacity.cpus * g.used.cpus,
        mem: capacity.mem * g.used.mem,
        disk: capacity.disk * g.used.disk,
        gpus: capacity.gpus * g.used.gpus,
      }),
      agentShape: g.usable > 0 ? scaled(1) : null,
      runningTasks: g.headroom?.running ?? 0,
      apps: g.headroom === null ? 0 : 1,
      pending:
        p === null
          ? NO_PENDING
          : {
              tasks: p.fitOnFree + 2 * p.newAgents + p.unplaceable,
              resources: scaled(p.load * Math.max(1, g.usable)),
              fitOnFree: p.fitOnFree,
              newAgents: p.newAgents,
              unplaceable: p.unplaceable,
              backedOff: p.backedOff,
              apps: [{ appId: '/queued', tasks: p.fitOnFree + 2 * p.newAgents + p.unplaceable, shortOf: ['cpus'] }],
            },
      headroomApp: g.headroom === null ? null : { appId: '/app', ...g.headroom, task: resources(g.headroom.task) },
      idleAgents,
      busyAgents,
      drains,
      asg: {
        name: 'asg-batch',
        minSize: 0,
        maxSize: 100,
        desiredCapacity: desired,
        inService: desired,
        pending: g.pendingInstances,
        terminating: g.terminating,
        unregistered: g.stuck,
        stuck: g.stuck,
        suspendedProcesses: [],
        lastScaleOutAt: g.lastOutAgo === null ? null : NOW - g.lastOutAgo * 1000,
        activityInProgress: g.activityInProgress,
      },
      distrust: g.distrusted ? ['2 agents have not re-registered since the master failover'] : [],
    };
  });

const thresholdArb: fc.Arbitrary<Threshold> = fc
  .tuple(fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 60 }))
  .map(([lower, gap]) => ({ lowerPercent: lower, upperPercent: Math.min(100, lower + gap) }));

const configArb: fc.Arbitrary<PoolConfig> = fc
  .record({
    minAgents: fc.integer({ min: 0, max: 10 }),
    span: often(40, fc.integer({ min: 0, max: 30 })),
    thresholds: fc.record({ cpus: thresholdArb, mem: thresholdArb, disk: thresholdArb, gpus: thresholdArb }),
    headroomPercent: fc.constantFrom(0, 0, 10, 20, 50),
    cooldownUpSeconds: fc.constantFrom(0, 0, 60, 900),
    cooldownDownSeconds: fc.constantFrom(0, 0, 60, 900),
    scaleInStabilisationSeconds: fc.constantFrom(0, 60, 300, 600),
    maxStepUp: fc.integer({ min: 1, max: 8 }),
    maxStepDown: fc.integer({ min: 1, max: 8 }),
    busyAgents: fc.boolean(),
    maxDraining: fc.integer({ min: 1, max: 6 }),
    dryRun: fc.boolean(),
    paused: often(false, fc.constant(true)),
  })
  .map(({ span, busyAgents, maxDraining, ...c }) => {
    const base = poolConfig();
    // The trend is off: the properties below compute "required" from the pending, utilisation and
    // headroom requirements alone.
    return poolConfig({ ...c, maxAgents: c.minAgents + span, trendLeadSeconds: 0, drain: { ...base.drain, busyAgents, maxDraining } });
  });

/** A record of requirements, oldest first, sometimes with entries older than any window or in the future. */
const memoryArb: fc.Arbitrary<PoolMemory | null> = fc.option(
  fc
    .record({
      since: fc.option(fc.integer({ min: -60, max: 2000 }), { nil: null, freq: 4 }),
      recent: fc.array(fc.record({ ago: fc.integer({ min: -30, max: 900 }), agents: fc.integer({ min: 0, max: 35 }) }), { maxLength: 8 }),
    })
    .map(({ since, recent }) => ({
      since: since === null ? null : NOW - since * 1000,
      recent: recent.map((r) => ({ at: NOW - r.ago * 1000, agents: r.agents })).sort((a, b) => a.at - b.at),
    })),
  { nil: null, freq: 5 },
);

type Input = { snapshot: PoolSnapshot; config: PoolConfig; memory: PoolMemory | null };

const inputArb: fc.Arbitrary<Input> = fc.record({ snapshot: snapshotArb, config: configArb, memory: memoryArb });

/** Nothing launching or distrusted, not paused, no cooldown and a record covering any window: where scale-ins happen. */
const calmInputArb: fc.Arbitrary<Input> = inputArb.map((i) => {
  const { asg, agents } = i.snapshot;
  return {
    snapshot: { ...i.snapshot, distrust: [], asg: { ...asg, desiredCapacity: agents.usable + agents.draining + asg.stuck, lastScaleOutAt: null } },
    config: { ...i.config, paused: false },
    memory: { since: NOW - 3_600_000, recent: (i.memory?.recent ?? []).filter((r) => r.at <= NOW && NOW - r.at <= 60_000) },
  };
});

const anyInputArb = fc.oneof(inputArb, calmInputArb);

const run = (i: Input) => decide({ ...i, now: NOW, executionId: 'exec-test' });
const drainsInGroup = (s: PoolSnapshot) => s.drains.filter((d) => d.inGroup !== false).length;
const launching = (s: PoolSnapshot) => Math.max(0, s.asg.desiredCapacity - s.agents.usable - s.agents.draining - s.asg.stuck);
const requiredOf = (plan: ReturnType<typeof run>['plan']) => plan.signals.find((s) => s.name === 'required')?.value as number;
/** Agents this run removes beyond the drains already in the group. */
const newRemovals = (i: Input, target: number) => i.snapshot.asg.desiredCapacity - drainsInGroup(i.snapshot) - target;

const RUNS = { numRuns: 300 };

describe('decide: properties', () => {
  test('the generators reach scale-out, scale-in and no change, and calm inputs scale in often', () => {
    const actions = new Set(fc.sample(inputArb, 600).map((i) => run(i).plan.action));
    expect(actions).toEqual(new Set(['scale-out', 'scale-in', 'none']));
    const calmScaleIns = fc.sample(calmInputArb, 500).filter((i) => run(i).plan.action === 'scale-in' && i.snapshot.asg.desiredCapacity <= i.config.maxAgents);
    expect(calmScaleIns.length).toBeGreaterThan(50);
  });

  test('the action matches the target, and the plan starts from the desired capacity', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        const { plan } = run(i);
        const from = i.snapshot.asg.desiredCapacity;
        expect(plan.fromDesired).toBe(from);
        expect(plan.action).toBe(plan.targetDesired > from ? 'scale-out' : plan.targetDesired < from ? 'scale-in' : 'none');
        expect(Number.isInteger(plan.targetDesired)).toBe(true);
      }),
      RUNS,
    );
  });

  test('the target never leaves [min, max] unless paused; a desired capacity outside is brought back', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        fc.pre(!i.config.paused);
        const { plan } = run(i);
        expect(plan.targetDesired).toBeGreaterThanOrEqual(i.config.minAgents);
        expect(plan.targetDesired).toBeLessThanOrEqual(i.config.maxAgents);
        const desired = i.snapshot.asg.desiredCapacity;
        if (desired < i.config.minAgents) expect(plan.action).toBe('scale-out');
        if (desired > i.config.maxAgents) expect(plan.action).toBe('scale-in');
      }),
      RUNS,
    );
  });

  test('paused never changes anything', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        const { plan } = run({ ...i, config: { ...i.config, paused: true } });
        expect(plan.action).toBe('none');
        expect(plan.targetDesired).toBe(i.snapshot.asg.desiredCapacity);
        expect(plan.boundBy).toBe('paused');
        expect(plan.reactivate).toEqual([]);
      }),
      RUNS,
    );
  });

  test('no scale-in while the group is launching or on untrusted data (other than down to max)', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        fc.pre(i.snapshot.asg.desiredCapacity <= i.config.maxAgents);
        fc.pre(launching(i.snapshot) > 0 || i.snapshot.distrust.length > 0);
        expect(run(i).plan.action).not.toBe('scale-in');
      }),
      RUNS,
    );
  });

  test('never removes more new agents than the stabilisation record allows, nor before it covers the window', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        fc.pre(i.snapshot.asg.desiredCapacity <= i.config.maxAgents);
        const { plan } = run(i);
        if (plan.action !== 'scale-in') return;
        const window = i.config.scaleInStabilisationSeconds * 1000;
        const inWindow = (i.memory?.recent ?? []).filter((r) => r.at <= NOW && NOW - r.at <= window);
        if (window > 0) {
          const since = i.memory?.since ?? null;
          expect(since).not.toBeNull();
          expect(NOW - (since as number)).toBeGreaterThanOrEqual(window);
          expect(inWindow.length).toBeGreaterThan(0);
        }
        const peak = Math.max(requiredOf(plan), ...inWindow.map((r) => r.agents));
        const allowed = Math.max(0, i.snapshot.agents.usable - peak + i.snapshot.asg.stuck);
        expect(newRemovals(i, plan.targetDesired)).toBeLessThanOrEqual(allowed);
      }),
      RUNS,
    );
  });

  test('a scale-in removes no more than can be removed now, within max-step-down and outside the scale-in cooldown', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        fc.pre(i.snapshot.asg.desiredCapacity <= i.config.maxAgents);
        const { plan } = run(i);
        if (plan.action !== 'scale-in') return;
        const s = i.snapshot;
        const slots = Math.max(0, i.config.drain.maxDraining - s.drains.filter((d) => d.inGroup !== false).length);
        const candidates = s.asg.stuck + s.idleAgents.filter((a) => a.instanceId !== null).length + (i.config.drain.busyAgents ? s.busyAgents.length : 0);
        expect(newRemovals(i, plan.targetDesired)).toBeLessThanOrEqual(Math.min(slots, candidates));
        expect(newRemovals(i, plan.targetDesired)).toBeLessThanOrEqual(i.config.maxStepDown);
        if (s.asg.lastScaleOutAt !== null) expect(NOW).toBeGreaterThanOrEqual(s.asg.lastScaleOutAt + i.config.cooldownDownSeconds * 1000);
      }),
      RUNS,
    );
  });

  test('a scale-out adds at most max-step-up, outside the scale-out cooldown (unless raised to min)', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        fc.pre(i.snapshot.asg.desiredCapacity >= i.config.minAgents);
        const { plan } = run(i);
        if (plan.action !== 'scale-out') return;
        expect(plan.targetDesired - plan.fromDesired).toBeLessThanOrEqual(i.config.maxStepUp);
        const { lastScaleOutAt } = i.snapshot.asg;
        if (lastScaleOutAt !== null) expect(NOW).toBeGreaterThanOrEqual(lastScaleOutAt + i.config.cooldownUpSeconds * 1000);
      }),
      RUNS,
    );
  });

  test('required is the largest non-null requirement (the usable agents when none), and never negative', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        const { plan, memory } = run(i);
        const requirements = [pendingRequirement(i.snapshot), utilisationRequirement(i.snapshot, i.config), headroomRequirement(i.snapshot, i.config)];
        const opinions = requirements.map((r) => r.agents).filter((a): a is number => a !== null);
        for (const agents of opinions) expect(agents).toBeGreaterThanOrEqual(0);
        const required = requiredOf(plan);
        expect(required).toBe(opinions.length === 0 ? i.snapshot.agents.usable : Math.max(...opinions));
        if (i.snapshot.distrust.length === 0) expect(memory.recent[memory.recent.length - 1]).toMatchObject({ at: NOW, agents: required });
      }),
      RUNS,
    );
  });

  test('the memory keeps the window: nothing older or in the future, oldest first, broken by untrusted data', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        const { memory } = run(i);
        if (i.snapshot.distrust.length > 0) {
          expect(memory).toEqual({ since: null, recent: [] });
          return;
        }
        const window = i.config.scaleInStabilisationSeconds * 1000;
        expect(memory.since).not.toBeNull();
        expect(memory.since).toBeLessThanOrEqual(NOW);
        for (const r of memory.recent) expect(NOW - r.at).toBeGreaterThanOrEqual(0);
        for (const r of memory.recent) expect(NOW - r.at).toBeLessThanOrEqual(window);
        expect(memory.recent.map((r) => r.at)).toEqual([...memory.recent.map((r) => r.at)].sort((a, b) => a - b));
        const unbroken = i.memory?.since != null && (i.memory?.recent ?? []).some((r) => r.at <= NOW && NOW - r.at <= window);
        expect(memory.since).toBe(unbroken ? Math.min(i.memory?.since as number, NOW) : NOW);
      }),
      RUNS,
    );
  });

  test('dry run never changes the decision', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        const live = run({ ...i, config: { ...i.config, dryRun: false } });
        const dry = run({ ...i, config: { ...i.config, dryRun: true } });
        expect(dry.plan.dryRun).toBe(true);
        expect({ ...dry.plan, dryRun: false, reasons: dry.plan.reasons.filter((r) => !r.startsWith('dry run:')) }).toEqual(live.plan);
        expect(dry.memory).toEqual(live.memory);
      }),
      RUNS,
    );
  });

  test('deterministic, leaves its input alone, and the plan survives JSON (no NaN or Infinity)', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        const before = JSON.stringify(i);
        const first = run(i);
        expect(run(i)).toEqual(first);
        expect(JSON.stringify(i)).toBe(before);
        expect(JSON.parse(JSON.stringify(first))).toEqual(first);
      }),
      RUNS,
    );
  });

  test('drains are put back only when capacity is needed, or once left behind and ended', () => {
    fc.assert(
      fc.property(anyInputArb, (i) => {
        const { plan } = run(i);
        const byId = new Map(i.snapshot.drains.map((d) => [d.agentId, d]));
        expect(new Set(plan.reactivate).size).toBe(plan.reactivate.length);
        for (const id of plan.reactivate) expect(byId.has(id)).toBe(true);
        if (requiredOf(plan) > i.snapshot.agents.usable) return;
        for (const id of plan.reactivate) {
          const d = byId.get(id) as DrainSummary;
          expect(d.owned).toBe(false);
          expect(d.inGroup === false || d.deadline <= NOW).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
