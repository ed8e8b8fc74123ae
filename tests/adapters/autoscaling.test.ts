import {
  AutoScalingClient,
  AutoScalingServiceException,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  ResourceContentionFault,
  ScalingActivityInProgressFault,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createAutoScalingPort } from '../../shared/aws/autoscaling.js';
import { ErrorNames } from '../../shared/model/errors.js';
import { autoscalerRejection } from '../support/rejection.js';

const asMock = mockClient(AutoScalingClient);
const port = createAutoScalingPort(new AutoScalingClient({}));

beforeEach(() => asMock.reset());

function group(name: string, extra: Partial<AutoScalingGroup> = {}): AutoScalingGroup {
  return {
    AutoScalingGroupName: name,
    MinSize: 1,
    MaxSize: 10,
    DesiredCapacity: 2,
    DefaultCooldown: 300,
    AvailabilityZones: ['eu-west-1a'],
    HealthCheckType: 'EC2',
    CreatedTime: new Date('2024-05-01T12:00:00Z'),
    ...extra,
  };
}

function unmodeled(name: string, message: string): AutoScalingServiceException {
  return new AutoScalingServiceException({ name, $fault: 'client', message, $metadata: {} });
}

describe('describeGroups', () => {
  it('maps sizes, instances (WeightedCapacity string to number, default 1), tags and suspended processes', async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        group('asg-a', {
          Instances: [
            {
              InstanceId: 'i-1',
              InstanceType: 'm5.large',
              AvailabilityZone: 'eu-west-1a',
              LifecycleState: 'InService',
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: true,
              WeightedCapacity: '4',
            },
            {
              InstanceId: 'i-2',
              AvailabilityZone: 'eu-west-1b',
              LifecycleState: 'Terminating:Wait',
              HealthStatus: 'Unhealthy',
              ProtectedFromScaleIn: false,
            },
          ],
          SuspendedProcesses: [{ ProcessName: 'Terminate', SuspensionReason: 'User suspended' }, { ProcessName: 'AZRebalance' }],
          Tags: [
            { Key: 'team', Value: 'data', ResourceId: 'asg-a', ResourceType: 'auto-scaling-group', PropagateAtLaunch: true },
            { Key: 'empty' },
          ],
        }),
      ],
    });

    const groups = await port.describeGroups(['asg-a']);

    expect(groups).toEqual([
      {
        name: 'asg-a',
        minSize: 1,
        maxSize: 10,
        desiredCapacity: 2,
        instances: [
          {
            instanceId: 'i-1',
            availabilityZone: 'eu-west-1a',
            lifecycleState: 'InService',
            healthStatus: 'Healthy',
            protectedFromScaleIn: true,
            weight: 4,
            instanceType: 'm5.large',
          },
          {
            instanceId: 'i-2',
            availabilityZone: 'eu-west-1b',
            lifecycleState: 'Terminating:Wait',
            healthStatus: 'Unhealthy',
            protectedFromScaleIn: false,
            weight: 1,
            instanceType: null,
          },
        ],
        suspendedProcesses: ['Terminate', 'AZRebalance'],
        tags: { team: 'data', empty: '' },
      },
    ]);
    expect(asMock).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: ['asg-a'] });
  });

  it('follows NextToken until the last page', async () => {
    asMock
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({ AutoScalingGroups: [group('asg-a')], NextToken: 'page2' })
      .resolvesOnce({ AutoScalingGroups: [group('asg-b')] });

    const groups = await port.describeGroups(['asg-a', 'asg-b']);

    expect(groups.map((g) => g.name)).toEqual(['asg-a', 'asg-b']);
    const calls = asMock.commandCalls(DescribeAutoScalingGroupsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input.NextToken).toBeUndefined();
    expect(calls[1]?.args[0].input.NextToken).toBe('page2');
  });

  it('asks for at most 50 names per call, each name once', async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    const names = Array.from({ length: 120 }, (_, i) => `asg-${i}`);

    await port.describeGroups([...names, 'asg-0']);

    const sent = asMock.commandCalls(DescribeAutoScalingGroupsCommand).map((c) => c.args[0].input.AutoScalingGroupNames ?? []);
    expect(sent.map((batch) => batch.length)).toEqual([50, 50, 20]);
    expect(sent.flat()).toEqual(names);
  });

  it('never sends an empty name list (that would describe every group of the account)', async () => {
    expect(await port.describeGroups([])).toEqual([]);
    expect(asMock).toHaveReceivedCommandTimes(DescribeAutoScalingGroupsCommand, 0);
  });

  it('maps a throttling error to AwsUnavailable, keeping the AWS name and message', async () => {
    asMock.on(DescribeAutoScalingGroupsCommand).rejects(unmodeled('Throttling', 'Rate exceeded'));
    const err = await autoscalerRejection(port.describeGroups(['asg-a']));
    expect(err.name).toBe(ErrorNames.AwsUnavailable);
    expect(err.message).toContain('Throttling: Rate exceeded');
    expect(err.message).toContain('DescribeAutoScalingGroups');
  });

  it('maps a network error to AwsUnavailable', async () => {
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    asMock.on(DescribeAutoScalingGroupsCommand).rejects(network);
    const err = await autoscalerRejection(port.describeGroups(['asg-a']));
    expect(err.name).toBe(ErrorNames.AwsUnavailable);
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('recentActivities', () => {
  const activity = (id: string, start: string, end?: string) => ({
    ActivityId: id,
    AutoScalingGroupName: 'asg-a',
    Description: `Launching ${id}`,
    Cause: 'a user request',
    StartTime: new Date(start),
    EndTime: end ? new Date(end) : undefined,
    StatusCode: end ? ('Successful' as const) : ('InProgress' as const),
    Progress: end ? 100 : 50,
  });

  it('maps activities to epoch ms, newest first, with a null end while in progress', async () => {
    asMock.on(DescribeScalingActivitiesCommand).resolves({
      Activities: [activity('act-2', '2024-05-01T12:10:00Z'), activity('act-1', '2024-05-01T12:00:00Z', '2024-05-01T12:01:00Z')],
    });

    const activities = await port.recentActivities('asg-a', 5);

    expect(activities).toEqual([
      {
        activityId: 'act-2',
        description: 'Launching act-2',
        cause: 'a user request',
        startTime: Date.parse('2024-05-01T12:10:00Z'),
        endTime: null,
        statusCode: 'InProgress',
      },
      {
        activityId: 'act-1',
        description: 'Launching act-1',
        cause: 'a user request',
        startTime: Date.parse('2024-05-01T12:00:00Z'),
        endTime: Date.parse('2024-05-01T12:01:00Z'),
        statusCode: 'Successful',
      },
    ]);
    expect(asMock).toHaveReceivedCommandWith(DescribeScalingActivitiesCommand, { AutoScalingGroupName: 'asg-a', MaxRecords: 5 });
  });

  it('pages until the limit is reached and never returns more', async () => {
    asMock
      .on(DescribeScalingActivitiesCommand)
      .resolvesOnce({
        Activities: [activity('act-3', '2024-05-01T12:30:00Z'), activity('act-2', '2024-05-01T12:20:00Z')],
        NextToken: 'more',
      })
      .resolvesOnce({ Activities: [activity('act-1', '2024-05-01T12:10:00Z')], NextToken: 'even-more' });

    const activities = await port.recentActivities('asg-a', 3);

    expect(activities.map((a) => a.activityId)).toEqual(['act-3', 'act-2', 'act-1']);
    const calls = asMock.commandCalls(DescribeScalingActivitiesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input).toEqual({ AutoScalingGroupName: 'asg-a', MaxRecords: 1, NextToken: 'more' });
  });

  it('caps a page at 100 records', async () => {
    asMock.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
    await port.recentActivities('asg-a', 500);
    expect(asMock).toHaveReceivedCommandWith(DescribeScalingActivitiesCommand, { MaxRecords: 100 });
  });
});

describe('setDesiredCapacity', () => {
  it('sends HonorCooldown false', async () => {
    asMock.on(SetDesiredCapacityCommand).resolves({});
    await port.setDesiredCapacity('asg-a', 7);
    expect(asMock).toHaveReceivedCommandWith(SetDesiredCapacityCommand, {
      AutoScalingGroupName: 'asg-a',
      DesiredCapacity: 7,
      HonorCooldown: false,
    });
  });

  it.each([
    ['ScalingActivityInProgressFault', new ScalingActivityInProgressFault({ message: 'Scaling activity abc is in progress', $metadata: {} })],
    ['ResourceContentionFault', new ResourceContentionFault({ message: 'You already have a pending update', $metadata: {} })],
    ['unmodeled ScalingActivityInProgress', unmodeled('ScalingActivityInProgress', 'busy')],
    ['unmodeled ResourceContention', unmodeled('ResourceContention', 'busy')],
  ])('maps %s to ScalingConflict', async (_label, fault) => {
    asMock.on(SetDesiredCapacityCommand).rejects(fault);
    const err = await autoscalerRejection(port.setDesiredCapacity('asg-a', 3));
    expect(err.name).toBe(ErrorNames.ScalingConflict);
    expect(err.message).toContain(fault.name);
    expect(err.message).toContain(fault.message);
    expect(err.cause).toBe(fault);
  });

  it('maps ValidationError to InvalidInput with the AWS message', async () => {
    const message = 'New SetDesiredCapacity value 9 is above max value 3 for the AutoScalingGroup.';
    asMock.on(SetDesiredCapacityCommand).rejects(unmodeled('ValidationError', message));
    const err = await autoscalerRejection(port.setDesiredCapacity('asg-a', 9));
    expect(err.name).toBe(ErrorNames.InvalidInput);
    expect(err.message).toContain(message);
  });
});

describe('terminateInstanceAndDecrement', () => {
  it('terminates with ShouldDecrementDesiredCapacity true', async () => {
    asMock.on(TerminateInstanceInAutoScalingGroupCommand).resolves({ Activity: undefined });
    await port.terminateInstanceAndDecrement('i-0123');
    expect(asMock).toHaveReceivedCommandWith(TerminateInstanceInAutoScalingGroupCommand, {
      InstanceId: 'i-0123',
      ShouldDecrementDesiredCapacity: true,
    });
  });

  it('maps ScalingActivityInProgressFault to ScalingConflict', async () => {
    asMock
      .on(TerminateInstanceInAutoScalingGroupCommand)
      .rejects(new ScalingActivityInProgressFault({ message: 'in progress', $metadata: {} }));
    const err = await autoscalerRejection(port.terminateInstanceAndDecrement('i-0123'));
    expect(err.name).toBe(ErrorNames.ScalingConflict);
    expect(err.message).toContain('i-0123');
  });

  it('maps an unknown instance (ValidationError) to InvalidInput', async () => {
    asMock
      .on(TerminateInstanceInAutoScalingGroupCommand)
      .rejects(unmodeled('ValidationError', 'Instance Id not found - No managed instance found for instance ID: i-0123'));
    const err = await autoscalerRejection(port.terminateInstanceAndDecrement('i-0123'));
    expect(err.name).toBe(ErrorNames.InvalidInput);
  });
});
