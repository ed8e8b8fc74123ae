import type { PoolConfig } from '../../../shared/config/types.js';
import type { InterruptionEvent } from '../../../shared/interruptions/event.js';
import type { AgentOnInstance } from '../../../shared/interruptions/instance-agents.js';
import { agent } from '../../support/fakes.js';
import { poolConfig } from '../decide/builders.js';

export const EVENT_TIME = Date.parse('2024-05-01T12:00:00Z');

/** Pool `batch` on `asg-batch`: 300 s grace, 3600 s drain deadline, agents marked gone. */
export function pool(extra: Partial<PoolConfig> = {}, drain: Partial<PoolConfig['drain']> = {}): PoolConfig {
  const base = poolConfig();
  return {
    ...base,
    ...extra,
    drain: {
      ...base.drain,
      deadlineSeconds: 3600,
      graceSeconds: 300,
      markGone: true,
      ...drain,
    },
  };
}

export function spotEvent(instanceId = 'i-001', instanceAction: 'terminate' | 'stop' | 'hibernate' = 'terminate'): InterruptionEvent {
  return { kind: 'spot-interruption', eventId: 'ev-1', time: EVENT_TIME, instanceId, instanceAction };
}

export function rebalanceEvent(instanceId = 'i-001'): InterruptionEvent {
  return { kind: 'rebalance-recommendation', eventId: 'ev-2', time: EVENT_TIME, instanceId };
}

export function lifecycleEvent(instanceId = 'i-001', asgName = 'asg-batch', token: string | null = 'tok-1'): InterruptionEvent {
  return { kind: 'terminate-lifecycle-action', eventId: 'ev-3', time: EVENT_TIME, instanceId, asgName, hookName: 'drain-hook', token };
}

/** Agent `agent-<n>` on instance `i-<n>` (see tests/support/fakes.ts), busy or idle; draining as Mesos ≥ 1.9 tells it. */
export function on(n: number, busy: boolean, extra: Parameters<typeof agent>[1] = {}): AgentOnInstance {
  const a = agent(n, extra);
  return { agent: a, busy, draining: a.deactivated || a.drainState !== null };
}

/** Raw EventBridge events as the queue delivers them. */
export const raw = {
  spot: (instanceId = 'i-001', action = 'terminate') => ({
    version: '0',
    id: 'ev-spot',
    'detail-type': 'EC2 Spot Instance Interruption Warning',
    source: 'aws.ec2',
    account: '000000000000',
    time: '2024-05-01T12:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:ec2:eu-west-1a:instance/${instanceId}`],
    detail: { 'instance-id': instanceId, 'instance-action': action },
  }),
  rebalance: (instanceId = 'i-001') => ({
    version: '0',
    id: 'ev-rebalance',
    'detail-type': 'EC2 Instance Rebalance Recommendation',
    source: 'aws.ec2',
    account: '000000000000',
    time: '2024-05-01T12:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:ec2:eu-west-1a:instance/${instanceId}`],
    detail: { 'instance-id': instanceId },
  }),
  lifecycle: (instanceId = 'i-001', asgName = 'asg-batch', time = '2024-05-01T12:00:00Z') => ({
    version: '0',
    id: 'ev-lifecycle',
    'detail-type': 'EC2 Instance-terminate Lifecycle Action',
    source: 'aws.autoscaling',
    account: '000000000000',
    time,
    region: 'eu-west-1',
    resources: [`arn:aws:autoscaling:eu-west-1:000000000000:autoScalingGroup:1111:autoScalingGroupName/${asgName}`],
    detail: {
      LifecycleActionToken: 'tok-1',
      AutoScalingGroupName: asgName,
      LifecycleHookName: 'drain-hook',
      EC2InstanceId: instanceId,
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
      NotificationMetadata: '',
      Origin: 'AutoScalingGroup',
      Destination: 'EC2',
    },
  }),
};
