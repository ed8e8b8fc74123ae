import type { Buffer } from 'node:buffer';
import type { MesosAgent } from '../model/cluster.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { decodeJsonBody } from './json-body.js';
import { arrayAt, objectAt, optionalArrayAt, optionalStringAt, parsePayload, ShapeError, within, type JsonObject } from './shape.js';

/** A maintenance machine: Mesos matches it against an agent's registered hostname (case-insensitive) and IP. */
export interface MachineId {
  hostname: string | null;
  ip: string | null;
}

/** One window of the schedule. Times are int64 nanoseconds, kept exact (they exceed 2^53). */
export interface MaintenanceWindow {
  readonly machineIds: readonly MachineId[];
  readonly startNs: bigint;
  /** Null: unavailable indefinitely. */
  readonly durationNs: bigint | null;
}

export interface MaintenanceSchedule {
  readonly windows: readonly MaintenanceWindow[];
}

/** The machine of an agent; maintenance cannot name an agent whose pid carries no IP. */
export function machineOf(agent: MesosAgent): { hostname: string; ip: string } {
  if (agent.ip === null) {
    throw new AutoscalerError(ErrorNames.InvalidInput, `agent ${agent.id} (${agent.hostname}) has no IP in its pid ${agent.pid}: maintenance needs its hostname and IP`);
  }
  return { hostname: agent.hostname, ip: agent.ip };
}

export function sameMachine(a: MachineId, b: MachineId): boolean {
  return a.hostname !== null && b.hostname !== null && a.hostname.toLowerCase() === b.hostname.toLowerCase() && a.ip !== null && a.ip === b.ip;
}

/**
 * JSON.parse rounds integers above 2^53, and nanosecond times are that large: rewriting another
 * tool's window with a rounded start would change it (and make Mesos re-send its inverse offers).
 * Quoting the nanosecond counts before parsing keeps every digit.
 */
const NANOSECONDS = /("nanoseconds"\s*:\s*)(-?\d+)(?=\s*[,}])/g;

/** The JSON text with every nanosecond count quoted, so JSON.parse keeps it as a string of all its digits. */
export function quoteNanoseconds(text: string): string {
  return text.replace(NANOSECONDS, '$1"$2"');
}

function decodeExact(body: Buffer | string, source: string): unknown {
  return decodeJsonBody(quoteNanoseconds(typeof body === 'string' ? body : body.toString('utf8')), source);
}

function nanosecondsAt(value: unknown, path: string): bigint {
  const nanoseconds = objectAt(value, path).nanoseconds;
  if (typeof nanoseconds === 'string' && /^-?\d+$/.test(nanoseconds)) return BigInt(nanoseconds);
  if (typeof nanoseconds === 'number' && Number.isSafeInteger(nanoseconds)) return BigInt(nanoseconds);
  throw new ShapeError(`${path}.nanoseconds`, 'expected an integer');
}

function parseMachineId(value: unknown, path: string): MachineId {
  const id = objectAt(value, path);
  return { hostname: optionalStringAt(id.hostname, `${path}.hostname`), ip: optionalStringAt(id.ip, `${path}.ip`) };
}

function parseWindow(value: JsonObject): MaintenanceWindow {
  const machineIds = arrayAt(value.machine_ids, 'machine_ids').map((id, i) => parseMachineId(id, `machine_ids[${i}]`));
  const unavailability = objectAt(value.unavailability, 'unavailability');
  return {
    machineIds,
    startNs: nanosecondsAt(unavailability.start, 'unavailability.start'),
    durationNs: unavailability.duration === undefined ? null : nanosecondsAt(unavailability.duration, 'unavailability.duration'),
  };
}

/** `GET /master/maintenance/schedule`: `{"windows":[...]}`, or `{}` when nothing is scheduled. */
export function parseSchedule(body: Buffer | string, source: string): MaintenanceSchedule {
  const decoded = decodeExact(body, source);
  return parsePayload(source, () => {
    const windows = optionalArrayAt(objectAt(decoded, '(top level)').windows, 'windows');
    return {
      windows: windows.map((window, i) => {
        try {
          return parseWindow(objectAt(window, ''));
        } catch (error) {
          throw within(error, `windows[${i}]`);
        }
      }),
    };
  });
}

/** `GET /master/maintenance/status`: the machines in DOWN mode (`draining_machines` are not needed). */
export function parseDownMachines(body: Buffer | string, source: string): MachineId[] {
  const decoded = decodeJsonBody(body, source);
  return parsePayload(source, () =>
    optionalArrayAt(objectAt(decoded, '(top level)').down_machines, 'down_machines').map((id, i) => parseMachineId(id, `down_machines[${i}]`)),
  );
}

