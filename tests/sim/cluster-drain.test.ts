import type { MesosAgent } from '../../shared/model/cluster.js';
import { EPOCH_MS, SimMesosRejected, SimMesosUnavailable, type SimCluster } from '../../sim/types.js';
import { cluster, masterRejection, onlyGroup, task } from './cluster-builders.js';

const HOUR = 3600;

function agentsById(c: SimCluster): Map<string, MesosAgent> {
  return new Map(c.mesos().agents.map((a) => [a.id, a]));
}

/** Agent ids in registration order. */
function agentIds(c: SimCluster): string[] {
  return c.mesos().agents.map((a) => a.id);
}

/** Running tasks per agent id. */
function tasksOn(c: SimCluster): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of c.mesos().tasks) counts.set(t.agentId, (counts.get(t.agentId) ?? 0) + 1);
  return counts;
}

describe('DEACTIVATE_AGENT and REACTIVATE_AGENT', () => {
  test('a deactivated agent keeps its tasks, gets no new ones, and shows deactivated and not active', () => {
    // Bin packing would put the second task next to the first, on the busier agent.
    const c = cluster([task(0, { cpus: 2, duration: 1000 }), task(10, { cpus: 1, duration: 1000 })], { initialAgents: 2 });
    const [s0, s1] = agentIds(c);
    expect(tasksOn(c).get(s0!)).toBe(1);
    c.deactivateAgent(s0!);
    c.advanceTo(10);
    expect(tasksOn(c)).toEqual(new Map([[s0!, 1], [s1!, 1]]));
    expect(agentsById(c).get(s0!)).toMatchObject({ active: false, deactivated: true, drainState: null, used: { cpus: 2 } });
    const o = c.observe();
    expect(o).toMatchObject({ registeredAgents: 1, cpusTotal: 4, cpusAllocated: 1 });
    expect(o.instanceLoads.map((l) => l.cpusTotal)).toEqual([0, 4]);
    c.advanceTo(HOUR);
    expect(c.metrics(HOUR).tasksKilled).toBe(0);
  });

  test('reactivation takes tasks again, starting what waited at once', () => {
    const c = cluster([task(0, { cpus: 1, duration: 1000 }), task(10, { cpus: 1, duration: 1000 })], { initialAgents: 1 });
    const [s0] = agentIds(c);
    c.deactivateAgent(s0!);
    c.advanceTo(20);
    expect(c.observe()).toMatchObject({ pendingTasks: 1, registeredAgents: 0 });
    c.reactivateAgent(s0!);
    expect(c.observe()).toMatchObject({ pendingTasks: 0, registeredAgents: 1, cpusAllocated: 2 });
    expect(agentsById(c).get(s0!)).toMatchObject({ active: true, deactivated: false, drainState: null });
    expect(c.mesos().tasks.map((t) => t.startedAt! - EPOCH_MS / 1000)).toEqual([0, 20]);
  });

  test('the master refuses unknown agents, and reactivating an agent that is not deactivated', () => {
    const c = cluster([], { initialAgents: 1 });
    const [s0] = agentIds(c);
    expect(masterRejection(() => c.deactivateAgent('no-such-agent'))).toMatchObject({ status: 400, message: 'Unknown agent' });
    expect(masterRejection(() => c.drainAgent('no-such-agent', { maxGracePeriodSeconds: 1, markGone: false }))).toMatchObject({ status: 400, message: 'Unknown agent' });
    expect(masterRejection(() => c.reactivateAgent(s0!))).toMatchObject({ status: 400, message: 'Agent is not deactivated' });
    expect(masterRejection(() => c.markAgentGone('no-such-agent'))).toMatchObject({ status: 404, message: "Agent 'no-such-agent' not found" });
  });
});

