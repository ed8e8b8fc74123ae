import type { PoolMemory, PoolMemoryPort } from '../aws/ports.js';
import type { PoolConfig } from '../config/types.js';
import { decide } from '../decide/decide.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { isObject } from '../model/guards.js';
import type { Plan } from '../model/plan.js';
import type { PoolSnapshot } from '../model/snapshot.js';

export interface ProcessInput {
  pool: string;
  /** `$$.Execution.Id`: the execution owns the drains its plan starts. */
  executionId: string;
  config: PoolConfig;
  snapshot: PoolSnapshot;
}

export interface ProcessDeps {
  memory: PoolMemoryPort;
  now: () => number;
  log: (message: string, fields: Record<string, unknown>) => void;
}

/** The Decide state's input crosses a boundary: check it before deciding on it. */
export function parseProcessInput(event: unknown): ProcessInput {
  const fail = (what: string) => new AutoscalerError(ErrorNames.InvalidInput, `decide input invalid: ${what}`);
  if (!isObject(event)) throw fail('not an object');
  const { pool, config, snapshot, executionId } = event;
  if (typeof pool !== 'string' || pool === '') throw fail('pool missing');
  if (typeof executionId !== 'string' || executionId === '') throw fail('executionId missing');
  if (!isObject(config) || config.name !== pool || !Array.isArray(config.asgNames)) throw fail(`config missing or not for pool ${pool}`);
  if (!isObject(snapshot) || snapshot.pool !== pool || !isObject(snapshot.asg) || !isObject(snapshot.capacity)) {
    throw fail(`snapshot missing or not for pool ${pool}`);
  }
  return { pool, executionId, config: config as unknown as PoolConfig, snapshot: snapshot as unknown as PoolSnapshot };
}

/**
 * Decides one pool. The pool's memory (the requirements recorded for the scale-in stabilisation
 * window) is read and written around the pure
 * decision; if it cannot be read the decision treats stabilisation as just started, so a storage
 * problem can delay a scale-in but never cause one.
 */
export async function processPool(input: ProcessInput, deps: ProcessDeps): Promise<Plan> {
  let memory: PoolMemory | null = null;
  try {
    memory = await deps.memory.get(input.pool);
  } catch (err) {
    deps.log('pool memory unreadable; scale-in stabilisation restarts', { pool: input.pool, error: String(err) });
  }
  const { plan, memory: next } = decide({ snapshot: input.snapshot, config: input.config, memory, now: deps.now(), executionId: input.executionId });
  try {
    await deps.memory.put(input.pool, next);
  } catch (err) {
    deps.log('pool memory not saved; scale-in stabilisation may restart', { pool: input.pool, error: String(err) });
  }
  return plan;
}
