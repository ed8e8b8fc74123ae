import { expiresAtAttribute } from './pool-state-item.js';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { isObject } from '../model/guards.js';
import type { DrainLedgerPort, DrainRecord } from './ports.js';
import { callAws } from './errors.js';


export interface DrainLedgerOptions {
  /** Epoch ms. */
  now?: () => number;
}

/**
 * The item key of a pool's ledger. Pool names come from SSM parameter names, which cannot contain
 * `#`, so the key never collides with a pool memory item (keyed by the bare pool name).
 */
function drainLedgerKey(pool: string): string {
  return `drains#${pool}`;
}

/** The fields that identify a drain; host name and IP may be empty (an agent whose pid carries no IP). */
const ID_FIELDS = ['pool', 'agentId', 'instanceId', 'executionId'] as const;

function parseRecord(value: unknown, pool: string): DrainRecord | string {
  if (!isObject(value)) return 'an entry is not an object';
  for (const name of ID_FIELDS) {
    if (typeof value[name] !== 'string' || value[name] === '') return `an entry has no ${name}`;
  }
  for (const name of ['hostname', 'ip'] as const) {
    if (typeof value[name] !== 'string') return `the entry of agent ${String(value.agentId)} has no ${name}`;
  }
  if (value.pool !== pool) return `an entry belongs to pool ${String(value.pool)}`;
  for (const name of ['startedAt', 'deadline'] as const) {
    if (typeof value[name] !== 'number' || !Number.isFinite(value[name])) return `the entry of agent ${String(value.agentId)} has no valid ${name}`;
  }
  if (value.mode !== 'soft' && value.mode !== 'hard') return `the entry of agent ${String(value.agentId)} has mode ${String(value.mode)}`;
  return {
    pool,
    agentId: value.agentId as string,
    instanceId: value.instanceId as string,
    hostname: value.hostname as string,
    ip: value.ip as string,
    executionId: value.executionId as string,
    startedAt: value.startedAt as number,
    deadline: value.deadline as number,
    mode: value.mode,
  };
}

/** A ledger that cannot be read must fail loudly: read as empty, its drains would be stranded. */
function parseLedger(json: string | undefined, pool: string, where: string): DrainRecord[] {
  const invalid = (why: string) =>
    new AutoscalerError(
      ErrorNames.InvalidInput,
      `the drain ledger ${where} is unreadable (${why}); agents it lists may still be draining: fix or delete the item after checking them in Mesos`,
    );
  if (json === undefined) throw invalid('its drains attribute is not a string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalid('its drains attribute is not JSON');
  }
  if (!Array.isArray(parsed)) throw invalid('its drains attribute is not a JSON array');
  return parsed.map((entry) => {
    const record = parseRecord(entry, pool);
    if (typeof record === 'string') throw invalid(record);
    return record;
  });
}

/**
 * The drains in progress, one DynamoDB item per pool (`pool` = `drains#<pool>`) in the pool memory's
 * table, its `drains` attribute a JSON array of DrainRecord. Every change is a read-modify-write
 * without a condition: only the scale function writes the ledger, and the SQS FIFO queue hands it
 * one message per ASG (per pool) at a time, so no two writers race on one item.
 *
 * An item past `expiresAt` that TTL has not deleted yet is still read: an expired ledger is one no
 * run has touched for days, and hiding it would strand its drains just the same.
 */
export function createDrainLedger(client: DynamoDBClient, tableName: string, options: DrainLedgerOptions = {}): DrainLedgerPort {
  const now = options.now ?? Date.now;

  async function read(pool: string): Promise<DrainRecord[]> {
    const key = drainLedgerKey(pool);
    const out = await callAws(`GetItem(${tableName}, ${key})`, () =>
      client.send(new GetItemCommand({ TableName: tableName, Key: { pool: { S: key } }, ConsistentRead: true })),
    );
    if (!out.Item) return [];
    return parseLedger(out.Item.drains?.S, pool, `${key} in ${tableName}`);
  }

  async function write(pool: string, drains: readonly DrainRecord[]): Promise<void> {
    const key = drainLedgerKey(pool);
    await callAws(`PutItem(${tableName}, ${key})`, () =>
      client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pool: { S: key },
            drains: { S: JSON.stringify(drains) },
            expiresAt: expiresAtAttribute(now()),
          },
        }),
      ),
    );
  }

  return {
    list: read,

    async put(record) {
      const drains = await read(record.pool);
      const others = drains.filter((d) => d.agentId !== record.agentId);
      await write(record.pool, [...others, { ...record }]);
    },

    async remove(pool, agentId) {
      const drains = await read(pool);
      const kept = drains.filter((d) => d.agentId !== agentId);
      if (kept.length !== drains.length) await write(pool, kept);
    },
  };
}
