import type { MesosAgent } from '../model/cluster.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { requestDocument, type MesosHttp } from './http.js';
import type { MesosMaintenance } from './maintenance-port.js';
import {
  isScheduled,
  machineIdJson,
  machineOf,
  parseDownMachines,
  parseSchedule,
  sameMachine,
  scheduleJson,
  withoutMachine,
  withWindow,
  type MachineId,
  type MaintenanceSchedule,
} from './maintenance-schedule.js';

const NANOS_PER_MS = 1_000_000n;

function windowNanoseconds(seconds: number): bigint {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new AutoscalerError(ErrorNames.InvalidInput, `a maintenance window must last a positive number of seconds (got ${seconds})`);
  }
  return BigInt(Math.round(seconds * 1000)) * NANOS_PER_MS;
}

/**
 * Taking agents out of service with the maintenance primitives of Mesos 0.25+, on the leader
 * `leader()` names. A machine is the agent's registered hostname and IP. The schedule is one
 * document that a POST replaces whole, so every change is a read-modify-write that keeps the
 * other tools' windows as read; only this agent's machine is added or removed. `now` is epoch ms.
 */
export function maintenancePrimitives(http: MesosHttp, leader: () => Promise<string>, now: () => number): MesosMaintenance {
  async function readSchedule(base: string): Promise<MaintenanceSchedule> {
    const document = await requestDocument(http, `${base}/master/maintenance/schedule`);
    return parseSchedule(document.body, document.source);
  }

  async function writeSchedule(base: string, schedule: MaintenanceSchedule): Promise<void> {
    await requestDocument(http, `${base}/master/maintenance/schedule`, { method: 'POST', body: scheduleJson(schedule) });
  }

  async function isDown(base: string, machine: MachineId): Promise<boolean> {
    const document = await requestDocument(http, `${base}/master/maintenance/status`);
    return parseDownMachines(document.body, document.source).some((id) => sameMachine(id, machine));
  }

  async function setMode(base: string, mode: 'down' | 'up', machine: MachineId): Promise<void> {
    await requestDocument(http, `${base}/master/machine/${mode}`, { method: 'POST', body: `[${machineIdJson(machine)}]` });
  }

  const nowNanoseconds = (): bigint => BigInt(Math.round(now())) * NANOS_PER_MS;

  /** machine/up when DOWN (which also takes it out of the schedule), then its window out of the schedule. */
  async function backInService(agent: MesosAgent): Promise<void> {
    const machine = machineOf(agent);
    const base = await leader();
    if (await isDown(base, machine)) await setMode(base, 'up', machine);
    const schedule = await readSchedule(base);
    if (isScheduled(schedule, machine)) await writeSchedule(base, withoutMachine(schedule, machine));
  }

  return {
    /** A window from now for `windowSeconds`, replacing any earlier window of this machine. */
    async startSoftDrain(agent, { windowSeconds }) {
      const machine = machineOf(agent);
      const duration = windowNanoseconds(windowSeconds);
      const base = await leader();
      const schedule = await readSchedule(base);
      await writeSchedule(base, withWindow(schedule, machine, nowNanoseconds(), duration));
    },

    /**
     * machine/down kills the tasks at once (TASK_LOST; no grace period, no mark-gone here). Mesos
     * only brings scheduled machines down, so an unscheduled one first gets an open-ended window.
     */
    async startHardDrain(agent) {
      const machine = machineOf(agent);
      const base = await leader();
      if (await isDown(base, machine)) return;
      const schedule = await readSchedule(base);
      if (!isScheduled(schedule, machine)) await writeSchedule(base, withWindow(schedule, machine, nowNanoseconds(), null));
      await setMode(base, 'down', machine);
    },

    cancelDrain: backInService,

    /** Also once the instance is gone: a DOWN machine would keep a new agent on a reused IP out. */
    async cleanUp(agent) {
      await backInService(agent);
    },
  };
}
