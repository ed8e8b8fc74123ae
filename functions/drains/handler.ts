import middy from '@middy/core';
import { drainCheck, parseDrainCheckInput } from '../../shared/drains/drain-check.js';
import { logFailures } from '../../shared/middleware/errors.js';
import type { DrainCheckResult } from '../../shared/model/workflow.js';
import { drainCheckDeps } from '../../shared/runtime.js';

/** DrainCheck state: which of this execution's draining agents are empty, expired, or still busy. */
export const handler = middy<unknown, DrainCheckResult>()
  .use(logFailures('drains'))
  .handler(async (event) => drainCheck(parseDrainCheckInput(event), drainCheckDeps()));
