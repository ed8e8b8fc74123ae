import type { PoolMemory } from '../../../shared/aws/ports.js';
import { removableUnits } from '../../../shared/decide/capacity-units.js';
import type { PoolConfig } from '../../../shared/config/types.js';
import { combineRequirements } from '../../../shared/decide/combine.js';
import { decide } from '../../../shared/decide/decide.js';
import { headroomRequirement } from '../../../shared/decide/headroom.js';
import { pendingRequirement } from '../../../shared/decide/pending.js';
import { utilisationRequirement } from '../../../shared/decide/utilisation.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import type { PlanAction } from '../../../shared/model/plan.js';
import { resources } from '../../../shared/model/resources.js';
import type { HeadroomApp, PoolSnapshot } from '../../../shared/model/snapshot.js';
import {
  bands,
  busyAgents,
  drain,
  idleAgent,
  idleAgents,
  memoryOf,
  NOW,
  pending,
  poolConfig,
  requirement,
  secondsAgo,
  snapshot,
  type SnapshotSpec,
  measured,
} from './builders.js';
import { thrown } from '../../support/rejection.js';

interface Case {
  name: string;
  snapshot: PoolSnapshot;
  config?: Partial<PoolConfig>;
  memory?: PoolMemory | null;
  action: PlanAction;
  target: number;
  boundBy?: string | null;
  /** Each must appear in one of the reasons. */
  reasons?: string[];
  reactivate?: string[];
}


function run(c: Pick<Case, 'snapshot' | 'config' | 'memory'>) {
  return decide({ snapshot: c.snapshot, config: poolConfig(c.config), memory: c.memory ?? null, now: NOW, executionId: 'exec-test' });
}

function check(c: Case): void {
  const { plan } = run(c);
  expect({ action: plan.action, target: plan.targetDesired }).toEqual({ action: c.action, target: c.target });
  expect(plan.fromDesired).toBe(c.snapshot.asg.desiredCapacity);
  if (c.boundBy !== undefined) expect(plan.boundBy).toBe(c.boundBy);
  for (const reason of c.reasons ?? []) expect(plan.reasons).toContainEqual(expect.stringContaining(reason));
  if (c.reactivate !== undefined) expect(plan.reactivate).toEqual(c.reactivate);
}

const web = (overrides: Partial<HeadroomApp>): HeadroomApp => ({
  appId: '/web',
  task: resources({ cpus: 2, mem: 4000 }),
  running: 20,
  fitsNow: 10,
  ...overrides,
});

/** Low use on 5 agents with 2 removable idle agents: utilisation needs 1 agent, 2 can go now (target 3). */
const quiet = (extra: SnapshotSpec = {}) => snapshot({ usable: 5, usedPercent: { cpus: 10, mem: 10 }, idleAgents: idleAgents(2), ...extra });

/** cpus at 98% on 10 agents: utilisation needs 13 (78.4 cpus at 80% of 8-cpu agents). */
const busy = (extra: SnapshotSpec = {}) => snapshot({ usable: 10, usedPercent: { cpus: 98 }, ...extra });

