import type { MesosConfig } from '../../../shared/config/types.js';
import { ErrorNames } from '../../../shared/model/errors.js';
import { createMesosReader } from '../../../shared/mesos/http-reader.js';
import { rejection } from '../../support/rejection.js';
import { fixture, routes, serverPerTest, type Handler, type Route } from './local-server.js';

const SECRET = 's3cr3t-value';

const serve = serverPerTest();

function config(masterUrls: string[], overrides: Partial<MesosConfig> = {}): MesosConfig {
  return { masterUrls, marathonUrl: null, credentials: null, timeoutMs: 2000, poolAttribute: 'pool', ...overrides };
}

/** One capture (Mesos 0.27.1, Capgemini) served the 1.x way: /master/slaves and /master/frameworks. */
const SLAVES = fixture('mesos-0.27-master-slaves-capgemini.json');
const STATE = fixture('mesos-0.27-master-state-capgemini.json');
const FRAMEWORKS = JSON.stringify({ frameworks: JSON.parse(STATE).frameworks, completed_frameworks: [], unregistered_frameworks: [] });
const GET_MASTER = fixture('mesos-1.5-v1-get-master-dcos-ui.json');

const redirectToSelf: Route = (req, res) => res.writeHead(307, { location: `//${req.headers.host}` }).end();

function leaderRoutes(extra: Record<string, Route> = {}): Handler {
  return routes({
    '/master/redirect': redirectToSelf,
    '/master/slaves': { body: SLAVES },
    '/master/frameworks': { body: FRAMEWORKS },
    '/api/v1': (_req, res, body) => {
      if (JSON.parse(body).type !== 'GET_MASTER') res.writeHead(400).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(GET_MASTER);
    },
    ...extra,
  });
}

describe('createMesosReader: the cheap path', () => {
  test('reads agents, live tasks, version and election time from the leader', async () => {
    const leader = await serve(leaderRoutes());
    const cluster = await createMesosReader(config([leader.url])).readCluster();
    expect(cluster.leaderUrl).toBe(leader.url);
    expect(cluster.masterVersion).toBe('1.5.0');
    expect(cluster.electedAt).toBe(1518160053.29448);
    expect(cluster.agents.map((a) => a.ip)).toEqual(['10.66.1.158', '10.66.1.160', '10.66.1.159']);
    expect(cluster.recoveredAgentIds).toEqual([]);
    expect(cluster.tasks).toHaveLength(19);
    expect(cluster.marathon).toBeNull();
    // Never the expensive /master/state.
    expect(leader.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /master/frameworks', 'GET /master/redirect', 'GET /master/slaves', 'POST /api/v1']);
  });

  test('a master without the v1 API (404) gives no version or election time', async () => {
    const leader = await serve(leaderRoutes({ '/api/v1': { status: 404 } }));
    const cluster = await createMesosReader(config([leader.url])).readCluster();
    expect(cluster).toMatchObject({ masterVersion: null, electedAt: null });
    expect(cluster.agents).toHaveLength(3);
  });

  test('sends basic auth on every request; a refusal never shows the password', async () => {
    const leader = await serve(leaderRoutes());
    await createMesosReader(config([leader.url], { credentials: { username: 'ops', password: SECRET } })).readCluster();
    const expected = `Basic ${Buffer.from(`ops:${SECRET}`).toString('base64')}`;
    expect(leader.requests.map((r) => r.headers.authorization)).toEqual(leader.requests.map(() => expected));

    const refusing = await serve(leaderRoutes({ '/master/slaves': { status: 401, body: 'Unauthorized' } }));
    const error = await rejection(createMesosReader(config([refusing.url], { credentials: { username: 'ops', password: SECRET } })).readCluster());
    expect(error.name).toBe(ErrorNames.MesosUnavailable);
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  test('discovery skips a master with no leader and reads from the leader another names', async () => {
    const leader = await serve(leaderRoutes());
    const electing = await serve(routes({ '/master/redirect': { status: 503, body: 'No leader elected' } }));
    const standby = await serve(routes({ '/master/redirect': { status: 307, headers: { location: `//${leader.host}` } } }));
    const cluster = await createMesosReader(config([electing.url, standby.url])).readCluster();
    expect(cluster.leaderUrl).toBe(leader.url);
    expect(cluster.agents).toHaveLength(3);
  });

  test('no leader anywhere: MesosUnavailable', async () => {
    const a = await serve(routes({ '/master/redirect': { status: 503, body: 'No leader elected' } }));
    const b = await serve(routes({ '/master/redirect': { status: 503, body: 'No leader elected' } }));
    const error = await rejection(createMesosReader(config([a.url, b.url])).readCluster());
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: expect.stringContaining('no Mesos leader is elected') });
  });

  test('≥1.0 master that lost leadership after discovery: its 307s are followed to the new leader', async () => {
    const newLeader = await serve(leaderRoutes());
    const toNew: Route = (req, res) => res.writeHead(307, { location: `//${newLeader.host}${req.url}` }).end();
    const oldLeader = await serve(routes({ '/master/redirect': redirectToSelf, '/master/slaves': toNew, '/master/frameworks': toNew, '/api/v1': toNew }));
    const cluster = await createMesosReader(config([oldLeader.url])).readCluster();
    expect(cluster.leaderUrl).toBe(newLeader.url);
    expect(cluster.tasks).toHaveLength(19);
  });

  test('reads answered by different masters straddle a failover: no mixed snapshot', async () => {
    const newLeader = await serve(leaderRoutes());
    const oldLeader = await serve(
      leaderRoutes({ '/master/slaves': (_req, res) => res.writeHead(307, { location: `//${newLeader.host}/master/slaves` }).end() }),
    );
    const error = await rejection(createMesosReader(config([oldLeader.url])).readCluster());
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: expect.stringContaining('the Mesos leader changed during the read') });
  });
});

