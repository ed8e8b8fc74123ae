import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { log as jsonLog } from '../middleware/log.js';
import { parseInterruptionEvent } from './event.js';
import { handleInterruption } from './handle-interruption.js';
import type { InterruptionDeps } from './handle-interruption.js';
import { RECHECK_SECONDS } from './respond.js';

type Log = NonNullable<InterruptionDeps['log']>;

/** True when the record is done with; false returns it to the queue. */
async function processRecord(record: SQSRecord, deps: InterruptionDeps, log: Log): Promise<boolean> {
  const { messageId } = record;
  const parsed = parseInterruptionEvent(record.body);
  if (parsed.status === 'ignored') {
    log('event ignored', { messageId, reason: parsed.reason });
    return true;
  }
  if (parsed.status === 'malformed') {
    // Redelivery cannot fix it: it goes to the dead-letter queue, where the alarm shows it.
    log('event rejected', { level: 'error', messageId, problem: parsed.problem });
    return false;
  }
  const { event } = parsed;
  const fields = { messageId, eventId: event.eventId, kind: event.kind, instanceId: event.instanceId };
  try {
    const outcome = await handleInterruption(event, deps);
    if (outcome.status === 'ignored') {
      log('interruption ignored', { ...fields, reason: outcome.reason });
      return true;
    }
    const { response, ...rest } = outcome;
    log(outcome.status === 'again' ? `interruption handled; looked at again in ${RECHECK_SECONDS} s` : 'interruption handled', {
      ...fields,
      ...rest,
      drains: response.drains,
      lifecycle: response.lifecycle,
      reason: response.reason,
    });
    return outcome.status === 'done';
  } catch (err) {
    log('interruption returned to the queue', {
      level: 'error',
      ...fields,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
    return false;
  }
}

/**
 * Processes the EventBridge events of one SQS batch, independently of each other. A record reported
 * as failed comes back after the queue's visibility timeout: that is both the retry of a failure and
 * the wait loop of a held termination.
 */
export async function processInterruptionRecords(records: readonly SQSRecord[], deps: InterruptionDeps): Promise<SQSBatchResponse> {
  const log = deps.log ?? jsonLog;
  const done = await Promise.all(records.map((record) => processRecord(record, deps, log)));
  return {
    batchItemFailures: records.filter((_, i) => !done[i]).map((record) => ({ itemIdentifier: record.messageId })),
  };
}
