import { BASELINES, createBaseline } from '../../sim/policies/index.js';
import type { InstanceLoad, Observation } from '../../sim/types.js';

/** `n` instances long past their warm-up, each with an 8-cpu agent allocated at `allocation`. */
function warm(n: number, allocation: number): InstanceLoad[] {
  return Array.from({ length: n }, () => ({ inServiceAt: -10_000, cpusTotal: 8, cpusAllocated: 8 * allocation }));
}

function observation(t: number, extra: Partial<Observation> = {}): Observation {
  const loads = extra.instanceLoads ?? warm(extra.desired ?? 4, 0.5);
  const cpusTotal = loads.reduce((s, l) => s + l.cpusTotal, 0);
  const cpusAllocated = loads.reduce((s, l) => s + l.cpusAllocated, 0);
  return {
    t,
    desired: loads.length,
    instances: loads.length,
    inService: loads.filter((l) => l.inServiceAt !== null).length,
    registeredAgents: loads.filter((l) => l.cpusTotal > 0).length,
    cpusTotal,
    cpusAllocated,
    memTotalMb: 0,
    memAllocatedMb: 0,
    pendingTasks: 0,
    pendingCpus: 0,
    instanceLoads: loads,
    ...extra,
  };
}

const settings = { agentCpus: 8 };
const extra = { intervalSeconds: 60, peakAgents: 17 };

/** Feeds observations one per interval and returns every decision. */
function decisions(name: string, observations: Observation[]): number[] {
  const policy = createBaseline(name, settings, extra);
  return observations.map((o) => policy.decide(o));
}

describe('static-peak', () => {
  test('always wants the peak of n*(t)', () => {
    expect(decisions('static-peak', [observation(0, { desired: 2 }), observation(60, { desired: 40, cpusAllocated: 0 })])).toEqual([17, 17]);
  });
});

describe('threshold-free (autoscale-python mesos_ec2)', () => {
  // 8-cpu agents: lower = 8 free cpus, upper = 24.
  test.each([
    ['no agent at all: adds one', 0, 0, 0, 1],
    ['free 7.5 < 8: adds one', 32, 24.5, 4, 5],
    ['free exactly 8: no change', 32, 24, 4, 4],
    ['free exactly 24: no change', 32, 8, 4, 4],
    ['free 24.5 > 24: removes one', 32, 7.5, 4, 3],
    ['all free on one agent: no change', 8, 0, 1, 1],
  ])('%s', (_label, cpusTotal, cpusAllocated, desired, wanted) => {
    expect(decisions('threshold-free', [observation(0, { cpusTotal, cpusAllocated, desired })])).toEqual([wanted]);
  });

  test('keeps adding while booting capacity is not yet registered', () => {
    const o = (t: number, desired: number) => observation(t, { cpusTotal: 16, cpusAllocated: 16, desired });
    expect(decisions('threshold-free', [o(0, 2), o(60, 3), o(120, 4)])).toEqual([3, 4, 5]);
  });
});

describe('scalepot', () => {
  const at = (t: number, allocation: number, desired = 4) => observation(t, { cpusTotal: 32, cpusAllocated: 32 * allocation, desired });

  test('checks at the first interval, then only once per 20 minutes', () => {
    const busy = Array.from({ length: 41 }, (_, i) => at(i * 60, 0.9));
    const out = decisions('scalepot', busy);
    expect(out.map((d, i) => (d === 5 ? i : -1)).filter((i) => i >= 0)).toEqual([0, 20, 40]);
  });

  test('acts on the mean of the samples of the last 10 minutes, no more and no less', () => {
    // Idle until 600 s, then 0.9 for five minutes and 0.5 for five: the last 10 minutes average
    // 0.7 (scale out); 20 minutes would average 0.33 (scale in), 5 minutes 0.5 (no change).
    const allocation = (t: number) => (t <= 600 ? 0 : t <= 900 ? 0.9 : 0.5);
    const out = decisions('scalepot', Array.from({ length: 21 }, (_, i) => at(i * 60, allocation(i * 60))));
    expect(out[0]).toBe(3);
    expect(out.slice(1, 20)).toEqual(Array(19).fill(4));
    expect(out[20]).toBe(5);
  });

  test.each([
    ['above 60 % adds one', 0.61, 5],
    ['exactly 60 % changes nothing', 0.6, 4],
    ['exactly 42 % changes nothing', 0.42, 4],
    ['below 42 % removes one', 0.41, 3],
  ])('%s', (_label, allocation, wanted) => {
    expect(decisions('scalepot', [at(0, allocation)])).toEqual([wanted]);
  });

  test('with no registered agent there is no sample and no change', () => {
    expect(decisions('scalepot', [observation(0, { cpusTotal: 0, cpusAllocated: 0, desired: 2, instanceLoads: [] })])).toEqual([2]);
  });
});

