import { marathonAppId } from '../../shared/mesos/marathon-task-id.js';
import { EPOCH_MS, SimApiError, SimMesosUnavailable, type SimCluster, type SimMasterInfo } from '../../sim/types.js';
import { ASG, cluster, onlyGroup, task } from './cluster-builders.js';

const EPOCH_S = EPOCH_MS / 1000;

describe('the Mesos master and Marathon, as they answer', () => {
  test('agents of the pool with their used resources and running tasks', () => {
    const c = cluster(
      [task(0, { app: 'web', cpus: 1.5, memMb: 2000 }), task(0, { app: 'web', cpus: 2, memMb: 1000 }), task(0, { app: 'web', cpus: 2, memMb: 3000 })],
      { initialAgents: 1, pool: 'gpu-free' },
    );
    const state = c.mesos();
    expect(state).toMatchObject({ masterVersion: '1.9.0', electedAt: EPOCH_S - 86_400, recoveredAgentIds: [] });
    expect(state.leaderUrl).toMatch(/^http:\/\/10\.0\.0\.\d+:5050$/);
    expect(state.agents).toHaveLength(1);
    const [agent] = state.agents;
    expect(agent).toMatchObject({
      id: expect.stringMatching(/-S0$/),
      pool: 'gpu-free',
      attributes: { pool: 'gpu-free' },
      total: { cpus: 4, mem: 16_000, disk: 100_000, gpus: 0 },
      used: { cpus: 3.5, mem: 3000, disk: 0, gpus: 0 },
      active: true,
      deactivated: false,
      drainState: null,
      registeredAt: EPOCH_S,
    });
    expect(agent!.pid).toBe(`slave(1)@${agent!.ip}:5051`);
    expect(state.tasks).toHaveLength(2);
    for (const t of state.tasks) {
      expect(t).toMatchObject({ agentId: agent!.id, state: 'TASK_RUNNING', frameworkName: 'marathon', appId: '/web', startedAt: EPOCH_S });
      expect(marathonAppId(t.id)).toBe('/web');
    }
    expect(new Set(state.tasks.map((t) => t.id)).size).toBe(2);
    expect(state.marathon).toEqual({
      queue: [{ id: '/web', count: 1, overdue: true, timeLeftSeconds: 0, resources: { cpus: 2, mem: 3000, disk: 0, gpus: 0 }, constraints: [['pool', 'LIKE', 'gpu-free']] }],
    });
  });

  test('app names become Marathon ids that round-trip through task ids', () => {
    const c = cluster([task(0, { app: 'Team/Web_App 2' }), task(0, { app: 'u33' })], { initialAgents: 1 });
    const ids = c.mesos().tasks.map((t) => [t.appId, marathonAppId(t.id)]);
    expect(ids.sort()).toEqual([
      ['/team/web-app-2', '/team/web-app-2'],
      ['/u33', '/u33'],
    ]);
  });

  test('a restarted task gets a new task id', () => {
    const c = cluster([task(0, { app: 'a', duration: 1000 })], { initialAgents: 1, bootSeconds: 0 });
    const before = c.mesos().tasks[0]!.id;
    c.terminateInstance(onlyGroup(c).instances[0]!.instanceId, false);
    const after = c.mesos().tasks[0]!.id;
    expect(after).not.toBe(before);
    expect(marathonAppId(after)).toBe('/a');
  });

  test('apps with nothing waiting are not in the launch queue', () => {
    const c = cluster([task(0, { app: 'short', duration: 10 })], { initialAgents: 1 });
    expect(c.mesos()).toMatchObject({ tasks: [{ appId: '/short' }], marathon: { queue: [] } });
    c.advanceTo(10);
    expect(c.mesos()).toMatchObject({ tasks: [], marathon: { queue: [] } });
  });
});

/** Outcome of each call of a scripted run: what a seed's faults did. */
function faultTrace(seed: number, faults: number): string[] {
  const c = cluster(
    Array.from({ length: 60 }, (_, i) => task(i * 30, { cpus: 1 + (i % 3), duration: 600 })),
    { initialAgents: 2, faults, seed, maxSize: 6 },
  );
  const out: string[] = [];
  for (let t = 0; t < 3 * 3600; t += 60) {
    c.advanceTo(t);
    try {
      out.push(`mesos ${c.mesos().agents.length}`);
    } catch (err) {
      out.push(`mesos ${(err as Error).name}`);
    }
    try {
      c.setDesiredCapacity(ASG, 2 + ((t / 60) % 5));
      out.push('asg ok');
    } catch (err) {
      out.push(`asg ${(err as SimApiError).code}`);
    }
  }
  out.push(JSON.stringify(c.metrics(3 * 3600 - 60)));
  return out;
}

