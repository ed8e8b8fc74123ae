import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MesosConfig } from '../../../shared/config/types.js';
import type { MesosAgent } from '../../../shared/model/cluster.js';
import { ErrorNames } from '../../../shared/model/errors.js';
import { ZERO_RESOURCES } from '../../../shared/model/resources.js';
import { createMesosMaintenance, hasAgentDrainApi, type MesosMaintenanceOptions } from '../../../shared/mesos/maintenance.js';
import type { MesosMaintenance } from '../../../shared/mesos/maintenance-port.js';
import { autoscalerRejection } from '../../support/rejection.js';
import { fixture, routes, serverPerTest, type Handler, type LocalServer, type Route } from './local-server.js';

const serve = serverPerTest();

const AGENT_ID = '3192b9d1-db71-4699-ae25-e28dfbf42de1-S4';
const HOST = 'ip-10-0-1-7.ec2.internal';
const IP = '10.0.1.7';
/** Epoch ms the tests' clock stands at. */
const NOW_MS = 1_767_571_200_123;
/** The mark of pool `batch` (the agent's) in the sub-millisecond nanoseconds of our windows. */
const MARK = '898462';
/** Now, as our windows start: epoch ns to the millisecond, then the mark. */
const NOW_NS = `1767571200123${MARK}`;
/** A duration of `ms` milliseconds, marked. */
const marked = (ms: number) => `${ms}${MARK}`;
/** The 7 days our long windows last. */
const WEEK_MS = 7 * 24 * 3600_000;

function agent(extra: Partial<MesosAgent> = {}): MesosAgent {
  return {
    id: AGENT_ID,
    pid: `slave(1)@${IP}:5051`,
    hostname: HOST,
    ip: IP,
    attributes: {},
    pool: 'batch',
    total: ZERO_RESOURCES,
    used: ZERO_RESOURCES,
    offered: ZERO_RESOURCES,
    reserved: ZERO_RESOURCES,
    active: true,
    deactivated: false,
    drainState: null,
    registeredAt: 0,
    version: '1.9.0',
    zone: null,
    ...extra,
  };
}

function config(masterUrls: string[], overrides: Partial<MesosConfig> = {}): MesosConfig {
  return { masterUrls, marathonUrl: null, credentials: null, timeoutMs: 2000, poolAttribute: 'pool', ...overrides };
}

const redirectToSelf: Route = (req, res) => res.writeHead(307, { location: `//${req.headers.host}` }).end();

interface Machine {
  hostname?: string;
  ip?: string;
}

const same = (a: Machine, b: Machine) => a.hostname?.toLowerCase() === b.hostname?.toLowerCase() && a.ip === b.ip;

/**
 * A leading master, enough of one for maintenance: it keeps the schedule as the text last posted,
 * the DOWN machines, and answers operator calls with `operatorAnswer`. Like Mesos it brings down
 * only scheduled machines and brings up only DOWN ones (which also leave the schedule).
 */
class FakeMaster {
  version: string | null = '1.9.0';
  schedule = '{}';
  down: Machine[] = [];
  operatorAnswer: { status: number; body: string } = { status: 200, body: '' };
  /** Answers every v1 call 503, as a master still recovering does. */
  recovering = false;
  /** Every request but leader discovery, as `METHOD /path body`. */
  calls: string[] = [];

