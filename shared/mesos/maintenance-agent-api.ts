import type { MesosAgent } from '../model/cluster.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { describeUrl, exchange, statusLine, unavailable, type HttpAnswer, type MesosHttp } from './http.js';
import type { MesosMaintenance } from './maintenance-port.js';

export type CallType = 'DEACTIVATE_AGENT' | 'DRAIN_AGENT' | 'REACTIVATE_AGENT' | 'MARK_AGENT_GONE';

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/**
 * Whether Mesos refusing a call means its work is done already. It refuses to reactivate an agent
 * that is not deactivated: that agent is in service already (a retried cancel, or an agent the
 * master no longer knows); "still DRAINING" stays an error. It answers 404 to MARK_AGENT_GONE for
 * an agent it no longer knows: nothing is left to mark (gone agents answer 200).
 */
export function refusalMeansDone(type: CallType, status: number, body: string): boolean {
  if (type === 'REACTIVATE_AGENT') return status === 400 && body.includes('Agent is not deactivated');
  return type === 'MARK_AGENT_GONE' && status === 404;
}

/** Out of service as the agent reports it: deactivated or draining. A deactivation lasts until it is undone. */
export function isDeactivatedOrDraining(agent: MesosAgent): boolean {
  return agent.deactivated || agent.drainState !== null;
}

/** `{"type":"DRAIN_AGENT","drain_agent":{"agent_id":{"value":…},…}}`: each call nests its fields under its snake_case type. */
function operatorCall(type: CallType, agent: MesosAgent, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ type, [type.toLowerCase()]: { agent_id: { value: agent.id }, ...fields } });
}

/** Mesos reads `max_grace_period` as a google.protobuf.Duration: whole `seconds`, not DurationInfo nanoseconds. */
function gracePeriod(seconds: number): { seconds: number } {
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new AutoscalerError(ErrorNames.InvalidInput, `the drain grace period must be a whole number of seconds, 0 or more (got ${seconds})`);
  }
  return { seconds };
}

/**
 * Taking agents out of service with the Mesos ≥ 1.9 operator calls on `POST /api/v1`, always on
 * the leader `leader()` names (one 307 followed). 200 and 202 are success; other answers are
 * MesosUnavailable unless `refusalMeansDone`.
 */
export function agentApiMaintenance(http: MesosHttp, leader: () => Promise<string>): MesosMaintenance {
  async function post(type: CallType, agent: MesosAgent, fields?: Record<string, unknown>): Promise<HttpAnswer> {
    return exchange(http, `${await leader()}/api/v1`, { method: 'POST', body: operatorCall(type, agent, fields) });
  }

  function failure(type: CallType, agent: MesosAgent, answer: HttpAnswer): AutoscalerError {
    return unavailable(`POST ${describeUrl(answer.url)} ${type} for agent ${agent.id}: ${statusLine(answer)}`);
  }

  async function call(type: CallType, agent: MesosAgent, fields?: Record<string, unknown>): Promise<void> {
    const answer = await post(type, agent, fields);
    if (isSuccess(answer.status) || refusalMeansDone(type, answer.status, answer.body.toString('utf8'))) return;
    throw failure(type, agent, answer);
  }

  return {
    async startSoftDrain(agent) {
      await call('DEACTIVATE_AGENT', agent);
    },

    async startHardDrain(agent, { maxGracePeriodSeconds, markGone }) {
      await call('DRAIN_AGENT', agent, { max_grace_period: gracePeriod(maxGracePeriodSeconds), mark_gone: markGone });
    },

    async cancelDrain(agent) {
      await call('REACTIVATE_AGENT', agent);
    },

    async cleanUp(agent, { markGone }) {
      if (markGone) await call('MARK_AGENT_GONE', agent);
    },

    // `until` changes nothing: a deactivation lasts until it is undone.
    isOutOfService: async (agent) => isDeactivatedOrDraining(agent),

    // A drain here belongs to the agent id, which dies with its instance: nothing is left behind.
    machinesInMaintenance: async () => [],
    releaseMachines: async () => {},
  };
}
