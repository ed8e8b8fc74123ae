import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { lambdaContext, SCALE_QUEUE, sqsRecord, type ScaleDelivery, type WorkflowHandlers } from '../local-workflow.js';


function toEvent(m: Message, queueArn: string): SQSEvent {
  const a = m.Attributes ?? {};
  return {
    Records: [
      sqsRecord({
        messageId: m.MessageId!, receiptHandle: m.ReceiptHandle!, body: m.Body!, queueArn, md5OfBody: m.MD5OfBody ?? '',
        attributes: {
          ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1', SentTimestamp: a.SentTimestamp ?? '0',
          ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? '0', MessageGroupId: a.MessageGroupId,
          MessageDeduplicationId: a.MessageDeduplicationId, SequenceNumber: a.SequenceNumber,
          ...(a.SenderId ? { SenderId: a.SenderId } : {}),
        },
      }),
    ],
  };
}

export interface ScaleQueueConsumer {
  /** The queue's URL, as GetQueueUrl gives it (what SCALE_QUEUE_URL holds in Lambda). */
  queueUrl: string;
  /**
   * The Scale step over the wire: SendMessage to the FIFO queue (what sqs:sendMessage.waitForTaskToken
   * does), then what the Lambda event source mapping does: ReceiveMessage, invoke the scale function
   * with the batch, DeleteMessage unless it reported the record as failed.
   */
  deliver: ScaleDelivery;
  /** The event source mapping for messages other functions sent (drains to record): every visible one is handled. */
  pump(): Promise<void>;
}

export async function scaleQueueConsumer(sqs: SQSClient, queueName: string, scale: WorkflowHandlers['scale']): Promise<ScaleQueueConsumer> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  const queueArn = `arn:aws:sqs:eu-west-1:000000000000:${queueName}`;

  /** One receive and its handling; null when nothing is visible (an earlier message of the group is in flight, or waits out its visibility timeout). */
  async function handleOne(): Promise<{ body: string; deleted: boolean } | null> {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: SCALE_QUEUE.visibilitySeconds, MessageSystemAttributeNames: ['All'] }));
    const message = out.Messages?.[0];
    if (!message) return null;
    const response = await scale(toEvent(message, queueArn), lambdaContext('scale'));
    const deleted = !response || !response.batchItemFailures.some((f) => f.itemIdentifier === message.MessageId);
    if (deleted) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    return { body: message.Body!, deleted };
  }

  return {
    queueUrl: QueueUrl!,
    async deliver(groupId, body) {
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: groupId }));
      let receives = 0;
      while (receives < SCALE_QUEUE.maxReceives) {
        const handled = await handleOne();
        if (!handled) break;
        receives += 1;
        if (handled.deleted && handled.body === body) break;
      }
      return receives;
    },
    async pump() {
      while ((await handleOne()) !== null);
    },
  };
}
