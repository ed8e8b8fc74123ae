import type { PoolMemory } from '../../../shared/aws/ports.js';
import type { PoolConfig } from '../../../shared/config/types.js';
import { removableUnits, unitsOf } from '../../../shared/decide/capacity-units.js';
import { combineRequirements } from '../../../shared/decide/combine.js';
import { decide } from '../../../shared/decide/decide.js';
import { resources } from '../../../shared/model/resources.js';
import type { CapacityUnits, PoolSnapshot } from '../../../shared/model/snapshot.js';
import { busyAgents, drain, idleAgents, memoryOf, NOW, pending, poolConfig, requirement, snapshot, type SnapshotSpec } from './builders.js';

/**
 * A snapshot of a weighted group: `spec` as the builders read it (agents), with the units given and
 * a desired capacity of the usable, draining and stuck units plus `launching`.
 */
function weighted(spec: SnapshotSpec, units: Partial<CapacityUnits> & { typical: number }, launching = 0): PoolSnapshot {
  const base = snapshot(spec);
  const full: CapacityUnits = {
    usable: base.agents.usable * units.typical,
    draining: base.drains.filter((d) => d.inGroup !== false).reduce((n, d) => n + (d.weight ?? 1), 0),
    stuck: Array.from({ length: base.asg.stuck }, () => units.typical),
    ...units,
  };
  const desired = full.usable + full.draining + full.stuck.reduce((n, w) => n + w, 0) + launching;
  return { ...base, units: full, asg: { ...base.asg, desiredCapacity: desired, inService: desired, ...spec.asg } };
}

function run(s: PoolSnapshot, config: Partial<PoolConfig> = {}, memory: PoolMemory | null = null) {
  return decide({ snapshot: s, config: poolConfig(config), memory, now: NOW, executionId: 'exec-test' }).plan;
}

describe('units of a snapshot', () => {
  test('without weights a unit is an agent (or an instance), with them the snapshot says', () => {
    const plain = snapshot({ usable: 4, drains: [drain('d1')], asg: { stuck: 1 } });
    expect(unitsOf(plain)).toEqual({ weighted: false, typical: 1, usable: 4, draining: 1, stuck: 1 });
    const heavy = weighted({ usable: 4, asg: { stuck: 2 } }, { typical: 2, stuck: [2, 3] });
    expect(unitsOf(heavy)).toEqual({ weighted: true, typical: 2, usable: 8, draining: 0, stuck: 5 });
  });

  test.each<{ name: string; units: Partial<CapacityUnits>; idle: Array<number | null>; busy: number[]; busyAgents: boolean; maxDraining: number; owned: number; removable: number }>([
    { name: 'every candidate at its weight', units: { stuck: [3] }, idle: [1, 4, 2], busy: [], busyAgents: false, maxDraining: 5, owned: 0, removable: 10 },
    { name: 'the drain cap takes the first candidates: stuck, then idle', units: { stuck: [3] }, idle: [1, 4, 2], busy: [], busyAgents: false, maxDraining: 2, owned: 0, removable: 4 },
    { name: 'owned drains use up slots', units: { stuck: [] }, idle: [2, 2, 2], busy: [], busyAgents: false, maxDraining: 3, owned: 2, removable: 2 },
    { name: 'an idle agent without an instance is not a candidate', units: { stuck: [] }, idle: [null, 8], busy: [], busyAgents: false, maxDraining: 5, owned: 0, removable: 8 },
    { name: 'busy agents count when the pool drains them', units: { stuck: [] }, idle: [2], busy: [4, 8], busyAgents: true, maxDraining: 5, owned: 0, removable: 14 },
    { name: 'busy agents do not count otherwise', units: { stuck: [] }, idle: [2], busy: [4, 8], busyAgents: false, maxDraining: 5, owned: 0, removable: 2 },
  ])('removable units: $name', ({ units, idle, busy, busyAgents: drainBusy, maxDraining, owned, removable }) => {
    const idleList = idle.map((w, i) => ({ ...idleAgents(1)[0]!, agentId: `idle-${i}`, instanceId: w === null ? null : `i-idle-${i}`, ...(w === null || w === 1 ? {} : { weight: w }) }));
    const busyList = busyAgents(busy.length).map((a, i) => ({ ...a, weight: busy[i]! }));
    const drains = Array.from({ length: owned }, (_, i) => drain(`owned-${i}`, { owned: true, weight: 2 }));
    const s = weighted({ usable: 6, idleAgents: idleList, busyAgents: busyList, drains, asg: { stuck: units.stuck?.length ?? 0 } }, { typical: 2, ...units });
    const base = poolConfig();
    expect(removableUnits(s, poolConfig({ drain: { ...base.drain, busyAgents: drainBusy, maxDraining } }))).toBe(removable);
  });
});

