/**
 * Structured JSON logs (one object per line) that CloudWatch Logs Insights can query. Never pass
 * secrets. AUTOSCALER_LOG=silent turns them off (the test suite and local runs use it).
 */
const silent = () => process.env.AUTOSCALER_LOG === 'silent';

export function log(message: string, fields: Record<string, unknown> = {}): void {
  if (!silent()) console.log(JSON.stringify({ level: 'info', message, ...fields }));
}

export function logError(message: string, err: unknown, fields: Record<string, unknown> = {}): void {
  if (silent()) return;
  const e = err instanceof Error ? { name: err.name, error: err.message } : { error: String(err) };
  console.error(JSON.stringify({ level: 'error', message, ...e, ...fields }));
}
