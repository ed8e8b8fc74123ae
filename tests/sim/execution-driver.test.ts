import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { driveExecutions } from '../../sim/execution-driver.js';
import { VirtualClock } from '../../sim/virtual-clock.js';

/** Real event-loop turns, as a module load or an HTTP round trip takes: no virtual time passes. */
async function realTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface Replay {
  /** What reached the world, in order: `<t> <who> <what>`. */
  calls: string[];
  /** Most executions running (not finished, not asleep) at once. */
  mostRunning: number;
  /** Executions running while events were delivered, summed over every delivery. */
  runningAtDelivery: number;
}

/**
 * Ticks every 30 s; execution k reads, writes, sleeps 30 s (a drain wait), writes again, sleeps 60 s
 * (a settle wait) and reads: it wakes in the instant execution k+1 starts, then in the one where
 * execution k+2 wakes and k+3 starts. The cloud sends an event every 45 s from 15 s, some of them
 * in those instants. `latency(k, step)` is how many real turns each await of execution k takes.
 */
async function replay(latency: (execution: number, step: number) => number): Promise<Replay> {
  const clock = new VirtualClock();
  const out: Replay = { calls: [], mostRunning: 0, runningAtDelivery: 0 };
  let running = 0;
  /** The world's time, as the driver moved it. */
  let now = 0;
  const call = (who: string, what: string) => out.calls.push(`${now} ${who} ${what}`);
  const enter = () => {
    running += 1;
    out.mostRunning = Math.max(out.mostRunning, running);
  };
  let started = 0;
  const execute = async () => {
    const k = ++started;
    const who = `run-${k}`;
    let step = 0;
    const work = async (what: string) => {
      await realTurns(latency(k, step++));
      call(who, what);
    };
    const sleep = async (seconds: number) => {
      running -= 1;
      await clock.sleep(seconds);
      enter();
    };
    enter();
    await work('gather');
    await work('scale');
    await sleep(30);
    await work('drain-check');
    await work('finish-drains');
    await sleep(60);
    await work('settle-check');
    running -= 1;
    return { statesEntered: ['Gather', 'Scale', 'DrainCheck', 'FinishDrains', 'SettleCheck'] };
  };
  let nextEvent = 15;
  const counts = await driveExecutions({
    windowSeconds: 300,
    intervalSeconds: 30,
    clock,
    advanceTo: (t) => {
      now = t;
      call('world', `advance to ${t}`);
    },
    tick: (t) => call('schedule', `tick ${t}`),
    execute,
    events: {
      async deliver(t) {
        out.runningAtDelivery += running;
        if (t < nextEvent) return;
        await realTurns(latency(0, t));
        call('interruptions', 'event');
        nextEvent += 45;
      },
      nextAt: () => nextEvent,
    },
  });
  // Executions 8 to 10 are still asleep at the end of the window.
  expect(counts).toEqual({ executions: 10, stateTransitions: 5 * 7 });
  return out;
}

describe('the execution driver', () => {
  it('runs the executions of an instant one at a time, the woken ones (earliest first) before the new one, and delivers events only when all are quiet', async () => {
    const { calls, mostRunning, runningAtDelivery } = await replay(() => 0);
    expect(mostRunning).toBe(1);
    expect(runningAtDelivery).toBe(0);
    const at = (t: number) => calls.filter((c) => c.startsWith(`${t} `));
    expect(at(30)).toEqual(['30 world advance to 30', '30 run-1 drain-check', '30 run-1 finish-drains', '30 schedule tick 30', '30 run-2 gather', '30 run-2 scale']);
    // run-1 fell asleep until 90 at 30, run-3 at 60: run-1 goes first; the event due at 60 came before anything ran.
    expect(at(90)).toEqual([
      '90 world advance to 90', '90 run-1 settle-check', '90 run-3 drain-check', '90 run-3 finish-drains', '90 schedule tick 90', '90 run-4 gather', '90 run-4 scale',
    ]);
    expect(at(60)).toEqual(['60 world advance to 60', '60 interruptions event', '60 run-2 drain-check', '60 run-2 finish-drains', '60 schedule tick 60', '60 run-3 gather', '60 run-3 scale']);
    expect(at(15)).toEqual(['15 world advance to 15', '15 interruptions event']);
  });

  it('gives the same calls in the same order however many real turns each await takes', async () => {
    const reference = (await replay(() => 0)).calls;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 40 }), async (turns) => {
        const { calls, mostRunning } = await replay((k, step) => turns[(k * 7 + step) % turns.length]!);
        expect(mostRunning).toBe(1);
        expect(calls).toEqual(reference);
      }),
      { numRuns: 40 },
    );
  });

  it('stops at the first failed execution', async () => {
    const clock = new VirtualClock();
    const failing = driveExecutions({
      windowSeconds: 300, intervalSeconds: 30, clock, advanceTo: () => {}, tick: () => {},
      execute: async () => {
        await clock.sleep(10);
        throw new Error('Gather failed');
      },
      events: { deliver: async () => {}, nextAt: () => Infinity },
    });
    await expect(failing).rejects.toThrow('Gather failed');
  });
});
