import fc from 'fast-check';
import { EPOCH_MS, type Placement, type TraceTask } from '../../sim/types.js';
import { cluster, onlyGroup } from './cluster-builders.js';

const AGENT_CPUS = 4;
const AGENT_MEM = 8000;

interface Start {
  startedAt: number;
  agent: number;
}

interface Kill {
  at: number;
  agent: number;
}

/**
 * The placement rules with no shortcut: every second, finish tasks, queue arrivals, then try every
 * waiting task in arrival order on every agent; a terminated agent's tasks wait again in arrival
 * order. The cluster only retries agents whose capacity grew; both must start the same tasks at
 * the same times on the same agents.
 */
function reference(tasks: readonly TraceTask[], agents: number, kills: readonly Kill[], placement: Placement, last: number): Map<number, Start[]> {
  const used = Array.from({ length: agents }, () => ({ cpus: 0, mem: 0, gone: false }));
  let running: Array<{ i: number; agent: number; end: number }> = [];
  let waiting: number[] = [];
  const starts = new Map<number, Start[]>();
  const allocate = (now: number) => {
    for (let w = 0; w < waiting.length; ) {
      const i = waiting[w]!;
      const task = tasks[i]!;
      let best = -1;
      let bestScore = Infinity;
      used.forEach((u, a) => {
        if (u.gone || AGENT_CPUS - u.cpus < task.cpus || AGENT_MEM - u.mem < task.memMb) return;
        const share = Math.max(u.cpus / AGENT_CPUS, u.mem / AGENT_MEM);
        const score = placement === 'spread' ? share : -share;
        if (score < bestScore) {
          best = a;
          bestScore = score;
        }
      });
      if (best < 0) {
        w++;
        continue;
      }
      used[best]!.cpus += task.cpus;
      used[best]!.mem += task.memMb;
      running.push({ i, agent: best, end: now + task.duration });
      starts.set(i, [...(starts.get(i) ?? []), { startedAt: now, agent: best }]);
      waiting.splice(w, 1);
    }
  };
  let next = 0;
  for (let now = 0; now <= last; now++) {
    for (const run of running.filter((r) => r.end === now)) {
      used[run.agent]!.cpus -= tasks[run.i]!.cpus;
      used[run.agent]!.mem -= tasks[run.i]!.memMb;
    }
    running = running.filter((r) => r.end !== now);
    while (next < tasks.length && tasks[next]!.t === now) waiting.push(next++);
    allocate(now);
    for (const kill of kills.filter((k) => k.at === now)) {
      used[kill.agent]!.gone = true;
      waiting = [...waiting, ...running.filter((r) => r.agent === kill.agent).map((r) => r.i)].sort((a, b) => a - b);
      running = running.filter((r) => r.agent !== kill.agent);
      allocate(now);
    }
  }
  return starts;
}

const taskArb = fc.record({
  gap: fc.integer({ min: 0, max: 5 }),
  cpus: fc.integer({ min: 1, max: 4 }),
  memMb: fc.integer({ min: 1, max: 4 }).map((m) => m * 1000),
  duration: fc.integer({ min: 1, max: 40 }),
});

const scenarioArb = fc
  .record({
    specs: fc.array(taskArb, { minLength: 1, maxLength: 30 }),
    agents: fc.integer({ min: 1, max: 4 }),
    kills: fc.array(fc.record({ at: fc.integer({ min: 0, max: 60 }), agent: fc.integer({ min: 0, max: 3 }) }), { maxLength: 3 }),
  })
  .map(({ specs, agents, kills }) => {
    let t = 0;
    const tasks: TraceTask[] = specs.map((s, i) => {
      t += s.gap;
      return { t, id: `t${i}`, app: `t${i}`, cpus: s.cpus, memMb: s.memMb, duration: s.duration, kind: 'batch' };
    });
    // Each agent terminated at most once, in time order.
    const once = new Map<number, Kill>();
    for (const k of kills) if (k.agent < agents && !once.has(k.agent)) once.set(k.agent, k);
    return { tasks, agents, kills: [...once.values()].sort((a, b) => a.at - b.at) };
  });

test.each<Placement>(['binpack', 'spread'])('%s: tasks start when and where the exhaustive rules put them, kills included', (placement) => {
  fc.assert(
    fc.property(scenarioArb, ({ tasks, agents, kills }) => {
      const last = Math.max(...tasks.map((x) => x.t), ...kills.map((k) => k.at)) + 2 * tasks.reduce((s, x) => s + x.duration, 0) + 1;
      const expected = reference(tasks, agents, kills, placement, last);

      const c = cluster(tasks, { initialAgents: agents, agentCpus: AGENT_CPUS, agentMemMb: AGENT_MEM, placement });
      const agentIds = c.mesos().agents.map((a) => a.id);
      const instanceIds = onlyGroup(c).instances.map((i) => i.instanceId);
      const seenRuns = new Set<string>();
      const seen = new Map<number, Start[]>();
      const record = () => {
        for (const run of c.mesos().tasks) {
          if (seenRuns.has(run.id)) continue;
          seenRuns.add(run.id);
          const i = Number(run.appId.slice(2));
          seen.set(i, [...(seen.get(i) ?? []), { startedAt: run.startedAt! - EPOCH_MS / 1000, agent: agentIds.indexOf(run.agentId) }]);
        }
      };
      for (let now = 0; now <= last; now++) {
        c.advanceTo(now);
        record();
        for (const kill of kills.filter((k) => k.at === now)) {
          c.terminateInstance(instanceIds[kill.agent]!, true);
          record();
        }
      }
      expect(seen).toEqual(expected);
    }),
    { numRuns: 60 },
  );
});
