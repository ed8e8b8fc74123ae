/**
 * Contracts of the simulator (DESIGN §6). Virtual time is in seconds from the trace's t = 0;
 * code that works in epoch milliseconds (handlers, ASG activities) sees `EPOCH_MS + t * 1000`.
 */
import type { AsgState, InstanceAddress, ScalingActivity } from '../shared/model/asg.js';
import type { ClusterState } from '../shared/model/cluster.js';
import type { MachineId, MaintenanceWindow } from '../shared/mesos/maintenance-schedule.js';

/** Virtual t = 0 as epoch ms (a fixed instant, so runs are reproducible). */
export const EPOCH_MS = Date.UTC(2026, 0, 5, 0, 0, 0);

/** Virtual seconds as AWS writes a time to the second (Auto Scaling causes, EventBridge events): `2026-01-05T00:02:00Z`. */
export function isoSeconds(t: number): string {
  return new Date(EPOCH_MS + Math.floor(t) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type TaskKind = 'batch' | 'service';

/** One row of a trace: `t_seconds,task_id,app,cpus,mem_mb,duration_s[,kind]`. */
export interface TraceTask {
  t: number;
  id: string;
  app: string;
  cpus: number;
  memMb: number;
  duration: number;
  kind: TaskKind;
  /** 1-based line of the trace file the task came from (set by the parser, for error messages). */
  line?: number;
}

export interface Trace {
  /** File name without directory and extension. */
  name: string;
  /** Sorted by t (the parser rejects unsorted files). */
  tasks: TraceTask[];
}

export const PLACEMENTS = ['random', 'spread', 'binpack'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** The simulated master: 1.9 has the agent drain API; 1.8 only the maintenance primitives (which 1.9 has too). */
export const MESOS_VERSIONS = ['1.9', '1.8'] as const;
export type MesosVersion = (typeof MESOS_VERSIONS)[number];
/** The master's version when the settings name none. */
export const DEFAULT_MESOS_VERSION: MesosVersion = '1.9';

/** The simulated pool: agent shape, boot delay, placement, faults. */
export interface SimSettings {
  agentCpus: number;
  agentMemMb: number;
  bootSeconds: number;
  placement: Placement;
  seed: number;
  /** Probability of injected faults (0 = none); see SimCluster. */
  faults: number;
  /** The pool's ASG bounds (summed over its groups), in capacity units (instances when `instanceWeight` is 1). */
  minSize: number;
  maxSize: number;
  /** Agents registered at t = 0 (no boot), billed from t = 0; the desired capacity starts at initialAgents × instanceWeight. */
  initialAgents: number;
  /**
   * WeightedCapacity of every instance (a whole number 1..999, as AWS allows; 1 when absent): the
   * group counts its desired capacity, min and max in capacity units, each instance this many.
   */
  instanceWeight?: number;
  /** Pool attribute value of every agent. */
  pool: string;
  /** The group's name; with `asgCount` N > 1 the groups are `${asgName}-1` .. `${asgName}-N`. */
  asgName: string;
  /**
   * Auto Scaling groups backing the pool (a whole number 1..10; 1 when absent), each in its own
   * availability zone: `minSize` and `maxSize` are the pool's, split over the groups (the earlier
   * take the remainder), and the initial agents are dealt round robin from the first group.
   */
  asgCount?: number;
  /**
   * HeartbeatTimeout of each group's terminate lifecycle hook (`autoscaling:EC2_INSTANCE_TERMINATING`,
   * DefaultResult CONTINUE); 0 or absent: the groups have no hook.
   */
  lifecycleHookSeconds?: number;
  /** The master's version; 1.9 when absent. */
  mesosVersion?: MesosVersion;
}

/** SimSettings as the cluster runs them: every optional setting given, or its default. */
export type ResolvedSimSettings = SimSettings & Required<Pick<SimSettings, 'instanceWeight' | 'lifecycleHookSeconds' | 'mesosVersion' | 'asgCount'>>;

/** What baselines see each interval (cheap; no JSON). */
export interface Observation {
  /** Virtual seconds. */
  t: number;
  /** The desired capacity summed over the pool's groups, in capacity units (instances × instanceWeight). */
  desired: number;
  /** Instances in the pool's groups, any state but terminated. */
  instances: number;
  inService: number;
  /** Registered agents that take tasks (not draining). */
  registeredAgents: number;
  cpusTotal: number;
  cpusAllocated: number;
  memTotalMb: number;
  memAllocatedMb: number;
  /** Tasks arrived and not started. */
  pendingTasks: number;
  pendingCpus: number;
  /** One per instance counted in `instances`, in launch order (EC2 target tracking leaves instances in warm-up out of its metric). */
  instanceLoads: InstanceLoad[];
}

/** An instance and the cpus of its agent, when the agent is counted in the observation's totals (else 0). */
export interface InstanceLoad {
  /** Virtual seconds it entered InService; null while Pending. */
  inServiceAt: number | null;
  cpusTotal: number;
  cpusAllocated: number;
}

/** An AWS-style API error raised by the simulated cloud (code as AWS spells it). */
export class SimApiError extends Error {
  constructor(
    readonly code: 'ScalingActivityInProgress' | 'ResourceContention' | 'ValidationError' | 'Throttling' | 'ServiceUnavailable',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** The Mesos master could not answer (injected failover, slow or failing call). */
export class SimMesosUnavailable extends Error {
  override readonly name = 'SimMesosUnavailable';
}

/** The master refused an operator call: Mesos's status and plain-text reason (e.g. 400 `Unknown agent`). */
export class SimMesosRejected extends Error {
  override readonly name = 'SimMesosRejected';
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** DRAIN_AGENT's options. */
export interface SimDrainOptions {
  /** Longest SIGTERM-to-SIGKILL time of a task; null when the call leaves it to each task's kill policy. */
  maxGracePeriodSeconds: number | null;
  /** Remove the agent for good once it is drained. */
  markGone: boolean;
}

/** Names a pending lifecycle action, as CompleteLifecycleAction and RecordLifecycleActionHeartbeat do. */
export interface SimLifecycleActionRef {
  asgName: string;
  hookName: string;
  instanceId: string;
  /** AWS finds the action by its token when one is given, else by the instance. */
  token?: string;
}

/**
 * An event EC2 or Auto Scaling sends to EventBridge about an instance of the pool; `time` in virtual
 * seconds. After a spot interruption warning EC2 terminates the instance SPOT_WARNING_SECONDS later.
 */
export type SimCloudEvent =
  | { kind: 'spot-interruption'; instanceId: string; time: number }
  | { kind: 'rebalance-recommendation'; instanceId: string; time: number }
  | { kind: 'terminate-lifecycle-action'; instanceId: string; time: number; asgName: string; hookName: string; token: string };

/** What GET_MASTER tells of the leading master: its version, and when it was elected (epoch seconds). */
export type SimMasterInfo = Pick<ClusterState, 'masterVersion' | 'electedAt'>;

/** `/maintenance/status`: scheduled machines (DRAINING mode) and machines brought down. */
export interface SimMaintenanceStatus {
  drainingMachines: MachineId[];
  downMachines: MachineId[];
}

/** Counters the cluster keeps for the metrics (DESIGN §6), over the window [0, W). */
export interface ClusterMetrics {
  instanceHours: number;
  demandCpuHours: number;
  unmetCpuHours: number;
  pendingSecondsP95: number;
  /** Tasks killed because the autoscaler (or the ASG on its behalf) terminated their agent. */
  tasksKilled: number;
  /** Tasks killed by injected faults (spot interruptions, ...). */
  tasksLostToFaults: number;
  scaleOutActions: number;
  scaleInActions: number;
  /** Peak number of instances (any state) at once. */
  peakInstances: number;
  /** Agents the autoscaler drained, how many drains ended with the instance terminated or were cancelled (agent put back), and how long completed drains took. */
  drainsStarted: number;
  drainsCompleted: number;
  drainsCancelled: number;
  drainSecondsP50: number;
  drainSecondsP95: number;
  /**
   * Terminations the group's lifecycle hook held (Terminating:Wait), how many of them a
   * CompleteLifecycleAction ended and how many timed out (the rest EC2 ended, or still wait), the
   * heartbeats recorded, and the billed instance-hours spent waiting.
   */
  lifecycleActionsStarted: number;
  lifecycleActionsCompleted: number;
  lifecycleActionsTimedOut: number;
  lifecycleHeartbeats: number;
  lifecycleWaitInstanceHours: number;
  /** The master's maintenance schedule at the end: its windows, and the machines in DOWN mode. */
  maintenanceWindowsLeft: number;
  machinesDownLeft: number;
}

/** A point of the time series the HTML report charts (sampled by the engine). */
export interface SeriesPoint {
  t: number;
  demandCpus: number;
  capacityCpus: number;
  instances: number;
  pendingTasks: number;
}

/**
 * A Mesos cluster on a pool of one or more ASGs in virtual time. Deterministic for a seed.
 * `advanceTo` processes every event up to t (arrivals, placements, task ends, boots,
 * terminations); every other method acts at the current time.
 */
export interface SimCluster {
  readonly now: number;
  advanceTo(t: number): void;

  // --- EC2 Auto Scaling and EC2, as AWS behaves (errors as SimApiError) ---
  /** The pool's groups of these names, in pool order, unknown names absent; without names, every group (DescribeAutoScalingGroups). */
  describeGroups(names?: readonly string[]): AsgState[];
  /** The group's activities, newest first, times in epoch ms; none for an unknown group. */
  activities(asgName: string, limit: number): ScalingActivity[];
  /** SetDesiredCapacity on one group; ValidationError for an unknown group, as for a value outside its bounds. */
  setDesiredCapacity(asgName: string, desired: number): void;
  /** TerminateInstanceInAutoScalingGroup: through the group that holds the instance. */
  terminateInstance(instanceId: string, decrementDesired: boolean): void;
  addresses(instanceIds: readonly string[]): InstanceAddress[];
  /** CompleteLifecycleAction on the group `asgName` names: the held termination goes on (CONTINUE and ABANDON alike); ValidationError when none is pending. */
  completeLifecycleAction(action: SimLifecycleActionRef & { result: 'CONTINUE' | 'ABANDON' }): void;
  /** RecordLifecycleActionHeartbeat on the group `asgName` names: restarts the heartbeat timeout, within the global timeout; ValidationError when none is pending. */
  recordLifecycleActionHeartbeat(action: SimLifecycleActionRef): void;
  /** What EC2 and Auto Scaling sent to EventBridge about any group since the last call, oldest first. */
  takeEvents(): SimCloudEvent[];

  // --- Mesos master and Marathon, as they would answer (SimMesosUnavailable when they cannot) ---
  mesos(): ClusterState;
  /** Whether a master leads and answers, as `mesos()` finds out first, without rendering the state. */
  checkLeader(): void;
  /** What GET_MASTER reports of the leader (its version, when it was elected), checked as `checkLeader()` does. */
  masterInfo(): SimMasterInfo;

  // --- Mesos ≥ 1.9 operator calls on one agent (SimMesosUnavailable as for `mesos()`; SimMesosRejected
  // with Mesos's answer when the master refuses, e.g. an unknown agent, or any of them on a 1.8 master) ---
  /** DEACTIVATE_AGENT: the agent keeps its tasks and gets no new ones (`deactivated`, not `active`). */
  deactivateAgent(agentId: string): void;
  /** REACTIVATE_AGENT: back in service; refused unless deactivated, and while still DRAINING. */
  reactivateAgent(agentId: string): void;
  /**
   * DRAIN_AGENT: deactivates the agent and kills its tasks (at once in this model; they count in
   * `tasksKilled`), so it is DRAINING while tasks remain and DRAINED when empty; with `markGone` it
   * then leaves the master for good. An agent that has not re-registered drains when it does.
   */
  drainAgent(agentId: string, options: SimDrainOptions): void;
  /** MARK_AGENT_GONE: the agent leaves the master for good and its tasks are killed; again is a no-op. */
  markAgentGone(agentId: string): void;

  // --- Mesos maintenance primitives (0.25+, every version; errors as for the operator calls). Marathon
  // declines the offers of an agent inside a window of the schedule, so it gets no new task there ---
  /** The schedule as it stands (read-only: it is replaced whole, never changed in place). */
  maintenanceSchedule(): readonly MaintenanceWindow[];
  /** Replaces the whole schedule (Mesos validates it; a DOWN machine must stay in it). */
  updateMaintenanceSchedule(windows: MaintenanceWindow[]): void;
  /** machine/down: scheduled machines only; their agents shut down and their tasks are lost (killed, or lost to the fault ahead of a Spot interruption). */
  machinesDown(machines: MachineId[]): void;
  /** machine/up: DOWN machines only; they leave the schedule, and the agent of an instance still running registers again (a new agent). */
  machinesUp(machines: MachineId[]): void;
  maintenanceStatus(): SimMaintenanceStatus;

  // --- Baselines and metrics ---
  /**
   * The pool's desired capacity, spread balanced over its groups: each instance's worth added goes
   * to the group with the lowest desired capacity below its max, each removed comes from the highest
   * above its min, ties to the earlier group. Each group it changes gets SetDesiredCapacity, in pool
   * order, so a failing call leaves the earlier ones done. ValidationError outside the sums of the
   * groups' bounds.
   */
  setTotalDesired(total: number): void;
  /** What the baselines see: the pool's sums over its groups. */
  observe(): Observation;
  /** Metrics over [0, windowSeconds); call once, after advanceTo(windowSeconds). */
  metrics(windowSeconds: number): ClusterMetrics;
}

/** A baseline: called every interval with what it can see; returns the desired capacity it wants. */
export interface BaselinePolicy {
  readonly name: string;
  decide(observation: Observation): number;
}

/** The JSON of `npm run simulate -- --json FILE` (DESIGN §6). */
export interface SimulationResult extends ClusterMetrics {
  trace: string;
  policy: string;
  windowSeconds: number;
  oracleInstanceHours: number;
  staticPeakInstanceHours: number;
  executions: number;
  stateTransitions: number;
  /** Spot interruption warnings delivered to the interruptions function (autoscaler policy only). */
  interruptionsHandled: number;
  /** Rebalance recommendations delivered to the interruptions function (autoscaler policy only). */
  rebalanceRecommendationsHandled: number;
  /** Events the interruptions function never got done with: moved to the dead-letter queue after 70 receives. */
  interruptionsDeadLettered: number;
  /** The simulated master's version and the group's lifecycle hook (0: none) this run used. */
  mesosVersion: MesosVersion;
  lifecycleHookSeconds: number;
  wallSeconds: number;
}
