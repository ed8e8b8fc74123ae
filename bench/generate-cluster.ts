/**
 * A synthetic Mesos 1.x cluster as the exact JSON text of `/master/slaves` and `/master/frameworks`,
 * field for field what a 1.4 master writes (shape reference: the 1.4 `/master/slaves` fixture with
 * all fields, and the task objects of the state fixtures), so parsing it costs what a real big
 * cluster costs. Deterministic for a seed.
 *
 * Agents are spread evenly over the pools through the `pool` attribute. Tasks belong to a few
 * hundred Marathon apps (task ids of every Marathon era) and, one in ten, to a Chronos batch
 * framework; each is placed on an agent of its app's pool with room for it (first fit from a random
 * agent). When the cluster is too small for the tasks asked for, the last agent tried takes the
 * task anyway (so used may exceed total). Text is built from lists of pieces joined in bulk rather
 * than by repeated concatenation, which keeps 10,000 agents and 200,000 tasks at a few seconds.
 */

import { createRandom } from '../sim/random.js';

export interface GenerateClusterOptions {
  agents: number;
  /** Entries of the frameworks' `tasks` arrays (live tasks plus about 1 % unacknowledged terminal ones). */
  tasks: number;
  /** Pool names, or how many pools to make (`pool-1` ... `pool-n`). */
  pools: number | readonly string[];
  seed: number;
}

export interface GeneratedCluster {
  /** `/master/slaves` body. */
  slaves: string;
  /** `/master/frameworks` body. */
  frameworks: string;
}

/** The simulator's seeded generator, with the draws this generator needs. */
function randomFrom(seed: number) {
  const r = createRandom(seed);
  return {
    uint32: () => Math.floor(r.next() * 4294967296),
    float: r.next,
    below: r.int,
    pick: <T>(list: readonly T[]): T => list[r.int(list.length)]!,
  };
}
type Random = ReturnType<typeof randomFrom>;

const HEX4 = Array.from({ length: 0x10000 }, (_, i) => i.toString(16).padStart(4, '0'));

/** Time-based (v1) UUIDs, as Marathon and Mesos generate them. */
function uuid(random: Random): string {
  const a = random.uint32();
  const b = random.uint32();
  const c = random.uint32();
  const d = random.uint32();
  return `${HEX4[a >>> 16]}${HEX4[a & 0xffff]}-${HEX4[b >>> 16]}-11e9-${HEX4[b & 0xffff]}-${HEX4[c >>> 16]}${HEX4[c & 0xffff]}${HEX4[d >>> 16]}`;
}

/** Mesos writes doubles; whole values print like `4.0` in its JSON. */
function num(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(Math.round(n * 1000) / 1000);
}

interface Shape {
  instanceType: string;
  cpus: number;
  mem: number;
  disk: number;
}

/** Agent totals as Mesos auto-detects them on EC2 types (RAM − 1 GB, disk − 5 GB). */
const SHAPES: readonly Shape[] = [
  { instanceType: 'm5.4xlarge', cpus: 16, mem: 63_441, disk: 95_220 },
  { instanceType: 'c5.4xlarge', cpus: 16, mem: 30_673, disk: 95_220 },
  { instanceType: 'r5.4xlarge', cpus: 16, mem: 127_465, disk: 95_220 },
  { instanceType: 'm5.8xlarge', cpus: 32, mem: 127_465, disk: 190_440 },
];
const PORT_LOW = 31_000;
const PORT_HIGH = 32_000;
const PORT_COUNT = PORT_HIGH - PORT_LOW + 1;
const BASE_TIME = 1_546_860_000;

interface Agent {
  id: string;
  ip: string;
  pool: string;
  zone: string;
  rack: number;
  shape: Shape;
  registered: number;
  usedCpus: number;
  usedMem: number;
  usedDisk: number;
  /** Allocated ports, and a bitmap of them. */
  ports: number[];
  portTaken: Uint8Array;
}

type TaskIdStyle = 'legacy' | 'resident' | 'instance' | 'incarnation';

interface App {
  safePath: string;
  /** Mesos task name: the app id reversed with dots (`/team/svc` → `svc.team`). */
  taskName: string;
  pool: string;
  cpus: number;
  mem: number;
  disk: number;
  ports: number;
  style: TaskIdStyle;
  /** `"resources":{...` up to where the ports go. */
  resourcesHead: string;
  labels: string;
  image: string;
}

