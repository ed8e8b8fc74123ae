/**
 * Virtual time for overlapping workflow executions. Code that would wait (a settle interval, a
 * retry back-off) awaits `sleep`; the engine moves time to the next wake-up once every running
 * execution is either finished or asleep, then wakes the sleepers due one at a time, so a week
 * replays in minutes and deterministically.
 */
interface Waiter {
  at: number;
  wake: () => void;
}

export class VirtualClock {
  /** Seconds since the trace's t = 0. */
  now = 0;
  /** In the order they fell asleep. */
  private readonly waiters: Waiter[] = [];

  sleep(seconds: number): Promise<void> {
    if (!(seconds > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ at: this.now + seconds, wake: resolve });
    });
  }

  /** Executions currently waiting on `sleep`. */
  get sleeping(): number {
    return this.waiters.length;
  }

  nextWake(): number {
    let next = Infinity;
    for (const w of this.waiters) if (w.at < next) next = w.at;
    return next;
  }

  /** Moves to `t`; what is due by then stays asleep until `wakeNext`. */
  moveTo(t: number): void {
    this.now = t;
  }

  /**
   * Wakes the one sleeper due soonest (of equal times, the one that fell asleep first); false when
   * nothing is due. One at a time, so the caller can let each run alone before waking the next.
   */
  wakeNext(): boolean {
    let next: Waiter | undefined;
    // Strictly sooner only: of equal times the first found, which fell asleep first.
    for (const w of this.waiters) {
      if (w.at <= this.now && (next === undefined || w.at < next.at)) next = w;
    }
    if (next === undefined) return false;
    this.waiters.splice(this.waiters.indexOf(next), 1);
    next.wake();
    return true;
  }
}
