import { handler as gather } from '../functions/gather/handler.js';
import { handler as interruptions } from '../functions/interruptions/handler.js';
import { handler as processPool } from '../functions/process/handler.js';
import { handler as scale } from '../functions/scale/handler.js';
import { handler as drains } from '../functions/drains/handler.js';
import { handler as settle } from '../functions/settle/handler.js';
import { handler as summary } from '../functions/summary/handler.js';
import { useRuntime, type Runtime } from '../shared/runtime.js';
import type { DrainRecord, TaskReporter } from '../shared/aws/ports.js';
import { hasAgentDrainApi } from '../shared/mesos/maintenance.js';
import type { RecordDrainMessage } from '../shared/model/workflow.js';
import { simAwsPorts, simLifecycle, simMaintenance, simMaintenanceOverHttp, simMesosReader } from './cluster-ports.js';
import { createSimCluster } from './cluster/index.js';
import { groupNames } from './cluster/pool-groups.js';
import { withDefaults } from './cluster/setting-rules.js';
import { driveExecutions } from './execution-driver.js';
import { InterruptionsQueue } from './local-cloud/interruptions-queue.js';
import { mapDrainLedger, mapParameterSource, mapPoolMemory } from './local-ports.js';
import { createLocalWorkflow, inProcessDelivery, lambdaContext, retrySeconds, type LocalWorkflow, type WorkflowHandlers } from './local-workflow.js';
import { demandSeries, oracle, windowSecondsOf } from './oracle.js';
import { createBaseline } from './policies/index.js';
import { createRandom } from './random.js';
import { TaskTokenBroker } from './task-token-broker.js';
import { startWireTransport } from './wire-transport.js';
import { EPOCH_MS, SimApiError, type MesosVersion, type SeriesPoint, type SimCluster, type SimSettings, type SimulationResult, type Trace } from './types.js';
import { VirtualClock } from './virtual-clock.js';

export const POLICIES = ['autoscaler', 'static-peak', 'threshold-free', 'scalepot', 'target-tracking'] as const;
export type PolicyName = (typeof POLICIES)[number];

/**
 * The autoscaler's group has the terminate lifecycle hook serverless.yml deploys (HeartbeatTimeout
 * 300 s) unless `lifecycleHookSeconds` says otherwise; the baselines' groups have none, as the
 * tools they model deploy none.
 */
const DEFAULT_LIFECYCLE_HOOK_SECONDS = 300;

function lifecycleHookSecondsFor(policy: PolicyName, configured: number | undefined): number {
  return configured ?? (policy === 'autoscaler' ? DEFAULT_LIFECYCLE_HOOK_SECONDS : 0);
}

export interface SimulateOptions {
  trace: Trace;
  policy: PolicyName;
  /** `initialAgents` is derived (n*(0), or the peak for static-peak); the rest is the pool. */
  settings: Omit<SimSettings, 'initialAgents'>;
  intervalSeconds: number;
  windowSeconds?: number;
  /** Autoscaler SSM parameters: `name` for the pool's own (`cpus-upper-percent`), or a path under the prefix (`mesos/timeout-ms`). */
  config?: Readonly<Record<string, string>>;
  onProgress?: (progress: Progress) => void;
  /**
   * `in-process` (default): the handlers' ports answered by the simulated cluster directly (on a 1.8
   * master the production maintenance code, over in-process HTTP).
   * `wire`: HTTP to a local Mesos master and a local AWS endpoint, through the production adapters.
   */
  transport?: 'in-process' | 'wire';
}

interface AutoscalerCounts {
  executions: number;
  stateTransitions: number;
  interruptionsHandled: number;
  rebalanceRecommendationsHandled: number;
  interruptionsDeadLettered: number;
}

export interface Progress {
  t: number;
  windowSeconds: number;
  instances: number;
  registeredAgents: number;
  pendingTasks: number;
}

export interface SimulationRun {
  result: SimulationResult;
  series: SeriesPoint[];
}

