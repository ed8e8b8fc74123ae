import { SQSClient } from '@aws-sdk/client-sqs';
import type { Runtime } from '../shared/runtime.js';
import { startAwsEndpoint } from './local-cloud/aws-endpoint.js';
import type { AwsBackend } from './local-cloud/aws-backend.js';
import { startMesosEndpoint } from './local-cloud/mesos-endpoint.js';
import { scaleQueueConsumer } from './local-cloud/sqs-delivery.js';
import { LocalQueue } from './local-cloud/sqs-queue.js';
import { SCALE_QUEUE, type ScaleDelivery, type WorkflowHandlers } from './local-workflow.js';
import type { TaskTokenBroker } from './task-token-broker.js';
import type { SimCluster } from './types.js';

const QUEUE = 'mesos-autoscaler-sim-scale.fifo';
const TABLE = 'mesos-autoscaler-sim-pool-state';

/** Environment the Lambda functions get from serverless.yml, pointed at the local cloud. */
const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED', 'AWS_MAX_ATTEMPTS', 'SSM_PREFIX', 'POOL_STATE_TABLE', 'SCALE_QUEUE_URL'] as const;

export interface WireTransport {
  /** What the runtime keeps from the simulator: the prefix and the virtual clock. */
  runtime: Partial<Runtime>;
  delivery: ScaleDelivery;
  /** Hands the messages other functions put on the scale queue (drains to record) to the scale function. */
  pumpScaleQueue(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The wire path: the simulated cluster behind a local Mesos/Marathon master and a local AWS
 * endpoint; the handlers use the production adapters and SDK clients through AWS_ENDPOINT_URL,
 * exactly as deployed. Slower than the in-process ports, so it is for rehearsals and tests.
 */
export async function startWireTransport(input: {
  cluster: SimCluster;
  parameters: Map<string, string>;
  prefix: string;
  broker: TaskTokenBroker;
  now: () => number;
  scale: WorkflowHandlers['scale'];
  /** Whether an execution still runs (Step Functions DescribeExecution). */
  isRunning: (executionId: string) => boolean;
}): Promise<WireTransport> {
  const { cluster, parameters, prefix, broker, now } = input;
  const mesos = await startMesosEndpoint(cluster);
  parameters.set(`${prefix}mesos/master-urls`, mesos.url);
  parameters.set(`${prefix}marathon/url`, mesos.marathonUrl);
  const scaleQueue = new LocalQueue(QUEUE, { contentBasedDeduplication: true, visibilityTimeoutSeconds: SCALE_QUEUE.visibilitySeconds });
  const backend: AwsBackend = {
    cluster,
    parameters,
    tables: new Map([[TABLE, { keyAttribute: 'pool', items: new Map() }]]),
    tasks: {
      succeed: (token, outputJson) => broker.settle(token, { ok: true, output: JSON.parse(outputJson) }),
      fail: (token, error, cause) => broker.settle(token, { ok: false, error, cause }),
    },
    executions: { isRunning: input.isRunning },
    queues: new Map([[QUEUE, scaleQueue]]),
    now,
  };
  const aws = await startAwsEndpoint(backend);

  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: aws.url,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    // SDK retries wait in real time; the workflow's own Retry handles conflicts in virtual time.
    AWS_MAX_ATTEMPTS: '1',
    SSM_PREFIX: prefix,
    POOL_STATE_TABLE: TABLE,
  });
  const sqs = new SQSClient({});
  const consumer = await scaleQueueConsumer(sqs, QUEUE, input.scale);
  // The interruptions function records its drains through the queue, as deployed.
  process.env.SCALE_QUEUE_URL = consumer.queueUrl;
  return {
    runtime: { prefix, now },
    delivery: consumer.deliver,
    // Without a visible message a ReceiveMessage round trip finds nothing, and most deliveries leave the queue empty.
    pumpScaleQueue: async () => {
      if (scaleQueue.hasVisible(now())) await consumer.pump();
    },
    async close() {
      sqs.destroy();
      await Promise.all([aws.close(), mesos.close()]);
      for (const k of ENV_KEYS) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    },
  };
}
