import type { MesosAgent } from '../model/cluster.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { describeUrl, exchange, statusLine, unavailable, type HttpAnswer, type MesosHttp } from './http.js';
import type { MesosMaintenance } from './maintenance-port.js';

type CallType = 'DEACTIVATE_AGENT' | 'DRAIN_AGENT' | 'REACTIVATE_AGENT' | 'MARK_AGENT_GONE';

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

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
 * MesosUnavailable unless a call says otherwise.
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
    if (!isSuccess(answer.status)) throw failure(type, agent, answer);
  }

  return {
    async startSoftDrain(agent) {
      await call('DEACTIVATE_AGENT', agent);
    },

    async startHardDrain(agent, { maxGracePeriodSeconds, markGone }) {
      await call('DRAIN_AGENT', agent, { max_grace_period: gracePeriod(maxGracePeriodSeconds), mark_gone: markGone });
    },

    async cancelDrain(agent) {
      const answer = await post('REACTIVATE_AGENT', agent);
      if (isSuccess(answer.status)) return;
      // Mesos refuses to reactivate an agent that is not deactivated: it is in service already
      // (a retried cancel, or an agent the master no longer knows). "Still DRAINING" stays an error.
      if (answer.status === 400 && answer.body.toString('utf8').includes('Agent is not deactivated')) return;
      throw failure('REACTIVATE_AGENT', agent, answer);
    },

    async cleanUp(agent, { markGone }) {
      if (!markGone) return;
      const answer = await post('MARK_AGENT_GONE', agent);
      // 404: the master no longer knows the agent, so there is nothing left to mark (gone agents answer 200).
      if (isSuccess(answer.status) || answer.status === 404) return;
      throw failure('MARK_AGENT_GONE', agent, answer);
    },

    // A deactivation lasts until it is undone: `until` changes nothing.
    isOutOfService: async (agent) => agent.deactivated || agent.drainState !== null,

    // A drain here belongs to the agent id, which dies with its instance: nothing is left behind.
    machinesInMaintenance: async () => [],
    releaseMachines: async () => {},
  };
}
