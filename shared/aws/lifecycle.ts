import { CompleteLifecycleActionCommand, RecordLifecycleActionHeartbeatCommand } from '@aws-sdk/client-auto-scaling';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { toAutoscalerError } from './errors.js';
import type { LifecycleActionRef, LifecycleCallOutcome, LifecyclePort } from './ports.js';

/**
 * AWS answers a call on an action that was completed, abandoned or timed out with ValidationError
 * "No active Lifecycle Action found with instance ID i-..." (or "... with token ..."): the action is
 * over, which is what the caller wanted or can no longer change.
 */
function isActionGone(err: unknown): boolean {
  return err instanceof Error && err.name === 'ValidationError' && /No active Lifecycle Action found/i.test(err.message);
}

async function callLifecycle(operation: string, call: () => Promise<unknown>): Promise<LifecycleCallOutcome> {
  try {
    await call();
    return 'done';
  } catch (err) {
    if (isActionGone(err)) return 'gone';
    throw toAutoscalerError(err, operation);
  }
}

const label = (action: LifecycleActionRef) => `${action.asgName}, ${action.hookName}, ${action.instanceId}`;

export function createLifecyclePort(client: AutoScalingClient): LifecyclePort {
  return {
    async completeLifecycleAction(action) {
      return callLifecycle(`CompleteLifecycleAction(${label(action)}, ${action.result})`, () =>
        client.send(
          new CompleteLifecycleActionCommand({
            AutoScalingGroupName: action.asgName,
            LifecycleHookName: action.hookName,
            InstanceId: action.instanceId,
            LifecycleActionToken: action.token,
            LifecycleActionResult: action.result,
          }),
        ),
      );
    },

    async recordHeartbeat(action) {
      return callLifecycle(`RecordLifecycleActionHeartbeat(${label(action)})`, () =>
        client.send(
          new RecordLifecycleActionHeartbeatCommand({
            AutoScalingGroupName: action.asgName,
            LifecycleHookName: action.hookName,
            InstanceId: action.instanceId,
            LifecycleActionToken: action.token,
          }),
        ),
      );
    },
  };
}
