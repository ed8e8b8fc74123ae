import type { MesosAgent } from '../model/cluster.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { requestDocument, type MesosHttp } from './http.js';
import type { MesosMaintenance } from './maintenance-port.js';
import {
  isPoolWindow,
  isScheduled,
  lastsUntil,
  machineIdJson,
  machineOf,
  marked,
  parseDownMachines,
  parseSchedule,
  sameMachine,
  scheduleJson,
  startMs,
  windowOf,
  withoutMachine,
  withWindow,
  type MachineId,
  type MaintenanceSchedule,
} from './maintenance-schedule.js';

function windowMs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new AutoscalerError(ErrorNames.InvalidInput, `a maintenance window must last a positive number of seconds (got ${seconds})`);
  }
  return seconds * 1000;
}

/** The longest AWS holds a terminating instance: a lifecycle hook's global timeout is 48 hours at most. */
const TERMINATION_HOLD_MS = 48 * 3600_000;
/**
 * How long a window stays in force where Mesos would take it open-ended (a hard drain's, a cleaned-up
 * agent's): well past any termination, and the release ends it sooner. Our windows always have a
 * duration, since it carries half of their mark.
 */
const OUT_OF_SERVICE_MS = 7 * 24 * 3600_000;

/** The leader an operation works on, discovered once, and the schedule read there. */
interface ScheduleView {
  base: string;
  schedule: MaintenanceSchedule;
}

/** A DOWN machine's view ends at the status: every operation on it stops there or brings it up. */
type MachineView = { base: string; down: true } | (ScheduleView & { down: false });

/**
 * Taking agents out of service with the maintenance primitives of Mesos 0.25+, on the leader
 * `leader()` names. A machine is the agent's registered hostname and IP. The schedule is one
 * document that a POST replaces whole, so every change is a read-modify-write that keeps the
 * other tools' windows as read; only our machines are added or removed. Every window written here
 * is marked with the agent's pool (`marked`), so that it can be released once its instance is gone.
 * `now` is epoch ms.
 */
export function maintenancePrimitives(http: MesosHttp, leader: () => Promise<string>, now: () => number): MesosMaintenance {
  async function readSchedule(base: string): Promise<MaintenanceSchedule> {
    const document = await requestDocument(http, `${base}/master/maintenance/schedule`);
    return parseSchedule(document.body, document.source);
  }

  async function writeSchedule(base: string, schedule: MaintenanceSchedule): Promise<void> {
    await requestDocument(http, `${base}/master/maintenance/schedule`, { method: 'POST', body: scheduleJson(schedule) });
  }

  async function downMachines(base: string): Promise<MachineId[]> {
    const document = await requestDocument(http, `${base}/master/maintenance/status`);
    return parseDownMachines(document.body, document.source);
  }

  async function setMode(base: string, mode: 'down' | 'up', machines: readonly MachineId[]): Promise<void> {
    await requestDocument(http, `${base}/master/machine/${mode}`, { method: 'POST', body: `[${machines.map(machineIdJson).join(',')}]` });
  }

  /**
   * What every operation starts from: the leader and the schedule; for one machine, its status first,
   * and the schedule only when it is not DOWN.
   */
  function readView(): Promise<ScheduleView>;
  function readView(machine: MachineId): Promise<MachineView>;
  async function readView(machine?: MachineId): Promise<ScheduleView | MachineView> {
    const base = await leader();
    if (machine !== undefined && (await downMachines(base)).some((id) => sameMachine(id, machine))) return { base, down: true };
    return { base, down: false, schedule: await readSchedule(base) };
  }

  /** machine/up when DOWN (which also takes it out of the schedule), then its window out of the schedule. */
  async function backInService(agent: MesosAgent): Promise<void> {
    const machine = machineOf(agent);
    const view = await readView(machine);
    if (view.down) await setMode(view.base, 'up', [machine]);
    // machine/up rewrites the schedule: it is read as the up left it.
    const schedule = view.down ? await readSchedule(view.base) : view.schedule;
    if (isScheduled(schedule, machine)) await writeSchedule(view.base, withoutMachine(schedule, machine));
  }

  return {
    /** A window from now for `windowSeconds`, replacing any earlier window of this machine. */
    async startSoftDrain(agent, { windowSeconds }) {
      const machine = machineOf(agent);
      const duration = marked(windowMs(windowSeconds), agent.pool);
      const { base, schedule } = await readView();
      await writeSchedule(base, withWindow(schedule, machine, marked(now(), agent.pool), duration));
    },

    /**
     * machine/down kills the tasks at once (TASK_LOST; no grace period, no mark-gone here). Mesos
     * only brings scheduled machines down, so an unscheduled one first gets a long window.
     */
    async startHardDrain(agent) {
      const machine = machineOf(agent);
      const view = await readView(machine);
      if (view.down) return;
      if (!isScheduled(view.schedule, machine)) {
        await writeSchedule(view.base, withWindow(view.schedule, machine, marked(now(), agent.pool), marked(OUT_OF_SERVICE_MS, agent.pool)));
      }
      await setMode(view.base, 'down', [machine]);
    },

    cancelDrain: backInService,

    /**
     * The machine stays out of service while the instance may still run: a DOWN machine, or one in a
     * window that lasts past any termination, is left as it is; otherwise it gets a long window of
     * ours (ours keeps its start, older than any instance that later gets the IP).
     */
    async cleanUp(agent) {
      const machine = machineOf(agent);
      const view = await readView(machine);
      if (view.down) return;
      const window = windowOf(view.schedule, machine);
      const at = now();
      if (window !== null && lastsUntil(window, at + TERMINATION_HOLD_MS)) return;
      const start = window !== null && isPoolWindow(window, agent.pool) ? startMs(window) : at;
      const duration = marked(at + OUT_OF_SERVICE_MS - start, agent.pool);
      await writeSchedule(view.base, withWindow(view.schedule, machine, marked(start, agent.pool), duration));
    },

    async isOutOfService(agent, until) {
      const machine = machineOf(agent);
      const view = await readView(machine);
      if (view.down) return true;
      const window = windowOf(view.schedule, machine);
      return window !== null && startMs(window) <= now() && lastsUntil(window, until);
    },

    async machinesInMaintenance(pool) {
      const { schedule } = await readView();
      return schedule.windows
        .filter((w) => isPoolWindow(w, pool))
        .map((w) => {
          const [machine] = w.machineIds as [{ hostname: string; ip: string }];
          return { hostname: machine.hostname, ip: machine.ip, since: startMs(w) };
        });
    },

    /** One machine/up for the DOWN ones (which also unschedules them), then one write for the rest. */
    async releaseMachines(pool, machines) {
      if (machines.length === 0) return;
      const { base, schedule } = await readView();
      const released = machines.filter((m) => {
        const window = windowOf(schedule, m);
        return window !== null && isPoolWindow(window, pool) && (m.since === undefined || startMs(window) === m.since);
      });
      if (released.length === 0) return;
      const down = await downMachines(base);
      const up = released.filter((m) => down.some((id) => sameMachine(id, m)));
      if (up.length > 0) await setMode(base, 'up', up);
      const rest = released.filter((m) => !up.includes(m));
      if (rest.length === 0) return;
      // machine/up rewrote the schedule, and the write replaces it whole: it starts from the schedule as the up left it.
      const current = up.length > 0 ? await readSchedule(base) : schedule;
      await writeSchedule(base, rest.reduce(withoutMachine, current));
    },
  };
}