function rangePairs(ports: readonly number[]): Array<[number, number]> {
  const sorted = [...ports].sort((a, b) => a - b);
  const pairs: Array<[number, number]> = [];
  for (const p of sorted) {
    const last = pairs[pairs.length - 1];
    if (last && p === last[1] + 1) last[1] = p;
    else pairs.push([p, p]);
  }
  return pairs;
}

/** v0 ranges text, `[31000-31002, 31500-31500]`. */
function rangesText(ports: readonly number[]): string {
  return `[${rangePairs(ports)
    .map(([a, b]) => `${a}-${b}`)
    .join(', ')}]`;
}

/** Protobuf-JSON ranges of `*_resources_full`. */
function rangesFull(ports: readonly number[], allocated: boolean): string {
  const ranges = rangePairs(ports)
    .map(([a, b]) => `{"begin":${a},"end":${b}}`)
    .join(',');
  return `{"name":"ports","type":"RANGES","ranges":{"range":[${ranges}]},"role":"*"${allocated ? ',"allocation_info":{"role":"*"}' : ''}}`;
}

function scalarFull(name: string, value: number, allocated: boolean): string {
  return `{"name":"${name}","type":"SCALAR","scalar":{"value":${num(value)}},"role":"*"${allocated ? ',"allocation_info":{"role":"*"}' : ''}}`;
}

const FREE_PORTS_FULL = rangesFull(
  Array.from({ length: PORT_COUNT }, (_, i) => PORT_LOW + i),
  false,
);

function writeAgent(out: string[], agent: Agent): void {
  const { shape } = agent;
  const total = `{"disk":${num(shape.disk)},"mem":${num(shape.mem)},"gpus":0.0,"cpus":${num(shape.cpus)},"ports":"[${PORT_LOW}-${PORT_HIGH}]"}`;
  const usedPorts = agent.ports.length ? `,"ports":"${rangesText(agent.ports)}"` : '';
  const usedFull = [
    scalarFull('cpus', agent.usedCpus, true),
    scalarFull('mem', agent.usedMem, true),
    ...(agent.usedDisk > 0 ? [scalarFull('disk', agent.usedDisk, true)] : []),
    ...(agent.ports.length ? [rangesFull(agent.ports, true)] : []),
  ].join(',');
  const unreservedFull = [scalarFull('cpus', shape.cpus, false), scalarFull('mem', shape.mem, false), scalarFull('disk', shape.disk, false), FREE_PORTS_FULL].join(',');
  out.push(
    `{"id":"${agent.id}","pid":"slave(1)@${agent.ip}:5051","hostname":"ip-${agent.ip.replaceAll('.', '-')}.eu-west-1.compute.internal","port":5051,`,
    `"registered_time":${agent.registered},"reregistered_time":${(agent.registered * 1000 + 3_600_250) / 1000},`,
    `"resources":${total},`,
    `"used_resources":{"disk":${num(agent.usedDisk)},"mem":${num(agent.usedMem)},"gpus":0.0,"cpus":${num(agent.usedCpus)}${usedPorts}},`,
    `"offered_resources":{"disk":0.0,"mem":0.0,"gpus":0.0,"cpus":0.0},"reserved_resources":{},"unreserved_resources":${total},`,
    `"attributes":{"pool":"${agent.pool}","instance_type":"${shape.instanceType}","az":"${agent.zone}","rack":${agent.rack}},`,
    `"active":true,"version":"1.4.1","capabilities":["MULTI_ROLE","HIERARCHICAL_ROLE","RESERVATION_REFINEMENT"],`,
    `"domain":{"fault_domain":{"region":{"name":"aws/eu-west-1"},"zone":{"name":"aws/${agent.zone}"}}},`,
    `"reserved_resources_full":{},"unreserved_resources_full":[${unreservedFull}],"used_resources_full":[${usedFull}],"offered_resources_full":[]}`,
  );
}

