import type { ClusterState, MarathonQueueItem, MesosAgent, MesosTask } from '../../shared/model/cluster.js';
import { resources, ZERO_RESOURCES } from '../../shared/model/resources.js';
import { EPOCH_MS, type MesosVersion, type SimMasterInfo } from '../types.js';
import { privateDnsName } from './auto-scaling-group.js';
import { drainStateOf, type AppState, type SimAgent, type TaskRun } from './model.js';

/** Id of the simulated master's cluster; agents and the framework ids derive from it as in Mesos. */
const MASTER_ID = '5a1e0c4d-7f2b-4e8a-9c3d-0b6f1e2a3c4d';
const FRAMEWORK_ID = `${MASTER_ID}-0000`;
const AGENT_DISK_MB = 100_000;
/** The release the master (and its agents) of each simulated version runs. */
const RELEASES: Record<MesosVersion, string> = { '1.9': '1.9.0', '1.8': '1.8.1' };

export function masterVersionOf(version: MesosVersion): string {
  return RELEASES[version];
}

/** Who leads the master quorum. */
export interface LeaderState {
  up: boolean;
  /** Virtual seconds of the last failover (before t = 0 when there was none). */
  electedAt: number;
  failovers: number;
}

export const agentIdOf = (n: number) => `${MASTER_ID}-S${n}`;

const epochSeconds = (t: number) => EPOCH_MS / 1000 + t;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** A uuid-like suffix per (task, run): a restarted task gets a new Marathon task id. */
function taskUuid(task: TaskRun): string {
  return `${hex(task.index, 8)}-${hex(task.runs & 0xffff, 4)}-4000-8000-${hex(task.index, 12)}`;
}

function agentView(agent: SimAgent, pool: string, version: string): MesosAgent {
  const ip = agent.instance.privateIp;
  return {
    id: agent.id,
    pid: `slave(1)@${ip}:5051`,
    hostname: privateDnsName(ip),
    ip,
    attributes: { pool },
    pool,
    total: resources({ cpus: agent.cpus, mem: agent.memMb, disk: AGENT_DISK_MB }),
    used: resources({ cpus: agent.usedCpus, mem: agent.usedMemMb }),
    offered: ZERO_RESOURCES,
    reserved: ZERO_RESOURCES,
    active: !agent.deactivated,
    deactivated: agent.deactivated,
    drainState: drainStateOf(agent),
    registeredAt: epochSeconds(agent.registeredAt),
    version,
    zone: null,
  };
}

function taskView(task: TaskRun, agent: SimAgent): MesosTask {
  return {
    id: `${task.app.safePath}.${taskUuid(task)}`,
    name: task.app.taskName,
    frameworkId: FRAMEWORK_ID,
    frameworkName: 'marathon',
    agentId: agent.id,
    state: 'TASK_RUNNING',
    resources: resources({ cpus: task.spec.cpus, mem: task.spec.memMb }),
    appId: task.app.id,
    startedAt: epochSeconds(task.startedAt),
  };
}

/** The leading master's version and when it was elected (epoch seconds). */
export function masterInfoOf(leader: LeaderState, version: string): SimMasterInfo {
  return { masterVersion: version, electedAt: epochSeconds(leader.electedAt) };
}

/**
 * What the leading master (and Marathon) would answer: registered agents that have re-registered
 * since the last failover, their running tasks, and Marathon's launch queue (every waiting task
 * is an overdue launch, waiting for an offer that fits).
 */
export function clusterStateOf(input: { agents: readonly SimAgent[]; apps: Iterable<AppState>; pool: string; leader: LeaderState; version: string }): ClusterState {
  const { pool, leader, version } = input;
  const agents: MesosAgent[] = [];
  const recoveredAgentIds: string[] = [];
  const tasks: MesosTask[] = [];
  for (const agent of input.agents) {
    if (agent.offline) {
      recoveredAgentIds.push(agent.id);
      continue;
    }
    agents.push(agentView(agent, pool, version));
    for (const task of agent.tasks) tasks.push((task.mesos ??= taskView(task, agent)));
  }
  const constraints = [['pool', 'LIKE', pool]];
  const queue: MarathonQueueItem[] = [];
  for (const app of input.apps) {
    if (app.waiting > 0) queue.push({ id: app.id, count: app.waiting, overdue: true, timeLeftSeconds: 0, resources: resources({ cpus: app.cpus, mem: app.memMb }), constraints });
  }
  return {
    leaderUrl: `http://10.0.0.${2 + (leader.failovers % 3)}:5050`,
    ...masterInfoOf(leader, version),
    agents,
    recoveredAgentIds,
    tasks,
    marathon: { queue },
  };
}