describe('utilisation signal: bands per resource', () => {
  // 10 agents of 8 cpus / 32000 mem; band 30–80 % unless the case says otherwise.
  test.each<{ name: string; spec: SnapshotSpec; config?: Partial<PoolConfig>; agents: number | null; states: Record<string, string> }>([
    { name: 'above upper: the fewest agents that bring it back to upper', spec: { usedPercent: { cpus: 98 } }, agents: 13, states: { cpus: 'above', mem: 'within' } },
    { name: 'just above upper asks for one agent', spec: { usedPercent: { cpus: 81 } }, agents: 11, states: { cpus: 'above' } },
    { name: 'exactly at upper holds', spec: { usedPercent: { cpus: 80, mem: 80 } }, agents: 10, states: { cpus: 'within', mem: 'within' } },
    { name: 'exactly at lower holds', spec: { usedPercent: { cpus: 30, mem: 30 } }, agents: 10, states: { cpus: 'within' } },
    { name: 'between the thresholds holds (hysteresis)', spec: { usedPercent: { cpus: 50, mem: 75 } }, agents: 10, states: { cpus: 'within', mem: 'within' } },
    { name: 'every resource below lower: down to the fewest agents keeping it at or under upper', spec: { usedPercent: { cpus: 29, mem: 29 } }, agents: 4, states: { cpus: 'below', mem: 'below' } },
    { name: 'one resource within its band holds the pool', spec: { usedPercent: { cpus: 10, mem: 45 } }, agents: 10, states: { cpus: 'below', mem: 'within' } },
    { name: 'the resource needing most agents wins', spec: { usedPercent: { cpus: 90, mem: 98 } }, agents: 13, states: { cpus: 'above', mem: 'above' } },
    { name: 'an unused resource the agents have (disk) asks for none', spec: { usedPercent: { cpus: 50, mem: 50, disk: 0 } }, agents: 10, states: { disk: 'below' } },
    {
      name: 'the default band 88–95 holds at 90%',
      spec: { usedPercent: { cpus: 90, mem: 90, disk: 90 } },
      config: { thresholds: bands(88, 95) },
      agents: 10,
      states: { cpus: 'within' },
    },
    {
      name: 'the default band 88–95 shrinks at 80% to the fewest agents at or under 95%',
      // 64 cpus / 0.95 = 67.4 cpus: 9 agents (72 cpus, 88.9 %).
      spec: { usedPercent: { cpus: 80, mem: 80, disk: 80 } },
      config: { thresholds: bands(88, 95) },
      agents: 9,
      states: { cpus: 'below' },
    },
  ])('$name', ({ spec, config, agents, states }) => {
    const requirement = utilisationRequirement(snapshot({ usable: 10, ...spec }), poolConfig(config));
    expect(requirement.agents).toBe(agents);
    expect(requirement.source).toBe('utilisation');
    for (const [resource, state] of Object.entries(states)) {
      const signal = requirement.signals.find((s) => s.name === `utilisation.${resource}`);
      expect(signal?.detail).toBeDefined();
      if (state === 'above') expect(signal?.wantsAgents).toBeGreaterThan(10);
      if (state === 'within') expect(signal?.wantsAgents).toBe(10);
      if (state === 'below') expect(signal?.wantsAgents).toBeLessThan(10);
    }
  });

  test.each([
    [5, 98],
    [10, 81],
    [10, 12],
    [3, 29],
    [20, 61],
    [7, 100],
  ])('hysteresis: %i agents at %i%% cpus go to a size that the next run holds', (usable, cpus) => {
    const config = poolConfig();
    const first = utilisationRequirement(snapshot({ usable, usedPercent: { cpus, mem: cpus } }), config).agents as number;
    const after = (cpus * usable) / first;
    expect(after).toBeLessThanOrEqual(80 + 1e-9);
    expect(utilisationRequirement(snapshot({ usable: first, usedPercent: { cpus: after, mem: after } }), config).agents).toBe(first);
  });

  test('agents of mixed shapes: new agents are of the median shape', () => {
    // Agents of 8, 8, 16, 16 and 32 cpus (80 cpus); the median agent has 16.
    const capacity = resources({ cpus: 80, mem: 160000 });
    const shape = resources({ cpus: 16, mem: 32000 });
    const above = snapshot({ usable: 5, capacity, shape, used: resources({ cpus: 78, mem: 80000 }) });
    // 78 / 0.8 = 97.5 cpus: 17.5 missing, 2 agents of 16.
    expect(utilisationRequirement(above, poolConfig()).agents).toBe(7);
    const below = snapshot({ usable: 5, capacity, shape, used: resources({ cpus: 8, mem: 16000 }) });
    // 8 / 0.8 = 10 cpus needed: 70 spare, 4 agents of 16 can go.
    expect(utilisationRequirement(below, poolConfig()).agents).toBe(1);
  });

  test.each([
    { name: 'pending resources push it above upper', usedCpus: 56, pendingCpus: 20, agents: 12 },
    { name: 'without them it holds', usedCpus: 56, pendingCpus: 0, agents: 10 },
    { name: 'pending resources keep it within the band', usedCpus: 16, pendingCpus: 10, agents: 10 },
    { name: 'without them it shrinks', usedCpus: 16, pendingCpus: 0, agents: 3 },
  ])('waiting launches add to demand: $name', ({ usedCpus, pendingCpus, agents }) => {
    const s = snapshot({
      usable: 10,
      used: resources({ cpus: usedCpus, mem: 0 }),
      pending: pending({ tasks: 1, fitOnFree: 1, resources: resources({ cpus: pendingCpus }) }),
    });
    const requirement = utilisationRequirement(s, poolConfig());
    expect(requirement.agents).toBe(agents);
    expect(requirement.signals.find((x) => x.name === 'utilisation.cpus')?.value).toBeCloseTo(((usedCpus + pendingCpus) / 80) * 100, 5);
  });

  test('a resource the usual agent lacks cannot size the pool: reported, the others decide', () => {
    // One of five agents has 2 gpus, all in use; the median agent has none.
    const s = snapshot({
      usable: 5,
      capacity: resources({ cpus: 40, mem: 160000, gpus: 2 }),
      shape: resources({ cpus: 8, mem: 32000 }),
      used: resources({ cpus: 20, mem: 80000, gpus: 2 }),
    });
    const requirement = utilisationRequirement(s, poolConfig());
    expect(requirement.agents).toBe(5);
    expect(requirement.reasons).toContain('gpus 100%, but the usual agent of this pool has no gpus: cannot size the pool for it');
    expect(requirement.signals.find((x) => x.name === 'utilisation.gpus')?.wantsAgents).toBeUndefined();
  });

  test('no usable agent: no resource can be sized, no opinion', () => {
    const s = snapshot({ usable: 0, pending: pending({ tasks: 2, unplaceable: 2, resources: resources({ cpus: 2 }) }) });
    expect(utilisationRequirement(s, poolConfig())).toMatchObject({ agents: null, because: 'no resource to measure' });
  });

  test('a resource with no capacity and nothing wanted is ignored', () => {
    const requirement = utilisationRequirement(snapshot({ usable: 10 }), poolConfig({ thresholds: { ...bands(30, 80), gpus: { lowerPercent: 90, upperPercent: 95 } } }));
    expect(requirement.agents).toBe(10);
    expect(requirement.signals.find((x) => x.name === 'utilisation.gpus')).toMatchObject({ value: null, detail: 'ignored: no capacity and nothing used' });
  });
});

describe('pending signal', () => {
  test.each([
    { name: 'nothing waiting: no opinion', p: pending(), agents: null },
    { name: 'launches in back-off are not counted', p: pending({ backedOff: 7 }), agents: null },
    { name: 'tasks that fit on free space hold the pool', p: pending({ tasks: 3, fitOnFree: 3 }), agents: 5 },
    { name: 'the rest need new agents', p: pending({ tasks: 10, fitOnFree: 2, newAgents: 3 }), agents: 8 },
    { name: 'unplaceable tasks alone have no opinion', p: pending({ tasks: 4, unplaceable: 4 }), agents: null },
    { name: 'placeable tasks next to unplaceable ones count', p: pending({ tasks: 5, unplaceable: 2, newAgents: 1 }), agents: 6 },
  ])('$name', ({ p, agents }) => {
    expect(pendingRequirement(snapshot({ usable: 5, pending: p })).agents).toBe(agents);
  });

  test.each([
    {
      apps: [{ appId: '/etl/loader', tasks: 3, shortOf: ['cpus' as const, 'mem' as const] }, { appId: '/web', tasks: 2, shortOf: [] }],
      because: '3 tasks of /etl/loader waiting for cpus and mem (5 waiting in all)',
    },
    { apps: [{ appId: '/web', tasks: 5, shortOf: [] }], because: '5 tasks of /web waiting for an offer' },
    { apps: [], because: '5 tasks waiting' },
  ])('because names the top app and what it is short of: $because', ({ apps, because }) => {
    const requirement = pendingRequirement(snapshot({ usable: 5, pending: pending({ tasks: 5, fitOnFree: 1, newAgents: 2, apps }) }));
    expect(requirement.because).toBe(because);
    expect(requirement.reasons[0]).toBe(`${because}: 1 fit on the free space of usable agents, 2 new agents needed for the rest`);
  });

  test('signals report fit, unplaceable and back-off', () => {
    const requirement = pendingRequirement(snapshot({ usable: 5, pending: pending({ tasks: 6, fitOnFree: 1, newAgents: 2, unplaceable: 3, backedOff: 4 }) }));
    expect(requirement.signals).toEqual([
      { name: 'pending.tasks', value: 6, detail: '1 fit on free space, 3 fit no agent, 4 in launch back-off (not counted)' },
      { name: 'pending.new-agents', value: 2, wantsAgents: 7 },
    ]);
    expect(requirement.reasons).toContain('3 waiting tasks fit no agent of this pool even empty: no scale-out helps them');
  });

  const loader = [{ appId: '/etl/loader', tasks: 6, shortOf: ['cpus' as const] }];
  test.each<Case>([
    {
      name: 'waiting tasks scale out by the new agents they need',
      snapshot: snapshot({ usable: 5, pending: pending({ tasks: 6, newAgents: 3, resources: resources({ cpus: 6, mem: 6000 }), apps: loader }) }),
      action: 'scale-out',
      target: 8,
      reasons: ['6 tasks of /etl/loader waiting for cpus: 0 fit on the free space of usable agents, 3 new agents needed for the rest'],
    },
    {
      name: 'tasks waiting for offers that fit on free space hold the pool against a scale-in',
      snapshot: quiet({ pending: pending({ tasks: 2, fitOnFree: 2, resources: resources({ cpus: 1 }) }) }),
      action: 'none',
      target: 5,
    },
    {
      name: 'unplaceable tasks do not hold the pool',
      snapshot: quiet({ pending: pending({ tasks: 2, unplaceable: 2, resources: resources({ cpus: 0.2, gpus: 2 }) }) }),
      action: 'scale-in',
      target: 3,
      reasons: ['2 waiting tasks fit no agent of this pool even empty: no scale-out helps them'],
    },
    {
      name: 'launches in back-off do not hold the pool',
      snapshot: quiet({ pending: pending({ backedOff: 9 }) }),
      action: 'scale-in',
      target: 3,
    },
  ])('in the decision: $name', check);
});

