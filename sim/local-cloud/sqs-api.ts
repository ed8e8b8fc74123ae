import { createHash } from 'node:crypto';
import type { AwsBackend } from './aws-backend.js';
import { fields, type JsonInput } from './json-fields.js';
import { ACCOUNT_ID, type RequestContext } from './request-context.js';
import type { LocalQueue, MessageAttributeValue, QueueMessage } from './sqs-queue.js';
import { WireError } from './wire-error.js';

/** The SDK checks MD5OfMessageBody / MD5OfBody against md5 of the UTF-8 body and throws on a mismatch. */
function md5hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

const missingParameter = (name: string) => new WireError('MissingParameter', `The request must contain the parameter ${name}.`);
const invalidValue = (message: string) => new WireError('InvalidParameterValue', message);

function integerIn(value: number | null, name: string, min: number, max: number): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidValue(`Value ${value} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}, if provided.`);
  }
  return value;
}

/** The system attributes of a received message, all strings as SQS sends them. */
function systemAttributes(message: QueueMessage): Record<string, string> {
  const attributes: Record<string, string> = {
    SenderId: ACCOUNT_ID,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
  };
  if (message.groupId !== null) attributes.MessageGroupId = message.groupId;
  if (message.deduplicationId !== null) attributes.MessageDeduplicationId = message.deduplicationId;
  if (message.sequenceNumber !== null) attributes.SequenceNumber = message.sequenceNumber;
  return attributes;
}

/** `All`, `.*`, exact names and `prefix.*`, as ReceiveMessage's MessageAttributeNames allows. */
function wantsAttribute(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => p === 'All' || p === '.*' || p === name || (p.endsWith('.*') && name.startsWith(p.slice(0, -1))));
}

function pick<T>(all: Readonly<Record<string, T>>, wanted: (name: string) => boolean): Record<string, T> | null {
  const picked = Object.entries(all).filter(([name]) => wanted(name));
  return picked.length === 0 ? null : Object.fromEntries(picked);
}

function messageAttributes(input: JsonInput): Record<string, MessageAttributeValue> | undefined {
  const raw = fields(input, 'InvalidParameterValue').optionalObject('MessageAttributes');
  if (raw === null) return undefined;
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(raw)) {
    const v = value as Partial<MessageAttributeValue> | null;
    if (typeof v?.DataType !== 'string') throw invalidValue(`The message attribute '${name}' must contain a non-empty attribute type.`);
    out[name] = { DataType: v.DataType, ...(v.StringValue === undefined ? {} : { StringValue: v.StringValue }), ...(v.BinaryValue === undefined ? {} : { BinaryValue: v.BinaryValue }) };
  }
  return out;
}

/**
 * SQS (JSON 1.0, query-compatible): GetQueueUrl, SendMessage, ReceiveMessage and DeleteMessage
 * over `backend.queues`, on `backend.now()`. Queue URLs are built from the request's Host header,
 * so the SDK keeps sending to this endpoint. ReceiveMessage answers at once: WaitTimeSeconds is
 * validated but a long poll would wait in real time while the queue lives in the backend's time.
 */
