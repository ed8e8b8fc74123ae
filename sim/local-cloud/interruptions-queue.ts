import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsRecord } from '../local-workflow.js';
import { EPOCH_MS, type SimCloudEvent } from '../types.js';
import { eventBridgeEvent } from './event-bridge.js';
import { ACCOUNT_ID } from './request-context.js';
import { LocalQueue } from './sqs-queue.js';

/** The interruptions queue as serverless.yml configures it: VisibilityTimeout, then the dead-letter queue after maxReceiveCount. */
export const INTERRUPTIONS_QUEUE = { visibilitySeconds: 60, maxReceives: 70 } as const;

const QUEUE_NAME = 'mesos-autoscaler-sim-interruptions';
const QUEUE_ARN = `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:${QUEUE_NAME}`;

type Kind = SimCloudEvent['kind'];

const uuid = (n: number, tag: string) => `${n.toString(16).padStart(8, '0')}-${tag}-4000-8000-${n.toString(16).padStart(12, '0')}`;

/**
 * EventBridge rules → the interruptions queue (standard SQS) → the interruptions function (batch
 * size 1, ReportBatchItemFailures), in virtual seconds: a record the function reports as failed (or
 * whose invocation failed) is received again once its visibility timeout has passed — the retry of
 * a failure and the wait loop of a held termination alike — until it goes to the dead-letter queue.
 */
export class InterruptionsQueue {
  /** Events handed to the function at least once, per kind. */
  readonly delivered: Record<Kind, number> = { 'spot-interruption': 0, 'rebalance-recommendation': 0, 'terminate-lifecycle-action': 0 };
  private readonly queue = new LocalQueue(QUEUE_NAME, {
    visibilityTimeoutSeconds: INTERRUPTIONS_QUEUE.visibilitySeconds,
    maxReceiveCount: INTERRUPTIONS_QUEUE.maxReceives,
    clockUnitMs: 1000,
  });
  /** The kind of each message's event, by message id, until its first receive. */
  private readonly kinds = new Map<string, Kind>();
  private sent = 0;

  constructor(private readonly handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>) {}

  get deadLettered(): number {
    return this.queue.deadLettered;
  }

  /** Each event becomes one message, visible at once. */
  publish(events: readonly SimCloudEvent[], t: number): void {
    for (const event of events) {
      this.sent += 1;
      const { messageId } = this.queue.send({ body: JSON.stringify(eventBridgeEvent(event, uuid(this.sent, 'e7b2'))) }, t);
      this.kinds.set(messageId, event.kind);
    }
  }

  /** When the next message becomes visible (virtual seconds); Infinity when the queue is empty. */
  nextVisibleAt(): number {
    return this.queue.nextVisibleAt();
  }

  /** Receives every message visible at `t`, in the order they were sent, and hands each to the function. */
  async deliver(t: number): Promise<void> {
    for (;;) {
      const [message] = this.queue.receive(1, INTERRUPTIONS_QUEUE.visibilitySeconds, t);
      if (message === undefined) return;
      const kind = this.kinds.get(message.messageId);
      if (kind !== undefined) {
        this.kinds.delete(message.messageId);
        this.delivered[kind] += 1;
      }
      const epochMs = (s: number) => String(Math.round(EPOCH_MS + s * 1000));
      const record = sqsRecord({
        messageId: message.messageId, receiptHandle: message.receiptHandle!, body: message.body, queueArn: QUEUE_ARN,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount), SentTimestamp: epochMs(message.sentAt),
          ApproximateFirstReceiveTimestamp: epochMs(message.firstReceivedAt!), SenderId: 'events.amazonaws.com',
        },
      });
      // A failed invocation returns the whole batch to the queue, as the event source mapping does.
      const failed = await this.handler({ Records: [record] }).then(
        (response) => response?.batchItemFailures.some((f) => f.itemIdentifier === message.messageId) ?? false,
        () => true,
      );
      if (!failed) this.queue.delete(message.receiptHandle!);
    }
  }
}
