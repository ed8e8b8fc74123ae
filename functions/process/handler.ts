import middy from '@middy/core';
import { logFailures } from '../../shared/middleware/errors.js';
import type { Plan } from '../../shared/model/plan.js';
import { parseProcessInput, processPool } from '../../shared/process/process-pool.js';
import { processDeps } from '../../shared/runtime.js';

/** Decide state: one pool's plan from its snapshot and configuration. */
export const handler = middy<unknown, Plan>()
  .use(logFailures('process'))
  .handler(async (event) => processPool(parseProcessInput(event), processDeps()));
