import { RESOURCE_NAMES, type ResourceName, type Resources } from './resources.js';

/** One Mesos agent as the master reports it, normalised across Mesos 0.27–1.9. */
export interface MesosAgent {
  id: string;
  /** libprocess UPID, e.g. `slave(1)@10.0.1.108:5051`. */
  pid: string;
  hostname: string;
  /** IPv4 parsed from `pid`; null when the pid carries none. Used to match EC2 private IPs. */
  ip: string | null;
  /** Attribute values as strings (v0 JSON emits numbers for scalar attributes). */
  attributes: Readonly<Record<string, string>>;
  /** Value of the configured pool attribute, `default` when missing. */
  pool: string;
  total: Resources;
  used: Resources;
  offered: Resources;
  /** Resources reserved to any role, summed over roles. */
  reserved: Resources;
  /** False when disconnected or (1.9+) deactivated. */
  active: boolean;
  /** True after DEACTIVATE_AGENT or DRAIN_AGENT (1.9+). */
  deactivated: boolean;
  drainState: 'DRAINING' | 'DRAINED' | null;
  /** Epoch seconds of (re)registration. */
  registeredAt: number;
  version: string | null;
  /** Fault-domain zone, e.g. `aws/eu-central-1c`, when configured (1.4+). */
  zone: string | null;
}

/** Takes new tasks: registered, connected, neither deactivated nor draining. */
export function isUsable(agent: MesosAgent): boolean {
  return agent.active && !agent.deactivated && agent.drainState === null;
}

/** Has resources allocated (to tasks or executors). */
export function hasAllocations(agent: MesosAgent): boolean {
  return RESOURCE_NAMES.some((r) => agent.used[r] !== 0);
}

export type MesosTaskState =
  | 'TASK_STAGING'
  | 'TASK_STARTING'
  | 'TASK_RUNNING'
  | 'TASK_KILLING'
  | 'TASK_UNREACHABLE'
  | (string & {});

/** A non-terminal task (staging, starting, running, killing). */
export interface MesosTask {
  id: string;
  name: string;
  frameworkId: string;
  frameworkName: string;
  agentId: string;
  state: MesosTaskState;
  resources: Resources;
  /** Marathon app id (`/group/app`) when the task id parses as Marathon's, else `<framework>:<task name>`. */
  appId: string;
  /** Epoch seconds of the first status update, when known. */
  startedAt: number | null;
}

export interface MarathonQueueItem {
  /** App or pod id. */
  id: string;
  /** Instances left to launch. */
  count: number;
  /** True: waiting for a matching offer (a capacity signal). False: in launch back-off (crash loop). */
  overdue: boolean;
  timeLeftSeconds: number;
  /** Per-instance resources. */
  resources: Resources;
  /** Raw Marathon constraints, e.g. `[["pool","LIKE","batch"]]`. */
  constraints: ReadonlyArray<ReadonlyArray<string>>;
  /**
   * Resources the last offers lacked (Marathon ≥ 1.4 `rejectSummaryLastOffers`, Insufficient*),
   * most declines first; absent when Marathon does not say.
   */
  shortOf?: readonly ResourceName[];
}

/** What is read of Marathon: its launch queue, the pending demand. */
export interface MarathonState {
  queue: MarathonQueueItem[];
}

/** What `gather` read from the Mesos master (and Marathon, when configured). */
export interface ClusterState {
  /** Base URL of the leading master, e.g. `http://10.0.0.5:5050`. */
  leaderUrl: string;
  masterVersion: string | null;
  /** Epoch seconds the leader was elected, when reported. */
  electedAt: number | null;
  agents: MesosAgent[];
  /** Agents known before a failover that have not re-registered yet (`recovered_slaves`). */
  recoveredAgentIds: string[];
  /** Non-terminal tasks only. */
  tasks: MesosTask[];
  marathon: MarathonState | null;
}
