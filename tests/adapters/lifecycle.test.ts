import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  RecordLifecycleActionHeartbeatCommand,
  ResourceContentionFault,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createLifecyclePort } from '../../shared/aws/lifecycle.js';
import { ErrorNames } from '../../shared/model/errors.js';
import { autoscalerRejection } from '../support/rejection.js';

const asMock = mockClient(AutoScalingClient);
const port = createLifecyclePort(new AutoScalingClient({}));
const action = { asgName: 'asg-a', hookName: 'drain', instanceId: 'i-1', token: 'tok-1' };

beforeEach(() => asMock.reset());

function unmodeled(name: string, message: string): AutoScalingServiceException {
  return new AutoScalingServiceException({ name, $fault: 'client', message, $metadata: {} });
}

describe('completeLifecycleAction', () => {
  it('sends the group, hook, instance, token and result', async () => {
    asMock.on(CompleteLifecycleActionCommand).resolves({});

    await expect(port.completeLifecycleAction({ ...action, result: 'CONTINUE' })).resolves.toBe('done');

    expect(asMock).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, {
      AutoScalingGroupName: 'asg-a',
      LifecycleHookName: 'drain',
      InstanceId: 'i-1',
      LifecycleActionToken: 'tok-1',
      LifecycleActionResult: 'CONTINUE',
    });
  });

  it('leaves the token out when there is none', async () => {
    asMock.on(CompleteLifecycleActionCommand).resolves({});

    await port.completeLifecycleAction({ asgName: 'asg-a', hookName: 'drain', instanceId: 'i-1', result: 'ABANDON' });

    const input = asMock.commandCalls(CompleteLifecycleActionCommand)[0]?.args[0].input;
    expect(input?.LifecycleActionToken).toBeUndefined();
    expect(input?.LifecycleActionResult).toBe('ABANDON');
  });

  it('treats "No active Lifecycle Action found" as an action already gone, not an error', async () => {
    asMock
      .on(CompleteLifecycleActionCommand)
      .rejects(unmodeled('ValidationError', 'No active Lifecycle Action found with instance ID i-1'));

    await expect(port.completeLifecycleAction({ ...action, result: 'CONTINUE' })).resolves.toBe('gone');
  });

  it('maps any other validation error to InvalidInput, with what AWS said', async () => {
    asMock.on(CompleteLifecycleActionCommand).rejects(unmodeled('ValidationError', 'AutoScalingGroup name not found - asg-a'));

    const err = await autoscalerRejection(port.completeLifecycleAction({ ...action, result: 'CONTINUE' }));

    expect(err.name).toBe(ErrorNames.InvalidInput);
    expect(err.message).toContain('CompleteLifecycleAction(asg-a, drain, i-1, CONTINUE)');
    expect(err.message).toContain('AutoScalingGroup name not found');
  });

  it('maps contention to ScalingConflict', async () => {
    asMock.on(CompleteLifecycleActionCommand).rejects(new ResourceContentionFault({ message: 'busy', $metadata: {} }));

    const err = await autoscalerRejection(port.completeLifecycleAction({ ...action, result: 'CONTINUE' }));

    expect(err.name).toBe(ErrorNames.ScalingConflict);
  });

  it('maps throttling to AwsUnavailable', async () => {
    asMock.on(CompleteLifecycleActionCommand).rejects(unmodeled('Throttling', 'Rate exceeded'));

    const err = await autoscalerRejection(port.completeLifecycleAction({ ...action, result: 'CONTINUE' }));

    expect(err.name).toBe(ErrorNames.AwsUnavailable);
  });
});

describe('recordHeartbeat', () => {
  it('sends the group, hook, instance and token', async () => {
    asMock.on(RecordLifecycleActionHeartbeatCommand).resolves({});

    await expect(port.recordHeartbeat(action)).resolves.toBe('done');

    expect(asMock).toHaveReceivedCommandWith(RecordLifecycleActionHeartbeatCommand, {
      AutoScalingGroupName: 'asg-a',
      LifecycleHookName: 'drain',
      InstanceId: 'i-1',
      LifecycleActionToken: 'tok-1',
    });
  });

  it('reports an action that timed out or was completed as gone', async () => {
    asMock
      .on(RecordLifecycleActionHeartbeatCommand)
      .rejects(unmodeled('ValidationError', 'No active Lifecycle Action found with token tok-1'));

    await expect(port.recordHeartbeat(action)).resolves.toBe('gone');
  });

  it('maps a network failure to AwsUnavailable', async () => {
    asMock.on(RecordLifecycleActionHeartbeatCommand).rejects(new Error('socket hang up'));

    const err = await autoscalerRejection(port.recordHeartbeat(action));

    expect(err.name).toBe(ErrorNames.AwsUnavailable);
    expect(err.message).toContain('RecordLifecycleActionHeartbeat(asg-a, drain, i-1)');
  });
});