export const SIM_PREFIX = '/mesos-autoscaler/sim/';
const handlers = { gather, process: processPool, scale, settle, drains, summary } as unknown as WorkflowHandlers;

/** The autoscaler's SSM parameters for the simulated pool: its groups (names joined with ","), its bounds, then the user's. */
export function simParameters(settings: Pick<SimSettings, 'pool' | 'asgName' | 'asgCount' | 'minSize' | 'maxSize'>, config: Readonly<Record<string, string>> = {}): Map<string, string> {
  const params = new Map<string, string>([
    [`${SIM_PREFIX}mesos/master-urls`, 'http://sim-master.local:5050'],
    [`${SIM_PREFIX}pools/${settings.pool}/asg-name`, groupNames(settings.asgName, withDefaults(settings).asgCount).join(',')],
    [`${SIM_PREFIX}pools/${settings.pool}/min-agents`, String(settings.minSize)],
    [`${SIM_PREFIX}pools/${settings.pool}/max-agents`, String(settings.maxSize)],
  ]);
  for (const [name, value] of Object.entries(config)) {
    params.set(name.includes('/') ? `${SIM_PREFIX}${name}` : `${SIM_PREFIX}pools/${settings.pool}/${name}`, String(value));
  }
  return params;
}

/**
 * The scale function consuming a message another function sent to the scale queue (a drain to
 * record), delivered as the Scale state's messages are.
 */
function scaleQueueRecorder(scale: WorkflowHandlers['scale'], now: () => number): (record: DrainRecord) => Promise<void> {
  const deliver = inProcessDelivery(scale, now);
  let sent = 0;
  return async (record) => {
    const message: RecordDrainMessage = { record };
    await deliver(record.pool, JSON.stringify(message), `record-${++sent}`);
  };
}

/**
 * What the handlers run on in-process: every port answered by the simulated cluster, drains
 * recorded through the scale function, the pool's state in memory.
 */
export function inProcessRuntime(
  cluster: SimCluster,
  o: { parameters: Map<string, string>; now: () => number; isRunning: (executionId: string) => boolean; reporter: TaskReporter; mesosVersion: MesosVersion },
): Runtime {
  const reader = simMesosReader(cluster);
  const maintenance = simMaintenance(cluster);
  return {
    prefix: SIM_PREFIX,
    parameters: mapParameterSource(o.parameters),
    memory: mapPoolMemory(),
    ledger: mapDrainLedger(),
    recordDrain: scaleQueueRecorder(handlers.scale, o.now),
    executions: { isRunning: async (id) => o.isRunning(id) },
    reporter: o.reporter,
    now: o.now,
    mesosReader: () => reader,
    // A 1.8 master has only the maintenance primitives: the production code finds that out and uses them.
    maintenance: hasAgentDrainApi(o.mesosVersion) ? () => maintenance : simMaintenanceOverHttp(cluster, o.now),
    lifecycle: simLifecycle(cluster),
    ...simAwsPorts(cluster),
  };
}

/**
 * The production path: the real state machine and handlers, one execution per schedule tick,
 * overlapping in virtual time as they do in AWS (`driveExecutions` says in which order within an
 * instant); settle waits and retry back-offs take virtual time. EC2 and Auto Scaling events (Spot
 * warnings, rebalance recommendations, lifecycle actions) reach the deployed interruptions
 * function through the interruptions queue, also in virtual time.
 */
