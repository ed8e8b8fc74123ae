import type { PoolConfig } from '../config/types.js';
import type { InterruptionEvent } from './event.js';
import type { AgentOnInstance } from './instance-agents.js';

/**
 * EC2 gives a spot instance two minutes between the warning and its end. The tasks' grace period
 * must end before that, with room for the warning's delivery and the drain call.
 */
export const SPOT_MAX_GRACE_SECONDS = 90;
/**
 * How long until an event is looked at again when it is returned to the queue: the interruptions
 * queue's VisibilityTimeout (serverless.yml). Well below the hook's HeartbeatTimeout (300 s), so a
 * held termination never times out between two heartbeats.
 */
export const RECHECK_SECONDS = 60;
/**
 * Longest a termination is held for a busy agent, whatever drain-deadline-seconds says: the queue
 * redelivers a message at most maxReceiveCount (70) times, one RECHECK_SECONDS apart.
 */
export const MAX_HOLD_SECONDS = 3600;

export type DrainOrder =
  | { mode: 'soft'; windowSeconds: number }
  | { mode: 'hard'; maxGracePeriodSeconds: number; markGone: boolean };

export interface DrainStep {
  agentId: string;
  order: DrainOrder;
}

/** What to do about one interruption event, now. */
export interface InterruptionResponse {
  /** Drains to start, in this order, before anything else. */
  drains: DrainStep[];
  /** The lifecycle action: keep holding it (heartbeat), let the termination go on (complete), or nothing. */
  lifecycle: 'heartbeat' | 'complete' | null;
  /** After the lifecycle action is over: the instance's agents are cleaned up (never to take a task again). */
  cleanUp: boolean;
  /** Return the event to the queue, to look at it again in RECHECK_SECONDS. */
  again: boolean;
  reason: string;
}

export interface InterruptionSituation {
  event: InterruptionEvent;
  pool: PoolConfig;
  /** The global pause switch. */
  paused: boolean;
  /** Agents on the instance from a fresh Mesos read; null when Mesos could not be read. */
  agents: readonly AgentOnInstance[] | null;
  /** Epoch ms. */
  now: number;
}

const notDraining = (a: AgentOnInstance) => !a.draining;
/** Connected, or deactivated by a drain: a disconnected agent cannot finish its tasks, so holding for it gains nothing. */
const reachable = (a: AgentOnInstance) => a.agent.active || a.agent.deactivated;

/** Why the autoscaler keeps its hands off Mesos for this pool; null when it acts. */
export function handsOffReason(situation: Pick<InterruptionSituation, 'paused' | 'pool'>): string | null {
  if (situation.paused) return 'the autoscaler is paused';
  if (situation.pool.paused) return `pool ${situation.pool.name} is paused`;
  if (situation.pool.dryRun) return `pool ${situation.pool.name} is in dry-run`;
  return null;
}

function respond(partial: Partial<InterruptionResponse> & { reason: string }): InterruptionResponse {
  return { drains: [], lifecycle: null, cleanUp: false, again: false, ...partial };
}

const count = (agents: readonly AgentOnInstance[]) => (agents.length === 1 ? 'its agent' : `its ${agents.length} agents`);

/** Spot warning: kill the tasks gracefully now, so they get their SIGTERM before the instance dies. */
function spotInterruption(s: InterruptionSituation, action: 'terminate' | 'stop' | 'hibernate'): InterruptionResponse {
  const { agents, pool } = s;
  if (agents === null) return respond({ again: true, reason: 'Mesos could not be read; trying again before the instance goes' });
  if (agents.length === 0) return respond({ reason: 'no Mesos agent runs on the instance; nothing to drain' });
  const grace = Math.min(pool.drain.graceSeconds, SPOT_MAX_GRACE_SECONDS);
  // A stopped or hibernated instance keeps its identity and may come back: never mark its agent gone.
  const markGone = pool.drain.markGone && action === 'terminate';
  const drains = agents
    .filter((a) => a.agent.drainState !== 'DRAINED')
    .map((a) => ({ agentId: a.agent.id, order: { mode: 'hard', maxGracePeriodSeconds: grace, markGone } }) satisfies DrainStep);
  if (drains.length === 0) return respond({ reason: `${count(agents)} already drained` });
  return respond({ drains, reason: `spot interruption (${action}): hard drain of ${count(agents)}, at most ${grace} s of grace per task` });
}