  handler(extra: Record<string, Route> = {}): Handler {
    const text = (res: ServerResponse, status: number, body = '') => res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    const json = (res: ServerResponse, body: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    const record = (route: (req: IncomingMessage, res: ServerResponse, body: string) => void): Route => (req, res, body) => {
      this.calls.push(`${req.method} ${req.url}${body === '' ? '' : ` ${body}`}`);
      route(req, res, body);
    };
    const scheduled = (m: Machine) => (JSON.parse(this.schedule).windows ?? []).some((w: { machine_ids: Machine[] }) => w.machine_ids.some((id) => same(id, m)));
    return routes({
      '/master/redirect': redirectToSelf,
      '/api/v1': record((_req, res, body) => {
        if (this.recovering) return text(res, 503, 'Master has not finished recovery');
        if (JSON.parse(body).type !== 'GET_MASTER') return text(res, this.operatorAnswer.status, this.operatorAnswer.body);
        json(res, JSON.stringify({ type: 'GET_MASTER', get_master: { master_info: this.version === null ? {} : { version: this.version } } }));
      }),
      '/master/maintenance/schedule': record((req, res, body) => {
        if (req.method === 'GET') return json(res, this.schedule);
        this.schedule = body;
        text(res, 200);
      }),
      '/master/maintenance/status': record((_req, res) => json(res, this.down.length === 0 ? '{}' : JSON.stringify({ down_machines: this.down }))),
      '/master/machine/down': record((_req, res, body) => {
        const [machine] = JSON.parse(body) as Machine[];
        if (!scheduled(machine!)) return text(res, 400, `Machine '${JSON.stringify(machine)}' is not part of a maintenance schedule`);
        this.down.push(machine!);
        text(res, 200);
      }),
      '/master/machine/up': record((_req, res, body) => {
        const machines = JSON.parse(body) as Machine[];
        const notDown = machines.find((machine) => !this.down.some((m) => same(m, machine)));
        if (notDown) return text(res, 400, `Machine '${JSON.stringify(notDown)}' is not in DOWN mode and cannot be brought up`);
        const up = (m: Machine) => machines.some((machine) => same(m, machine));
        this.down = this.down.filter((m) => !up(m));
        // Nanoseconds quoted around the rewrite, so that they stay exact.
        const windows = (JSON.parse(this.schedule.replace(/("nanoseconds":)(\d+)/g, '$1"$2"')).windows ?? [])
          .map((w: { machine_ids: Machine[] }) => ({ ...w, machine_ids: w.machine_ids.filter((id) => !up(id)) }))
          .filter((w: { machine_ids: Machine[] }) => w.machine_ids.length > 0);
        this.schedule = JSON.stringify({ windows }).replace(/("nanoseconds":)"(\d+)"/g, '$1$2');
        text(res, 200);
      }),
      ...extra,
    });
  }
}

async function start(extra: Record<string, Route> = {}): Promise<{ master: FakeMaster; server: LocalServer }> {
  const master = new FakeMaster();
  const server = await serve(master.handler(extra));
  return { master, server };
}

function maintenance(server: LocalServer, options: MesosMaintenanceOptions = {}, overrides: Partial<MesosConfig> = {}) {
  return createMesosMaintenance(config([server.url], overrides), { now: () => NOW_MS, ...options });
}

const DRAIN_DOCS = JSON.parse(fixture('mesos-1.9-v1-drain-agent-request-docs.json'));
const SCHEDULE_DOCS = fixture('mesos-0.25+-maintenance-schedule-docs.json');
const OUR_MACHINE = `{"hostname":"${HOST}","ip":"${IP}"}`;
const window = (machine: string, startNs: string, durationNs?: string) =>
  `{"machine_ids":[${machine}],"unavailability":{"start":{"nanoseconds":${startNs}}${durationNs === undefined ? '' : `,"duration":{"nanoseconds":${durationNs}}`}}}`;

describe('Mesos ≥ 1.9: the agent drain calls', () => {
  test('a soft drain deactivates the agent (its tasks keep running)', async () => {
    const { master, server } = await start();
    await maintenance(server, { api: 'agent' }).startSoftDrain(agent(), { windowSeconds: 3600 });
    expect(master.calls).toEqual([`POST /api/v1 {"type":"DEACTIVATE_AGENT","deactivate_agent":{"agent_id":{"value":"${AGENT_ID}"}}}`]);
  });

  test('a hard drain is DRAIN_AGENT with max_grace_period in whole seconds (a Duration) and mark_gone', async () => {
    const { master, server } = await start();
    const m = maintenance(server, { api: 'agent' });
    await m.startHardDrain(agent(), { maxGracePeriodSeconds: 600, markGone: false });
    await m.startHardDrain(agent(), { maxGracePeriodSeconds: 30, markGone: true });
    const bodies = master.calls.map((c) => JSON.parse(c.slice('POST /api/v1 '.length)));
    // The documented request, for our agent.
    expect(bodies[0]).toEqual({ ...DRAIN_DOCS, drain_agent: { ...DRAIN_DOCS.drain_agent, agent_id: { value: AGENT_ID } } });
    expect(bodies[1]).toEqual({ type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: AGENT_ID }, max_grace_period: { seconds: 30 }, mark_gone: true } });
  });

  test.each([-1, 1.5, Number.NaN])('a grace period of %p seconds is refused before any request', async (seconds) => {
    const { master, server } = await start();
    const error = await autoscalerRejection(maintenance(server, { api: 'agent' }).startHardDrain(agent(), { maxGracePeriodSeconds: seconds, markGone: false }));
    expect(error.name).toBe(ErrorNames.InvalidInput);
    expect(master.calls).toEqual([]);
  });

  test('202 Accepted is success as well as 200', async () => {
    const { master, server } = await start();
    master.operatorAnswer = { status: 202, body: '' };
    await maintenance(server, { api: 'agent' }).startSoftDrain(agent(), { windowSeconds: 60 });
    expect(master.calls).toHaveLength(1);
  });

  test('cancel reactivates; an agent that is not deactivated is already in service', async () => {
    const { master, server } = await start();
    const m = maintenance(server, { api: 'agent' });
    await m.cancelDrain(agent());
    expect(master.calls).toEqual([`POST /api/v1 {"type":"REACTIVATE_AGENT","reactivate_agent":{"agent_id":{"value":"${AGENT_ID}"}}}`]);
    master.operatorAnswer = { status: 400, body: 'Agent is not deactivated' };
    await m.cancelDrain(agent());
  });

