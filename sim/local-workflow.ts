import './polyfills.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context, SQSEvent, SQSBatchResponse } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import type { ExecutionSummary, ScaleMessage } from '../shared/model/workflow.js';
import type { TaskTokenBroker } from './task-token-broker.js';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/** The deployed Lambda handlers, run in-process. */
export interface WorkflowHandlers {
  gather: Handler<unknown, unknown>;
  process: Handler<unknown, unknown>;
  scale: Handler<SQSEvent, SQSBatchResponse | void>;
  settle: Handler<unknown, unknown>;
  summary: Handler<unknown, unknown>;
}

export interface WorkflowRun {
  status: 'SUCCEEDED' | 'FAILED';
  /** The Summary state's output (present whenever the run got that far, failed or not). */
  summary: ExecutionSummary | null;
  error: string | null;
  cause: string | null;
  /** Every message the Scale state put on the FIFO queue, in order. */
  scaleMessages: Array<{ groupId: string; message: ScaleMessage; receives: number }>;
  /** Retries per state name (e.g. Scale after Autoscaler.ScalingConflict). */
  retries: Record<string, number>;
  /** State names in the order they were entered. */
  statesEntered: string[];
  /** Seconds the Wait states and retry back-offs asked for (skipped locally). */
  waitedSeconds: number;
}

export const DEFINITION_PATH = fileURLToPath(new URL('../statemachines/autoscaler.asl.json', import.meta.url));

/** SQS redelivers a message this many times before it goes to the dead-letter queue (serverless.yml). */
const MAX_RECEIVES = 3;

function lambdaContext(functionName: string): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: `local-${functionName}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

function sqsEvent(body: string, groupId: string, receive: number, messageId: string): SQSEvent {
  return {
    Records: [
      {
        messageId,
        receiptHandle: `${messageId}-${receive}`,
        body,
        attributes: {
          ApproximateReceiveCount: String(receive),
          SentTimestamp: String(Date.now()),
          SenderId: 'states.amazonaws.com',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
          MessageGroupId: groupId,
          MessageDeduplicationId: messageId,
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:mesos-autoscaler-local-scale.fifo',
        awsRegion: 'local',
      },
    ],
  };
}

/** What CloudFormation's DefinitionSubstitutions do at deploy: local ARNs and a local queue URL. */
function substitute(definition: string): string {
  return definition.replace(/\$\{(\w+)\}/g, (_, name: string) =>
    name.endsWith('FunctionArn')
      ? `arn:aws:lambda:eu-west-1:000000000000:function:${name.slice(0, -'FunctionArn'.length)}`
      : `https://sqs.eu-west-1.amazonaws.com/000000000000/${name}.fifo`,
  );
}

/** Seconds a Retry would have waited before attempt `attempt` (no jitter: the upper bound). */
function retrySeconds(retrier: { IntervalSeconds?: number; BackoffRate?: number; MaxDelaySeconds?: number }, attempt: number): number {
  const seconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
  return retrier.MaxDelaySeconds ? Math.min(seconds, retrier.MaxDelaySeconds) : seconds;
}

/**
 * Runs one execution of the real statemachines/autoscaler.asl.json with aws-local-stepfunctions:
 * Lambda tasks call the real handlers in-process; the Scale task does what Step Functions and SQS
 * do (task token, FIFO message, redelivery up to the DLQ) and waits for the scale function's
 * SendTaskSuccess / SendTaskFailure through the broker. Waits and retry back-offs take no time.
 */
export async function runWorkflowLocally(options: { handlers: WorkflowHandlers; broker: TaskTokenBroker; input?: unknown }): Promise<WorkflowRun> {
  const { handlers, broker } = options;
  const definition = JSON.parse(substitute(readFileSync(DEFINITION_PATH, 'utf8')));
  const machine = new StateMachine(definition);
  const run: WorkflowRun = {
    status: 'SUCCEEDED', summary: null, error: null, cause: null,
    scaleMessages: [], retries: {}, statesEntered: [], waitedSeconds: 0,
  };
  let messages = 0;

  const scale = async (params: unknown) => {
    const p = params as { MessageGroupId: string; MessageBody: ScaleMessage };
    const message: ScaleMessage = { ...p.MessageBody, taskToken: broker.issue() };
    const body = JSON.stringify(message);
    const messageId = `m-${++messages}`;
    const record = { groupId: p.MessageGroupId, message, receives: 0 };
    run.scaleMessages.push(record);
    for (let receive = 1; receive <= MAX_RECEIVES; receive++) {
      record.receives = receive;
      const response = await handlers.scale(sqsEvent(body, p.MessageGroupId, receive, messageId), lambdaContext('scale'));
      const answer = broker.take(message.taskToken);
      if (answer) {
        if (answer.ok) return answer.output as never;
        throw namedError(answer.error, answer.cause);
      }
      if (!response || response.batchItemFailures.length === 0) break;
    }
    throw namedError('States.Timeout', 'the scale function never answered the task token; the message went to the dead-letter queue');
  };

  const lambda = (name: keyof Omit<WorkflowHandlers, 'scale'>) => async (input: unknown) =>
    (await handlers[name](input, lambdaContext(name))) as never;

  const execution = machine.run((options.input ?? {}) as never, {
    overrides: {
      taskResourceLocalHandlers: {
        Gather: lambda('gather'),
        Decide: lambda('process'),
        SettleCheck: lambda('settle'),
        Summary: lambda('summary'),
        Scale: scale,
      },
      waitTimeOverrides: { SettleWait: 0 },
      retryIntervalOverrides: { Gather: 0, Decide: 0, Scale: 0, SettleCheck: 0, Summary: 0 },
    },
    context: { Task: { Token: 'replaced-per-message' } } as never,
  });

  for await (const event of execution.eventLogs) {
    if (event.type === 'StateEntered') {
      run.statesEntered.push(event.state.name);
      if (event.state.name === 'SettleWait') {
        const input = event.state.input as { work?: { config?: { settleIntervalSeconds?: number } } };
        run.waitedSeconds += input.work?.config?.settleIntervalSeconds ?? 0;
      }
    } else if (event.type === 'StateRetried') {
      run.retries[event.state.name] = (run.retries[event.state.name] ?? 0) + 1;
      run.waitedSeconds += retrySeconds(event.retry.retrier as never, event.retry.attempt);
    } else if (event.type === 'StateExited' && event.state.name === 'Summary') {
      run.summary = event.state.output as unknown as ExecutionSummary;
    } else if (event.type === 'ExecutionFailed') {
      run.status = 'FAILED';
      run.error = event.Error;
      run.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
    }
  }
  await execution.result.catch(() => undefined);
  return run;
}