export function isScheduled(schedule: MaintenanceSchedule, machine: MachineId): boolean {
  return windowOf(schedule, machine) !== null;
}

/** The window the machine is in (Mesos allows one at most), or null. */
export function windowOf(schedule: MaintenanceSchedule, machine: MachineId): MaintenanceWindow | null {
  return schedule.windows.find((w) => w.machineIds.some((id) => sameMachine(id, machine))) ?? null;
}

const NANOS_PER_MS = 1_000_000n;

/**
 * The mark of a pool's windows (FNV-1a of its name): sub-millisecond nanoseconds whose last three
 * digits are never 000, so no time written to the microsecond or coarser carries it. Changing it
 * would leave the windows already written unrecognised.
 */
export function poolMark(pool: string): bigint {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(pool)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  const n = hash % 999_000;
  return BigInt(Math.floor(n / 999) * 1000 + (n % 999) + 1);
}

/**
 * The windows this autoscaler writes for a pool carry its mark twice, as the sub-millisecond
 * nanoseconds of their start and of their duration: Mesos keeps both to the nanosecond, so a window
 * read back tells whether it is ours. `ms`: the start in epoch ms, or the duration in ms.
 */
export function marked(ms: number, pool: string): bigint {
  return BigInt(Math.round(ms)) * NANOS_PER_MS + poolMark(pool);
}

/** A window this autoscaler wrote for the pool: one machine, named by host name and IP, its start and duration marked. */
export function isPoolWindow(window: MaintenanceWindow, pool: string): boolean {
  const [machine, ...others] = window.machineIds;
  const mark = poolMark(pool);
  return (
    machine !== undefined && others.length === 0 && machine.hostname !== null && machine.ip !== null &&
    window.startNs >= 0n && window.startNs % NANOS_PER_MS === mark &&
    window.durationNs !== null && window.durationNs % NANOS_PER_MS === mark
  );
}

/** Epoch ms a window starts (sub-millisecond nanoseconds dropped). */
export function startMs(window: MaintenanceWindow): number {
  return Number(window.startNs / NANOS_PER_MS);
}

/** Whether the window lasts at least until epoch ms `at` (an open-ended one always does). */
export function lastsUntil(window: MaintenanceWindow, at: number): boolean {
  return window.durationNs === null || window.startNs + window.durationNs >= BigInt(Math.round(at)) * NANOS_PER_MS;
}

/**
 * The schedule without `machine`: it leaves the windows it shared with other machines, and a window
 * left with no machine goes (as `machine/up` does it in Mesos). Every other entry is kept as it was.
 */
export function withoutMachine(schedule: MaintenanceSchedule, machine: MachineId): MaintenanceSchedule {
  const windows: MaintenanceWindow[] = [];
  for (const window of schedule.windows) {
    const machineIds = window.machineIds.filter((id) => !sameMachine(id, machine));
    if (machineIds.length > 0) windows.push(machineIds.length === window.machineIds.length ? window : { ...window, machineIds });
  }
  return { windows };
}

/** The schedule with `machine` in exactly one window, a new one appended (a machine may appear only once). */
export function withWindow(schedule: MaintenanceSchedule, machine: MachineId, startNs: bigint, durationNs: bigint | null): MaintenanceSchedule {
  return { windows: [...withoutMachine(schedule, machine).windows, { machineIds: [machine], startNs, durationNs }] };
}

/** `{"hostname":…,"ip":…}` with the fields the id has. */
export function machineIdJson(id: MachineId): string {
  return JSON.stringify({ ...(id.hostname === null ? {} : { hostname: id.hostname }), ...(id.ip === null ? {} : { ip: id.ip }) });
}

function windowJson(window: MaintenanceWindow): string {
  const duration = window.durationNs === null ? '' : `,"duration":{"nanoseconds":${window.durationNs}}`;
  return `{"machine_ids":[${window.machineIds.map(machineIdJson).join(',')}],"unavailability":{"start":{"nanoseconds":${window.startNs}}${duration}}}`;
}

/** The body `POST /master/maintenance/schedule` takes; written by hand so nanoseconds stay exact integers. */
export function scheduleJson(schedule: MaintenanceSchedule): string {
  return `{"windows":[${schedule.windows.map(windowJson).join(',')}]}`;
}