  test('cancel while the agent is still DRAINING fails (Mesos refuses it until DRAINED)', async () => {
    const { master, server } = await start();
    master.operatorAnswer = { status: 400, body: 'Agent is still in the DRAINING state' };
    const error = await autoscalerRejection(maintenance(server, { api: 'agent' }).cancelDrain(agent()));
    expect(error.name).toBe(ErrorNames.MesosUnavailable);
    expect(error.message).toBe(`POST ${server.url}/api/v1 REACTIVATE_AGENT for agent ${AGENT_ID}: HTTP 400 Bad Request: Agent is still in the DRAINING state`);
  });

  test('clean-up marks the agent gone only when configured; an agent the master forgot is done', async () => {
    const { master, server } = await start();
    const m = maintenance(server, { api: 'agent' });
    await m.cleanUp(agent(), { markGone: false });
    expect(master.calls).toEqual([]);
    await m.cleanUp(agent(), { markGone: true });
    expect(master.calls).toEqual([`POST /api/v1 {"type":"MARK_AGENT_GONE","mark_agent_gone":{"agent_id":{"value":"${AGENT_ID}"}}}`]);
    master.operatorAnswer = { status: 404, body: `Agent '${AGENT_ID}' not found` };
    await m.cleanUp(agent(), { markGone: true });
  });

