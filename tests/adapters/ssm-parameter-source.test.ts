import { GetParametersByPathCommand, InternalServerError, SSMClient } from '@aws-sdk/client-ssm';
import type { GetParametersByPathCommandInput } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createSsmParameterSource } from '../../shared/aws/ssm-parameter-source.js';
import { loadConfig } from '../../shared/config/load.js';
import { ErrorNames } from '../../shared/model/errors.js';
import { autoscalerRejection } from '../support/rejection.js';

const PREFIX = '/mesos-autoscaler/prod/';
const ssmMock = mockClient(SSMClient);
const source = createSsmParameterSource(new SSMClient({}));

beforeEach(() => ssmMock.reset());

function parameter(name: string, value: string, type = 'String') {
  return { Name: PREFIX + name, Value: value, Type: type as 'String' | 'SecureString', Version: 1 };
}

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

describe('createSsmParameterSource', () => {
  it('reads every page, recursively and decrypted', async () => {
    // Served by token, as SSM does; the tokens are recorded as sent (the paginator reuses its input object).
    const pages = new Map([
      [undefined, { Parameters: [parameter('mesos/master-urls', 'http://m1:5050'), parameter('paused', 'false')], NextToken: 'page-2' }],
      ['page-2', { Parameters: [parameter('mesos/credentials', 'ops:pa:ss', 'SecureString')], NextToken: 'page-3' }],
      ['page-3', { Parameters: [parameter('pools/batch/asg-name', 'batch-asg')] }],
    ]);
    const sent: Array<{ token: string | undefined; recursive?: boolean; decrypt?: boolean; path?: string }> = [];
    ssmMock.on(GetParametersByPathCommand).callsFake((input: GetParametersByPathCommandInput) => {
      sent.push({ token: input.NextToken, recursive: input.Recursive, decrypt: input.WithDecryption, path: input.Path });
      return pages.get(input.NextToken);
    });

    const parameters = await source.byPath(PREFIX);

    expect(parameters).toEqual(
      new Map([
        [`${PREFIX}mesos/master-urls`, 'http://m1:5050'],
        [`${PREFIX}paused`, 'false'],
        [`${PREFIX}mesos/credentials`, 'ops:pa:ss'],
        [`${PREFIX}pools/batch/asg-name`, 'batch-asg'],
      ]),
    );
    expect(ssmMock).toHaveReceivedCommandTimes(GetParametersByPathCommand, 3);
    expect(sent).toEqual([
      { token: undefined, recursive: true, decrypt: true, path: PREFIX },
      { token: 'page-2', recursive: true, decrypt: true, path: PREFIX },
      { token: 'page-3', recursive: true, decrypt: true, path: PREFIX },
    ]);
  });

  it('returns an empty map when nothing is under the path', async () => {
    ssmMock.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    expect(await source.byPath(PREFIX)).toEqual(new Map());
  });

  it('maps AccessDenied to Autoscaler.AwsUnavailable with the permissions to check', async () => {
    ssmMock.on(GetParametersByPathCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform: ssm:GetParametersByPath'));
    const error = await autoscalerRejection(source.byPath(PREFIX));
    expect(error.name).toBe(ErrorNames.AwsUnavailable);
    expect(error.message).toBe(
      `GetParametersByPath(${PREFIX}) failed: AccessDeniedException: User is not authorized to perform: ssm:GetParametersByPath ` +
        '(the role needs ssm:GetParametersByPath on this path and kms:Decrypt on the SecureString key)',
    );
  });

  it('maps throttling and service errors to Autoscaler.AwsUnavailable, keeping the cause', async () => {
    const throttled = awsError('ThrottlingException', 'Rate exceeded');
    ssmMock.on(GetParametersByPathCommand).rejects(throttled);
    const error = await autoscalerRejection(source.byPath(PREFIX));
    expect(error.name).toBe(ErrorNames.AwsUnavailable);
    expect(error.message).toContain('ThrottlingException: Rate exceeded');
    expect(error.cause).toBe(throttled);

    ssmMock.reset();
    ssmMock.on(GetParametersByPathCommand).rejects(new InternalServerError({ message: 'boom', $metadata: {} }));
    const internal = await autoscalerRejection(source.byPath(PREFIX));
    expect(internal.name).toBe(ErrorNames.AwsUnavailable);
    expect(internal.message).toContain('InternalServerError: boom');
  });

  it('fails as a whole when a later page fails, never returning part of the configuration', async () => {
    ssmMock
      .on(GetParametersByPathCommand)
      .resolvesOnce({ Parameters: [parameter('mesos/master-urls', 'http://m1:5050')], NextToken: 'page-2' })
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'));
    const error = await autoscalerRejection(source.byPath(PREFIX));
    expect(error.name).toBe(ErrorNames.AwsUnavailable);
  });

  it('feeds loadConfig end to end', async () => {
    ssmMock
      .on(GetParametersByPathCommand)
      .resolvesOnce({ Parameters: [parameter('mesos/master-urls', 'http://m1:5050')], NextToken: 'page-2' })
      .resolvesOnce({ Parameters: [parameter('pools/batch/asg-name', 'batch-asg'), parameter('pools/batch/max-agents', '25')] });
    const config = await loadConfig(source, PREFIX);
    expect(config.problems).toEqual([]);
    expect(config.pools.map((p) => [p.name, p.asgNames, p.maxAgents])).toEqual([['batch', ['batch-asg'], 25]]);
  });
});
