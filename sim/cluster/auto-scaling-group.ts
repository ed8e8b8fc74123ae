import type { AsgState, InstanceAddress, ScalingActivity } from '../../shared/model/asg.js';
import type { Random } from '../random.js';
import { EPOCH_MS, SimApiError, type ResolvedSimSettings, type SimCloudEvent, type SimLifecycleActionRef } from '../types.js';
import {
  launchDescription,
  launchForDesiredChange,
  launchReplacement,
  terminateByUser,
  terminateDescription,
  terminateForDesiredChange,
  terminateForHealthCheck,
  terminateForSpotInterruption,
} from './activity-text.js';
import type { EventQueue } from './event-queue.js';
import { SPOT_WARNING_SECONDS, type FaultInjector } from './faults.js';
import type { SimInstance } from './model.js';
import type { GroupSpec } from './pool-groups.js';

/** An instance is InService this long after launch (or at boot, if it boots faster). */
const PENDING_SECONDS = 30;
const BILLING_HOUR = 3600;
/** Billing positions closer than this are a tie. */
const TIE_SECONDS = 1e-6;
/** The name serverless.yml gives the hook (`<service>-<stage>-drain`). */
export const LIFECYCLE_HOOK_NAME = 'mesos-autoscaler-sim-drain';
/** AWS bounds a hook's HeartbeatTimeout to 30..7200 s, and its global timeout to 100 heartbeats or 48 h. */
export const HEARTBEAT_SECONDS = { min: 30, max: 7200 } as const;
const MAX_GLOBAL_TIMEOUT_SECONDS = 48 * 3600;
/** The activity status AWS shows while a lifecycle hook holds a termination. */
const WAITING_STATUS = 'WaitingForTerminateLifecycleAction';

/** The group's terminate lifecycle hook (`autoscaling:EC2_INSTANCE_TERMINATING`, DefaultResult CONTINUE, as serverless.yml sets it). */
interface TerminateHook {
  name: string;
  heartbeatSeconds: number;
  /** min(100 × heartbeatSeconds, 48 h): no heartbeat holds an instance longer. */
  globalTimeoutSeconds: number;
}

/** The terminate hook of `heartbeatSeconds`; null for 0. */
function terminateHook(heartbeatSeconds: number): TerminateHook | null {
  if (heartbeatSeconds === 0) return null;
  return { name: LIFECYCLE_HOOK_NAME, heartbeatSeconds, globalTimeoutSeconds: Math.min(100 * heartbeatSeconds, MAX_GLOBAL_TIMEOUT_SECONDS) };
}

/** Who ended an instance: an API call (or the group acting on one), or EC2 (an injected spot interruption). */
export type TerminationCause = 'request' | 'spot-interruption';

/** A termination the lifecycle hook holds; times in virtual seconds. */
interface LifecycleAction {
  readonly token: string;
  readonly globalDeadline: number;
  heartbeatDeadline: number;
  readonly cause: TerminationCause;
  /** The termination's activity, WaitingForTerminateLifecycleAction until the instance is gone. */
  readonly activity: ScalingActivity;
}

export interface LifecycleCounts {
  started: number;
  completed: number;
  timedOut: number;
  heartbeats: number;
}

export interface AsgHooks {
  /** The instance finished booting and registers as a Mesos agent. */
  registered(instance: SimInstance): void;
  /** The instance was terminated (its agent, if any, is gone with it). */
  terminated(instance: SimInstance, cause: TerminationCause): void;
  /** EC2 or Auto Scaling sent an event to EventBridge. */
  sent(event: SimCloudEvent): void;
  /** The group's instances changed (launched, terminating or gone). */
  resized(): void;
}

/**
 * How many instances, activities and lifecycle actions the account has had: the numbers behind
 * their ids, shared by every group so that no id repeats across the pool.
 */
export interface AccountSequences {
  instances: number;
  activities: number;
  lifecycleActions: number;
}

