import fc from 'fast-check';
import type { DrainRecord } from '../../../shared/aws/ports.js';
import type { PoolConfig } from '../../../shared/config/types.js';
import { decide } from '../../../shared/decide/decide.js';
import { summarisePool } from '../../../shared/decide/summarise.js';
import { chooseVictims } from '../../../shared/decide/victims.js';
import type { AsgState, InstanceAddress } from '../../../shared/model/asg.js';
import type { ClusterState, MesosAgent, MesosTask } from '../../../shared/model/cluster.js';
import { resources } from '../../../shared/model/resources.js';
import type { DrainSummary, PoolSnapshot } from '../../../shared/model/snapshot.js';
import { agent, asg, cluster, idOf, instance, ipOf, task } from '../../support/fakes.js';
import { bands, poolConfig } from './builders.js';

const NOW = 1_700_010_000_000;
const NOW_S = NOW / 1000;

/** One instance of a weighted group and what runs on it. */
const hostArb = fc.record({
  weight: fc.constantFrom(1, 2, 2, 3, 4, 8),
  lifecycleState: fc.constantFrom('InService', 'InService', 'InService', 'InService', 'Pending'),
  protectedFromScaleIn: fc.constantFrom(false, false, false, true),
  agent: fc.constantFrom('usable', 'usable', 'usable', 'draining', 'none'),
  tasks: fc.constantFrom(0, 0, 1, 2, 4),
  cpusPerTask: fc.constantFrom(0.5, 1, 2),
  ageSeconds: fc.constantFrom(300, 5000, 20000),
  owned: fc.boolean(),
});

