import { DynamoDBClient, GetItemCommand, PutItemCommand, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createDrainLedger } from '../../shared/aws/drain-ledger.js';
import type { DrainRecord } from '../../shared/aws/ports.js';
import { AutoscalerError, ErrorNames } from '../../shared/model/errors.js';

const ddbMock = mockClient(DynamoDBClient);
const NOW = Date.parse('2025-03-01T10:00:00Z');
const ledger = createDrainLedger(new DynamoDBClient({}), 'autoscaler-memory', { now: () => NOW });
const expiresAt = { N: String(NOW / 1000 + 7 * 24 * 3600) };

function record(n: number, extra: Partial<DrainRecord> = {}): DrainRecord {
  return {
    pool: 'batch',
    agentId: `agent-${n}`,
    instanceId: `i-00${n}`,
    hostname: `ip-10-0-0-${n}.internal`,
    ip: `10.0.0.${n}`,
    executionId: 'arn:aws:states:eu-west-1:000000000000:execution:autoscaler:run-1',
    startedAt: NOW - n * 1000,
    deadline: NOW + 3600_000,
    mode: 'soft',
    ...extra,
  };
}

function stored(drains: unknown): { Item: Record<string, AttributeValue> } {
  return { Item: { pool: { S: 'drains#batch' }, drains: { S: JSON.stringify(drains) }, expiresAt } };
}

const written = (call = 0) => {
  const item = ddbMock.commandCalls(PutItemCommand)[call]?.args[0].input.Item;
  return { item, drains: JSON.parse(item?.drains?.S ?? 'null') as unknown };
};

beforeEach(() => ddbMock.reset());

describe('list', () => {
  it('reads the pool item drains#<pool> with a consistent read', async () => {
    ddbMock.on(GetItemCommand).resolves(stored([record(1), record(2, { mode: 'hard' })]));

    expect(await ledger.list('batch')).toEqual([record(1), record(2, { mode: 'hard' })]);
    expect(ddbMock).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: 'autoscaler-memory',
      Key: { pool: { S: 'drains#batch' } },
      ConsistentRead: true,
    });
  });

  it('keeps an empty IP (an agent whose pid carries none)', async () => {
    ddbMock.on(GetItemCommand).resolves(stored([record(1, { ip: '' })]));
    expect(await ledger.list('batch')).toEqual([record(1, { ip: '' })]);
  });

  it('is empty when the pool has no ledger item', async () => {
    ddbMock.on(GetItemCommand).resolves({});
    expect(await ledger.list('batch')).toEqual([]);
  });

  it('still lists an item past its expiry: drains never vanish on read', async () => {
    ddbMock.on(GetItemCommand).resolves({ Item: { ...stored([record(1)]).Item, expiresAt: { N: String(NOW / 1000 - 60) } } });
    expect(await ledger.list('batch')).toEqual([record(1)]);
  });

  it.each([
    ['no drains attribute', { pool: { S: 'drains#batch' } }, 'its drains attribute is not a string'],
    ['a number attribute', { pool: { S: 'drains#batch' }, drains: { N: '1' } }, 'its drains attribute is not a string'],
    ['text that is not JSON', { pool: { S: 'drains#batch' }, drains: { S: '[{' } }, 'its drains attribute is not JSON'],
    ['a JSON object', { pool: { S: 'drains#batch' }, drains: { S: '{}' } }, 'not a JSON array'],
    ['an entry without agentId', stored([{ ...record(1), agentId: undefined }]).Item, 'an entry has no agentId'],
    ['an entry without ip', stored([{ ...record(1), ip: null }]).Item, 'the entry of agent agent-1 has no ip'],
    ['an entry of another pool', stored([record(1, { pool: 'web' })]).Item, 'an entry belongs to pool web'],
    ['an entry with a text deadline', stored([{ ...record(1), deadline: 'soon' }]).Item, 'the entry of agent agent-1 has no valid deadline'],
    ['an entry with an unknown mode', stored([{ ...record(1), mode: 'gentle' }]).Item, 'the entry of agent agent-1 has mode gentle'],
    ['a null entry', stored([null]).Item, 'an entry is not an object'],
  ])('refuses a ledger with %s (InvalidInput naming the item)', async (_, item, why) => {
    ddbMock.on(GetItemCommand).resolves({ Item: item as Record<string, AttributeValue> });
    const err = await ledger.list('batch').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutoscalerError);
    expect((err as AutoscalerError).name).toBe(ErrorNames.InvalidInput);
    expect((err as AutoscalerError).message).toContain('drains#batch in autoscaler-memory');
    expect((err as AutoscalerError).message).toContain(why);
  });

  it('maps a DynamoDB error to AwsUnavailable', async () => {
    ddbMock.on(GetItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const err = await ledger.list('batch').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutoscalerError);
    expect((err as AutoscalerError).name).toBe(ErrorNames.AwsUnavailable);
    expect((err as AutoscalerError).message).toContain('GetItem(autoscaler-memory, drains#batch) failed: ProvisionedThroughputExceededException: slow down');
  });
});