function makeApps(random: Random, count: number, pools: readonly string[]): App[] {
  const styles: TaskIdStyle[] = ['incarnation', 'incarnation', 'incarnation', 'instance', 'legacy', 'legacy', 'resident'];
  const apps: App[] = [];
  for (let i = 0; i < count; i++) {
    const team = `team-${i % 23}`;
    const service = `svc-${i}`;
    const segments = i % 3 === 0 ? ['prod', team, service] : [team, service];
    const cpus = random.pick([0.1, 0.25, 0.25, 0.5, 0.5, 1]);
    const mem = random.pick([128, 256, 512, 512, 1024, 2048]);
    const disk = random.pick([0, 0, 0, 100, 1024]);
    apps.push({
      safePath: segments.join('_'),
      taskName: [...segments].reverse().join('.'),
      pool: pools[i % pools.length]!,
      cpus,
      mem,
      disk,
      ports: random.pick([0, 1, 1, 1, 2]),
      style: random.pick(styles),
      resourcesHead: `"resources":{"disk":${num(disk)},"mem":${num(mem)},"gpus":0.0,"cpus":${num(cpus)}`,
      labels:
        i % 2 === 0
          ? `,"labels":[{"key":"HAPROXY_GROUP","value":"external"},{"key":"HAPROXY_0_VHOST","value":"${service}.${team}.example.internal"},{"key":"owner","value":"${team}"}]`
          : '',
      image: `${team}/${service}:1.${i % 17}.${i % 5}`,
    });
  }
  return apps;
}

function marathonTaskId(random: Random, app: App): string {
  switch (app.style) {
    case 'legacy':
      return `${app.safePath}.${uuid(random)}`;
    case 'resident':
      return `${app.safePath}.${uuid(random)}.${1 + random.below(3)}`;
    case 'instance':
      return `${app.safePath}.instance-${uuid(random)}.$anon`;
    case 'incarnation':
      return `${app.safePath}.instance-${uuid(random)}._app.${1 + random.below(2)}`;
  }
}

/** Mostly running; some in every other live state, and a few terminal ones not yet acknowledged. */
function pickState(random: Random): string {
  const r = random.float();
  if (r < 0.955) return 'TASK_RUNNING';
  if (r < 0.97) return 'TASK_STAGING';
  if (r < 0.98) return 'TASK_STARTING';
  if (r < 0.99) return 'TASK_KILLING';
  return r < 0.995 ? 'TASK_FINISHED' : 'TASK_FAILED';
}

function isLive(state: string): boolean {
  return state !== 'TASK_FINISHED' && state !== 'TASK_FAILED';
}

function writeStatus(out: string[], state: string, timestamp: number, containerId: string, ip: string, healthy: boolean): void {
  out.push(
    `{"state":"${state}","timestamp":${timestamp}`,
    healthy ? ',"healthy":true' : '',
    `,"container_status":{"container_id":{"value":"${containerId}"},"network_infos":[{"ip_addresses":[{"protocol":"IPv4","ip_address":"${ip}"}]}]}}`,
  );
}

interface TaskSpec {
  id: string;
  name: string;
  frameworkId: string;
  agent: Agent;
  state: string;
  resourcesHead: string;
  ports: readonly number[];
  startedAt: number;
  labels: string;
  image: string | null;
}

/** A v0 task object in the order the 1.x master writes its fields. */
function writeTask(out: string[], random: Random, t: TaskSpec): void {
  const containerId = uuid(random);
  const { ip } = t.agent;
  out.push(
    `{"id":"${t.id}","name":"${t.name}","framework_id":"${t.frameworkId}","executor_id":"","slave_id":"${t.agent.id}","state":"${t.state}",`,
    t.resourcesHead,
    t.ports.length ? `,"ports":"${rangesText(t.ports)}"},"role":"*","statuses":[` : '},"role":"*","statuses":[',
  );
  if (t.state !== 'TASK_STAGING') writeStatus(out, 'TASK_STARTING', t.startedAt, containerId, ip, false);
  if (t.state !== 'TASK_STAGING' && t.state !== 'TASK_STARTING') {
    out.push(',');
    writeStatus(out, 'TASK_RUNNING', (t.startedAt * 1000 + 2417) / 1000, containerId, ip, t.labels !== '');
  }
  if (t.state === 'TASK_KILLING' || !isLive(t.state)) {
    out.push(',');
    writeStatus(out, t.state, (t.startedAt * 1000 + 900_500) / 1000, containerId, ip, false);
  }
  out.push(']', t.labels, `,"discovery":{"visibility":"FRAMEWORK","name":"${t.name}","ports":{"ports":[`);
  t.ports.forEach((p, i) => out.push(i ? ',' : '', `{"number":${p},"name":"port${i}","protocol":"tcp"}`));
  out.push(']}}');
  if (t.image) {
    out.push(`,"container":{"type":"DOCKER","docker":{"image":"${t.image}","network":"BRIDGE","port_mappings":[`);
    t.ports.forEach((p, i) => out.push(i ? ',' : '', `{"host_port":${p},"container_port":${8080 + i},"protocol":"tcp"}`));
    out.push('],"privileged":false,"force_pull_image":false}}');
  }
  out.push('}');
}

