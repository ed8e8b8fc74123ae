import { fileURLToPath } from 'node:url';
import { AutoscalerError } from '../../shared/model/errors.js';
import { demandSteps } from '../../sim/demand.js';
import { demandSeries, oracle, oracleInstanceHours, peakAgents, staticPeakInstanceHours, windowSecondsOf } from '../../sim/oracle.js';
import { readTrace } from '../../sim/trace.js';
import type { Trace, TraceTask } from '../../sim/types.js';

const AGENT = { agentCpus: 8, agentMemMb: 30000, bootSeconds: 120 };
const HOUR = 3600;

/** A trace from [t, cpus, memMb, duration] rows. */
function trace(...rows: [number, number, number, number][]): Trace {
  const tasks: TraceTask[] = rows.map(([t, cpus, memMb, duration], i) => ({ t, id: `task-${i}`, app: 'app', cpus, memMb, duration, kind: 'batch' }));
  return { name: 'hand-made', tasks };
}

const billedSeconds = (t: Trace, options: Partial<typeof AGENT> & { windowSeconds?: number } = {}) =>
  oracleInstanceHours(t, { ...AGENT, windowSeconds: HOUR, ...options }) * HOUR;

describe('oracle on hand-made traces (8 cpus / 30,000 MB agents, 120 s boot)', () => {
  it('one level: boot plus busy time, even for a level busy from t = 0', () => {
    const oneTask = trace([0, 2, 1000, 600]);
    expect(billedSeconds(oneTask)).toBe(120 + 600);
    expect(oracle(oneTask, { ...AGENT, windowSeconds: HOUR })).toEqual({
      windowSeconds: HOUR,
      instanceHours: 720 / HOUR,
      peakAgents: 1,
      agentsAtStart: 1,
      staticPeakInstanceHours: 1,
      launches: 1,
    });
  });

  it('two levels: a gap shorter than the boot is paid, a longer one costs a new boot', () => {
    const t = trace(
      [0, 4, 1000, 3000], // level 1 busy [0, 3000) with the next task
      [0, 4, 1000, 3000],
      [100, 1, 100, 200], // level 2 busy [100, 300)
      [400, 1, 100, 100], // level 2 busy [400, 500): gap 100 <= 120, kept up
      [1000, 1, 100, 300], // level 2 busy [1000, 1300): gap 500 > 120, relaunched
    );
    const level1 = 120 + 3000;
    const level2 = 120 + 200 + 100 + 100 + (120 + 300);
    expect(billedSeconds(t)).toBe(level1 + level2);
    expect(oracle(t, { ...AGENT, windowSeconds: HOUR }).launches).toBe(3);
  });

  it('a gap exactly as long as the boot costs the same either way', () => {
    const t = trace([0, 1, 100, 100], [220, 1, 100, 100]);
    expect(billedSeconds(t)).toBe(120 + 100 + 120 + 100);
  });

  it('bills every launch at least 60 s', () => {
    const shortBursts = trace([0, 1, 100, 20], [100, 1, 100, 5]);
    // boot 10: each burst is its own launch of 30 s and 15 s, each billed 60 s.
    expect(billedSeconds(shortBursts, { bootSeconds: 10 })).toBe(60 + 60);
    expect(billedSeconds(shortBursts, { bootSeconds: 100 })).toBe(100 + 20 + 80 + 5);
  });

  it('gives each task larger than half an agent its own agent', () => {
    // 15 cpus would fit two agents, but no two 5-cpu tasks share an 8-cpu agent.
    const large = trace([0, 5, 1000, 1000], [0, 5, 1000, 1000], [0, 5, 1000, 1000]);
    expect(peakAgents(large, { ...AGENT, windowSeconds: HOUR })).toBe(3);
    expect(billedSeconds(large)).toBe(3 * (120 + 1000));
    const memoryLarge = trace([0, 1, 15001, 1000], [0, 1, 15001, 1000], [0, 1, 15001, 1000]);
    expect(peakAgents(memoryLarge, { ...AGENT, windowSeconds: HOUR })).toBe(3);
  });

  it('lets tasks of exactly half an agent share', () => {
    const halves = trace([0, 4, 15000, 1000], [0, 4, 15000, 1000], [0, 4, 15000, 1000]);
    expect(peakAgents(halves, { ...AGENT, windowSeconds: HOUR })).toBe(2);
  });

  it('counts agents by memory when memory binds', () => {
    const memoryBound = trace([0, 1, 14000, 600], [0, 1, 14000, 600], [0, 1, 14000, 600], [0, 1, 14000, 600]);
    expect(peakAgents(memoryBound, { ...AGENT, windowSeconds: HOUR })).toBe(2);
    expect(billedSeconds(memoryBound)).toBe(2 * (120 + 600));
  });

  it('does not round fractional cpus up on floating error', () => {
    const tenths = trace(...Array.from({ length: 80 }, (): [number, number, number, number] => [0, 0.1, 10, 600]));
    expect(peakAgents(tenths, { ...AGENT, windowSeconds: HOUR })).toBe(1);
  });

  it('cuts demand at the window end and ignores arrivals after it', () => {
    const t = trace([3000, 1, 100, 2000], [HOUR, 8, 100, 60]);
    expect(billedSeconds(t)).toBe(120 + 600);
    expect(peakAgents(t, { ...AGENT, windowSeconds: HOUR })).toBe(1);
  });

  it('holds the peak over the whole window for the static baseline', () => {
    const t = trace([0, 1, 100, 60], [600, 9, 100, 60], [1200, 1, 100, 60]);
    expect(staticPeakInstanceHours(t, { ...AGENT, windowSeconds: 2 * HOUR })).toBe(2 * 2);
  });

  it('rejects agents without cpus and empty windows', () => {
    const t = trace([0, 1, 100, 60]);
    expect(() => oracle(t, { ...AGENT, agentCpus: 0 })).toThrow(AutoscalerError);
    expect(() => oracle(t, { ...AGENT, windowSeconds: 0 })).toThrow(AutoscalerError);
  });
});