describe('injected faults', () => {
  test('are the same for a seed, and differ between seeds', () => {
    const first = faultTrace(11, 0.2);
    expect(faultTrace(11, 0.2)).toEqual(first);
    expect(faultTrace(12, 0.2)).not.toEqual(first);
    expect(first).toContain('asg ScalingActivityInProgress');
    expect(first).toContain('mesos SimMesosUnavailable');
    expect(first).toContain('asg ok');
  });

  test('none without a fault rate', () => {
    const calls = faultTrace(11, 0);
    expect(calls.filter((c) => c.includes('Unavailable') || c.includes('InProgress'))).toEqual([]);
  });

  test('some launched instances never register, and stay InService and billed', () => {
    const c = cluster([], { faults: 0.5, seed: 5, maxSize: 40 });
    for (let t = 0; onlyGroup(c).desiredCapacity < 40; t += 1) {
      c.advanceTo(t);
      try {
        c.setDesiredCapacity(ASG, 40);
      } catch (err) {
        if (!(err instanceof SimApiError)) throw err;
      }
    }
    c.advanceTo(c.now + 120);
    const o = c.observe();
    expect(o.inService).toBe(40);
    expect(o.registeredAgents).toBeGreaterThan(5);
    expect(o.registeredAgents).toBeLessThan(35);
  });

  test('a master failover: 30 s without a leader, then half the agents re-register over 5 minutes', () => {
    const c: SimCluster = cluster(
      Array.from({ length: 6 }, () => task(0, { cpus: 1, duration: 100_000 })),
      { initialAgents: 6, faults: 0.3, seed: 2, maxSize: 6, placement: 'spread' },
    );
    const seen: Array<{ t: number; error: string | null; electedAt: number | null; agents: number; recovered: number; tasks: number }> = [];
    for (let t = 0; t <= 6 * 3600; t += 5) {
      c.advanceTo(t);
      try {
        const s = c.mesos();
        seen.push({ t, error: null, electedAt: s.electedAt! - EPOCH_S, agents: s.agents.length, recovered: s.recoveredAgentIds.length, tasks: s.tasks.length });
      } catch (err) {
        expect(err).toBeInstanceOf(SimMesosUnavailable);
        seen.push({ t, error: (err as Error).message, electedAt: null, agents: 0, recovered: 0, tasks: 0 });
      }
    }
    const failovers = [...new Set(seen.flatMap((s) => (s.electedAt !== null && s.electedAt >= 0 ? [s.electedAt] : [])))];
    expect(failovers.length).toBeGreaterThan(0);
    for (const at of failovers) {
      expect(at % 60).toBe(0);
      const leaderless = seen.filter((s) => s.t >= at && s.t < at + 30);
      expect(leaderless.every((s) => s.error !== null && s.error.includes('no Mesos master is leading'))).toBe(true);
      const recovering = seen.filter((s) => s.t >= at + 30 && s.t < at + 330 && s.error === null);
      expect(recovering.length).toBeGreaterThan(0);
      // Half of the 6 agents are missing, with the tasks they keep running out of sight.
      for (const s of recovering) expect(s).toMatchObject({ agents: 3, recovered: 3, tasks: 3 });
      const back = seen.find((s) => s.t >= at + 330 && s.error === null);
      if (back !== undefined && back.electedAt === at) expect(back).toMatchObject({ agents: 6, recovered: 0, tasks: 6 });
    }
  });

  test('masterInfo() answers as mesos() does, failing at the same calls, without the agents', () => {
    const make = () => cluster(Array.from({ length: 6 }, () => task(0, { cpus: 1, duration: 100_000 })), { initialAgents: 6, faults: 0.3, seed: 2, maxSize: 6 });
    const outcome = (read: () => SimMasterInfo): SimMasterInfo | string => {
      try {
        const { masterVersion, electedAt } = read();
        return { masterVersion, electedAt };
      } catch (err) {
        return (err as Error).message;
      }
    };
    const [full, info] = [make(), make()];
    const fromState: Array<SimMasterInfo | string> = [];
    const fromInfo: Array<SimMasterInfo | string> = [];
    for (let t = 0; t <= 6 * 3600; t += 5) {
      full.advanceTo(t);
      info.advanceTo(t);
      fromState.push(outcome(() => full.mesos()));
      fromInfo.push(outcome(() => info.masterInfo()));
    }
    expect(fromInfo).toEqual(fromState);
    expect(fromState.some((o) => typeof o === 'string')).toBe(true);
    expect(new Set(fromState.flatMap((o) => (typeof o === 'string' ? [] : [o.electedAt]))).size).toBeGreaterThan(1);
  });
});
