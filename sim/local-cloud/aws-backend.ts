import type { SimCluster } from '../types.js';
import type { LocalQueue } from './sqs-queue.js';

/** A DynamoDB item in the wire's AttributeValue form, e.g. `{ pool: { S: 'web' }, expiresAt: { N: '1700000000' } }`. */
export type DynamoItem = Record<string, Record<string, unknown>>;

/** One DynamoDB table with a simple (hash-only) primary key. */
export interface DynamoTable {
  /** Name of the hash-key attribute, e.g. `pool`. */
  keyAttribute: string;
  /** Items by the key attribute's scalar value (the `S`, `N` or `B` string). */
  items: Map<string, DynamoItem>;
}

/**
 * Step Functions task tokens. Each call throws when the token is not waiting for an answer; an
 * error named `InvalidToken`, `TaskDoesNotExist` or `TaskTimedOut` keeps that name on the wire,
 * any other is answered as `TaskDoesNotExist`.
 */
export interface TaskTokens {
  succeed(taskToken: string, outputJson: string): void;
  fail(taskToken: string, error: string, cause: string): void;
  /** Checks the token still waits; when absent every heartbeat is accepted. */
  heartbeat?(taskToken: string): void;
}

/** Step Functions executions, for DescribeExecution. */
export interface Executions {
  /** Throws when the execution is unknown (answered as ExecutionDoesNotExist); false once it has ended. */
  isRunning(executionArn: string): boolean;
}

/** The state behind the local AWS endpoint. The endpoint keeps none of its own beyond parameter versions. */
export interface AwsBackend {
  /** Auto Scaling and EC2 DescribeInstances: the one simulated group and its instances. */
  cluster: SimCluster;
  /** SSM parameters by full name (`/prefix/pools/web/asg-name` → value). */
  parameters: Map<string, string>;
  /** DynamoDB tables by table name. */
  tables: Map<string, DynamoTable>;
  /** Step Functions SendTask* callbacks. */
  tasks: TaskTokens;
  /** Step Functions DescribeExecution; when absent no execution exists. */
  executions?: Executions;
  /** SQS queues by queue name (`scale.fifo`); FIFO when the name ends in `.fifo`. */
  queues: Map<string, LocalQueue>;
  /** Epoch ms: SQS visibility and deduplication, SSM LastModifiedDate, group CreatedTime. */
  now(): number;
}
