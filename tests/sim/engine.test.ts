import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseCli, runCli } from '../../sim/cli.js';
import { simulate, type SimulateOptions } from '../../sim/engine.js';
import type { SimulationResult, Trace, TraceTask } from '../../sim/types.js';

/** A morning burst that needs several more agents, then a quiet afternoon: scale-out and scale-in. */
function burstTrace(): Trace {
  const tasks: TraceTask[] = [];
  for (let i = 0; i < 8; i++) tasks.push({ t: 0, id: `base-${i}`, app: 'web', cpus: 2, memMb: 4096, duration: 4 * 3600, kind: 'service' });
  for (let i = 0; i < 40; i++) tasks.push({ t: 1800 + i * 30, id: `burst-${i}`, app: 'etl', cpus: 2, memMb: 2048, duration: 1800, kind: 'batch' });
  return { name: 'burst', tasks };
}

function options(extra: Partial<SimulateOptions> = {}): SimulateOptions {
  return {
    trace: burstTrace(),
    policy: 'autoscaler',
    intervalSeconds: 60,
    windowSeconds: 4 * 3600,
    settings: { agentCpus: 8, agentMemMb: 30000, bootSeconds: 120, placement: 'random', seed: 7, faults: 0, minSize: 0, maxSize: 50, pool: 'sim', asgName: 'sim-agents' },
    config: { 'scale-in-stabilisation-seconds': '300' },
    ...extra,
  };
}

const withoutWall = ({ wallSeconds: _, ...rest }: SimulationResult) => rest;

describe('the simulator engine', () => {
  it('runs the deployed workflow over the wire (HTTP, SDK, local cloud) with exactly the in-process result', async () => {
    const inProcess = await simulate(options());
    const wire = await simulate(options({ transport: 'wire' }));
    expect(inProcess.result.scaleOutActions).toBeGreaterThan(0);
    expect(inProcess.result.scaleInActions).toBeGreaterThan(0);
    expect(inProcess.result.executions).toBe(4 * 60);
    expect(inProcess.result.stateTransitions).toBeGreaterThan(inProcess.result.executions * 8);
    expect(withoutWall(wire.result)).toEqual(withoutWall(inProcess.result));
  }, 60_000);

  it('is deterministic for a seed, faults included', async () => {
    const a = await simulate(options({ settings: { ...options().settings, faults: 0.05 } }));
    const b = await simulate(options({ settings: { ...options().settings, faults: 0.05 } }));
    expect(withoutWall(a.result)).toEqual(withoutWall(b.result));
    expect(a.series).toEqual(b.series);
  }, 60_000);

  it('hands Spot interruption warnings to the interruptions function, and never counts their kills against the autoscaler', async () => {
    const faulty = await simulate(options({ settings: { ...options().settings, faults: 0.4, seed: 3 } }));
    expect(faulty.result.interruptionsHandled).toBeGreaterThan(0);
    expect(faulty.result.tasksKilled).toBe(0);
  }, 60_000);

  it('replays every baseline on the same trace and reports the same oracle for all', async () => {
    const results = [];
    for (const policy of ['static-peak', 'threshold-free', 'scalepot', 'target-tracking'] as const) {
      results.push((await simulate(options({ policy }))).result);
    }
    expect(new Set(results.map((r) => r.oracleInstanceHours)).size).toBe(1);
    const staticPeak = results[0]!;
    expect(staticPeak.scaleOutActions + staticPeak.scaleInActions).toBe(0);
    expect(staticPeak.unmetCpuHours).toBe(0);
    expect(staticPeak.instanceHours).toBeCloseTo(staticPeak.staticPeakInstanceHours, 6);
  });
});

describe('npm run simulate', () => {
  it('writes one JSON object with every metric of the contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const tracePath = join(dir, 'burst.csv');
    writeFileSync(tracePath, ['t_seconds,task_id,app,cpus,mem_mb,duration_s,kind', ...burstTrace().tasks.map((t) => `${t.t},${t.id},${t.app},${t.cpus},${t.memMb},${t.duration},${t.kind}`)].join('\n'));
    const json = join(dir, 'out.json');
    await runCli(parseCli(['--trace', tracePath, '--policy', 'threshold-free', '--json', json, '--out', dir, '--seed', '3', '--window-seconds', '7200']), () => undefined);
    const result = JSON.parse(readFileSync(json, 'utf8'));
    for (const key of ['trace', 'policy', 'windowSeconds', 'instanceHours', 'demandCpuHours', 'unmetCpuHours', 'oracleInstanceHours', 'staticPeakInstanceHours',
      'pendingSecondsP95', 'tasksKilled', 'scaleOutActions', 'scaleInActions', 'executions', 'stateTransitions', 'wallSeconds']) {
      expect(result).toHaveProperty(key);
    }
    expect(result).toEqual(expect.objectContaining({ trace: 'burst', policy: 'threshold-free', windowSeconds: 7200 }));
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<svg[^>]*aria-label="Demand and capacity"/);
  });

  it('rejects bad flags and bad traces with the reason', async () => {
    expect(() => parseCli(['--policy', 'autoscaler'])).toThrow('--trace FILE is required');
    expect(() => parseCli(['--trace', 'x.csv', '--policy', 'magic'])).toThrow(/--policy magic: must be one of autoscaler, static-peak/);
    expect(() => parseCli(['--trace', 'x.csv', '--faults', '2'])).toThrow('--faults 2: must be a probability between 0 and 1');
    expect(() => parseCli(['--trace', 'x.csv', '--placement', 'first'])).toThrow(/--placement first/);
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const tracePath = join(dir, 'big.csv');
    writeFileSync(tracePath, 't_seconds,task_id,app,cpus,mem_mb,duration_s\n0,a,web,1,100,60\n5,b,web,16,100,60\n');
    await expect(runCli(parseCli(['--trace', tracePath]), () => undefined)).rejects.toThrow(/line 3/);
  });
});
