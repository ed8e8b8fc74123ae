import fc from 'fast-check';
import type { DrainRecord } from '../../../shared/aws/ports.js';
import type { InstanceAddress } from '../../../shared/model/asg.js';
import type { ClusterState, MesosAgent, MesosTask } from '../../../shared/model/cluster.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import { RESOURCE_NAMES, ZERO_RESOURCES, resources } from '../../../shared/model/resources.js';
import { applyPlan } from '../../../shared/scale/apply-plan.js';
import { finishDrains } from '../../../shared/scale/finish-drains.js';
import {
  FakeAutoScaling, FakeInstances, FakeLedger, FakeMaintenance, FakeMesos,
  agent, asg, cluster, drainRecord, idOf, instance, ipOf, plan, task,
} from '../../support/fakes.js';

const NOW = 1_700_000_530_000;

/** Any agent: busy or idle, in or out of the pool, usable or not. */
const anyAgentArb = fc.record({
  pool: fc.constantFrom('batch', 'batch', 'web'),
  tasks: fc.nat({ max: 2 }),
  usedCpus: fc.constantFrom(0, 0, 0.5),
  active: fc.boolean(),
  drainState: fc.constantFrom(null, null, 'DRAINING' as const),
  registeredAt: fc.nat({ max: 5 }),
  // A busy agent whose pid has no IP is recognised by its host name only.
  hasIp: fc.boolean(),
});

/** An idle agent of the pool: a scale-in candidate unless its host disqualifies it. */
const idleAgentArb = fc.record({
  pool: fc.constant('batch'),
  tasks: fc.constant(0),
  usedCpus: fc.constant(0),
  active: fc.constant(true),
  drainState: fc.constant(null),
  registeredAt: fc.nat({ max: 5 }),
  hasIp: fc.constant(true),
});

/**
 * One host: its ASG instance and the agents that run on it (none: the agent never registered, or is
 * gone), and whether the ledger records a drain of its first agent (or of an agent that is gone).
 */
const hostArb = fc.record({
  lifecycleState: fc.constantFrom('InService', 'InService', 'InService', 'Pending', 'Terminating'),
  protectedFromScaleIn: fc.constantFrom(false, false, false, true),
  weight: fc.constantFrom(1, 1, 1, 2),
  agents: fc.array(fc.oneof({ arbitrary: idleAgentArb, weight: 2 }, { arbitrary: anyAgentArb, weight: 1 }), { maxLength: 3 }),
  launchedAgoSeconds: fc.constantFrom(60, 3600),
  drain: fc.constantFrom(null, null, null, 'exec-0', 'exec-1'),
});

const scenarioArb = fc
  .record({
    hosts: fc.array(hostArb, { minLength: 1, maxLength: 8 }),
    minSize: fc.nat({ max: 2 }),
    targetFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    busyAgents: fc.boolean(),
    maxDraining: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ hosts, minSize, targetFraction, busyAgents, maxDraining }) => {
    const instances = hosts.map((h, i) =>
      instance(i + 1, { lifecycleState: h.lifecycleState, protectedFromScaleIn: h.protectedFromScaleIn, weight: h.weight }),
    );
    const addresses = new Map<string, InstanceAddress>(
      hosts.map((h, i) => [idOf(i + 1), { instanceId: idOf(i + 1), privateIp: ipOf(i + 1), privateDnsName: `ip-10-0-0-${i + 1}.internal`, launchedAt: NOW - h.launchedAgoSeconds * 1000 }]),
    );
    const agents: MesosAgent[] = [];
    const tasks: MesosTask[] = [];
    const drains: DrainRecord[] = [];
    hosts.forEach((h, i) => {
      h.agents.forEach((a, j) => {
        const id = `agent-${i + 1}-${j}`;
        agents.push(
          agent(i + 1, {
            id,
            pool: a.pool,
            ip: a.hasIp ? ipOf(i + 1) : null,
            used: a.usedCpus > 0 ? resources({ cpus: a.usedCpus }) : ZERO_RESOURCES,
            active: a.active,
            drainState: a.drainState,
            registeredAt: a.registeredAt,
          }),
        );
        for (let t = 0; t < a.tasks; t += 1) tasks.push(task(id, t));
      });
      if (h.drain !== null) drains.push(drainRecord(i + 1, { agentId: `agent-${i + 1}-0`, executionId: h.drain, startedAt: NOW - (i + 1) * 1000 }));
    });
    const group = asg(instances, { minSize: Math.min(minSize, instances.length) });
    const target = Math.floor(group.desiredCapacity * targetFraction);
    return { group, addresses, state: cluster(agents, tasks), drains, target, rules: { busyAgents, maxDraining } };
  });

