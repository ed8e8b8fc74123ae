import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  ResourceContentionFault,
  ScalingActivityInProgressFault,
  SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { LocalCluster } from '../../sim/local-cluster.js';
import type { TaskTokenBroker } from '../../sim/task-token-broker.js';

export const PREFIX = '/mesos-autoscaler/test/';

export interface AwsMocks {
  /** SetDesiredCapacity calls that reached the (fake) ASG, in order. */
  setDesiredCalls: Array<{ group: string; desired: number }>;
  terminated: string[];
  /** Errors SetDesiredCapacity raises before succeeding, consumed one per call. */
  conflicts: Array<'ScalingActivityInProgress' | 'ResourceContention'>;
  restore(): void;
}

/**
 * Mocks every AWS client the handlers use (aws-sdk-client-mock), answering from the local cluster
 * so the real adapters parse realistic SDK outputs.
 */
export function mockAws(cluster: LocalCluster, parameters: Map<string, string>, broker: TaskTokenBroker): AwsMocks {
  const ssm = mockClient(SSMClient);
  const autoScaling = mockClient(AutoScalingClient);
  const ec2 = mockClient(EC2Client);
  const dynamo = mockClient(DynamoDBClient);
  const sfn = mockClient(SFNClient);
  const mocks: AwsMocks = {
    setDesiredCalls: [], terminated: [], conflicts: [],
    restore: () => [ssm, autoScaling, ec2, dynamo, sfn].forEach((m) => m.restore()),
  };

  ssm.on(GetParametersByPathCommand).callsFake((input: { Path: string }) => ({
    Parameters: [...parameters].filter(([k]) => k.startsWith(input.Path)).map(([Name, Value]) => ({ Name, Value, Type: 'String' })),
  }));

  autoScaling.on(DescribeAutoScalingGroupsCommand).callsFake((input: { AutoScalingGroupNames?: string[] }) => ({
    AutoScalingGroups: (input.AutoScalingGroupNames ?? []).flatMap((name) => {
      const g = cluster.groups.get(name);
      if (!g) return [];
      return [{
        AutoScalingGroupName: g.name, MinSize: g.minSize, MaxSize: g.maxSize, DesiredCapacity: g.desiredCapacity,
        DefaultCooldown: 300, AvailabilityZones: ['eu-west-1a'], HealthCheckType: 'EC2', CreatedTime: new Date(0),
        Instances: g.instances.map((i) => ({
          InstanceId: i.instanceId, InstanceType: 'm5.2xlarge', AvailabilityZone: 'eu-west-1a', LifecycleState: i.lifecycleState,
          HealthStatus: 'Healthy', ProtectedFromScaleIn: i.protectedFromScaleIn, WeightedCapacity: '1',
        })),
        SuspendedProcesses: [], Tags: [{ Key: 'mesos-autoscaler', Value: 'test', ResourceId: g.name, ResourceType: 'auto-scaling-group', PropagateAtLaunch: false }],
      }];
    }),
  }));
  autoScaling.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
  autoScaling.on(SetDesiredCapacityCommand).callsFake((input: { AutoScalingGroupName: string; DesiredCapacity: number }) => {
    const conflict = mocks.conflicts.shift();
    if (conflict === 'ScalingActivityInProgress') {
      throw new ScalingActivityInProgressFault({ message: 'Scaling activity is in progress and blocks this action', $metadata: {} });
    }
    if (conflict === 'ResourceContention') {
      throw new ResourceContentionFault({ message: 'You already have a pending update to an Auto Scaling resource', $metadata: {} });
    }
    const g = cluster.groups.get(input.AutoScalingGroupName)!;
    mocks.setDesiredCalls.push({ group: g.name, desired: input.DesiredCapacity });
    cluster.setDesired(g, input.DesiredCapacity);
    return {};
  });
  autoScaling.on(TerminateInstanceInAutoScalingGroupCommand).callsFake((input: { InstanceId: string }) => {
    cluster.terminate(input.InstanceId);
    mocks.terminated.push(input.InstanceId);
    return { Activity: { ActivityId: 'a-1', AutoScalingGroupName: 'x', Cause: 'user request', StartTime: new Date(), StatusCode: 'InProgress' } };
  });

  ec2.on(DescribeInstancesCommand).callsFake((input: { Filters?: Array<{ Name: string; Values: string[] }> }) => {
    const ids = new Set(input.Filters?.find((f) => f.Name === 'instance-id')?.Values ?? []);
    const instances = [...cluster.groups.values()].flatMap((g) => g.instances).filter((i) => ids.has(i.instanceId));
    return {
      Reservations: [{
        Instances: instances.map((i) => ({
          InstanceId: i.instanceId, PrivateIpAddress: i.ip, PrivateDnsName: `ip-${i.ip.replace(/\./g, '-')}.eu-west-1.compute.internal`,
          State: { Code: 16, Name: 'running' },
        })),
      }],
    };
  });

  // The pool-state table: pool memory and the drain ledger, by key.
  const items = new Map<string, Record<string, unknown>>();
  dynamo.on(GetItemCommand).callsFake((input: { Key: { pool: { S: string } } }) => {
    const item = items.get(input.Key.pool.S);
    return item ? { Item: item } : {};
  });
  dynamo.on(PutItemCommand).callsFake((input: { Item: { pool: { S: string } } & Record<string, unknown> }) => {
    items.set(input.Item.pool.S, input.Item);
    return {};
  });
  // Executions here run one after another: an earlier one asked about has always ended.
  sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', executionArn: 'arn', stateMachineArn: 'arn', startDate: new Date(0) });

  sfn.on(SendTaskSuccessCommand).callsFake(async (input: { taskToken: string; output: string }) => {
    await broker.succeed(input.taskToken, JSON.parse(input.output));
    return {};
  });
  sfn.on(SendTaskFailureCommand).callsFake(async (input: { taskToken: string; error: string; cause: string }) => {
    await broker.fail(input.taskToken, input.error, input.cause);
    return {};
  });
  return mocks;
}