describe('createMesosReader: payload problems fail the whole read', () => {
  test.each([
    ['malformed JSON', '/master/slaves', SLAVES.replace('"active": true', '"active": yes'), 'malformed JSON'],
    ['truncated JSON', '/master/frameworks', FRAMEWORKS.slice(0, FRAMEWORKS.length - 100), 'truncated JSON'],
    ['slaves not an array', '/master/slaves', '{"slaves": {"S1": {}}}', 'unexpected payload at slaves: expected an array, got an object'],
    ['bad GET_MASTER', '/api/v1', '{"type":"GET_MASTER","get_master":[]}', 'unexpected payload at get_master: expected an object, got an array'],
  ])('%s on %s is MesosPayload naming the endpoint', async (_what, path, body, message) => {
    const leader = await serve(leaderRoutes({ [path]: { body } }));
    const error = await rejection(createMesosReader(config([leader.url])).readCluster());
    expect(error.name).toBe(ErrorNames.MesosPayload);
    expect(error.message).toContain(`${leader.url}${path}: ${message}`);
  });

  test('5xx on a data endpoint is MesosUnavailable', async () => {
    const leader = await serve(leaderRoutes({ '/master/frameworks': { status: 503, body: 'Service Unavailable' } }));
    const error = await rejection(createMesosReader(config([leader.url])).readCluster());
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: `GET ${leader.url}/master/frameworks: HTTP 503 Service Unavailable: Service Unavailable` });
  });

  test('a master that stops answering times out as MesosUnavailable', async () => {
    const leader = await serve(leaderRoutes({ '/master/frameworks': () => undefined }));
    const error = await rejection(createMesosReader(config([leader.url], { timeoutMs: 200 })).readCluster());
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: `GET ${leader.url}/master/frameworks: timed out after 200 ms` });
  });
});

describe('createMesosReader: masters without /master/frameworks (404)', () => {
  test('falls back to /master/state and takes version and election time from it', async () => {
    const leader = await serve(leaderRoutes({ '/master/frameworks': { status: 404 }, '/api/v1': { status: 404 }, '/master/state': { body: STATE } }));
    const cluster = await createMesosReader(config([leader.url])).readCluster();
    expect(cluster).toMatchObject({ leaderUrl: leader.url, masterVersion: '0.27.1', electedAt: 1456746635.14476 });
    expect(cluster.agents).toHaveLength(3);
    expect(cluster.tasks).toHaveLength(19);
  });

  test('then to /master/state.json when /master/state is missing too', async () => {
    const megos = fixture('mesos-0.28-master-state-megos.json');
    const leader = await serve(leaderRoutes({ '/master/frameworks': { status: 404 }, '/api/v1': { status: 404 }, '/master/state.json': { body: megos } }));
    const cluster = await createMesosReader(config([leader.url])).readCluster();
    expect(cluster.masterVersion).toBe('0.28.1');
    expect(cluster.tasks.map((t) => t.appId)).toEqual(['/simple-webserver']);
    expect(leader.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/master/state', '/master/state.json']));
  });

  test('≤0.28: a standby serving its own state is not trusted; the leader it names is read', async () => {
    const leader = await serve(
      routes({
        '/master/state.json': (req, res) => {
          const state = JSON.parse(fixture('mesos-0.28-master-state-megos.json'));
          res.writeHead(200).end(JSON.stringify({ ...state, pid: `master@${req.headers.host}`, leader: `master@${req.headers.host}` }));
        },
      }),
    );
    const standbyState = JSON.stringify({ version: '0.28.1', pid: 'master@10.0.2.74:5050', leader: `master@${leader.host}`, slaves: [], frameworks: [] });
    const standby = await serve(leaderRoutes({ '/master/frameworks': { status: 404 }, '/api/v1': { status: 404 }, '/master/state.json': { body: standbyState } }));
    const cluster = await createMesosReader(config([standby.url])).readCluster();
    expect(cluster.leaderUrl).toBe(leader.url);
    expect(cluster.agents).toHaveLength(1);
    expect(cluster.tasks).toHaveLength(1);
  });
});

describe('createMesosReader: Marathon', () => {
  function marathonRoutes(extra: Record<string, Route> = {}): Handler {
    return routes({ '/v2/queue': { body: fixture('marathon-1.10-v2-queue-docs.json') }, ...extra });
  }

  test('reads only the launch queue when a Marathon URL is set', async () => {
    const leader = await serve(leaderRoutes());
    const marathon = await serve(marathonRoutes());
    const cluster = await createMesosReader(config([leader.url], { marathonUrl: `${marathon.url}/` })).readCluster();
    expect(marathon.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v2/queue']);
    expect(cluster.marathon!.queue.map((q) => [q.id, q.count, q.overdue])).toEqual([
      ['/tools/datadog-agent', 1, true],
      ['/foo', 2, true],
    ]);
  });

  test.each([
    ['/v2/queue', { status: 502, body: 'Bad Gateway' }, ErrorNames.MesosUnavailable],
    ['/v2/queue', { body: '{"queue": [{"count": 1' }, ErrorNames.MesosPayload],
    ['/v2/queue', { body: '{"queue": {}}' }, ErrorNames.MesosPayload],
  ])('a Marathon failure on %s fails the read (%j)', async (path, route, name) => {
    const leader = await serve(leaderRoutes());
    const marathon = await serve(marathonRoutes({ [path]: route }));
    const error = await rejection(createMesosReader(config([leader.url], { marathonUrl: marathon.url })).readCluster());
    expect(error.name).toBe(name);
    expect(error.message).toContain(`${marathon.url}${path}`);
  });
});