/** Agents on the host of instance `i-<n>` (same host name, as `agent(n)` builds them). */
const agentsOnInstance = (agents: readonly MesosAgent[], instanceId: string) =>
  agents.filter((a) => a.hostname === agent(Number(instanceId.slice(2))).hostname);

/** The instance of `agent-<n>-<j>` (see the scenario). */
const instanceOfAgent = (agentId: string) => idOf(Number(agentId.split('-')[1]));

/** Whether anything runs on, or is allocated to, the host of an instance. */
const hostBusy = (state: ClusterState, instanceId: string) =>
  agentsOnInstance(state.agents, instanceId).some(
    (a) => state.tasks.some((t) => t.agentId === a.id) || RESOURCE_NAMES.some((r) => a.used[r] !== 0),
  );

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** Applies a scale-in to the scenario; `fresh`, when given, is what Mesos shows from its second read on. */
async function scaleIn({ group, addresses, state, drains, target, rules }: Scenario, fresh?: ClusterState) {
  const autoScaling = new FakeAutoScaling(group);
  const maintenance = new FakeMaintenance();
  const journal: string[] = [];
  autoScaling.journal = journal;
  maintenance.journal = journal;
  const ledger = new FakeLedger(drains);
  const mesos = new FakeMesos(state);
  if (fresh) mesos.later.push(fresh);
  const toPlan = plan({ action: 'scale-in', fromDesired: group.desiredCapacity, targetDesired: target });
  const result = await applyPlan({ ...toPlan, drain: { ...toPlan.drain, ...rules } }, { autoScaling, instances: new FakeInstances(addresses), mesos, maintenance, ledger, now: () => NOW });
  return { result, autoScaling, maintenance, ledger, journal, executionId: toPlan.executionId };
}

/**
 * What holds whatever Mesos shows at the fresh read: every soft-drained agent is either still draining
 * (in the result and the ledger, under the execution) or was deactivated before its instance was
 * terminated, cleaned up and forgotten; capacity taken off never goes beyond the target or MinSize.
 */