describe('windowSecondsOf', () => {
  it('rounds the last arrival up to the next whole hour', () => {
    expect(windowSecondsOf(trace([0, 1, 1, 1], [604620, 1, 1, 1]))).toBe(168 * HOUR);
    expect(windowSecondsOf(trace([0, 1, 1, 1]))).toBe(HOUR);
    // An arrival on the hour still lies inside [0, W).
    expect(windowSecondsOf(trace([HOUR, 1, 1, 1]))).toBe(2 * HOUR);
  });
});

describe('demandSeries', () => {
  it('gives the mean demanded cpus per minute', () => {
    const t = trace([30, 2, 100, 60], [60, 1, 100, 6]);
    expect(demandSeries(t, { windowSeconds: 180 })).toEqual([1, (2 * 30 + 1 * 6) / 60, 0]);
  });

  it('covers the default window in one-minute buckets, the last one cut at W', () => {
    expect(demandSeries(trace([0, 1, 1, 10]))).toHaveLength(60);
    expect(demandSeries(trace([0, 1, 1, 100]), { windowSeconds: 90 })).toEqual([1, 1]);
    expect(demandSeries(trace([0, 4, 1, 600]), { windowSeconds: 600, stepSeconds: 300 })).toEqual([4, 4]);
  });
});

describe('agentsAtStart', () => {
  it('is n*(0), counting only tasks that arrive at t = 0', () => {
    const t = trace([0, 8, 100, 60], [0, 1, 100, 60], [10, 8, 100, 60]);
    expect(oracle(t, AGENT).agentsAtStart).toBe(2);
    expect(oracle(trace([5, 1, 100, 60]), AGENT).agentsAtStart).toBe(0);
  });
});

describe('oracle on the bundled 7-day traces', () => {
  const repoFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

  it.each([
    ['worldcup98_web_7d', 1310.9, 7896, 376, 58],
    ['metacentrum2009_grid_7d', 9218.9, 49896, 2376, 433],
  ])('%s reproduces the reference lower bound and demand', (name, reference, staticPeak, peakCpus, meanCpus) => {
    const week = readTrace(repoFile(`sim/traces/${name}.csv`));
    const result = oracle(week, AGENT);
    expect(result.windowSeconds).toBe(168 * HOUR);
    expect(Math.abs(result.instanceHours / reference - 1)).toBeLessThan(0.01);
    expect(result.instanceHours.toFixed(1)).toBe(reference.toFixed(1));
    expect(result.staticPeakInstanceHours).toBe(staticPeak);
    expect(Math.max(...demandSteps(week, result.windowSeconds).cpuMilli) / 1000).toBe(peakCpus);
    const perMinute = demandSeries(week);
    expect(perMinute).toHaveLength(168 * 60);
    expect(Math.round(perMinute.reduce((sum, cpus) => sum + cpus, 0) / perMinute.length)).toBe(meanCpus);
  });
});