describe('target-tracking (70 % cpu allocation, 300 s warm-up)', () => {
  const minute = (i: number, loads: InstanceLoad[], desired = loads.length) => observation(i * 60, { instanceLoads: loads, desired });

  test('scales out to ceil(n × metric / target) after 3 minutes above the target', () => {
    const out = decisions('target-tracking', [0, 1, 2, 3].map((i) => minute(i, warm(4, 0.8))));
    // ceil(4 × 0.8 / 0.7) = ceil(4.57) = 5, from the third datapoint on.
    expect(out).toEqual([4, 4, 5, 5]);
  });

  test('a dip below the target restarts the 3 minutes', () => {
    const metric = [0.8, 0.8, 0.6, 0.8, 0.8, 0.8];
    expect(decisions('target-tracking', metric.map((m, i) => minute(i, warm(4, m))))).toEqual([4, 4, 4, 4, 4, 5]);
  });

  test('instances in warm-up count as capacity already there, and stay out of the metric', () => {
    const policy = createBaseline('target-tracking', settings, extra);
    for (const i of [0, 1]) policy.decide(minute(i, warm(4, 0.8)));
    expect(policy.decide(minute(2, warm(4, 0.8)))).toBe(5);
    // One instance launched at 120 s, InService at 150 s, fully allocated: not in the metric.
    const warming = (allocation: number): InstanceLoad[] => [...warm(4, allocation), { inServiceAt: 150, cpusTotal: 8, cpusAllocated: 8 }];
    expect(policy.decide(minute(3, warming(0.8), 5))).toBe(5);
    // The metric of the 4 warmed-up instances rises: ceil(4 × 0.9 / 0.7) = 6.
    expect(policy.decide(minute(4, warming(0.9), 5))).toBe(6);
  });

  test('scales in after 15 minutes below 90 % of the target', () => {
    const out = decisions('target-tracking', Array.from({ length: 16 }, (_, i) => minute(i, warm(4, 0.35))));
    // ceil(4 × 0.35 / 0.7) = 2, at the 15th datapoint.
    expect(out.slice(0, 14)).toEqual(Array(14).fill(4));
    expect(out.slice(14)).toEqual([2, 2]);
  });

  test('no scale-in while an instance is in warm-up', () => {
    const loads = [...warm(4, 0.35), { inServiceAt: null, cpusTotal: 0, cpusAllocated: 0 }];
    const out = decisions('target-tracking', Array.from({ length: 16 }, (_, i) => minute(i, loads)));
    expect(out).toEqual(Array(16).fill(5));
  });

  test('between 90 % of the target and the target nothing happens', () => {
    const out = decisions('target-tracking', Array.from({ length: 20 }, (_, i) => minute(i, warm(4, 0.65))));
    expect(out).toEqual(Array(20).fill(4));
  });

  test('no datapoint without a warmed-up agent, and a missing one breaks the run', () => {
    const empty: InstanceLoad[] = [{ inServiceAt: 0, cpusTotal: 8, cpusAllocated: 8 }];
    const seq = [minute(0, warm(4, 0.9)), minute(1, warm(4, 0.9)), observation(120, { instanceLoads: empty, desired: 4 }), minute(3, warm(4, 0.9)), minute(4, warm(4, 0.9))];
    expect(decisions('target-tracking', seq)).toEqual([4, 4, 4, 4, 4]);
  });

  test('a capacity ratio that is an integer is not rounded up', () => {
    // 10 × 0.77 / 0.7 = 11 exactly (11.000000000000002 in floating point).
    const out = decisions('target-tracking', [0, 1, 2].map((i) => minute(i, warm(10, 0.77))));
    expect(out.at(-1)).toBe(11);
  });

  test('counts minutes, not calls, at another interval', () => {
    const policy = createBaseline('target-tracking', settings, { intervalSeconds: 30, peakAgents: 0 });
    const out = [0, 1, 2, 3, 4, 5].map((i) => policy.decide(observation(i * 30, { instanceLoads: warm(4, 0.8) })));
    expect(out).toEqual([4, 4, 4, 4, 4, 5]);
  });
});

describe('createBaseline', () => {
  test('knows the four baselines, each with a fresh history', () => {
    expect(BASELINES.map((name) => createBaseline(name, settings, extra).name)).toEqual([...BASELINES]);
    const a = createBaseline('scalepot', settings, extra);
    a.decide(observation(0));
    expect(createBaseline('scalepot', settings, extra).decide(observation(60, { cpusAllocated: 30, cpusTotal: 32 }))).toBe(5);
  });

  test('takes the extra values merged into the settings too', () => {
    expect(createBaseline('static-peak', { agentCpus: 8, intervalSeconds: 60, peakAgents: 9 }).decide(observation(0))).toBe(9);
  });

  test('rejects an unknown name or a missing value', () => {
    expect(() => createBaseline('autoscaler', settings, extra)).toThrow(expect.objectContaining({ name: 'Autoscaler.InvalidInput', message: expect.stringMatching(/unknown baseline policy "autoscaler"/) }));
    expect(() => createBaseline('target-tracking', settings)).toThrow(/intervalSeconds/);
    expect(() => createBaseline('static-peak', settings)).toThrow(/peakAgents/);
  });
});