describe('combine in capacity units', () => {
  // 5 usable agents; the typical new agent weighs 2 unless the case says otherwise.
  test.each<{ name: string; spec?: SnapshotSpec; units?: Partial<CapacityUnits>; launching?: number; required: number; removable?: number; target: number; reactivate?: number; reason?: string }>([
    { name: 'a missing agent adds its weight', required: 7, target: 10 + 4, reason: '' },
    { name: 'a heavier usual agent adds more', units: { typical: 4, usable: 20 }, required: 6, target: 20 + 4 },
    { name: 'capacity launching counts first, in units', launching: 2, required: 7, target: 12 + 2, reason: '2 capacity units already launching counted towards the 4 missing' },
    { name: 'launching covers it all', launching: 6, required: 7, target: 16 },
    { name: 'a draining agent comes back at its weight', spec: { drains: [drain('d1', { weight: 2 })] }, required: 7, target: 12 + 2, reactivate: 1 },
    { name: 'a heavy drain covers more than one missing agent', spec: { drains: [drain('d1', { weight: 4 })] }, required: 6, target: 14, reactivate: 1 },
    { name: 'drains come back one by one until the need is covered', spec: { drains: [drain('d1', { weight: 1 }), drain('d2', { weight: 1, startedAt: NOW - 60_000 }), drain('d3', { weight: 1, startedAt: NOW - 30_000 })] }, required: 6, target: 13, reactivate: 2 },
    { name: 'a busy draining agent adds only its free share', spec: { drains: [drain('d1', { weight: 2, room: 0.5 })] }, required: 6, target: 12 + 1, reactivate: 1 },
    { name: 'a full draining agent adds nothing, so the rest is launched', spec: { drains: [drain('d1', { weight: 2, room: 0 })] }, required: 6, target: 12 + 2, reactivate: 1 },
    { name: 'the drains with the most room come back first', spec: { drains: [drain('d1', { weight: 1, room: 0.25 }), drain('d2', { weight: 2, room: 1, startedAt: NOW - 600_000 })] }, required: 6, target: 13, reactivate: 1 },
    { name: 'agents for waiting tasks no drain can host are launched, drains cover the rest', spec: { drains: [drain('d1', { weight: 2, room: 1 })], pending: pending({ tasks: 3, newAgents: 2, beyondDrains: 1 }) }, required: 7, target: 12 + 2, reactivate: 1 },
    { name: 'capacity launching counts against those agents first', spec: { drains: [drain('d1', { weight: 2, room: 1 })], pending: pending({ tasks: 3, newAgents: 2, beyondDrains: 1 }) }, launching: 2, required: 7, target: 14, reactivate: 1 },
    { name: 'a surplus removes the typical weight per agent', spec: { idleAgents: idleAgents(3) }, required: 3, removable: 6, target: 10 - 4, reason: '' },
    { name: 'no more than removable', spec: { idleAgents: idleAgents(3) }, required: 1, removable: 3, target: 10 - 3, reason: '8 capacity units surplus but only 3 removable now' },
    { name: 'stuck instances add their own weights to the surplus', spec: { asg: { stuck: 2 } }, units: { stuck: [3, 1] }, required: 5, removable: 10, target: 14 - 4 },
    { name: 'drains in the group are taken off the target at their weight', spec: { drains: [drain('d1', { weight: 3 })] }, required: 4, removable: 2, target: 13 - 3 - 2 },
    { name: 'no surplus, no change', required: 5, target: 10 },
  ])('$name', ({ spec, units, launching, required, removable, target, reactivate, reason }) => {
    const s = weighted({ usable: 5, ...spec }, { typical: 2, ...units }, launching);
    const combined = combineRequirements([requirement(required)], s, removable ?? 0);
    expect(combined.target).toBe(target);
    expect(combined.required).toBe(required);
    if (reactivate !== undefined) expect(combined.reactivate).toBe(reactivate);
    if (reason) expect(combined.reasons).toContainEqual(expect.stringContaining(reason));
    expect(combined.signals.find((x) => x.name === 'required')?.detail).toContain('capacity units');
  });

  test('mixed weights: usable agents count their own weights, new ones the typical weight', () => {
    // 3 usable agents on instances of 1, 2 and 8 units; the median instance weighs 2.
    const s = weighted({ usable: 3 }, { typical: 2, usable: 11 });
    expect(s.asg.desiredCapacity).toBe(11);
    expect(combineRequirements([requirement(5)], s, 0).target).toBe(11 + 4);
  });
});