  test('an agent is out of service while deactivated or draining, whatever `until`; there is never a machine to release', async () => {
    const { master, server } = await start();
    const m = maintenance(server, { api: 'agent' });
    expect(await m.isOutOfService(agent(), NOW_MS)).toBe(false);
    expect(await m.isOutOfService(agent({ deactivated: true }), Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(await m.isOutOfService(agent({ drainState: 'DRAINED' }), NOW_MS)).toBe(true);
    expect(await m.machinesInMaintenance('batch')).toEqual([]);
    await m.releaseMachines('batch', [{ hostname: HOST, ip: IP, since: NOW_MS }]);
    expect(master.calls).toEqual([]);
  });

  test('an operator call answered 307 (leadership moved) is followed once, to the new leader', async () => {
    const { master: newMaster, server: newLeader } = await start();
    const { master: oldMaster, server: oldLeader } = await start({
      '/api/v1': (_req, res) => res.writeHead(307, { location: `//${newLeader.host}/api/v1` }).end(),
    });
    await maintenance(oldLeader, { api: 'agent' }).startHardDrain(agent(), { maxGracePeriodSeconds: 600, markGone: false });
    expect(oldMaster.calls).toEqual([]);
    expect(newMaster.calls).toHaveLength(1);
    expect(newMaster.calls[0]).toContain('"type":"DRAIN_AGENT"');
  });

  test('the call goes to the leader a standby names, with basic auth', async () => {
    const { master, server: leader } = await start();
    const standby = await serve(routes({ '/master/redirect': { status: 307, headers: { location: `//${leader.host}` } } }));
    await maintenance(standby, { api: 'agent' }, { credentials: { username: 'ops', password: 'pw' } }).startSoftDrain(agent(), { windowSeconds: 60 });
    expect(master.calls).toHaveLength(1);
    const call = leader.requests.find((r) => r.path === '/api/v1')!;
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from('ops:pw').toString('base64')}`);
    expect(call.headers['content-type']).toBe('application/json');
  });

  test.each([
    ['the operator call', { '/api/v1': { status: 503, body: 'Master has not finished recovery' } }],
    ['leader discovery', { '/master/redirect': { status: 503, body: 'No leader elected' } }],
  ])('503 on %s is MesosUnavailable', async (_where, extra) => {
    const { server } = await start(extra);
    const error = await autoscalerRejection(maintenance(server, { api: 'agent' }).startSoftDrain(agent(), { windowSeconds: 60 }));
    expect(error.name).toBe(ErrorNames.MesosUnavailable);
    expect(error.message).toContain('503');
  });
});

describe('Mesos 0.25+: the maintenance primitives', () => {

  test('a soft drain appends a window from now for the given time, in the documented shape', async () => {
    const { master, server } = await start();
    await maintenance(server, { api: 'maintenance' }).startSoftDrain(agent(), { windowSeconds: 3600 });
    const posted = `{"windows":[${window(OUR_MACHINE, NOW_NS, marked(3600_000))}]}`;
    expect(master.calls).toEqual(['GET /master/maintenance/schedule', `POST /master/maintenance/schedule ${posted}`]);
    // Same structure as the documented schedule (the fixture's second window has one machine).
    const documented = JSON.parse(SCHEDULE_DOCS).windows[1];
    const ours = JSON.parse(posted).windows[0];
    expect(Object.keys(ours)).toEqual(Object.keys(documented));
    expect(Object.keys(ours.machine_ids[0])).toEqual(Object.keys(documented.machine_ids[0]));
    expect(Object.keys(ours.unavailability)).toEqual(Object.keys(documented.unavailability));
  });

  test("read-modify-write keeps other tools' windows digit for digit and replaces this machine's old window", async () => {
    const { master, server } = await start();
    const others = JSON.parse(SCHEDULE_DOCS).windows.map((w: unknown) => JSON.stringify(w));
    // A start time above 2^53 that JSON.parse would round.
    const exotic = window('{"hostname":"machine9","ip":"10.0.0.9"}', '1470849373150643201');
    master.schedule = `{"windows":[${others[0]},${window(`{"hostname":"${HOST.toUpperCase()}","ip":"${IP}"}`, '1443830400000000000', '60000000000')},${others[1]},${exotic}]}`;
    await maintenance(server, { api: 'maintenance' }).startSoftDrain(agent(), { windowSeconds: 600 });
    expect(master.schedule).toBe(`{"windows":[${others[0]},${others[1]},${exotic},${window(OUR_MACHINE, NOW_NS, marked(600_000))}]}`);
  });

  test('a window this machine shares with others keeps the others', async () => {
    const { master, server } = await start();
    const other = '{"hostname":"machine1","ip":"10.0.0.1"}';
    master.schedule = `{"windows":[${window(`${other},${OUR_MACHINE}`, '1443830400000000000', '3600000000000')}]}`;
    await maintenance(server, { api: 'maintenance' }).startSoftDrain(agent(), { windowSeconds: 60 });
    expect(master.schedule).toBe(`{"windows":[${window(other, '1443830400000000000', '3600000000000')},${window(OUR_MACHINE, NOW_NS, marked(60_000))}]}`);
  });

  test('machine ids of the v1 docs (hostname only, ip only) and windows without duration survive the rewrite', async () => {
    const { master, server } = await start();
    const v1 = JSON.parse(fixture('mesos-1.x-v1-get-maintenance-schedule-docs.json')).get_maintenance_schedule.schedule;
    master.schedule = JSON.stringify(v1);
    await maintenance(server, { api: 'maintenance' }).startSoftDrain(agent(), { windowSeconds: 60 });
    expect(JSON.parse(master.schedule).windows[0]).toEqual(v1.windows[0]);
    expect(master.schedule).toContain('"nanoseconds":1470849373150643200}');
  });

  test('a hard drain schedules a window of a week first, then brings the machine down', async () => {
    const { master, server } = await start();
    await maintenance(server, { api: 'maintenance' }).startHardDrain(agent(), { maxGracePeriodSeconds: 600, markGone: true });
    expect(master.calls).toEqual([
      'GET /master/maintenance/status',
      'GET /master/maintenance/schedule',
      `POST /master/maintenance/schedule {"windows":[${window(OUR_MACHINE, NOW_NS, marked(WEEK_MS))}]}`,
      `POST /master/machine/down [${OUR_MACHINE}]`,
    ]);
    expect(master.down).toEqual([{ hostname: HOST, ip: IP }]);
  });

  test('a hard drain after a soft one keeps its window; a machine already down is left alone', async () => {
    const { master, server } = await start();
    const m = maintenance(server, { api: 'maintenance' });
    await m.startSoftDrain(agent(), { windowSeconds: 600 });
    master.calls = [];
    await m.startHardDrain(agent(), { maxGracePeriodSeconds: 600, markGone: false });
    expect(master.calls).toEqual(['GET /master/maintenance/status', 'GET /master/maintenance/schedule', `POST /master/machine/down [${OUR_MACHINE}]`]);
    master.calls = [];
    await m.startHardDrain(agent(), { maxGracePeriodSeconds: 600, markGone: false });
    expect(master.calls).toEqual(['GET /master/maintenance/status']);
  });

  test('cancelDrain of a DOWN machine brings it up, which also unschedules it', async () => {
    const { master, server } = await start();
    const m = maintenance(server, { api: 'maintenance' });
    const other = window('{"hostname":"machine1","ip":"10.0.0.1"}', '1443830400000000000', '3600000000000');
    master.schedule = `{"windows":[${other}]}`;
    await m.startHardDrain(agent(), { maxGracePeriodSeconds: 600, markGone: false });
    master.calls = [];
    await m.cancelDrain(agent());
    expect(master.calls).toEqual(['GET /master/maintenance/status', `POST /master/machine/up [${OUR_MACHINE}]`, 'GET /master/maintenance/schedule']);
    expect(master.down).toEqual([]);
    expect(JSON.parse(master.schedule).windows).toEqual([JSON.parse(other)]);
  });

  test('cancelDrain of a scheduled machine removes only its window', async () => {
    const { master, server } = await start();
    const m = maintenance(server, { api: 'maintenance' });
    const other = window('{"hostname":"machine1","ip":"10.0.0.1"}', '1470849373150643201', '3600000000000');
    master.schedule = `{"windows":[${other},${window(OUR_MACHINE, '1443830400000000000', '60000000000')}]}`;
    await m.cancelDrain(agent());
    expect(master.calls).toEqual(['GET /master/maintenance/status', 'GET /master/maintenance/schedule', `POST /master/maintenance/schedule {"windows":[${other}]}`]);
    master.calls = [];
    await m.cancelDrain(agent());
    expect(master.calls).toEqual(['GET /master/maintenance/status', 'GET /master/maintenance/schedule']);
  });
  test('an agent without an IP cannot be named as a machine', async () => {
    const { master, server } = await start();
    const error = await autoscalerRejection(maintenance(server, { api: 'maintenance' }).startSoftDrain(agent({ ip: null, pid: 'slave(1)@agent-7:5051' }), { windowSeconds: 60 }));
    expect(error.name).toBe(ErrorNames.InvalidInput);
    expect(master.calls).toEqual([]);
  });

  test.each([
    ['machine_ids not an array', '{"windows":[{"machine_ids":"h","unavailability":{"start":{"nanoseconds":1}}}]}', 'unexpected payload at windows[0].machine_ids: expected an array'],
    ['start not an integer', `{"windows":[{"machine_ids":[],"unavailability":{"start":{"nanoseconds":"soon"}}}]}`, 'unexpected payload at windows[0].unavailability.start.nanoseconds'],
    ['no unavailability', '{"windows":[{"machine_ids":[]}]}', 'unexpected payload at windows[0].unavailability: expected an object'],
    ['truncated JSON', '{"windows":[', 'truncated JSON'],
  ])('a malformed schedule (%s) is MesosPayload and nothing is written', async (_what, body, message) => {
    const { master, server } = await start();
    master.schedule = body;
    const error = await autoscalerRejection(maintenance(server, { api: 'maintenance' }).startSoftDrain(agent(), { windowSeconds: 60 }));
    expect(error.name).toBe(ErrorNames.MesosPayload);
    expect(error.message).toContain(`GET ${server.url}/master/maintenance/schedule: ${message}`);
    expect(master.calls).toEqual(['GET /master/maintenance/schedule']);
  });

  test('503 on the schedule is MesosUnavailable', async () => {
    const { server } = await start({ '/master/maintenance/schedule': { status: 503, body: 'No leader elected' } });
    const error = await autoscalerRejection(maintenance(server, { api: 'maintenance' }).startSoftDrain(agent(), { windowSeconds: 60 }));
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: `GET ${server.url}/master/maintenance/schedule: HTTP 503 Service Unavailable: No leader elected` });
  });

  test('a schedule read answered 307 is followed to the new leader', async () => {
    const { master: newMaster, server: newLeader } = await start();
    const moved: Route = (req, res) => res.writeHead(307, { location: `//${newLeader.host}${req.url}` }).end();
    const { server: oldLeader } = await start({ '/master/maintenance/schedule': moved });
    await maintenance(oldLeader, { api: 'maintenance' }).startSoftDrain(agent(), { windowSeconds: 60 });
    expect(JSON.parse(newMaster.schedule).windows).toHaveLength(1);
  });
});

