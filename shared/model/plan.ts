import type { DrainConfig } from '../config/types.js';
import type { ResourceName } from './resources.js';

export type PlanAction = 'none' | 'scale-out' | 'scale-in';

/** One measured input of the decision, shown in the console. */
export interface Signal {
  name: string;
  value: number | string | boolean | null;
  /** Agents this signal asks for (absent when it does not size the pool). */
  wantsAgents?: number;
  detail?: string;
}

export interface Plan {
  pool: string;
  /** The pool's Auto Scaling groups (one or more); the capacities below are their sums. */
  asgNames: string[];
  action: PlanAction;
  /** Desired capacity of the pool's groups, summed, when the plan was computed (compare-and-set). */
  fromDesired: number;
  /**
   * True when the group's instances carry weights: fromDesired and targetDesired then count
   * capacity units, not agents. Absent when every instance counts 1.
   */
  weighted?: boolean;
  targetDesired: number;
  /** Plain-language reasons, most important first. */
  reasons: string[];
  /**
   * The decision in a few words for the execution summary: what set the size, and the constraint
   * that bound it ("23 tasks of /etl/loader waiting for cpus; cooldown for scale-in until 14:05").
   */
  because?: string;
  signals: Signal[];
  /** Which constraint, if any, bound the final target (min, max, step, cooldown, ...). */
  boundBy: string | null;
  dryRun: boolean;
  /** Epoch ms. */
  computedAt: number;
  /** The execution that computed the plan: it owns the drains it starts. */
  executionId: string;
  /**
   * Draining agents to put back into service: cheaper than launching when capacity is needed
   * again, and how drains left behind by a failed execution are undone.
   */
  reactivate: string[];
  /** How the pool drains (from its configuration when the plan was computed). */
  drain: DrainConfig;
}

export type UtilisationByResource = Partial<Record<ResourceName, number>>;

/** What `scale` did with a plan. */
export interface ActionResult {
  pool: string;
  asgNames: string[];
  action: PlanAction;
  before: number;
  after: number;
  terminatedInstanceIds: string[];
  /** Agents this action started draining (or adopted); the execution waits for them to empty. */
  drains: Array<{ agentId: string; instanceId: string; runningTasks: number; reason: string }>;
  /** Agents put back into service. */
  reactivated: string[];
  dryRun: boolean;
  detail: string;
}
