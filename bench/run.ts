/**
 * `npm run bench`: 10,000 agents and 200,000 running tasks in the exact `/master/slaves` and
 * `/master/frameworks` shapes; times parsing + snapshot + decision and reports peak memory.
 * Targets on a 2-core machine: under 2 s and under 1 GiB peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCluster } from './generate-cluster.js';
import { simulatorBench } from './simulate.js';

const AGENTS = 10_000;
const TASKS = 200_000;
const POOLS = 4;
const ROUNDS = 3;

interface Result {
  agents: number; tasks: number; parseSlavesMs: number; parseFrameworksMs: number; snapshotMs: number;
  decideMs: number; totalMs: number; peakRssMiB: number; snapshotPayloadBytes: number;
}

const dir = mkdtempSync(join(tmpdir(), 'mesos-autoscaler-bench-'));
try {
  const g0 = performance.now();
  const cluster = generateCluster({ agents: AGENTS, tasks: TASKS, pools: POOLS, seed: 42 });
  writeFileSync(join(dir, 'slaves.json'), cluster.slaves);
  writeFileSync(join(dir, 'frameworks.json'), cluster.frameworks);
  const mb = (s: string) => (Buffer.byteLength(s) / 2 ** 20).toFixed(0);
  console.log(`generated ${AGENTS} agents / ${TASKS} tasks in ${((performance.now() - g0) / 1000).toFixed(1)} s: /master/slaves ${mb(cluster.slaves)} MiB, /master/frameworks ${mb(cluster.frameworks)} MiB`);

  const pipeline = fileURLToPath(new URL('./pipeline.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
  const results: Result[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const out = execFileSync(process.execPath, [tsx, pipeline, dir, String(POOLS)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as Result;
    results.push(r);
    console.log(`round ${round}: parse slaves ${r.parseSlavesMs.toFixed(0)} ms, parse frameworks ${r.parseFrameworksMs.toFixed(0)} ms, snapshot ${r.snapshotMs.toFixed(0)} ms, decide ${r.decideMs.toFixed(1)} ms; total ${r.totalMs.toFixed(0)} ms, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const total = median(results.map((r) => r.totalMs));
  const rss = Math.max(...results.map((r) => r.peakRssMiB));
  const r = results[0]!;
  console.log(`\nparse + snapshot + decide, ${r.agents} agents, ${r.tasks} live tasks, ${POOLS} pools (median of ${ROUNDS} fresh processes):`);
  console.log(`  time      ${(total / 1000).toFixed(2)} s   (target < 2 s)   ${total < 2000 ? 'OK' : 'OVER'}`);
  console.log(`  peak RSS  ${rss.toFixed(0)} MiB   (target < 1024 MiB)   ${rss < 1024 ? 'OK' : 'OVER'}`);
  console.log(`  snapshot payload for Step Functions: ${(r.snapshotPayloadBytes / 1024).toFixed(1)} KiB for ${POOLS} pools (cap 256 KiB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
await simulatorBench(console.log);