/** Rebalance recommendation: stop new work, let the running tasks finish; scale-in finds the agent draining. */
function rebalanceRecommendation(s: InterruptionSituation): InterruptionResponse {
  const { agents, pool } = s;
  if (agents === null) return respond({ again: true, reason: 'Mesos could not be read; trying again' });
  if (agents.length === 0) return respond({ reason: 'no Mesos agent runs on the instance; nothing to drain' });
  const drains = agents
    .filter(notDraining)
    .map((a) => ({ agentId: a.agent.id, order: { mode: 'soft', windowSeconds: pool.drain.deadlineSeconds } }) satisfies DrainStep);
  if (drains.length === 0) return respond({ reason: `${count(agents)} already draining` });
  return respond({ drains, reason: `rebalance recommendation: soft drain of ${count(agents)} (no new tasks)` });
}

/** Epoch ms at which a termination held for a busy agent is let go. */
export function holdDeadline(event: InterruptionEvent, pool: PoolConfig): number {
  return event.time + Math.min(pool.drain.deadlineSeconds, MAX_HOLD_SECONDS) * 1000;
}

/**
 * Until when (epoch ms) an agent must already take no new task to count as draining: a held
 * termination's deadline (on older masters a window ending sooner is written anew), else now.
 */
export function drainingUntil(event: InterruptionEvent, pool: PoolConfig, now: number): number {
  return event.kind === 'terminate-lifecycle-action' ? Math.max(now, holdDeadline(event, pool)) : now;
}

/**
 * Terminating lifecycle action: soft drain, then hold the termination (heartbeats, one per
 * re-delivery) while a reachable agent still runs tasks, until it is empty or the hold deadline is
 * less than one re-delivery away. Completing then beats letting the hook time out: AWS terminates either way.
 */
function terminateLifecycleAction(s: InterruptionSituation): InterruptionResponse {
  const { agents, pool, now } = s;
  const deadline = holdDeadline(s.event, pool);
  const deadlineNear = now + RECHECK_SECONDS * 1000 >= deadline;
  if (agents === null) {
    return deadlineNear
      ? respond({ lifecycle: 'complete', reason: 'Mesos could not be read and the hold deadline is here: termination goes on' })
      : respond({ lifecycle: 'heartbeat', again: true, reason: 'Mesos could not be read: termination held, trying again' });
  }
  if (agents.length === 0) return respond({ lifecycle: 'complete', reason: 'no Mesos agent runs on the instance: termination goes on' });

  const windowSeconds = Math.max(RECHECK_SECONDS, Math.ceil((deadline - now) / 1000));
  const drains = agents
    .filter(notDraining)
    .map((a) => ({ agentId: a.agent.id, order: { mode: 'soft', windowSeconds } }) satisfies DrainStep);
  const busy = agents.filter((a) => a.busy && reachable(a)).length;
  if (busy === 0) {
    return respond({ drains, lifecycle: 'complete', cleanUp: true, reason: `${count(agents)} empty or disconnected: termination goes on` });
  }
  if (deadlineNear) {
    return respond({
      drains,
      lifecycle: 'complete',
      cleanUp: true,
      reason: `hold deadline reached with ${busy} agent(s) still running tasks: termination goes on`,
    });
  }
  return respond({
    drains,
    lifecycle: 'heartbeat',
    again: true,
    reason: `${busy} agent(s) still running tasks: termination held until ${new Date(deadline).toISOString()} at most`,
  });
}

/** The response to one interruption event of a pool of ours (pure; the handler carries it out). */
export function respondToInterruption(s: InterruptionSituation): InterruptionResponse {
  const off = handsOffReason(s);
  if (off !== null) {
    // Hands off Mesos; a held termination is let go at once, as if there were no hook.
    return s.event.kind === 'terminate-lifecycle-action'
      ? respond({ lifecycle: 'complete', reason: `${off}: no drain, termination goes on` })
      : respond({ reason: `${off}: no drain` });
  }
  switch (s.event.kind) {
    case 'spot-interruption':
      return spotInterruption(s, s.event.instanceAction);
    case 'rebalance-recommendation':
      return rebalanceRecommendation(s);
    case 'terminate-lifecycle-action':
      return terminateLifecycleAction(s);
  }
}

/**
 * Once AWS answered the lifecycle call: a heartbeat that found no pending action means the
 * termination went on without us (the hook timed out, or someone completed it), so the hold is over
 * and the agents are cleaned up as after a completion.
 */
export function afterLifecycleCall(response: InterruptionResponse, outcome: 'done' | 'gone'): { cleanUp: boolean; again: boolean } {
  if (response.lifecycle === 'heartbeat' && outcome === 'gone') return { cleanUp: true, again: false };
  return { cleanUp: response.cleanUp, again: response.again };
}
