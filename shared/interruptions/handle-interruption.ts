import type { DrainRecord } from '../aws/ports.js';
import type { AutoScalingPort, InstancePort, LifecyclePort } from '../aws/ports.js';
import type { AutoscalerConfig, PoolConfig } from '../config/types.js';
import type { MesosMaintenance } from '../mesos/maintenance-port.js';
import { isDeactivatedOrDraining } from '../mesos/maintenance-agent-api.js';
import type { MesosReader } from '../mesos/port.js';
import { log as jsonLog } from '../middleware/log.js';
import type { InstanceAddress } from '../model/asg.js';
import { AutoscalerError } from '../model/errors.js';
import type { InterruptionEvent } from './event.js';
import { agentsOnInstance, poolHoldingInstance, poolOfGroup } from './instance-agents.js';
import type { AgentOnInstance } from './instance-agents.js';
import { afterLifecycleCall, drainingUntil, handsOffReason, respondToInterruption } from './respond.js';
import type { InterruptionResponse } from './respond.js';

/** Owner of the drains the interruptions function starts: never a running execution. */
const INTERRUPTIONS_OWNER = 'interruptions';

/** Everything the interruptions function needs; built per invocation by the runtime composition. */
export interface InterruptionDeps {
  config: AutoscalerConfig;
  autoScaling: AutoScalingPort;
  instances: InstancePort;
  lifecycle: LifecyclePort;
  /** Read fresh for every event: the agent's state decides what happens. */
  mesos: MesosReader;
  maintenance: MesosMaintenance;
  /** Epoch ms. */
  now: () => number;
  /** Has a soft drain recorded in the drain ledger (through the scale queue), so it never outlives its deadline. */
  recordDrain: (record: DrainRecord) => Promise<void>;
  /** Structured log line; the shared JSON logger when absent. */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/** What became of one event: `again` returns it to the queue (a held termination, or Mesos unreadable). */
export type InterruptionOutcome =
  | { status: 'ignored'; reason: string }
  | {
      status: 'done' | 'again';
      pool: string;
      asgName: string;
      agentIds: string[] | null;
      response: InterruptionResponse;
      /** `gone` when the lifecycle action had already ended (completed elsewhere, or timed out). */
      lifecycleOutcome: 'done' | 'gone' | null;
    };

interface Located {
  pool: PoolConfig;
  asgName: string;
}

/** The pool the event's instance belongs to; null for instances of groups that are not ours. */
async function locate(event: InterruptionEvent, deps: InterruptionDeps): Promise<Located | null> {
  const pools = deps.config.pools;
  if (event.kind === 'terminate-lifecycle-action') {
    const pool = poolOfGroup(pools, event.asgName);
    return pool === null ? null : { pool, asgName: event.asgName };
  }
  if (pools.length === 0) return null;
  const groups = await deps.autoScaling.describeGroups(pools.flatMap((p) => p.asgNames));
  return poolHoldingInstance(pools, groups, event.instanceId);
}

/** The instance's agents from a fresh Mesos read; null when that read failed or cannot be trusted. */
async function readAgents(event: InterruptionEvent, pool: PoolConfig, deps: InterruptionDeps): Promise<AgentOnInstance[] | null> {
  const { instanceId } = event;
  const address = (await deps.instances.addresses([instanceId])).find((a) => a.instanceId === instanceId);
  const known: InstanceAddress = address ?? { instanceId, privateIp: null, privateDnsName: null };
  if (known.privateIp === null && known.privateDnsName === null) return [];
  try {
    const cluster = await deps.mesos.readCluster();
    const agents = agentsOnInstance(cluster, known);
    // After a master failover the instance's agent may simply not have re-registered yet.
    if (agents.length === 0 && cluster.recoveredAgentIds.length > 0) return null;
    // Only a soft drain asks whether the agent drains already (a hard drain reads its drain state,
    // hands off reads nothing): older masters tell it only by the maintenance of the agent's
    // machine, which the read above lacks and which costs more reads.
    if (event.kind === 'spot-interruption' || handsOffReason({ paused: deps.config.paused, pool }) !== null) {
      return agents.map((a) => ({ ...a, draining: isDeactivatedOrDraining(a.agent) }));
    }
    const until = drainingUntil(event, pool, deps.now());
    return await Promise.all(agents.map(async (a) => ({ ...a, draining: await deps.maintenance.isOutOfService(a.agent, until) })));
  } catch (err) {
    if (!(err instanceof AutoscalerError)) throw err;
    (deps.log ?? jsonLog)('Mesos could not be read for an interruption', {
      level: 'warn',
      instanceId,
      error: { name: err.name, message: err.message },
    });
    return null;
  }
}

/** Carries out the response: drains first, then the lifecycle action, then the clean-up. */
async function carryOut(
  event: InterruptionEvent,
  located: Located,
  agents: readonly AgentOnInstance[] | null,
  response: InterruptionResponse,
  deps: InterruptionDeps,
): Promise<{ again: boolean; lifecycleOutcome: 'done' | 'gone' | null }> {
  const byId = new Map((agents ?? []).map((a) => [a.agent.id, a.agent] as const));
  for (const { agentId, order } of response.drains) {
    const agent = byId.get(agentId);
    if (agent === undefined) continue;
    if (order.mode === 'soft') {
      if (event.kind !== 'terminate-lifecycle-action') {
        // The instance may well stay: the drain is recorded so a scale-in adopts it or it is undone at its
        // deadline. Recorded before Mesos is asked, so a drain never exists without its record.
        const now = deps.now();
        await deps.recordDrain({
          pool: located.pool.name, agentId, instanceId: event.instanceId, hostname: agent.hostname, ip: agent.ip ?? '',
          executionId: INTERRUPTIONS_OWNER, startedAt: now, deadline: now + order.windowSeconds * 1000, mode: 'soft',
        });
      }
      await deps.maintenance.startSoftDrain(agent, { windowSeconds: order.windowSeconds });
    }
    else await deps.maintenance.startHardDrain(agent, { maxGracePeriodSeconds: order.maxGracePeriodSeconds, markGone: order.markGone });
  }

  if (event.kind !== 'terminate-lifecycle-action' || response.lifecycle === null) {
    return { again: response.again, lifecycleOutcome: null };
  }
  const action = {
    asgName: event.asgName,
    hookName: event.hookName,
    instanceId: event.instanceId,
    ...(event.token === null ? {} : { token: event.token }),
  };
  const lifecycleOutcome =
    response.lifecycle === 'heartbeat'
      ? await deps.lifecycle.recordHeartbeat(action)
      : await deps.lifecycle.completeLifecycleAction({ ...action, result: 'CONTINUE' });
  const next = afterLifecycleCall(response, lifecycleOutcome);
  if (next.cleanUp) {
    for (const agent of byId.values()) await deps.maintenance.cleanUp(agent, { markGone: located.pool.drain.markGone });
  }
  return { again: next.again, lifecycleOutcome };
}

/**
 * Handles one interruption event: finds the pool and the Mesos agents of its instance, decides
 * (pure, `respondToInterruption`) and carries the decision out. Throws on failures that a later
 * delivery may get past (AWS or Mesos calls).
 */
export async function handleInterruption(event: InterruptionEvent, deps: InterruptionDeps): Promise<InterruptionOutcome> {
  const located = await locate(event, deps);
  if (located === null) {
    return {
      status: 'ignored',
      reason:
        event.kind === 'terminate-lifecycle-action'
          ? `Auto Scaling group ${event.asgName} is not the ASG of a configured pool`
          : `instance ${event.instanceId} is not in the ASG of a configured pool`,
    };
  }
  const agents = await readAgents(event, located.pool, deps);
  const response = respondToInterruption({ event, pool: located.pool, paused: deps.config.paused, agents, now: deps.now() });
  const { again, lifecycleOutcome } = await carryOut(event, located, agents, response, deps);
  return {
    status: again ? 'again' : 'done',
    pool: located.pool.name,
    asgName: located.asgName,
    agentIds: agents === null ? null : agents.map((a) => a.agent.id),
    response,
    lifecycleOutcome,
  };
}
