import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createAutoScalingPort } from './aws/autoscaling.js';
import { createInstancePort } from './aws/ec2-instances.js';
import { createLifecyclePort } from './aws/lifecycle.js';
import { createPoolMemoryPort } from './aws/pool-memory.js';
import { createDrainLedger } from './aws/drain-ledger.js';
import { createDrainRecorder } from './aws/drain-recorder.js';
import { createExecutionsPort } from './aws/executions.js';
import type { AutoScalingPort, DrainLedgerPort, DrainRecord, ExecutionsPort, InstancePort, LifecyclePort, ParameterSource, PoolMemoryPort, TaskReporter } from './aws/ports.js';
import { createSsmParameterSource } from './aws/ssm-parameter-source.js';
import { createTaskReporter } from './aws/task-reporter.js';
import { createCachedConfigLoader } from './config/load.js';
import type { AutoscalerConfig, MesosConfig } from './config/types.js';
import type { GatherDeps } from './gather/gather.js';
import type { InterruptionDeps } from './interruptions/handle-interruption.js';
import type { DrainCheckDeps } from './drains/drain-check.js';
import { createMesosReader } from './mesos/http-reader.js';
import { createMesosMaintenance } from './mesos/maintenance.js';
import type { MesosMaintenance } from './mesos/maintenance-port.js';
import type { MesosReader } from './mesos/port.js';
import { log } from './middleware/log.js';
import type { ProcessDeps } from './process/process-pool.js';
import type { ScaleDeps } from './scale/apply-plan.js';
import type { SettleDeps } from './settle/settle.js';

/**
 * The adapters every handler runs on. In Lambda they talk to AWS (the SDK honours
 * AWS_ENDPOINT_URL, which the local cloud uses); the simulator and tests may swap any of them.
 */
export interface Runtime {
  /** SSM path prefix, ending with `/`. */
  prefix: string;
  parameters: ParameterSource;
  autoScaling: AutoScalingPort;
  instances: InstancePort;
  memory: PoolMemoryPort;
  reporter: TaskReporter;
  lifecycle: LifecyclePort;
  mesosReader: (config: MesosConfig) => MesosReader;
  maintenance: (config: MesosConfig) => MesosMaintenance;
  ledger: DrainLedgerPort;
  executions: ExecutionsPort;
  /** Records a drain through the scale queue (the interruptions function's soft drains). */
  recordDrain: (record: DrainRecord) => Promise<void>;
  /** Epoch ms; virtual in the simulator. */
  now: () => number;
}

const DEFAULT_PREFIX = '/mesos-autoscaler/dev/';

function awsRuntime(): Runtime {
  const prefix = process.env.SSM_PREFIX ?? DEFAULT_PREFIX;
  const table = process.env.POOL_STATE_TABLE ?? 'mesos-autoscaler-pool-state';
  const autoScaling = new AutoScalingClient({});
  const dynamo = new DynamoDBClient({});
  const sfn = new SFNClient({});
  return {
    prefix,
    parameters: createSsmParameterSource(new SSMClient({})),
    autoScaling: createAutoScalingPort(autoScaling),
    instances: createInstancePort(new EC2Client({})),
    memory: createPoolMemoryPort(dynamo, table),
    reporter: createTaskReporter(sfn),
    lifecycle: createLifecyclePort(autoScaling),
    mesosReader: (config) => createMesosReader(config),
    maintenance: (config) => createMesosMaintenance(config),
    ledger: createDrainLedger(dynamo, table),
    executions: createExecutionsPort(sfn),
    recordDrain: createDrainRecorder(new SQSClient({}), process.env.SCALE_QUEUE_URL),
    now: Date.now,
  };
}

interface Composed {
  runtime: Runtime;
  loadConfig: () => Promise<AutoscalerConfig>;
}

let current: Composed | null = null;

function compose(runtime: Runtime): Composed {
  // One maintenance object per Mesos configuration (the cached config keeps it for 60 s), so its
  // API-generation detection is done once, not on every call.
  const maintenanceFor = new WeakMap<MesosConfig, MesosMaintenance>();
  const maintenance = (config: MesosConfig): MesosMaintenance => {
    let m = maintenanceFor.get(config);
    if (!m) maintenanceFor.set(config, (m = runtime.maintenance(config)));
    return m;
  };
  return {
    runtime: { ...runtime, maintenance },
    loadConfig: createCachedConfigLoader(runtime.parameters, runtime.prefix, { now: () => runtime.now() }),
  };
}

function active(): Composed {
  current ??= compose(awsRuntime());
  return current;
}

/**
 * Replaces adapters of the runtime (the local workflow and tests use this seam); `null` goes back
 * to plain AWS. Either way the configuration cache starts empty.
 */
export function useRuntime(overrides: Partial<Runtime> | null): Runtime {
  current = compose({ ...awsRuntime(), ...(overrides ?? {}) });
  return current.runtime;
}

export function gatherDeps(): GatherDeps {
  const { runtime, loadConfig } = active();
  return {
    loadConfig, mesosReader: runtime.mesosReader, autoScaling: runtime.autoScaling, instances: runtime.instances,
    ledger: runtime.ledger, executions: runtime.executions, now: runtime.now,
  };
}

export function drainCheckDeps(): DrainCheckDeps {
  const { runtime, loadConfig } = active();
  return { autoScaling: runtime.autoScaling, loadConfig, mesosReader: runtime.mesosReader, ledger: runtime.ledger, now: runtime.now };
}

export function processDeps(): ProcessDeps {
  const { runtime } = active();
  return { memory: runtime.memory, now: runtime.now, log };
}

export function settleDeps(): SettleDeps {
  const { runtime, loadConfig } = active();
  return { loadConfig, mesosReader: runtime.mesosReader, autoScaling: runtime.autoScaling, instances: runtime.instances };
}

/** The scale function re-reads Mesos right before it picks victims, so it needs the Mesos settings. */
export async function scaleDeps(): Promise<ScaleDeps> {
  const { runtime, loadConfig } = active();
  const config = await loadConfig();
  return {
    autoScaling: runtime.autoScaling,
    instances: runtime.instances,
    mesos: runtime.mesosReader(config.mesos),
    maintenance: runtime.maintenance(config.mesos),
    ledger: runtime.ledger,
    reporter: runtime.reporter,
    now: runtime.now,
  };
}

/** The interruptions function needs the pools (to recognise its ASGs) and the Mesos settings (to drain). */
export async function interruptionDeps(): Promise<InterruptionDeps> {
  const { runtime, loadConfig } = active();
  const config = await loadConfig();
  return {
    config,
    autoScaling: runtime.autoScaling,
    instances: runtime.instances,
    lifecycle: runtime.lifecycle,
    mesos: runtime.mesosReader(config.mesos),
    maintenance: runtime.maintenance(config.mesos),
    recordDrain: runtime.recordDrain,
    now: runtime.now,
  };
}
