import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { log as jsonLog } from '../middleware/log.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { ActionResult } from '../model/plan.js';
import type { FinishDrainsMessage, FinishDrainsResult, ScaleMessage } from '../model/workflow.js';
import { finishDrains } from './finish-drains.js';
import { applyPlan } from './apply-plan.js';
import type { ScaleDeps } from './apply-plan.js';
import { parseScaleMessage } from './scale-message.js';
import { releaseLeftovers } from './release-leftovers.js';

type ScaleLog = NonNullable<ScaleDeps['log']>;

type Outcome = { ok: true; result: ActionResult | FinishDrainsResult } | { ok: false; error: AutoscalerError };

/**
 * Applies the plan (or ends the drains) and answers the waiting task. An AutoscalerError is the
 * task's answer (the state machine owns retries), so the record is done; anything else, including
 * failing to answer, throws so that SQS redelivers the record (and finally moves it to the DLQ).
 */
async function handleMessage(message: ScaleMessage | FinishDrainsMessage, deps: ScaleDeps, log: ScaleLog, messageId: string): Promise<void> {
  const { taskToken } = message;
  const what = 'plan' in message
    ? { kind: 'plan', pool: message.plan.pool, asgNames: message.plan.asgNames, action: message.plan.action, planAgeMs: deps.now() - message.plan.computedAt }
    : { kind: 'finish drains', pool: message.finish.pool, asgNames: message.finish.asgNames, ready: message.finish.ready, expired: message.finish.expired };
  let outcome: Outcome;
  try {
    const result = 'plan' in message ? await applyPlan(message.plan, deps) : (await finishDrains(message.finish, deps)).result;
    outcome = { ok: true, result };
  } catch (err) {
    if (!(err instanceof AutoscalerError)) throw err;
    outcome = { ok: false, error: err };
  }
  log(outcome.ok ? `${what.kind} applied` : `${what.kind} refused`, {
    messageId,
    ...what,
    ...(outcome.ok ? { result: outcome.result } : { error: { name: outcome.error.name, message: outcome.error.message } }),
  });
  // Before the answer: the waiting execution goes on only once this message is done with. A dry-run
  // plan changes nothing, not even what ended drains left.
  if (!('plan' in message && message.plan.dryRun)) await releaseLeftoversOf(what.pool, what.asgNames, deps, log, messageId);
  if (outcome.ok) await deps.reporter.succeed(taskToken, outcome.result);
  else await deps.reporter.fail(taskToken, outcome.error.name, outcome.error.message);
}

/**
 * After each plan or finished drains of a pool (one message per pool at a time): what its ended drains
 * left in Mesos is released. Best effort: a failure is logged, and the next message tries again.
 */
async function releaseLeftoversOf(pool: string, asgNames: string[], deps: ScaleDeps, log: ScaleLog, messageId: string): Promise<void> {
  try {
    const released = await releaseLeftovers(pool, asgNames, deps);
    if (released.length > 0) {
      log('maintenance of ended drains released', { messageId, pool, asgNames, machines: released.map((m) => `${m.hostname} (${m.ip})`) });
    }
  } catch (err) {
    if (!(err instanceof AutoscalerError)) throw err;
    log('maintenance of ended drains not released', { level: 'warn', messageId, pool, asgNames, error: { name: err.name, message: err.message } });
  }
}

/** A record that can never become valid: tell the waiting task now, and let SQS move it to the DLQ. */
async function rejectRecord(record: SQSRecord, problem: string, taskToken: string | null, deps: ScaleDeps, log: ScaleLog) {
  log('scale message rejected', { messageId: record.messageId, error: { name: ErrorNames.InvalidInput, message: problem } });
  if (taskToken !== null) await deps.reporter.fail(taskToken, ErrorNames.InvalidInput, problem);
}

/**
 * Processes the records of one SQS FIFO batch in order. After the first failure the remaining records
 * are returned unprocessed, as FIFO ordering requires (ReportBatchItemFailures).
 */
export async function processScaleRecords(
  records: readonly SQSRecord[],
  deps: ScaleDeps,
): Promise<SQSBatchResponse> {
  const log = deps.log ?? jsonLog;
  const failed: string[] = [];
  for (const record of records) {
    if (failed.length > 0) {
      failed.push(record.messageId);
      continue;
    }
    try {
      const parsed = parseScaleMessage(record.body);
      const message = parsed.ok ? parsed.message : null;
      if (message !== null && 'record' in message) {
        // A drain another function started: remembered so that it is finished or undone.
        const drain = message.record;
        if (!(await deps.ledger.list(drain.pool)).some((d) => d.agentId === drain.agentId)) await deps.ledger.put(drain);
        log('drain recorded', { messageId: record.messageId, pool: drain.pool, agentId: drain.agentId, owner: drain.executionId });
      } else if (message !== null) {
        await handleMessage(message, deps, log, record.messageId);
      } else {
        failed.push(record.messageId);
        if (!parsed.ok) await rejectRecord(record, parsed.problem, parsed.taskToken, deps, log);
      }
    } catch (err) {
      if (!failed.includes(record.messageId)) failed.push(record.messageId);
      log('scale message returned to the queue', {
        level: 'error',
        messageId: record.messageId,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
