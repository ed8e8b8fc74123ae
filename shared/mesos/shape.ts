import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { isObject } from '../model/guards.js';

/**
 * A value of the wrong shape inside a payload. `path` is relative to the item being parsed; loops
 * rebase it (`slaves[3].` + path) on the way out, so paths are only built when something is wrong.
 */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }

  rebased(prefix: string): ShapeError {
    const joined = this.path === '' ? prefix : this.path.startsWith('[') ? `${prefix}${this.path}` : `${prefix}.${this.path}`;
    return new ShapeError(joined, this.problem);
  }
}

export type JsonObject = Record<string, unknown>;

/** `a string`, `an object`, `nothing (missing)`: what a value is, for messages. */
export function kind(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (missing)';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

function wrong(path: string, expected: string, value: unknown): ShapeError {
  return new ShapeError(path, `expected ${expected}, got ${kind(value)}`);
}

export function objectAt(value: unknown, path: string): JsonObject {
  if (isObject(value)) return value;
  throw wrong(path, 'an object', value);
}

export function arrayAt(value: unknown, path: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw wrong(path, 'an array', value);
}

export function stringAt(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  throw wrong(path, 'a string', value);
}

export function numberAt(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw wrong(path, 'a number', value);
}

export function booleanAt(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  throw wrong(path, 'a boolean', value);
}

/** Absent (undefined) is allowed; present values must have the right type. */
export function optionalArrayAt(value: unknown, path: string): unknown[] {
  return value === undefined ? [] : arrayAt(value, path);
}

export function optionalStringAt(value: unknown, path: string): string | null {
  return value === undefined ? null : stringAt(value, path);
}

export function optionalNumberAt(value: unknown, path: string): number | null {
  return value === undefined ? null : numberAt(value, path);
}

/** In a loop's catch: prefixes a shape problem with the element it came from, e.g. `slaves[3]`. */
export function within(error: unknown, prefix: string): unknown {
  return error instanceof ShapeError ? error.rebased(prefix) : error;
}

/**
 * Runs a parser over a body; a shape problem becomes the MesosPayload error the state
 * machine sees, naming the source (endpoint) and where in the payload it was.
 */
export function parsePayload<T>(source: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ShapeError) {
      throw new AutoscalerError(ErrorNames.MesosPayload, `${source}: unexpected payload at ${error.path}: ${error.problem}`);
    }
    throw error;
  }
}
