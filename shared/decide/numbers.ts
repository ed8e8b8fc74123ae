/**
 * Resources are fractional (0.1 cpus, 0.3 of a GPU share...), so sums drift: 1.0 - 0.7 is
 * 0.30000000000000004. Rounding with a small tolerance keeps "exactly at the threshold" and
 * "exactly one more task fits" exact.
 */
export const EPSILON = 1e-9;

export function floorTolerant(x: number): number {
  return Math.floor(x + EPSILON);
}

export function ceilTolerant(x: number): number {
  return Math.ceil(x - EPSILON);
}
