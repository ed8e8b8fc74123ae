import { describe, expect, it } from '@jest/globals';
import { parseCli } from '../../sim/cli.js';
import { simulate } from '../../sim/engine.js';
import { burstOptions, withoutWall } from './burst-scenario.js';

/** The first hour on a 1.8 master: the first scale-in (at about 52 minutes) and its drains fit in it. */
const firstHourOn18 = (transport: 'in-process' | 'wire') => burstOptions({ transport, windowSeconds: 3600, settings: { mesosVersion: '1.8' } });

describe('safe scale-in in the simulator', () => {
  it('gives the baselines no hook unless asked; then nobody answers it and every termination waits for the timeout', async () => {
    const plain = (await simulate(burstOptions({ policy: 'threshold-free' }))).result;
    expect(plain).toMatchObject({ lifecycleHookSeconds: 0, lifecycleActionsStarted: 0, lifecycleWaitInstanceHours: 0 });
    const hooked = (await simulate(burstOptions({ policy: 'threshold-free', settings: { lifecycleHookSeconds: 120 } }))).result;
    expect(hooked.lifecycleActionsStarted).toBeGreaterThan(0);
    expect(hooked.lifecycleActionsCompleted).toBe(0);
    expect(hooked.lifecycleActionsTimedOut).toBe(hooked.lifecycleActionsStarted);
    expect(hooked.lifecycleWaitInstanceHours).toBeCloseTo((hooked.lifecycleActionsStarted * 120) / 3600, 6);
  });

  it('on a Mesos 1.8 master drains through the maintenance schedule, kills nothing, and gives the same result over the wire', async () => {
    const inProcess = (await simulate(firstHourOn18('in-process'))).result;
    // The 1.8 master refuses the agent drain calls, so every drain went through the schedule; with no
    // fault, a machine/down on a busy agent would show as killed tasks.
    expect(inProcess).toMatchObject({ mesosVersion: '1.8', tasksKilled: 0, lifecycleActionsTimedOut: 0 });
    expect(inProcess.drainsStarted).toBeGreaterThan(0);
    // Every drain ended with its instance: no agent went back into service while the hook held its
    // instance (each would count as a cancelled drain, and a new one when drained again).
    expect(inProcess).toMatchObject({ drainsCompleted: inProcess.drainsStarted, drainsCancelled: 0, machinesDownLeft: 0 });
    const wire = (await simulate(firstHourOn18('wire'))).result;
    expect(withoutWall(wire)).toEqual(withoutWall(inProcess));
  }, 90_000);
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
