import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { TaskReporter } from './ports.js';
import { log } from '../middleware/log.js';
import { toAutoscalerError } from './errors.js';

/** SendTaskFailure limits, in characters. */
const MAX_ERROR_CHARS = 256;
const MAX_CAUSE_CHARS = 32768;

/**
 * The execution no longer waits for this token (timed out, already closed, or never valid).
 * Retrying the SQS message cannot change that, so these are logged, not thrown.
 */
const GONE_TASK_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export interface TaskReporterOptions {
  warn?: (message: string) => void;
}

/** Cuts `text` to at most `max` UTF-16 units, never splitting a surrogate pair, marking the cut. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

export function createTaskReporter(client: SFNClient, options: TaskReporterOptions = {}): TaskReporter {
  const warn = options.warn ?? ((message: string) => log(message, { level: 'warn' }));

  async function send(operation: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (err instanceof Error && GONE_TASK_ERRORS.has(err.name)) {
        warn(`${operation}: the execution no longer waits for this task (${err.name}: ${err.message}); nothing to report to`);
        return;
      }
      throw toAutoscalerError(err, operation);
    }
  }

  return {
    succeed(taskToken, output) {
      const command = new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? null) });
      return send('SendTaskSuccess', () => client.send(command));
    },
    fail(taskToken, error, cause) {
      const command = new SendTaskFailureCommand({
        taskToken,
        error: truncate(error, MAX_ERROR_CHARS),
        cause: truncate(cause, MAX_CAUSE_CHARS),
      });
      return send('SendTaskFailure', () => client.send(command));
    },
  };
}
