import { expiresAtAttribute } from './pool-state-item.js';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PoolMemory, PoolMemoryPort, RequirementRecord } from './ports.js';
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

function readRecords(value: AttributeValue | undefined): RequirementRecord[] | null {
  if (value?.L === undefined) return null;
  const records: RequirementRecord[] = [];
  for (const entry of value.L) {
    const at = readNumber(entry.M?.at);
    const agents = readNumber(entry.M?.agents);
    if (at === null || agents === null) return null;
    const demand = readNumber(entry.M?.demand);
    records.push(demand === null ? { at, agents } : { at, agents, demand });
  }
  return records;
}

/**
 * Per-pool memory in a DynamoDB table keyed by `pool` (S): the requirements of recent decisions
 * (`recent`, a list of {at, agents, demand?}) and since when that record is unbroken (`since`). Anything
 * unreadable is read as no memory: that only restarts the scale-in stabilisation window (the safe
 * side), and the next put repairs the item.
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
      const since = readNumber(out.Item.since);
      const recent = readRecords(out.Item.recent);
      return since === null || recent === null ? { since: null, recent: [] } : { since, recent };
    },

    async put(pool, memory: PoolMemory) {
      const item: Record<string, AttributeValue> = {
        pool: { S: pool },
        expiresAt: expiresAtAttribute(now()),
      };
      if (memory.since !== null) {
        item.since = { N: String(memory.since) };
        item.recent = {
          L: memory.recent.map((r) => ({
            M: { at: { N: String(r.at) }, agents: { N: String(r.agents) }, ...(r.demand === undefined ? {} : { demand: { N: String(r.demand) } }) },
          })),
        };
      }
      await callAws(`PutItem(${tableName}, ${pool})`, () => client.send(new PutItemCommand({ TableName: tableName, Item: item })));
    },
  };
}
