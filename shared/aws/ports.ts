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

/** What the autoscaler remembers per pool between executions (scale-in stabilisation). */
export interface PoolMemory {
  /** Epoch ms since which scale-in has been wanted continuously, or null. */
  scaleInWantedSince: number | null;
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
