import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { groupNames, poolGroups, splitEvenly, spreadTotal, type GroupLevel } from '../../sim/cluster/pool-groups.js';
import { SimApiError } from '../../sim/types.js';
import { thrown } from '../support/rejection.js';

const level = (desired: number, minSize: number, maxSize: number): GroupLevel => ({ desired, minSize, maxSize });

describe('the groups of a pool', () => {
  it('are the ASG name itself for one group, numbered names for several', () => {
    expect(groupNames('web', 1)).toEqual(['web']);
    expect(groupNames('web', 3)).toEqual(['web-1', 'web-2', 'web-3']);
  });

  it('split a whole number evenly, the earlier parts taking the remainder', () => {
    expect(splitEvenly(11, 3)).toEqual([4, 4, 3]);
    expect(splitEvenly(2, 3)).toEqual([1, 1, 0]);
    expect(splitEvenly(9, 3)).toEqual([3, 3, 3]);
    expect(splitEvenly(7, 1)).toEqual([7]);
  });

  it('each take a share of the bounds and the initial agents, in a zone of their own', () => {
    const groups = poolGroups({ asgName: 'web', asgCount: 3, minSize: 4, maxSize: 11, initialAgents: 5 });
    expect(groups).toEqual([
      { name: 'web-1', zone: 'us-east-1a', minSize: 2, maxSize: 4, initialAgents: 2 },
      { name: 'web-2', zone: 'us-east-1b', minSize: 1, maxSize: 4, initialAgents: 2 },
      { name: 'web-3', zone: 'us-east-1c', minSize: 1, maxSize: 3, initialAgents: 1 },
    ]);
    expect(new Set(poolGroups({ asgName: 'web', asgCount: 10, minSize: 0, maxSize: 10, initialAgents: 0 }).map((g) => g.zone)).size).toBe(10);
  });
});

describe('spreading a total desired capacity over the groups', () => {
  it('adds each unit to the group with the lowest desired capacity below its max, ties to the earlier group', () => {
    expect(spreadTotal([level(0, 0, 4), level(0, 0, 4), level(0, 0, 3)], 7, 1)).toEqual([3, 2, 2]);
    expect(spreadTotal([level(1, 0, 4), level(3, 0, 4), level(0, 0, 3)], 6, 1)).toEqual([2, 3, 1]);
    // A full group takes no more: the others take the rest.
    expect(spreadTotal([level(0, 0, 1), level(0, 0, 9)], 6, 1)).toEqual([1, 5]);
  });

  it('removes each unit from the group with the highest desired capacity above its min, ties to the earlier group', () => {
    expect(spreadTotal([level(4, 0, 4), level(4, 0, 4), level(3, 0, 3)], 8, 1)).toEqual([2, 3, 3]);
    expect(spreadTotal([level(4, 3, 4), level(2, 0, 4)], 3, 1)).toEqual([3, 0]);
  });

  it('moves an instance’s worth at a time, less where the total or a bound is nearer', () => {
    // One instance of weight 2, not half an instance in each group (each would launch a whole one).
    expect(spreadTotal([level(0, 0, 10), level(0, 0, 10)], 2, 2)).toEqual([2, 0]);
    expect(spreadTotal([level(4, 0, 10), level(4, 0, 10)], 6, 2)).toEqual([2, 4]);
    expect(spreadTotal([level(0, 0, 10), level(0, 0, 10)], 4, 2)).toEqual([2, 2]);
    expect(spreadTotal([level(0, 0, 10), level(0, 0, 10)], 5, 2)).toEqual([3, 2]);
    expect(spreadTotal([level(0, 0, 3), level(0, 0, 10)], 8, 2)).toEqual([3, 5]);
  });

  it('rejects a total outside the sums of the bounds, or not whole, as AWS rejects a group’s', () => {
    const groups = [level(2, 1, 4), level(2, 1, 3)];
    for (const total of [1, 8, 2.5]) {
      expect(thrown(SimApiError, () => spreadTotal(groups, total, 1))).toMatchObject({
        code: 'ValidationError',
        message: `The pool's desired capacity must be a whole number from 2 to 7 (the sums of its groups' min and max), got ${total}.`,
      });
    }
  });

  it('reaches the total within every bound, moving each group one way only, balanced to within a step', () => {
    const pool = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.tuple(fc.nat(6), fc.nat(12), fc.nat(1)), { minLength: 1, maxLength: 6 }))
      .chain(([step, shapes]) => {
        const groups = shapes.map(([minSize, room, at]) => level(at === 0 ? minSize : minSize + room, minSize, minSize + room));
        const low = groups.reduce((n, g) => n + g.minSize, 0);
        const high = groups.reduce((n, g) => n + g.maxSize, 0);
        return fc.record({ step: fc.constant(step), groups: fc.constant(groups), total: fc.integer({ min: low, max: high }) });
      });
    fc.assert(
      fc.property(pool, ({ step, groups, total }) => {
        const out = spreadTotal(groups, total, step);
        expect(out.reduce((a, b) => a + b, 0)).toBe(total);
        const before = groups.reduce((n, g) => n + g.desired, 0);
        const adding = total > before;
        out.forEach((d, i) => {
          const g = groups[i]!;
          expect(d).toBeGreaterThanOrEqual(g.minSize);
          expect(d).toBeLessThanOrEqual(g.maxSize);
          if (adding) expect(d).toBeGreaterThanOrEqual(g.desired);
          else expect(d).toBeLessThanOrEqual(g.desired);
        });
        // A group that gained ends at most a step above any group that could still take more; one
        // that lost, at most a step below any that could still give.
        out.forEach((d, i) => {
          if (d === groups[i]!.desired) return;
          out.forEach((other, j) => {
            const g = groups[j]!;
            if (adding && other < g.maxSize) expect(d).toBeLessThanOrEqual(other + step);
            if (!adding && other > g.minSize) expect(d).toBeGreaterThanOrEqual(other - step);
          });
        });
      }),
    );
  });
});
