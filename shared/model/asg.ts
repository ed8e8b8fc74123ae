/** The slice of an EC2 Auto Scaling group the autoscaler uses. */
export interface AsgInstance {
  instanceId: string;
  availabilityZone: string;
  /** `Pending`, `InService`, `Terminating`, `Terminating:Wait`, ... */
  lifecycleState: string;
  healthStatus: string;
  protectedFromScaleIn: boolean;
  /** ASG WeightedCapacity (a string on the wire), 1 when absent. */
  weight: number;
  instanceType: string | null;
}

export interface AsgState {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instances: AsgInstance[];
  /** Names of suspended processes, e.g. `Terminate`, `Launch`. */
  suspendedProcesses: string[];
  tags: Readonly<Record<string, string>>;
}

/** A scaling activity from DescribeScalingActivities. */
export interface ScalingActivity {
  activityId: string;
  description: string;
  cause: string;
  /** Epoch ms. */
  startTime: number;
  /** Epoch ms, null while in progress. */
  endTime: number | null;
  statusCode: string;
}

/** EC2 instance network identity used to match Mesos agents (by private IP). */
export interface InstanceAddress {
  instanceId: string;
  privateIp: string | null;
  privateDnsName: string | null;
  /**
   * Epoch ms EC2 launched the instance (DescribeInstances LaunchTime); absent when not reported.
   * It stands in for the time the instance went InService, which no API reports.
   */
  launchedAt?: number;
}
