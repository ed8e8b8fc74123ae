import fc from 'fast-check';
import type { PoolMemory } from '../../../shared/aws/ports.js';
import type { PoolConfig, Threshold } from '../../../shared/config/types.js';
import { decide } from '../../../shared/decide/decide.js';
import { RESOURCE_NAMES, resources, type Resources } from '../../../shared/model/resources.js';
import type { IdleAgent, PoolSnapshot } from '../../../shared/model/snapshot.js';
import { NOW, poolConfig } from './builders.js';

const often = <T>(usual: T, other: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(usual), weight: 5 }, { arbitrary: other, weight: 1 });

const shapeArb = fc.record({
  cpus: fc.constantFrom(2, 4, 8, 16),
  mem: fc.constantFrom(4000, 16000, 64000),
  disk: fc.constantFrom(0, 100000),
  gpus: fc.constantFrom(0, 0, 1, 4),
});

const fractionArb = fc.oneof(fc.double({ min: 0, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 1.1, noNaN: true }));

const snapshotArb: fc.Arbitrary<PoolSnapshot> = fc
  .record({
    usable: fc.integer({ min: 0, max: 30 }),
    shape: shapeArb,
    used: fc.record({ cpus: fractionArb, mem: fractionArb, disk: fractionArb, gpus: fractionArb }),
    idle: fc.array(
      fc.record({
        scale: fc.constantFrom(0.5, 1, 1, 2),
        matched: often(true, fc.constant(false)),
        headroomFits: fc.integer({ min: 0, max: 6 }),
      }),
      { maxLength: 12 },
    ),
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
    desiredDelta: often(0, fc.integer({ min: -3, max: 6 })),
    pending: often(0, fc.integer({ min: 1, max: 3 })),
    terminating: often(0, fc.integer({ min: 1, max: 2 })),
    lastOutAgo: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: null }),
    lastInAgo: fc.option(fc.integer({ min: 0, max: 3600 }), { nil: null }),
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
      total: scaled(a.scale),
      headroomFits: a.headroomFits,
    }));
    const desired = Math.max(0, g.usable + g.desiredDelta);
    return {
      pool: 'batch',
      observedAt: NOW,
      agents: { registered: g.usable, usable: g.usable, idle: idleAgents.length, draining: 0 },
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
      headroomApp: g.headroom === null ? null : { appId: '/app', ...g.headroom, task: resources(g.headroom.task) },
      idleAgents,
      busyAgents: [],
      drains: [],
      asg: {
        name: 'asg-batch',
        minSize: 0,
        maxSize: 100,
        desiredCapacity: desired,
        inService: desired,
        pending: g.pending,
        terminating: g.terminating,
        unregistered: 0,
        stuck: 0,
        suspendedProcesses: [],
        lastScaleOutAt: g.lastOutAgo === null ? null : NOW - g.lastOutAgo * 1000,
        lastScaleInAt: g.lastInAgo === null ? null : NOW - g.lastInAgo * 1000,
        activityInProgress: g.activityInProgress,
      },
      distrust: g.distrusted ? ['2 agents have not re-registered since the master failover'] : [],
    };
  });

const thresholdArb: fc.Arbitrary<Threshold> = fc
  .tuple(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 60 }))
  .map(([lower, gap]) => ({ lowerPercent: lower, upperPercent: Math.min(100, lower + gap) }));

const configArb: fc.Arbitrary<PoolConfig> = fc
  .record({
    minAgents: fc.integer({ min: 0, max: 10 }),
    span: often(40, fc.integer({ min: 0, max: 30 })),
    thresholds: fc.record({ cpus: thresholdArb, mem: thresholdArb, disk: thresholdArb, gpus: thresholdArb }),
    headroomPercent: fc.constantFrom(0, 10, 20, 50),
    cooldownUpSeconds: fc.integer({ min: 0, max: 900 }),
    cooldownDownSeconds: fc.integer({ min: 0, max: 900 }),
    scaleInStabilisationSeconds: fc.constantFrom(0, 0, 60, 600),
    maxStepUp: fc.integer({ min: 0, max: 8 }),
    maxStepDown: fc.integer({ min: 0, max: 8 }),
    dryRun: fc.boolean(),
    paused: often(false, fc.constant(true)),
  })
  .map(({ span, ...c }) => poolConfig({ ...c, maxAgents: c.minAgents + span }));

