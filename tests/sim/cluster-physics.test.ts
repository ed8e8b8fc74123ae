import { ASG, cluster, onlyGroup, startedByApp, task, usedCpus } from './cluster-builders.js';

const HOUR = 3600;

describe('a task waiting for capacity to boot', () => {
  test('waits exactly the boot delay, and that wait is its unmet demand', () => {
    const c = cluster([task(0, { cpus: 2, duration: 600 })]);
    c.setDesiredCapacity(ASG, 1);
    c.advanceTo(119);
    expect(c.observe()).toMatchObject({ pendingTasks: 1, pendingCpus: 2, registeredAgents: 0, instances: 1 });
    c.advanceTo(120);
    expect(c.observe()).toMatchObject({ pendingTasks: 0, registeredAgents: 1, cpusAllocated: 2 });
    c.advanceTo(HOUR);
    const m = c.metrics(HOUR);
    expect(m.unmetCpuHours).toBeCloseTo((2 * 120) / HOUR, 12);
    expect(m.pendingSecondsP95).toBe(120);
    expect(m.demandCpuHours).toBeCloseTo((2 * 600) / HOUR, 12);
    expect(m.instanceHours).toBeCloseTo(1, 12);
    expect(m).toMatchObject({ scaleOutActions: 1, scaleInActions: 0, peakInstances: 1, tasksKilled: 0 });
  });

  test('a late batch task still runs its full duration from its start', () => {
    const c = cluster([task(0, { cpus: 2, duration: 600 })]);
    c.setDesiredCapacity(ASG, 1);
    c.advanceTo(719);
    expect(c.observe().cpusAllocated).toBe(2);
    c.advanceTo(720);
    expect(c.observe().cpusAllocated).toBe(0);
  });

  test('a task still waiting at the end of the window counts its wait until then', () => {
    const c = cluster([task(100, { cpus: 3, duration: 50 })]);
    c.advanceTo(1000);
    const m = c.metrics(1000);
    expect(m.unmetCpuHours).toBeCloseTo((3 * 900) / HOUR, 12);
    expect(m.pendingSecondsP95).toBe(900);
    // Demand is what it would have run with no wait, inside the window.
    expect(m.demandCpuHours).toBeCloseTo((3 * 50) / HOUR, 12);
  });
});

describe('service tasks', () => {
  test('a late start loses exactly its lateness and still ends at its fixed time', () => {
    const c = cluster([task(0, { kind: 'service', cpus: 1, duration: 1000 })], { bootSeconds: 300 });
    c.setDesiredCapacity(ASG, 1);
    c.advanceTo(999);
    expect(c.observe().cpusAllocated).toBe(1);
    c.advanceTo(1000);
    expect(c.observe().cpusAllocated).toBe(0);
    c.advanceTo(HOUR);
    expect(c.metrics(HOUR).unmetCpuHours).toBeCloseTo(300 / HOUR, 12);
  });

  test('a service task not started by its end is dropped, losing its whole duration', () => {
    const c = cluster([task(0, { kind: 'service', cpus: 2, duration: 200 })], { bootSeconds: 300 });
    c.setDesiredCapacity(ASG, 1);
    c.advanceTo(200);
    expect(c.observe().pendingTasks).toBe(0);
    c.advanceTo(HOUR);
    expect(c.observe().cpusAllocated).toBe(0);
    const m = c.metrics(HOUR);
    expect(m.unmetCpuHours).toBeCloseTo((2 * 200) / HOUR, 12);
    expect(m.pendingSecondsP95).toBe(200);
  });
});

