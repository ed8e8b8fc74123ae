/**
 * Every drain the autoscaler started on the simulated cluster and how it ended: completed (the
 * instance was terminated while the agent was drained) or cancelled (the agent was put back into
 * service). Kept by the cluster, so both transports report the same.
 */
export class DrainLog {
  private readonly open = new Map<string, number>();
  readonly completedSeconds: number[] = [];
  cancelled = 0;
  startedCount = 0;

  started(agentId: string, t: number): void {
    if (this.open.has(agentId)) return;
    this.open.set(agentId, t);
    this.startedCount += 1;
  }

  ended(agentId: string, t: number, how: 'completed' | 'cancelled'): void {
    const since = this.open.get(agentId);
    if (since === undefined) return;
    this.open.delete(agentId);
    if (how === 'completed') this.completedSeconds.push(t - since);
    else this.cancelled += 1;
  }

  summary(): { drainsStarted: number; drainsCompleted: number; drainsCancelled: number; drainSecondsP50: number; drainSecondsP95: number } {
    const sorted = [...this.completedSeconds].sort((a, b) => a - b);
    const rank = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!);
    return {
      drainsStarted: this.startedCount,
      drainsCompleted: sorted.length,
      drainsCancelled: this.cancelled,
      drainSecondsP50: rank(0.5),
      drainSecondsP95: rank(0.95),
    };
  }
}
