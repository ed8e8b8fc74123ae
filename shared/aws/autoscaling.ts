import { chunks } from './chunks.js';
import {
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import type {
  Activity,
  AutoScalingClient,
  AutoScalingGroup,
  Instance,
  TagDescription,
} from '@aws-sdk/client-auto-scaling';
import type { AsgInstance, AsgState, ScalingActivity } from '../model/asg.js';
import type { AutoScalingPort } from './ports.js';
import { callAws } from './errors.js';

/** Names per DescribeAutoScalingGroups call; one page of MaxRecords then holds them all. */
const NAMES_PER_CALL = 50;
/** DescribeScalingActivities accepts at most 100 records per page. */
const MAX_ACTIVITY_PAGE = 100;

/** WeightedCapacity travels as a string; absent (no weights configured) means 1. */
function parseWeight(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const weight = Number(raw);
  return Number.isFinite(weight) && weight > 0 ? weight : 1;
}

function toInstance(instance: Instance): AsgInstance {
  return {
    instanceId: instance.InstanceId ?? '',
    availabilityZone: instance.AvailabilityZone ?? '',
    lifecycleState: instance.LifecycleState ?? '',
    healthStatus: instance.HealthStatus ?? '',
    protectedFromScaleIn: instance.ProtectedFromScaleIn ?? false,
    weight: parseWeight(instance.WeightedCapacity),
    instanceType: instance.InstanceType ?? null,
  };
}

function toTags(tags: TagDescription[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  }
  return out;
}

function toAsgState(group: AutoScalingGroup): AsgState {
  return {
    name: group.AutoScalingGroupName ?? '',
    minSize: group.MinSize ?? 0,
    maxSize: group.MaxSize ?? 0,
    desiredCapacity: group.DesiredCapacity ?? 0,
    instances: (group.Instances ?? []).map(toInstance),
    suspendedProcesses: (group.SuspendedProcesses ?? []).flatMap((p) => (p.ProcessName ? [p.ProcessName] : [])),
    tags: toTags(group.Tags),
  };
}

function toActivity(activity: Activity): ScalingActivity {
  return {
    activityId: activity.ActivityId ?? '',
    description: activity.Description ?? '',
    cause: activity.Cause ?? '',
    startTime: activity.StartTime?.getTime() ?? 0,
    endTime: activity.EndTime?.getTime() ?? null,
    statusCode: activity.StatusCode ?? '',
  };
}

export function createAutoScalingPort(client: AutoScalingClient): AutoScalingPort {
  return {
    async describeGroups(names) {
      // An empty name list would describe every group in the account: never send one.
      const unique = [...new Set(names)];
      const groups: AsgState[] = [];
      for (const batch of chunks(unique, NAMES_PER_CALL)) {
        let nextToken: string | undefined;
        do {
          const page = await callAws(`DescribeAutoScalingGroups(${batch.join(',')})`, () =>
            client.send(
              new DescribeAutoScalingGroupsCommand({
                AutoScalingGroupNames: batch,
                MaxRecords: NAMES_PER_CALL,
                NextToken: nextToken,
              }),
            ),
          );
          groups.push(...(page.AutoScalingGroups ?? []).map(toAsgState));
          nextToken = page.NextToken || undefined;
        } while (nextToken);
      }
      return groups;
    },

    async recentActivities(asgName, limit) {
      const activities: ScalingActivity[] = [];
      let nextToken: string | undefined;
      while (activities.length < limit) {
        const page = await callAws(`DescribeScalingActivities(${asgName})`, () =>
          client.send(
            new DescribeScalingActivitiesCommand({
              AutoScalingGroupName: asgName,
              MaxRecords: Math.min(MAX_ACTIVITY_PAGE, limit - activities.length),
              NextToken: nextToken,
            }),
          ),
        );
        activities.push(...(page.Activities ?? []).map(toActivity));
        nextToken = page.NextToken || undefined;
        if (!nextToken) break;
      }
      // AWS returns newest first already; sorting makes the contract hold for any implementation.
      return activities.sort((a, b) => b.startTime - a.startTime).slice(0, limit);
    },

    async setDesiredCapacity(asgName, desired) {
      await callAws(`SetDesiredCapacity(${asgName}, ${desired})`, () =>
        client.send(
          new SetDesiredCapacityCommand({ AutoScalingGroupName: asgName, DesiredCapacity: desired, HonorCooldown: false }),
        ),
      );
    },

    async terminateInstanceAndDecrement(instanceId) {
      await callAws(`TerminateInstanceInAutoScalingGroup(${instanceId})`, () =>
        client.send(
          new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instanceId, ShouldDecrementDesiredCapacity: true }),
        ),
      );
    },
  };
}
