import type { AsgState, InstanceAddress, ScalingActivity } from '../../shared/model/asg.js';
import type { ClusterState, MesosAgent } from '../../shared/model/cluster.js';
import {
  EPOCH_MS,
  SimApiError,
  SimMesosRejected,
  SimMesosUnavailable,
  type ClusterMetrics,
  type Observation,
  type SimCloudEvent,
  type SimCluster,
  type SimLifecycleActionRef,
  type SimMasterInfo,
} from '../../sim/types.js';

/** The maintenance calls of a fake whose tests never make them: each fails the test that does. */
export class NoMaintenance {
  maintenanceSchedule(): never {
    throw new Error('maintenance is not used by the tests of this fake');
  }

  updateMaintenanceSchedule(): never {
    throw new Error('maintenance is not used by the tests of this fake');
  }

  machinesDown(): never {
    throw new Error('maintenance is not used by the tests of this fake');
  }

  machinesUp(): never {
    throw new Error('maintenance is not used by the tests of this fake');
  }

  maintenanceStatus(): never {
    throw new Error('maintenance is not used by the tests of this fake');
  }
}

/**
 * A SimCluster for the local-cloud tests: a pool of one group whose state the test sets directly, AWS-like
 * validation in the mutating calls, and switches for the faults the endpoints must translate.
 */
export class FakeCluster extends NoMaintenance implements SimCluster {
  now = 0;
  group: AsgState;
  /** Newest first. */
  activityLog: ScalingActivity[] = [];
  addressBook = new Map<string, InstanceAddress>();
  /** Thrown (once) by the next mutating call. */
  nextError: SimApiError | null = null;
  mesosState: ClusterState | null = null;
  mesosDown = false;
  mesosCalls = 0;
  /** Pending lifecycle actions (instance id → token), and the calls made on them. */
  pendingActions = new Map<string, string>();
  lifecycleCalls: Array<[string, SimLifecycleActionRef]> = [];

  constructor(group: AsgState) {
    super();
    this.group = group;
  }

  advanceTo(t: number): void {
    this.now = t;
  }

  describeGroups(names?: readonly string[]): AsgState[] {
    return names === undefined || names.includes(this.group.name) ? [structuredClone(this.group)] : [];
  }

  activities(asgName: string, limit: number): ScalingActivity[] {
    return asgName === this.group.name ? this.activityLog.slice(0, limit) : [];
  }

  setDesiredCapacity(asgName: string, desired: number): void {
    if (asgName !== this.group.name) throw new SimApiError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup '${asgName}' not found`);
    this.throwInjected();
    if (desired > this.group.maxSize) {
      throw new SimApiError('ValidationError', `New SetDesiredCapacity value ${desired} is above max value ${this.group.maxSize} for the AutoScalingGroup.`);
    }
    if (desired < this.group.minSize) {
      throw new SimApiError('ValidationError', `New SetDesiredCapacity value ${desired} is below min value ${this.group.minSize} for the AutoScalingGroup.`);
    }
    this.group.desiredCapacity = desired;
  }

  terminateInstance(instanceId: string, decrementDesired: boolean): void {
    this.throwInjected();
    const instance = this.group.instances.find((i) => i.instanceId === instanceId);
    if (!instance) throw new SimApiError('ValidationError', `Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
    instance.lifecycleState = 'Terminating';
    if (decrementDesired) this.group.desiredCapacity -= 1;
    this.activityLog.unshift({
      activityId: `act-terminate-${instanceId}`,
      description: `Terminating EC2 instance: ${instanceId}`,
      cause: 'user request',
      startTime: EPOCH_MS + this.now * 1000,
      endTime: null,
      statusCode: 'InProgress',
    });
  }

  addresses(instanceIds: readonly string[]): InstanceAddress[] {
    return instanceIds.flatMap((id) => {
      const address = this.addressBook.get(id);
      return address ? [address] : [];
    });
  }

  completeLifecycleAction(action: SimLifecycleActionRef & { result: 'CONTINUE' | 'ABANDON' }): void {
    this.pendingAction(action);
    this.pendingActions.delete(action.instanceId);
    this.lifecycleCalls.push([`complete ${action.result}`, action]);
  }

  recordLifecycleActionHeartbeat(action: SimLifecycleActionRef): void {
    this.pendingAction(action);
    this.lifecycleCalls.push(['heartbeat', action]);
  }

  takeEvents(): SimCloudEvent[] {
    return [];
  }

  checkLeader(): void {
    this.mesosCalls += 1;
    if (this.mesosDown) throw new SimMesosUnavailable('failover in progress');
  }

  mesos(): ClusterState {
    this.checkLeader();
    if (this.mesosState === null) throw new Error('the test set no Mesos state');
    return structuredClone(this.mesosState);
  }

  masterInfo(): SimMasterInfo {
    const { masterVersion, electedAt } = this.mesos();
    return { masterVersion, electedAt };
  }

  deactivateAgent(agentId: string): void {
    Object.assign(this.agent(agentId), { active: false, deactivated: true });
  }

  reactivateAgent(agentId: string): void {
    Object.assign(this.agent(agentId), { active: true, deactivated: false, drainState: null });
  }

  drainAgent(agentId: string): void {
    Object.assign(this.agent(agentId), { active: false, deactivated: true, drainState: 'DRAINING' });
  }

  markAgentGone(agentId: string): void {
    this.agent(agentId);
    this.mesosState!.agents = this.mesosState!.agents.filter((a) => a.id !== agentId);
  }

  setTotalDesired(): never {
    throw new Error('setTotalDesired is not used by the local cloud');
  }

  observe(): Observation {
    throw new Error('observe is not used by the local cloud');
  }

  metrics(): ClusterMetrics {
    throw new Error('metrics are not used by the local cloud');
  }

  /** An agent of the state the test set, for the operator calls (which keep the Mesos faults). */
  private agent(agentId: string): MesosAgent {
    this.mesos();
    const agent = this.mesosState!.agents.find((a) => a.id === agentId);
    if (agent === undefined) throw new SimMesosRejected(400, 'Unknown agent');
    return agent;
  }

  private pendingAction(action: SimLifecycleActionRef): void {
    const token = this.pendingActions.get(action.instanceId);
    if (token === undefined || (action.token !== undefined && action.token !== token)) {
      throw new SimApiError('ValidationError', `No active Lifecycle Action found with instance ID ${action.instanceId}`);
    }
  }

  private throwInjected(): void {
    const error = this.nextError;
    this.nextError = null;
    if (error) throw error;
  }
}
