import type { Random } from '../random.js';
import { randomStream } from './random-streams.js';

/** A failover makes the master unreachable this long, then agents re-register over the next window. */
export const LEADERLESS_SECONDS = 30;
export const REREGISTRATION_SECONDS = 300;
/** EC2's notice between a spot interruption warning and the instance's end. */
export const SPOT_WARNING_SECONDS = 120;
/**
 * Share of spot interruptions that EC2 announces earlier with a rebalance recommendation, and how
 * long before the interruption warning it comes (uniform). AWS promises neither: a recommendation
 * may come well ahead, together with the warning, or not at all.
 */
export const REBALANCE_SHARE = 0.5;
export const REBALANCE_LEAD_SECONDS = { min: 5 * 60, max: 20 * 60 } as const;
const HOUR = 3600;

/**
 * Injected faults at rate p (`--faults`), each kind from its own random stream so, for a seed,
 * the faults depend only on the calls of their own kind:
 * - each Auto Scaling mutation fails with ScalingActivityInProgress with probability p;
 * - each Mesos API call fails with probability p;
 * - each virtual minute a master failover starts with probability p/10;
 * - each launched instance never registers as an agent with probability p;
 * - each instance gets a spot interruption with probability p/10 per hour it runs (a memoryless
 *   hazard, so at any moment): a warning, then EC2 takes it SPOT_WARNING_SECONDS later;
 * - REBALANCE_SHARE of those interruptions are preceded by a rebalance recommendation, sent a lead
 *   time drawn uniformly in REBALANCE_LEAD_SECONDS before the warning (none if that is before the launch).
 */
export class FaultInjector {
  private readonly api: Random;
  private readonly mesos: Random;
  private readonly failovers: Random;
  private readonly boots: Random;
  private readonly spot: Random;
  private readonly rebalance: Random;

  constructor(
    readonly rate: number,
    seed: number,
  ) {
    this.api = randomStream(seed, 'api-faults');
    this.mesos = randomStream(seed, 'mesos-faults');
    this.failovers = randomStream(seed, 'failovers');
    this.boots = randomStream(seed, 'boot-faults');
    this.spot = randomStream(seed, 'spot-interruptions');
    this.rebalance = randomStream(seed, 'rebalance-recommendations');
  }

  apiCallFails(): boolean {
    return this.rate > 0 && this.api.next() < this.rate;
  }

  mesosCallFails(): boolean {
    return this.rate > 0 && this.mesos.next() < this.rate;
  }

  instanceNeverRegisters(): boolean {
    return this.rate > 0 && this.boots.next() < this.rate;
  }

  /** Seconds from an instance's launch to its spot interruption warning; Infinity without faults. Draw once per instance. */
  spotWarningAfter(): number {
    if (this.rate <= 0) return Infinity;
    // Exponential time with P(warning within an hour) = p/10.
    const perSecond = -Math.log(1 - Math.min(1, this.rate / 10)) / HOUR;
    return -Math.log(1 - this.spot.next()) / perSecond;
  }

  /**
   * Seconds between the rebalance recommendation preceding a spot interruption and its warning;
   * Infinity when none comes. Draw once per interruption: two draws whatever the outcome, so the
   * stream never depends on which interruptions got one.
   */
  rebalanceLeadSeconds(): number {
    const announced = this.rebalance.next() < REBALANCE_SHARE;
    const lead = REBALANCE_LEAD_SECONDS.min + this.rebalance.next() * (REBALANCE_LEAD_SECONDS.max - REBALANCE_LEAD_SECONDS.min);
    return announced ? lead : Infinity;
  }

  /** Start (a minute boundary) of the next master failover after `t`; Infinity without faults. */
  nextFailover(t: number): number {
    if (this.rate <= 0) return Infinity;
    const perMinute = Math.min(1, this.rate / 10);
    // Minutes until the first success of a per-minute Bernoulli trial: geometric.
    const minutes = perMinute >= 1 ? 1 : Math.max(1, Math.ceil(Math.log(1 - this.failovers.next()) / Math.log(1 - perMinute)));
    return (Math.floor(t / 60) + minutes) * 60;
  }

  /** A random half (rounded up) of `items`: the agents that have not re-registered yet. */
  pickHalf<T>(items: readonly T[]): T[] {
    const pool = [...items];
    const count = Math.ceil(pool.length / 2);
    for (let i = 0; i < count; i++) {
      const j = i + this.failovers.int(pool.length - i);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, count);
  }
}
