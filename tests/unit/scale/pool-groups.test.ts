import fc from 'fast-check';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import type { AsgState } from '../../../shared/model/asg.js';
import { pickPoolGroups, poolGroups, removableByGroup, spreadScaleOut } from '../../../shared/model/pool-groups.js';
import { asg, instance } from '../../support/fakes.js';
import { thrown } from '../../support/rejection.js';

/** A group of `desired` one-unit instances, numbered from `first`. */
function group(name: string, first: number, desired: number, extra: Partial<AsgState> = {}): AsgState {
  return asg(Array.from({ length: desired }, (_, i) => instance(first + i)), { name, ...extra });
}

describe('poolGroups: the pool seen as one group', () => {
  it('is the group itself when there is one', () => {
    const only = group('asg-a', 1, 2);
    expect(poolGroups([only]).merged).toBe(only);
  });

  it('sums the sizes, joins the instances and names every group', () => {
    const a = group('asg-a', 1, 2, { minSize: 1, maxSize: 5 });
    const b = group('asg-b', 10, 3, { minSize: 2, maxSize: 6 });
    const pool = poolGroups([a, b]);
    expect(pool.merged).toMatchObject({ name: 'asg-a, asg-b', minSize: 3, maxSize: 11, desiredCapacity: 5 });
    expect(pool.merged.instances.map((i) => i.instanceId)).toEqual(['i-001', 'i-002', 'i-010', 'i-011', 'i-012']);
    expect(pool.groupOf('i-011')?.name).toBe('asg-b');
    expect(pool.groupOf('i-099')).toBeUndefined();
  });

  it('counts a process as suspended only when every group has it suspended', () => {
    const a = group('asg-a', 1, 1, { suspendedProcesses: ['Launch', 'Terminate'] });
    const b = group('asg-b', 5, 1, { suspendedProcesses: ['Terminate'] });
    expect(poolGroups([a, b]).merged.suspendedProcesses).toEqual(['Terminate']);
  });

  it('picks the groups in the configured order and names every missing one', () => {
    const a = group('asg-a', 1, 1);
    const b = group('asg-b', 5, 1);
    expect(pickPoolGroups('batch', ['asg-b', 'asg-a'], [a, b]).groups.map((g) => g.name)).toEqual(['asg-b', 'asg-a']);
    const err = thrown(AutoscalerError, () => pickPoolGroups('batch', ['asg-a', 'asg-x', 'asg-y'], [a, b]));
    expect(err).toMatchObject({ name: ErrorNames.UnknownPool, message: "Auto Scaling group asg-x, asg-y of pool batch does not exist; fix the pool's asg-name" });
  });
});

describe('spreadScaleOut', () => {
  it.each([
    ['the lowest group first, earlier on ties', [[2, 10], [1, 10], [1, 10]], 7, [3, 2, 2]],
    ['a full group takes nothing', [[3, 3], [0, 10]], 6, [3, 3]],
    ['every group full: short of the target', [[2, 3], [1, 2]], 9, [3, 2]],
    ['nothing to add', [[2, 5], [2, 5]], 4, [2, 2]],
  ])('%s', (_, sizes, target, expected) => {
    const groups = sizes.map(([desired, maxSize], i) => group(`asg-${i}`, i * 100 + 1, desired!, { maxSize }));
    expect(spreadScaleOut(groups, target)).toEqual(expected);
  });

  it('gives a group whose Launch process is suspended nothing while another can launch', () => {
    const stopped = group('asg-a', 1, 0, { suspendedProcesses: ['Launch'] });
    const open = group('asg-b', 10, 2);
    expect(spreadScaleOut([stopped, open], 5)).toEqual([0, 5]);
    expect(spreadScaleOut([stopped, group('asg-b', 10, 2, { maxSize: 3 })], 5)).toEqual([2, 3]);
  });

  it('adds whole instances of a weighted group, the last step only what is left', () => {
    const heavy = asg([instance(1, { weight: 4 })], { name: 'asg-heavy' });
    const light = asg([10, 11, 12, 13, 14, 15].map((n) => instance(n)), { name: 'asg-light' });
    expect(spreadScaleOut([heavy, light], 14)).toEqual([8, 6]);
    expect(spreadScaleOut([heavy, light], 11)).toEqual([5, 6]);
  });

  it('never lowers a group, never passes a MaxSize, and reaches the target whenever the groups can hold it', () => {
    const groupsArb = fc.array(
      fc.record({ desired: fc.nat(6), room: fc.nat(6), weight: fc.integer({ min: 1, max: 3 }), launch: fc.boolean() }),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(groupsArb, fc.nat(40), (specs, target) => {
        const groups = specs.map((s, i) =>
          asg(Array.from({ length: s.desired }, (_, k) => instance(i * 100 + k + 1, { weight: s.weight })), {
            name: `asg-${i}`, maxSize: s.desired * s.weight + s.room, suspendedProcesses: s.launch ? [] : ['Launch'],
          }));
        const spread = spreadScaleOut(groups, target);
        const total = spread.reduce((a, b) => a + b, 0);
        const before = groups.reduce((n, g) => n + g.desiredCapacity, 0);
        const max = groups.reduce((n, g) => n + g.maxSize, 0);
        groups.forEach((g, i) => {
          expect(spread[i]).toBeGreaterThanOrEqual(g.desiredCapacity);
          expect(spread[i]).toBeLessThanOrEqual(g.maxSize);
        });
        expect(total).toBe(Math.max(before, Math.min(target, max)));
      }),
    );
  });
});

describe('removableByGroup', () => {
  it('is what each group holds above its MinSize, none while its Terminate process is suspended', () => {
    const a = group('asg-a', 1, 4, { minSize: 1 });
    const b = group('asg-b', 10, 2, { minSize: 2 });
    const c = group('asg-c', 20, 3, { suspendedProcesses: ['Terminate'] });
    expect(removableByGroup([a, b, c])).toEqual(new Map([['asg-a', 3], ['asg-b', 0], ['asg-c', 0]]));
  });
});
