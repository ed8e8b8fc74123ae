import type { ClusterState, MesosAgent, MesosTask } from '../../shared/model/cluster.js';
import { hasAgentDrainApi } from '../../shared/mesos/maintenance.js';
import { RESOURCE_NAMES, ZERO_RESOURCES, subtractResources, sumResources, type Resources } from '../../shared/model/resources.js';
import type { SimMasterInfo } from '../types.js';

/** The simulated master's id; framework ids are derived from it as a real master derives them. */
export const MASTER_ID = '5f1c0a7e-3b2d-4c8e-9a61-0d4e2b7f9c10';
const MARATHON_FRAMEWORK_ID = `${MASTER_ID}-0000`;
/** Port range every simulated agent offers (real agents always carry one). */
const AGENT_PORTS = '[31000-32000]';
const AGENT_CAPABILITIES = ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'];

type Json = Record<string, unknown>;

/** v0 resources: the four scalars always present (0 when absent), as `json(Resources)` writes them. */
function scalars(r: Resources, ports?: string): Json {
  return { cpus: r.cpus, mem: r.mem, disk: r.disk, gpus: r.gpus, ...(ports === undefined ? {} : { ports }) };
}

/** The `*_resources_full` protobuf-JSON form: one entry per non-zero scalar, plus the port range. */
function fullResources(r: Resources, role: string, ports?: string): Json[] {
  const roleFields = role === '*' ? { role: '*' } : { role, reservations: [{ type: 'STATIC', role }] };
  const entries: Json[] = RESOURCE_NAMES.filter((name) => r[name] > 0).map((name) => ({ name, type: 'SCALAR', scalar: { value: r[name] }, ...roleFields }));
  if (ports !== undefined) {
    const [begin, end] = ports.slice(1, -1).split('-').map(Number);
    entries.push({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin, end }] }, ...roleFields });
  }
  return entries;
}

const isZero = (r: Resources): boolean => RESOURCE_NAMES.every((name) => r[name] === 0);

function portOf(pid: string): number {
  const match = /:(\d+)$/.exec(pid);
  return match ? Number(match[1]) : 5051;
}

/** `aws/eu-central-1c` → `aws/eu-central-1`: the region a fault-domain zone belongs to. */
function regionOfZone(zone: string): string {
  return /[0-9][a-z]$/.test(zone) ? zone.slice(0, -1) : zone;
}

/** `deactivated` and `drain_info` came with the agent drain API in 1.9. */
function hasDrainFields(version: string | null): boolean {
  return version === null || hasAgentDrainApi(version);
}

/** One agent as a Mesos 1.x master's `/master/slaves` writes it. Reserved resources sit under `reservedRole`. */
function agentJson(agent: MesosAgent, reservedRole: string, masterVersion: string | null): Json {
  const reserved = isZero(agent.reserved) ? {} : { [reservedRole]: scalars(agent.reserved) };
  const reservedFull = isZero(agent.reserved) ? {} : { [reservedRole]: fullResources(agent.reserved, reservedRole) };
  const unreserved = subtractResources(agent.total, agent.reserved);
  return {
    id: agent.id,
    pid: agent.pid,
    hostname: agent.hostname,
    port: portOf(agent.pid),
    registered_time: agent.registeredAt,
    resources: scalars(agent.total, AGENT_PORTS),
    used_resources: scalars(agent.used),
    offered_resources: scalars(agent.offered),
    reserved_resources: reserved,
    unreserved_resources: scalars(unreserved, AGENT_PORTS),
    resources_full: fullResources(agent.total, '*', AGENT_PORTS),
    used_resources_full: fullResources(agent.used, '*'),
    offered_resources_full: fullResources(agent.offered, '*'),
    reserved_resources_full: reservedFull,
    unreserved_resources_full: fullResources(unreserved, '*', AGENT_PORTS),
    attributes: { ...agent.attributes },
    active: agent.active,
    ...(hasDrainFields(masterVersion) ? { deactivated: agent.deactivated } : {}),
    ...(agent.drainState === null ? {} : { drain_info: { state: agent.drainState, config: { mark_gone: false } } }),
    ...(agent.version === null ? {} : { version: agent.version }),
    capabilities: AGENT_CAPABILITIES,
    ...(agent.zone === null ? {} : { domain: { fault_domain: { region: { name: regionOfZone(agent.zone) }, zone: { name: agent.zone } } } }),
  };
}

