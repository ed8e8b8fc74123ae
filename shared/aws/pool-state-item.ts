/** Items of the pool-state table live this long after their last write (DynamoDB TTL on `expiresAt`). */
const RETENTION_SECONDS = 7 * 24 * 3600;

/** The `expiresAt` attribute for an item written at `nowMs`. */
export function expiresAtAttribute(nowMs: number): { N: string } {
  return { N: String(Math.floor(nowMs / 1000) + RETENTION_SECONDS) };
}