const scenarioArb = fc.record({
  hosts: fc.array(hostArb, { minLength: 1, maxLength: 12 }),
  desiredNoise: fc.constantFrom(0, 0, 0, -1, 1, 3),
  minAgents: fc.integer({ min: 0, max: 12 }),
  span: fc.integer({ min: 0, max: 40 }),
  lower: fc.integer({ min: 5, max: 60 }),
  gap: fc.integer({ min: 5, max: 40 }),
  headroomPercent: fc.constantFrom(0, 0, 20),
  maxStepUp: fc.integer({ min: 1, max: 12 }),
  maxStepDown: fc.integer({ min: 1, max: 12 }),
  busyAgents: fc.boolean(),
  maxDraining: fc.integer({ min: 1, max: 5 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface World {
  config: PoolConfig;
  group: AsgState;
  cluster: ClusterState;
  addresses: InstanceAddress[];
  ledger: DrainRecord[];
  snapshot: PoolSnapshot;
}

/** A pool on a weighted group, summarised by production code: each agent as big as its weight (4 cpus per unit). */
function worldOf(s: Scenario): World {
  const agents: MesosAgent[] = [];
  const tasks: MesosTask[] = [];
  const addresses: InstanceAddress[] = [];
  const ledger: DrainRecord[] = [];
  const drains: DrainSummary[] = [];
  const instances = s.hosts.map((h, i) => {
    const n = i + 1;
    const id = `agent-${n}`;
    addresses.push({ instanceId: idOf(n), privateIp: ipOf(n), privateDnsName: `ip-10-0-0-${n}.internal`, launchedAt: NOW - h.ageSeconds * 1000 });
    if (h.agent !== 'none' && h.lifecycleState === 'InService') {
      const draining = h.agent === 'draining';
      agents.push(agent(n, {
        total: resources({ cpus: 4 * h.weight, mem: 16000 * h.weight, disk: 0 }),
        used: resources({ cpus: h.tasks * h.cpusPerTask, mem: h.tasks * 1000 }),
        deactivated: draining,
        drainState: draining ? 'DRAINING' : null,
        registeredAt: NOW_S - h.ageSeconds,
      }));
      for (let t = 0; t < h.tasks; t++) tasks.push({ ...task(id, t), resources: resources({ cpus: h.cpusPerTask, mem: 1000 }), startedAt: NOW_S - h.ageSeconds / 2 });
      if (draining) {
        const record = { agentId: id, instanceId: idOf(n), startedAt: NOW - 60_000, deadline: NOW + 3_600_000 };
        ledger.push({ ...record, pool: 'batch', hostname: `ip-10-0-0-${n}.internal`, ip: ipOf(n), executionId: h.owned ? 'arn:exec' : 'interruptions', mode: 'soft' });
        drains.push({ ...record, owned: h.owned });
      }
    }
    return instance(n, { weight: h.weight, lifecycleState: h.lifecycleState, protectedFromScaleIn: h.protectedFromScaleIn });
  });
  const group = asg(instances);
  group.desiredCapacity = Math.max(0, group.desiredCapacity + s.desiredNoise);
  group.minSize = Math.min(s.minAgents, group.desiredCapacity);
  group.maxSize = Math.max(s.minAgents + s.span, group.desiredCapacity);
  const base = poolConfig();
  const config = poolConfig({
    minAgents: s.minAgents,
    maxAgents: s.minAgents + s.span,
    thresholds: bands(s.lower, Math.min(100, s.lower + s.gap)),
    headroomPercent: s.headroomPercent,
    maxStepUp: s.maxStepUp,
    maxStepDown: s.maxStepDown,
    cooldownUpSeconds: 0,
    cooldownDownSeconds: 0,
    drain: { ...base.drain, busyAgents: s.busyAgents, maxDraining: s.maxDraining, minAgentAgeSeconds: 600 },
  });
  const state = cluster(agents, tasks, { electedAt: NOW_S - 86_400 });
  const snapshot = summarisePool({ pool: config, asg: group, activities: [], addresses, drains, cluster: state, now: NOW });
  return { config, group, cluster: state, addresses, ledger, snapshot };
}

const worldArb = scenarioArb.map(worldOf);

function planOf(w: World) {
  return decide({ snapshot: w.snapshot, config: w.config, memory: null, now: NOW, executionId: 'arn:exec' }).plan;
}

/** What the scale step does with a scale-in plan (apply-plan.ts): victims for the units above max(target, MinSize). */
function victimsOf(w: World, target: number) {
  const floor = Math.max(target, w.group.minSize);
  const count = w.group.desiredCapacity - floor;
  const choice = chooseVictims({
    pool: 'batch', count, cluster: w.cluster, asg: w.group, addresses: w.addresses, drains: w.ledger, now: NOW,
    rules: { minAgentAgeSeconds: 600, unregisteredGraceSeconds: w.config.drain.unregisteredGraceSeconds, maxDraining: w.config.drain.maxDraining, busyAgents: w.config.drain.busyAgents },
  });
  const weightOf = new Map(w.group.instances.map((i) => [i.instanceId, i.weight] as const));
  return { floor, victims: choice.victims, removed: choice.victims.reduce((n, v) => n + (weightOf.get(v.instanceId) ?? 1), 0) };
}

/** Units the drains in the group hold: a scale-in takes them over. */
function drainingUnits(s: PoolSnapshot): number {
  return s.drains.filter((d) => d.inGroup !== false).reduce((n, d) => n + (d.weight ?? 1), 0);
}

/**
 * Units a scale-in can remove beyond those drains, worked out here rather than with the functions
 * decide uses: instances stuck without an agent, idle agents on an instance of the group, and busy
 * agents when the pool drains them, in that order and each at its weight, as many as the drain
 * slots left once the drains in the group are counted.
 */
function removableNow(s: PoolSnapshot, config: PoolConfig): number {
  const stuck = s.units?.stuck ?? Array.from({ length: s.asg.stuck }, () => 1);
  const idle = s.idleAgents.filter((a) => a.instanceId !== null).map((a) => a.weight ?? 1);
  const busy = config.drain.busyAgents ? s.busyAgents.map((a) => a.weight ?? 1) : [];
  const slots = Math.max(0, config.drain.maxDraining - s.drains.filter((d) => d.inGroup !== false).length);
  return [...stuck, ...idle, ...busy].slice(0, slots).reduce((n, w) => n + w, 0);
}

const RUNS = { numRuns: 400 };

describe('decisions on weighted groups: properties', () => {
  test('the generator makes weighted groups that scale out, scale in and hold', () => {
    const worlds = fc.sample(worldArb, 500);
    expect(worlds.filter((w) => w.snapshot.units !== undefined).length).toBeGreaterThan(350);
    expect(new Set(worlds.map((w) => planOf(w).action))).toEqual(new Set(['scale-out', 'scale-in', 'none']));
  });

  test('the target in units never leaves [min, max], and the plan says it counts units', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const plan = planOf(w);
        expect(plan.targetDesired).toBeGreaterThanOrEqual(w.config.minAgents);
        expect(plan.targetDesired).toBeLessThanOrEqual(w.config.maxAgents);
        expect(Number.isInteger(plan.targetDesired)).toBe(true);
        expect(plan.weighted).toBe(w.snapshot.units === undefined ? undefined : true);
      }),
      RUNS,
    );
  });

  test('a scale-out adds at most max-step-up units (unless raised to min)', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        fc.pre(w.group.desiredCapacity >= w.config.minAgents);
        const plan = planOf(w);
        if (plan.action === 'scale-out') expect(plan.targetDesired - plan.fromDesired).toBeLessThanOrEqual(w.config.maxStepUp);
      }),
      RUNS,
    );
  });

  test('a scale-in asks for no more units than its candidates weigh, within max-step-down (unless lowered to max)', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        fc.pre(w.group.desiredCapacity <= w.config.maxAgents);
        const plan = planOf(w);
        if (plan.action !== 'scale-in') return;
        const beyondDrains = plan.fromDesired - drainingUnits(w.snapshot) - plan.targetDesired;
        expect(beyondDrains).toBeLessThanOrEqual(removableNow(w.snapshot, w.config));
        expect(beyondDrains).toBeLessThanOrEqual(w.config.maxStepDown);
      }),
      RUNS,
    );
  });

  test('applied, a scale-in keeps the desired capacity within [max(target, MinSize), from] and drains a busy agent only when victims allow', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const plan = planOf(w);
        if (plan.action !== 'scale-in') return;
        const { floor, victims, removed } = victimsOf(w, plan.targetDesired);
        const after = plan.fromDesired - removed;
        expect(after).toBeGreaterThanOrEqual(floor);
        expect(after).toBeGreaterThanOrEqual(Math.min(w.config.minAgents, plan.fromDesired));
        const busy = new Set(w.cluster.tasks.map((t) => t.agentId));
        const newDrains = victims.filter((v) => v.reason === 'idle' || v.reason === 'least-work');
        for (const v of victims) {
          if (v.agent !== null && busy.has(v.agent.id) && v.reason !== 'already-draining') {
            expect(w.config.drain.busyAgents).toBe(true);
            expect(v.reason).toBe('least-work');
          }
        }
        expect(newDrains.length).toBeLessThanOrEqual(Math.max(0, w.config.drain.maxDraining - w.ledger.length));
      }),
      RUNS,
    );
  });
});
