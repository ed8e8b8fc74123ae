import { jest } from '@jest/globals';
import type { MesosConfig } from '../../shared/config/types.js';
import { poolMark, type MachineId, type MaintenanceWindow } from '../../shared/mesos/maintenance-schedule.js';
import type { MesosAgent } from '../../shared/model/cluster.js';
import { simMaintenanceOverHttp } from '../../sim/cluster-ports.js';
import { EventQueue } from '../../sim/cluster/event-queue.js';
import { EPOCH_MS, type SimCluster } from '../../sim/types.js';
import { cluster, masterRejection, OTHER_TOOL as OPEN_ENDED_OTHER_TOOL, task } from './cluster-builders.js';

const NS_PER_S = 1_000_000_000n;
/** The mark of pool `batch` in our windows' start and duration. */
const MARK = poolMark('batch');
/** Another tool's window, two hours long: a start whose nanoseconds JSON numbers would round (> 2^53). */
const OTHER_TOOL: MaintenanceWindow = { ...OPEN_ENDED_OTHER_TOOL, durationNs: 7_200_000_000_001n };

const machineOf = (agent: MesosAgent): MachineId => ({ hostname: agent.hostname, ip: agent.ip });
const nsAt = (t: number) => (BigInt(EPOCH_MS) / 1000n + BigInt(t)) * NS_PER_S;
const window = (agent: MesosAgent, from: number, seconds: number | null): MaintenanceWindow => ({
  machineIds: [machineOf(agent)], startNs: nsAt(from), durationNs: seconds === null ? null : BigInt(seconds) * NS_PER_S,
});
const agentsOn = (c: SimCluster) => c.mesos().tasks.map((t) => t.agentId);

/** Two idle agents on a 1.8 master, and 1-cpu tasks arriving every 100 s. */
function pool(): { c: SimCluster; first: MesosAgent; second: MesosAgent } {
  const tasks = Array.from({ length: 30 }, (_, i) => task(100 * (i + 1), { cpus: 1, duration: 10_000 }));
  const c = cluster(tasks, { initialAgents: 2, mesosVersion: '1.8', agentCpus: 16, agentMemMb: 64_000 });
  const [first, second] = c.mesos().agents;
  return { c, first: first!, second: second! };
}

