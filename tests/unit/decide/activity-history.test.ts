import { lastScalingTimes, scalingDirection } from '../../../shared/decide/activity-history.js';
import type { ScalingActivity } from '../../../shared/model/asg.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');

function activity(description: string, cause: string, overrides: Partial<ScalingActivity> = {}): ScalingActivity {
  return {
    activityId: `act-${description.length}-${cause.length}`,
    description,
    cause,
    startTime: T0,
    endTime: T0 + 60_000,
    statusCode: 'Successful',
    ...overrides,
  };
}

describe('scalingDirection', () => {
  test.each<[string, string, string, 'out' | 'in' | null]>([
    [
      'scale-out by SetDesiredCapacity',
      'Launching a new EC2 instance: i-0a1b2c3d4e5f60001',
      'At 2024-05-01T12:00:00Z a user request explicitly set group desired capacity changing the desired capacity from 2 to 3.  At 2024-05-01T12:00:10Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.',
      'out',
    ],
    [
      'scale-out by a scaling policy',
      'Launching a new EC2 instance: i-0a1b2c3d4e5f60002',
      'At 2024-05-01T12:00:00Z a monitor alarm TargetTracking-asg-batch-AlarmHigh in state ALARM triggered policy cpu changing the desired capacity from 3 to 5.  At 2024-05-01T12:00:07Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 3 to 5.',
      'out',
    ],
    [
      'scale-out by raising the minimum',
      'Launching a new EC2 instance: i-0a1b2c3d4e5f60003',
      'At 2024-05-01T12:00:00Z a user request update of AutoScalingGroup constraints to min: 4, max: 10, desired: 4 changing the desired capacity from 3 to 4.  At 2024-05-01T12:00:09Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 3 to 4.',
      'out',
    ],
    [
      'failed launch of a scale-out still records the decision',
      'Launching a new EC2 instance.  Status Reason: We currently do not have sufficient m5.2xlarge capacity in the Availability Zone you requested (eu-west-1a).',
      'At 2024-05-01T12:00:00Z a user request explicitly set group desired capacity changing the desired capacity from 2 to 3.  At 2024-05-01T12:00:10Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.',
      'out',
    ],
    [
      'scale-in by terminating an agent and decrementing',
      'Terminating EC2 instance: i-0a1b2c3d4e5f60004',
      'At 2024-05-01T12:00:00Z instance i-0a1b2c3d4e5f60004 was taken out of service in response to a user request, shrinking the capacity from 2 to 1.',
      'in',
    ],
    [
      'scale-in by lowering the desired capacity',
      'Terminating EC2 instance: i-0a1b2c3d4e5f60005',
      'At 2024-05-01T12:00:00Z a user request explicitly set group desired capacity changing the desired capacity from 4 to 3.  At 2024-05-01T12:00:09Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 4 to 3.  At 2024-05-01T12:00:09Z instance i-0a1b2c3d4e5f60005 was selected for termination.',
      'in',
    ],
    [
      'replacement after an EC2 health check: termination',
      'Terminating EC2 instance: i-0a1b2c3d4e5f60006',
      'At 2024-05-01T12:00:00Z an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.',
      null,
    ],
    [
      'replacement after an ELB health check: termination',
      'Terminating EC2 instance: i-0a1b2c3d4e5f60007',
      'At 2024-05-01T12:00:00Z an instance was taken out of service in response to an ELB system health check failure.',
      null,
    ],
    [
      'replacement after a health check: termination (older wording)',
      'Terminating EC2 instance: i-0a1b2c3d4e5f60008',
      'At 2024-05-01T12:00:00Z an instance was taken out of service in response to a health check.',
      null,
    ],
    [
      'replacement: the launch that follows',
      'Launching a new EC2 instance: i-0a1b2c3d4e5f60009',
      'At 2024-05-01T12:00:20Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2.',
      null,
    ],
    [
      'replacement: launch worded as replacing an unhealthy instance',
      'Launching a new EC2 instance: i-0a1b2c3d4e5f60010',
      'At 2024-05-01T12:00:20Z an instance was launched in response to an unhealthy instance needing to be replaced.',
      null,
    ],
    [
      'terminating without decrementing (the group replaces it)',
      'Terminating EC2 instance: i-0a1b2c3d4e5f60011',
      'At 2024-05-01T12:00:00Z instance i-0a1b2c3d4e5f60011 was taken out of service in response to a user request.',
      null,
    ],
    [
      'other activity',
      'Updating load balancers/target groups: Successful. Target Groups Added: [tg-batch].',
      'At 2024-05-01T12:00:00Z a user request attached load balancer target group tg-batch.',
      null,
    ],
  ])('%s', (_name, description, cause, expected) => {
    expect(scalingDirection(activity(description, cause))).toBe(expected);
  });
});

const OUT = (startTime: number, statusCode = 'Successful') =>
  activity(
    'Launching a new EC2 instance: i-0a1b2c3d4e5f60001',
    'At 2024-05-01T12:00:00Z a user request explicitly set group desired capacity changing the desired capacity from 2 to 3.  At 2024-05-01T12:00:10Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.',
    { startTime, statusCode },
  );
const IN = (startTime: number, statusCode = 'Successful') =>
  activity(
    'Terminating EC2 instance: i-0a1b2c3d4e5f60004',
    'At 2024-05-01T12:00:00Z instance i-0a1b2c3d4e5f60004 was taken out of service in response to a user request, shrinking the capacity from 2 to 1.',
    { startTime, statusCode },
  );
const HEALTH = (startTime: number, statusCode = 'Successful') =>
  activity(
    'Terminating EC2 instance: i-0a1b2c3d4e5f60006',
    'At 2024-05-01T12:00:00Z an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.',
    { startTime, statusCode },
  );
const REPLACE = (startTime: number) =>
  activity(
    'Launching a new EC2 instance: i-0a1b2c3d4e5f60009',
    'At 2024-05-01T12:00:20Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2.',
    { startTime },
  );

describe('lastScalingTimes', () => {
  test.each<[string, ScalingActivity[], ReturnType<typeof lastScalingTimes>]>([
    ['no history', [], { lastScaleOutAt: null, activityInProgress: false }],
    [
      'the latest scale-out, whatever the order; scale-ins do not count',
      [IN(T0 - 5_000), OUT(T0 - 60_000), OUT(T0 - 10_000), IN(T0 - 90_000)],
      { lastScaleOutAt: T0 - 10_000, activityInProgress: false },
    ],
    [
      'health replacements do not count',
      [HEALTH(T0), REPLACE(T0 + 20_000), OUT(T0 - 600_000)],
      { lastScaleOutAt: T0 - 600_000, activityInProgress: false },
    ],
    [
      'an activity still running is in progress',
      [OUT(T0, 'WaitingForInstanceWarmup'), IN(T0 - 600_000)],
      { lastScaleOutAt: T0, activityInProgress: true },
    ],
    [
      'a replacement in progress is an activity in progress, not a scale-in',
      [HEALTH(T0, 'InProgress')],
      { lastScaleOutAt: null, activityInProgress: true },
    ],
    [
      'failed and cancelled activities are finished',
      [OUT(T0, 'Failed'), IN(T0 - 1_000, 'Cancelled')],
      { lastScaleOutAt: T0, activityInProgress: false },
    ],
    [
      'MidLifecycleAction is in progress',
      [IN(T0, 'MidLifecycleAction')],
      { lastScaleOutAt: null, activityInProgress: true },
    ],
  ])('%s', (_name, activities, expected) => {
    expect(lastScalingTimes(activities)).toEqual(expected);
  });
});