describe('utilisation and the other signals through decide, in units', () => {
  test('utilisation sizes agents of the usual shape; the plan adds their weight', () => {
    // cpus at 98% on 10 agents: 13 agents wanted (see decide.test.ts), 3 more at 2 units each.
    const plan = run(weighted({ usable: 10, usedPercent: { cpus: 98 } }, { typical: 2 }), { maxAgents: 100, maxStepUp: 100 });
    expect({ action: plan.action, from: plan.fromDesired, to: plan.targetDesired, weighted: plan.weighted }).toEqual({ action: 'scale-out', from: 20, to: 26, weighted: true });
    expect(plan.reasons[0]).toBe('scale out from 20 to 26 capacity units');
    expect(plan.signals.find((x) => x.name === 'utilisation.cpus')?.wantsAgents).toBe(13);
    expect(plan.signals.find((x) => x.name === 'required')?.detail).toBe('set by utilisation; 26 capacity units (20 usable, 2 per new agent)');
  });

  test('with agents as big as the weight says, the same load asks for the same capacity either way', () => {
    // 10 agents of weight 2 (16 cpus each) or 20 agents of weight 1 (8 cpus each), cpus at 96%:
    // 192 cpus bring it to 80%, 32 more: 2 big agents (4 units) or 4 small ones.
    const big = resources({ cpus: 16, mem: 64000, disk: 200000 });
    const heavy = run(weighted({ usable: 10, shape: big, capacity: resources({ cpus: 160, mem: 640000, disk: 2000000 }), usedPercent: { cpus: 96 } }, { typical: 2 }), { maxAgents: 100, maxStepUp: 100 });
    const plain = run(snapshot({ usable: 20, usedPercent: { cpus: 96 } }), { maxAgents: 100, maxStepUp: 100 });
    expect(heavy.targetDesired).toBe(24);
    expect(plain.targetDesired).toBe(24);
    expect(plain.weighted).toBeUndefined();
  });

  test('pending launches onto new agents of the usual shape: each costs the typical weight', () => {
    const s = weighted({ usable: 4, pending: pending({ tasks: 6, resources: resources({ cpus: 12 }), newAgents: 3, apps: [{ appId: '/etl', tasks: 6, shortOf: ['cpus'] }] }) }, { typical: 4 });
    expect(run(s, { maxAgents: 100, maxStepUp: 100 }).targetDesired).toBe(16 + 12);
  });
});

