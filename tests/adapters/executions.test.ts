import { DescribeExecutionCommand, ExecutionDoesNotExist, InvalidArn, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import type { ExecutionStatus } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createExecutionsPort } from '../../shared/aws/executions.js';
import { AutoscalerError, ErrorNames } from '../../shared/model/errors.js';

const sfnMock = mockClient(SFNClient);
const executions = createExecutionsPort(new SFNClient({}));
const ARN = 'arn:aws:states:eu-west-1:000000000000:execution:autoscaler:run-1';

beforeEach(() => sfnMock.reset());

describe('isRunning', () => {
  it.each<[ExecutionStatus, boolean]>([
    ['RUNNING', true],
    ['PENDING_REDRIVE', true],
    ['SUCCEEDED', false],
    ['FAILED', false],
    ['TIMED_OUT', false],
    ['ABORTED', false],
  ])('reads status %s as running: %s', async (status, running) => {
    sfnMock.on(DescribeExecutionCommand).resolves({ executionArn: ARN, status, startDate: new Date(0), stateMachineArn: 'sm' });
    expect(await executions.isRunning(ARN)).toBe(running);
    expect(sfnMock).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: ARN });
  });

  it('is false for an execution that does not exist', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${ARN}'`, $metadata: {} }));
    expect(await executions.isRunning(ARN)).toBe(false);
  });

  it('throws any other error as an AutoscalerError, so the caller can fail safe', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(new InvalidArn({ message: 'Invalid Arn', $metadata: {} }));
    const invalid = await executions.isRunning('local-7').catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(AutoscalerError);
    expect((invalid as AutoscalerError).name).toBe(ErrorNames.AwsUnavailable);
    expect((invalid as AutoscalerError).message).toBe('DescribeExecution(local-7) failed: InvalidArn: Invalid Arn');

    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: {} }));
    await expect(executions.isRunning(ARN)).rejects.toMatchObject({ name: ErrorNames.AwsUnavailable });
  });
});
