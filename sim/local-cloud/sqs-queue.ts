import { createHash, randomUUID } from 'node:crypto';

/** A message attribute as SQS carries it (`{"DataType":"String","StringValue":"scale"}`). */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
  /** FIFO only. */
  readonly groupId: string | null;
  readonly deduplicationId: string | null;
  readonly sequenceNumber: string | null;
  /** On the queue's clock, as the times below. */
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt: number | null;
  /** From when the message may be received (again). */
  visibleAt: number;
  /** The handle of the latest receive; null before the first. */
  receiptHandle: string | null;
}

export interface SendInput {
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
  groupId?: string;
  deduplicationId?: string;
  /** Standard queues only (FIFO queues delay per queue, not per message). */
  delaySeconds?: number;
}

export interface QueueOptions {
  /** FIFO: derive the deduplication id from the body when the sender gives none. */
  contentBasedDeduplication?: boolean;
  /** Used when ReceiveMessage names none (SQS's default is 30 s). */
  visibilityTimeoutSeconds?: number;
  /** The redrive policy's maxReceiveCount: a message received this often goes to the dead-letter queue at its next receive. */
  maxReceiveCount?: number;
  /** Milliseconds per unit of the `now` callers pass: 1 for epoch ms (the default), 1000 for a clock in seconds. */
  clockUnitMs?: number;
}

/** How long SQS remembers a FIFO deduplication id. */
const DEDUPLICATION_WINDOW_MS = 5 * 60 * 1000;

/**
 * One SQS queue in memory, on a caller-supplied clock (epoch ms unless `clockUnitMs` says
 * otherwise), so visibility timeouts follow the simulator's virtual time. FIFO when the name ends
 * in `.fifo`: messages of one group are delivered in order and a group with a message in flight
 * delivers nothing else.
 */
export class LocalQueue {
  readonly fifo: boolean;
  readonly visibilityTimeoutSeconds: number;
  /** Messages moved to the dead-letter queue. */
  deadLettered = 0;
  private readonly contentBasedDeduplication: boolean;
  private readonly maxReceiveCount: number;
  private readonly clockUnitMs: number;
  private readonly stored: QueueMessage[] = [];
  private readonly deduplication = new Map<string, { messageId: string; sequenceNumber: string | null; at: number }>();
  private sequence = 0n;

  constructor(
    readonly name: string,
    options: QueueOptions = {},
  ) {
    this.fifo = name.endsWith('.fifo');
    this.contentBasedDeduplication = options.contentBasedDeduplication ?? false;
    this.visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
    this.maxReceiveCount = options.maxReceiveCount ?? Infinity;
    this.clockUnitMs = options.clockUnitMs ?? 1;
  }

  /** Messages not yet deleted, in send order (for inspection). */
  get messages(): readonly QueueMessage[] {
    return this.stored;
  }

  /** Whether a FIFO send without a deduplication id is acceptable. */
  get derivesDeduplicationIds(): boolean {
    return this.contentBasedDeduplication;
  }

  /**
   * Stores a message; a FIFO duplicate within five minutes is not stored again and gets the
   * first one's id, as SQS answers it.
   */
  send(input: SendInput, now: number): { messageId: string; sequenceNumber: string | null } {
    if (this.fifo && !input.groupId) throw new Error(`${this.name}: a FIFO message needs a group id`);
    const deduplicationId = this.fifo ? (input.deduplicationId ?? this.contentDeduplicationId(input.body)) : null;
    if (deduplicationId !== null) {
      const seen = this.deduplication.get(deduplicationId);
      if (seen !== undefined && now - seen.at < this.fromMs(DEDUPLICATION_WINDOW_MS)) return { messageId: seen.messageId, sequenceNumber: seen.sequenceNumber };
    }
    this.sequence += 1n;
    const message: QueueMessage = {
      messageId: randomUUID(),
      body: input.body,
      attributes: { ...input.attributes },
      groupId: this.fifo ? input.groupId! : null,
      deduplicationId,
      // SQS sequence numbers are 20-digit decimal strings that grow within a group.
      sequenceNumber: this.fifo ? (18_849_496_460_467_696_128n + this.sequence).toString() : null,
      sentAt: now,
      receiveCount: 0,
      firstReceivedAt: null,
      visibleAt: now + (this.fifo ? 0 : this.fromMs((input.delaySeconds ?? 0) * 1000)),
      receiptHandle: null,
    };
    this.stored.push(message);
    if (deduplicationId !== null) this.deduplication.set(deduplicationId, { messageId: message.messageId, sequenceNumber: message.sequenceNumber, at: now });
    return { messageId: message.messageId, sequenceNumber: message.sequenceNumber };
  }

  /**
   * Up to `max` visible messages, each hidden for `visibilityTimeoutSeconds` and given a new receipt
   * handle. A visible message already received `maxReceiveCount` times goes to the dead-letter queue instead.
   */
  receive(max: number, visibilityTimeoutSeconds: number, now: number): QueueMessage[] {
    const inFlight = new Set<string>();
    if (this.fifo) {
      for (const m of this.stored) if (m.visibleAt > now && m.groupId !== null) inFlight.add(m.groupId);
    }
    const taken: QueueMessage[] = [];
    for (let i = 0; i < this.stored.length && taken.length < max; i++) {
      const message = this.stored[i]!;
      if (message.visibleAt > now) continue;
      if (message.groupId !== null && inFlight.has(message.groupId)) continue;
      if (message.receiveCount >= this.maxReceiveCount) {
        this.stored.splice(i--, 1);
        this.deadLettered += 1;
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + this.fromMs(visibilityTimeoutSeconds * 1000);
      message.receiptHandle = `${message.messageId}#${randomUUID()}`;
      taken.push(message);
    }
    return taken;
  }

  /** When the next message becomes visible, on the queue's clock; Infinity when the queue is empty. */
  nextVisibleAt(): number {
    let next = Infinity;
    for (const m of this.stored) if (m.visibleAt < next) next = m.visibleAt;
    return next;
  }

  /** Whether `receive` at `now` has a message to look at (it may still take none: a FIFO group with one in flight). */
  hasVisible(now: number): boolean {
    return this.nextVisibleAt() <= now;
  }

  /** Deletes the message whose latest receipt handle this is; false when there is none. */
  delete(receiptHandle: string): boolean {
    const index = this.stored.findIndex((m) => m.receiptHandle === receiptHandle);
    if (index < 0) return false;
    this.stored.splice(index, 1);
    return true;
  }

  /** A duration in ms on the queue's clock. */
  private fromMs(ms: number): number {
    return ms / this.clockUnitMs;
  }

  private contentDeduplicationId(body: string): string {
    if (!this.contentBasedDeduplication) throw new Error(`${this.name}: a FIFO message needs a deduplication id (content-based deduplication is off)`);
    return createHash('sha256').update(body, 'utf8').digest('hex');
  }
}