async function runAutoscaler(cluster: SimCluster, o: SimulateOptions, W: number, tick: (t: number) => void, mesosVersion: MesosVersion): Promise<AutoscalerCounts> {
  const clock = new VirtualClock();
  const broker = new TaskTokenBroker();
  const jitter = createRandom(o.settings.seed ^ 0x1e77e7);
  const now = () => EPOCH_MS + clock.now * 1000;
  const parameters = simParameters(o.settings, o.config);
  let workflow: LocalWorkflow | null = null;
  const isRunning = (id: string) => workflow?.isRunning(id) ?? false;
  const wire = o.transport === 'wire'
    ? await startWireTransport({ cluster, parameters, prefix: SIM_PREFIX, broker, now, scale: handlers.scale, isRunning })
    : null;
  useRuntime(wire ? wire.runtime : inProcessRuntime(cluster, { parameters, now, isRunning, reporter: broker, mesosVersion }));
  workflow = createLocalWorkflow({
    handlers,
    broker,
    now,
    delivery: wire?.delivery,
    hooks: {
      settleWait: (seconds) => clock.sleep(seconds),
      drainWait: (seconds) => clock.sleep(seconds),
      scaleRetryWait: (attempt, retrier) => clock.sleep(jitter.next() * retrySeconds(retrier, attempt - 1)),
    },
  });
  const run = workflow.run.bind(workflow);
  const queue = new InterruptionsQueue((event) => interruptions(event, lambdaContext('interruptions')));
  const deliver = async (t: number) => {
    queue.publish(cluster.takeEvents(), t);
    await queue.deliver(t);
    // Over the wire the drains the function recorded wait in the scale queue for its consumer.
    await wire?.pumpScaleQueue();
  };
  try {
    const counts = await driveExecutions({
      windowSeconds: W, intervalSeconds: o.intervalSeconds, clock, advanceTo: (t) => cluster.advanceTo(t), tick, execute: () => run(),
      events: { deliver, nextAt: () => queue.nextVisibleAt() },
    });
    return {
      ...counts,
      interruptionsHandled: queue.delivered['spot-interruption'],
      rebalanceRecommendationsHandled: queue.delivered['rebalance-recommendation'],
      interruptionsDeadLettered: queue.deadLettered,
    };
  } finally {
    await wire?.close();
    useRuntime(null);
  }
}

/**
 * A baseline decides every interval from what it observes (the sums over the pool's groups); the
 * cluster spreads the total it decides over the groups. Baselines count instances: the pool's
 * capacity units are turned into instances for them, and back.
 */
function runBaseline(cluster: SimCluster, o: SimulateOptions, weight: number, W: number, peak: number, tick: (t: number) => void): { executions: number } {
  const policy = createBaseline(o.policy as Exclude<PolicyName, 'autoscaler'>, { ...o.settings, intervalSeconds: o.intervalSeconds, peakAgents: peak });
  let executions = 0;
  for (let t = 0; t < W; t += o.intervalSeconds) {
    cluster.advanceTo(t);
    tick(t);
    const seen = cluster.observe();
    const instances = policy.decide({ ...seen, desired: Math.ceil(seen.desired / weight) });
    const wanted = Math.min(o.settings.maxSize, Math.max(o.settings.minSize, instances * weight));
    executions += 1;
    if (wanted === seen.desired) continue;
    try {
      cluster.setTotalDesired(wanted);
    } catch (err) {
      // The baselines, like the tools they model, simply try again at the next interval.
      if (!(err instanceof SimApiError)) throw err;
    }
  }
  return { executions };
}

