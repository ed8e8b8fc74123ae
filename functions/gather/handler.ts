import middy from '@middy/core';
import { gather } from '../../shared/gather/gather.js';
import { logFailures } from '../../shared/middleware/errors.js';
import type { GatherOutput } from '../../shared/model/workflow.js';
import { gatherDeps } from '../../shared/runtime.js';

/** Gather state: the scheduled trigger carries nothing the run needs; everything is read fresh. */
export const handler = middy<unknown, GatherOutput>()
  .use(logFailures('gather'))
  .handler(async () => gather(gatherDeps()));
