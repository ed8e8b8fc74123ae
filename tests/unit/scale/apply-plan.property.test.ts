import fc from 'fast-check';
import { applyPlan } from '../../../shared/scale/apply-plan.js';
import type { MesosAgent, MesosTask } from '../../../shared/model/cluster.js';
import { ZERO_RESOURCES, resources } from '../../../shared/model/resources.js';
import { FakeAutoScaling, FakeInstances, FakeMesos, agent, asg, cluster, instance, ipOf, plan, task } from '../../support/fakes.js';

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

/** One host: its ASG instance and the agents that run on it. Idle agents are frequent so most runs terminate something. */
const hostArb = fc.record({
  lifecycleState: fc.constantFrom('InService', 'InService', 'InService', 'Pending', 'Terminating'),
  protectedFromScaleIn: fc.constantFrom(false, false, false, true),
  weight: fc.constantFrom(1, 1, 1, 2),
  agents: fc.array(fc.oneof({ arbitrary: idleAgentArb, weight: 2 }, { arbitrary: anyAgentArb, weight: 1 }), {
    minLength: 1,
    maxLength: 3,
  }),
});

const scenarioArb = fc
  .record({
    hosts: fc.array(hostArb, { minLength: 1, maxLength: 8 }),
    minSize: fc.nat({ max: 2 }),
    targetFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ hosts, minSize, targetFraction }) => {
    const instances = hosts.map((h, i) =>
      instance(i + 1, { lifecycleState: h.lifecycleState, protectedFromScaleIn: h.protectedFromScaleIn, weight: h.weight }),
    );
    const agents: MesosAgent[] = [];
    const tasks: MesosTask[] = [];
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
    });
    const group = asg(instances, { minSize: Math.min(minSize, instances.length) });
    const target = Math.floor(group.desiredCapacity * targetFraction);
    return { group, state: cluster(agents, tasks), target };
  });

it('never terminates an instance whose host runs a task or has resources allocated', async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, async ({ group, state, target }) => {
      fc.pre(target < group.desiredCapacity);
      const autoScaling = new FakeAutoScaling(group);
      const deps = { autoScaling, instances: new FakeInstances(), mesos: new FakeMesos(state) };

      const result = await applyPlan(
        plan({ action: 'scale-in', fromDesired: group.desiredCapacity, targetDesired: target }),
        deps,
      );

      const tasksByAgent = new Set(state.tasks.map((t) => t.agentId));
      for (const id of autoScaling.terminated) {
        const n = Number(id.slice(2));
        const onHost = state.agents.filter((a) => a.hostname === agent(n).hostname);
        for (const a of onHost) {
          expect(tasksByAgent.has(a.id)).toBe(false);
          expect(a.used).toEqual(ZERO_RESOURCES);
        }
        const victim = group.instances.find((i) => i.instanceId === id);
        expect(victim?.protectedFromScaleIn).toBe(false);
        expect(victim?.lifecycleState).toBe('InService');
      }
      expect(result.after).toBeGreaterThanOrEqual(Math.max(target, group.minSize));
      expect(result.after).toBe(autoScaling.group.desiredCapacity);
      expect(new Set(result.terminatedInstanceIds).size).toBe(result.terminatedInstanceIds.length);
      expect(result.terminatedInstanceIds).toEqual(autoScaling.terminated);
    }),
    { numRuns: 300 },
  );
});
