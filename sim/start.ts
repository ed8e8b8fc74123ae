/**
 * `npm start`: replays the bundled scenarios (slices of real traces, in sim/scenarios/) through the
 * autoscaler, on the deployed state machine and handlers in virtual time, and through every
 * baseline; prints the comparison and writes an HTML report with the charts.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POLICIES, simulate, type SimulationRun } from './engine.js';
import { comparisonTable, renderReport } from './report.js';
import { readTrace, validateFits } from './trace.js';

const SCENARIOS = fileURLToPath(new URL('./scenarios/', import.meta.url));
const OUT = 'sim-out';
const settings = {
  agentCpus: 8, agentMemMb: 30000, bootSeconds: 120, placement: 'random' as const, seed: 1,
  faults: 0, minSize: 0, maxSize: 10_000, pool: 'sim', asgName: 'sim-agents',
};

process.env.AUTOSCALER_LOG ??= 'silent';
const interactive = process.stdout.isTTY;
const runs: SimulationRun[] = [];
for (const file of readdirSync(SCENARIOS).filter((f) => f.endsWith('.csv')).sort()) {
  const trace = readTrace(join(SCENARIOS, file));
  validateFits(trace, settings.agentCpus, settings.agentMemMb);
  console.log(`\n${trace.name}: ${trace.tasks.length} tasks`);
  const scenario: SimulationRun[] = [];
  for (const policy of POLICIES) {
    const run = await simulate({
      trace, policy, settings, intervalSeconds: 60,
      onProgress: (p) => {
        const line = `  ${policy.padEnd(16)} t=${(p.t / 3600).toFixed(1).padStart(5)} h of ${(p.windowSeconds / 3600).toFixed(0)} h  agents ${String(p.registeredAgents).padStart(4)}  instances ${String(p.instances).padStart(4)}  pending ${String(p.pendingTasks).padStart(5)}`;
        if (interactive) process.stdout.write(`\r${line}`);
      },
    });
    if (interactive) process.stdout.write('\r\x1b[K');
    const r = run.result;
    console.log(`  ${policy.padEnd(16)} done in ${r.wallSeconds.toFixed(1)} s: ${r.instanceHours.toFixed(1)} instance-hours, ${r.unmetCpuHours.toFixed(1)} cpu-hours unmet`);
    scenario.push(run);
  }
  console.log(`\n${comparisonTable(scenario.map((r) => r.result))}`);
  runs.push(...scenario);
}

mkdirSync(OUT, { recursive: true });
const report = join(OUT, 'report.html');
writeFileSync(report, renderReport(runs, { title: 'Mesos autoscaler: bundled scenarios, every policy' }));
writeFileSync(join(OUT, 'results.json'), `${JSON.stringify(runs.map((r) => r.result), null, 2)}\n`);
console.log(`\nreport: ${report} (results.json beside it)`);
