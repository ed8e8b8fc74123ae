import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { InterruptionDeps } from '../../shared/interruptions/handle-interruption.js';
import { processInterruptionRecords } from '../../shared/interruptions/interruption-records.js';

/**
 * Consumes the interruptions queue (EventBridge spot warnings, rebalance recommendations and
 * terminate lifecycle actions; ReportBatchItemFailures). `getDeps` runs per invocation, so every
 * event sees the current SSM configuration.
 */
export function makeInterruptionsHandler(getDeps: () => Promise<InterruptionDeps>) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => processInterruptionRecords(event.Records, await getDeps()));
}

export const handler = makeInterruptionsHandler(() => import('../../shared/runtime.js').then((m) => m.interruptionDeps()));