export function createSqsApi(backend: AwsBackend): (operation: string, input: JsonInput, context: RequestContext) => unknown {
  function queueNamed(name: string): LocalQueue {
    const queue = backend.queues.get(name);
    if (queue === undefined) {
      throw new WireError('QueueDoesNotExist', 'The specified queue does not exist.', { queryCode: 'AWS.SimpleQueueService.NonExistentQueue' });
    }
    return queue;
  }

  function queueOf(input: JsonInput): LocalQueue {
    const url = fields(input, 'InvalidParameterValue').optionalString('QueueUrl');
    if (url === null || url === '') throw missingParameter('QueueUrl');
    return queueNamed(url.replace(/\/+$/, '').split('/').pop()!);
  }

  function getQueueUrl(input: JsonInput, context: RequestContext) {
    const name = fields(input, 'InvalidParameterValue').optionalString('QueueName');
    if (name === null || name === '') throw missingParameter('QueueName');
    queueNamed(name);
    return { QueueUrl: `http://${context.host}/${ACCOUNT_ID}/${name}` };
  }

  function sendMessage(input: JsonInput) {
    const queue = queueOf(input);
    const f = fields(input, 'InvalidParameterValue');
    const body = f.optionalString('MessageBody');
    if (body === null || body === '') throw missingParameter('MessageBody');
    const groupId = f.optionalString('MessageGroupId');
    const deduplicationId = f.optionalString('MessageDeduplicationId');
    const delaySeconds = integerIn(f.optionalNumber('DelaySeconds'), 'DelaySeconds', 0, 900);
    if (queue.fifo) {
      if (!groupId) throw missingParameter('MessageGroupId');
      if (!deduplicationId && !queue.derivesDeduplicationIds) {
        throw invalidValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      if (delaySeconds !== null && delaySeconds > 0) {
        throw invalidValue(`Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
      }
    }
    const sent = queue.send(
      {
        body,
        attributes: messageAttributes(input),
        ...(groupId ? { groupId } : {}),
        ...(deduplicationId ? { deduplicationId } : {}),
        ...(delaySeconds === null ? {} : { delaySeconds }),
      },
      backend.now(),
    );
    return { MD5OfMessageBody: md5hex(body), MessageId: sent.messageId, ...(sent.sequenceNumber === null ? {} : { SequenceNumber: sent.sequenceNumber }) };
  }

  function receiveMessage(input: JsonInput) {
    const queue = queueOf(input);
    const f = fields(input, 'InvalidParameterValue');
    const max = integerIn(f.optionalNumber('MaxNumberOfMessages'), 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibility = integerIn(f.optionalNumber('VisibilityTimeout'), 'VisibilityTimeout', 0, 43200) ?? queue.visibilityTimeoutSeconds;
    integerIn(f.optionalNumber('WaitTimeSeconds'), 'WaitTimeSeconds', 0, 20);
    // Older callers name system attributes with the deprecated AttributeNames.
    const systemNames = [...(f.optionalStrings('MessageSystemAttributeNames') ?? []), ...(f.optionalStrings('AttributeNames') ?? [])];
    const attributeNames = f.optionalStrings('MessageAttributeNames') ?? [];
    const messages = queue.receive(max, visibility, backend.now());
    if (messages.length === 0) return {};
    return {
      Messages: messages.map((m) => {
        const attributes = pick(systemAttributes(m), (name) => systemNames.includes('All') || systemNames.includes(name));
        const userAttributes = pick(m.attributes, (name) => wantsAttribute(attributeNames, name));
        return {
          MessageId: m.messageId,
          ReceiptHandle: m.receiptHandle,
          MD5OfBody: md5hex(m.body),
          Body: m.body,
          ...(attributes === null ? {} : { Attributes: attributes }),
          ...(userAttributes === null ? {} : { MessageAttributes: userAttributes }),
        };
      }),
    };
  }

  function deleteMessage(input: JsonInput) {
    const queue = queueOf(input);
    const handle = fields(input, 'InvalidParameterValue').optionalString('ReceiptHandle');
    if (handle === null || handle === '') throw missingParameter('ReceiptHandle');
    if (!queue.delete(handle)) throw new WireError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, { status: 404 });
    return {};
  }

  return (operation, input, context) => {
    switch (operation) {
      case 'GetQueueUrl':
        return getQueueUrl(input, context);
      case 'SendMessage':
        return sendMessage(input);
      case 'ReceiveMessage':
        return receiveMessage(input);
      case 'DeleteMessage':
        return deleteMessage(input);
      default:
        throw new WireError('UnsupportedOperation', `The operation ${operation} is not supported by the local endpoint.`, { queryCode: 'AWS.SimpleQueueService.UnsupportedOperation' });
    }
  };
}
