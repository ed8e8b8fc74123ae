import { machineIdJson, type MachineId, type MaintenanceWindow } from '../../shared/mesos/maintenance-schedule.js';
import { SimMesosRejected, type SimMaintenanceStatus } from '../types.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Mesos compares machine ids by hostname (case-insensitive) and IP, each possibly absent. */
export function machineKey(id: MachineId): string {
  return `${(id.hostname ?? '').toLowerCase()}|${id.ip ?? ''}`;
}

const rejected = (message: string) => new SimMesosRejected(400, message);

function copyWindow(w: MaintenanceWindow): MaintenanceWindow {
  return { machineIds: w.machineIds.map((id) => ({ ...id })), startNs: w.startNs, durationNs: w.durationNs };
}

/** Mesos's checks of a list of machines (`validation::machines`): each named, valid, listed once. */
function validateMachines(ids: readonly MachineId[], seen: Set<string>, duplicate: (id: MachineId) => string): void {
  for (const id of ids) {
    if ((id.hostname ?? '') === '' && (id.ip ?? '') === '') throw rejected("Both 'hostname' and 'ip' for a MachineID are empty");
    if (id.ip !== null && id.ip !== '' && !IPV4.test(id.ip)) throw rejected(`Failed to parse IP '${id.ip}'`);
    const key = machineKey(id);
    if (seen.has(key)) throw rejected(duplicate(id));
    seen.add(key);
  }
}

/**
 * The master's maintenance state (Mesos 0.25+): the schedule exactly as posted (other tools' windows
 * included, nanoseconds kept exact) and the machines in DOWN mode. Every change is validated first,
 * as the master does, and refused whole (400, Mesos's wording) when any part is invalid.
 */
export class MaintenanceState {
  private windows: readonly MaintenanceWindow[] = [];
  /** The window each scheduled machine is in, by key. */
  private byMachine = new Map<string, MaintenanceWindow>();
  private readonly down = new Map<string, MachineId>();

  /** The schedule as it stands; a new array after every change, never changed in place. */
  schedule(): readonly MaintenanceWindow[] {
    return this.windows;
  }

  /** POST /maintenance/schedule: replaces the schedule; a DOWN machine cannot leave it. */
  update(windows: readonly MaintenanceWindow[]): void {
    const seen = new Set<string>();
    for (const window of windows) {
      if (window.machineIds.length === 0) throw rejected('List of machines in the maintenance window is empty');
      if (window.durationNs !== null && window.durationNs < 0n) throw rejected("Unavailability 'duration' is negative");
      validateMachines(window.machineIds, seen, (id) => `Machine '${machineIdJson(id)}' appears more than once in the schedule`);
    }
    for (const [key, id] of this.down) {
      if (!seen.has(key)) throw rejected(`Machine '${machineIdJson(id)}' is deactivated and cannot be removed from the schedule`);
    }
    this.replace(windows.map(copyWindow));
  }

  /** POST /machine/down: scheduled machines (DRAINING mode) only. */
  bringDown(ids: readonly MachineId[]): void {
    validateMachines(ids, new Set(), (id) => `Machine '${machineIdJson(id)}' appears more than once in the list`);
    for (const id of ids) {
      if (!this.byMachine.has(machineKey(id))) throw rejected(`Machine '${machineIdJson(id)}' is not part of a maintenance schedule`);
      if (this.down.has(machineKey(id))) throw rejected(`Machine '${machineIdJson(id)}' is not in DRAINING mode and cannot be brought down`);
    }
    for (const id of ids) this.down.set(machineKey(id), { ...id });
  }

  /** POST /machine/up: DOWN machines only; they also leave the schedule (a window left empty goes). */
  bringUp(ids: readonly MachineId[]): void {
    validateMachines(ids, new Set(), (id) => `Machine '${machineIdJson(id)}' appears more than once in the list`);
    for (const id of ids) {
      if (!this.down.has(machineKey(id))) throw rejected(`Machine '${machineIdJson(id)}' is not in DOWN mode and cannot be brought up`);
    }
    const up = new Set(ids.map(machineKey));
    for (const key of up) this.down.delete(key);
    const windows: MaintenanceWindow[] = [];
    for (const window of this.windows) {
      const machineIds = window.machineIds.filter((id) => !up.has(machineKey(id)));
      if (machineIds.length > 0) windows.push({ ...window, machineIds });
    }
    this.replace(windows);
  }

  status(): SimMaintenanceStatus {
    const drainingMachines = this.windows.flatMap((w) => w.machineIds).filter((id) => !this.down.has(machineKey(id)));
    return { drainingMachines: drainingMachines.map((id) => ({ ...id })), downMachines: [...this.down.values()].map((id) => ({ ...id })) };
  }

  /** Keys of the machines in the schedule. */
  scheduledKeys(): Iterable<string> {
    return this.byMachine.keys();
  }

  /** The window a machine is scheduled in, or null. */
  windowOf(machine: MachineId): MaintenanceWindow | null {
    return this.byMachine.get(machineKey(machine)) ?? null;
  }

  isDown(machine: MachineId): boolean {
    return this.down.has(machineKey(machine));
  }

  private replace(windows: MaintenanceWindow[]): void {
    this.windows = windows;
    this.byMachine = new Map(windows.flatMap((w) => w.machineIds.map((id) => [machineKey(id), w] as const)));
  }
}
