/**
 * The measured part of `npm run bench`, in its own process so its peak RSS is its own: read the
 * generated `/master/slaves` and `/master/frameworks` bodies as bytes (what HTTP delivers), parse
 * them, build every pool's snapshot, and decide every pool. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../shared/config/parse-config.js';
import { decide } from '../shared/decide/decide.js';
import { summarisePools, type PoolSource } from '../shared/decide/summarise.js';
import { parseFrameworks } from '../shared/mesos/parse-frameworks.js';
import { parseSlaves } from '../shared/mesos/parse-agents.js';
import type { AsgState, InstanceAddress } from '../shared/model/asg.js';
import type { ClusterState } from '../shared/model/cluster.js';

const dir = process.argv[2]!;
const pools = Number(process.argv[3]);
const slavesBytes = readFileSync(join(dir, 'slaves.json'));
const frameworksBytes = readFileSync(join(dir, 'frameworks.json'));
const NOW = Date.parse('2026-11-22T12:00:00Z');

const t0 = performance.now();
const { agents, recoveredAgentIds } = parseSlaves(slavesBytes, 'pool');
const t1 = performance.now();
const tasks = parseFrameworks(frameworksBytes);
const t2 = performance.now();

const cluster: ClusterState = { leaderUrl: 'http://bench:5050', masterVersion: '1.4.1', electedAt: null, agents, recoveredAgentIds, tasks, marathon: null };
// One ASG per pool whose instances are the pool's agents (matched by IP, as in production).
const prefix = '/mesos-autoscaler/bench/';
const params = new Map([[`${prefix}mesos/master-urls`, 'http://bench:5050']]);
const poolNames = [...new Set(agents.map((a) => a.pool))];
for (const p of poolNames) {
  params.set(`${prefix}pools/${p}/asg-name`, `asg-${p}`);
  params.set(`${prefix}pools/${p}/max-agents`, String(agents.length));
}
const config = parseConfig(prefix, params);
const sources: PoolSource[] = config.pools.map((pool) => {
  const members = agents.filter((a) => a.pool === pool.name);
  const addresses: InstanceAddress[] = members.map((a, i) => ({ instanceId: `i-${pool.name}-${i}`, privateIp: a.ip, privateDnsName: null }));
  const asg: AsgState = {
    name: pool.asgNames.join(', '), minSize: 0, maxSize: agents.length, desiredCapacity: members.length, suspendedProcesses: [], tags: {},
    instances: addresses.map((a) => ({ instanceId: a.instanceId, availabilityZone: 'eu-west-1a', lifecycleState: 'InService', healthStatus: 'Healthy', protectedFromScaleIn: false, weight: 1, instanceType: 'm5.2xlarge' })),
  };
  return { pool, asg, activities: [], addresses };
});

const t3 = performance.now();
const snapshots = summarisePools({ cluster, pools: sources, now: NOW });
const t4 = performance.now();
const plans = snapshots.map((snapshot, i) => decide({ snapshot, config: config.pools[i]!, memory: null, now: NOW, executionId: 'bench' }).plan);
const t5 = performance.now();

const payloadBytes = Buffer.byteLength(JSON.stringify(snapshots));
console.log(JSON.stringify({
  agents: agents.length,
  tasks: tasks.length,
  pools: pools,
  parseSlavesMs: t1 - t0,
  parseFrameworksMs: t2 - t1,
  snapshotMs: t4 - t3,
  decideMs: t5 - t4,
  totalMs: t2 - t0 + (t5 - t3),
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  snapshotPayloadBytes: payloadBytes,
  actions: plans.map((p) => p.action),
}));
