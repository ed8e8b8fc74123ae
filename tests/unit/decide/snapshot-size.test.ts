import { expect, it } from '@jest/globals';
import { parseConfig } from '../../../shared/config/parse-config.js';
import { summarisePools } from '../../../shared/decide/summarise.js';
import { resources } from '../../../shared/model/resources.js';
import { agent, asg, cluster, instance, task } from '../../support/fakes.js';
import { queueItem } from './builders.js';

it('keeps each pool\'s snapshot small however big the pool (Step Functions payloads are capped at 256 KB)', () => {
  const prefix = '/mesos-autoscaler/test/';
  const pools = Array.from({ length: 30 }, (_, p) => `pool-${p}`);
  const params = new Map([[`${prefix}mesos/master-urls`, 'http://10.0.0.250:5050']]);
  for (const p of pools) params.set(`${prefix}pools/${p}/asg-name`, `asg-${p}`);
  const config = parseConfig(prefix, params);

  // 30 pools of 100 agents, every agent busy, plus 20 idle agents per pool; 200 apps per pool
  // waiting for offers, each with a long id and a constraint naming its pool.
  const agents = pools.flatMap((p, i) => Array.from({ length: 120 }, (_, j) => agent(i * 1000 + j + 1, { pool: p, used: j < 100 ? resources({ cpus: 1, mem: 1024 }) : resources() })));
  const tasks = agents.filter((a) => a.used.cpus > 0).map((a) => task(a.id));
  const queue = pools.flatMap((p) =>
    Array.from({ length: 200 }, (_, k) =>
      queueItem(`/${p}/a-rather-long-group-name/and-an-app-with-a-long-name-${k}`, {
        count: 3,
        resources: resources({ cpus: 0.5, mem: 512 }),
        constraints: [['pool', 'IS', p]],
        shortOf: ['cpus', 'mem'],
      }),
    ),
  );
  const snapshots = summarisePools({
    cluster: { ...cluster(agents, tasks, { electedAt: null }), marathon: { queue } },
    now: Date.now(),
    pools: config.pools.map((pool) => {
      const members = agents.filter((a) => a.pool === pool.name);
      const n = (a: (typeof members)[number]) => Number(a.id.slice('agent-'.length));
      return {
        pool,
        asg: asg(members.map((a) => instance(n(a))), { name: pool.asgNames.join(', ') }),
        activities: [],
        addresses: members.map((a) => ({ instanceId: instance(n(a)).instanceId, privateIp: a.ip, privateDnsName: null })),
      };
    }),
  });
  expect(snapshots.map((s) => s.pending.tasks)).toEqual(pools.map(() => 600));
  const perPool = snapshots.map((s) => Buffer.byteLength(JSON.stringify(s)));
  expect(Math.max(...perPool)).toBeLessThan(8_000);
  expect(perPool.reduce((a, b) => a + b, 0)).toBeLessThan(200_000);
  expect(snapshots[0]!.busyAgents.length).toBeLessThanOrEqual(config.pools[0]!.drain.maxDraining);
});