describe('Mesos 0.25+: every request an operation makes, leader discovery included', () => {
  const DISCOVER = 'GET /master/redirect';
  const STATUS = 'GET /master/maintenance/status';
  const READ = 'GET /master/maintenance/schedule';
  const WRITE = 'POST /master/maintenance/schedule';
  const ours = window(OUR_MACHINE, NOW_NS, marked(3600_000));
  const other = { hostname: 'ip-10-0-1-8.ec2.internal', ip: '10.0.1.8' };
  const theirs = window(JSON.stringify(other), NOW_NS, marked(3600_000));
  type Operation = (m: MesosMaintenance) => Promise<unknown>;
  const soft: Operation = (m) => m.startSoftDrain(agent(), { windowSeconds: 3600 });
  const hard: Operation = (m) => m.startHardDrain(agent(), { maxGracePeriodSeconds: 600, markGone: false });
  const cancel: Operation = (m) => m.cancelDrain(agent());
  const cleanUp: Operation = (m) => m.cleanUp(agent(), { markGone: false });
  const outOfService: Operation = (m) => m.isOutOfService(agent(), NOW_MS);
  const list: Operation = (m) => m.machinesInMaintenance('batch');
  const release: Operation = (m) => m.releaseMachines('batch', [{ hostname: HOST, ip: IP }, other]);

  test.each<[string, string, Machine[], Operation, string[]]>([
    ['a soft drain', '{}', [], soft, [DISCOVER, READ, WRITE]],
    ['a hard drain of an unscheduled machine', '{}', [], hard, [DISCOVER, STATUS, READ, WRITE, 'POST /master/machine/down']],
    ['a hard drain of a DOWN machine', `{"windows":[${ours}]}`, [{ hostname: HOST, ip: IP }], hard, [DISCOVER, STATUS]],
    ['a cancel of a scheduled machine', `{"windows":[${ours}]}`, [], cancel, [DISCOVER, STATUS, READ, WRITE]],
    // The schedule is read after machine/up, which rewrites it.
    ['a cancel of a DOWN machine', `{"windows":[${ours}]}`, [{ hostname: HOST, ip: IP }], cancel, [DISCOVER, STATUS, 'POST /master/machine/up', READ]],
    ['a clean-up of an unscheduled machine', '{}', [], cleanUp, [DISCOVER, STATUS, READ, WRITE]],
    ['a clean-up of a DOWN machine', `{"windows":[${ours}]}`, [{ hostname: HOST, ip: IP }], cleanUp, [DISCOVER, STATUS]],
    ['isOutOfService of a scheduled machine', `{"windows":[${ours}]}`, [], outOfService, [DISCOVER, STATUS, READ]],
    ['isOutOfService of a DOWN machine', `{"windows":[${ours}]}`, [{ hostname: HOST, ip: IP }], outOfService, [DISCOVER, STATUS]],
    ['machinesInMaintenance', `{"windows":[${ours}]}`, [], list, [DISCOVER, READ]],
    ['a release with nothing of the pool scheduled', '{}', [], release, [DISCOVER, READ]],
    ['a release of a scheduled machine', `{"windows":[${ours}]}`, [], release, [DISCOVER, READ, STATUS, WRITE]],
    // The schedule is read again after machine/up, which rewrites it, since the write replaces it whole.
    ['a release of a DOWN machine and a scheduled one', `{"windows":[${ours},${theirs}]}`, [other], release, [DISCOVER, READ, STATUS, 'POST /master/machine/up', READ, WRITE]],
  ])('%s', async (_what, schedule, down, operation, requests) => {
    const { master, server } = await start();
    master.schedule = schedule;
    master.down = down;
    await operation(maintenance(server, { api: 'maintenance' }));
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(requests);
  });

  test("with 'auto', the operation that reads the version works on the leader it read it from", async () => {
    const { master, server } = await start();
    master.version = '1.8.1';
    const m = maintenance(server);
    await soft(m);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([DISCOVER, 'POST /api/v1', READ, WRITE]);
    server.requests.length = 0;
    await soft(m);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([DISCOVER, READ, WRITE]);
  });
});