function checkOutcome(scenario: Scenario, run: Awaited<ReturnType<typeof scaleIn>>): void {
  const { group, state, drains, target } = scenario;
  const { result, autoScaling, maintenance, ledger, journal, executionId } = run;
  for (const id of autoScaling.terminated) {
    const victim = group.instances.find((i) => i.instanceId === id);
    expect(victim?.protectedFromScaleIn).toBe(false);
    expect(victim?.lifecycleState).toBe('InService');
    expect(hostBusy(state, id)).toBe(false);
  }
  const softDrained = maintenance.agentIds('soft');
  const draining = new Set(result.drains.map((d) => d.agentId));
  const terminated = new Set(result.terminatedInstanceIds);
  for (const agentId of softDrained) {
    expect(state.agents.find((a) => a.id === agentId)?.pool).toBe('batch');
    const instanceId = instanceOfAgent(agentId);
    if (draining.has(agentId)) {
      expect(ledger.find(agentId)?.executionId).toBe(executionId);
      expect(terminated.has(instanceId)).toBe(false);
    } else {
      expect(terminated.has(instanceId)).toBe(true);
      expect(ledger.find(agentId)).toBeUndefined();
      expect(journal.indexOf(`terminate ${instanceId}`)).toBeGreaterThan(journal.indexOf(`soft ${agentId} window=3600`));
    }
  }
  for (const d of result.drains) {
    if (d.reason === 'already-draining') expect(drains.map((r) => r.agentId)).toContain(d.agentId);
    else expect(softDrained).toContain(d.agentId);
    expect(ledger.find(d.agentId)?.executionId).toBe(executionId);
    expect(terminated.has(d.instanceId)).toBe(false);
  }
  // Only an agent drained here and terminated since is cleaned up; nothing is killed or put back.
  for (const agentId of maintenance.agentIds('cleanUp')) {
    expect(softDrained).toContain(agentId);
    expect(terminated.has(instanceOfAgent(agentId))).toBe(true);
  }
  expect(maintenance.agentIds('hard')).toEqual([]);
  expect(maintenance.agentIds('cancel')).toEqual([]);
  const weightOf = (id: string) => group.instances.find((i) => i.instanceId === id)?.weight ?? 0;
  const removing = [...result.terminatedInstanceIds, ...result.drains.map((d) => d.instanceId)].reduce((sum, id) => sum + weightOf(id), 0);
  expect(removing).toBeLessThanOrEqual(group.desiredCapacity - Math.max(target, group.minSize));
  expect(result.after).toBe(autoScaling.group.desiredCapacity);
  expect(result.after).toBe(group.desiredCapacity - result.terminatedInstanceIds.reduce((sum, id) => sum + weightOf(id), 0));
  expect(new Set(result.terminatedInstanceIds).size).toBe(result.terminatedInstanceIds.length);
  expect(result.terminatedInstanceIds).toEqual(autoScaling.terminated);
}

it('applyPlan drains before it terminates, and never terminates an instance whose host runs a task or has resources allocated', async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      fc.pre(scenario.target < scenario.group.desiredCapacity);
      const run = await scaleIn(scenario);
      checkOutcome(scenario, run);
      // Mesos unchanged since the choice: every idle victim is still empty and went at once.
      expect(run.result.drains.filter((d) => d.reason === 'idle')).toEqual([]);
    }),
    { numRuns: 300 },
  );
});

/**
 * The scenario, and what Mesos shows at the fresh read: some agents took a task, got resources
 * allocated or left, and some hosts gained an agent (re-registered under a new id) running a task.
 * Only agents with an IP change: the fresh check finds a host's agents by IP.
 */
const racedScenarioArb = scenarioArb.chain((scenario) =>
  fc.record({
    scenario: fc.constant(scenario),
    changes: fc.array(fc.constantFrom('none', 'none', 'task', 'alloc', 'gone'), {
      minLength: scenario.state.agents.length,
      maxLength: scenario.state.agents.length,
    }),
    newcomers: fc.subarray([...new Set(scenario.state.agents.filter((a) => a.ip !== null).map((a) => a.ip))]),
  }),
);

function raced(state: ClusterState, changes: readonly string[], newcomerIps: readonly (string | null)[]): ClusterState {
  const agents: MesosAgent[] = [];
  const tasks = [...state.tasks];
  state.agents.forEach((a, k) => {
    const change = a.ip === null ? 'none' : changes[k];
    if (change === 'gone') return;
    agents.push(change === 'alloc' ? { ...a, used: resources({ cpus: 1 }) } : a);
    if (change === 'task') tasks.push(task(a.id, 9));
  });
  for (const ip of newcomerIps) {
    const n = Number(ip?.split('.')[3]);
    agents.push(agent(n, { id: `agent-${n}-new`, pool: 'web' }));
    tasks.push(task(`agent-${n}-new`));
  }
  return cluster(agents, tasks);
}

it('applyPlan never terminates an agent\'s instance whose host took work between the choice and the fresh read', async () => {
  await fc.assert(
    fc.asyncProperty(racedScenarioArb, async ({ scenario, changes, newcomers }) => {
      fc.pre(scenario.target < scenario.group.desiredCapacity);
      const fresh = raced(scenario.state, changes, newcomers);
      const run = await scaleIn(scenario, fresh);
      checkOutcome(scenario, run);
      for (const agentId of run.maintenance.agentIds('soft')) {
        const instanceId = instanceOfAgent(agentId);
        if (run.result.terminatedInstanceIds.includes(instanceId)) expect(hostBusy(fresh, instanceId)).toBe(false);
      }
    }),
    { numRuns: 300 },
  );
});

