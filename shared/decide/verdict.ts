import type { Signal } from '../model/plan.js';

/**
 * What one signal says about the pool's size. The decision combines verdicts: the largest
 * `addAgents` wins; a scale-in needs at least one signal to want it, none to oppose it, and
 * removes no more than the smallest `maxRemovable`.
 */
export interface SignalVerdict {
  /** Measured values shown in the plan. */
  signals: Signal[];
  /** Plain-language findings, most important first. */
  reasons: string[];
  /** Agents to add on top of the usable agents; 0 when this signal wants none. */
  addAgents: number;
  /** true: wants the pool smaller; false: opposes any scale-in; null: no opinion (may still limit it). */
  wantsScaleIn: boolean | null;
  /** The most removal candidates this signal lets go. */
  maxRemovable: number;
  /** Why no more than `maxRemovable` may go; shown when this signal is what limits a scale-in. */
  removalLimit: string | null;
}
