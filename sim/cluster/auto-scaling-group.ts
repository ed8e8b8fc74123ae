import type { AsgState, InstanceAddress, ScalingActivity } from '../../shared/model/asg.js';
import type { Random } from '../random.js';
import { EPOCH_MS, SimApiError, type SimSettings } from '../types.js';
import {
  launchDescription,
  launchForDesiredChange,
  launchReplacement,
  terminateByUser,
  terminateDescription,
  terminateForDesiredChange,
  terminateForHealthCheck,
} from './activity-text.js';
import type { EventQueue } from './event-queue.js';
import { SPOT_WARNING_SECONDS, type FaultInjector } from './faults.js';
import type { SimInstance } from './model.js';

/** An instance is InService this long after launch (or at boot, if it boots faster). */
const PENDING_SECONDS = 30;
const BILLING_HOUR = 3600;
/** Billing positions closer than this are a tie. */
const TIE_SECONDS = 1e-6;
const ZONE = 'us-east-1a';

/** Who ended an instance: an API call (or the group acting on one), or EC2 (an injected spot interruption). */
export type TerminationCause = 'request' | 'spot-interruption';

/** A spot interruption warning given and not yet carried out; `terminateAt` in virtual seconds. */
export interface PendingInterruption {
  instanceId: string;
  terminateAt: number;
}

export interface AsgHooks {
  /** The instance finished booting and registers as a Mesos agent. */
  registered(instance: SimInstance): void;
  /** The instance was terminated (its agent, if any, is gone with it). */
  terminated(instance: SimInstance, cause: TerminationCause): void;
}

export interface AsgOptions {
  settings: SimSettings;
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

/**
 * One EC2 Auto Scaling group in a single AZ with one launch template, as AWS runs it: launches
 * are billed from the request, Pending then InService; lowering the desired capacity terminates
 * what the default termination policy picks (closest to the next billing hour, ties at random);
 * activities carry AWS's wording; errors are AWS's codes and messages.
 */
export class SimAutoScalingGroup {
  desired: number;
  /** Instances not terminated, in launch order. */
  readonly instances: SimInstance[] = [];
  /** When SetDesiredCapacity raised / lowered the desired capacity, and decrementing terminations. */
  readonly scaleOutTimes: number[] = [];
  readonly scaleInTimes: number[] = [];
  /** Flat [t, instances, t, instances, ...] after every change, for the peak. */
  readonly sizeLog: number[] = [];

  private readonly everInstance = new Map<string, SimInstance>();
  /** Oldest first. */
  private readonly log: ScalingActivity[] = [];
  private launched = 0;
  /** Instances warned of a spot interruption → when EC2 takes them. */
  private readonly warned = new Map<SimInstance, number>();

  constructor(private readonly o: AsgOptions) {
    this.desired = o.settings.initialAgents;
  }

  /** Instances that exist at t = 0: InService and registered, billed from 0, no launch activity. */
  startWith(count: number): void {
    for (let i = 0; i < count; i++) {
      const instance = this.newInstance(0, null);
      instance.state = 'InService';
      instance.inServiceAt = 0;
      this.o.hooks.registered(instance);
    }
    this.logSize();
  }

  setDesiredCapacity(desired: number): void {
    const { minSize, maxSize } = this.o.settings;
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
      while (this.instances.length < desired) this.launch(launchForDesiredChange(now, from, desired));
    } else {
      this.scaleInTimes.push(now);
      while (this.instances.length > desired) {
        const victim = this.pickForScaleIn(now);
        this.record(terminateDescription(victim.id), terminateForDesiredChange(now, from, desired, victim.id), now, now, 'Successful');
        this.terminate(victim);
      }
    }
    this.logSize();
  }