/**
 * Hosts with at most one agent, each possibly drained by this execution (or another), busy or idle
 * again, gone, reported ready or expired in any combination.
 */
const finishScenarioArb = fc
  .array(
    fc.record({
      agent: fc.constantFrom('idle', 'busy', 'gone'),
      owner: fc.constantFrom('exec-1', 'exec-1', 'exec-2', null),
      mode: fc.constantFrom('soft' as const, 'hard' as const),
      listed: fc.constantFrom('ready', 'ready', 'expired', 'none'),
      lifecycleState: fc.constantFrom('InService', 'InService', 'Terminating'),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .chain((hosts) => fc.record({ hosts: fc.constant(hosts), forceAtDeadline: fc.boolean(), failAt: fc.option(fc.nat({ max: 8 }), { nil: undefined }) }));

it('finishDrains never terminates an instance whose agent runs a task, nor one it does not own', async () => {
  await fc.assert(
    fc.asyncProperty(finishScenarioArb, async ({ hosts, forceAtDeadline, failAt }) => {
      const agents = hosts.flatMap((h, i) => (h.agent === 'gone' ? [] : [agent(i + 1)]));
      const tasks = hosts.flatMap((h, i) => (h.agent === 'busy' ? [task(`agent-${i + 1}`)] : []));
      const records = hosts.flatMap((h, i) => (h.owner === null ? [] : [drainRecord(i + 1, { executionId: h.owner, mode: h.mode })]));
      const autoScaling = new FakeAutoScaling(asg(hosts.map((h, i) => instance(i + 1, { lifecycleState: h.lifecycleState }))));
      if (failAt !== undefined) autoScaling.terminateErrors = [...Array<undefined>(failAt), new AutoscalerError(ErrorNames.ScalingConflict, 'busy')];
      const ledger = new FakeLedger(records);
      const maintenance = new FakeMaintenance();
      const request = {
        pool: 'batch', asgNames: ['asg-batch'], executionId: 'exec-1',
        ready: hosts.flatMap((h, i) => (h.listed === 'ready' ? [`agent-${i + 1}`] : [])),
        expired: hosts.flatMap((h, i) => (h.listed === 'expired' ? [`agent-${i + 1}`] : [])),
        drain: { ...plan().drain, forceAtDeadline },
      };

      await finishDrains(request, { autoScaling, instances: new FakeInstances(), mesos: new FakeMesos(cluster(agents, tasks)), maintenance, ledger, now: () => NOW })
        .catch((err: unknown) => {
          // Only the injected conflict may escape (when it comes before any termination).
          expect(err).toBeInstanceOf(AutoscalerError);
          expect(autoScaling.terminated).toEqual([]);
        });

      const busy = new Set(tasks.map((t) => t.agentId));
      for (const id of autoScaling.terminated) {
        const record = records.find((r) => r.instanceId === id);
        expect(record?.executionId).toBe('exec-1');
        expect(request.ready).toContain(record?.agentId);
        for (const a of agentsOnInstance(agents, id)) expect(busy.has(a.id)).toBe(false);
        expect(ledger.find(record?.agentId ?? '')).toBeUndefined();
      }
      for (const r of records) if (r.executionId !== 'exec-1') expect(ledger.find(r.agentId)).toEqual(r);
      for (const agentId of [...maintenance.agentIds('cleanUp'), ...maintenance.agentIds('cancel'), ...maintenance.agentIds('hard')]) {
        expect(records.find((r) => r.agentId === agentId)?.executionId).toBe('exec-1');
      }
      expect(maintenance.agentIds('soft')).toEqual([]);
    }),
    { numRuns: 300 },
  );
});
