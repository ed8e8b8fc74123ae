import { machineIdJson, quoteNanoseconds, scheduleJson as windowsJson, type MachineId, type MaintenanceWindow } from '../../shared/mesos/maintenance-schedule.js';
import { isObject } from '../../shared/model/guards.js';
import { SimMesosRejected, type SimMaintenanceStatus } from '../types.js';

/**
 * The JSON of the master's maintenance endpoints (protobuf-JSON, snake_case; times as
 * `{"nanoseconds": N}`). Nanosecond counts exceed 2^53, so they are read and written as exact
 * integers: a window another tool wrote comes back digit for digit.
 */

const badRequest = (message: string) => new SimMesosRejected(400, message);

function decode(body: string, what: string): unknown {
  try {
    return JSON.parse(quoteNanoseconds(body));
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

function machineId(value: unknown, path: string): MachineId {
  if (!isObject(value)) throw badRequest(`Expecting a JSON object for field '${path}'`);
  return { hostname: optionalString(value.hostname, `${path}.hostname`), ip: optionalString(value.ip, `${path}.ip`) };
}

function machineIds(value: unknown, path: string): MachineId[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequest(`Expecting a JSON array for field '${path}'`);
  return value.map((id, i) => machineId(id, `${path}[${i}]`));
}

/** The body of `POST /maintenance/schedule`. */
export function parseScheduleBody(body: string): MaintenanceWindow[] {
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
export function parseMachinesBody(body: string): MachineId[] {
  const json = decode(body, 'list of machines');
  if (!Array.isArray(json)) throw badRequest('Expecting a JSON array of machine ids');
  return machineIds(json, 'machines');
}

/** `GET /maintenance/schedule`: `{}` when nothing is scheduled (Mesos leaves out empty lists). */
export function scheduleJson(windows: readonly MaintenanceWindow[]): string {
  return windows.length === 0 ? '{}' : windowsJson({ windows });
}

/** `GET /maintenance/status`; the simulated frameworks answer no inverse offers, so no statuses. */
export function statusJson(status: SimMaintenanceStatus): string {
  const draining = status.drainingMachines.map((id) => `{"id":${machineIdJson(id)}}`);
  const parts = [
    ...(draining.length === 0 ? [] : [`"draining_machines":[${draining.join(',')}]`]),
    ...(status.downMachines.length === 0 ? [] : [`"down_machines":[${status.downMachines.map(machineIdJson).join(',')}]`]),
  ];
  return `{${parts.join(',')}}`;
}
