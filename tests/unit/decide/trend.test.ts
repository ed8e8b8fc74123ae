import { decide } from '../../../shared/decide/decide.js';
import { trendRequirement } from '../../../shared/decide/trend.js';
import { memoryOf, NOW, poolConfig, secondsAgo, snapshot } from './builders.js';

describe('trendRequirement', () => {
  const records = (...pairs: Array<[number, number]>) => pairs.map(([ago, agents]) => ({ at: secondsAgo(ago), agents }));

  test.each<{ name: string; required: number; recent: ReturnType<typeof records>; lead: number; agents: number | null }>([
    { name: 'off with a lead of 0', required: 8, recent: records([240, 4]), lead: 0, agents: null },
    { name: 'no opinion without an earlier record', required: 8, recent: records([0, 8]), lead: 180, agents: null },
    { name: 'no opinion on a flat requirement', required: 8, recent: records([240, 8], [0, 8]), lead: 180, agents: null },
    { name: 'no opinion on a falling requirement', required: 4, recent: records([240, 8], [0, 4]), lead: 180, agents: null },
    // 4 agents in 240 s: 3 more in the next 180 s.
    { name: 'projects a rise from the oldest record of the window', required: 8, recent: records([240, 4], [120, 7], [0, 8]), lead: 180, agents: 11 },
    { name: 'rounds a part of an agent up', required: 5, recent: records([300, 4]), lead: 60, agents: 6 },
  ])('$name', ({ required, recent, lead, agents }) => {
    const r = trendRequirement(required, recent, poolConfig({ trendLeadSeconds: lead }), NOW);
    expect(r.source).toBe('trend');
    expect(r.agents).toBe(agents);
  });

  test('says how fast the requirement rose and what it leads to', () => {
    const r = trendRequirement(8, records([240, 4]), poolConfig({ trendLeadSeconds: 180 }), NOW);
    expect(r.because).toBe('the requirement rose from 4 to 8 in 240 s: 11 agents in 180 s at that pace');
    expect(r.signals).toEqual([{ name: 'trend', value: 11, wantsAgents: 11, detail: r.because }]);
  });
});

describe('decide with the trend projection', () => {
  // 5 usable agents at 90 % cpu against a 30–80 % band: the signals require 6.
  const hot = () => snapshot({ usable: 5, usedPercent: { cpus: 90, mem: 50 } });
  const run = (lead: number) =>
    decide({ snapshot: hot(), config: poolConfig({ trendLeadSeconds: lead, scaleInStabilisationSeconds: 300 }), memory: memoryOf(240, [[240, 3]]), now: NOW, executionId: 'exec-test' });

  test('scales out to where the rise leads, and says so', () => {
    const { plan } = run(180);
    // From 3 to 6 in 240 s: 2.25 more in 180 s.
    expect(plan.targetDesired).toBe(9);
    expect(plan.because).toBe('the requirement rose from 3 to 6 in 240 s: 9 agents in 180 s at that pace');
  });

  test('records what the signals require, not the projection, so a projection never feeds the next one', () => {
    expect(run(180).memory.recent.at(-1)).toEqual({ at: NOW, agents: 6 });
  });

  test('without a lead the signals alone decide', () => {
    expect(run(0).plan.targetDesired).toBe(6);
  });
});
