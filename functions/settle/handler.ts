import middy from '@middy/core';
import { logFailures } from '../../shared/middleware/errors.js';
import type { SettleResult } from '../../shared/model/workflow.js';
import { settleDeps } from '../../shared/runtime.js';
import { parseSettleInput } from '../../shared/settle/parse-settle-input.js';
import { settleCheck } from '../../shared/settle/settle.js';

/** SettleCheck state: one check of the wait-and-check loop after an action. */
export const handler = middy<unknown, SettleResult>()
  .use(logFailures('settle'))
  .handler(async (event) => settleCheck(parseSettleInput(event), settleDeps()));
