import type { PoolMemory, RequirementRecord } from '../../../shared/aws/ports.js';
import { decide } from '../../../shared/decide/decide.js';
import { trendRequirement } from '../../../shared/decide/trend.js';
import type { PoolSnapshot } from '../../../shared/model/snapshot.js';
import { memoryOf, NOW, poolConfig, snapshot } from './builders.js';

/** Requirement records [secondsAgo, agents, demand?], as memoryOf writes them. */
const records = (...triples: Array<[number, number, number?]>): RequirementRecord[] => memoryOf(null, triples).recent;

describe('trendRequirement', () => {
  test.each<{ name: string; demand: number | null; recent: RequirementRecord[]; lead: number; agents: number | null }>([
    { name: 'off with a lead of 0', demand: 8, recent: records([240, 4, 4]), lead: 0, agents: null },
    { name: 'no opinion without a shape to measure demand', demand: null, recent: records([240, 4, 4]), lead: 180, agents: null },
    { name: 'no opinion without an earlier demand', demand: 8, recent: records([240, 4], [0, 8, 8]), lead: 180, agents: null },
    { name: 'no opinion on flat demand', demand: 8, recent: records([240, 8, 8]), lead: 180, agents: null },
    { name: 'no opinion on falling demand', demand: 4, recent: records([240, 8, 8]), lead: 180, agents: null },
    // 4 agents of demand in 240 s: 3 more in the next 180 s.
    { name: 'projects a rise from the oldest record of the window', demand: 8, recent: records([240, 4, 4], [120, 7, 7]), lead: 180, agents: 11 },
    { name: 'takes the oldest record whatever the order', demand: 8, recent: records([120, 7, 7], [240, 4, 4]), lead: 180, agents: 11 },
    { name: 'rounds a part of an agent up', demand: 5, recent: records([300, 4, 4]), lead: 60, agents: 6 },
    // A step from 5 to 25 seen over 1 s would extrapolate to thousands: at most the rise is added.
    { name: 'adds at most the rise seen, however short the record', demand: 25, recent: records([1, 5, 5]), lead: 180, agents: 45 },
    { name: 'ignores a record from the future', demand: 8, recent: records([-60, 2, 2]), lead: 180, agents: null },
  ])('$name', ({ demand, recent, lead, agents }) => {
    const r = trendRequirement(demand, recent, poolConfig({ trendLeadSeconds: lead }), NOW);
    expect(r.source).toBe('trend');
    expect(r.agents).toBe(agents);
  });

  test('says how fast demand rose and what it leads to; shows itself even without an opinion', () => {
    const r = trendRequirement(8, records([240, 4, 4]), poolConfig({ trendLeadSeconds: 180 }), NOW);
    expect(r.because).toBe('demand rose from 4 to 8 agents in 240 s: 11 agents in 180 s at that pace');
    expect(r.signals).toEqual([{ name: 'trend', value: 11, wantsAgents: 11, detail: r.because }]);
    const flat = trendRequirement(8, records([240, 8, 8]), poolConfig({ trendLeadSeconds: 180 }), NOW);
    expect(flat.signals).toEqual([{ name: 'trend', value: null, detail: 'demand not rising (8 → 8 agents in 240 s)' }]);
  });
});

describe('decide with the trend projection', () => {
  // Agents of 8 cpus, band 30–80 %: 5 usable agents at 90 % cpu is 36 cpus, 5.625 agents of demand.
  const hot = () => snapshot({ usable: 5, usedPercent: { cpus: 90, mem: 50 } });
  const run = (snap: PoolSnapshot, lead: number, memory: PoolMemory) =>
    decide({ snapshot: snap, config: poolConfig({ trendLeadSeconds: lead, scaleInStabilisationSeconds: 300 }), memory, now: NOW, executionId: 'exec-test' });
  const rising = memoryOf(240, [[240, 3, 3.125]]);

  test('scales out to where the rise leads, and says so', () => {
    const { plan } = run(hot(), 180, rising);
    // 3.125 → 5.625 agents in 240 s: 1.875 more in 180 s, 7.5 agents.
    expect(plan.targetDesired).toBe(8);
    expect(plan.because).toBe('demand rose from 3.13 to 5.63 agents in 240 s: 8 agents in 180 s at that pace');
  });

  test('records what the signals require and the demand, never the projection', () => {
    expect(run(hot(), 180, rising).memory.recent.at(-1)).toEqual({ at: NOW, agents: 6, demand: 5.625 });
  });

  test('without a lead the signals alone decide', () => {
    expect(run(hot(), 0, rising).plan.targetDesired).toBe(6);
  });

  test('capacity the trend added never reads as more demand: with demand flat, run after run, the pool stops growing', () => {
    // Each run the agents asked for have registered; the same 36 cpus of work are spread over them.
    let memory: PoolMemory = rising;
    let usable = 5;
    let at = NOW;
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const snap = { ...snapshot({ usable, used: { cpus: 36, mem: 5 * 16000, disk: 0, gpus: 0 } }), observedAt: at };
      const d = decide({ snapshot: snap, config: poolConfig({ trendLeadSeconds: 180, scaleInStabilisationSeconds: 300 }), memory, now: at, executionId: `exec-${i}` });
      memory = d.memory;
      usable = Math.max(usable, d.plan.targetDesired);
      sizes.push(usable);
      at += 60_000;
    }
    expect(sizes[0]).toBe(8);
    expect(new Set(sizes.slice(1))).toEqual(new Set([8]));
  });
});
