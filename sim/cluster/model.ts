import type { MesosTask } from '../../shared/model/cluster.js';
import type { ScalingActivity } from '../../shared/model/asg.js';
import type { SimDrainOptions, TraceTask } from '../types.js';

/** Resources below this are rounding noise of summed fractional cpus, not capacity. */
const EPSILON = 1e-9;

/** One Marathon app (the trace's `app` column), with its waiting tasks counted for Marathon's launch queue. */
export interface AppState {
  /** Marathon app id, e.g. `/u33`. */
  readonly id: string;
  /** The id as Marathon writes it into task ids (`group_app`). */
  readonly safePath: string;
  /** Marathon's task name: the id's segments in reverse, joined with dots. */
  readonly taskName: string;
  /** Largest task of the app in the trace: Marathon's per-instance resources. */
  cpus: number;
  memMb: number;
  waiting: number;
}

export type TaskState = 'future' | 'waiting' | 'running' | 'done' | 'dropped';

/** A trace task on its way through the cluster. */
export interface TaskRun {
  readonly spec: TraceTask;
  /** Position in the trace: the arrival order the waiting queue keeps. */
  readonly index: number;
  readonly app: AppState;
  /** Service tasks end at this fixed time whatever happens; Infinity for batch tasks. */
  readonly fixedEnd: number;
  state: TaskState;
  agent: SimAgent | null;
  startedAt: number;
  /** Starts so far; a task-end event of an earlier run (killed since) is ignored. */
  runs: number;
  /** Start of the current wait, NaN when not waiting. */
  waitingSince: number;
  /** Finished waits as [from, to, from, to, ...] (a kill re-queues a task, so there may be several). */
  readonly waits: number[];
  /** Slot in the waiting queue, -1 when not in it. */
  queueSlot: number;
  /** Waiting but not yet matched against every agent (arrived or re-queued since the last allocation). */
  fresh: boolean;
  /** The Mesos view of the current run, built once per start. */
  mesos: MesosTask | null;
}

/** `Terminating:Wait`: a lifecycle hook holds the termination (the instance still runs and is billed). */
export type LifecycleState = 'Pending' | 'InService' | 'Terminating:Wait' | 'Terminated';

export interface SimInstance {
  readonly id: string;
  readonly privateIp: string;
  /** Billed from here (the launch request). */
  readonly launchedAt: number;
  state: LifecycleState;
  inServiceAt: number | null;
  /** When the group began terminating it: `terminatedAt`, or earlier when a lifecycle hook held it. */
  terminatingAt: number | null;
  terminatedAt: number | null;
  agent: SimAgent | null;
  /** Its launch activity, completed when it enters InService; null for instances present at t = 0. */
  readonly launchActivity: ScalingActivity | null;
}

export interface SimAgent {
  readonly id: string;
  /** Registration order: candidates are always tried in this order, so ties break the same way. */
  readonly seq: number;
  readonly instance: SimInstance;
  readonly cpus: number;
  readonly memMb: number;
  usedCpus: number;
  usedMemMb: number;
  readonly tasks: Set<TaskRun>;
  readonly registeredAt: number;
  /** False once its instance is terminated or it was marked gone. */
  registered: boolean;
  /** DEACTIVATE_AGENT or DRAIN_AGENT: the master sends no offers, so no new tasks. */
  deactivated: boolean;
  /** Set by DRAIN_AGENT (until REACTIVATE_AGENT). */
  drain: SimDrainOptions | null;
  /** Inside a window of the maintenance schedule: Marathon declines its offers, so no new tasks. */
  inMaintenance: boolean;
  /** Not re-registered since a master failover: invisible in the master's state, and sends no offers. */
  offline: boolean;
  /** Its free capacity grew (or it came back) since the last allocation. */
  dirty: boolean;
}

export function takesTasks(agent: SimAgent): boolean {
  return agent.registered && !agent.deactivated && !agent.inMaintenance && !agent.offline;
}

/** DRAINING while a drained agent still has tasks, DRAINED once it has none. */
export function drainStateOf(agent: SimAgent): 'DRAINING' | 'DRAINED' | null {
  if (agent.drain === null) return null;
  return agent.tasks.size === 0 ? 'DRAINED' : 'DRAINING';
}

export function fits(agent: SimAgent, cpus: number, memMb: number): boolean {
  return agent.cpus - agent.usedCpus + EPSILON >= cpus && agent.memMb - agent.usedMemMb + EPSILON >= memMb;
}
