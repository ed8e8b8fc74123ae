import type { TaskRun } from './model.js';

/** Holes are compacted away once there are more of them than this and than queued tasks. */
const MIN_COMPACTION = 64;

/**
 * Tasks that arrived and have not started, in arrival order. Tasks leave from anywhere (a later
 * task may start first), so removal leaves a hole that a later compaction drops. The queue keeps
 * lower bounds of its smallest task's cpus and memory: freed capacity below them fits nothing, and
 * the allocation skips the queue without walking it.
 */
export class WaitingQueue {
  private slots: Array<TaskRun | null> = [];
  private head = 0;
  private live = 0;
  /** At least the arrival index of the newest queued task; -1 when empty. */
  private newest = -1;
  /** Never above the smallest cpus / memory of a queued task; exact after a complete sweep. */
  minCpus = Infinity;
  minMemMb = Infinity;

  get size(): number {
    return this.live;
  }

  /** True when `task` arrived after every queued task, so appending keeps arrival order. */
  isNewerThanAll(task: TaskRun): boolean {
    return task.index > this.newest;
  }

  push(task: TaskRun): void {
    task.queueSlot = this.slots.length;
    this.slots.push(task);
    this.live += 1;
    this.newest = Math.max(this.newest, task.index);
    this.lowerBounds(task);
  }

  /** Adds tasks (sorted by arrival) that may be older than queued ones, keeping arrival order. */
  merge(tasks: readonly TaskRun[]): void {
    const merged: TaskRun[] = [];
    let j = 0;
    for (let i = this.head; i < this.slots.length; i++) {
      const queued = this.slots[i];
      if (queued === null || queued === undefined) continue;
      while (j < tasks.length && tasks[j]!.index < queued.index) merged.push(tasks[j++]!);
      merged.push(queued);
    }
    while (j < tasks.length) merged.push(tasks[j++]!);
    this.rebuild(merged);
    for (const task of tasks) {
      this.newest = Math.max(this.newest, task.index);
      this.lowerBounds(task);
    }
  }

  remove(task: TaskRun): void {
    this.slots[task.queueSlot] = null;
    task.queueSlot = -1;
    this.live -= 1;
    if (this.live === 0) this.clear();
  }

  /**
   * Visits queued tasks in arrival order until `visit` returns false. `visit` may remove the task
   * it is given (and only that one). A sweep that reaches the end recomputes the exact bounds.
   */
  sweep(visit: (task: TaskRun) => boolean): void {
    let minCpus = Infinity;
    let minMemMb = Infinity;
    let complete = true;
    for (let i = this.head; i < this.slots.length; i++) {
      const task = this.slots[i];
      if (task === null || task === undefined) continue;
      const more = visit(task);
      if (task.queueSlot === i) {
        minCpus = Math.min(minCpus, task.spec.cpus);
        minMemMb = Math.min(minMemMb, task.spec.memMb);
      }
      if (!more) {
        complete = false;
        break;
      }
    }
    if (this.live === 0) return;
    if (complete) {
      this.minCpus = minCpus;
      this.minMemMb = minMemMb;
    }
    while (this.slots[this.head] === null) this.head += 1;
    const holes = this.slots.length - this.head - this.live;
    if (holes > MIN_COMPACTION && holes > this.live) this.rebuild(this.slots.filter((t): t is TaskRun => t !== null));
  }

  private lowerBounds(task: TaskRun): void {
    this.minCpus = Math.min(this.minCpus, task.spec.cpus);
    this.minMemMb = Math.min(this.minMemMb, task.spec.memMb);
  }

  private rebuild(tasks: TaskRun[]): void {
    tasks.forEach((task, slot) => (task.queueSlot = slot));
    this.slots = tasks;
    this.head = 0;
    this.live = tasks.length;
  }

  private clear(): void {
    this.slots = [];
    this.head = 0;
    this.newest = -1;
    this.minCpus = Infinity;
    this.minMemMb = Infinity;
  }
}
