import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { isObject } from '../model/guards.js';
import type { SettleInput } from '../model/workflow.js';

export function parseSettleInput(event: unknown): SettleInput {
  const fail = (what: string) => new AutoscalerError(ErrorNames.InvalidInput, `settle input invalid: ${what}`);
  if (!isObject(event)) throw fail('not an object');
  const { plan, action, checks, intervalSeconds, timeoutSeconds } = event;
  if (!isObject(plan) || !Array.isArray(plan.asgNames) || typeof plan.pool !== 'string') throw fail('plan missing');
  if (!isObject(action) || typeof action.after !== 'number' || !Array.isArray(action.terminatedInstanceIds)) throw fail('action missing');
  for (const [name, v] of Object.entries({ checks, intervalSeconds, timeoutSeconds })) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw fail(`${name} must be a non-negative number`);
  }
  return event as unknown as SettleInput;
}