export interface AsgOptions {
  /** The pool's settings: boot time, instance weight, lifecycle hook. */
  settings: ResolvedSimSettings;
  /** Which group of the pool this is. */
  group: GroupSpec;
  ids: AccountSequences;
  events: EventQueue;
  now: () => number;
  /** Breaks ties of the default termination policy. */
  random: Random;
  faults: FaultInjector;
  hooks: AsgHooks;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** 10.x.y.z private addresses, last octet 4..253 as in an AWS subnet, unique per instance. */
function privateIp(n: number): string {
  return `10.${1 + Math.floor(n / 62_500)}.${Math.floor(n / 250) % 250}.${4 + (n % 250)}`;
}

export function privateDnsName(ip: string): string {
  return `ip-${ip.replaceAll('.', '-')}.ec2.internal`;
}

/** AWS's answer to a termination of an instance no group manages. */
export function instanceNotFound(instanceId: string): SimApiError {
  return new SimApiError('ValidationError', `Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
}

/** AWS's answer to a lifecycle call that names no pending action. */
export function noActiveLifecycleAction(ref: SimLifecycleActionRef): SimApiError {
  return new SimApiError('ValidationError', ref.token === undefined ? `No active Lifecycle Action found with instance ID ${ref.instanceId}` : `No active Lifecycle Action found with token ${ref.token}`);
}

/**
 * One EC2 Auto Scaling group of the pool, in a single AZ with one launch template, as AWS runs it:
 * launches are billed from the request, Pending then InService; lowering the desired capacity
 * terminates what the default termination policy picks (closest to the next billing hour, ties at
 * random); activities carry AWS's wording; errors are AWS's codes and messages.
 *
 * With `instanceWeight` N every instance carries WeightedCapacity N and the desired capacity, min
 * and max are capacity units: the group launches until its instances hold at least the desired
 * capacity (overshooting it by less than one instance, as AWS does), terminates only while the rest
 * still hold it, and a terminating call that decrements takes N units off.
 *
 * With a terminate lifecycle hook every termination the group makes (a user request, a lower
 * desired capacity, a Spot interruption notice) first holds the instance in Terminating:Wait,
 * running and billed, and sends the hook's event, until CompleteLifecycleAction or the heartbeat
 * timeout (within the global timeout); only then is it terminated and, if the group is short,
 * replaced. EC2 ends an interrupted instance at its time whatever the hook. EC2 and Auto Scaling
 * events (Spot warnings, rebalance recommendations, lifecycle actions) go to `hooks.sent`.
 */
export class SimAutoScalingGroup {
  /** Capacity units. */
  desired: number;
  /** WeightedCapacity of every instance. */
  readonly weight: number;
  /** Instances not terminated, in launch order. */
  readonly instances: SimInstance[] = [];
  /** When SetDesiredCapacity raised / lowered the desired capacity, and decrementing terminations. */
  readonly scaleOutTimes: number[] = [];
  readonly scaleInTimes: number[] = [];
  readonly name: string;
  /** Capacity units. */
  readonly minSize: number;
  readonly maxSize: number;

  private readonly everInstance = new Map<string, SimInstance>();
  /** Oldest first. */
  private readonly log: ScalingActivity[] = [];
  /** Instances warned of a spot interruption. */
  private readonly warned = new Set<SimInstance>();
  private readonly hook: TerminateHook | null;
  /** Terminations the hook holds, by instance (every one is in Terminating:Wait). */
  private readonly waiting = new Map<SimInstance, LifecycleAction>();
  readonly lifecycle: LifecycleCounts = { started: 0, completed: 0, timedOut: 0, heartbeats: 0 };

  constructor(private readonly o: AsgOptions) {
    this.name = o.group.name;
    this.minSize = o.group.minSize;
    this.maxSize = o.group.maxSize;
    this.weight = o.settings.instanceWeight;
    this.desired = o.group.initialAgents * this.weight;
    this.hook = terminateHook(o.settings.lifecycleHookSeconds);
  }

  /** Capacity units that count towards the desired capacity: the instances not being terminated, each its weight. */
  private get active(): number {
    return (this.instances.length - this.waiting.size) * this.weight;
  }

  /** The group's initial instances, at t = 0: InService and registered, billed from 0, no launch activity. */
  startWith(): void {
    for (let i = 0; i < this.o.group.initialAgents; i++) {
      const instance = this.newInstance(0, null);
      instance.state = 'InService';
      instance.inServiceAt = 0;
      this.o.hooks.registered(instance);
    }
    this.logSize();
  }

  setDesiredCapacity(desired: number): void {
    const { minSize, maxSize } = this;
    if (!Number.isInteger(desired)) throw new SimApiError('ValidationError', `DesiredCapacity must be an integer, got ${desired}.`);
    if (desired < 0) {
      throw new SimApiError('ValidationError', `1 validation error detected: Value '${desired}' at 'desiredCapacity' failed to satisfy constraint: Member must have value greater than or equal to 0`);
    }
    if (desired > maxSize) throw new SimApiError('ValidationError', `New SetDesiredCapacity value ${desired} is above max value ${maxSize} for the AutoScalingGroup.`);
    if (desired < minSize) throw new SimApiError('ValidationError', `New SetDesiredCapacity value ${desired} is below min value ${minSize} for the AutoScalingGroup.`);
    this.injectConflict();
    const from = this.desired;
    if (desired === from) return;
    const now = this.o.now();
    this.desired = desired;
    if (desired > from) {
      this.scaleOutTimes.push(now);
      while (this.active < desired) this.launch(launchForDesiredChange(now, from, desired));
    } else {
      this.scaleInTimes.push(now);
      while (this.active - this.weight >= desired) {
        const victim = this.pickForScaleIn(now);
        this.startTermination(victim, terminateForDesiredChange(now, from, desired, victim.id), 'request');
      }
    }
    this.logSize();
  }

  terminateInstance(instanceId: string, decrementDesired: boolean): void {
    const instance = this.everInstance.get(instanceId);
    if (instance === undefined || instance.state === 'Terminated') throw instanceNotFound(instanceId);
    const held = this.waiting.get(instance);
    if (held !== undefined) throw new SimApiError('ScalingActivityInProgress', `Scaling activity ${held.activity.activityId} is in progress and blocks this action.`);
    if (instance.state !== 'InService') {
      // Its launch is still in progress (only instances launched by the group can be Pending).
      throw new SimApiError('ScalingActivityInProgress', `Scaling activity ${instance.launchActivity!.activityId} is in progress and blocks this action.`);
    }
    const { minSize } = this;
    if (decrementDesired && this.desired - this.weight < minSize) {
      const state = this.desired === minSize ? `Currently, desiredSize equals minSize (${minSize}). ` : '';
      throw new SimApiError(
        'ValidationError',
        `${state}Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
      );
    }
    this.injectConflict();
    const now = this.o.now();
    const from = this.desired;
    if (decrementDesired) {
      this.desired -= this.weight;
      this.scaleInTimes.push(now);
    }
    this.startTermination(instance, terminateByUser(now, instanceId, decrementDesired ? { from, to: this.desired } : null), 'request');
    this.logSize();
  }

  /** CompleteLifecycleAction: CONTINUE and ABANDON both let a terminating instance go. */
  completeLifecycleAction(ref: SimLifecycleActionRef): void {
    const { instance, action } = this.pendingAction(ref);
    this.lifecycle.completed += 1;
    this.finishTermination(instance, action.cause);
    this.logSize();
  }

  /** RecordLifecycleActionHeartbeat: the heartbeat timeout starts again, never beyond the global timeout. */
  recordLifecycleActionHeartbeat(ref: SimLifecycleActionRef): void {
    const { instance, action } = this.pendingAction(ref);
    const hook = this.hook!;
    this.lifecycle.heartbeats += 1;
    action.heartbeatDeadline = Math.min(this.o.now() + hook.heartbeatSeconds, action.globalDeadline);
    this.scheduleTimeout(instance, action);
  }

  describe(): AsgState {
    const { zone } = this.o.group;
    return {
      name: this.name,
      minSize: this.minSize,
      maxSize: this.maxSize,
      desiredCapacity: this.desired,
      instances: this.instances.map((i) => ({
        instanceId: i.id,
        availabilityZone: zone,
        lifecycleState: i.state,
        healthStatus: 'Healthy',
        protectedFromScaleIn: false,
        weight: this.weight,
        instanceType: null,
      })),
      suspendedProcesses: [],
      tags: {},
    };
  }

  /** Newest first, as DescribeScalingActivities returns them. */
  activities(limit: number): ScalingActivity[] {
    const out: ScalingActivity[] = [];
    for (let i = this.log.length - 1; i >= 0 && out.length < limit; i--) out.push({ ...this.log[i]! });
    return out;
  }

  /** Whether the group ever launched the instance (terminated ones included). */
  launchedInstance(instanceId: string): boolean {
    return this.everInstance.has(instanceId);
  }

  /** Like DescribeInstances: a terminated instance has no address any more; undefined for an instance the group never had. */
  address(instanceId: string): InstanceAddress | undefined {
    const instance = this.everInstance.get(instanceId);
    if (instance === undefined) return undefined;
    const live = instance.state !== 'Terminated';
    return {
      instanceId,
      privateIp: live ? instance.privateIp : null,
      privateDnsName: live ? privateDnsName(instance.privateIp) : null,
      // EC2 LaunchTime, which the autoscaler uses to tell a stuck instance from a booting one.
      launchedAt: EPOCH_MS + instance.launchedAt * 1000,
    };
  }

  /** The instance has received a Spot interruption warning. */
  isWarned(instance: SimInstance): boolean {
    return this.warned.has(instance);
  }

  /** Every instance ever launched (terminated ones included), for billing. */
  allInstances(): Iterable<SimInstance> {
    return this.everInstance.values();
  }

  private injectConflict(): void {
    if (!this.o.faults.apiCallFails()) return;
    const latest = this.log[this.log.length - 1];
    const id = latest?.activityId ?? activityId(this.o.ids.activities + 1);
    throw new SimApiError('ScalingActivityInProgress', `Scaling activity ${id} is in progress and blocks this action.`);
  }

  private launch(cause: string): void {
    const now = this.o.now();
    const { bootSeconds } = this.o.settings;
    const registers = !this.o.faults.instanceNeverRegisters();
    const id = instanceId(this.o.ids.instances + 1);
    const activity = this.record(launchDescription(id), cause, now, null, 'InProgress');
    const instance = this.newInstance(now, activity);
    this.o.events.schedule(now + Math.min(PENDING_SECONDS, bootSeconds), () => {
      if (instance.state !== 'Pending') return;
      const t = this.o.now();
      instance.state = 'InService';
      instance.inServiceAt = t;
      activity.statusCode = 'Successful';
      activity.endTime = EPOCH_MS + t * 1000;
    });
    if (registers) {
      this.o.events.schedule(now + bootSeconds, () => {
        if (instance.state !== 'Terminated') this.o.hooks.registered(instance);
      });
    }
  }

  private newInstance(now: number, launchActivity: ScalingActivity | null): SimInstance {
    const n = this.o.ids.instances++;
    const instance: SimInstance = {
      id: instanceId(n + 1),
      privateIp: privateIp(n),
      launchedAt: now,
      state: 'Pending',
      inServiceAt: null,
      terminatingAt: null,
      terminatedAt: null,
      agent: null,
      launchActivity,
    };
    this.instances.push(instance);
    this.everInstance.set(instance.id, instance);
    this.scheduleSpotInterruption(instance);
    return instance;
  }

  /**
   * Injected faults: a warning at a random time of the instance's life, then EC2 ends it
   * SPOT_WARNING_SECONDS later; some warnings are preceded by a rebalance recommendation.
   */
  private scheduleSpotInterruption(instance: SimInstance): void {
    const after = this.o.faults.spotWarningAfter();
    if (!Number.isFinite(after)) return;
    const lead = this.o.faults.rebalanceLeadSeconds();
    if (lead < after) {
      this.o.events.schedule(instance.launchedAt + after - lead, () => {
        if (instance.state !== 'Terminated') this.o.hooks.sent({ kind: 'rebalance-recommendation', instanceId: instance.id, time: this.o.now() });
      });
    }
    this.o.events.schedule(instance.launchedAt + after, () => {
      if (instance.state === 'Terminated') return;
      const now = this.o.now();
      const terminateAt = now + SPOT_WARNING_SECONDS;
      this.warned.add(instance);
      this.o.hooks.sent({ kind: 'spot-interruption', instanceId: instance.id, time: now });
      // The group acts on the notice at once: its hook runs, though EC2 will not wait for it.
      if (this.hook !== null && !this.waiting.has(instance)) {
        this.startTermination(instance, terminateForSpotInterruption(now), 'spot-interruption');
        this.logSize();
      }
      this.o.events.schedule(terminateAt, () => this.interrupt(instance));
    });
  }

  /** EC2 takes the instance; the group sees it fail its health check and launches a replacement (desired unchanged). */
  private interrupt(instance: SimInstance): void {
    if (instance.state === 'Terminated') return;
    const now = this.o.now();
    if (!this.waiting.has(instance)) this.record(terminateDescription(instance.id), terminateForHealthCheck(now), now, now, 'Successful');
    this.finishTermination(instance, 'spot-interruption');
    this.logSize();
  }

  /** The group terminates the instance: at once, or once the lifecycle hook lets it go. */
  private startTermination(instance: SimInstance, cause: string, by: TerminationCause): void {
    const now = this.o.now();
    const hook = this.hook;
    if (hook === null) {
      this.record(terminateDescription(instance.id), cause, now, now, 'Successful');
      this.finishTermination(instance, by);
      return;
    }
    const activity = this.record(terminateDescription(instance.id), cause, now, null, WAITING_STATUS);
    const action: LifecycleAction = {
      token: actionToken(++this.o.ids.lifecycleActions),
      globalDeadline: now + hook.globalTimeoutSeconds,
      heartbeatDeadline: now + hook.heartbeatSeconds,
      cause: by,
      activity,
    };
    this.lifecycle.started += 1;
    instance.state = 'Terminating:Wait';
    instance.terminatingAt = now;
    this.waiting.set(instance, action);
    this.o.hooks.sent({ kind: 'terminate-lifecycle-action', instanceId: instance.id, time: now, asgName: this.name, hookName: hook.name, token: action.token });
    this.scheduleTimeout(instance, action);
  }

  /** At the heartbeat deadline (unless a heartbeat moved it since) the hook's DefaultResult, CONTINUE, applies. */
  private scheduleTimeout(instance: SimInstance, action: LifecycleAction): void {
    this.o.events.schedule(action.heartbeatDeadline, () => {
      if (this.waiting.get(instance) !== action || this.o.now() < action.heartbeatDeadline) return;
      this.lifecycle.timedOut += 1;
      this.finishTermination(instance, action.cause);
      this.logSize();
    });
  }

  /** The pending action `ref` names, or AWS's ValidationError. */
  private pendingAction(ref: SimLifecycleActionRef): { instance: SimInstance; action: LifecycleAction } {
    const instance = this.everInstance.get(ref.instanceId);
    const action = instance === undefined ? undefined : this.waiting.get(instance);
    const matches = action !== undefined && ref.asgName === this.name && ref.hookName === this.hook?.name && (ref.token === undefined || ref.token === action.token);
    if (!matches) throw noActiveLifecycleAction(ref);
    return { instance: instance!, action: action! };
  }

  /** The instance is gone; a group left short of its desired capacity launches a replacement. */
  private finishTermination(instance: SimInstance, cause: TerminationCause): void {
    const now = this.o.now();
    const action = this.waiting.get(instance);
    if (action !== undefined) {
      this.waiting.delete(instance);
      action.activity.statusCode = 'Successful';
      action.activity.endTime = EPOCH_MS + now * 1000;
    }
    instance.state = 'Terminated';
    instance.terminatingAt ??= now;
    instance.terminatedAt = now;
    this.warned.delete(instance);
    this.instances.splice(this.instances.indexOf(instance), 1);
    const launch = instance.launchActivity;
    if (launch !== null && launch.statusCode === 'InProgress') {
      launch.statusCode = 'Cancelled';
      launch.endTime = EPOCH_MS + now * 1000;
    }
    this.o.hooks.terminated(instance, cause);
    while (this.active < this.desired) this.launch(launchReplacement(now, this.active, this.active + this.weight));
  }

  /** The default termination policy within one AZ and launch template: closest to the next billing hour. */
  private pickForScaleIn(now: number): SimInstance {
    let closest: SimInstance[] = [];
    let closestLeft = Infinity;
    for (const instance of this.instances) {
      if (this.waiting.has(instance)) continue;
      const left = BILLING_HOUR - ((now - instance.launchedAt) % BILLING_HOUR);
      if (left < closestLeft - TIE_SECONDS) {
        closest = [instance];
        closestLeft = left;
      } else if (left <= closestLeft + TIE_SECONDS) {
        closest.push(instance);
      }
    }
    return closest.length === 1 ? closest[0]! : closest[this.o.random.int(closest.length)]!;
  }

  private record(description: string, cause: string, start: number, end: number | null, statusCode: string): ScalingActivity {
    const activity: ScalingActivity = {
      activityId: activityId(++this.o.ids.activities),
      description,
      cause,
      startTime: EPOCH_MS + start * 1000,
      endTime: end === null ? null : EPOCH_MS + end * 1000,
      statusCode,
    };
    this.log.push(activity);
    return activity;
  }

  private logSize(): void {
    this.o.hooks.resized();
  }
}

function instanceId(n: number): string {
  return `i-${hex(n, 17)}`;
}

/** A LifecycleActionToken (a UUID in AWS), unique per action and the same in every replay. */
function actionToken(n: number): string {
  return `${hex(n, 8)}-7a1c-4e0b-8d3f-${hex(n, 12)}`;
}

function activityId(n: number): string {
  return `${hex(n, 8)}-5e1a-4c7b-9d2e-${hex(n, 12)}`;
}
