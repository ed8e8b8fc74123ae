import './polyfills.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
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
  drains: Handler<unknown, unknown>;
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
}

export const DEFINITION_PATH = fileURLToPath(new URL('../statemachines/autoscaler.asl.json', import.meta.url));

/** Unique execution ids across every local workflow of the process (drains are owned by id). */
let executionsStarted = 0;

/** The scale queue as serverless.yml configures it: receives before the dead-letter queue, visibility timeout. */
export const SCALE_QUEUE = { maxReceives: 3, visibilitySeconds: 720 } as const;

export function lambdaContext(functionName: string): Context {
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

/** One SQS record as the Lambda event source mapping hands it over. */
export function sqsRecord(r: { messageId: string; receiptHandle: string; body: string; queueArn: string; attributes: Partial<SQSRecord['attributes']>; md5OfBody?: string }): SQSRecord {
  return {
    messageId: r.messageId,
    receiptHandle: r.receiptHandle,
    body: r.body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'states.amazonaws.com', ApproximateFirstReceiveTimestamp: '0', ...r.attributes },
    messageAttributes: {},
    md5OfBody: r.md5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: r.queueArn,
    awsRegion: 'eu-west-1',
  };
}

function sqsEvent(body: string, groupId: string, receive: number, messageId: string, sentAt: number): SQSEvent {
  const sent = String(sentAt);
  return {
    Records: [
      sqsRecord({
        messageId, receiptHandle: `${messageId}-${receive}`, body, queueArn: 'arn:aws:sqs:local:000000000000:mesos-autoscaler-local-scale.fifo',
        attributes: { ApproximateReceiveCount: String(receive), SentTimestamp: sent, ApproximateFirstReceiveTimestamp: sent, MessageGroupId: groupId, MessageDeduplicationId: messageId },
      }),
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

/** The longest a Retry rule waits before retry number `retry` (1-based); full jitter picks in [0, this]. */
export function retrySeconds(retrier: Retrier, retry: number): number {
  const seconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** (retry - 1);
  return retrier.MaxDelaySeconds ? Math.min(seconds, retrier.MaxDelaySeconds) : seconds;
}

/**
 * Hands one scale message to the scale function, the way the SQS event source would (redelivering
 * it while the function reports it as failed); resolves with the number of receives.
 */
export type ScaleDelivery = (groupId: string, body: string, messageId: string) => Promise<number>;

/** The in-process queue: the scale handler gets the SQS event directly. */
export function inProcessDelivery(scale: WorkflowHandlers['scale'], now: () => number): ScaleDelivery {
  return async (groupId, body, messageId) => {
    const sentAt = now();
    for (let receive = 1; ; receive++) {
      const response = await scale(sqsEvent(body, groupId, receive, messageId, sentAt), lambdaContext('scale'));
      if (!response || response.batchItemFailures.length === 0 || receive === SCALE_QUEUE.maxReceives) return receive;
    }
  };
}

/**
 * Hooks that let a caller give the waits a duration in its own (virtual) time. Locally every Wait
 * state and retry back-off takes no real time; these run where the definition would have waited.
 */
export interface WorkflowTimeHooks {
  /** Before each settle check, with the interval the SettleWait state asks for. */
  settleWait?(seconds: number): Promise<void>;
  /** Before each drain check, with the interval the DrainWait state asks for. */
  drainWait?(seconds: number): Promise<void>;
  /** Before a retried Scale attempt (attempt ≥ 2), with the back-off the Retry rule allows. */
  scaleRetryWait?(attempt: number, retrier: Retrier): Promise<void>;
}

export interface Retrier {
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface LocalWorkflow {
  run(input?: unknown): Promise<WorkflowRun>;
  /** Whether the execution with this id (`$$.Execution.Id`) is still running. */
  isRunning(executionId: string): boolean;
}

/**
 * The real statemachines/autoscaler.asl.json with aws-local-stepfunctions: Lambda tasks call the
 * real handlers in-process; the Scale task does what Step Functions and SQS do (task token, FIFO
 * message, redelivery up to the DLQ) and waits for the scale function's SendTaskSuccess /
 * SendTaskFailure through the broker. The definition is loaded and validated once.
 */
export function createLocalWorkflow(options: {
  handlers: WorkflowHandlers;
  broker: TaskTokenBroker;
  hooks?: WorkflowTimeHooks;
  delivery?: ScaleDelivery;
  /** Epoch ms the in-process queue stamps its messages with; the simulator's is virtual. */
  now?: () => number;
}): LocalWorkflow {
  const { handlers, broker, hooks = {} } = options;
  const deliver = options.delivery ?? inProcessDelivery(handlers.scale, options.now ?? Date.now);
  const definition = JSON.parse(substitute(readFileSync(DEFINITION_PATH, 'utf8')));
  const machine = new StateMachine(definition);
  const retriers = {
    Scale: conflictRetrier(definition, 'Scale'),
    FinishDrains: conflictRetrier(definition, 'FinishDrains'),
  };
  let messages = 0;
  const running = new Set<string>();

  return {
    isRunning: (executionId) => running.has(executionId),
    async run(input = {}) {
      const executionId = `arn:aws:states:local:000000000000:execution:mesos-autoscaler-local:run-${++executionsStarted}`;
      running.add(executionId);
      const run: WorkflowRun = {
        status: 'SUCCEEDED', summary: null, error: null, cause: null,
        scaleMessages: [], retries: {}, statesEntered: [],
      };
      const attempts = new Map<string, number>();

      // What sqs:sendMessage.waitForTaskToken does, then SQS and the scale function's answer.
      const queueTask = (state: keyof typeof retriers) => async (params: unknown) => {
        const p = params as { MessageGroupId: string; MessageBody: Record<string, unknown> & { taskToken: string } };
        const { taskToken: _, ...request } = p.MessageBody;
        const key = JSON.stringify(request);
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        if (attempt > 1) await hooks.scaleRetryWait?.(attempt, retriers[state]);
        const message = { ...p.MessageBody, taskToken: broker.issue() };
        const record = { groupId: p.MessageGroupId, message: message as unknown as ScaleMessage, receives: 0 };
        run.scaleMessages.push(record);
        record.receives = await deliver(p.MessageGroupId, JSON.stringify(message), `m-${++messages}`);
        const answer = broker.take(message.taskToken);
        if (answer) {
          if (answer.ok) return answer.output as never;
          throw namedError(answer.error, answer.cause);
        }
        throw namedError('States.Timeout', 'the scale function never answered the task token; the message went to the dead-letter queue');
      };

      const lambda = (name: keyof Omit<WorkflowHandlers, 'scale'>) => async (event: unknown) =>
        (await handlers[name](event, lambdaContext(name))) as never;

      const drainCheck = async (event: unknown) => {
        const seconds = (event as { plan?: { drain?: { checkSeconds?: number } } }).plan?.drain?.checkSeconds ?? 0;
        await hooks.drainWait?.(seconds);
        return lambda('drains')(event);
      };

      const settleCheck = async (event: unknown) => {
        const seconds = (event as { intervalSeconds?: number }).intervalSeconds ?? 0;
        await hooks.settleWait?.(seconds);
        return lambda('settle')(event);
      };

      const execution = machine.run(input as never, {
        overrides: {
          taskResourceLocalHandlers: {
            Gather: lambda('gather'),
            Decide: lambda('process'),
            SettleCheck: settleCheck,
            DrainCheck: drainCheck,
            Summary: lambda('summary'),
            Scale: queueTask('Scale'),
            FinishDrains: queueTask('FinishDrains'),
          },
          // The waits happen in the hooks above, in the caller's time.
          waitTimeOverrides: { SettleWait: 0, DrainWait: 0 },
          retryIntervalOverrides: { Gather: 0, Decide: 0, Scale: 0, SettleCheck: 0, DrainCheck: 0, FinishDrains: 0, Summary: 0 },
        },
        context: {
          Execution: { Id: executionId, Input: input, Name: executionId.split(':').pop(), StartTime: new Date(0).toISOString() },
          Task: { Token: 'replaced-per-message' },
        } as never,
      });

      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered') {
          run.statesEntered.push(event.state.name);
        } else if (event.type === 'StateRetried') {
          run.retries[event.state.name] = (run.retries[event.state.name] ?? 0) + 1;
        } else if (event.type === 'StateExited' && event.state.name === 'Summary') {
          run.summary = event.state.output as unknown as ExecutionSummary;
        } else if (event.type === 'ExecutionFailed') {
          run.status = 'FAILED';
          run.error = event.Error;
          run.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
        }
      }
      await execution.result.catch(() => undefined);
      running.delete(executionId);
      return run;
    },
  };
}

function conflictRetrier(definition: { States: Record<string, any> }, state: string): Retrier {
  return findState(definition, state).Retry.find((r: { ErrorEquals: string[] }) => r.ErrorEquals.includes('Autoscaler.ScalingConflict')) as Retrier;
}

function findState(definition: { States: Record<string, any> }, name: string): any {
  for (const [key, state] of Object.entries(definition.States)) {
    if (key === name) return state;
    if (state.ItemProcessor) {
      const found = findState(state.ItemProcessor, name);
      if (found) return found;
    }
  }
  return undefined;
}

/** One execution, in real time (the tests and the single-run `npm start` demo use this). */
export async function runWorkflowLocally(options: { handlers: WorkflowHandlers; broker: TaskTokenBroker; input?: unknown }): Promise<WorkflowRun> {
  return createLocalWorkflow(options).run(options.input);
}
