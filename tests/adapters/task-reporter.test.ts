import { jest } from '@jest/globals';
import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createTaskReporter } from '../../shared/aws/task-reporter.js';
import { AutoscalerError, ErrorNames } from '../../shared/model/errors.js';

const sfnMock = mockClient(SFNClient);
const warn = jest.fn<(message: string) => void>();
const reporter = createTaskReporter(new SFNClient({}), { warn });

beforeEach(() => {
  sfnMock.reset();
  warn.mockReset();
});

describe('succeed', () => {
  it('sends the output as a JSON string', async () => {
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    await reporter.succeed('tok-1', { before: 2, after: 3 });
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'tok-1', output: '{"before":2,"after":3}' });
  });
});

describe('fail', () => {
  it('sends error and cause', async () => {
    sfnMock.on(SendTaskFailureCommand).resolves({});
    await reporter.fail('tok-1', ErrorNames.StalePlan, 'desired moved');
    expect(sfnMock).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'tok-1',
      error: 'Autoscaler.StalePlan',
      cause: 'desired moved',
    });
  });

  it('truncates error to 256 and cause to 32768 characters without splitting a surrogate pair', async () => {
    sfnMock.on(SendTaskFailureCommand).resolves({});
    // 254 ASCII chars then emoji (2 UTF-16 units each): a naive cut at 255 would split a pair.
    const error = `${'e'.repeat(254)}${'😀'.repeat(10)}`;
    const cause = 'c'.repeat(40000);

    await reporter.fail('tok-1', error, cause);

    const input = sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(input?.error?.length).toBeLessThanOrEqual(256);
    expect(input?.error).toBe(`${'e'.repeat(254)}…`);
    expect(input?.cause?.length).toBe(32768);
    expect(input?.cause?.endsWith('…')).toBe(true);
  });

  it('leaves short values untouched', async () => {
    sfnMock.on(SendTaskFailureCommand).resolves({});
    await reporter.fail('tok-1', 'x'.repeat(256), 'y');
    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input.error).toBe('x'.repeat(256));
  });
});

describe('tasks that no longer wait', () => {
  it.each([
    ['TaskTimedOut', new TaskTimedOut({ message: "Task Timed Out: 'tok-1'", $metadata: {} })],
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'gone', $metadata: {} })],
    ['InvalidToken', new InvalidToken({ message: 'Invalid token', $metadata: {} })],
  ])('%s is logged, not thrown', async (name, err) => {
    sfnMock.on(SendTaskSuccessCommand).rejects(err);
    sfnMock.on(SendTaskFailureCommand).rejects(err);

    await expect(reporter.succeed('tok-1', {})).resolves.toBeUndefined();
    await expect(reporter.fail('tok-1', 'E', 'c')).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]?.[0]).toContain(name);
  });
});

describe('other errors', () => {
  it('throw as AwsUnavailable', async () => {
    sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: {} }));
    const err = await reporter.succeed('tok-1', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutoscalerError);
    expect((err as AutoscalerError).name).toBe(ErrorNames.AwsUnavailable);
    expect((err as AutoscalerError).message).toContain('SendTaskSuccess failed: ThrottlingException: Rate exceeded');
    expect(warn).not.toHaveBeenCalled();
  });
});