const memoryArb: fc.Arbitrary<PoolMemory | null> = fc.option(
  fc.record({ scaleInWantedSince: fc.option(fc.integer({ min: NOW - 2_000_000, max: NOW + 10_000 }), { nil: null }) }),
  { nil: null },
);

type Input = { snapshot: PoolSnapshot; config: PoolConfig; memory: PoolMemory | null };

const inputArb: fc.Arbitrary<Input> = fc.record({ snapshot: snapshotArb, config: configArb, memory: memoryArb });

/** Nothing in flight, nothing distrusted, not paused: where scale-ins happen, to check them often. */
const calmInputArb: fc.Arbitrary<Input> = inputArb.map((i) => ({
  ...i,
  snapshot: {
    ...i.snapshot,
    distrust: [],
    asg: { ...i.snapshot.asg, desiredCapacity: i.snapshot.agents.usable, pending: 0, terminating: 0, activityInProgress: false },
  },
  config: { ...i.config, paused: false },
}));

const run = (i: Input) => decide({ ...i, now: NOW, executionId: 'exec-test' });
const inRange = (i: Input) => i.snapshot.asg.desiredCapacity >= i.config.minAgents && i.snapshot.asg.desiredCapacity <= i.config.maxAgents;
const sumOfLargest = (values: number[], k: number) => [...values].sort((a, b) => b - a).slice(0, k).reduce((a, b) => a + b, 0);

/** Re-checks, independently of the policy code, every rule a scale-in of k agents must pass; null when it does. */
function scaleInViolation(i: Input, k: number): string | null {
  const { snapshot: s, config: c, memory } = i;
  if (s.distrust.length > 0) return 'distrusted data';
  if (s.asg.activityInProgress) return 'activity in progress';
  if (s.asg.pending > 0 || s.asg.terminating > 0 || s.asg.desiredCapacity > s.agents.usable) return 'capacity in flight';
  const candidates = s.idleAgents.filter((a) => a.instanceId !== null);
  if (k > candidates.length) return 'more than the removable idle agents';
  if (k > c.maxStepDown) return 'more than max step down';
  for (const r of RESOURCE_NAMES) {
    const capacity = s.capacity[r];
    const used = s.used[r];
    if (capacity === 0 && used === 0) continue;
    const { lowerPercent, upperPercent } = c.thresholds[r];
    if (!(capacity > 0 && (used / capacity) * 100 < lowerPercent)) return `${r} not under its lower threshold`;
    const after = capacity - sumOfLargest(candidates.map((a) => a.total[r]), k);
    if (used > 0 && (after <= 0 || (used / after) * 100 > upperPercent + 1e-6)) return `${r} above upper after removal`;
  }
  const app = s.headroomApp;
  if (app !== null && c.headroomPercent > 0 && app.running > 0) {
    const wanted = Math.max(1, Math.ceil((c.headroomPercent * app.running) / 100 - 1e-9));
    const lost = sumOfLargest(candidates.map((a) => a.headroomFits), k);
    if (lost > 0 && app.fitsNow - lost < wanted) return 'headroom broken';
    const shape = s.agentShape;
    const fitsNewAgent =
      shape !== null && RESOURCE_NAMES.every((r) => app.task[r] === 0 || app.task[r] <= shape[r] + 1e-9) && RESOURCE_NAMES.some((r) => app.task[r] > 0);
    if (app.fitsNow < wanted && fitsNewAgent) return 'headroom short: a scale-out is due';
  }
  const lastChange = Math.max(s.asg.lastScaleOutAt ?? -Infinity, s.asg.lastScaleInAt ?? -Infinity);
  if (NOW < lastChange + c.cooldownDownSeconds * 1000) return 'inside the scale-in cooldown';
  if (c.scaleInStabilisationSeconds > 0) {
    const since = memory?.scaleInWantedSince ?? null;
    if (since === null || since > NOW || NOW - since < c.scaleInStabilisationSeconds * 1000) return 'not stable for long enough';
  }
  return null;
}

const RUNS = { numRuns: 400 };