/** A port free on the agent, kept for the task when it is live (a terminal task's ports are released). */
function takePort(random: Random, agent: Agent, keep: boolean): number {
  for (;;) {
    const index = random.below(PORT_COUNT);
    if (agent.portTaken[index] === 0) {
      if (keep) agent.portTaken[index] = 1;
      return PORT_LOW + index;
    }
  }
}

/** First agent of the pool, from a random one, with room for the task; the last one tried otherwise. */
function placeOn(random: Random, pool: readonly Agent[], cpus: number, mem: number, disk: number, ports: number): Agent {
  const start = random.below(pool.length);
  const tries = Math.min(pool.length, 64);
  let agent = pool[start]!;
  for (let k = 0; k < tries; k++) {
    agent = pool[(start + k) % pool.length]!;
    const { shape } = agent;
    if (agent.usedCpus + cpus <= shape.cpus && agent.usedMem + mem <= shape.mem && agent.usedDisk + disk <= shape.disk && agent.ports.length + ports <= PORT_COUNT) {
      return agent;
    }
  }
  return agent;
}

interface FrameworkSpec {
  id: string;
  name: string;
  webui: string;
  host: string;
  used: { cpus: number; mem: number; disk: number };
  tasks: string[];
  completed: string[];
}

function writeFramework(out: string[], f: FrameworkSpec): void {
  const resources = `{"disk":${num(f.used.disk)},"mem":${num(f.used.mem)},"gpus":0.0,"cpus":${num(f.used.cpus)}}`;
  out.push(
    `{"id":"${f.id}","name":"${f.name}","pid":"scheduler-${f.id.slice(0, 8)}@${f.host}:15101","used_resources":${resources},`,
    `"offered_resources":{"disk":0.0,"mem":0.0,"gpus":0.0,"cpus":0.0},"capabilities":["PARTITION_AWARE","GPU_RESOURCES"],`,
    `"hostname":"${f.host}","webui_url":"${f.webui}","active":true,"connected":true,"recovered":false,"user":"root",`,
    `"failover_timeout":604800.0,"checkpoint":true,"registered_time":${BASE_TIME - 86_400.5},"unregistered_time":0.0,`,
    `"reregistered_time":${BASE_TIME - 3_600.5},"principal":"${f.name}","role":"*","resources":${resources},"tasks":[`,
  );
  pushJoined(out, f.tasks);
  out.push('],"unreachable_tasks":[],"completed_tasks":[');
  pushJoined(out, f.completed);
  out.push('],"offers":[],"executors":[]}');
}

function pushJoined(out: string[], items: readonly string[]): void {
  for (let i = 0; i < items.length; i++) {
    if (i) out.push(',');
    out.push(items[i]!);
  }
}

