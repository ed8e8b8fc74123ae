import { percentile } from './metrics.js';

/**
 * Every drain the autoscaler started on the simulated cluster and how it ended: completed (the
 * instance was terminated while the agent was drained) or cancelled (the agent was put back into
 * service). Kept by the cluster, so both transports report the same.
 */
export class DrainLog {
  private readonly open = new Map<string, number>();
  readonly completedSeconds: number[] = [];
  cancelled = 0;

  started(agentId: string, t: number): void {
    if (!this.open.has(agentId)) this.open.set(agentId, t);
  }

  ended(agentId: string, t: number, how: 'completed' | 'cancelled'): void {
    const since = this.open.get(agentId);
    if (since === undefined) return;
    this.open.delete(agentId);
    if (how === 'completed') this.completedSeconds.push(t - since);
    else this.cancelled += 1;
  }

  summary(): { drainsStarted: number; drainsCompleted: number; drainsCancelled: number; drainSecondsP50: number; drainSecondsP95: number } {
    const seconds = [...this.completedSeconds];
    return {
      // Every drain is still open, completed, or cancelled.
      drainsStarted: this.open.size + seconds.length + this.cancelled,
      drainsCompleted: seconds.length,
      drainsCancelled: this.cancelled,
      drainSecondsP50: percentile(seconds, 0.5),
      drainSecondsP95: percentile(seconds, 0.95),
    };
  }
}