describe('headroom signal', () => {
  // 5 agents of 8 cpus / 32000 mem; a /web task (2 cpus, 4000 mem): 4 fit on a new agent.
  test.each([
    { name: 'short: new agents for the missing room', app: web({ running: 20, fitsNow: 1 }), agents: 6 },
    { name: 'short of more than one agent', app: web({ running: 100, fitsNow: 0 }), agents: 10 },
    { name: 'at least one task of room while the app runs', app: web({ running: 2, fitsNow: 0 }), agents: 6 },
    { name: 'exactly enough holds', app: web({ running: 20, fitsNow: 4 }), agents: 5 },
    { name: 'a surplus smaller than a new agent holds', app: web({ running: 20, fitsNow: 7 }), agents: 5 },
    { name: 'a surplus of whole agents lets them go', app: web({ running: 20, fitsNow: 12 }), agents: 3 },
    { name: 'no app: no opinion', app: null, agents: null },
    { name: 'no task running: no opinion', app: web({ running: 0, fitsNow: 0 }), agents: null },
    { name: 'a task no empty agent fits: no opinion', app: web({ task: resources({ cpus: 16, mem: 4000 }), fitsNow: 0 }), agents: null },
  ])('$name', ({ app, agents }) => {
    expect(headroomRequirement(snapshot({ usable: 5, headroomApp: app }), poolConfig()).agents).toBe(agents);
  });

  test('headroom 0% has no opinion', () => {
    expect(headroomRequirement(snapshot({ headroomApp: web({ fitsNow: 0 }) }), poolConfig({ headroomPercent: 0 })).agents).toBeNull();
  });

  test('no usable agent to size a new one from: no opinion, said why', () => {
    const requirement = headroomRequirement(snapshot({ usable: 0, headroomApp: web({ fitsNow: 0 }) }), poolConfig());
    expect(requirement.agents).toBeNull();
    expect(requirement.reasons[0]).toMatch(/no usable agent to size a new one from: not sizing the pool for it$/);
  });

  test('a surplus larger than the pool holds never asks for fewer than no agents', () => {
    // Two big agents above the usual shape hold far more than 2 usual agents would.
    const requirement = headroomRequirement(snapshot({ usable: 2, headroomApp: web({ running: 10, fitsNow: 40 }) }), poolConfig());
    expect(requirement.agents).toBe(0);
  });

  test.each<Case>([
    {
      name: 'shortfall asks for agents by how many tasks fit a new one',
      snapshot: snapshot({ headroomApp: web({ running: 20, fitsNow: 1 }) }),
      action: 'scale-out',
      target: 6,
      reasons: ['headroom for /web: room for 4 more tasks wanted (20% of 20 running), 1 fits: 1 more agent needed (4 fit on a new agent)'],
    },
    {
      name: 'big shortfall',
      snapshot: snapshot({ headroomApp: web({ running: 100, fitsNow: 0 }) }),
      action: 'scale-out',
      target: 10,
      reasons: ['5 more agents needed'],
    },
    {
      name: 'at least one task of room while the app runs',
      snapshot: snapshot({ headroomApp: web({ running: 2, fitsNow: 0 }) }),
      action: 'scale-out',
      target: 6,
      reasons: ['room for 1 more task wanted (20% of 2 running), 0 fit'],
    },
    {
      name: 'satisfied headroom asks for nothing',
      snapshot: snapshot({ headroomApp: web({ running: 20, fitsNow: 4 }) }),
      action: 'none',
      target: 5,
    },
    {
      name: 'headroom 0% asks for nothing',
      snapshot: snapshot({ headroomApp: web({ running: 20, fitsNow: 0 }) }),
      config: { headroomPercent: 0 },
      action: 'none',
      target: 5,
    },
    {
      name: 'a task that fits no empty agent is reported, not scaled for',
      snapshot: snapshot({ headroomApp: web({ task: resources({ cpus: 16, mem: 4000 }), fitsNow: 0 }) }),
      action: 'none',
      target: 5,
      reasons: ['headroom for /web: one task (cpus 16, mem 4000 MB) does not fit an empty agent of this pool (cpus 8, mem 32000 MB, disk 100000 MB): not sizing the pool for it'],
    },
    {
      name: 'no scale-in that would take the room the headroom needs',
      snapshot: quiet({ headroomApp: web({ running: 10, fitsNow: 5 }) }),
      action: 'none',
      target: 5,
    },
    {
      name: 'scale-in keeps just enough room',
      // 2 wanted, 12 fit: 10 spare, 2 agents' worth (4 each) may go.
      snapshot: quiet({ headroomApp: web({ running: 10, fitsNow: 12 }), idleAgents: idleAgents(3) }),
      action: 'scale-in',
      target: 3,
    },
    {
      name: 'an app no agent can host does not hold the pool',
      snapshot: quiet({ headroomApp: web({ task: resources({ cpus: 16 }), fitsNow: 0 }) }),
      action: 'scale-in',
      target: 3,
    },
  ])('in the decision: $name', check);
});

