import type { Signal } from '../model/plan.js';

/**
 * What one signal requires of the pool: how many usable agents (of the usual shape) it needs now.
 * The decision takes the largest requirement; a scale-in needs every requirement, over the whole
 * stabilisation window, to be below the usable agents.
 */
export interface Requirement {
  /** The signal family, e.g. `utilisation`; named in the plan when it decides. */
  source: string;
  /** Usable agents this signal needs; null when it has no opinion (then it neither grows nor holds the pool). */
  agents: number | null;
  /** Measured values shown in the plan. */
  signals: Signal[];
  /** Plain-language findings, most important first. */
  reasons: string[];
  /** Why, in a few words, when this requirement decides the size: "23 tasks of /etl/loader waiting for cpus". */
  because: string;
}
