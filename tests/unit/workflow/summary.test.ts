import { describe, expect, it } from '@jest/globals';
import { describeOutcome, summarise } from '../../../shared/report/summary.js';
import type { PoolOutcome } from '../../../shared/model/workflow.js';
import { plan } from '../../support/fakes.js';

const scaled: PoolOutcome = {
  pool: 'batch', status: 'scaled',
  plan: plan({ action: 'scale-out', fromDesired: 12, targetDesired: 15, reasons: ['cpus 91% above the 80% upper threshold: 3 more agents needed'] }),
  action: { pool: 'batch', asgNames: ['asg-batch'], action: 'scale-out', before: 12, after: 15, terminatedInstanceIds: [], drains: [], reactivated: [], dryRun: false, detail: 'desired 12 → 15' },
  settle: { settled: true, timedOut: false, checks: 3, detail: '15 agents registered in pool batch' },
  error: null,
};

describe('execution summary', () => {
  it('reads as one sentence per pool', () => {
    expect(describeOutcome(scaled)).toBe('pool batch: 12 → 15 agents (15 agents registered in pool batch): cpus 91% above the 80% upper threshold: 3 more agents needed');
    expect(describeOutcome({ ...scaled, status: 'failed', plan: null, action: null, settle: null, error: { name: 'Autoscaler.InvalidConfig', message: 'bad' } }))
      .toBe('pool batch: FAILED, left as it is: Autoscaler.InvalidConfig: bad');
    expect(describeOutcome({ ...scaled, status: 'unchanged', action: null, settle: null, plan: plan({ fromDesired: 1, reasons: ['all within thresholds'] }) }))
      .toBe('pool batch: 1 agent, unchanged: all within thresholds');
  });

  it.each([
    { weighted: true, line: 'pool batch: 12 → 16 capacity units: cpus 98% above 80%' },
    { weighted: undefined, line: 'pool batch: 12 → 16 agents: cpus 98% above 80%' },
  ])('says capacity units only for a weighted group ($weighted)', ({ weighted, line }) => {
    const p = plan({ fromDesired: 12, targetDesired: 16, because: 'cpus 98% above 80%', ...(weighted ? { weighted } : {}) });
    expect(describeOutcome({ ...scaled, plan: p, action: null, settle: null })).toBe(line);
  });

  it('uses the plan\'s short explanation when it has one', () => {
    const withBecause = { ...scaled, plan: plan({ ...scaled.plan!, because: '23 tasks of /etl/loader waiting for cpus; cooldown for scale-in until 2026-01-05T14:05:00Z' }) };
    expect(describeOutcome(withBecause)).toBe('pool batch: 12 → 15 agents (15 agents registered in pool batch): 23 tasks of /etl/loader waiting for cpus; cooldown for scale-in until 2026-01-05T14:05:00Z');
  });

  it('counts failed pools and configuration problems as failures, and says so in the headline', () => {
    const s = summarise({
      observedAt: 0,
      problems: [{ parameter: '/p/mesos/master-urls', pool: null, message: '/p/mesos/master-urls = "x": must be a list of http(s) URLs' }],
      mesos: { leaderUrl: null, version: null, error: null },
      outcomes: [scaled, { ...scaled, pool: 'web', status: 'failed', error: { name: 'E', message: 'm' } }],
    });
    expect(s.failures).toBe(2);
    expect(s.headline).toBe('2 pools: 1 scaled, 1 failed; 1 configuration problem(s) leave every pool untouched');
    expect(s.pools[0]).toEqual(expect.objectContaining({ pool: 'batch', before: 12, after: 15, action: 'scale-out' }));
    expect(s.lines).toHaveLength(3);
  });

  it('has no failure when every pool was handled', () => {
    const s = summarise({ observedAt: 0, problems: [], mesos: { leaderUrl: 'http://m', version: '1.9.0', error: null }, outcomes: [scaled] });
    expect(s.failures).toBe(0);
    expect(s.headline).toBe('1 pool: 1 scaled');
  });
});
