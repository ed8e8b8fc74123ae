import type { AsgState, InstanceAddress, ScalingActivity } from '../model/asg.js';

/** EC2 Auto Scaling, narrowed to what the autoscaler does. */
export interface AutoScalingPort {
  /** Groups found by name; unknown names are simply absent from the result. */
  describeGroups(names: string[]): Promise<AsgState[]>;
  /** Most recent activities first, at most `limit`. */
  recentActivities(asgName: string, limit: number): Promise<ScalingActivity[]>;
  /** HonorCooldown false: the autoscaler keeps its own cooldowns. */
  setDesiredCapacity(asgName: string, desired: number): Promise<void>;
  /** Terminates one instance and decrements the desired capacity. */
  terminateInstanceAndDecrement(instanceId: string): Promise<void>;
}

export interface InstancePort {
  addresses(instanceIds: string[]): Promise<InstanceAddress[]>;
}

/** One decision's requirement, remembered for the scale-in stabilisation window. */
export interface RequirementRecord {
  /** Epoch ms. */
  at: number;
  /** Usable agents the signals required. */
  agents: number;
  /**
   * Demand in agents of the usual shape at the upper thresholds (running plus waiting work), which
   * does not depend on how many agents are usable: what the trend measures. Absent when it could not be sized.
   */
  demand?: number;
}

/** What the autoscaler remembers per pool between executions (scale-in stabilisation). */
export interface PoolMemory {
  /** Epoch ms since which the record below is unbroken; null when there is none. */
  since: number | null;
  /** Requirements of the recent decisions, oldest first, none older than the stabilisation window. */
  recent: RequirementRecord[];
}

export interface PoolMemoryPort {
  get(pool: string): Promise<PoolMemory | null>;
  put(pool: string, memory: PoolMemory): Promise<void>;
}

/** Step Functions task-token callbacks. */
export interface TaskReporter {
  succeed(taskToken: string, output: unknown): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

/** Source of raw SSM parameters under a path. */
export interface ParameterSource {
  /** Every parameter under `path` (recursive, decrypted): name → value. */
  byPath(path: string): Promise<Map<string, string>>;
}

/** One agent this autoscaler is draining, remembered outside any execution so a crash never strands it. */
export interface DrainRecord {
  pool: string;
  agentId: string;
  instanceId: string;
  hostname: string;
  ip: string;
  /** Step Functions execution that owns the drain (ARN, or a local id in the simulator). */
  executionId: string;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms after which the drain is forced or given up (per configuration). */
  deadline: number;
  mode: 'soft' | 'hard';
}

/** The drains in progress, per pool (DynamoDB items beside the pool memory). */
export interface DrainLedgerPort {
  list(pool: string): Promise<DrainRecord[]>;
  put(record: DrainRecord): Promise<void>;
  remove(pool: string, agentId: string): Promise<void>;
}

/** Whether an execution still runs (Step Functions DescribeExecution). */
export interface ExecutionsPort {
  isRunning(executionId: string): Promise<boolean>;
}

/** One pending lifecycle action of an Auto Scaling group (a lifecycle hook holding an instance). */
export interface LifecycleActionRef {
  asgName: string;
  hookName: string;
  instanceId: string;
  /** The action's token from its event; without it AWS finds the action by instance id. */
  token?: string;
}

/** `done`: AWS took the call. `gone`: no such action is pending any more (completed, or timed out). */
export type LifecycleCallOutcome = 'done' | 'gone';

/** EC2 Auto Scaling lifecycle hooks: hold a terminating instance, then let it go. */
export interface LifecyclePort {
  completeLifecycleAction(action: LifecycleActionRef & { result: 'CONTINUE' | 'ABANDON' }): Promise<LifecycleCallOutcome>;
  /** Restarts the hook's heartbeat timeout. */
  recordHeartbeat(action: LifecycleActionRef): Promise<LifecycleCallOutcome>;
}