describe('Mesos 0.25+: after a termination, nothing goes back into service until the instance is gone', () => {
  const OTHER = window('{"hostname":"machine1","ip":"10.0.0.1"}', '1470849373150643201', '3600000000000');
  /** A soft drain of ours, begun 10 minutes ago for an hour. */
  const SOFT_START_MS = 1_767_571_200_123 - 600_000;
  const soft = window(OUR_MACHINE, `${SOFT_START_MS}${MARK}`, marked(3600_000));

  test('cleanUp makes our soft drain\'s window last a week from now, keeping its start, and never brings anything up', async () => {
    const { master, server } = await start();
    master.schedule = `{"windows":[${soft},${OTHER}]}`;
    const m = maintenance(server, { api: 'maintenance' });
    await m.cleanUp(agent(), { markGone: true });
    const kept = window(OUR_MACHINE, `${SOFT_START_MS}${MARK}`, marked(600_000 + WEEK_MS));
    expect(master.calls).toEqual([
      'GET /master/maintenance/status',
      'GET /master/maintenance/schedule',
      `POST /master/maintenance/schedule {"windows":[${OTHER},${kept}]}`,
    ]);
    master.calls = [];
    await m.cleanUp(agent(), { markGone: true });
    expect(master.calls).toEqual(['GET /master/maintenance/status', 'GET /master/maintenance/schedule']);
  });

  test('cleanUp leaves a DOWN machine down and scheduled', async () => {
    const { master, server } = await start();
    const m = maintenance(server, { api: 'maintenance' });
    await m.startHardDrain(agent(), { maxGracePeriodSeconds: 600, markGone: false });
    const schedule = master.schedule;
    master.calls = [];
    await m.cleanUp(agent(), { markGone: false });
    expect(master.calls).toEqual(['GET /master/maintenance/status']);
    expect([master.down, master.schedule]).toEqual([[{ hostname: HOST, ip: IP }], schedule]);
  });

  test("cleanUp of an unscheduled machine, or one in another tool's short window, gives it a window of ours from now", async () => {
    const { master, server } = await start();
    const m = maintenance(server, { api: 'maintenance' });
    const ours = window(OUR_MACHINE, NOW_NS, marked(WEEK_MS));
    await m.cleanUp(agent(), { markGone: false });
    expect(master.schedule).toBe(`{"windows":[${ours}]}`);
    master.schedule = `{"windows":[${window(`${OUR_MACHINE},{"hostname":"machine2","ip":"10.0.0.2"}`, '1767571200000000000', '60000000000')}]}`;
    await m.cleanUp(agent(), { markGone: false });
    expect(master.schedule).toBe(`{"windows":[${window('{"hostname":"machine2","ip":"10.0.0.2"}', '1767571200000000000', '60000000000')},${ours}]}`);
  });

  test("cleanUp leaves a machine in another tool's open-ended window to it", async () => {
    const { master, server } = await start();
    master.schedule = `{"windows":[${window(OUR_MACHINE, '1443830400000000000')}]}`;
    await maintenance(server, { api: 'maintenance' }).cleanUp(agent(), { markGone: false });
    expect(master.calls).toEqual(['GET /master/maintenance/status', 'GET /master/maintenance/schedule']);
  });

  test.each([
    ['DOWN', null, true, 1_767_571_200_123 + 3600_000],
    ['in a window begun that lasts until then', soft, false, SOFT_START_MS + 3600_000],
    // The marks in start and duration add under 2 ms.
    ['in a window that ends sooner', soft, false, SOFT_START_MS + 3600_002],
    ['in an open-ended window of another tool', window(OUR_MACHINE, '1443830400000000000'), false, Number.MAX_SAFE_INTEGER],
    ['in a window that has not begun', window(OUR_MACHINE, `${1_767_571_200_123 + 1}${MARK}`, marked(3600_000)), false, 1_767_571_200_123],
    ['unscheduled', null, false, 1_767_571_200_123],
  ])('isOutOfService: a machine %s', async (what, scheduled, down, until) => {
    const { master, server } = await start();
    if (scheduled !== null) master.schedule = `{"windows":[${scheduled}]}`;
    if (down) master.down = [{ hostname: HOST, ip: IP }];
    const out = await maintenance(server, { api: 'maintenance' }).isOutOfService(agent(), until);
    expect(out).toBe(['DOWN', 'in a window begun that lasts until then', 'in an open-ended window of another tool'].includes(what));
  });
});

