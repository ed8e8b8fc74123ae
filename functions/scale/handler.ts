import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ScaleDeps } from '../../shared/scale/apply-plan.js';
import { processScaleRecords } from '../../shared/scale/scale-records.js';

/**
 * Consumes the scale FIFO queue (ReportBatchItemFailures). `getDeps` runs per invocation so the
 * composition decides what it caches across warm starts.
 */
export function makeScaleHandler(getDeps: () => Promise<ScaleDeps>) {
  return middy<SQSEvent, SQSBatchResponse>().handler(async (event) => processScaleRecords(event.Records, await getDeps()));
}

export const handler = makeScaleHandler(() => import('../../shared/runtime.js').then((m) => m.scaleDeps()));
