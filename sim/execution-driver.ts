import type { VirtualClock } from './virtual-clock.js';

export interface ExecutionDriverOptions {
  /** Virtual seconds; nothing runs at or after it. */
  windowSeconds: number;
  /** One execution starts every this many virtual seconds, from 0. */
  intervalSeconds: number;
  clock: VirtualClock;
  /** Brings the world to `t` before anything happens at `t`. */
  advanceTo(t: number): void;
  /** At each schedule tick, before its execution starts. */
  tick(t: number): void;
  /** Starts one execution; it may sleep on `clock` any number of times. */
  execute(): Promise<{ statesEntered: string[] }>;
  /** The cloud's events: hands over those due by `t` (in virtual time only); `nextAt` is when more are due. */
  events: { deliver(t: number): Promise<void>; nextAt(): number };
}

/** Waits until every started execution has finished or sleeps in virtual time (the real-time deadline only reports a hang). */
async function quiesce(running: () => number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (running() > 0) {
    // In-process this takes a turn or two; over the wire it also lets HTTP I/O complete.
    if (Date.now() > deadline) throw new Error('an execution has waited 60 s of real time on something other than virtual time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * One execution per schedule tick; time moves on once every execution is done or asleep. Within an
 * instant the executions run one at a time, each until it finishes or sleeps again: first those
 * whose sleep ends (soonest first, then in the order they fell asleep), then the tick's new one.
 * Their calls on the world thus come in a fixed order however long, in real time, their awaits take
 * (the scale and interruptions functions load their runtime on every invocation; over the wire
 * every call is HTTP). Events are delivered before the executions of an instant and again once they
 * are all quiet (a termination they made is held by the lifecycle hook until its event is handled),
 * never while one runs.
 */
export async function driveExecutions(o: ExecutionDriverOptions): Promise<{ executions: number; stateTransitions: number }> {
  const { clock, events } = o;
  let started = 0;
  let finished = 0;
  let stateTransitions = 0;
  let failure: unknown = null;
  const untilQuiet = async () => {
    await quiesce(() => started - finished - clock.sleeping);
    if (failure) throw failure;
  };
  for (let nextTick = 0; ; ) {
    const t = Math.min(nextTick, clock.nextWake(), events.nextAt());
    if (t >= o.windowSeconds) break;
    o.advanceTo(t);
    await events.deliver(t);
    clock.moveTo(t);
    while (clock.wakeNext()) await untilQuiet();
    if (t === nextTick) {
      o.tick(t);
      started += 1;
      o.execute().then(
        (run) => {
          finished += 1;
          stateTransitions += run.statesEntered.length;
        },
        (err) => {
          finished += 1;
          failure ??= err;
        },
      );
      nextTick += o.intervalSeconds;
      await untilQuiet();
    }
    await events.deliver(t);
  }
  return { executions: started, stateTransitions };
}
