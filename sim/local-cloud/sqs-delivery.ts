import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { lambdaContext, type ScaleDelivery, type WorkflowHandlers } from '../local-workflow.js';

/** Receives before SQS gives up on a message (the queue's maxReceiveCount in serverless.yml). */
const MAX_RECEIVES = 3;
/** The scale queue's visibility timeout in serverless.yml. */
const VISIBILITY_SECONDS = 720;

function toEvent(m: Message, queueArn: string): SQSEvent {
  const a = m.Attributes ?? {};
  return {
    Records: [
      {
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: {
          ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
          SentTimestamp: a.SentTimestamp ?? '0',
          SenderId: a.SenderId ?? 'states.amazonaws.com',
          ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '0',
          MessageGroupId: a.MessageGroupId,
          MessageDeduplicationId: a.MessageDeduplicationId,
          SequenceNumber: a.SequenceNumber,
        },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: 'eu-west-1',
      },
    ],
  };
}

/**
 * The Scale step over the wire: SendMessage to the FIFO queue (what sqs:sendMessage.waitForTaskToken
 * does), then what the Lambda event source mapping does: ReceiveMessage, invoke the scale function
 * with the batch, DeleteMessage unless it reported the record as failed.
 */
export async function sqsDelivery(sqs: SQSClient, queueName: string, scale: WorkflowHandlers['scale']): Promise<ScaleDelivery> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  const queueArn = `arn:aws:sqs:eu-west-1:000000000000:${queueName}`;
  return async (groupId, body) => {
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: groupId }));
    let receives = 0;
    while (receives < MAX_RECEIVES) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: VISIBILITY_SECONDS, MessageSystemAttributeNames: ['All'] }));
      const message = out.Messages?.[0];
      // Nothing visible: an earlier message of the group is in flight, or this one waits out its visibility timeout.
      if (!message) break;
      receives += 1;
      const response = await scale(toEvent(message, queueArn), lambdaContext('scale'));
      if (!response || !response.batchItemFailures.some((f) => f.itemIdentifier === message.MessageId)) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
        if (message.Body === body) break;
      }
    }
    return receives;
  };
}
