interface Scheduled {
  time: number;
  seq: number;
  fire: () => void;
}

/**
 * Events in virtual time (task ends, boots, failovers), earliest first; events due at the same
 * time fire in the order they were scheduled, so replays are deterministic.
 */
export class EventQueue {
  private readonly heap: Scheduled[] = [];
  private seq = 0;

  /** Time of the earliest event, Infinity when there is none. */
  peekTime(): number {
    return this.heap[0]?.time ?? Infinity;
  }

  schedule(time: number, fire: () => void): void {
    const heap = this.heap;
    const item: Scheduled = { time, seq: this.seq++, fire };
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(item, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  /** Removes the earliest event and returns its action. */
  pop(): () => void {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) throw new RangeError('pop from an empty event queue');
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
        if (!before(heap[child]!, last)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top.fire;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
