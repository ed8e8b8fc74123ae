import { describe, expect, it } from '@jest/globals';
import type { PoolMemory, PoolMemoryPort } from '../../../shared/aws/ports.js';
import { parseConfig } from '../../../shared/config/parse-config.js';
import { summarisePool } from '../../../shared/decide/summarise.js';
import { ErrorNames } from '../../../shared/model/errors.js';
import { parseProcessInput, processPool, type ProcessInput } from '../../../shared/process/process-pool.js';
import { resources } from '../../../shared/model/resources.js';
import { agent, asg, cluster, instance, task } from '../../support/fakes.js';
import { measured } from '../decide/builders.js';

const PREFIX = '/mesos-autoscaler/test/';
const NOW = 1_700_000_600_000;

function idlePool(stabilisationSeconds: number): ProcessInput {
  const cfg = parseConfig(PREFIX, new Map([
    [`${PREFIX}mesos/master-urls`, 'http://10.0.0.250:5050'],
    [`${PREFIX}pools/batch/asg-name`, 'asg-batch'],
    [`${PREFIX}pools/batch/scale-in-stabilisation-seconds`, String(stabilisationSeconds)],
    [`${PREFIX}pools/batch/cooldown-down-seconds`, '0'],
  ]));
  const pool = cfg.pools[0]!;
  const busy = agent(1, { used: resources({ cpus: 0.5, mem: 512 }) });
  const snapshot = summarisePool({
    pool, cluster: cluster([busy, agent(2), agent(3)], [task('agent-1')], { electedAt: null }),
    asg: asg([instance(1), instance(2), instance(3)]), activities: [],
    addresses: [1, 2, 3].map((n) => ({ instanceId: `i-00${n}`, privateIp: `10.0.0.${n}`, privateDnsName: null })), now: NOW,
  });
  return { pool: 'batch', executionId: 'exec-1', config: pool, snapshot };
}

class MemoryStore implements PoolMemoryPort {
  puts: PoolMemory[] = [];
  constructor(public value: PoolMemory | null, public failing = false) {}
  async get() {
    if (this.failing) throw new Error('DynamoDB unavailable');
    return this.value;
  }
  async put(_pool: string, memory: PoolMemory) {
    this.puts.push(memory);
    this.value = memory;
  }
}

const quiet = () => undefined;

describe('processPool', () => {
  it('records each run\'s requirement and scales in once the record covers the window', async () => {
    const store = new MemoryStore(null);
    const first = await processPool(idlePool(600), { memory: store, now: () => NOW, log: quiet });
    expect(first.action).toBe('none');
    expect(store.puts.map(measured)).toEqual([{ since: NOW, recent: [{ at: NOW, agents: 1 }] }]);
    const middle = await processPool(idlePool(600), { memory: store, now: () => NOW + 300_000, log: quiet });
    expect(middle.action).toBe('none');
    const later = await processPool(idlePool(600), { memory: store, now: () => NOW + 600_000, log: quiet });
    expect(later.action).toBe('scale-in');
    expect(store.puts).toHaveLength(3);
    expect(measured(store.value)).toEqual({ since: NOW, recent: [{ at: NOW, agents: 1 }, { at: NOW + 300_000, agents: 1 }, { at: NOW + 600_000, agents: 1 }] });
  });

  it('starts the record again after a gap longer than the window', async () => {
    const store = new MemoryStore({ since: NOW - 3_600_000, recent: [{ at: NOW - 601_000, agents: 1 }] });
    const plan = await processPool(idlePool(600), { memory: store, now: () => NOW, log: quiet });
    expect(plan.action).toBe('none');
    expect(measured(store.value)).toEqual({ since: NOW, recent: [{ at: NOW, agents: 1 }] });
  });

  it('never scales in when the memory cannot be read (the window restarts)', async () => {
    const store = new MemoryStore({ since: NOW - 3_600_000, recent: [{ at: NOW - 60_000, agents: 1 }] }, true);
    const logged: string[] = [];
    const plan = await processPool(idlePool(600), { memory: store, now: () => NOW, log: (m) => logged.push(m) });
    expect(plan.action).toBe('none');
    expect(logged[0]).toMatch(/stabilisation restarts/);
  });

  it('rejects input that is not a pool to decide on', () => {
    expect(() => parseProcessInput({ pool: 'batch', config: null, snapshot: {} })).toThrow(expect.objectContaining({ name: ErrorNames.InvalidInput }));
    expect(() => parseProcessInput({ ...idlePool(0), pool: 'web' })).toThrow(/not for pool web/);
    expect(parseProcessInput(idlePool(0)).pool).toBe('batch');
  });
});