describe('combine: the largest requirement, launching and draining agents first', () => {
  test.each([
    { name: 'no opinion: the usable agents, no change', requirements: [requirement(null, 'a'), requirement(null, 'b')], spec: {}, required: 5, target: 5, reactivate: 0, decidedBy: null },
    { name: 'the largest requirement wins', requirements: [requirement(7, 'utilisation'), requirement(9, 'pending'), requirement(null, 'headroom')], spec: {}, required: 9, target: 9, reactivate: 0, decidedBy: 'pending' },
    { name: 'the first of equal requirements decides', requirements: [requirement(7, 'pending'), requirement(7, 'utilisation')], spec: {}, required: 7, target: 7, reactivate: 0, decidedBy: 'pending' },
    {
      name: 'capacity launching counts first',
      requirements: [requirement(7, 'utilisation')],
      spec: { asg: { desiredCapacity: 8 } },
      required: 7,
      target: 8,
      reactivate: 0,
      decidedBy: 'utilisation',
    },
    {
      name: 'then draining agents come back, then the rest is launched',
      // 5 usable, 2 draining, 1 launching (desired 8): 5 missing = 1 launching + 2 back + 2 new.
      requirements: [requirement(10, 'utilisation')],
      spec: { drains: [drain('d1'), drain('d2')], asg: { desiredCapacity: 8 } },
      required: 10,
      target: 10,
      reactivate: 2,
      decidedBy: 'utilisation',
    },
    {
      name: 'capacity launching counts before draining agents come back',
      // 5 usable, 2 draining, 1 launching (desired 8): 2 missing = 1 launching + 1 back.
      requirements: [requirement(7, 'utilisation')],
      spec: { drains: [drain('d1'), drain('d2')], asg: { desiredCapacity: 8 } },
      required: 7,
      target: 8,
      reactivate: 1,
      decidedBy: 'utilisation',
    },
    {
      name: 'draining agents cover the need before anything is launched',
      requirements: [requirement(6, 'utilisation')],
      spec: { drains: [drain('d1'), drain('d2')] },
      required: 6,
      target: 7,
      reactivate: 1,
      decidedBy: 'utilisation',
    },
    {
      name: 'only drains whose instance is in the group come back',
      requirements: [requirement(8, 'utilisation')],
      spec: { drains: [drain('d1'), drain('gone', { inGroup: false })] },
      required: 8,
      target: 8,
      reactivate: 1,
      decidedBy: 'utilisation',
    },
    { name: 'surplus within what is removable now', requirements: [requirement(2, 'utilisation')], spec: {}, required: 2, target: 2, reactivate: 0, decidedBy: 'utilisation' },
    {
      name: 'a scale-in takes over the drains in the group: target = desired - drains - removed',
      requirements: [requirement(3, 'utilisation')],
      spec: { drains: [drain('d1'), drain('d2')] },
      required: 3,
      target: 3,
      reactivate: 0,
      decidedBy: 'utilisation',
    },
    {
      name: 'a stuck instance is surplus too',
      requirements: [requirement(5, 'utilisation')],
      spec: { asg: { stuck: 2 } },
      required: 5,
      target: 5,
      reactivate: 0,
      decidedBy: 'utilisation',
    },
    {
      name: 'no surplus: drains in progress are left alone',
      requirements: [requirement(5, 'utilisation')],
      spec: { drains: [drain('d1')] },
      required: 5,
      target: 6,
      reactivate: 0,
      decidedBy: 'utilisation',
    },
  ])('$name', ({ requirements, spec, required, target, reactivate, decidedBy }) => {
    const combined = combineRequirements(requirements, snapshot({ usable: 5, ...spec }), 10);
    expect({ required: combined.required, target: combined.target, reactivate: combined.reactivate, decidedBy: combined.decidedBy?.source ?? null }).toEqual({
      required,
      target,
      reactivate,
      decidedBy,
    });
    expect(combined.signals).toContainEqual(expect.objectContaining({ name: 'required', value: required, wantsAgents: required }));
  });

  test.each([
    { removable: 0, target: 5 },
    { removable: 1, target: 4 },
    { removable: 3, target: 2 },
    { removable: 4, target: 2 },
  ])('at most the removable instances go: $removable removable, target $target', ({ removable, target }) => {
    const combined = combineRequirements([requirement(2, 'utilisation')], snapshot({ usable: 5 }), removable);
    expect(combined.target).toBe(target);
    expect(combined.signals).toContainEqual(expect.objectContaining({ name: 'scale-in.removable', value: removable, detail: `3 agents surplus, ${removable} removable now` }));
    const capped = combined.reasons.some((r) => r.startsWith('3 agents surplus but only'));
    expect(capped).toBe(removable < 3);
  });

  test('reasons say what launching and draining agents cover', () => {
    const combined = combineRequirements([requirement(10, 'utilisation')], snapshot({ usable: 5, drains: [drain('d1'), drain('d2')], asg: { desiredCapacity: 8 } }), 10);
    expect(combined.reasons).toEqual(['1 agent already launching counted towards the 5 missing', '2 draining agents put back into service instead of launching']);
  });
});

describe('removable now', () => {
  test.each([
    { name: 'idle agents matched to an instance', spec: { idleAgents: [idleAgent(1), idleAgent(2), idleAgent(3, { instanceId: null })] }, drain: {}, removable: 2 },
    { name: 'busy agents only when the pool drains them', spec: { idleAgents: idleAgents(1), busyAgents: busyAgents(2) }, drain: {}, removable: 1 },
    { name: 'busy agents count when allowed', spec: { idleAgents: idleAgents(1), busyAgents: busyAgents(2) }, drain: { busyAgents: true }, removable: 3 },
    { name: 'stuck instances count', spec: { idleAgents: idleAgents(1), asg: { stuck: 2 } }, drain: {}, removable: 3 },
    { name: 'capped by max-draining', spec: { idleAgents: idleAgents(4) }, drain: { maxDraining: 3 }, removable: 3 },
    {
      name: 'every drain in the group takes a slot, owned or left behind; one whose instance left the group does not',
      spec: { idleAgents: idleAgents(4), drains: [drain('o1', { owned: true }), drain('left'), drain('gone', { inGroup: false })] },
      drain: { maxDraining: 3 },
      removable: 1,
    },
    { name: 'no slot left: none', spec: { idleAgents: idleAgents(4), drains: [drain('o1', { owned: true })] }, drain: { maxDraining: 1 }, removable: 0 },
  ])('$name', ({ spec, drain: drainConfig, removable }) => {
    const config = poolConfig();
    expect(removableUnits(snapshot({ usable: 5, ...spec }), { ...config, drain: { ...config.drain, ...drainConfig } })).toBe(removable);
  });
});

