import { readFileSync } from 'node:fs';
import type { MesosConfig } from '../../shared/config/types.js';
import type { ClusterState, MesosAgent, MesosTask } from '../../shared/model/cluster.js';
import { AutoscalerError, ErrorNames } from '../../shared/model/errors.js';
import { ZERO_RESOURCES, resources } from '../../shared/model/resources.js';
import { createMesosReader } from '../../shared/mesos/http-reader.js';
import { startMesosEndpoint, type MesosEndpoint } from '../../sim/local-cloud/mesos-endpoint.js';
import {
  SimMesosRejected,
  SimMesosUnavailable,
  type SimDrainOptions,
  type SimMasterInfo,
} from '../../sim/types.js';
import { rejection } from '../support/rejection.js';
import { NoMaintenance } from './local-cloud-fake-cluster.js';

const FIXTURES = new URL('../fixtures/mesos/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

function agent(n: number, extra: Partial<MesosAgent> = {}): MesosAgent {
  return {
    id: `b3bd182c-0000-4000-8000-00000000000a-S${n}`,
    pid: `slave(1)@10.0.1.${n}:5051`,
    hostname: `ip-10-0-1-${n}.eu-west-1.compute.internal`,
    ip: `10.0.1.${n}`,
    attributes: { pool: 'batch', rack: `r${n % 2}` },
    pool: 'batch',
    total: resources({ cpus: 8, mem: 30000, disk: 100000 }),
    used: resources({ cpus: 2.5, mem: 4096.5 }),
    offered: ZERO_RESOURCES,
    reserved: ZERO_RESOURCES,
    active: true,
    deactivated: false,
    drainState: null,
    registeredAt: 1_767_571_200.123 + n,
    version: '1.9.0',
    zone: null,
    ...extra,
  };
}

function task(id: string, agentId: string, extra: Partial<MesosTask> = {}): MesosTask {
  return {
    id,
    name: id.split('.')[0]!,
    frameworkId: 'b3bd182c-0000-4000-8000-00000000000a-0001',
    frameworkName: 'marathon',
    agentId,
    state: 'TASK_RUNNING',
    resources: resources({ cpus: 0.5, mem: 512 }),
    appId: '',
    startedAt: 1_767_571_300.5,
    ...extra,
  };
}

/** A cluster with every field the reader keeps set to something other than its default. */
function richState(): ClusterState {
  const a1 = agent(1, { reserved: resources({ cpus: 1, mem: 1024, disk: 10 }), offered: resources({ cpus: 1, mem: 100 }), zone: 'aws/eu-west-1a' });
  const a2 = agent(2, { active: false, deactivated: true, drainState: 'DRAINING', version: null, total: resources({ cpus: 4, mem: 16000, disk: 50000, gpus: 1 }) });
  const a3 = agent(3, { drainState: 'DRAINED', deactivated: true, attributes: { rack: 'r9' }, pool: 'default' });
  const a4 = agent(4, { pid: 'slave(1)@agent-four.internal:5052', ip: null, used: ZERO_RESOURCES });
  return {
    leaderUrl: 'http://placeholder',
    masterVersion: '1.9.0',
    electedAt: 1_767_571_100.25,
    agents: [a1, a2, a3, a4],
    recoveredAgentIds: ['b3bd182c-0000-4000-8000-00000000000a-S77'],
    tasks: [
      task('web_api.instance-1d3f0c2e-ef0c-11ea-9b1b-0242ac110002._app.1', a1.id, { appId: '/web/api', name: 'api.web' }),
      task('web_api.instance-2d3f0c2e-ef0c-11ea-9b1b-0242ac110002._app.1', a2.id, { appId: '/web/api', name: 'api.web', state: 'TASK_KILLING' }),
      task('batch-job.8b5e2a1f-241e-11e6-a10b-02424e0f635b', a1.id, { appId: '/batch-job', state: 'TASK_STAGING', startedAt: null, resources: resources({ cpus: 2, mem: 2048, disk: 5 }) }),
      task('nightly-report', a1.id, { frameworkId: 'b3bd182c-0000-4000-8000-00000000000a-0002', frameworkName: 'chronos-2.4.0', appId: 'chronos-2.4.0:nightly-report', name: 'nightly-report' }),
    ],
    marathon: {
      // The simulated Marathon reports offer summaries with nothing declined: read as short of nothing.
      queue: [
        { id: '/web/api', count: 2, overdue: true, timeLeftSeconds: 0, resources: resources({ cpus: 0.5, mem: 512 }), constraints: [['hostname', 'UNIQUE'], ['pool', 'LIKE', 'batch']], shortOf: [] },
        { id: '/crashy', count: 1, overdue: false, timeLeftSeconds: 42.5, resources: resources({ cpus: 1, mem: 128, gpus: 1 }), constraints: [], shortOf: [] },
      ],
    },
  };
}

/** A source whose answer, or failover, the test switches. */
class Source extends NoMaintenance {
  state: ClusterState = richState();
  down = false;
  /** Calls on the master, and how many of them rendered its state. */
  calls = 0;
  renders = 0;
  /** Call numbers (1-based) that fail as a failover would. */
  failOnCalls = new Set<number>();
  /** Agent calls applied, as `[call, agent id, drain options]`. */
  operations: Array<[string, string, SimDrainOptions?]> = [];
  checkLeader(): void {
    this.calls += 1;
    if (this.down || this.failOnCalls.has(this.calls)) throw new SimMesosUnavailable('election in progress');
  }
  mesos(): ClusterState {
    this.checkLeader();
    this.renders += 1;
    return structuredClone(this.state);
  }
  masterInfo(): SimMasterInfo {
    this.checkLeader();
    return { masterVersion: this.state.masterVersion, electedAt: this.state.electedAt };
  }
  deactivateAgent(agentId: string): void {
    this.operate('DEACTIVATE_AGENT', agentId);
  }
  reactivateAgent(agentId: string): void {
    this.operate('REACTIVATE_AGENT', agentId);
  }
  drainAgent(agentId: string, options: SimDrainOptions): void {
    this.operate('DRAIN_AGENT', agentId, options);
  }
  markAgentGone(agentId: string): void {
    if (!this.state.agents.some((a) => a.id === agentId)) throw new SimMesosRejected(404, `Agent '${agentId}' not found`);
    this.operate('MARK_AGENT_GONE', agentId);
  }
  private operate(call: string, agentId: string, options?: SimDrainOptions): void {
    this.mesos();
    if (!this.state.agents.some((a) => a.id === agentId)) throw new SimMesosRejected(400, 'Unknown agent');
    this.operations.push(options === undefined ? [call, agentId] : [call, agentId, options]);
  }
}

let source: Source;
let endpoint: MesosEndpoint;

beforeEach(async () => {
  source = new Source();
  endpoint = await startMesosEndpoint(source);
});
afterEach(async () => {
  await endpoint.close();
});

function config(overrides: Partial<MesosConfig> = {}): MesosConfig {
  return { masterUrls: [endpoint.url], marathonUrl: endpoint.marathonUrl, credentials: null, timeoutMs: 2000, poolAttribute: 'pool', ...overrides };
}

/** A JSON answer, loosely typed: these tests inspect the wire shape itself. */
async function getJson(url: string, init?: RequestInit): Promise<any> {
  return (await fetch(url, init)).json();
}

describe('the real Mesos reader against the simulated master', () => {
  test('reads back exactly the cluster state it was given (agents, tasks, resources, pools, Marathon)', async () => {
    const read = await createMesosReader(config()).readCluster();
    expect(read).toEqual({ ...source.state, leaderUrl: endpoint.url });
  });

  test('round-trips a cluster without Marathon, version or election time', async () => {
    source.state = { ...richState(), marathon: null, masterVersion: null, electedAt: null, tasks: richState().tasks.slice(3) };
    const read = await createMesosReader(config({ marathonUrl: null })).readCluster();
    expect(read).toEqual({ ...source.state, leaderUrl: endpoint.url });
  });

  test('a failover (no leader elected) is Autoscaler.MesosUnavailable, and the next read succeeds', async () => {
    source.down = true;
    const error = await rejection(createMesosReader(config()).readCluster());
    expect(error).toBeInstanceOf(AutoscalerError);
    expect(error.name).toBe(ErrorNames.MesosUnavailable);
    expect(error.message).toContain('No leader elected');
    source.down = false;
    expect((await createMesosReader(config()).readCluster()).agents).toHaveLength(4);
  });

  test('a failover after the leader was found fails the read too', async () => {
    // Call 1 is /master/redirect; the data reads come after it.
    source.failOnCalls.add(2);
    const error = await rejection(createMesosReader(config({ marathonUrl: null })).readCluster());
    expect(error.name).toBe(ErrorNames.MesosUnavailable);
    expect(error.message).toContain('503');
  });
});

describe('the wire shapes', () => {
  test('/master/redirect is a 307 to the protocol-relative leader address; 503 without a leader', async () => {
    const redirect = await fetch(`${endpoint.url}/master/redirect`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe(`//${new URL(endpoint.url).host}`);
    expect([source.calls, source.renders]).toEqual([1, 0]);
    source.down = true;
    const none = await fetch(`${endpoint.url}/master/redirect`, { redirect: 'manual' });
    expect(none.status).toBe(503);
    expect(await none.text()).toBe('No leader elected');
  });

  test('agents carry every field of a real 1.4 /master/slaves agent', async () => {
    const real = fixture('mesos-1.4-master-slaves-asgard-full-fields.json').slaves[0];
    const body = await getJson(`${endpoint.url}/master/slaves`);
    // reregistered_time appears only after an agent re-registered; version only when the state knows it.
    const expected = Object.keys(real).filter((k) => k !== 'reregistered_time');
    for (const simulated of body.slaves) {
      const known = simulated.id.endsWith('-S2') ? expected.filter((k) => k !== 'version') : expected;
      expect(Object.keys(simulated)).toEqual(expect.arrayContaining(known));
    }
    expect(body.slaves[1].version).toBeUndefined();
    const first = body.slaves[0];
    expect(first).toMatchObject({
      port: 5051,
      reserved_resources: { marathon: { cpus: 1, mem: 1024, disk: 10, gpus: 0 } },
      unreserved_resources: { cpus: 7, mem: 28976, disk: 99990, gpus: 0, ports: '[31000-32000]' },
      domain: { fault_domain: { region: { name: 'aws/eu-west-1' }, zone: { name: 'aws/eu-west-1a' } } },
    });
    expect(body.recovered_slaves.map((s: { id: string }) => s.id)).toEqual(['b3bd182c-0000-4000-8000-00000000000a-S77']);
  });

  test('frameworks and tasks carry the fields of a real master; an idle Marathon is still registered', async () => {
    const real = fixture('mesos-0.28-master-state-megos.json').frameworks[0];
    const body = await getJson(`${endpoint.url}/master/frameworks`);
    expect(body.frameworks.map((f: { name: string }) => f.name)).toEqual(['marathon', 'chronos-2.4.0']);
    const marathon = body.frameworks[0];
    expect(Object.keys(marathon)).toEqual(expect.arrayContaining(Object.keys(real)));
    const realTaskKeys = Object.keys(real.tasks[0]).filter((k) => k !== 'discovery');
    expect(Object.keys(marathon.tasks[0])).toEqual(expect.arrayContaining(realTaskKeys));
    expect(marathon.used_resources).toEqual({ cpus: 3, mem: 3072, disk: 5, gpus: 0 });

    source.state = { ...richState(), tasks: [] };
    const idle = await getJson(`${endpoint.url}/master/frameworks`);
    expect(idle.frameworks.map((f: { name: string; tasks: unknown[] }) => [f.name, f.tasks.length])).toEqual([['marathon', 0]]);
  });

  test('GET_MASTER answers with master_info and elected_time; other calls and methods are refused', async () => {
    const post = (body: string) => fetch(`${endpoint.url}/api/v1`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const master = await getJson(`${endpoint.url}/api/v1`, { method: 'POST', body: '{"type":"GET_MASTER"}' });
    expect(master.get_master.elected_time).toBe(1_767_571_100.25);
    expect(master.get_master.master_info).toMatchObject({ version: '1.9.0', ip: 16777343, address: { ip: '127.0.0.1' } });
    // The leader is checked, the state not rendered.
    expect([source.calls, source.renders]).toEqual([1, 0]);
    expect((await post('{"type":"GET_STATE"}')).status).toBe(501);
    expect((await post('not json')).status).toBe(400);
    expect((await fetch(`${endpoint.url}/api/v1`)).status).toBe(405);
  });

  test('Marathon queue items carry the fields of a real /v2/queue answer, their apps those of a real app definition', async () => {
    const realItem = fixture('marathon-1.10-v2-queue-docs.json').queue[0];
    // What /v2/apps adds to a definition: the task counts and deployments.
    const realApp = Object.keys(fixture('marathon-1.10-v2-apps-docs.json').apps[0]).filter((k) => !k.startsWith('tasks') && k !== 'deployments');
    const queue = await getJson(`${endpoint.marathonUrl}/v2/queue`);
    expect(Object.keys(queue.queue[0])).toEqual(expect.arrayContaining(Object.keys(realItem)));
    expect(Object.keys(queue.queue[0].app)).toEqual(expect.arrayContaining(realApp));
    expect(queue.queue[1]).toMatchObject({ app: { id: '/crashy', gpus: 1 }, count: 1, delay: { overdue: false, timeLeftSeconds: 42.5 } });
    source.state = { ...richState(), marathon: null };
    expect((await fetch(`${endpoint.marathonUrl}/v2/queue`)).status).toBe(503);
  });
});

describe('the agent drain calls (Mesos ≥ 1.9 operator API)', () => {
  const A1 = 'b3bd182c-0000-4000-8000-00000000000a-S1';
  const post = (call: unknown) => fetch(`${endpoint.url}/api/v1`, { method: 'POST', body: JSON.stringify(call), headers: { 'content-type': 'application/json' } });
  const agentCall = (type: string, fields: Record<string, unknown> = {}, agentId = A1) => ({ type, [type.toLowerCase()]: { agent_id: { value: agentId }, ...fields } });

  test('each call is applied to the cluster and answered 200 with an empty body', async () => {
    for (const call of [
      agentCall('DEACTIVATE_AGENT'),
      agentCall('REACTIVATE_AGENT'),
      agentCall('DRAIN_AGENT', { max_grace_period: { seconds: 600 }, mark_gone: true }),
      agentCall('DRAIN_AGENT'),
      agentCall('MARK_AGENT_GONE'),
    ]) {
      const response = await post(call);
      expect([response.status, await response.text()]).toEqual([200, '']);
    }
    expect(source.operations).toEqual([
      ['DEACTIVATE_AGENT', A1],
      ['REACTIVATE_AGENT', A1],
      ['DRAIN_AGENT', A1, { maxGracePeriodSeconds: 600, markGone: true }],
      ['DRAIN_AGENT', A1, { maxGracePeriodSeconds: null, markGone: false }],
      ['MARK_AGENT_GONE', A1],
    ]);
  });

  test("the master's refusals come back as Mesos writes them: plain text, 400 or 404", async () => {
    const unknown = await post(agentCall('DRAIN_AGENT', { max_grace_period: { seconds: 1 } }, 'no-such-agent'));
    expect([unknown.status, unknown.headers.get('content-type'), await unknown.text()]).toEqual([400, 'text/plain; charset=utf-8', 'Unknown agent']);
    const gone = await post(agentCall('MARK_AGENT_GONE', {}, 'no-such-agent'));
    expect([gone.status, await gone.text()]).toEqual([404, "Agent 'no-such-agent' not found"]);
    expect(source.operations).toEqual([]);
  });

  test.each([
    ['a grace period in nanoseconds (the pitfall)', agentCall('DRAIN_AGENT', { max_grace_period: { nanoseconds: 600_000_000_000 } }), 'max_grace_period'],
    ['a grace period as text', agentCall('DRAIN_AGENT', { max_grace_period: '10mins' }), 'max_grace_period'],
    ['no agent id', { type: 'DEACTIVATE_AGENT', deactivate_agent: {} }, 'deactivate_agent.agent_id'],
    ['no call fields', { type: 'REACTIVATE_AGENT' }, "Expecting 'reactivate_agent' to be present"],
  ])('%s is a 400 and changes nothing', async (_what, call, message) => {
    const response = await post(call);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
    expect(source.operations).toEqual([]);
  });

  test('without a leader the calls are 503 No leader elected', async () => {
    source.down = true;
    const response = await post(agentCall('DEACTIVATE_AGENT'));
    expect([response.status, await response.text()]).toEqual([503, 'No leader elected']);
  });

  test('/master/slaves shows deactivated and draining agents with their flags', async () => {
    const body = await getJson(`${endpoint.url}/master/slaves`);
    const [first, second, third] = body.slaves;
    expect(first).toMatchObject({ active: true, deactivated: false });
    expect(first.drain_info).toBeUndefined();
    expect(second).toMatchObject({ active: false, deactivated: true, drain_info: { state: 'DRAINING' } });
    expect(third).toMatchObject({ deactivated: true, drain_info: { state: 'DRAINED' } });
  });
});