/** Builds the two bodies; 10,000 agents and 200,000 tasks make about 20 MB and 240 MB of text. */
export function generateCluster(options: GenerateClusterOptions): GeneratedCluster {
  const random = randomFrom(options.seed);
  const poolNames = typeof options.pools === 'number' ? Array.from({ length: options.pools }, (_, i) => `pool-${i + 1}`) : [...options.pools];
  if (poolNames.length === 0) throw new Error('generateCluster needs at least one pool');
  const masterId = uuid(random);
  const zones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

  const agents: Agent[] = [];
  const byPool = new Map<string, Agent[]>(poolNames.map((p) => [p, []]));
  for (let i = 0; i < options.agents; i++) {
    const poolIndex = i % poolNames.length;
    const agent: Agent = {
      id: `${masterId}-S${i}`,
      ip: `10.${Math.floor(i / 64_000) % 256}.${Math.floor(i / 250) % 256}.${1 + (i % 250)}`,
      pool: poolNames[poolIndex]!,
      zone: zones[i % zones.length]!,
      rack: i % 40,
      shape: SHAPES[poolIndex % SHAPES.length]!,
      registered: BASE_TIME + random.below(86_400_000) / 1000,
      usedCpus: 0,
      usedMem: 0,
      usedDisk: 0,
      ports: [],
      portTaken: new Uint8Array(PORT_COUNT),
    };
    agents.push(agent);
    byPool.get(agent.pool)!.push(agent);
  }

  const marathon: FrameworkSpec = { id: `${masterId}-0000`, name: 'marathon', webui: 'http://10.0.0.11:8080', host: '10.0.0.11', used: { cpus: 0, mem: 0, disk: 0 }, tasks: [], completed: [] };
  const chronos: FrameworkSpec = { id: `${masterId}-0001`, name: 'chronos', webui: 'http://10.0.0.12:4400', host: '10.0.0.12', used: { cpus: 0, mem: 0, disk: 0 }, tasks: [], completed: [] };
  const apps = makeApps(random, Math.max(1, Math.min(300, Math.ceil(options.tasks / 50))), poolNames);
  const piece: string[] = [];

  for (let i = 0; i < options.tasks && agents.length > 0; i++) {
    const batch = random.float() < 0.1;
    // Skewed popularity: a few apps have most of the tasks.
    const app = apps[Math.floor(random.float() * random.float() * apps.length)]!;
    const candidates = byPool.get(app.pool)!.length ? byPool.get(app.pool)! : agents;
    const cpus = batch ? random.pick([0.5, 1]) : app.cpus;
    const mem = batch ? random.pick([512, 1024, 2048]) : app.mem;
    const disk = batch ? 0 : app.disk;
    const portCount = batch ? 0 : app.ports;
    const state = pickState(random);
    const agent = placeOn(random, candidates, cpus, mem, disk, portCount);
    const live = isLive(state);
    const ports: number[] = [];
    for (let p = 0; p < portCount; p++) ports.push(takePort(random, agent, live));
    const framework = batch ? chronos : marathon;
    if (live) {
      agent.usedCpus += cpus;
      agent.usedMem += mem;
      agent.usedDisk += disk;
      for (const p of ports) agent.ports.push(p);
      framework.used.cpus += cpus;
      framework.used.mem += mem;
      framework.used.disk += disk;
    }
    const startedAt = BASE_TIME + 90_000 + random.below(600_000_000) / 1000;
    piece.length = 0;
    writeTask(
      piece,
      random,
      batch
        ? {
            id: `ct:${Math.round(startedAt * 1000)}:${i}:${app.taskName}-job:`,
            name: `ChronosTask:${app.taskName}-job`,
            frameworkId: chronos.id,
            agent,
            state,
            resourcesHead: `"resources":{"disk":0.0,"mem":${num(mem)},"gpus":0.0,"cpus":${num(cpus)}`,
            ports,
            startedAt,
            labels: '',
            image: null,
          }
        : { id: marathonTaskId(random, app), name: app.taskName, frameworkId: marathon.id, agent, state, resourcesHead: app.resourcesHead, ports, startedAt, labels: app.labels, image: app.image },
    );
    framework.tasks.push(piece.join(''));
  }

  // Mesos keeps up to --max_completed_tasks_per_framework (1000) finished tasks per framework.
  for (let i = 0; i < Math.min(1000, Math.floor(options.tasks / 100)) && agents.length > 0; i++) {
    const app = apps[i % apps.length]!;
    piece.length = 0;
    writeTask(piece, random, {
      id: marathonTaskId(random, app),
      name: app.taskName,
      frameworkId: marathon.id,
      agent: agents[random.below(agents.length)]!,
      state: random.float() < 0.5 ? 'TASK_FINISHED' : 'TASK_FAILED',
      resourcesHead: app.resourcesHead,
      ports: [],
      startedAt: BASE_TIME + random.below(80_000_000) / 1000,
      labels: app.labels,
      image: app.image,
    });
    marathon.completed.push(piece.join(''));
  }

  const slavesOut: string[] = ['{"slaves":['];
  agents.forEach((agent, i) => {
    if (i) slavesOut.push(',');
    writeAgent(slavesOut, agent);
  });
  slavesOut.push('],"recovered_slaves":[]}');

  const frameworksOut: string[] = ['{"frameworks":['];
  writeFramework(frameworksOut, marathon);
  frameworksOut.push(',');
  writeFramework(frameworksOut, chronos);
  frameworksOut.push('],"completed_frameworks":[],"unregistered_frameworks":[]}');
  return { slaves: slavesOut.join(''), frameworks: frameworksOut.join('') };
}
