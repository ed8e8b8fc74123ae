import type { AutoscalerConfig, MesosConfig, PoolConfig } from '../config/types.js';
import type { AutoScalingPort, DrainLedgerPort, ExecutionsPort, InstancePort } from '../aws/ports.js';
import type { DrainSummary } from '../model/snapshot.js';
import type { MesosReader } from '../mesos/port.js';
import type { AsgState, InstanceAddress } from '../model/asg.js';
import type { ClusterState } from '../model/cluster.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { recentPoolActivities } from '../aws/read-pool-groups.js';
import { pickPoolGroups } from '../model/pool-groups.js';
import type { GatherOutput, PoolWork, WorkflowError } from '../model/workflow.js';
import { summarisePools, type PoolSource } from '../decide/summarise.js';

export interface GatherDeps {
  loadConfig: () => Promise<AutoscalerConfig>;
  mesosReader: (config: MesosConfig) => MesosReader;
  autoScaling: AutoScalingPort;
  instances: InstancePort;
  ledger: DrainLedgerPort;
  executions: ExecutionsPort;
  now: () => number;
}

/** Whether an execution still runs. */
type RunningCheck = (executionId: string) => Promise<boolean>;

/**
 * Asks once per execution, however many drains it owns in whichever pools. When it cannot be told,
 * the execution counts as running: its drains are left alone rather than undone under it.
 */
function runningCheck(executions: ExecutionsPort): RunningCheck {
  const asked = new Map<string, Promise<boolean>>();
  return (executionId) => {
    let running = asked.get(executionId);
    if (running === undefined) {
      running = executions.isRunning(executionId).catch(() => true);
      asked.set(executionId, running);
    }
    return running;
  };
}

/** The pool's drains, each marked owned while the execution that started it still runs. */
async function drainsOf(pool: string, ledger: DrainLedgerPort, isRunning: RunningCheck): Promise<DrainSummary[]> {
  const records = await ledger.list(pool);
  return Promise.all(
    records.map(async (r) => ({
      agentId: r.agentId,
      instanceId: r.instanceId,
      startedAt: r.startedAt,
      deadline: r.deadline,
      // Only a Step Functions execution can own a drain; other owners (the interruptions function) never run.
      owned: r.executionId.startsWith('arn:') ? await isRunning(r.executionId) : false,
    })),
  );
}

/** Activities read per pool (over its groups): enough to find the last scale-out (cooldowns) and an activity in progress. */
const ACTIVITY_HISTORY = 20;

function toWorkflowError(err: unknown): WorkflowError {
  if (err instanceof AutoscalerError) return { name: err.name, message: err.message };
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name || 'Error', message: e.message };
}

function failedPool(pool: string, config: PoolConfig | null, error: WorkflowError): PoolWork {
  return { pool, config, snapshot: null, error };
}

/**
 * Reads everything one execution decides on and condenses it into one compact snapshot per pool.
 * Only an unreadable configuration throws; any other failure is reported on the pools it affects,
 * which are then left as they are.
 */
export async function gather(deps: GatherDeps): Promise<GatherOutput> {
  const config = await deps.loadConfig();
  const observedAt = deps.now();
  const globalProblems = config.problems.filter((p) => p.pool === null);
  const poolProblems = config.problems.filter((p) => p.pool !== null);
  const output: GatherOutput = {
    observedAt,
    prefix: config.prefix,
    paused: config.paused,
    pools: [],
    problems: globalProblems,
    mesos: { leaderUrl: null, version: null, error: null },
  };

  const invalidPools = new Map<string, string[]>();
  for (const p of poolProblems) {
    const pool = p.pool as string;
    invalidPools.set(pool, [...(invalidPools.get(pool) ?? []), `${p.message}`]);
  }
  for (const [pool, messages] of invalidPools) {
    output.pools.push(
      failedPool(pool, null, {
        name: ErrorNames.InvalidConfig,
        message: `configuration invalid, pool left as it is: ${messages.join('; ')}`,
      }),
    );
  }

  const pools = config.pools.map((p) => (config.paused ? { ...p, paused: true } : p));
  if (pools.length === 0) return output;

  let cluster: ClusterState;
  try {
    cluster = await deps.mesosReader(config.mesos).readCluster();
    output.mesos = { leaderUrl: cluster.leaderUrl, version: cluster.masterVersion, error: null };
  } catch (err) {
    const error = toWorkflowError(err);
    output.mesos.error = error;
    for (const p of pools) output.pools.push(failedPool(p.name, p, { name: error.name, message: `Mesos could not be read, nothing changed: ${error.message}` }));
    return output;
  }

  let groups: AsgState[];
  let addresses: InstanceAddress[];
  try {
    groups = await deps.autoScaling.describeGroups(pools.flatMap((p) => p.asgNames));
    addresses = await deps.instances.addresses(groups.flatMap((g) => g.instances.map((i) => i.instanceId)));
  } catch (err) {
    const error = toWorkflowError(err);
    for (const p of pools) output.pools.push(failedPool(p.name, p, { name: error.name, message: `the Auto Scaling groups could not be read, nothing changed: ${error.message}` }));
    return output;
  }
  const isRunning = runningCheck(deps.executions);

  // The pools are read at once; a failure is reported on its own pool only.
  const reads = await Promise.all(
    pools.map(async (pool): Promise<PoolSource | PoolWork> => {
      let asg: AsgState;
      try {
        asg = pickPoolGroups(pool.name, pool.asgNames, groups).merged;
      } catch (err) {
        return failedPool(pool.name, pool, toWorkflowError(err));
      }
      try {
        const [activities, drains] = await Promise.all([
          recentPoolActivities(deps.autoScaling, pool.asgNames, ACTIVITY_HISTORY),
          drainsOf(pool.name, deps.ledger, isRunning),
        ]);
        return { pool, asg, addresses, activities, drains };
      } catch (err) {
        const error = toWorkflowError(err);
        return failedPool(pool.name, pool, { name: error.name, message: `scaling activities or drains of ${asg.name} could not be read: ${error.message}` });
      }
    }),
  );
  const sources: PoolSource[] = [];
  for (const read of reads) {
    if ('asg' in read) sources.push(read);
    else output.pools.push(read);
  }
  // One pass over every agent and task for all pools: big clusters have hundreds of thousands of tasks.
  const snapshots = summarisePools({
    cluster, pools: sources, now: observedAt, poolAttribute: config.mesos.poolAttribute, configuredPools: config.pools.length + invalidPools.size,
  });
  sources.forEach((source, i) => output.pools.push({ pool: source.pool.name, config: source.pool, snapshot: snapshots[i]!, error: null }));
  return output;
}
