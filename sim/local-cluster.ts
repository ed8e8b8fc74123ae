import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from './local-cloud/read-body.js';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

/**
 * A small local cluster (for npm start and the workflow tests): an ASG whose instances are Mesos agents, rendered as the real
 * Mesos 0.27 `/master/slaves` and `/master/frameworks` payloads of the Capgemini fixture (agents
 * cloned from it, tasks copied from it), served over HTTP like a leading master.
 */
type Json = Record<string, any>;

const FIXTURES = new URL('../tests/fixtures/mesos/', import.meta.url);
const slavesFixture: Json = JSON.parse(readFileSync(new URL('mesos-0.27-master-slaves-capgemini.json', FIXTURES), 'utf8'));
const stateFixture: Json = JSON.parse(readFileSync(new URL('mesos-0.27-master-state-capgemini.json', FIXTURES), 'utf8'));

export interface LocalInstance {
  instanceId: string;
  ip: string;
  lifecycleState: string;
  protectedFromScaleIn: boolean;
}

export interface LocalGroup {
  name: string;
  pool: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instances: LocalInstance[];
}

let ipCounter = 10;

export class LocalCluster {
  readonly groups = new Map<string, LocalGroup>();
  /** Agent JSON objects keyed by IP. */
  readonly agents = new Map<string, Json>();
  /** Tasks (Mesos task JSON) keyed by agent id. */
  readonly tasks = new Map<string, Json[]>();
  mesosDown = false;
  /** Operator calls received, in order (`DEACTIVATE_AGENT S12`). */
  readonly calls: string[] = [];
  private server: Server | null = null;
  url = '';

  /** Adds a group with `busy` agents carrying the fixture's tasks and `idle` agents with none. */
  addGroup(name: string, pool: string, options: { busy: number; idle: number; minSize?: number; maxSize?: number; cpusUsedFraction?: number }): LocalGroup {
    const group: LocalGroup = { name, pool, minSize: options.minSize ?? 0, maxSize: options.maxSize ?? 20, desiredCapacity: 0, instances: [] };
    this.groups.set(name, group);
    for (let i = 0; i < options.busy; i++) this.launch(group, { busy: true, cpusUsedFraction: options.cpusUsedFraction });
    for (let i = 0; i < options.idle; i++) this.launch(group, { busy: false });
    return group;
  }

  /** One more InService instance, registered at once as an agent of the group's pool. */
  launch(group: LocalGroup, options: { busy: boolean; cpusUsedFraction?: number } = { busy: false }): LocalInstance {
    const ip = `10.66.2.${ipCounter++}`;
    const instance: LocalInstance = { instanceId: `i-${ip.replace(/\./g, '')}`, ip, lifecycleState: 'InService', protectedFromScaleIn: false };
    group.instances.push(instance);
    group.desiredCapacity += 1;
    const template = slavesFixture.slaves[0];
    const id = `${template.id.replace(/-S\d+$/, '')}-S${ipCounter}`;
    const agent: Json = structuredClone(template);
    Object.assign(agent, { id, pid: `slave(1)@${ip}:5051`, hostname: ip, attributes: { pool: group.pool } });
    if (options.busy) {
      const tasks = structuredClone(stateFixture.frameworks.find((f: Json) => f.name === 'marathon').tasks.slice(0, 3)) as Json[];
      // Keep Marathon's `<app>.<uuid>` task ids, unique per agent: the uuid's node part becomes the agent's number.
      // Started with the agent: the fixture's own timestamps are years old, and a task that has run
      // that long is one no scale-in would drain.
      const startedAt = Date.now() / 1000;
      for (const t of tasks) {
        Object.assign(t, { slave_id: id, id: t.id.replace(/[0-9a-f]{12}$/, String(ipCounter).padStart(12, '0')) });
        for (const status of t.statuses ?? []) status.timestamp = startedAt;
      }
      this.tasks.set(id, tasks);
      const cpus = options.cpusUsedFraction === undefined ? tasks.reduce((s, t) => s + t.resources.cpus, 0) : agent.resources.cpus * options.cpusUsedFraction;
      agent.used_resources = { ...agent.used_resources, cpus, mem: tasks.reduce((s, t) => s + t.resources.mem, 0) };
    } else {
      agent.used_resources = { cpus: 0, disk: 0, mem: 0 };
      this.tasks.set(id, []);
    }
    this.agents.set(ip, agent);
    return instance;
  }

  setDesired(group: LocalGroup, desired: number): void {
    while (group.desiredCapacity < desired) this.launch(group, { busy: false });
  }

  terminate(instanceId: string): LocalGroup {
    for (const group of this.groups.values()) {
      const i = group.instances.findIndex((x) => x.instanceId === instanceId);
      if (i >= 0) {
        const [gone] = group.instances.splice(i, 1);
        group.desiredCapacity -= 1;
        this.agents.delete(gone!.ip);
        return group;
      }
    }
    throw new Error(`unknown instance ${instanceId}`);
  }

  slaves(): Json {
    return { slaves: [...this.agents.values()] };
  }

  frameworks(): Json {
    const marathon = structuredClone(stateFixture.frameworks.find((f: Json) => f.name === 'marathon'));
    const live = new Set([...this.agents.values()].map((a) => a.id));
    marathon.tasks = [...this.tasks.entries()].filter(([id]) => live.has(id)).flatMap(([, t]) => t);
    return { frameworks: [marathon], completed_frameworks: [], unregistered_frameworks: [] };
  }

  /** The Mesos 1.9 operator calls the autoscaler makes: GET_MASTER and the agent drain calls. */
  private operatorCall(req: IncomingMessage, res: ServerResponse): void {
    void readBody(req).then((body) => {
      const call = JSON.parse(body) as Json;
      if (call.type === 'GET_MASTER') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ type: 'GET_MASTER', get_master: { master_info: { version: '1.9.0' } } }));
        return;
      }
      const field = String(call.type).toLowerCase();
      const agentId = call[field]?.agent_id?.value;
      const agent = [...this.agents.values()].find((a) => a.id === agentId);
      if (!agent) {
        res.writeHead(404).end(`Agent ${agentId} not found`);
        return;
      }
      if (call.type === 'DEACTIVATE_AGENT' || call.type === 'REACTIVATE_AGENT') {
        const deactivated = call.type === 'DEACTIVATE_AGENT';
        Object.assign(agent, { deactivated, active: !deactivated });
        this.calls.push(`${call.type} ${agentId}`);
        res.writeHead(200).end();
        return;
      }
      if (call.type === 'MARK_AGENT_GONE') {
        this.calls.push(`${call.type} ${agentId}`);
        res.writeHead(200).end();
        return;
      }
      res.writeHead(501).end(`${call.type} is not supported by the local master`);
    });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      if (this.mesosDown) {
        res.writeHead(503).end('No leader elected');
        return;
      }
      const path = (req.url ?? '/').split('?')[0];
      const host = req.headers.host;
      if (path === '/api/v1' && req.method === 'POST') {
        this.operatorCall(req, res);
        return;
      }
      if (path === '/master/redirect' || path === '/redirect') {
        res.writeHead(307, { Location: `//${host}` }).end();
        return;
      }
      const body = path === '/master/slaves' ? this.slaves() : path === '/master/frameworks' ? this.frameworks() : null;
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
