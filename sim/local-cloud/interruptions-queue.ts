import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsRecord } from '../local-workflow.js';
import { EPOCH_MS, type SimCloudEvent } from '../types.js';
import { eventBridgeEvent } from './event-bridge.js';
import { ACCOUNT_ID } from './request-context.js';

/** The interruptions queue as serverless.yml configures it: VisibilityTimeout, then the dead-letter queue after maxReceiveCount. */
export const INTERRUPTIONS_QUEUE = { visibilitySeconds: 60, maxReceives: 70 } as const;

const QUEUE_ARN = `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:mesos-autoscaler-sim-interruptions`;

type Kind = SimCloudEvent['kind'];

interface Message {
  id: string;
  kind: Kind;
  body: string;
  /** Virtual seconds. */
  sentAt: number;
  visibleAt: number;
  firstReceivedAt: number;
  receives: number;
}

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
  deadLettered = 0;
  private messages: Message[] = [];
  private sent = 0;

  constructor(private readonly handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>) {}

  /** Each event becomes one message, visible at once. */
  publish(events: readonly SimCloudEvent[], t: number): void {
    for (const event of events) {
      this.sent += 1;
      const body = JSON.stringify(eventBridgeEvent(event, uuid(this.sent, 'e7b2')));
      this.messages.push({ id: uuid(this.sent, '5a9d'), kind: event.kind, body, sentAt: t, visibleAt: t, firstReceivedAt: Number.NaN, receives: 0 });
    }
  }

  /** When the next message becomes visible (virtual seconds); Infinity when the queue is empty. */
  nextVisibleAt(): number {
    let next = Infinity;
    for (const m of this.messages) if (m.visibleAt < next) next = m.visibleAt;
    return next;
  }

  /** Receives every message visible at `t`, in the order they were sent, and hands each to the function. */
  async deliver(t: number): Promise<void> {
    for (;;) {
      const message = this.messages.find((m) => m.visibleAt <= t);
      if (message === undefined) return;
      message.receives += 1;
      if (message.receives > INTERRUPTIONS_QUEUE.maxReceives) {
        this.remove(message);
        this.deadLettered += 1;
        continue;
      }
      if (message.receives === 1) {
        message.firstReceivedAt = t;
        this.delivered[message.kind] += 1;
      }
      message.visibleAt = t + INTERRUPTIONS_QUEUE.visibilitySeconds;
      const epochMs = (s: number) => String(Math.round(EPOCH_MS + s * 1000));
      const record = sqsRecord({
        messageId: message.id, receiptHandle: `${message.id}#${message.receives}`, body: message.body, queueArn: QUEUE_ARN,
        attributes: {
          ApproximateReceiveCount: String(message.receives), SentTimestamp: epochMs(message.sentAt),
          ApproximateFirstReceiveTimestamp: epochMs(message.firstReceivedAt), SenderId: 'events.amazonaws.com',
        },
      });
      // A failed invocation returns the whole batch to the queue, as the event source mapping does.
      const failed = await this.handler({ Records: [record] }).then(
        (response) => response?.batchItemFailures.some((f) => f.itemIdentifier === message.id) ?? false,
        () => true,
      );
      if (!failed) this.remove(message);
    }
  }

  private remove(message: Message): void {
    this.messages.splice(this.messages.indexOf(message), 1);
  }
}