describe('terminating an agent that runs tasks', () => {
  test('kills its batch task, which restarts from scratch on the replacement', () => {
    const c = cluster([task(0, { cpus: 2, duration: 1000 })], { initialAgents: 1 });
    c.advanceTo(100);
    const [instance] = onlyGroup(c).instances;
    c.terminateInstance(instance!.instanceId, false);
    expect(c.observe()).toMatchObject({ pendingTasks: 1, instances: 1, desired: 1 });
    c.advanceTo(219);
    expect(c.observe().pendingTasks).toBe(1);
    c.advanceTo(220);
    expect(c.observe().cpusAllocated).toBe(2);
    c.advanceTo(1219);
    expect(c.observe().cpusAllocated).toBe(2);
    c.advanceTo(1220);
    expect(c.observe().cpusAllocated).toBe(0);
    c.advanceTo(HOUR);
    const m = c.metrics(HOUR);
    expect(m.tasksKilled).toBe(1);
    expect(m.unmetCpuHours).toBeCloseTo((2 * 120) / HOUR, 12);
    // 0..100 on the first instance, 100..3600 on the replacement.
    expect(m.instanceHours).toBeCloseTo(1, 12);
    expect(m).toMatchObject({ scaleInActions: 0, scaleOutActions: 0 });
  });

  test('kills a service task, which keeps its fixed end time', () => {
    const c = cluster([task(0, { kind: 'service', cpus: 2, duration: 1000 })], { initialAgents: 1 });
    c.advanceTo(100);
    c.terminateInstance(onlyGroup(c).instances[0]!.instanceId, false);
    c.advanceTo(999);
    expect(c.observe().cpusAllocated).toBe(2);
    c.advanceTo(1000);
    expect(c.observe().cpusAllocated).toBe(0);
    c.advanceTo(HOUR);
    const m = c.metrics(HOUR);
    expect(m.tasksKilled).toBe(1);
    expect(m.unmetCpuHours).toBeCloseTo((2 * 120) / HOUR, 12);
  });

  test('a killed task with nowhere to go waits until the end of the window', () => {
    const c = cluster([task(0, { cpus: 2, duration: 5000 })], { initialAgents: 1 });
    c.advanceTo(100);
    c.terminateInstance(onlyGroup(c).instances[0]!.instanceId, true);
    c.advanceTo(HOUR);
    const m = c.metrics(HOUR);
    expect(m).toMatchObject({ tasksKilled: 1, scaleInActions: 1, pendingSecondsP95: 3500 });
    expect(m.unmetCpuHours).toBeCloseTo((2 * 3500) / HOUR, 12);
    expect(m.instanceHours).toBeCloseTo(100 / HOUR, 12);
  });

  test('a killed task starts at once on another agent with room', () => {
    const c = cluster([task(0, { app: 'a', cpus: 2, duration: 1000 })], { initialAgents: 2, placement: 'binpack' });
    const before = startedByApp(c).get('/a')!;
    c.advanceTo(50);
    const owner = c.addresses(onlyGroup(c).instances.map((i) => i.instanceId)).find((a) => c.mesos().agents.find((g) => g.id === before.agentId)?.ip === a.privateIp)!;
    c.terminateInstance(owner.instanceId, true);
    const after = startedByApp(c).get('/a')!;
    expect(after.agentId).not.toBe(before.agentId);
    expect(after.startedAt).toBe(50);
    c.advanceTo(HOUR);
    expect(c.metrics(HOUR)).toMatchObject({ tasksKilled: 1, unmetCpuHours: 0 });
  });
});

describe('waiting order', () => {
  test('a later task that fits starts while an earlier one that does not keeps waiting', () => {
    const c = cluster(
      [task(0, { app: 'a', cpus: 3, duration: 100 }), task(1, { app: 'b', cpus: 2, duration: 100 }), task(2, { app: 'c', cpus: 1, duration: 100 })],
      { initialAgents: 1 },
    );
    c.advanceTo(2);
    expect([...startedByApp(c).keys()].sort()).toEqual(['/a', '/c']);
    c.advanceTo(100);
    expect(startedByApp(c).get('/b')?.startedAt).toBe(100);
  });

  test('freed capacity goes to waiting tasks in arrival order', () => {
    const c = cluster(
      [
        task(0, { app: 'a', cpus: 4, duration: 100 }),
        task(1, { app: 'b', cpus: 3, duration: 100 }),
        task(2, { app: 'c', cpus: 2, duration: 100 }),
        task(3, { app: 'd', cpus: 1, duration: 100 }),
      ],
      { initialAgents: 1 },
    );
    c.advanceTo(100);
    // b (3 cpus) first; c (2) no longer fits; d (1) does.
    expect([...startedByApp(c).keys()].sort()).toEqual(['/b', '/d']);
    c.advanceTo(200);
    expect(startedByApp(c).get('/c')?.startedAt).toBe(200);
    c.advanceTo(HOUR);
    // Waits: a 0, b 99, c 198, d 97 seconds.
    expect(c.metrics(HOUR).unmetCpuHours).toBeCloseTo((3 * 99 + 2 * 198 + 1 * 97) / HOUR, 12);
  });

  test('tasks larger than an agent wait forever without blocking others', () => {
    const c = cluster([task(0, { app: 'huge', cpus: 5 }), task(1, { app: 'small', cpus: 1 })], { initialAgents: 1 });
    c.advanceTo(1);
    expect([...startedByApp(c).keys()]).toEqual(['/small']);
    expect(c.observe()).toMatchObject({ pendingTasks: 1, pendingCpus: 5 });
  });

  test('memory counts as much as cpus', () => {
    const c = cluster([task(0, { app: 'a', cpus: 1, memMb: 10_000 }), task(0, { app: 'b', cpus: 1, memMb: 10_000 })], { initialAgents: 1 });
    expect([...startedByApp(c).keys()]).toEqual(['/a']);
    expect(c.observe().pendingTasks).toBe(1);
  });
});