describe('put', () => {
  it('creates the ledger item with the record and a 7-day expiry', async () => {
    ddbMock.on(GetItemCommand).resolves({});
    ddbMock.on(PutItemCommand).resolves({});

    await ledger.put(record(1));

    const { item, drains } = written();
    expect(item?.pool).toEqual({ S: 'drains#batch' });
    expect(item?.expiresAt).toEqual(expiresAt);
    expect(drains).toEqual([record(1)]);
    expect(ddbMock.commandCalls(PutItemCommand)[0]?.args[0].input.TableName).toBe('autoscaler-memory');
    expect(ddbMock.commandCalls(PutItemCommand)[0]?.args[0].input.ConditionExpression).toBeUndefined();
  });

  it('adds to the drains already there and replaces the record of the same agent', async () => {
    ddbMock.on(GetItemCommand).resolves(stored([record(1), record(2)]));
    ddbMock.on(PutItemCommand).resolves({});

    await ledger.put(record(2, { mode: 'hard' }));
    await ledger.put(record(3));

    expect(written(0).drains).toEqual([record(1), record(2, { mode: 'hard' })]);
    expect(written(1).drains).toEqual([record(1), record(2), record(3)]);
  });

  it('writes nothing when the stored ledger is unreadable', async () => {
    ddbMock.on(GetItemCommand).resolves({ Item: { pool: { S: 'drains#batch' }, drains: { S: 'oops' } } });
    await expect(ledger.put(record(1))).rejects.toMatchObject({ name: ErrorNames.InvalidInput });
    expect(ddbMock).toHaveReceivedCommandTimes(PutItemCommand, 0);
  });

  it('maps a failed write to AwsUnavailable', async () => {
    ddbMock.on(GetItemCommand).resolves({});
    ddbMock.on(PutItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(ledger.put(record(1))).rejects.toMatchObject({ name: ErrorNames.AwsUnavailable });
  });
});

describe('remove', () => {
  it('writes the ledger without the agent', async () => {
    ddbMock.on(GetItemCommand).resolves(stored([record(1), record(2)]));
    ddbMock.on(PutItemCommand).resolves({});

    await ledger.remove('batch', 'agent-1');

    expect(written().drains).toEqual([record(2)]);
    expect(written().item?.expiresAt).toEqual(expiresAt);
  });

  it('leaves an empty list when the last drain goes', async () => {
    ddbMock.on(GetItemCommand).resolves(stored([record(1)]));
    ddbMock.on(PutItemCommand).resolves({});
    await ledger.remove('batch', 'agent-1');
    expect(written().drains).toEqual([]);
  });

  it('writes nothing for an agent the ledger does not list', async () => {
    ddbMock.on(GetItemCommand).resolves(stored([record(1)]));
    await ledger.remove('batch', 'agent-9');
    ddbMock.on(GetItemCommand).resolves({});
    await ledger.remove('batch', 'agent-1');
    expect(ddbMock).toHaveReceivedCommandTimes(PutItemCommand, 0);
  });
});
