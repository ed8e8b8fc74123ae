import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionsPort } from './ports.js';
import { callAws } from './errors.js';

/**
 * Statuses of an execution that still owns its work. PENDING_REDRIVE is a failed execution being
 * redriven: it runs again, so it keeps its drains.
 */
const LIVE_STATUSES = new Set(['RUNNING', 'PENDING_REDRIVE']);

/**
 * Step Functions DescribeExecution. An execution that does not exist (never did, or its history
 * has expired) is not running; any other error is thrown (AutoscalerError via callAws) so the
 * caller can treat "unknown" as running, the safe side.
 */
export function createExecutionsPort(client: SFNClient): ExecutionsPort {
  return {
    isRunning: (executionId) =>
      callAws(`DescribeExecution(${executionId})`, async () => {
        try {
          const out = await client.send(new DescribeExecutionCommand({ executionArn: executionId }));
          return out.status !== undefined && LIVE_STATUSES.has(out.status);
        } catch (err) {
          if (err instanceof Error && err.name === 'ExecutionDoesNotExist') return false;
          throw err;
        }
      }),
  };
}