describe('decide: properties', () => {
  test('the generators reach scale-out, scale-in and no change', () => {
    const actions = new Set(fc.sample(inputArb, 600).map((i) => run(i).plan.action));
    expect(actions).toEqual(new Set(['scale-out', 'scale-in', 'none']));
    const calmScaleIns = fc.sample(calmInputArb, 500).filter((i) => run(i).plan.action === 'scale-in');
    expect(calmScaleIns.length).toBeGreaterThan(50);
  });

  test('the action matches the target, and the plan starts from the desired capacity', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const { plan } = run(i);
        const from = i.snapshot.asg.desiredCapacity;
        expect(plan.fromDesired).toBe(from);
        expect(plan.action).toBe(plan.targetDesired > from ? 'scale-out' : plan.targetDesired < from ? 'scale-in' : 'none');
        expect(Number.isInteger(plan.targetDesired)).toBe(true);
      }),
      RUNS,
    );
  });

  test('the target never leaves [min, max] unless paused', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        fc.pre(!i.config.paused);
        const { plan } = run(i);
        expect(plan.targetDesired).toBeGreaterThanOrEqual(i.config.minAgents);
        expect(plan.targetDesired).toBeLessThanOrEqual(i.config.maxAgents);
      }),
      RUNS,
    );
  });

  test('paused never changes anything', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const { plan } = run({ ...i, config: { ...i.config, paused: true } });
        expect(plan.action).toBe('none');
        expect(plan.targetDesired).toBe(i.snapshot.asg.desiredCapacity);
        expect(plan.boundBy).toBe('paused');
      }),
      RUNS,
    );
  });

  test('every scale-in (other than down to max) passes thresholds, headroom, safety, step, cooldown and stabilisation', () => {
    fc.assert(
      fc.property(fc.oneof(inputArb, calmInputArb), (i) => {
        fc.pre(i.snapshot.asg.desiredCapacity <= i.config.maxAgents);
        const { plan } = run(i);
        if (plan.action !== 'scale-in') return;
        expect(scaleInViolation(i, plan.fromDesired - plan.targetDesired)).toBeNull();
      }),
      RUNS,
    );
  });

  test('inside [min, max], no change inside a cooldown and no step beyond the max step', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        fc.pre(inRange(i));
        const { plan } = run(i);
        const { lastScaleOutAt, lastScaleInAt } = i.snapshot.asg;
        if (plan.action === 'scale-out') {
          if (lastScaleOutAt !== null) expect(NOW).toBeGreaterThanOrEqual(lastScaleOutAt + i.config.cooldownUpSeconds * 1000);
          expect(plan.targetDesired - plan.fromDesired).toBeLessThanOrEqual(i.config.maxStepUp);
        }
        if (plan.action === 'scale-in') {
          const last = Math.max(lastScaleOutAt ?? -Infinity, lastScaleInAt ?? -Infinity);
          expect(NOW).toBeGreaterThanOrEqual(last + i.config.cooldownDownSeconds * 1000);
          expect(plan.fromDesired - plan.targetDesired).toBeLessThanOrEqual(i.config.maxStepDown);
        }
      }),
      RUNS,
    );
  });

  test('dry run never changes the decision', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const live = run({ ...i, config: { ...i.config, dryRun: false } });
        const dry = run({ ...i, config: { ...i.config, dryRun: true } });
        expect(dry.plan.dryRun).toBe(true);
        expect({ ...dry.plan, dryRun: false, reasons: [] }).toEqual({ ...live.plan, reasons: [] });
        expect(dry.memory).toEqual(live.memory);
      }),
      RUNS,
    );
  });

  test('deterministic, leaves its input alone, and the plan survives JSON (no NaN or Infinity)', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const before = JSON.stringify(i);
        const first = run(i);
        expect(run(i)).toEqual(first);
        expect(JSON.stringify(i)).toBe(before);
        expect(JSON.parse(JSON.stringify(first))).toEqual(first);
      }),
      RUNS,
    );
  });

  test('the remembered start of a wanted scale-in is never in the future and carries over', () => {
    fc.assert(
      fc.property(inputArb, (i) => {
        const { memory } = run(i);
        const since = memory.scaleInWantedSince;
        if (since === null) return;
        expect(since).toBeLessThanOrEqual(NOW);
        const previous = i.memory?.scaleInWantedSince ?? null;
        expect(since).toBe(previous === null ? NOW : Math.min(previous, NOW));
      }),
      RUNS,
    );
  });
});