describe('Mesos 0.25+: the machines our drains left behind', () => {
  const machine = (n: number) => `{"hostname":"ip-10-0-1-${n}.ec2.internal","ip":"10.0.1.${n}"}`;
  const ours = (n: number, startMs = 1_767_500_000_000) => window(machine(n), `${startMs}${MARK}`, marked(3600_000));
  const since = (startMs = 1_767_500_000_000) => startMs;
  const pool = (n: number, startMs?: number) => ({ hostname: `ip-10-0-1-${n}.ec2.internal`, ip: `10.0.1.${n}`, since: since(startMs) });
  /** Other tools' windows, each almost ours: a start to the nanosecond carrying the mark but no marked duration, an open-ended one, two machines, no IP. */
  const foreign = [
    window(machine(11), `1767500000000${MARK}`, '3600000000000'),
    window(machine(12), `1767500000000${MARK}`),
    window(`${machine(13)},${machine(14)}`, `1767500000000${MARK}`, marked(3600_000)),
    window('{"hostname":"ip-10-0-1-15.ec2.internal"}', `1767500000000${MARK}`, marked(3600_000)),
    window(machine(16), '1470849373150643201', '3600000000001'),
  ];

  test('lists the machines of the pool\'s windows only, each with when its window began', async () => {
    const { master, server } = await start();
    const otherPool = window(machine(9), `1767500000000${'194020'}`, `3600000${'194020'}`);
    master.schedule = `{"windows":[${foreign.join(',')},${ours(1)},${otherPool},${ours(2, 1_767_400_000_000)}]}`;
    const machines = await maintenance(server, { api: 'maintenance' }).machinesInMaintenance('batch');
    expect(machines).toEqual([pool(1), pool(2, 1_767_400_000_000)]);
    expect(master.calls).toEqual(['GET /master/maintenance/schedule']);
  });

  test("releases them with one machine/up for the DOWN ones and one write for the rest, other tools' windows kept digit for digit", async () => {
    const { master, server } = await start();
    master.schedule = `{"windows":[${foreign[0]},${ours(1)},${ours(2)},${foreign[4]},${ours(3)},${ours(4)}]}`;
    master.down = [{ hostname: 'ip-10-0-1-2.ec2.internal', ip: '10.0.1.2' }, { hostname: 'ip-10-0-1-3.ec2.internal', ip: '10.0.1.3' }];
    await maintenance(server, { api: 'maintenance' }).releaseMachines('batch', [pool(1), pool(2), pool(3)]);
    expect(master.calls).toEqual([
      'GET /master/maintenance/schedule',
      'GET /master/maintenance/status',
      `POST /master/machine/up [${machine(2)},${machine(3)}]`,
      'GET /master/maintenance/schedule',
      `POST /master/maintenance/schedule {"windows":[${foreign[0]},${foreign[4]},${ours(4)}]}`,
    ]);
    expect(master.down).toEqual([]);
  });

  test("never touches a window that is not the pool's, nor one begun at another time than listed", async () => {
    const { master, server } = await start();
    master.schedule = `{"windows":[${foreign.join(',')},${ours(1, 1_767_600_000_000)}]}`;
    const m = maintenance(server, { api: 'maintenance' });
    await m.releaseMachines('batch', [...[11, 12, 13, 15, 16].map((n) => pool(n)), pool(1)]);
    await m.releaseMachines('web', [{ hostname: 'ip-10-0-1-1.ec2.internal', ip: '10.0.1.1' }]);
    expect(master.calls).toEqual(['GET /master/maintenance/schedule', 'GET /master/maintenance/schedule']);
  });

  test('a machine given without `since` is released from whichever window of the pool it is in', async () => {
    const { master, server } = await start();
    master.schedule = `{"windows":[${foreign[4]},${ours(1, 1_767_600_000_000)}]}`;
    await maintenance(server, { api: 'maintenance' }).releaseMachines('batch', [{ hostname: 'ip-10-0-1-1.ec2.internal', ip: '10.0.1.1' }]);
    expect(master.schedule).toBe(`{"windows":[${foreign[4]}]}`);
  });

  test('the windows a pool\'s drains write are listed by it', async () => {
    const { server } = await start();
    const m = maintenance(server, { api: 'maintenance' });
    await m.startSoftDrain(agent(), { windowSeconds: 60 });
    await m.startHardDrain(agent({ id: 'a2', hostname: 'h2', ip: '10.0.1.2', pid: 'slave(1)@10.0.1.2:5051' }), { maxGracePeriodSeconds: 60, markGone: false });
    await m.cleanUp(agent({ id: 'a3', hostname: 'h3', ip: '10.0.1.3', pid: 'slave(1)@10.0.1.3:5051' }), { markGone: false });
    expect((await m.machinesInMaintenance('batch')).map((x) => x.ip)).toEqual([IP, '10.0.1.2', '10.0.1.3']);
    expect(await m.machinesInMaintenance('web')).toEqual([]);
  });
});

