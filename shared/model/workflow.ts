import type { DrainRecord } from '../aws/ports.js';
import type { ConfigProblem, PoolConfig } from '../config/types.js';
import type { ActionResult, Plan, Signal } from './plan.js';
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

/** Body of the FIFO message the FinishDrains state sends: end the drains a check found ready or expired. */
export interface FinishDrainsMessage {
  taskToken: string;
  finish: FinishDrainsRequest;
}

/**
 * Body of the FIFO message another function sends so that a drain it started is recorded in the
 * drain ledger (only the scale function writes the ledger; the queue serialises it per pool). No
 * task waits for it.
 */
export interface RecordDrainMessage {
  record: DrainRecord;
}

export interface FinishDrainsRequest {
  pool: string;
  asgNames: string[];
  executionId: string;
  /** Agents found empty: terminate their instances (with decrement) and clean up. */
  ready: string[];
  /** Agents past their deadline: forced or given up per `drain.forceAtDeadline`. */
  expired: string[];
  drain: Plan['drain'];
}

export interface FinishDrainsResult {
  terminatedInstanceIds: string[];
  /** Agents put back into service at their deadline. */
  givenUp: string[];
  /** Agents whose remaining tasks are being killed gracefully (hard drain) at their deadline. */
  forced: string[];
  /** Agents left alone, with why (no longer ours, busy again, already gone). */
  skipped: Array<{ agentId: string; why: string }>;
}

/** Input of the DrainCheck state: the execution's own drains, checked against Mesos and the ledger. */
export interface DrainCheckInput {
  plan: Plan;
  action: ActionResult;
  checks: number;
}

export interface DrainCheckResult {
  checks: number;
  ready: string[];
  expired: string[];
  waiting: string[];
  /** Drains no longer this execution's: finished, put back into service, or adopted by another run. */
  released: string[];
  /** True when none of this execution's drains is left. */
  done: boolean;
  /** The group's desired capacity once done (null before). */
  desired: number | null;
  detail: string;
}

/** Input of the settle check, and its output. */
export interface SettleInput {
  plan: Plan;
  action: ActionResult;
  /** Checks done so far (0 on the first). */
  checks: number;
  intervalSeconds: number;
  timeoutSeconds: number;
}
export interface SettleResult {
  settled: boolean;
  /** The settle timeout passed without the capacity settling. */
  timedOut: boolean;
  checks: number;
  detail: string;
}

export type PoolStatus = 'unchanged' | 'scaled' | 'dry-run' | 'paused' | 'stale-plan' | 'failed' | 'unsettled';

/** What one Map iteration returns to the Summary. */
export interface PoolOutcome {
  pool: string;
  status: PoolStatus;
  plan: Plan | null;
  action: ActionResult | null;
  settle: SettleResult | null;
  /** The last drain check, when the action drained agents. */
  drains?: DrainCheckResult | null;
  error: WorkflowError | null;
}

/** Input of the Summary state. */
export interface SummaryInput {
  observedAt: number;
  problems: GatherOutput['problems'];
  mesos: GatherOutput['mesos'];
  outcomes: PoolOutcome[];
}

/** Output of the execution: what a person reads in the console. */
export interface ExecutionSummary {
  /** One line for the whole run, also the Cause when the execution fails. */
  headline: string;
  /** One sentence per pool. */
  lines: string[];
  /** Failed pools plus configuration problems: any makes the execution fail (and alarm). */
  failures: number;
  pools: Array<{
    pool: string;
    status: PoolStatus;
    before: number | null;
    after: number | null;
    action: string;
    reasons: string[];
    signals: Signal[];
    error: WorkflowError | null;
  }>;
  problems: GatherOutput['problems'];
}
