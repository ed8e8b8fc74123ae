import { DynamoDBClient, GetItemCommand, PutItemCommand, ProvisionedThroughputExceededException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createPoolMemoryPort } from '../../shared/aws/pool-memory.js';
import { AutoscalerError, ErrorNames } from '../../shared/model/errors.js';

const ddbMock = mockClient(DynamoDBClient);
const NOW = Date.parse('2025-03-01T10:00:00Z');
const port = createPoolMemoryPort(new DynamoDBClient({}), 'autoscaler-memory', { now: () => NOW });
const nowSeconds = NOW / 1000;
// The older record predates the demand field; the newer one carries it (both are read and written as they are).
const RECENT: AttributeValue = { L: [{ M: { at: { N: '1740822000000' }, agents: { N: '12' } } }, { M: { at: { N: '1740822060000' }, agents: { N: '11' }, demand: { N: '10.25' } } }] };
const MEMORY = { since: 1740821400000, recent: [{ at: 1740822000000, agents: 12 }, { at: 1740822060000, agents: 11, demand: 10.25 }] };

beforeEach(() => ddbMock.reset());

describe('get', () => {
  it('reads the item by pool with a consistent read', async () => {
    ddbMock.on(GetItemCommand).resolves({
      Item: { pool: { S: 'batch' }, since: { N: '1740821400000' }, recent: RECENT, expiresAt: { N: String(nowSeconds + 60) } },
    });

    expect(await port.get('batch')).toEqual(MEMORY);
    expect(ddbMock).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: 'autoscaler-memory',
      Key: { pool: { S: 'batch' } },
      ConsistentRead: true,
    });
  });

  it('returns null for a missing item', async () => {
    ddbMock.on(GetItemCommand).resolves({});
    expect(await port.get('batch')).toBeNull();
  });

  it.each([
    ['no record', {}],
    ['a record without its start', { recent: RECENT }],
    ['a start without its record', { since: { N: '1740821400000' } }],
    ['an entry with no agents', { since: { N: '1' }, recent: { L: [{ M: { at: { N: '1' } } }] } }],
    ['an entry that is not a number', { since: { N: '1' }, recent: { L: [{ M: { at: { N: 'x' }, agents: { N: '3' } } }] } }],
  ])('reads %s as an empty record (the stabilisation window restarts)', async (_what, attributes) => {
    ddbMock.on(GetItemCommand).resolves({ Item: { pool: { S: 'batch' }, ...attributes, expiresAt: { N: String(nowSeconds + 60) } } });
    expect(await port.get('batch')).toEqual({ since: null, recent: [] });
  });

  it('ignores an item past its expiry that TTL has not deleted yet', async () => {
    ddbMock.on(GetItemCommand).resolves({
      Item: { pool: { S: 'batch' }, since: { N: '1' }, recent: RECENT, expiresAt: { N: String(nowSeconds - 1) } },
    });
    expect(await port.get('batch')).toBeNull();
  });

  it('maps a DynamoDB error to AwsUnavailable', async () => {
    ddbMock.on(GetItemCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const err = await port.get('batch').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutoscalerError);
    expect((err as AutoscalerError).name).toBe(ErrorNames.AwsUnavailable);
    expect((err as AutoscalerError).message).toContain('ProvisionedThroughputExceededException: slow down');
  });
});

describe('put', () => {
  it('writes the record, its start and an expiry 7 days ahead in epoch seconds', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    await port.put('batch', MEMORY);
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'autoscaler-memory',
      Item: {
        pool: { S: 'batch' },
        since: { N: '1740821400000' },
        recent: RECENT,
        expiresAt: { N: String(nowSeconds + 7 * 24 * 3600) },
      },
    });
  });

  it('leaves the record out when it has no start', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    await port.put('batch', { since: null, recent: [] });
    const item = ddbMock.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    expect(item).toEqual({ pool: { S: 'batch' }, expiresAt: { N: String(nowSeconds + 7 * 24 * 3600) } });
  });

  it('round-trips through get', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    await port.put('batch', MEMORY);
    const item = ddbMock.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    ddbMock.on(GetItemCommand).resolves({ Item: item });
    expect(await port.get('batch')).toEqual(MEMORY);
  });
});