describe('decide: utilisation thresholds', () => {
  test.each<Case>([
    {
      name: 'cpus above upper: agents to bring it back to the threshold',
      snapshot: busy(),
      action: 'scale-out',
      target: 13,
      boundBy: null,
      reasons: ['scale out from 10 to 13 agents', 'cpus 98% above 80%: 13 usable agents bring it to 80%'],
    },
    {
      name: 'mem above upper',
      snapshot: snapshot({ usable: 5, usedPercent: { mem: 96 } }),
      action: 'scale-out',
      target: 6,
      reasons: ['mem 96% above 80%: 6 usable agents bring it to 80%'],
    },
    {
      name: 'the resource needing most agents wins',
      snapshot: snapshot({ usable: 10, usedPercent: { cpus: 90, mem: 98 } }),
      action: 'scale-out',
      target: 13,
      reasons: ['mem 98% above 80%: 13 usable agents bring it to 80%'],
    },
    {
      name: 'exactly at the upper threshold is fine',
      snapshot: snapshot({ usable: 5, usedPercent: { cpus: 80 } }),
      action: 'none',
      target: 5,
    },
    {
      name: 'every resource under lower: the removable idle agents go',
      snapshot: quiet(),
      action: 'scale-in',
      target: 3,
      boundBy: null,
      reasons: [
        'scale in from 5 to 3 agents',
        'every resource under its lower threshold (cpus 10%, mem 10%, disk 0%): 1 usable agent would keep cpus at or under 80%',
        '4 agents surplus but only 2 removable now',
      ],
    },
    {
      name: 'no scale-in when one resource is not under its lower threshold',
      snapshot: quiet({ usedPercent: { cpus: 10, mem: 45 } }),
      action: 'none',
      target: 5,
      reasons: ['mem 45% within its band (30%–80%): 5 usable agents kept'],
    },
    {
      name: 'scale-in removes only as many agents as keep every resource at or under upper',
      // cpus 10 of 40: 12.5 cpus at 80% need 2 agents, although 4 are idle.
      snapshot: quiet({ usedPercent: { cpus: 25, mem: 10 }, idleAgents: idleAgents(4) }),
      action: 'scale-in',
      target: 2,
      reasons: ['2 usable agents would keep cpus at or under 80%'],
    },
    {
      name: 'no scale-in when removing one agent would exceed upper',
      snapshot: snapshot({ usable: 2, usedPercent: { cpus: 25, mem: 10 }, idleAgents: idleAgents(1) }),
      config: { thresholds: { ...bands(30, 80), cpus: { lowerPercent: 30, upperPercent: 40 } } },
      action: 'none',
      target: 2,
    },
    {
      name: 'idle agents not matched to an instance of the group are not removable',
      snapshot: quiet({ idleAgents: [idleAgent(1), idleAgent(2, { instanceId: null })] }),
      action: 'scale-in',
      target: 4,
    },
    {
      name: 'nothing removable: nothing removed',
      snapshot: quiet({ idleAgents: [] }),
      action: 'none',
      target: 5,
      reasons: ['4 agents surplus but only 0 removable now'],
    },
    {
      name: 'busy agents are removed when the pool drains them',
      snapshot: quiet({ idleAgents: [], busyAgents: busyAgents(3) }),
      config: { drain: { ...poolConfig().drain, busyAgents: true } },
      action: 'scale-in',
      target: 2,
    },
    {
      name: 'a resource the pool does not have (gpus) is ignored',
      snapshot: quiet(),
      config: { thresholds: { ...bands(30, 80), gpus: { lowerPercent: 90, upperPercent: 95 } } },
      action: 'scale-in',
      target: 3,
    },
  ])('$name', check);
});

describe('decide: capacity in flight, stuck instances and trust', () => {
  test.each<Case>([
    {
      name: 'launching instances count towards a scale-out',
      snapshot: snapshot({ usable: 5, usedPercent: { cpus: 98 }, asg: { desiredCapacity: 8, pending: 3 } }),
      action: 'none',
      target: 8,
      reasons: ['2 agents already launching counted towards the 2 missing'],
    },
    {
      name: 'only the agents not already requested are added',
      snapshot: busy({ asg: { desiredCapacity: 12, pending: 2 } }),
      action: 'scale-out',
      target: 13,
      reasons: ['2 agents already launching counted towards the 3 missing'],
    },
    {
      name: 'no scale-in while desired exceeds the usable, draining and stuck agents (launching)',
      snapshot: quiet({ asg: { desiredCapacity: 6 } }),
      action: 'none',
      target: 6,
      boundBy: 'in-flight',
      reasons: ['not removing capacity while 1 instance is launching'],
    },
    {
      name: 'pending instances that are not launching (a replacement) do not block a scale-in',
      snapshot: quiet({ asg: { pending: 1 } }),
      action: 'scale-in',
      target: 3,
    },
    {
      name: 'terminating instances do not block a scale-in',
      snapshot: quiet({ asg: { terminating: 1 } }),
      action: 'scale-in',
      target: 3,
    },
    {
      name: 'an activity in progress does not block a scale-in',
      snapshot: quiet({ asg: { activityInProgress: true } }),
      action: 'scale-in',
      target: 3,
    },
    {
      name: 'draining agents are not launching',
      snapshot: quiet({ drains: [drain('d1')] }),
      action: 'scale-in',
      target: 3,
    },
    {
      name: 'stuck instances are removed',
      // 5 usable agents, all needed, and 2 instances in service for long without an agent.
      snapshot: snapshot({ usable: 5, usedPercent: { cpus: 60, mem: 60 }, asg: { stuck: 2 } }),
      action: 'scale-in',
      target: 5,
    },
    {
      name: 'distrust prevents a scale-in',
      snapshot: quiet({ distrust: ['2 agents have not re-registered since the master failover'] }),
      action: 'none',
      target: 5,
      boundBy: 'distrust',
      reasons: ['not removing capacity on data that cannot be trusted: 2 agents have not re-registered since the master failover'],
    },
    {
      name: 'distrust allows a scale-out',
      snapshot: busy({ distrust: ['recent failover'] }),
      action: 'scale-out',
      target: 13,
    },
  ])('$name', check);
});

