import type { AwsBackend } from './aws-backend.js';
import { fields, type JsonInput } from './json-fields.js';
import { WireError } from './wire-error.js';

/** The task-token errors Step Functions raises; a backend error with another name reads as TaskDoesNotExist. */
const TOKEN_ERRORS = new Set(['InvalidToken', 'TaskDoesNotExist', 'TaskTimedOut']);

function tokenError(error: unknown): WireError {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  return new WireError(TOKEN_ERRORS.has(name) ? name : 'TaskDoesNotExist', message);
}

/**
 * Step Functions (JSON 1.0): SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat, handed to
 * `backend.tasks`. Output must be JSON (InvalidOutput otherwise), as Step Functions checks.
 * DescribeExecution asks `backend.executions`: RUNNING, or SUCCEEDED once ended (how an execution
 * ended is not modelled), or ExecutionDoesNotExist. Only `executionArn` and `status` are answered.
 */
export function createSfnApi(backend: AwsBackend): (operation: string, input: JsonInput) => unknown {
  const { tasks } = backend;

  function withToken(input: JsonInput, call: (token: string) => void): Record<string, never> {
    const token = fields(input, 'ValidationException').string('taskToken');
    try {
      call(token);
    } catch (error) {
      throw tokenError(error);
    }
    return {};
  }

  /** Null when the execution is unknown. */
  function isRunning(executionArn: string): boolean | null {
    if (backend.executions === undefined) return null;
    try {
      return backend.executions.isRunning(executionArn);
    } catch {
      return null;
    }
  }

  function describeExecution(input: JsonInput) {
    const executionArn = fields(input, 'ValidationException').string('executionArn');
    const running = isRunning(executionArn);
    if (running === null) throw new WireError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return { executionArn, status: running ? 'RUNNING' : 'SUCCEEDED' };
  }

  return (operation, input) => {
    const f = fields(input, 'ValidationException');
    switch (operation) {
      case 'SendTaskSuccess': {
        const output = f.string('output');
        try {
          JSON.parse(output);
        } catch {
          throw new WireError('InvalidOutput', 'Invalid State Machine Output: the output is not valid JSON');
        }
        return withToken(input, (token) => tasks.succeed(token, output));
      }
      case 'SendTaskFailure': {
        const error = f.optionalString('error') ?? '';
        const cause = f.optionalString('cause') ?? '';
        return withToken(input, (token) => tasks.fail(token, error, cause));
      }
      case 'SendTaskHeartbeat':
        return withToken(input, (token) => tasks.heartbeat?.(token));
      case 'DescribeExecution':
        return describeExecution(input);
      default:
        throw new WireError('UnknownOperationException', `The operation ${operation} is not supported by the local endpoint.`);
    }
  };
}
