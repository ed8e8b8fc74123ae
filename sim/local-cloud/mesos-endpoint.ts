import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';
import type { AddressInfo } from 'node:net';
import type { ClusterState } from '../../shared/model/cluster.js';
import { isObject } from '../../shared/model/guards.js';
import { SimMesosRejected, SimMesosUnavailable, type SimCluster, type SimDrainOptions } from '../types.js';
import { appsJson, queueJson } from './marathon-json.js';
import { frameworksJson, getMasterJson, slavesJson } from './mesos-json.js';

/**
 * What the endpoint calls: `mesos()` renders the cluster as the leading master and Marathon see it
 * (SimMesosUnavailable during a failover); the agent calls apply the v1 operator calls.
 */
export type MesosSource = Pick<SimCluster, 'mesos' | 'deactivateAgent' | 'reactivateAgent' | 'drainAgent' | 'markAgentGone'>;

export interface MesosEndpointOptions {
  /** Role that agents' reserved resources are written under (the model keeps only their sum). */
  reservedRole?: string;
}

export interface MesosEndpoint {
  /** The master's base URL (`http://127.0.0.1:<port>`), for `masterUrls`; it is also the leader's. */
  url: string;
  /** Marathon's base URL: the same server answers `/v2/apps` and `/v2/queue`. */
  marathonUrl: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function sendJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}

const AGENT_CALLS = ['DEACTIVATE_AGENT', 'REACTIVATE_AGENT', 'DRAIN_AGENT', 'MARK_AGENT_GONE'] as const;
type AgentCallType = (typeof AGENT_CALLS)[number];

function isAgentCall(type: unknown): type is AgentCallType {
  return AGENT_CALLS.some((t) => t === type);
}

const badCall = (problem: string) => new SimMesosRejected(400, `Failed to convert JSON into Call protobuf: ${problem}`);

/** The agent id of `{"type":"DRAIN_AGENT","drain_agent":{"agent_id":{"value":…},…}}`, and the call's fields. */
function agentCallFields(call: Record<string, unknown>, type: AgentCallType): { agentId: string; fields: Record<string, unknown> } {
  const name = type.toLowerCase();
  const fields = call[name];
  if (!isObject(fields)) throw new SimMesosRejected(400, `Failed to validate master::Call: Expecting '${name}' to be present`);
  const agentId = isObject(fields.agent_id) ? fields.agent_id.value : undefined;
  if (typeof agentId !== 'string') throw badCall(`Missing required fields: ${name}.agent_id`);
  return { agentId, fields };
}

/**
 * DRAIN_AGENT's options. `max_grace_period` is a google.protobuf.Duration (`{"seconds": N}`); a
 * real master would silently read `{"nanoseconds": N}` as no grace at all, so this one refuses it.
 */
function drainOptions(fields: Record<string, unknown>): SimDrainOptions {
  const grace = fields.max_grace_period;
  if (grace !== undefined && !(isObject(grace) && Number.isSafeInteger(grace.seconds) && Object.keys(grace).every((k) => k === 'seconds' || k === 'nanos'))) {
    throw badCall(`drain_agent.max_grace_period must be a Duration {"seconds": N}, got ${JSON.stringify(grace)}`);
  }
  if (fields.mark_gone !== undefined && typeof fields.mark_gone !== 'boolean') throw badCall('drain_agent.mark_gone must be a boolean');
  return { maxGracePeriodSeconds: grace === undefined ? null : (grace.seconds as number), markGone: fields.mark_gone === true };
}

function applyAgentCall(source: MesosSource, call: Record<string, unknown>, type: AgentCallType): void {
  const { agentId, fields } = agentCallFields(call, type);
  if (type === 'DEACTIVATE_AGENT') source.deactivateAgent(agentId);
  else if (type === 'REACTIVATE_AGENT') source.reactivateAgent(agentId);
  else if (type === 'DRAIN_AGENT') source.drainAgent(agentId, drainOptions(fields));
  else source.markAgentGone(agentId);
}

