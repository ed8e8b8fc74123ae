/**
 * Simulator timings for `npm run bench`: the 7-day traces replayed through the autoscaler (the
 * deployed state machine and handlers, in virtual time) and through a baseline, and METACENTRUM
 * tiled ten times over (thousands of agents) to show the replay stays near-linear.
 */
import { fileURLToPath } from 'node:url';
import { simulate, type PolicyName } from '../sim/engine.js';
import { readTrace } from '../sim/trace.js';
import type { Trace } from '../sim/types.js';

const settings = { agentCpus: 8, agentMemMb: 30000, bootSeconds: 120, placement: 'random' as const, seed: 1, faults: 0, minSize: 0, maxSize: 100_000, pool: 'sim', asgName: 'sim-agents' };
const traceFile = (name: string) => fileURLToPath(new URL(`../sim/traces/${name}.csv`, import.meta.url));

/** The same workload k times over, side by side (task ids made unique). */
function tile(trace: Trace, k: number): Trace {
  const tasks = trace.tasks.flatMap((t) => Array.from({ length: k }, (_, i) => ({ ...t, id: `${t.id}-x${i}` })));
  return { name: `${trace.name}×${k}`, tasks };
}

export async function simulatorBench(log: (line: string) => void): Promise<void> {
  process.env.AUTOSCALER_LOG ??= 'silent';
  const cases: Array<[Trace, PolicyName]> = [];
  const metacentrum = readTrace(traceFile('metacentrum2009_grid_7d'));
  const worldcup = readTrace(traceFile('worldcup98_web_7d'));
  cases.push([metacentrum, 'autoscaler'], [worldcup, 'autoscaler'], [metacentrum, 'target-tracking'], [tile(metacentrum, 10), 'autoscaler'], [tile(metacentrum, 10), 'target-tracking']);
  log('\nsimulator: 7-day replays (wall time of the replay itself; target: METACENTRUM with the autoscaler under 120 s)');
  for (const [trace, policy] of cases) {
    const { result } = await simulate({ trace, policy, settings, intervalSeconds: 60 });
    const rate = result.executions / result.wallSeconds;
    log(`  ${trace.name.padEnd(28)} ${policy.padEnd(16)} ${result.wallSeconds.toFixed(1).padStart(6)} s  peak ${String(result.peakInstances).padStart(5)} instances  ${String(trace.tasks.length).padStart(6)} tasks  ${result.executions} executions (${rate.toFixed(0)}/s)`);
  }
}