describe('a Mesos 1.8 master', () => {
  test('reports its version and refuses the agent drain calls as it cannot parse them', () => {
    const { c, first } = pool();
    expect(c.mesos()).toMatchObject({ masterVersion: '1.8.1', agents: [{ version: '1.8.1' }, { version: '1.8.1' }] });
    expect(masterRejection(() => c.deactivateAgent(first.id))).toMatchObject({ status: 400, message: expect.stringContaining("Failed to find enum for 'DEACTIVATE_AGENT'") });
    expect(masterRejection(() => c.drainAgent(first.id, { maxGracePeriodSeconds: 1, markGone: false })).status).toBe(400);
  });

  test('declines the offers of an agent inside its window (future windows from their start, until their end)', () => {
    const { c, first, second } = pool();
    c.updateMaintenanceSchedule([window(first, 0, null), window(second, 250, 300)]);
    c.advanceTo(200);
    // Only the second agent took tasks: the first one's window is open-ended.
    expect(new Set(agentsOn(c))).toEqual(new Set([second.id]));
    c.advanceTo(500);
    // The second one's window runs from 250 to 550: tasks 3, 4 and 5 wait.
    expect(agentsOn(c)).toHaveLength(2);
    expect(c.observe()).toMatchObject({ pendingTasks: 3, registeredAgents: 0 });
    c.advanceTo(550);
    expect(agentsOn(c)).toHaveLength(5);
    expect(new Set(agentsOn(c))).toEqual(new Set([second.id]));
  });

  test('machine/down takes a scheduled machine down: its agent leaves and its tasks are killed; machine/up brings it back, out of the schedule', () => {
    const { c, first, second } = pool();
    c.advanceTo(250);
    const busy = c.mesos().agents.find((a) => c.mesos().tasks.some((t) => t.agentId === a.id))!;
    expect(masterRejection(() => c.machinesDown([machineOf(busy)])).message).toBe(`Machine '${JSON.stringify(machineOf(busy))}' is not part of a maintenance schedule`);
    c.updateMaintenanceSchedule([OTHER_TOOL, window(busy, 250, null)]);
    c.machinesDown([machineOf(busy)]);

    expect(c.mesos().agents.map((a) => a.id)).toEqual([first, second].map((a) => a.id).filter((id) => id !== busy.id));
    expect(c.maintenanceStatus()).toEqual({ drainingMachines: [OTHER_TOOL.machineIds[0]], downMachines: [machineOf(busy)] });
    expect(masterRejection(() => c.machinesDown([machineOf(busy)])).message).toMatch(/is not in DRAINING mode and cannot be brought down/);
    // A DOWN machine must stay in the schedule.
    expect(masterRejection(() => c.updateMaintenanceSchedule([OTHER_TOOL])).message).toMatch(/is deactivated and cannot be removed from the schedule/);

    c.machinesUp([machineOf(busy)]);
    expect(c.maintenanceSchedule()).toEqual([OTHER_TOOL]);
    // Its instance still runs: the restarted agent registers again, under a new id.
    const back = c.mesos().agents.find((a) => a.ip === busy.ip);
    expect(back).toMatchObject({ hostname: busy.hostname, active: true });
    expect(back!.id).not.toBe(busy.id);
    expect(c.maintenanceStatus().downMachines).toEqual([]);
    expect(masterRejection(() => c.machinesUp([machineOf(busy)])).message).toMatch(/is not in DOWN mode and cannot be brought up/);
    c.advanceTo(3600);
    expect(c.metrics(3600)).toMatchObject({ tasksKilled: 2, tasksLostToFaults: 0 });
  });

  test('a window posted again and again is looked at once at its start and once at its end', () => {
    const { c, first } = pool();
    const schedule = jest.spyOn(EventQueue.prototype, 'schedule');
    try {
      const lookedAt = (t: number) => schedule.mock.calls.filter(([time]) => time === t).length;
      for (let post = 0; post < 5; post++) c.updateMaintenanceSchedule([window(first, 250, 300)]);
      expect(lookedAt(250)).toBe(1);
      c.advanceTo(600);
      expect(lookedAt(550)).toBe(1);
    } finally {
      schedule.mockRestore();
    }
  });

  test('validates a schedule as Mesos does, and refuses it whole', () => {
    const { c, first } = pool();
    expect(masterRejection(() => c.updateMaintenanceSchedule([window(first, 0, 60), window(first, 100, 60)])).message).toMatch(/appears more than once in the schedule/);
    expect(masterRejection(() => c.updateMaintenanceSchedule([{ machineIds: [], startNs: 0n, durationNs: null }])).message).toBe('List of machines in the maintenance window is empty');
    expect(masterRejection(() => c.updateMaintenanceSchedule([{ machineIds: [{ hostname: null, ip: null }], startNs: 0n, durationNs: null }])).message).toMatch(/Both 'hostname' and 'ip'/);
    expect(c.maintenanceSchedule()).toEqual([]);
  });
});

