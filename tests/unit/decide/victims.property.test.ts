import fc from 'fast-check';
import type { DrainRecord } from '../../../shared/aws/ports.js';
import { chooseVictims, type ChooseVictimsInput, type VictimReason } from '../../../shared/decide/victims.js';
import type { InstanceAddress } from '../../../shared/model/asg.js';
import type { MesosAgent, MesosTask } from '../../../shared/model/cluster.js';
import { ZERO_RESOURCES, resources } from '../../../shared/model/resources.js';
import { agent, asg, cluster, idOf, instance, ipOf, task } from '../../support/fakes.js';

const NOW = 1_700_010_000_000;
const NOW_S = NOW / 1000;
const ORDER: VictimReason[] = ['already-draining', 'never-registered', 'idle', 'least-work'];

const agentArb = fc.record({
  pool: fc.constantFrom('batch', 'batch', 'batch', 'web'),
  tasks: fc.constantFrom(0, 0, 1, 2, 3),
  usedCpus: fc.constantFrom(0, 0, 0, 1),
  reserved: fc.constantFrom(false, false, true),
  active: fc.constantFrom(true, true, true, false),
  drainState: fc.constantFrom(null, null, null, 'DRAINING' as const),
  ageSeconds: fc.constantFrom(30, 500, 5000, 20000),
  taskAgeSeconds: fc.nat({ max: 20000 }),
  hasIp: fc.constantFrom(true, true, true, false),
});

const hostArb = fc.record({
  lifecycleState: fc.constantFrom('InService', 'InService', 'InService', 'InService', 'Pending', 'Terminating', 'Standby'),
  protectedFromScaleIn: fc.constantFrom(false, false, false, true),
  weight: fc.constantFrom(1, 1, 1, 2, 3),
  zone: fc.constantFrom('eu-west-1a', 'eu-west-1b', 'eu-west-1c'),
  agents: fc.array(agentArb, { maxLength: 2 }),
  launchedAgoSeconds: fc.option(fc.constantFrom(60, 600, 3600), { nil: undefined }),
  inLedger: fc.constantFrom(false, false, false, true),
});

const scenarioArb = fc
  .record({
    hosts: fc.array(hostArb, { minLength: 1, maxLength: 10 }),
    minSize: fc.nat({ max: 4 }),
    count: fc.nat({ max: 12 }),
    maxDraining: fc.nat({ max: 4 }),
    busyAgents: fc.option(fc.boolean(), { nil: undefined }),
    terminateSuspended: fc.constantFrom(false, false, false, false, true),
    recovered: fc.constantFrom(false, false, false, true),
  })
  .map((s): ChooseVictimsInput => {
    const agents: MesosAgent[] = [];
    const tasks: MesosTask[] = [];
    const addresses: InstanceAddress[] = [];
    const drains: DrainRecord[] = [];
    const instances = s.hosts.map((h, i) => {
      const n = i + 1;
      h.agents.forEach((a, j) => {
        const id = `agent-${n}-${j}`;
        agents.push(
          agent(n, {
            id,
            pool: a.pool,
            ip: a.hasIp ? ipOf(n) : null,
            used: a.usedCpus > 0 ? resources({ cpus: a.usedCpus }) : ZERO_RESOURCES,
            reserved: a.reserved ? resources({ mem: 512 }) : ZERO_RESOURCES,
            active: a.active,
            drainState: a.drainState,
            registeredAt: NOW_S - a.ageSeconds,
          }),
        );
        for (let t = 0; t < a.tasks; t++) tasks.push({ ...task(id, t), startedAt: NOW_S - a.taskAgeSeconds - t });
      });
      addresses.push({ instanceId: idOf(n), privateIp: ipOf(n), privateDnsName: `ip-10-0-0-${n}.internal`, launchedAt: h.launchedAgoSeconds === undefined ? undefined : NOW - h.launchedAgoSeconds * 1000 });
      if (h.inLedger) {
        drains.push({
          pool: 'batch',
          agentId: `agent-${n}-0`,
          instanceId: idOf(n),
          hostname: `ip-10-0-0-${n}.internal`,
          ip: ipOf(n),
          executionId: `exec-${n}`,
          startedAt: NOW - n * 1000,
          deadline: NOW + 3600_000,
          mode: 'soft',
        });
      }
      return instance(n, { lifecycleState: h.lifecycleState, protectedFromScaleIn: h.protectedFromScaleIn, weight: h.weight, availabilityZone: h.zone });
    });
    const group = asg(instances, { suspendedProcesses: s.terminateSuspended ? ['Terminate'] : [] });
    group.minSize = Math.min(s.minSize, group.desiredCapacity);
    return {
      pool: 'batch',
      count: s.count,
      cluster: cluster(agents, tasks, { recoveredAgentIds: s.recovered ? ['agent-gone'] : [] }),
      asg: group,
      addresses,
      drains,
      now: NOW,
      rules: { minAgentAgeSeconds: 600, unregisteredGraceSeconds: 900, maxDraining: s.maxDraining, busyAgents: s.busyAgents },
    };
  });

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

