/** A plain JSON object (not null, not an array): the first check on any payload crossing a boundary. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