describe('decide: constraints', () => {
  test.each<Case>([
    {
      name: 'desired below min: scale out to min without any signal, even in cooldown',
      snapshot: snapshot({ usable: 0, asg: { lastScaleOutAt: secondsAgo(10) } }),
      config: { minAgents: 2 },
      action: 'scale-out',
      target: 2,
      boundBy: 'min',
      reasons: ['desired capacity 0 is below the minimum of 2: raising it'],
    },
    {
      name: 'scale-in stops at min',
      snapshot: quiet(),
      config: { minAgents: 4 },
      action: 'scale-in',
      target: 4,
      boundBy: 'min',
      reasons: ['scale-in stops at the minimum of 4 agents'],
    },
    {
      name: 'desired above max: scale in to max',
      snapshot: snapshot({ usable: 25 }),
      config: { maxAgents: 20 },
      action: 'scale-in',
      target: 20,
      boundBy: 'max',
      reasons: ['desired capacity 25 is above the maximum of 20: lowering it'],
    },
    {
      name: 'desired above max is lowered even while launching and on untrusted data',
      snapshot: snapshot({ usable: 20, asg: { desiredCapacity: 25 }, distrust: ['failover'] }),
      config: { maxAgents: 20 },
      action: 'scale-in',
      target: 20,
      boundBy: 'max',
    },
    {
      name: 'scale-out stops at max',
      snapshot: busy(),
      config: { maxAgents: 12 },
      action: 'scale-out',
      target: 12,
      boundBy: 'max',
      reasons: ['scale-out stops at the maximum of 12 agents'],
    },
    {
      name: 'max step up',
      snapshot: busy(),
      config: { maxStepUp: 2 },
      action: 'scale-out',
      target: 12,
      boundBy: 'max-step-up',
      reasons: ['at most 2 agents added per run (max step up; a target of 13 wanted)'],
    },
    {
      name: 'max step down',
      snapshot: quiet(),
      config: { maxStepDown: 1 },
      action: 'scale-in',
      target: 4,
      boundBy: 'max-step-down',
      reasons: ['at most 1 agent more removed per run (max step down; a target of 3 wanted)'],
    },
    {
      name: 'max step down does not count drains in progress',
      // 10 usable + 2 drains (desired 12); 2 agents needed, 5 idle: the scale-in takes the 2 drains
      // over and adds 5 (target 5); a step of 3 allows 3 new removals on top of the drains.
      snapshot: snapshot({ usable: 10, usedPercent: { cpus: 10, mem: 10 }, idleAgents: idleAgents(5), drains: [drain('d1'), drain('d2')] }),
      config: { maxStepDown: 3, drain: { ...poolConfig().drain, maxDraining: 7 } },
      action: 'scale-in',
      target: 7,
      boundBy: 'max-step-down',
      reasons: ['at most 3 agents more removed per run (max step down; a target of 5 wanted)'],
    },
    {
      name: 'a step as large as the new removals lets them all go, drains on top',
      snapshot: snapshot({ usable: 10, usedPercent: { cpus: 10, mem: 10 }, idleAgents: idleAgents(5), drains: [drain('d1'), drain('d2')] }),
      config: { maxStepDown: 5, drain: { ...poolConfig().drain, maxDraining: 7 } },
      action: 'scale-in',
      target: 5,
      boundBy: null,
      reactivate: [],
    },
    {
      name: 'scale-out cooldown',
      snapshot: busy({ asg: { lastScaleOutAt: secondsAgo(100) } }),
      action: 'none',
      target: 10,
      boundBy: 'cooldown-up',
      reasons: ['cooldown for scale-out until 2024-05-01T14:03:20Z (last scale-out at 2024-05-01T13:58:20Z)'],
    },
    {
      name: 'scale-out allowed the moment the cooldown ends',
      snapshot: busy({ asg: { lastScaleOutAt: secondsAgo(300) } }),
      action: 'scale-out',
      target: 13,
    },
    {
      name: 'scale-in allowed once the cooldown after the last scale-out ends',
      snapshot: quiet({ asg: { lastScaleOutAt: secondsAgo(3000) } }),
      action: 'scale-in',
      target: 3,
    },
    {
      name: 'scale-in cooldown after a scale-out',
      snapshot: quiet({ asg: { lastScaleOutAt: secondsAgo(599) } }),
      action: 'none',
      target: 5,
      boundBy: 'cooldown-down',
      reasons: ['cooldown for scale-in until 2024-05-01T14:00:01Z (last scale-out at 2024-05-01T13:50:01Z)'],
    },
    {
      name: 'scale-in allowed the moment the cooldown ends',
      snapshot: quiet({ asg: { lastScaleOutAt: secondsAgo(600) } }),
      action: 'scale-in',
      target: 3,
    },
    {
      name: 'paused leaves the pool as it is',
      snapshot: busy(),
      config: { paused: true },
      action: 'none',
      target: 10,
      boundBy: 'paused',
      reasons: ['pool is paused: desired capacity stays at 10 (unpaused, the target would be 13)'],
    },
    {
      name: 'paused wins over min',
      snapshot: snapshot({ usable: 0 }),
      config: { paused: true, minAgents: 2 },
      action: 'none',
      target: 0,
      boundBy: 'paused',
    },
  ])('$name', check);
});

describe('decide: scale-in stabilisation over the recorded requirements', () => {
  const config = { scaleInStabilisationSeconds: 300 };

  test('unknown memory: nothing is removed until the record covers the window', () => {
    const { plan, memory } = run({ snapshot: quiet(), config, memory: null });
    expect(plan.action).toBe('none');
    expect(plan.boundBy).toBe('stabilisation');
    expect(plan.reasons).toContain('requirements recorded since 2024-05-01T14:00:00Z: a scale-in needs 300 s of them, until 2024-05-01T14:05:00Z');
    expect(measured(memory)).toEqual({ since: NOW, recent: [{ at: NOW, agents: 1 }] });
  });

  // quiet(): 5 usable, this run requires 1, 2 idle agents removable (target 3 without a window).
  test.each<{ name: string; memory: PoolMemory; action: PlanAction; target: number; reason?: string }>([
    { name: 'recorded for less than the window: held', memory: memoryOf(299, [[60, 1]]), action: 'none', target: 5 },
    { name: 'recorded for the whole window: removed', memory: memoryOf(300, [[60, 1]]), action: 'scale-in', target: 3 },
    {
      name: 'the peak of the window limits the removals',
      memory: memoryOf(3600, [[250, 4], [60, 1]]),
      action: 'scale-in',
      target: 4,
      reason: 'the requirement was 4 usable agents at 2024-05-01T13:55:50Z, within the 300 s stabilisation window: 1 agent removed',
    },
    {
      name: 'a peak at the usable agents removes nothing',
      memory: memoryOf(3600, [[250, 5], [60, 1]]),
      action: 'none',
      target: 5,
      reason: 'the requirement was 5 usable agents at 2024-05-01T13:55:50Z, within the 300 s stabilisation window: nothing removed',
    },
    { name: 'a peak above the usable agents removes nothing', memory: memoryOf(3600, [[60, 9]]), action: 'none', target: 5 },
    { name: 'a peak just inside the window still counts', memory: memoryOf(3600, [[300, 5], [60, 1]]), action: 'none', target: 5 },
    { name: 'a peak older than the window no longer counts', memory: memoryOf(3600, [[301, 5], [60, 1]]), action: 'scale-in', target: 3 },
    { name: 'a gap longer than the window restarts it', memory: memoryOf(3600, [[301, 1]]), action: 'none', target: 5 },
    { name: 'a broken record (since null) restarts it', memory: memoryOf(null, [[60, 1]]), action: 'none', target: 5 },
    { name: 'a record from the future does not cover the window', memory: memoryOf(-60, [[-30, 1]]), action: 'none', target: 5 },
  ])('$name', ({ memory, action, target, reason }) => {
    const { plan } = run({ snapshot: quiet(), config, memory });
    expect({ action: plan.action, target: plan.targetDesired }).toEqual({ action, target });
    if (action === 'none') expect(plan.boundBy).toBe('stabilisation');
    if (reason !== undefined) expect(plan.reasons).toContain(reason);
  });

  test('stuck instances may go even when the peak was the usable agents', () => {
    const { plan } = run({ snapshot: snapshot({ usable: 5, usedPercent: { cpus: 60, mem: 60 }, asg: { stuck: 1 } }), config, memory: memoryOf(3600, [[100, 5]]) });
    expect({ action: plan.action, target: plan.targetDesired }).toEqual({ action: 'scale-in', target: 5 });
  });

  test('the peak limits the new removals, drains in progress come on top', () => {
    // 10 usable + 2 drains; this run needs 2 agents, the peak of the window was 9: 1 new removal.
    const s = snapshot({ usable: 10, usedPercent: { cpus: 10, mem: 10 }, idleAgents: idleAgents(5), drains: [drain('d1'), drain('d2')] });
    const { plan } = run({ snapshot: s, config, memory: memoryOf(3600, [[200, 9]]) });
    expect({ action: plan.action, target: plan.targetDesired, boundBy: plan.boundBy }).toEqual({ action: 'scale-in', target: 9, boundBy: 'stabilisation' });
  });

  test('untrusted data breaks the record: the next trusted run starts the window again', () => {
    const distrusted = run({ snapshot: quiet({ distrust: ['failover'] }), config, memory: memoryOf(3600, [[60, 1]]) });
    expect(distrusted.memory).toEqual({ since: null, recent: [] });
    const next = decide({ snapshot: quiet(), config: poolConfig(config), memory: distrusted.memory, now: NOW + 60_000, executionId: 'exec-next' });
    expect(next.plan.action).toBe('none');
    expect(next.plan.boundBy).toBe('stabilisation');
    expect(measured(next.memory)).toEqual({ since: NOW + 60_000, recent: [{ at: NOW + 60_000, agents: 1 }] });
  });

  test('runs every minute: the scale-in comes once the window is covered, no sooner', () => {
    let memory: PoolMemory | null = null;
    const actions: PlanAction[] = [];
    for (let minute = 0; minute <= 6; minute += 1) {
      const decision: ReturnType<typeof decide> = decide({ snapshot: quiet(), config: poolConfig(config), memory, now: NOW + minute * 60_000, executionId: `exec-${minute}` });
      actions.push(decision.plan.action);
      memory = decision.memory;
    }
    expect(actions).toEqual(['none', 'none', 'none', 'none', 'none', 'scale-in', 'scale-in']);
  });
});

