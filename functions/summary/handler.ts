import middy from '@middy/core';
import { logFailures } from '../../shared/middleware/errors.js';
import type { ExecutionSummary } from '../../shared/model/workflow.js';
import { parseSummaryInput } from '../../shared/report/parse-summary-input.js';
import { summarise } from '../../shared/report/summary.js';
import { log } from '../../shared/middleware/log.js';

/** Summary state: the execution's readable output (also logged, for Logs Insights). */
export const handler = middy<unknown, ExecutionSummary>()
  .use(logFailures('summary'))
  .handler(async (event) => {
    const summary = summarise(parseSummaryInput(event));
    log(summary.headline, { lines: summary.lines, failures: summary.failures });
    return summary;
  });
