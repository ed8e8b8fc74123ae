import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { parseCli, runCli } from '../../sim/cli.js';
import { SimAutoScalingGroup } from '../../sim/cluster/auto-scaling-group.js';
import { simulate, type SimulationRun } from '../../sim/engine.js';
import { burstOptions, burstTrace, withoutWall } from './burst-scenario.js';

/** The autoscaler's in-process run on the burst, which several tests read: it runs once. */
let defaultRun: Promise<SimulationRun> | undefined;
const burstRun = () => (defaultRun ??= simulate(burstOptions()));

describe('the simulator engine', () => {
  it('runs the deployed workflow over the wire (HTTP, SDK, local cloud) with exactly the in-process result', async () => {
    const inProcess = await burstRun();
    const wire = await simulate(burstOptions({ transport: 'wire' }));
    expect(inProcess.result.scaleOutActions).toBeGreaterThan(0);
    expect(inProcess.result.scaleInActions).toBeGreaterThan(0);
    expect(inProcess.result.executions).toBe(4 * 60);
    expect(inProcess.result.stateTransitions).toBeGreaterThan(inProcess.result.executions * 8);
    expect(withoutWall(wire.result)).toEqual(withoutWall(inProcess.result));
  }, 60_000);

  it('is deterministic for a seed, faults included; hands rebalance recommendations and Spot warnings to the interruptions function, never counting their kills against the autoscaler', async () => {
    const faulty = () => burstOptions({ settings: { faults: 0.4, seed: 8 } });
    const a = await simulate(faulty());
    const b = await simulate(faulty());
    expect(a.result.rebalanceRecommendationsHandled).toBeGreaterThan(0);
    expect(a.result.interruptionsHandled).toBeGreaterThan(0);
    expect(a.result.tasksKilled).toBe(0);
    expect(withoutWall(a.result)).toEqual(withoutWall(b.result));
    expect(a.series).toEqual(b.series);
  }, 60_000);

  it('replays every baseline on the same trace and reports the same oracle for all', async () => {
    const results = [];
    for (const policy of ['static-peak', 'threshold-free', 'scalepot', 'target-tracking'] as const) {
      results.push((await simulate(burstOptions({ policy }))).result);
    }
    expect(new Set(results.map((r) => r.oracleInstanceHours)).size).toBe(1);
    const staticPeak = results[0]!;
    expect(staticPeak.scaleOutActions + staticPeak.scaleInActions).toBe(0);
    expect(staticPeak.unmetCpuHours).toBe(0);
    expect(staticPeak.instanceHours).toBeCloseTo(staticPeak.staticPeakInstanceHours, 6);
  });
});

describe('safe scale-in in the simulator', () => {
  it('holds every termination of the autoscaler with the deployed hook; the interruptions function completes each, nothing is killed', async () => {
    const { result } = await burstRun();
    expect(result).toMatchObject({ lifecycleHookSeconds: 300, mesosVersion: '1.9', tasksKilled: 0, lifecycleActionsTimedOut: 0 });
    expect(result.scaleInActions).toBeGreaterThan(0);
    expect(result.lifecycleActionsStarted).toBeGreaterThanOrEqual(result.scaleInActions);
    expect(result.lifecycleActionsCompleted).toBe(result.lifecycleActionsStarted);
    // Each empty agent's instance is let go in the instant it is terminated.
    expect(result.lifecycleWaitInstanceHours).toBe(0);

    const unhooked = (await simulate(burstOptions({ settings: { lifecycleHookSeconds: 0 } }))).result;
    expect(unhooked).toMatchObject({ lifecycleHookSeconds: 0, lifecycleActionsStarted: 0, tasksKilled: 0 });
  }, 60_000);
});

/** Every desired capacity the group had after a call that changed it, and its instances then. */
function recordGroup(): Array<{ desired: number; instances: number }> {
  const seen: Array<{ desired: number; instances: number }> = [];
  const setDesired = SimAutoScalingGroup.prototype.setDesiredCapacity;
  const terminate = SimAutoScalingGroup.prototype.terminateInstance;
  jest.spyOn(SimAutoScalingGroup.prototype, 'setDesiredCapacity').mockImplementation(function (this: SimAutoScalingGroup, desired: number) {
    setDesired.call(this, desired);
    seen.push({ desired: this.desired, instances: this.instances.length });
  });
  jest.spyOn(SimAutoScalingGroup.prototype, 'terminateInstance').mockImplementation(function (this: SimAutoScalingGroup, id: string, decrement: boolean) {
    terminate.call(this, id, decrement);
    seen.push({ desired: this.desired, instances: this.instances.length });
  });
  return seen;
}

describe('the autoscaler on a weighted group', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('scales by capacity units: whole agents of 2 units, demand met, the cost of the unweighted pool of half-size agents', async () => {
    const plain = (await burstRun()).result;
    const seen = recordGroup();
    const heavy = (await simulate(burstOptions({ weight: 2 }))).result;

    expect(heavy.scaleOutActions).toBeGreaterThan(0);
    expect(heavy.scaleInActions).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    for (const { desired, instances } of seen) {
      // The autoscaler asks for whole agents of 2 units: the group holds exactly what it asked for.
      expect(desired % 2).toBe(0);
      expect(desired).toBeLessThanOrEqual(100);
      expect(instances * 2).toBeGreaterThanOrEqual(desired);
    }
    expect(heavy.tasksKilled).toBe(0);
    expect(heavy.unmetCpuHours).toBeLessThanOrEqual(1);
    // Instance-hours stay instance-hours: 2 units each, about what the same capacity costs unweighted.
    const ratio = (heavy.instanceHours * 2) / plain.instanceHours;
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.5);
  }, 30_000);

  it('gives the baselines instances and sets units: static-peak holds the peak of big agents', async () => {
    const staticPeak = (await simulate(burstOptions({ weight: 2, policy: 'static-peak' }))).result;
    expect(staticPeak.instanceHours).toBeCloseTo(staticPeak.staticPeakInstanceHours, 6);
    const seen = recordGroup();
    const threshold = (await simulate(burstOptions({ weight: 2, policy: 'threshold-free' }))).result;
    expect(threshold.scaleOutActions).toBeGreaterThan(0);
    expect(seen.every(({ desired }) => desired % 2 === 0)).toBe(true);
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
