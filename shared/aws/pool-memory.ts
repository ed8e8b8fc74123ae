import { expiresAtAttribute } from './pool-state-item.js';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PoolMemory, PoolMemoryPort } from './ports.js';
import { callAws } from './errors.js';


export interface PoolMemoryOptions {
  /** Epoch ms. */
  now?: () => number;
}

function readNumber(value: AttributeValue | undefined): number | null {
  if (value?.N === undefined) return null;
  const n = Number(value.N);
  return Number.isFinite(n) ? n : null;
}

/**
 * Per-pool memory in a DynamoDB table keyed by `pool` (S). An unreadable `scaleInWantedSince` is
 * read as null: that only restarts the scale-in stabilisation window (the safe side), and the next
 * put repairs the item.
 */
export function createPoolMemoryPort(
  client: DynamoDBClient,
  tableName: string,
  options: PoolMemoryOptions = {},
): PoolMemoryPort {
  const now = options.now ?? Date.now;
  return {
    async get(pool) {
      const out = await callAws(`GetItem(${tableName}, ${pool})`, () =>
        client.send(new GetItemCommand({ TableName: tableName, Key: { pool: { S: pool } }, ConsistentRead: true })),
      );
      if (!out.Item) return null;
      // TTL deletion lags by up to days; an expired item must not revive an old stabilisation window.
      const expiresAt = readNumber(out.Item.expiresAt);
      if (expiresAt !== null && expiresAt * 1000 <= now()) return null;
      return { scaleInWantedSince: readNumber(out.Item.scaleInWantedSince) };
    },

    async put(pool, memory: PoolMemory) {
      const item: Record<string, AttributeValue> = {
        pool: { S: pool },
        expiresAt: expiresAtAttribute(now()),
      };
      if (memory.scaleInWantedSince !== null) item.scaleInWantedSince = { N: String(memory.scaleInWantedSince) };
      await callAws(`PutItem(${tableName}, ${pool})`, () => client.send(new PutItemCommand({ TableName: tableName, Item: item })));
    },
  };
}