describe('the production maintenance code against the simulated master, in-process', () => {
  const config: MesosConfig = { masterUrls: ['http://sim-master.local:5050'], marathonUrl: null, credentials: null, timeoutMs: 2000, poolAttribute: 'pool' };

  test('on 1.8 a soft drain is a window from now, marked with the pool: no new task lands there; cancelling it leaves other tools\' windows as they were', async () => {
    const { c, first, second } = pool();
    c.updateMaintenanceSchedule([OTHER_TOOL]);
    c.advanceTo(50);
    const maintenance = simMaintenanceOverHttp(c, () => EPOCH_MS + c.now * 1000)(config);

    await maintenance.startSoftDrain(first, { windowSeconds: 3600 });

    expect(c.maintenanceSchedule()).toEqual([OTHER_TOOL, { machineIds: [machineOf(first)], startNs: nsAt(50) + MARK, durationNs: 3600n * NS_PER_S + MARK }]);
    c.advanceTo(1000);
    expect(agentsOn(c)).toHaveLength(10);
    expect(new Set(agentsOn(c))).toEqual(new Set([second.id]));

    await maintenance.cancelDrain(first);
    expect(c.maintenanceSchedule()).toEqual([OTHER_TOOL]);
    // Back in service: the next arrival may land on it again.
    c.advanceTo(1100);
    expect(c.observe().registeredAgents).toBe(2);
  });

  test('on 1.8 the clean-up after a termination keeps the agent out past its drain\'s window, until its machine is released', async () => {
    const { c, first, second } = pool();
    c.advanceTo(50);
    const maintenance = simMaintenanceOverHttp(c, () => EPOCH_MS + c.now * 1000)(config);
    await maintenance.startSoftDrain(first, { windowSeconds: 600 });
    c.advanceTo(500);

    await maintenance.cleanUp(first, { markGone: true });
    expect(c.maintenanceSchedule()).toEqual([{ machineIds: [machineOf(first)], startNs: nsAt(50) + MARK, durationNs: BigInt(450 + 7 * 24 * 3600) * NS_PER_S + MARK }]);
    // Past the end of the drain's own window: still no task there.
    c.advanceTo(2000);
    expect(new Set(agentsOn(c))).toEqual(new Set([second.id]));

    expect(await maintenance.machinesInMaintenance('batch')).toEqual([{ hostname: first.hostname, ip: first.ip, since: EPOCH_MS + 50_000 }]);
    await maintenance.releaseMachines('batch', [{ hostname: first.hostname, ip: first.ip!, since: EPOCH_MS + 50_000 }]);
    expect(c.maintenanceSchedule()).toEqual([]);
  });

  test('on 1.8 a hard drain brings the machine down (killing its tasks); the clean-up leaves it down, its release brings it up and out of the schedule', async () => {
    const { c } = pool();
    c.updateMaintenanceSchedule([OTHER_TOOL]);
    c.advanceTo(350);
    const busy = c.mesos().agents.find((a) => c.mesos().tasks.some((t) => t.agentId === a.id))!;
    const running = c.mesos().tasks.filter((t) => t.agentId === busy.id).length;
    const maintenance = simMaintenanceOverHttp(c, () => EPOCH_MS + c.now * 1000)(config);

    await maintenance.startHardDrain(busy, { maxGracePeriodSeconds: 60, markGone: true });
    expect(c.maintenanceStatus().downMachines).toEqual([machineOf(busy)]);
    expect(c.mesos().agents.map((a) => a.id)).not.toContain(busy.id);

    await maintenance.cleanUp(busy, { markGone: true });
    expect(c.maintenanceStatus().downMachines).toEqual([machineOf(busy)]);

    await maintenance.releaseMachines('batch', [{ hostname: busy.hostname, ip: busy.ip! }]);
    expect(c.maintenanceStatus()).toEqual({ drainingMachines: [OTHER_TOOL.machineIds[0]], downMachines: [] });
    expect(c.maintenanceSchedule()).toEqual([OTHER_TOOL]);
    c.advanceTo(3600);
    expect(c.metrics(3600).tasksKilled).toBe(running);
  });

  test('on 1.9 the same code detects the agent drain API and deactivates instead', async () => {
    const c = cluster([], { initialAgents: 1 });
    const [agent] = c.mesos().agents;
    await simMaintenanceOverHttp(c, () => EPOCH_MS)(config).startSoftDrain(agent!, { windowSeconds: 3600 });
    expect(c.mesos().agents[0]).toMatchObject({ deactivated: true });
    expect(c.maintenanceSchedule()).toEqual([]);
  });
});