/** Replays a trace with one policy and returns every metric of DESIGN §6 plus the charted series. */
export async function simulate(o: SimulateOptions): Promise<SimulationRun> {
  const W = o.windowSeconds ?? windowSecondsOf(o.trace);
  const shape = { agentCpus: o.settings.agentCpus, agentMemMb: o.settings.agentMemMb, bootSeconds: o.settings.bootSeconds, windowSeconds: W };
  // One sweep gives the bound, the peak, n*(0) and the static-peak cost.
  const bound = oracle(o.trace, shape);
  const peak = bound.peakAgents;
  const settings = withDefaults({ ...o.settings, lifecycleHookSeconds: lifecycleHookSecondsFor(o.policy, o.settings.lifecycleHookSeconds) });
  const { instanceWeight: weight, lifecycleHookSeconds, mesosVersion } = settings;
  // Whole instances within [min, max] (capacity units, each instance instanceWeight of them).
  const initialAgents = Math.min(Math.floor(o.settings.maxSize / weight), Math.max(Math.ceil(o.settings.minSize / weight), o.policy === 'static-peak' ? peak : bound.agentsAtStart));
  const cluster = createSimCluster(o.trace, { ...settings, initialAgents });
  const demand = demandSeries(o.trace, shape);
  const series: SeriesPoint[] = [];
  const sampleEvery = Math.max(o.intervalSeconds, Math.ceil(W / 2000 / o.intervalSeconds) * o.intervalSeconds);
  const progressEvery = Math.max(o.intervalSeconds, Math.floor(W / 50));
  let nextSample = 0;
  let nextProgress = 0;
  const tick = (t: number) => {
    if (t < nextSample && t < nextProgress) return;
    const seen = cluster.observe();
    if (t >= nextSample) {
      series.push({ t, demandCpus: demand[Math.floor(t / 60)] ?? 0, capacityCpus: seen.cpusTotal, instances: seen.instances, pendingTasks: seen.pendingTasks });
      nextSample += sampleEvery;
    }
    if (t >= nextProgress) {
      o.onProgress?.({ t, windowSeconds: W, instances: seen.instances, registeredAgents: seen.registeredAgents, pendingTasks: seen.pendingTasks });
      nextProgress += progressEvery;
    }
  };

  const wall = performance.now();
  const counts: AutoscalerCounts = o.policy === 'autoscaler'
    ? await runAutoscaler(cluster, o, W, tick, mesosVersion)
    : { ...runBaseline(cluster, o, weight, W, peak, tick), stateTransitions: 0, interruptionsHandled: 0, rebalanceRecommendationsHandled: 0, interruptionsDeadLettered: 0 };
  cluster.advanceTo(W);
  const metrics = cluster.metrics(W);
  const result: SimulationResult = {
    trace: o.trace.name,
    policy: o.policy,
    windowSeconds: W,
    instanceHours: metrics.instanceHours,
    demandCpuHours: metrics.demandCpuHours,
    unmetCpuHours: metrics.unmetCpuHours,
    oracleInstanceHours: bound.instanceHours,
    staticPeakInstanceHours: bound.staticPeakInstanceHours,
    pendingSecondsP95: metrics.pendingSecondsP95,
    tasksKilled: metrics.tasksKilled,
    tasksLostToFaults: metrics.tasksLostToFaults,
    scaleOutActions: metrics.scaleOutActions,
    scaleInActions: metrics.scaleInActions,
    peakInstances: metrics.peakInstances,
    drainsStarted: metrics.drainsStarted,
    drainsCompleted: metrics.drainsCompleted,
    drainsCancelled: metrics.drainsCancelled,
    drainSecondsP50: metrics.drainSecondsP50,
    drainSecondsP95: metrics.drainSecondsP95,
    lifecycleActionsStarted: metrics.lifecycleActionsStarted,
    lifecycleActionsCompleted: metrics.lifecycleActionsCompleted,
    lifecycleActionsTimedOut: metrics.lifecycleActionsTimedOut,
    lifecycleHeartbeats: metrics.lifecycleHeartbeats,
    lifecycleWaitInstanceHours: metrics.lifecycleWaitInstanceHours,
    maintenanceWindowsLeft: metrics.maintenanceWindowsLeft,
    machinesDownLeft: metrics.machinesDownLeft,
    executions: counts.executions,
    stateTransitions: counts.stateTransitions,
    interruptionsHandled: counts.interruptionsHandled,
    rebalanceRecommendationsHandled: counts.rebalanceRecommendationsHandled,
    interruptionsDeadLettered: counts.interruptionsDeadLettered,
    mesosVersion,
    lifecycleHookSeconds,
    wallSeconds: (performance.now() - wall) / 1000,
  };
  return { result, series };
}