/**
 * A Mesos 1.x leading master plus Marathon over one HTTP server on 127.0.0.1 (port 0), rendering
 * `source.mesos()` afresh for every request:
 *   `/master/redirect` → 307 `Location: //127.0.0.1:<port>` (this server is always the leader);
 *   `/master/slaves`, `/master/frameworks` (GET or POST) in the 1.x JSON shapes;
 *   `POST /api/v1` `GET_MASTER`, and DEACTIVATE_AGENT / REACTIVATE_AGENT / DRAIN_AGENT /
 *   MARK_AGENT_GONE applied to the source (200 with an empty body; the master's refusals, such as
 *   400 `Unknown agent`, as plain text); other calls: 501;
 *   Marathon `GET /v2/apps` and `/v2/queue` (503 when the cluster runs no Marathon).
 * While `source.mesos()` throws SimMesosUnavailable every endpoint answers 503 `No leader elected`,
 * as masters do during an election.
 */
export async function startMesosEndpoint(source: MesosSource, options: MesosEndpointOptions = {}): Promise<MesosEndpoint> {
  const reservedRole = options.reservedRole ?? 'marathon';
  let port = 0;

  /** The state, or null after answering 503 because no leader is elected. */
  function leaderState(res: ServerResponse): ClusterState | null {
    try {
      return source.mesos();
    } catch (error) {
      if (!(error instanceof SimMesosUnavailable)) throw error;
      sendText(res, 503, 'No leader elected');
      return null;
    }
  }

  /** Runs an operator call: 200 with no body, or the master's refusal, or 503 without a leader. */
  function operate(res: ServerResponse, apply: () => void): void {
    try {
      apply();
    } catch (error) {
      if (error instanceof SimMesosUnavailable) return sendText(res, 503, 'No leader elected');
      if (error instanceof SimMesosRejected) return sendText(res, error.status, error.message);
      throw error;
    }
    sendText(res, 200, '');
  }

  function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'POST';
    const host = `${HOST}:${port}`;
    const routes: Record<string, () => void> = {
      '/master/redirect': () => {
        if (leaderState(res)) sendText(res, 307, '', { location: `//${host}` });
      },
      '/master/slaves': () => {
        const state = leaderState(res);
        if (state) sendJson(res, slavesJson(state, reservedRole));
      },
      '/master/frameworks': () => {
        const state = leaderState(res);
        if (state) sendJson(res, frameworksJson(state, host));
      },
      '/api/v1': () => {
        if (method !== 'POST') return sendText(res, 405, `Expecting 'POST', received '${method}'`);
        let call: unknown;
        try {
          call = JSON.parse(body);
        } catch {
          return sendText(res, 400, 'Failed to parse body into Call protobuf');
        }
        const type = isObject(call) ? call.type : undefined;
        if (isObject(call) && isAgentCall(type)) return operate(res, () => applyAgentCall(source, call, type));
        if (type !== 'GET_MASTER') return sendText(res, 501, `The simulated master answers only GET_MASTER and the agent drain calls, not ${String(type)}`);
        const state = leaderState(res);
        if (state) sendJson(res, getMasterJson(state, HOST, port));
      },
      '/v2/apps': () => {
        const state = leaderState(res);
        if (state === null) return;
        if (state.marathon === null) sendText(res, 503, 'Marathon is not running in this cluster');
        else sendJson(res, appsJson(state.marathon));
      },
      '/v2/queue': () => {
        const state = leaderState(res);
        if (state === null) return;
        if (state.marathon === null) sendText(res, 503, 'Marathon is not running in this cluster');
        else sendJson(res, queueJson(state.marathon));
      },
    };
    // libprocess serves the master's endpoints without the `/master` prefix too.
    const route = routes[path] ?? routes[`/master${path}`];
    if (route === undefined || !read) return sendText(res, 404, '');
    route();
  }

  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        try {
          answer(req, res, body);
        } catch (error) {
          sendText(res, 500, `The simulated cluster failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  port = (server.address() as AddressInfo).port;
  const url = `http://${HOST}:${port}`;
  return {
    url,
    marathonUrl: url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