describe('placement', () => {
  const oneCpuTasks = (n: number) => Array.from({ length: n }, (_, i) => task(i, { cpus: 1, duration: 10_000 }));

  test('binpack fills the most allocated agent first', () => {
    const c = cluster(oneCpuTasks(5), { initialAgents: 3, placement: 'binpack' });
    c.advanceTo(5);
    expect(usedCpus(c)).toEqual([4, 1, 0]);
  });

  test('spread puts each task on the least allocated agent', () => {
    const c = cluster(oneCpuTasks(5), { initialAgents: 3, placement: 'spread' });
    c.advanceTo(5);
    expect(usedCpus(c)).toEqual([2, 2, 1]);
  });

  test('random picks among agents that fit, reproducibly for a seed', () => {
    const run = (seed: number) => {
      const c = cluster(oneCpuTasks(30), { initialAgents: 3, placement: 'random', agentCpus: 100, seed });
      c.advanceTo(30);
      return usedCpus(c);
    };
    const first = run(7);
    expect(first).toEqual(run(7));
    expect(first.reduce((a, b) => a + b, 0)).toBe(30);
    expect(Math.min(...first)).toBeGreaterThan(0);
    expect([8, 9, 10, 11].map(run).some((used) => used.join() !== first.join())).toBe(true);
  });

  test('a newly registered agent takes waiting tasks', () => {
    const c = cluster(oneCpuTasks(6), { initialAgents: 1, placement: 'spread' });
    c.advanceTo(5);
    expect(c.observe().pendingTasks).toBe(2);
    c.setDesiredCapacity(ASG, 2);
    c.advanceTo(125);
    expect(usedCpus(c)).toEqual([4, 2]);
  });
});

describe('determinism', () => {
  function scenario(seed: number) {
    const tasks = Array.from({ length: 200 }, (_, i) => task(i * 7, { app: `app${i % 5}`, cpus: 1 + (i % 3), duration: 300 + ((i * 37) % 900), kind: i % 4 === 0 ? 'service' : 'batch' }));
    const c = cluster(tasks, { initialAgents: 2, placement: 'random', seed, maxSize: 8 });
    for (let t = 0; t < 2000; t += 60) {
      c.advanceTo(t);
      const o = c.observe();
      c.setDesiredCapacity(ASG, Math.min(8, Math.max(0, Math.ceil(o.pendingCpus / 4) + (o.cpusAllocated > 0 ? 1 : 0))));
    }
    c.advanceTo(3600);
    return { metrics: c.metrics(3600), activities: c.activities(ASG, 1000) };
  }

  test('the same seed gives identical metrics and activities', () => {
    expect(scenario(3)).toEqual(scenario(3));
  });
});

test('virtual time only moves forward, and metrics need the window to have passed', () => {
  const c = cluster([task(0)]);
  c.advanceTo(100);
  expect(() => c.advanceTo(99)).toThrow(expect.objectContaining({ name: 'Autoscaler.InvalidInput' }));
  expect(() => c.metrics(200)).toThrow(/advanceTo\(200\)/);
});

test('settings and traces that cannot be simulated are refused with a clear error', () => {
  const refused = { name: 'Autoscaler.InvalidInput' };
  expect(() => cluster([], { initialAgents: 5, maxSize: 3 })).toThrow(expect.objectContaining(refused));
  expect(() => cluster([], { agentCpus: 0 })).toThrow(/positive cpus/);
  expect(() => cluster([task(10), task(5)])).toThrow(/not sorted by time/);
  expect(() => cluster([], { faults: 2 })).toThrow(/probability/);
});
