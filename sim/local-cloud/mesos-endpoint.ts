import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';
import type { AddressInfo } from 'node:net';
import type { ClusterState } from '../../shared/model/cluster.js';
import { isObject } from '../../shared/model/guards.js';
import { SimMesosRejected, SimMesosUnavailable, type SimCluster, type SimDrainOptions } from '../types.js';
import { parseMachinesBody, parseScheduleBody, scheduleJson, statusJson } from './maintenance-json.js';
import { queueJson } from './marathon-json.js';
import { frameworksJson, getMasterJson, slavesJson } from './mesos-json.js';

/**
 * What the endpoint calls: `mesos()` renders the cluster as the leading master and Marathon see it
 * (SimMesosUnavailable during a failover), `checkLeader()` and `masterInfo()` answer the redirect
 * and GET_MASTER without rendering it; the agent calls apply the v1 operator calls; the maintenance
 * calls the primitives.
 */
export type MesosSource = Pick<
  SimCluster,
  | 'mesos'
  | 'checkLeader'
  | 'masterInfo'
  | 'deactivateAgent'
  | 'reactivateAgent'
  | 'drainAgent'
  | 'markAgentGone'
  | 'maintenanceSchedule'
  | 'updateMaintenanceSchedule'
  | 'machinesDown'
  | 'machinesUp'
  | 'maintenanceStatus'
>;

export interface MesosEndpointOptions {
  /** Role that agents' reserved resources are written under (the model keeps only their sum). */
  reservedRole?: string;
}

export interface MesosEndpoint {
  /** The master's base URL (`http://127.0.0.1:<port>`), for `masterUrls`; it is also the leader's. */
  url: string;
  /** Marathon's base URL: the same server answers `/v2/queue`. */
  marathonUrl: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** One answer of the master: status, headers and the body as text. */
export interface MesosReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request: `host` is the Host it was sent to (`127.0.0.1:<port>`), where the leader redirect points. */
export interface MesosRequest {
  method: string;
  path: string;
  body: string;
  host: string;
}

export type MesosRoutes = (request: MesosRequest) => MesosReply;

function jsonText(text: string): MesosReply {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: text };
}

const json = (body: unknown): MesosReply => jsonText(JSON.stringify(body));

function text(status: number, body: string, headers: Record<string, string> = {}): MesosReply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
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
 * A Mesos 1.x leading master plus Marathon, rendering `source.mesos()` afresh for every state read:
 *   `/master/redirect` → 307 `Location: //<host>` (the master asked is always the leader);
 *   `/master/slaves`, `/master/frameworks` (GET or POST) in the 1.x JSON shapes;
 *   `POST /api/v1` `GET_MASTER`, and DEACTIVATE_AGENT / REACTIVATE_AGENT / DRAIN_AGENT /
 *   MARK_AGENT_GONE applied to the source (200 with an empty body; the master's refusals, such as
 *   400 `Unknown agent`, as plain text); other calls: 501;
 *   the maintenance primitives: `GET`/`POST /master/maintenance/schedule`, `POST /master/machine/down`
 *   and `/master/machine/up` (200, or 400 with Mesos's reason), `GET /master/maintenance/status`;
 *   Marathon `GET /v2/queue` (503 when the cluster runs no Marathon).
 * While the source has no leader (SimMesosUnavailable) every endpoint answers 503 `No leader elected`,
 * as masters do during an election. `ip` and `port()` are what GET_MASTER reports.
 */
export function mesosRoutes(source: MesosSource, options: MesosEndpointOptions & { ip: string; port: () => number }): MesosRoutes {
  const reservedRole = options.reservedRole ?? 'marathon';
  const noLeader = () => text(503, 'No leader elected');

  /** Runs a call on the source: its answer, the master's refusal, or 503 without a leader. */
  function attempt(apply: () => MesosReply): MesosReply {
    try {
      return apply();
    } catch (error) {
      if (error instanceof SimMesosUnavailable) return noLeader();
      if (error instanceof SimMesosRejected) return text(error.status, error.message);
      throw error;
    }
  }

  /** An operator or maintenance call: 200 with no body when it was applied. */
  const operate = (apply: () => void) =>
    attempt(() => {
      apply();
      return text(200, '');
    });

  const withState = (render: (state: ClusterState) => MesosReply) => attempt(() => render(source.mesos()));

  function operatorCall(method: string, body: string): MesosReply {
    if (method !== 'POST') return text(405, `Expecting 'POST', received '${method}'`);
    let call: unknown;
    try {
      call = JSON.parse(body);
    } catch {
      return text(400, 'Failed to parse body into Call protobuf');
    }
    const type = isObject(call) ? call.type : undefined;
    if (isObject(call) && isAgentCall(type)) return operate(() => applyAgentCall(source, call, type));
    if (type !== 'GET_MASTER') return text(501, `The simulated master answers only GET_MASTER and the agent drain calls, not ${String(type)}`);
    return attempt(() => json(getMasterJson(source.masterInfo(), options.ip, options.port())));
  }

  const postOnly = (method: string, apply: () => void) => (method === 'POST' ? operate(apply) : text(405, `Expecting 'POST', received '${method}'`));

  return ({ method, path: rawPath, body, host }) => {
    const path = rawPath.split('?')[0]!.replace(/\/+$/, '') || '/';
    const read = method === 'GET' || method === 'POST';
    const routes: Record<string, () => MesosReply> = {
      '/master/redirect': () =>
        attempt(() => {
          source.checkLeader();
          return text(307, '', { location: `//${host}` });
        }),
      '/master/slaves': () => withState((state) => json(slavesJson(state, reservedRole))),
      '/master/frameworks': () => withState((state) => json(frameworksJson(state, host))),
      '/api/v1': () => operatorCall(method, body),
      '/master/maintenance/schedule': () =>
        method === 'POST'
          ? operate(() => source.updateMaintenanceSchedule(parseScheduleBody(body)))
          : attempt(() => jsonText(scheduleJson(source.maintenanceSchedule()))),
      '/master/maintenance/status': () => attempt(() => jsonText(statusJson(source.maintenanceStatus()))),
      '/master/machine/down': () => postOnly(method, () => source.machinesDown(parseMachinesBody(body))),
      '/master/machine/up': () => postOnly(method, () => source.machinesUp(parseMachinesBody(body))),
      '/v2/queue': () => withState((state) => (state.marathon === null ? text(503, 'Marathon is not running in this cluster') : json(queueJson(state.marathon)))),
    };
    // libprocess serves the master's endpoints without the `/master` prefix too.
    const route = routes[path] ?? routes[`/master${path}`];
    if (route === undefined || !read) return text(404, '');
    return route();
  };
}

/** The routes over one HTTP server on 127.0.0.1 (port 0). */
export async function startMesosEndpoint(source: MesosSource, options: MesosEndpointOptions = {}): Promise<MesosEndpoint> {
  let port = 0;
  const routes = mesosRoutes(source, { ...options, ip: HOST, port: () => port });

  function send(res: ServerResponse, reply: MesosReply): void {
    res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) }).end(reply.body);
  }

  const server = createServer((req: IncomingMessage, res) => {
    readBody(req).then(
      (body) => {
        try {
          send(res, routes({ method: req.method ?? 'GET', path: req.url ?? '/', body, host: `${HOST}:${port}` }));
        } catch (error) {
          send(res, text(500, `The simulated cluster failed: ${error instanceof Error ? error.message : String(error)}`));
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
