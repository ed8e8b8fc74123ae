import { RESOURCE_NAMES, type ResourceName, type Resources } from '../model/resources.js';

/** Plain-language fragments for the reasons an operator reads in the console. */

export function isoUtc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function percent(value: number): string {
  return `${Math.round(value * 10) / 10}%`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const UNITS: Record<ResourceName, string> = { cpus: '', mem: ' MB', disk: ' MB', gpus: '' };

/** `cpus 4, mem 8192 MB`: the resources that are not zero. */
export function describeResources(r: Resources): string {
  const parts = RESOURCE_NAMES.filter((name) => r[name] !== 0).map(
    (name) => `${name} ${Math.round(r[name] * 100) / 100}${UNITS[name]}`,
  );
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}