it('never chooses a protected or not-InService instance, and nothing with Terminate suspended', () => {
  fc.assert(
    fc.property(scenarioArb, (input) => {
      const { victims } = chooseVictims(input);
      if (input.asg.suspendedProcesses.includes('Terminate')) expect(victims).toEqual([]);
      for (const v of victims) {
        const i = input.asg.instances.find((x) => x.instanceId === v.instanceId);
        expect(i?.lifecycleState).toBe('InService');
        expect(i?.protectedFromScaleIn).toBe(false);
        expect(v.availabilityZone).toBe(i?.availabilityZone);
      }
      expect(new Set(victims.map((v) => v.instanceId)).size).toBe(victims.length);
    }),
    { numRuns: 400 },
  );
});

it('never removes more capacity than asked nor goes below MinSize (weights count)', () => {
  fc.assert(
    fc.property(scenarioArb, (input) => {
      const weightOf = new Map(input.asg.instances.map((i) => [i.instanceId, i.weight] as const));
      const removed = chooseVictims(input).victims.reduce((sum, v) => sum + (weightOf.get(v.instanceId) ?? 0), 0);
      expect(removed).toBeLessThanOrEqual(input.count);
      expect(input.asg.desiredCapacity - removed).toBeGreaterThanOrEqual(input.asg.minSize);
    }),
    { numRuns: 400 },
  );
});

it('never has more than maxDraining agents draining, counting the ledger', () => {
  fc.assert(
    fc.property(scenarioArb, (input) => {
      const { victims } = chooseVictims(input);
      const started = victims.filter((v) => v.reason === 'idle' || v.reason === 'least-work').length;
      const inService = new Set(input.asg.instances.filter((i) => i.lifecycleState === 'InService').map((i) => i.instanceId));
      const draining = new Set(input.drains.filter((d) => inService.has(d.instanceId)).map((d) => d.agentId)).size;
      expect(started).toBeLessThanOrEqual(Math.max(0, input.rules.maxDraining - draining));
      for (const v of victims.filter((x) => x.reason === 'already-draining')) {
        expect(input.drains.some((d) => d.instanceId === v.instanceId)).toBe(true);
      }
    }),
    { numRuns: 400 },
  );
});

it('lists victims in preference order and respects the agent rules of each reason', () => {
  fc.assert(
    fc.property(scenarioArb, (input) => {
      const { victims } = chooseVictims(input);
      const ranks = victims.map((v) => ORDER.indexOf(v.reason));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      const ip = (id: string) => input.addresses.find((a) => a.instanceId === id)?.privateIp;
      for (const v of victims) {
        if (v.reason === 'never-registered') {
          expect(input.cluster.recoveredAgentIds).toEqual([]);
          expect(input.cluster.agents.some((a) => a.ip === ip(v.instanceId) || a.hostname === `ip-10-0-0-${Number(v.instanceId.slice(2))}.internal`)).toBe(false);
        }
        if (v.reason === 'idle' || v.reason === 'least-work') {
          expect(v.agent?.pool).toBe('batch');
          expect(v.agent?.active && !v.agent.deactivated && v.agent.drainState === null).toBe(true);
        }
        if (v.reason === 'idle') expect(v.runningTasks).toBe(0);
        if (v.reason === 'least-work') {
          expect(input.rules.busyAgents).not.toBe(false);
          expect(NOW_S - (v.agent?.registeredAt ?? NOW_S)).toBeGreaterThanOrEqual(600);
        }
      }
    }),
    { numRuns: 400 },
  );
});

it('takes every clean idle host before any least-work one when weights and drains do not limit', () => {
  fc.assert(
    fc.property(scenarioArb, (raw) => {
      const input: ChooseVictimsInput = {
        ...raw,
        asg: { ...raw.asg, instances: raw.asg.instances.map((i) => ({ ...i, weight: 1 })), suspendedProcesses: [] },
        rules: { ...raw.rules, maxDraining: 100 },
      };
      input.asg.desiredCapacity = input.asg.instances.length;
      input.asg.minSize = 0;
      const { victims } = chooseVictims(input);
      if (!victims.some((v) => v.reason === 'least-work')) return;
      const chosen = new Set(victims.map((v) => v.instanceId));
      const busyAgentIds = new Set(input.cluster.tasks.map((t) => t.agentId));
      for (const i of input.asg.instances) {
        if (i.lifecycleState !== 'InService' || i.protectedFromScaleIn) continue;
        if (input.drains.some((d) => d.instanceId === i.instanceId)) continue;
        const onHost = input.cluster.agents.filter((a) => a.hostname === `ip-10-0-0-${Number(i.instanceId.slice(2))}.internal`);
        const clean =
          onHost.length > 0 &&
          onHost.every((a) => a.pool === 'batch' && a.active && !a.deactivated && a.drainState === null && !busyAgentIds.has(a.id) && a.used.cpus === 0);
        if (clean) expect(chosen.has(i.instanceId)).toBe(true);
      }
    }),
    { numRuns: 400 },
  );
});

it('is deterministic: the same input in any order gives the same choice and notes', () => {
  fc.assert(
    fc.property(scenarioArb, fc.integer({ min: 1, max: 1_000_000 }), (input, seed) => {
      const reordered: ChooseVictimsInput = {
        ...input,
        cluster: { ...input.cluster, agents: shuffled(input.cluster.agents, seed), tasks: shuffled(input.cluster.tasks, seed + 1) },
        asg: { ...input.asg, instances: shuffled(input.asg.instances, seed + 2) },
        addresses: shuffled(input.addresses, seed + 3),
        drains: shuffled(input.drains, seed + 4),
      };
      expect(chooseVictims(reordered)).toEqual(chooseVictims(input));
    }),
    { numRuns: 300 },
  );
});
