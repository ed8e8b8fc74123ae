import type { ConfigProblem, PoolConfig } from '../config/types.js';
import type { ActionResult, Plan } from './plan.js';
import type { PoolSnapshot } from './snapshot.js';

/** An error as it travels in the state machine's payloads. */
export interface WorkflowError {
  name: string;
  message: string;
}

/** One item of the Map state: a pool to decide on, or the reason it cannot be. */
export interface PoolWork {
  pool: string;
  config: PoolConfig | null;
  snapshot: PoolSnapshot | null;
  /** Set when the pool cannot be decided on (bad config, unreadable ASG, Mesos unavailable...). */
  error: WorkflowError | null;
}

/** Output of `gather`. */
export interface GatherOutput {
  /** Epoch ms. */
  observedAt: number;
  prefix: string;
  paused: boolean;
  pools: PoolWork[];
  /** Problems that are not tied to one pool (or that left a pool out). */
  problems: ConfigProblem[];
  mesos: { leaderUrl: string | null; version: string | null; error: WorkflowError | null };
}

/** Body of the FIFO message the Scale state sends (sqs:sendMessage.waitForTaskToken). */
export interface ScaleMessage {
  taskToken: string;
  plan: Plan;
}

/** Input of the settle check, and its output. */
export interface SettleInput {
  plan: Plan;
  action: ActionResult;
  /** Checks done so far (0 on the first). */
  checks: number;
}
export interface SettleResult {
  settled: boolean;
  checks: number;
  detail: string;
}

export type PoolStatus = 'unchanged' | 'scaled' | 'dry-run' | 'paused' | 'stale-plan' | 'failed' | 'settle-timeout';

/** What one Map iteration returns to the Summary. */
export interface PoolOutcome {
  pool: string;
  status: PoolStatus;
  plan: Plan | null;
  action: ActionResult | null;
  settle: SettleResult | null;
  error: WorkflowError | null;
}
