/**
 * Virtual time for overlapping workflow executions. Code that would wait (a settle interval, a
 * retry back-off) awaits `sleep`; the engine advances time to the next wake-up once every running
 * execution is either finished or asleep, so a week replays in minutes and deterministically.
 */
interface Waiter {
  at: number;
  seq: number;
  wake: () => void;
}

export class VirtualClock {
  /** Seconds since the trace's t = 0. */
  now = 0;
  private waiters: Waiter[] = [];
  private seq = 0;
  private asleep = 0;

  sleep(seconds: number): Promise<void> {
    if (!(seconds > 0)) return Promise.resolve();
    this.asleep += 1;
    return new Promise((resolve) => {
      this.waiters.push({ at: this.now + seconds, seq: this.seq++, wake: resolve });
    });
  }

  /** Executions currently waiting on `sleep`. */
  get sleeping(): number {
    return this.asleep;
  }

  nextWake(): number {
    let next = Infinity;
    for (const w of this.waiters) if (w.at < next) next = w.at;
    return next;
  }

  /** Moves to `t` and wakes, in order, everything due by then. */
  advance(t: number): void {
    this.now = t;
    const due = this.waiters.filter((w) => w.at <= t).sort((a, b) => a.at - b.at || a.seq - b.seq);
    if (due.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.at > t);
    this.asleep -= due.length;
    for (const w of due) w.wake();
  }
}