describe('decide: memory of the requirements', () => {
  const window = 300;
  test.each<{ name: string; memory: PoolMemory | null; spec?: SnapshotSpec; windowSeconds?: number; expected: PoolMemory }>([
    { name: 'none: starts now with this run', memory: null, expected: memoryOf(0, [[0, 1]]) },
    { name: 'records older than the window are dropped, the start is kept', memory: memoryOf(1000, [[400, 3], [200, 4], [50, 2]]), expected: memoryOf(1000, [[200, 4], [50, 2], [0, 1]]) },
    { name: 'a record exactly a window old is kept', memory: memoryOf(1000, [[300, 3]]), expected: memoryOf(1000, [[300, 3], [0, 1]]) },
    { name: 'a gap longer than the window restarts it', memory: memoryOf(1000, [[500, 3], [301, 4]]), expected: memoryOf(0, [[0, 1]]) },
    { name: 'records in the future are dropped', memory: memoryOf(1000, [[100, 3], [-10, 4]]), expected: memoryOf(1000, [[100, 3], [0, 1]]) },
    { name: 'a start in the future is taken as now', memory: memoryOf(-60, [[100, 3]]), expected: memoryOf(0, [[100, 3], [0, 1]]) },
    { name: 'a broken record restarts at now and keeps the recent records', memory: memoryOf(null, [[100, 3]]), expected: memoryOf(0, [[100, 3], [0, 1]]) },
    { name: 'untrusted data breaks it', memory: memoryOf(1000, [[100, 3]]), spec: { distrust: ['failover'] }, expected: { since: null, recent: [] } },
    { name: 'no window: only this run, and the record starts again each run', memory: memoryOf(1000, [[100, 3]]), windowSeconds: 0, expected: memoryOf(0, [[0, 1]]) },
    { name: 'records what a scale-out requires', memory: memoryOf(1000, [[100, 3]]), spec: { usable: 10, usedPercent: { cpus: 98 } }, expected: memoryOf(1000, [[100, 3], [0, 13]]) },
  ])('$name', ({ memory, spec, windowSeconds, expected }) => {
    const result = run({ snapshot: quiet(spec), config: { scaleInStabilisationSeconds: windowSeconds ?? window }, memory });
    expect(measured(result.memory)).toEqual(expected);
  });

  test('paused still records', () => {
    const { plan, memory } = run({ snapshot: quiet(), config: { scaleInStabilisationSeconds: window, paused: true }, memory: null });
    expect(plan.action).toBe('none');
    expect(measured(memory)).toEqual({ since: NOW, recent: [{ at: NOW, agents: 1 }] });
  });

  test('the recorded time is a signal', () => {
    const { plan } = run({ snapshot: quiet(), config: { scaleInStabilisationSeconds: window }, memory: memoryOf(125, [[60, 1]]) });
    expect(plan.signals).toContainEqual({ name: 'requirements.recorded-for-seconds', value: 125, detail: 'stabilisation window 300 s' });
  });
});

