import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { RecordDrainMessage } from '../model/workflow.js';
import type { DrainRecord } from './ports.js';
import { callAws } from './errors.js';

/**
 * Asks the scale function to record a drain, through the scale FIFO queue (message group = the
 * pool): the ledger keeps a single writer, serialised per pool, like every other change.
 */
export function createDrainRecorder(client: SQSClient, queueUrl: string | undefined): (record: DrainRecord) => Promise<void> {
  return async (record) => {
    if (!queueUrl) throw new AutoscalerError(ErrorNames.InvalidInput, 'SCALE_QUEUE_URL is not set: the drain cannot be recorded');
    const body: RecordDrainMessage = { record };
    await callAws(`SendMessage(record drain ${record.agentId})`, () =>
      client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageGroupId: record.pool, MessageBody: JSON.stringify(body) })),
    );
  };
}