describe('constraints in capacity units', () => {
  const busy = (extra: SnapshotSpec = {}) => weighted({ usable: 10, usedPercent: { cpus: 98 }, ...extra }, { typical: 2 });
  const quiet = (extra: SnapshotSpec = {}) => weighted({ usable: 5, usedPercent: { cpus: 10, mem: 10 }, idleAgents: idleAgents(4, { weight: 2 }), ...extra }, { typical: 2 });

  test.each<{ name: string; snapshot: PoolSnapshot; config?: Partial<PoolConfig>; memory?: PoolMemory; target: number; boundBy: string | null; reason?: string }>([
    { name: 'max step up counts units', snapshot: busy(), config: { maxAgents: 100, maxStepUp: 5 }, target: 25, boundBy: 'max-step-up', reason: 'at most 5 capacity units added per run (max step up; a target of 26 wanted)' },
    { name: 'max counts units', snapshot: busy(), config: { maxAgents: 24, maxStepUp: 100 }, target: 24, boundBy: 'max', reason: 'scale-out stops at the maximum of 24 capacity units' },
    { name: 'a desired capacity above max comes down to it', snapshot: busy(), config: { maxAgents: 19 }, target: 19, boundBy: 'max', reason: 'desired capacity 20 is above the maximum of 19: lowering it' },
    // Utilisation wants 1 agent of 5: 8 units surplus, 8 removable (4 idle agents of weight 2).
    { name: 'a scale-in removes units', snapshot: quiet(), config: { maxStepDown: 10 }, target: 2, boundBy: null },
    { name: 'min counts units', snapshot: quiet(), config: { minAgents: 6 }, target: 6, boundBy: 'min', reason: 'scale-in stops at the minimum of 6 capacity units' },
    { name: 'max step down counts units, beyond the drains in the group', snapshot: quiet({ drains: [drain('d1', { weight: 3 })] }), config: { maxStepDown: 3 }, target: 13 - 3 - 3, boundBy: 'max-step-down', reason: 'at most 3 capacity units more removed per run' },
    {
      name: 'stabilisation frees the typical weight per agent above the peak',
      snapshot: quiet(),
      config: { scaleInStabilisationSeconds: 600 },
      memory: memoryOf(900, [[300, 4]]),
      target: 10 - 2,
      boundBy: 'stabilisation',
      reason: 'the requirement was 4 usable agents at 2024-05-01T13:55:00Z, within the 600 s stabilisation window: 2 capacity units removed',
    },
    { name: 'nothing removed while units are launching', snapshot: weighted({ usable: 5, usedPercent: { cpus: 10, mem: 10 }, idleAgents: idleAgents(4, { weight: 2 }) }, { typical: 2 }, 2), target: 12, boundBy: 'in-flight', reason: 'not removing capacity while 2 capacity units are launching' },
  ])('$name', ({ snapshot: s, config, memory, target, boundBy, reason }) => {
    const plan = run(s, config, memory ?? null);
    expect({ target: plan.targetDesired, boundBy: plan.boundBy }).toEqual({ target, boundBy });
    if (reason) expect(plan.reasons).toContainEqual(expect.stringContaining(reason));
  });

  test('a drain left behind is adopted only when its weight fits what the scale-in removes', () => {
    // Desired 10 + 4 + 2 = 16, min 14: the scale-in removes 2 units, which the 2-unit drain fits and
    // the older 4-unit one does not; that one is past its deadline, so it goes back into service.
    const s = quiet({ usable: 5, idleAgents: [], drains: [drain('heavy', { weight: 4, startedAt: NOW - 900_000, deadline: NOW - 1000 }), drain('light', { weight: 2, deadline: NOW - 1000 })] });
    const plan = run(s, { minAgents: 14 });
    expect({ from: plan.fromDesired, to: plan.targetDesired }).toEqual({ from: 16, to: 14 });
    expect(plan.reactivate).toEqual(['heavy']);
  });
});
