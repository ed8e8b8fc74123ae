import { isObject } from '../../shared/model/guards.js';
import { SimMesosRejected, type SimMachineId, type SimMaintenanceStatus, type SimMaintenanceWindow } from '../types.js';

/**
 * The JSON of the master's maintenance endpoints (protobuf-JSON, snake_case; times as
 * `{"nanoseconds": N}`). Nanosecond counts exceed 2^53, so they are read and written as exact
 * integers: a window another tool wrote comes back digit for digit.
 */

/** A JSON integer after `"nanoseconds":` becomes a string before JSON.parse can round it. */
const NANOSECONDS = /("nanoseconds"\s*:\s*)(-?\d+)(?=\s*[,}\s])/g;

const badRequest = (message: string) => new SimMesosRejected(400, message);

function decode(body: string, what: string): unknown {
  try {
    return JSON.parse(body.replace(NANOSECONDS, '$1"$2"'));
  } catch (error) {
    throw badRequest(`Failed to parse the ${what} as JSON: ${(error as Error).message}`);
  }
}

function nanoseconds(value: unknown, path: string): bigint {
  if (!isObject(value)) throw badRequest(`Missing required fields: ${path}`);
  const n = value.nanoseconds;
  if (typeof n === 'string' && /^-?\d+$/.test(n)) return BigInt(n);
  throw badRequest(n === undefined ? `Missing required fields: ${path}.nanoseconds` : `Not expecting a JSON ${typeof n} for field '${path}.nanoseconds'`);
}

function optionalString(value: unknown, path: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') throw badRequest(`Not expecting a JSON ${typeof value} for field '${path}'`);
  return value;
}

function machineId(value: unknown, path: string): SimMachineId {
  if (!isObject(value)) throw badRequest(`Expecting a JSON object for field '${path}'`);
  return { hostname: optionalString(value.hostname, `${path}.hostname`), ip: optionalString(value.ip, `${path}.ip`) };
}

function machineIds(value: unknown, path: string): SimMachineId[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequest(`Expecting a JSON array for field '${path}'`);
  return value.map((id, i) => machineId(id, `${path}[${i}]`));
}

/** The body of `POST /maintenance/schedule`. */
export function parseScheduleBody(body: string): SimMaintenanceWindow[] {
  const json = decode(body, 'schedule');
  if (!isObject(json)) throw badRequest('Expecting a JSON object');
  const windows = json.windows ?? [];
  if (!Array.isArray(windows)) throw badRequest("Expecting a JSON array for field 'windows'");
  return windows.map((window, i) => {
    const path = `windows[${i}]`;
    if (!isObject(window)) throw badRequest(`Expecting a JSON object for field '${path}'`);
    const unavailability = window.unavailability;
    if (!isObject(unavailability)) throw badRequest(`Missing required fields: ${path}.unavailability`);
    return {
      machineIds: machineIds(window.machine_ids, `${path}.machine_ids`),
      startNs: nanoseconds(unavailability.start, `${path}.unavailability.start`),
      durationNs: unavailability.duration === undefined ? null : nanoseconds(unavailability.duration, `${path}.unavailability.duration`),
    };
  });
}

/** The body of `POST /machine/down` and `/machine/up`: an array of machine ids. */
export function parseMachinesBody(body: string): SimMachineId[] {
  const json = decode(body, 'list of machines');
  if (!Array.isArray(json)) throw badRequest('Expecting a JSON array of machine ids');
  return machineIds(json, 'machines');
}

function machineJson(id: SimMachineId): string {
  const hostname = id.hostname === null ? null : `"hostname":${JSON.stringify(id.hostname)}`;
  const ip = id.ip === null ? null : `"ip":${JSON.stringify(id.ip)}`;
  return `{${hostname ?? ''}${hostname !== null && ip !== null ? ',' : ''}${ip ?? ''}}`;
}

/** The schedule is read far more often than it changes: each schedule (never mutated) is written once. */
const rendered = new WeakMap<readonly SimMaintenanceWindow[], string>();

/** `GET /maintenance/schedule`: `{}` when nothing is scheduled (Mesos leaves out empty lists). */
export function scheduleJson(windows: readonly SimMaintenanceWindow[]): string {
  let text = rendered.get(windows);
  if (text !== undefined) return text;
  const window = (w: SimMaintenanceWindow) => {
    const duration = w.durationNs === null ? '' : `,"duration":{"nanoseconds":${w.durationNs}}`;
    return `{"machine_ids":[${w.machineIds.map(machineJson).join(',')}],"unavailability":{"start":{"nanoseconds":${w.startNs}}${duration}}}`;
  };
  text = windows.length === 0 ? '{}' : `{"windows":[${windows.map(window).join(',')}]}`;
  rendered.set(windows, text);
  return text;
}

/** `GET /maintenance/status`; the simulated frameworks answer no inverse offers, so no statuses. */
export function statusJson(status: SimMaintenanceStatus): string {
  const draining = status.drainingMachines.map((id) => `{"id":${machineJson(id)}}`);
  const parts = [
    ...(draining.length === 0 ? [] : [`"draining_machines":[${draining.join(',')}]`]),
    ...(status.downMachines.length === 0 ? [] : [`"down_machines":[${status.downMachines.map(machineJson).join(',')}]`]),
  ];
  return `{${parts.join(',')}}`;
}
