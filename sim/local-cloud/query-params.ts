import { WireError } from './wire-error.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The distinct N of `prefix.N` and `prefix.N.<more>` keys, ascending (lists start at 1 but need not be dense). */
export function indices(params: URLSearchParams, prefix: string): number[] {
  const pattern = new RegExp(`^${escapeRegExp(prefix)}\\.(\\d+)(?:\\.|$)`);
  const found = new Set<number>();
  for (const key of params.keys()) {
    const match = pattern.exec(key);
    if (match) found.add(Number(match[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/** The values of `prefix.1`, `prefix.2`, ... in index order (awsQuery lists use `X.member.N`, ec2Query `X.N`). */
export function list(params: URLSearchParams, prefix: string): string[] {
  return indices(params, prefix).flatMap((n) => {
    const value = params.get(`${prefix}.${n}`);
    return value === null ? [] : [value];
  });
}

export function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') throw new WireError('ValidationError', `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  return value;
}

/** An optional integer parameter; a malformed one is the caller's error, as AWS says. */
export function optionalInteger(params: URLSearchParams, name: string, code = 'ValidationError'): number | null {
  const raw = params.get(name);
  if (raw === null) return null;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new WireError(code, `Value '${raw}' for parameter ${name} is invalid: not an integer`);
  return value;
}

export function optionalBoolean(params: URLSearchParams, name: string): boolean | null {
  const raw = params.get(name);
  if (raw === null) return null;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new WireError('ValidationError', `Value '${raw}' for parameter ${name} is invalid: expected true or false`);
}

export function requiredInteger(params: URLSearchParams, name: string): number {
  return optionalInteger(params, name) ?? Number(required(params, name));
}

export function requiredBoolean(params: URLSearchParams, name: string): boolean {
  return optionalBoolean(params, name) ?? required(params, name) === 'true';
}