  terminateInstance(instanceId: string, decrementDesired: boolean): void {
    const instance = this.everInstance.get(instanceId);
    if (instance === undefined || instance.state === 'Terminated') {
      throw new SimApiError('ValidationError', `Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
    }
    if (instance.state !== 'InService') {
      // Its launch is still in progress (only instances launched by the group can be Pending).
      throw new SimApiError('ScalingActivityInProgress', `Scaling activity ${instance.launchActivity!.activityId} is in progress and blocks this action.`);
    }
    const { minSize } = this.o.settings;
    if (decrementDesired && this.desired - 1 < minSize) {
      throw new SimApiError(
        'ValidationError',
        `Currently, desiredSize equals minSize (${minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
      );
    }
    this.injectConflict();
    const now = this.o.now();
    const from = this.desired;
    if (decrementDesired) {
      this.desired -= 1;
      this.scaleInTimes.push(now);
    }
    this.record(terminateDescription(instanceId), terminateByUser(now, instanceId, decrementDesired ? { from, to: from - 1 } : null), now, now, 'Successful');
    this.terminate(instance);
    if (!decrementDesired) this.launch(launchReplacement(now, from - 1, from));
    this.logSize();
  }

  describe(): AsgState {
    const { settings } = this.o;
    return {
      name: settings.asgName,
      minSize: settings.minSize,
      maxSize: settings.maxSize,
      desiredCapacity: this.desired,
      instances: this.instances.map((i) => ({
        instanceId: i.id,
        availabilityZone: ZONE,
        lifecycleState: i.state,
        healthStatus: 'Healthy',
        protectedFromScaleIn: false,
        weight: 1,
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

  /** Like DescribeInstances: terminated instances have no address any more; unknown ids are left out. */
  addresses(instanceIds: readonly string[]): InstanceAddress[] {
    const out: InstanceAddress[] = [];
    for (const instanceId of instanceIds) {
      const instance = this.everInstance.get(instanceId);
      if (instance === undefined) continue;
      const live = instance.state !== 'Terminated';
      out.push({
        instanceId,
        privateIp: live ? instance.privateIp : null,
        privateDnsName: live ? privateDnsName(instance.privateIp) : null,
        // EC2 LaunchTime, which the autoscaler uses to tell a stuck instance from a booting one.
        launchedAt: EPOCH_MS + instance.launchedAt * 1000,
      });
    }
    return out;
  }

  /** Spot interruption warnings outstanding, earliest end first. */
  /** The instance has received a Spot interruption warning. */
  isWarned(instance: SimInstance): boolean {
    return this.warned.has(instance);
  }

  pendingInterruptions(): PendingInterruption[] {
    return [...this.warned]
      .map(([instance, terminateAt]) => ({ instanceId: instance.id, terminateAt }))
      .sort((a, b) => a.terminateAt - b.terminateAt || (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  }

  /** Every instance ever launched (terminated ones included), for billing. */
  allInstances(): Iterable<SimInstance> {
    return this.everInstance.values();
  }

  private injectConflict(): void {
    if (!this.o.faults.apiCallFails()) return;
    const latest = this.log[this.log.length - 1];
    const id = latest?.activityId ?? activityId(this.log.length + 1);
    throw new SimApiError('ScalingActivityInProgress', `Scaling activity ${id} is in progress and blocks this action.`);
  }

  private launch(cause: string): void {
    const now = this.o.now();
    const { bootSeconds } = this.o.settings;
    const registers = !this.o.faults.instanceNeverRegisters();
    const id = instanceId(this.launched + 1);
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
    const n = this.launched++;
    const instance: SimInstance = {
      id: instanceId(n + 1),
      privateIp: privateIp(n),
      launchedAt: now,
      state: 'Pending',
      inServiceAt: null,
      terminatedAt: null,
      agent: null,
      launchActivity,
    };
    this.instances.push(instance);
    this.everInstance.set(instance.id, instance);
    this.scheduleSpotInterruption(instance);
    return instance;
  }

  /** Injected fault: a warning at a random time of the instance's life, then EC2 ends it SPOT_WARNING_SECONDS later. */
  private scheduleSpotInterruption(instance: SimInstance): void {
    const after = this.o.faults.spotWarningAfter();
    if (!Number.isFinite(after)) return;
    this.o.events.schedule(instance.launchedAt + after, () => {
      if (instance.state === 'Terminated') return;
      const terminateAt = this.o.now() + SPOT_WARNING_SECONDS;
      this.warned.set(instance, terminateAt);
      this.o.events.schedule(terminateAt, () => this.interrupt(instance));
    });
  }

  /** EC2 takes the instance; the group sees it fail its health check and launches a replacement (desired unchanged). */
  private interrupt(instance: SimInstance): void {
    if (instance.state === 'Terminated') return;
    const now = this.o.now();
    this.record(terminateDescription(instance.id), terminateForHealthCheck(now), now, now, 'Successful');
    this.terminate(instance, 'spot-interruption');
    if (this.instances.length < this.desired) this.launch(launchReplacement(now, this.instances.length, this.instances.length + 1));
    this.logSize();
  }

  private terminate(instance: SimInstance, cause: TerminationCause = 'request'): void {
    const now = this.o.now();
    instance.state = 'Terminated';
    instance.terminatedAt = now;
    this.warned.delete(instance);
    this.instances.splice(this.instances.indexOf(instance), 1);
    const launch = instance.launchActivity;
    if (launch !== null && launch.statusCode === 'InProgress') {
      launch.statusCode = 'Cancelled';
      launch.endTime = EPOCH_MS + now * 1000;
    }
    this.o.hooks.terminated(instance, cause);
  }

  /** The default termination policy within one AZ and launch template: closest to the next billing hour. */
  private pickForScaleIn(now: number): SimInstance {
    let closest: SimInstance[] = [];
    let closestLeft = Infinity;
    for (const instance of this.instances) {
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
      activityId: activityId(this.log.length + 1),
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
    this.sizeLog.push(this.o.now(), this.instances.length);
  }
}

function instanceId(n: number): string {
  return `i-${hex(n, 17)}`;
}

function activityId(n: number): string {
  return `${hex(n, 8)}-5e1a-4c7b-9d2e-${hex(n, 12)}`;
}
