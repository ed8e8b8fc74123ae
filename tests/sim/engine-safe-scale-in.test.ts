import { describe, expect, it } from '@jest/globals';
import { parseCli } from '../../sim/cli.js';
import { simulate, type SimulateOptions } from '../../sim/engine.js';
import type { SimulationResult, Trace, TraceTask } from '../../sim/types.js';

/** Long services on a few agents, a burst of batch work, then a quiet end: scale-out, then scale-in. */
function burstTrace(): Trace {
  const tasks: TraceTask[] = [];
  for (let i = 0; i < 8; i++) tasks.push({ t: 0, id: `base-${i}`, app: 'web', cpus: 2, memMb: 4096, duration: 4 * 3600, kind: 'service' });
  for (let i = 0; i < 40; i++) tasks.push({ t: 1800 + i * 30, id: `burst-${i}`, app: 'etl', cpus: 2, memMb: 2048, duration: 1800, kind: 'batch' });
  return { name: 'burst', tasks };
}

function options(extra: Partial<SimulateOptions> = {}, settings: Partial<SimulateOptions['settings']> = {}): SimulateOptions {
  return {
    trace: burstTrace(),
    policy: 'autoscaler',
    intervalSeconds: 60,
    windowSeconds: 4 * 3600,
    settings: { agentCpus: 8, agentMemMb: 30000, bootSeconds: 120, placement: 'random', seed: 7, faults: 0, minSize: 0, maxSize: 50, pool: 'sim', asgName: 'sim-agents', ...settings },
    config: { 'scale-in-stabilisation-seconds': '300' },
    ...extra,
  };
}

const withoutWall = ({ wallSeconds: _, ...rest }: SimulationResult) => rest;

describe('safe scale-in in the simulator', () => {
  it('holds every termination of the autoscaler with the deployed hook; the interruptions function completes each, nothing is killed', async () => {
    const { result } = await simulate(options());
    expect(result).toMatchObject({ lifecycleHookSeconds: 300, mesosVersion: '1.9', tasksKilled: 0, lifecycleActionsTimedOut: 0 });
    expect(result.scaleInActions).toBeGreaterThan(0);
    expect(result.lifecycleActionsStarted).toBeGreaterThanOrEqual(result.scaleInActions);
    expect(result.lifecycleActionsCompleted).toBe(result.lifecycleActionsStarted);
    // Each empty agent's instance is let go in the instant it is terminated.
    expect(result.lifecycleWaitInstanceHours).toBe(0);

    const unhooked = (await simulate(options({}, { lifecycleHookSeconds: 0 }))).result;
    expect(unhooked).toMatchObject({ lifecycleHookSeconds: 0, lifecycleActionsStarted: 0, tasksKilled: 0 });
  }, 60_000);

  it('gives the baselines no hook unless asked; then nobody answers it and every termination waits for the timeout', async () => {
    const plain = (await simulate(options({ policy: 'threshold-free' }))).result;
    expect(plain).toMatchObject({ lifecycleHookSeconds: 0, lifecycleActionsStarted: 0, lifecycleWaitInstanceHours: 0 });
    const hooked = (await simulate(options({ policy: 'threshold-free' }, { lifecycleHookSeconds: 120 }))).result;
    expect(hooked.lifecycleActionsStarted).toBeGreaterThan(0);
    expect(hooked.lifecycleActionsCompleted).toBe(0);
    expect(hooked.lifecycleActionsTimedOut).toBe(hooked.lifecycleActionsStarted);
    expect(hooked.lifecycleWaitInstanceHours).toBeCloseTo((hooked.lifecycleActionsStarted * 120) / 3600, 6);
  });

  it('on a Mesos 1.8 master drains through the maintenance schedule, kills nothing, and gives the same result over the wire', async () => {
    const inProcess = (await simulate(options({ windowSeconds: 3 * 3600 }, { mesosVersion: '1.8' }))).result;
    // The 1.8 master refuses the agent drain calls, so every drain went through the schedule; with no
    // fault, a machine/down on a busy agent would show as killed tasks.
    expect(inProcess).toMatchObject({ mesosVersion: '1.8', tasksKilled: 0, lifecycleActionsTimedOut: 0 });
    expect(inProcess.drainsStarted).toBeGreaterThan(0);
    // Every drain ended with its instance: no agent went back into service while the hook held its
    // instance (each would count as a cancelled drain, and a new one when drained again).
    expect(inProcess).toMatchObject({ drainsCompleted: inProcess.drainsStarted, drainsCancelled: 0, machinesDownLeft: 0 });
    const wire = (await simulate(options({ transport: 'wire', windowSeconds: 3 * 3600 }, { mesosVersion: '1.8' }))).result;
    expect(withoutWall(wire)).toEqual(withoutWall(inProcess));
  }, 90_000);

  it('under faults delivers rebalance recommendations and Spot warnings to the function, deterministically, never counting their kills against the autoscaler', async () => {
    const faulty = (await simulate(options({}, { faults: 0.4, seed: 8 }))).result;
    expect(faulty.rebalanceRecommendationsHandled).toBeGreaterThan(0);
    expect(faulty.interruptionsHandled).toBeGreaterThan(0);
    expect(faulty.tasksKilled).toBe(0);
    const again = (await simulate(options({}, { faults: 0.4, seed: 8 }))).result;
    expect(withoutWall(again)).toEqual(withoutWall(faulty));
  }, 60_000);
});

describe('the CLI flags', () => {
  it('reads --lifecycle-hook-seconds and --mesos-version, leaving the defaults to the policy', () => {
    expect(parseCli(['--trace', 'x.csv'])).toMatchObject({ lifecycleHookSeconds: undefined, mesosVersion: '1.9' });
    expect(parseCli(['--trace', 'x.csv', '--lifecycle-hook-seconds', '0', '--mesos-version', '1.8'])).toMatchObject({ lifecycleHookSeconds: 0, mesosVersion: '1.8' });
    expect(parseCli(['--trace', 'x.csv', '--lifecycle-hook-seconds', '600'])).toMatchObject({ lifecycleHookSeconds: 600 });
  });

  it('rejects values AWS or the simulator does not have', () => {
    expect(() => parseCli(['--trace', 'x.csv', '--lifecycle-hook-seconds', '10'])).toThrow('--lifecycle-hook-seconds 10: must be 0 (no hook) or a whole number of seconds from 30 to 7200');
    expect(() => parseCli(['--trace', 'x.csv', '--lifecycle-hook-seconds', '90.5'])).toThrow(/--lifecycle-hook-seconds 90.5/);
    expect(() => parseCli(['--trace', 'x.csv', '--mesos-version', '1.7'])).toThrow('--mesos-version 1.7: must be 1.9 or 1.8');
  });
});
