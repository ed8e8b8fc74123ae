import { scalingDirection } from '../../shared/decide/activity-history.js';
import { SPOT_WARNING_SECONDS } from '../../sim/cluster/faults.js';
import type { SimCluster } from '../../sim/types.js';
import { ASG, cluster, onlyGroup, task } from './cluster-builders.js';

const HOURS = 100;
const END = HOURS * 3600;
const AGENTS = 20;

/** 20 full 4-cpu agents and 20 more one-cpu tasks waiting, all running far beyond the run. */
function busyCluster(seed: number, faults = 0.05): SimCluster {
  const tasks = Array.from({ length: AGENTS * 4 + 20 }, () => task(0, { duration: 10 * END }));
  return cluster(tasks, { seed, faults, initialAgents: AGENTS, maxSize: AGENTS * 2 });
}

interface Interruption {
  instanceId: string;
  warnedBy: number;
  terminateAt: number;
  /** Waiting tasks gained at the instant EC2 took the instance: its tasks, re-queued. */
  requeued: number;
}

/** A spot warning not yet carried out: EC2 takes the instance at `terminateAt`. */
interface Warning {
  instanceId: string;
  terminateAt: number;
}

/** The spot warnings sent since the last call, as the interruptions each announces. */
function newWarnings(c: SimCluster): Warning[] {
  return c.takeEvents().flatMap((e) => (e.kind === 'spot-interruption' ? [{ instanceId: e.instanceId, terminateAt: e.time + SPOT_WARNING_SECONDS }] : []));
}

/** Runs to END, stopping right before and at each interruption to check what happens to the group. */
function runWithChecks(c: SimCluster): Interruption[] {
  const seen: Interruption[] = [];
  const pending: Warning[] = [];
  const collect = () => {
    const fresh = newWarnings(c);
    pending.push(...fresh);
    pending.sort((a, b) => a.terminateAt - b.terminateAt || (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
    return fresh;
  };
  let t = 0;
  while (t < END) {
    collect();
    const next = pending[0];
    if (next === undefined) {
      // Steps shorter than the warning, so none is missed.
      t = Math.min(END, t + SPOT_WARNING_SECONDS / 2);
      c.advanceTo(t);
      continue;
    }
    expect(next.terminateAt - c.now).toBeLessThanOrEqual(SPOT_WARNING_SECONDS);
    const warnedBy = c.now;
    c.advanceTo(next.terminateAt - 1e-3);
    const before = { group: onlyGroup(c), pending: c.observe().pendingTasks };
    expect(before.group.instances.map((i) => i.instanceId)).toContain(next.instanceId);

    c.advanceTo(next.terminateAt);
    const after = { group: onlyGroup(c), pending: c.observe().pendingTasks };
    expect(after.group.instances.map((i) => i.instanceId)).not.toContain(next.instanceId);
    expect(after.group.desiredCapacity).toBe(before.group.desiredCapacity);
    expect(after.group.instances).toHaveLength(before.group.instances.length);
    expect(after.group.instances.at(-1)?.lifecycleState).toBe('Pending');
    pending.shift();
    expect(collect().map((p) => p.instanceId)).not.toContain(next.instanceId);

    const [launch, termination] = c.activities(ASG, 2);
    expect(termination?.description).toBe(`Terminating EC2 instance: ${next.instanceId}`);
    expect(termination?.cause).toMatch(/EC2 health check/);
    expect(launch?.description).toMatch(/^Launching a new EC2 instance/);
    // The cooldown logic must not read EC2's doing as a scaling decision.
    expect([launch, termination].map((a) => scalingDirection(a!))).toEqual([null, null]);

    seen.push({ instanceId: next.instanceId, warnedBy, terminateAt: next.terminateAt, requeued: after.pending - before.pending });
    t = c.now;
  }
  return seen;
}

it('gives a two-minute warning, then EC2 takes the instance and the group replaces it; its tasks are lost to faults, not killed', () => {
  const c = busyCluster(11);

  const interruptions = runWithChecks(c);
  const metrics = c.metrics(END);

  expect(interruptions.length).toBeGreaterThanOrEqual(3);
  const requeued = interruptions.reduce((sum, i) => sum + i.requeued, 0);
  expect(requeued).toBeGreaterThan(0);
  expect(metrics.tasksLostToFaults).toBe(requeued);
  expect(metrics.tasksKilled).toBe(0);
  expect(metrics.scaleInActions).toBe(0);
  expect(metrics.scaleOutActions).toBe(0);
});

it('keeps the desired capacity and counts a terminateInstance kill as killed, not lost', () => {
  const c = busyCluster(11, 0);
  const victim = onlyGroup(c).instances[0]!.instanceId;

  c.terminateInstance(victim, false);
  c.advanceTo(3600);

  const metrics = c.metrics(3600);
  expect(metrics.tasksKilled).toBe(4);
  expect(metrics.tasksLostToFaults).toBe(0);
  expect(newWarnings(c)).toEqual([]);
});

it('is deterministic for a seed, and another seed interrupts other instances at other times', () => {
  const schedule = (seed: number) => {
    const c = busyCluster(seed);
    return { interruptions: runWithChecks(c), metrics: c.metrics(END) };
  };

  const first = schedule(11);
  const again = schedule(11);
  const other = schedule(12);

  expect(again).toEqual(first);
  expect(other.interruptions.map((i) => [i.instanceId, i.terminateAt])).not.toEqual(first.interruptions.map((i) => [i.instanceId, i.terminateAt]));
});

it('interrupts about p/10 of the instances per hour', () => {
  // 20 instances for 100 h at p = 0.05: 0.005 per instance-hour, so about 10 interruptions.
  const counts = [21, 22, 23, 24, 25].map((seed) => runWithChecks(busyCluster(seed)).length);
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;

  expect(mean).toBeGreaterThan(5);
  expect(mean).toBeLessThan(16);
});

it('injects no interruption without faults', () => {
  const c = busyCluster(11, 0);

  expect(runWithChecks(c)).toEqual([]);
  expect(c.metrics(END).tasksLostToFaults).toBe(0);
});