describe("'auto' picks the API by the leader's version", () => {
  test.each([
    ['1.9.0', 'agent'],
    ['1.10.2', 'agent'],
    ['2.0.0', 'agent'],
    ['1.8.1', 'maintenance'],
    [null, 'maintenance'],
  ])('version %p → %s, read once per instance', async (version, api) => {
    const { master, server } = await start();
    master.version = version;
    const m = maintenance(server);
    await m.startSoftDrain(agent(), { windowSeconds: 60 });
    await m.startSoftDrain(agent(), { windowSeconds: 60 });
    const getMaster = master.calls.filter((c) => c.includes('GET_MASTER'));
    const deactivations = master.calls.filter((c) => c.includes('DEACTIVATE_AGENT'));
    const writes = master.calls.filter((c) => c.startsWith('POST /master/maintenance/schedule'));
    expect(getMaster).toHaveLength(1);
    expect([deactivations.length, writes.length]).toEqual(api === 'agent' ? [2, 0] : [0, 2]);
  });

  test('the queries and the release go to the chosen generation too', async () => {
    const { master, server } = await start();
    master.version = '1.8.1';
    master.schedule = `{"windows":[${window(OUR_MACHINE, NOW_NS, marked(60_000))}]}`;
    const m = maintenance(server);
    expect(await m.isOutOfService(agent(), NOW_MS + 60_000)).toBe(true);
    expect(await m.machinesInMaintenance('batch')).toEqual([{ hostname: HOST, ip: IP, since: NOW_MS }]);
    await m.releaseMachines('batch', [{ hostname: HOST, ip: IP, since: NOW_MS }]);
    expect(master.schedule).toBe('{"windows":[]}');
  });

  test('a master without the v1 API (< 1.0, 404) gets the maintenance primitives', async () => {
    const { master, server } = await start({ '/api/v1': { status: 404 } });
    await maintenance(server).startSoftDrain(agent(), { windowSeconds: 60 });
    expect(master.calls.map((c) => c.slice(0, 34))).toEqual(['GET /master/maintenance/schedule', 'POST /master/maintenance/schedule ']);
  });

  test('a failed version read is not kept: the next operation asks again', async () => {
    const { master, server } = await start();
    master.recovering = true;
    const m = maintenance(server);
    expect((await autoscalerRejection(m.startSoftDrain(agent(), { windowSeconds: 60 }))).name).toBe(ErrorNames.MesosUnavailable);
    master.recovering = false;
    await m.startSoftDrain(agent(), { windowSeconds: 60 });
    expect(master.calls.map((c) => JSON.parse(c.slice('POST /api/v1 '.length)).type)).toEqual(['GET_MASTER', 'GET_MASTER', 'DEACTIVATE_AGENT']);
  });

  test('hasAgentDrainApi', () => {
    expect(['1.9.0', '1.9.0-rc1', '1.11.0', '10.0'].map(hasAgentDrainApi)).toEqual([true, true, true, true]);
    expect(['1.8.9', '0.28.2', 'unknown', '', null].map(hasAgentDrainApi)).toEqual([false, false, false, false, false]);
  });
});
