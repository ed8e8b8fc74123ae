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
  asgName: string;
  action: PlanAction;
  /** Desired capacity of the ASG the plan was computed from (compare-and-set). */
  fromDesired: number;
  targetDesired: number;
  /** Plain-language reasons, most important first. */
  reasons: string[];
  signals: Signal[];
  /** Which constraint, if any, bound the final target (min, max, step, cooldown, ...). */
  boundBy: string | null;
  dryRun: boolean;
  /** Epoch ms. */
  computedAt: number;
}

export type UtilisationByResource = Partial<Record<ResourceName, number>>;

/** What `scale` did with a plan. */
export interface ActionResult {
  pool: string;
  asgName: string;
  action: PlanAction;
  before: number;
  after: number;
  terminatedInstanceIds: string[];
  dryRun: boolean;
  detail: string;
}