describe('decide: plan', () => {
  test('dry run computes the same plan and marks it', () => {
    const scenarios: Array<{ snapshot: PoolSnapshot; memory: PoolMemory | null }> = [
      { snapshot: busy(), memory: null },
      { snapshot: quiet(), memory: null },
      { snapshot: quiet(), memory: memoryOf(3600, [[200, 4]]) },
      { snapshot: snapshot(), memory: null },
      { snapshot: quiet({ drains: [drain('late', { deadline: NOW - 1 })], asg: { desiredCapacity: 7 } }), memory: null },
    ];
    for (const { snapshot: s, memory } of scenarios) {
      const config = { scaleInStabilisationSeconds: 300 };
      const live = run({ snapshot: s, config, memory });
      const dry = run({ snapshot: s, config: { ...config, dryRun: true }, memory });
      expect(dry.plan.dryRun).toBe(true);
      expect(live.plan.dryRun).toBe(false);
      expect({ ...dry.plan, dryRun: false, reasons: dry.plan.reasons.filter((r) => !r.startsWith('dry run:')) }).toEqual(live.plan);
      expect(dry.memory).toEqual(live.memory);
      expect(dry.plan.reasons).toContain('dry run: the plan is only shown, the group is not changed');
    }
  });

  test('carries the pool, the group, the time and every signal', () => {
    const { plan } = run({
      snapshot: busy({ headroomApp: web({ fitsNow: 1 }), asg: { lastScaleOutAt: secondsAgo(30) } }),
      config: { cooldownUpSeconds: 0 },
    });
    expect(plan).toMatchObject({ pool: 'batch', asgNames: ['asg-batch'], fromDesired: 10, targetDesired: 13, computedAt: NOW, dryRun: false, executionId: 'exec-test' });
    const byName = new Map(plan.signals.map((s) => [s.name, s]));
    expect(byName.get('utilisation.cpus')).toMatchObject({ value: 98, wantsAgents: 13 });
    expect(byName.get('utilisation.mem')).toMatchObject({ value: 50, wantsAgents: 10 });
    expect(byName.get('utilisation.disk')).toMatchObject({ value: 0, wantsAgents: 0 });
    expect(byName.get('utilisation.gpus')).toEqual({ name: 'utilisation.gpus', value: null, detail: 'ignored: no capacity and nothing used' });
    expect(byName.get('headroom.wanted')).toMatchObject({ value: 4 });
    expect(byName.get('headroom.fits')).toMatchObject({ value: 1, wantsAgents: 11 });
    expect(byName.get('pending.tasks')).toMatchObject({ value: 0 });
    expect(byName.get('required')).toEqual({ name: 'required', value: 13, wantsAgents: 13, detail: 'set by utilisation' });
    expect(byName.get('cooldown.scale-in.remaining-seconds')).toMatchObject({ value: 570 });
    expect(byName.get('cooldown.scale-out.remaining-seconds')).toMatchObject({ value: 0 });
    expect(byName.get('in-flight')).toMatchObject({ value: 0 });
    expect(byName.get('data-trusted')).toMatchObject({ value: true });
    expect(plan.reasons[0]).toBe('scale out from 10 to 13 agents');
  });

  test('with no scale-out in the history, no cooldown is running', () => {
    const { plan } = run({ snapshot: quiet() });
    const byName = new Map(plan.signals.map((s) => [s.name, s]));
    expect(byName.get('cooldown.scale-in.remaining-seconds')).toMatchObject({ value: 0 });
    expect(byName.get('cooldown.scale-out.remaining-seconds')).toMatchObject({ value: 0 });
  });

  test('because says what set the size and what bound it', () => {
    expect(run({ snapshot: busy() }).plan.because).toBe('cpus 98% above 80%');
    expect(run({ snapshot: busy({ asg: { lastScaleOutAt: secondsAgo(100) } }) }).plan.because).toBe(
      'cpus 98% above 80%; cooldown for scale-out until 2024-05-01T14:03:20Z (last scale-out at 2024-05-01T13:58:20Z)',
    );
  });

  test('a snapshot of another pool or group is refused', () => {
    for (const other of [{ ...snapshot(), pool: 'web' }, { ...snapshot(), asg: { ...snapshot().asg, name: 'asg-web' } }]) {
      expect(thrown(AutoscalerError, () => run({ snapshot: other })).name).toBe(ErrorNames.InvalidInput);
    }
  });
});

describe('decide: drains in progress', () => {
  // 10 usable agents at 60 % cpus plus one draining agent (desired 11): neither scale-out nor scale-in.
  const steady = (drains: PoolSnapshot['drains']) => snapshot({ usable: 10, usedPercent: { cpus: 60, mem: 60 }, drains });

  test.each<Case>([
    { name: 'a drain left behind is left alone until its deadline', snapshot: steady([drain('a')]), action: 'none', target: 11, reactivate: [] },
    {
      name: 'then it is put back into service',
      snapshot: steady([drain('a', { deadline: NOW - 1 })]),
      action: 'none',
      target: 11,
      reactivate: ['a'],
      reasons: ['put back into service at their deadline'],
    },
    { name: 'a drain owned by a running execution is never touched', snapshot: steady([drain('a', { owned: true, deadline: NOW - 1 })]), action: 'none', target: 11, reactivate: [] },
    {
      name: 'a left-behind drain whose instance left the group is cleaned up at once',
      snapshot: snapshot({ usable: 10, usedPercent: { cpus: 60, mem: 60 }, drains: [drain('gone', { inGroup: false })] }),
      action: 'none',
      target: 10,
      reactivate: ['gone'],
    },
    {
      name: 'an owned drain whose instance left the group is left to its execution',
      snapshot: snapshot({ usable: 10, usedPercent: { cpus: 60, mem: 60 }, drains: [drain('gone', { inGroup: false, owned: true })] }),
      action: 'none',
      target: 10,
      reactivate: [],
    },
    {
      name: 'draining agents come back before anything is launched, left-behind ones first',
      // cpus 95% on 10 agents: 12 needed; 2 draining agents cover it.
      snapshot: snapshot({ usable: 10, usedPercent: { cpus: 95, mem: 60 }, drains: [drain('owned', { owned: true }), drain('orphan')] }),
      config: { cooldownUpSeconds: 0 },
      action: 'none',
      target: 12,
      reactivate: ['orphan', 'owned'],
      reasons: ['2 draining agents put back into service instead of launching'],
    },
    {
      name: 'the most recently started drains come back first, the rest is launched',
      // cpus 98% on 10 agents: 13 needed; both drains come back and 1 agent is launched.
      snapshot: snapshot({ usable: 10, usedPercent: { cpus: 98, mem: 60 }, drains: [drain('old', { startedAt: NOW - 900_000 }), drain('new', { startedAt: NOW - 60_000 })] }),
      action: 'scale-out',
      target: 13,
      reactivate: ['new', 'old'],
    },
    {
      name: 'only one is needed: the most recent comes back',
      snapshot: snapshot({ usable: 10, usedPercent: { cpus: 81, mem: 60 }, drains: [drain('old', { startedAt: NOW - 900_000 }), drain('new', { startedAt: NOW - 60_000 })] }),
      action: 'none',
      target: 12,
      reactivate: ['new'],
    },
    {
      name: 'a scale-in adopts left-behind drains past their deadline instead of putting them back',
      // 10 usable at 10 %: 2 needed, 3 idle removable; the 2 drains are taken over (target 12 - 2 - 3).
      snapshot: snapshot({ usable: 10, usedPercent: { cpus: 10, mem: 10 }, idleAgents: idleAgents(3), drains: [drain('a', { deadline: NOW - 1 }), drain('b', { deadline: NOW - 1 })] }),
      action: 'scale-in',
      target: 7,
      reactivate: [],
    },
    {
      name: 'a paused pool keeps its drains as they are',
      snapshot: steady([drain('a', { deadline: NOW - 1 })]),
      config: { paused: true },
      action: 'none',
      target: 11,
      reactivate: [],
    },
  ])('$name', check);
});