/** `/master/slaves`. Recovered agents are SlaveInfo objects; only their ids are known here. */
export function slavesJson(state: ClusterState, reservedRole: string): Json {
  return {
    slaves: state.agents.map((a) => agentJson(a, reservedRole, state.masterVersion)),
    recovered_slaves: state.recoveredAgentIds.map((id) => ({ id, hostname: '', port: 5051, resources: scalars(ZERO_RESOURCES), attributes: {} })),
  };
}

function taskJson(task: MesosTask): Json {
  return {
    id: task.id,
    name: task.name,
    framework_id: task.frameworkId,
    executor_id: '',
    slave_id: task.agentId,
    state: task.state,
    resources: scalars(task.resources),
    role: '*',
    // A task reports its first status when it starts; staging tasks have none yet.
    statuses: task.startedAt === null ? [] : [{ state: task.state, timestamp: task.startedAt }],
  };
}

function frameworkJson(id: string, name: string, tasks: readonly MesosTask[], registeredTime: number, host: string): Json {
  const used = sumResources(tasks.map((t) => t.resources));
  return {
    id,
    name,
    pid: `scheduler-${id}@${host}`,
    hostname: host.replace(/:\d+$/, ''),
    webui_url: name.startsWith('marathon') ? `http://${host}` : '',
    active: true,
    connected: true,
    recovered: false,
    user: 'root',
    failover_timeout: 604800,
    checkpoint: true,
    registered_time: registeredTime,
    unregistered_time: 0,
    role: '*',
    capabilities: ['PARTITION_AWARE'],
    used_resources: scalars(used),
    offered_resources: scalars(ZERO_RESOURCES),
    resources: scalars(used),
    tasks: tasks.map(taskJson),
    unreachable_tasks: [],
    completed_tasks: [],
    offers: [],
    executors: [],
  };
}

/**
 * `/master/frameworks`: the tasks grouped by framework (in order of first appearance). When the
 * cluster runs Marathon and no task names it, an idle `marathon` framework is still registered.
 * `host` (`127.0.0.1:<port>`) stands in for the schedulers' addresses.
 */
export function frameworksJson(state: ClusterState, host: string): Json {
  const byId = new Map<string, { name: string; tasks: MesosTask[] }>();
  for (const task of state.tasks) {
    const framework = byId.get(task.frameworkId) ?? { name: task.frameworkName, tasks: [] };
    framework.tasks.push(task);
    byId.set(task.frameworkId, framework);
  }
  const hasMarathon = [...byId.values()].some((f) => f.name.startsWith('marathon'));
  if (state.marathon !== null && !hasMarathon) byId.set(MARATHON_FRAMEWORK_ID, { name: 'marathon', tasks: [] });
  const registered = state.electedAt ?? 0;
  return {
    frameworks: [...byId].map(([id, f]) => frameworkJson(id, f.name, f.tasks, registered, host)),
    completed_frameworks: [],
    unregistered_frameworks: [],
  };
}

/** An IPv4 address as a uint32 in network byte order, how v1 MasterInfo.ip carries it. */
function networkOrderIp(ip: string): number {
  const octets = ip.split('.').map(Number);
  return ((octets[3]! << 24) >>> 0) + (octets[2]! << 16) + (octets[1]! << 8) + octets[0]!;
}

/** v1 `GET_MASTER` answer; version and times appear only when known. */
export function getMasterJson(master: SimMasterInfo, ip: string, port: number): Json {
  return {
    type: 'GET_MASTER',
    get_master: {
      master_info: {
        id: MASTER_ID,
        ip: networkOrderIp(ip),
        port,
        pid: `master@${ip}:${port}`,
        hostname: ip,
        ...(master.masterVersion === null ? {} : { version: master.masterVersion }),
        address: { hostname: ip, ip, port },
        capabilities: [{ type: 'AGENT_UPDATE' }, { type: 'AGENT_DRAINING' }],
      },
      ...(master.electedAt === null ? {} : { start_time: master.electedAt, elected_time: master.electedAt }),
    },
  };
}
