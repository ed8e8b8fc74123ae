import { isoSeconds, type SimCloudEvent } from '../types.js';
import { groupArn } from './autoscaling-api.js';
import { ACCOUNT_ID } from './request-context.js';

const REGION = 'eu-west-1';

const instanceArn = (instanceId: string) => `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:instance/${instanceId}`;

/**
 * The EventBridge event AWS sends for an EC2 or Auto Scaling event of the simulated group, exactly
 * as the interruptions queue receives it (one event per SQS message body). `id` is the event's id.
 */
export function eventBridgeEvent(event: SimCloudEvent, id: string): Record<string, unknown> {
  const envelope = { version: '0', id, account: ACCOUNT_ID, time: isoSeconds(event.time), region: REGION };
  switch (event.kind) {
    case 'spot-interruption':
      return {
        ...envelope, 'detail-type': 'EC2 Spot Instance Interruption Warning', source: 'aws.ec2', resources: [instanceArn(event.instanceId)],
        detail: { 'instance-id': event.instanceId, 'instance-action': 'terminate' },
      };
    case 'rebalance-recommendation':
      return {
        ...envelope, 'detail-type': 'EC2 Instance Rebalance Recommendation', source: 'aws.ec2', resources: [instanceArn(event.instanceId)],
        detail: { 'instance-id': event.instanceId },
      };
    case 'terminate-lifecycle-action':
      return {
        ...envelope, 'detail-type': 'EC2 Instance-terminate Lifecycle Action', source: 'aws.autoscaling', resources: [groupArn(event.asgName, REGION)],
        detail: {
          Origin: 'AutoScalingGroup', Destination: 'EC2', LifecycleActionToken: event.token, AutoScalingGroupName: event.asgName,
          LifecycleHookName: event.hookName, EC2InstanceId: event.instanceId, LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        },
      };
  }
}