describe('DRAIN_AGENT', () => {
  test('kills the tasks now (counted as kills), which start elsewhere; the empty agent is DRAINED', () => {
    const c = cluster([task(0, { cpus: 1, duration: 1000 }), task(0, { cpus: 1, duration: 1000 })], { initialAgents: 2 });
    const [s0, s1] = agentIds(c);
    expect(tasksOn(c).get(s0!)).toBe(2);
    c.advanceTo(50);
    c.drainAgent(s0!, { maxGracePeriodSeconds: 600, markGone: false });
    expect(tasksOn(c)).toEqual(new Map([[s1!, 2]]));
    expect(agentsById(c).get(s0!)).toMatchObject({ active: false, deactivated: true, drainState: 'DRAINED', used: { cpus: 0 } });
    expect(c.observe().registeredAgents).toBe(1);
    c.advanceTo(HOUR);
    expect(c.metrics(HOUR).tasksKilled).toBe(2);
  });

  test('a drained agent can be reactivated', () => {
    const c = cluster([task(0, { cpus: 4, duration: 1000 }), task(100, { cpus: 4, duration: 1000 })], { initialAgents: 2 });
    const [s0, s1] = agentIds(c);
    c.drainAgent(s1!, { maxGracePeriodSeconds: 0, markGone: false });
    c.advanceTo(100);
    expect(c.observe().pendingTasks).toBe(1);
    c.reactivateAgent(s1!);
    expect(tasksOn(c)).toEqual(new Map([[s0!, 1], [s1!, 1]]));
    expect(agentsById(c).get(s1!)).toMatchObject({ active: true, deactivated: false, drainState: null });
  });

  test('with markGone the drained agent leaves the master for good; its instance runs until terminated', () => {
    const c = cluster([task(0, { cpus: 1, duration: 1000 })], { initialAgents: 2 });
    const [s0, s1] = agentIds(c);
    c.drainAgent(s0!, { maxGracePeriodSeconds: 60, markGone: true });
    expect(agentIds(c)).toEqual([s1]);
    expect(tasksOn(c)).toEqual(new Map([[s1!, 1]]));
    expect(onlyGroup(c).instances.map((i) => i.lifecycleState)).toEqual(['InService', 'InService']);
    expect(c.observe().instanceLoads.map((l) => l.cpusTotal)).toEqual([0, 4]);
    // Gone is final: marking it again is fine, anything else finds no such agent.
    c.markAgentGone(s0!);
    expect(masterRejection(() => c.reactivateAgent(s0!)).message).toBe('Agent is not deactivated');
    expect(masterRejection(() => c.deactivateAgent(s0!)).message).toBe('Unknown agent');
    c.terminateInstance(onlyGroup(c).instances[0]!.instanceId, true);
    c.advanceTo(HOUR);
    expect(c.metrics(HOUR)).toMatchObject({ tasksKilled: 1, scaleInActions: 1 });
  });

  test('an agent that has not re-registered after a failover keeps its tasks until it does, and is refused reactivation meanwhile', () => {
    const c = cluster(
      Array.from({ length: 4 }, () => task(0, { cpus: 1, duration: 100_000 })),
      { initialAgents: 4, faults: 0.3, seed: 2, maxSize: 4, placement: 'spread' },
    );
    // The master answers some calls with an injected failure; retry those (not a missing leader).
    const retried = <T>(call: () => T): T => {
      for (;;) {
        try {
          return call();
        } catch (error) {
          if (!(error instanceof SimMesosUnavailable) || error.message.includes('no Mesos master is leading')) throw error;
        }
      }
    };
    let recovered: string[] = [];
    for (let t = 0; recovered.length === 0; t += 5) {
      expect(t).toBeLessThan(24 * HOUR);
      c.advanceTo(t);
      try {
        recovered = retried(() => c.mesos()).recoveredAgentIds;
      } catch (error) {
        expect(error).toBeInstanceOf(SimMesosUnavailable);
      }
    }
    const away = recovered[0]!;
    const tasksBefore = retried(() => c.mesos()).tasks.length;
    retried(() => c.drainAgent(away, { maxGracePeriodSeconds: 30, markGone: false }));
    expect(retried(() => c.mesos()).tasks.length).toBe(tasksBefore);
    const refusal = retried(() => {
      try {
        c.reactivateAgent(away);
      } catch (error) {
        if (error instanceof SimMesosRejected) return error.message;
        throw error;
      }
      return 'reactivated';
    });
    expect(refusal).toBe('Agent is still in the DRAINING state');
    c.advanceTo(c.now + 330);
    const back = retried(() => c.mesos());
    expect(back.agents.find((a) => a.id === away)).toMatchObject({ deactivated: true, drainState: 'DRAINED', used: { cpus: 0 } });
    expect(back.tasks.filter((t) => t.agentId === away)).toEqual([]);
  });
});

describe('MARK_AGENT_GONE', () => {
  test('kills the tasks of an agent still running some, and removes it', () => {
    const c = cluster([task(0, { cpus: 1, duration: 1000 })], { initialAgents: 1 });
    const [s0] = agentIds(c);
    c.markAgentGone(s0!);
    expect(c.mesos().agents).toEqual([]);
    expect(c.observe()).toMatchObject({ registeredAgents: 0, pendingTasks: 1 });
    c.advanceTo(HOUR);
    expect(c.metrics(HOUR).tasksKilled).toBe(1);
  });
});
