import { createHash } from 'node:crypto';
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  ScalingActivityInProgressFault,
  TerminateInstanceInAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient, GetItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { GetParameterCommand, GetParametersByPathCommand, ParameterAlreadyExists, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createAutoScalingPort } from '../../shared/aws/autoscaling.js';
import { createDrainLedger } from '../../shared/aws/drain-ledger.js';
import { createInstancePort } from '../../shared/aws/ec2-instances.js';
import { createLifecyclePort } from '../../shared/aws/lifecycle.js';
import { createExecutionsPort } from '../../shared/aws/executions.js';
import { createPoolMemoryPort } from '../../shared/aws/pool-memory.js';
import { createSsmParameterSource } from '../../shared/aws/ssm-parameter-source.js';
import type { DrainRecord } from '../../shared/aws/ports.js';
import { createTaskReporter } from '../../shared/aws/task-reporter.js';
import type { AsgState } from '../../shared/model/asg.js';
import { AutoscalerError, ErrorNames } from '../../shared/model/errors.js';
import type { AwsBackend, TaskTokens } from '../../sim/local-cloud/aws-backend.js';
import { startAwsEndpoint, type LocalEndpoint } from '../../sim/local-cloud/aws-endpoint.js';
import { LocalQueue } from '../../sim/local-cloud/sqs-queue.js';
import { EPOCH_MS, SimApiError } from '../../sim/types.js';
import { FakeCluster } from './local-cloud-fake-cluster.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

function baseGroup(): AsgState {
  return {
    name: 'mesos-batch',
    minSize: 1,
    maxSize: 5,
    desiredCapacity: 2,
    instances: [
      { instanceId: 'i-001', availabilityZone: 'eu-west-1a', lifecycleState: 'InService', healthStatus: 'Healthy', protectedFromScaleIn: false, weight: 1, instanceType: 'm5.2xlarge' },
      { instanceId: 'i-002', availabilityZone: 'eu-west-1b', lifecycleState: 'Pending', healthStatus: 'Healthy', protectedFromScaleIn: true, weight: 2, instanceType: 'm5.4xlarge' },
    ],
    suspendedProcesses: ['AZRebalance'],
    tags: { 'mesos-autoscaler/pool': 'batch', team: 'a & b <c>' },
  };
}

/** Records what Step Functions would receive; only issued tokens are accepted. */
class TokenLedger implements TaskTokens {
  readonly waiting = new Set<string>();
  readonly answers = new Map<string, { output: string } | { error: string; cause: string }>();
  succeed(token: string, outputJson: string): void {
    this.take(token);
    this.answers.set(token, { output: outputJson });
  }
  fail(token: string, error: string, cause: string): void {
    this.take(token);
    this.answers.set(token, { error, cause });
  }
  heartbeat(token: string): void {
    if (!this.waiting.has(token)) throw Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' });
  }
  private take(token: string): void {
    if (token === 'revoked') throw Object.assign(new Error('Invalid token'), { name: 'InvalidToken' });
    if (!this.waiting.delete(token)) throw new Error(`no task waits for ${token}`);
  }
}

let cluster: FakeCluster;
let clock: number;
let backend: AwsBackend;
let tokens: TokenLedger;
let endpoint: LocalEndpoint;

beforeEach(async () => {
  cluster = new FakeCluster(baseGroup());
  cluster.addressBook.set('i-001', { instanceId: 'i-001', privateIp: '10.0.0.1', privateDnsName: 'ip-10-0-0-1.eu-west-1.compute.internal' });
  cluster.addressBook.set('i-002', { instanceId: 'i-002', privateIp: '10.0.0.2', privateDnsName: 'ip-10-0-0-2.eu-west-1.compute.internal' });
  cluster.addressBook.set('i-gone', { instanceId: 'i-gone', privateIp: null, privateDnsName: null });
  clock = EPOCH_MS;
  tokens = new TokenLedger();
  backend = {
    cluster,
    parameters: new Map(),
    tables: new Map([['pool-state', { keyAttribute: 'pool', items: new Map() }]]),
    tasks: tokens,
    queues: new Map([
      ['scale.fifo', new LocalQueue('scale.fifo', { contentBasedDeduplication: true })],
      ['strict.fifo', new LocalQueue('strict.fifo')],
      ['events', new LocalQueue('events')],
    ]),
    now: () => clock,
  };
  endpoint = await startAwsEndpoint(backend);
});

afterEach(async () => {
  await endpoint.close();
});

const config = () => ({ endpoint: endpoint.url, region: 'eu-west-1', credentials, maxAttempts: 1 });

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

describe('Auto Scaling through createAutoScalingPort', () => {
  test('describeGroups returns the simulated group as the adapter parses it', async () => {
    const port = createAutoScalingPort(new AutoScalingClient(config()));
    expect(await port.describeGroups(['mesos-batch', 'unknown-group'])).toEqual([baseGroup()]);
    expect(await port.describeGroups(['unknown-group'])).toEqual([]);
  });

  test('lists are always present and group fields have their wire types', async () => {
    cluster.group = { ...baseGroup(), instances: [], suspendedProcesses: [], tags: {} };
    const out = await new AutoScalingClient(config()).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['mesos-batch'], MaxRecords: 1 }));
    const group = out.AutoScalingGroups![0]!;
    expect(group.Instances).toEqual([]);
    expect(group.SuspendedProcesses).toEqual([]);
    expect(group.Tags).toEqual([]);
    expect(group.CreatedTime).toEqual(new Date(EPOCH_MS));
    expect(group.AutoScalingGroupARN).toMatch(/^arn:aws:autoscaling:eu-west-1:000000000000:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/mesos-batch$/);
    expect(out.NextToken).toBeUndefined();
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('WeightedCapacity travels as a string and tag filters select the group', async () => {
    const client = new AutoScalingClient(config());
    const byTag = await client.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:mesos-autoscaler/pool', Values: ['batch'] }] }));
    expect(byTag.AutoScalingGroups![0]!.Instances!.map((i) => i.WeightedCapacity)).toEqual(['1', '2']);
    const noMatch = await client.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:mesos-autoscaler/pool', Values: ['web'] }] }));
    expect(noMatch.AutoScalingGroups).toEqual([]);
  });

  test('recentActivities pages through DescribeScalingActivities with NextToken', async () => {
    cluster.activityLog = Array.from({ length: 130 }, (_, i) => ({
      activityId: `act-${130 - i}`,
      description: `Launching a new EC2 instance: i-${130 - i}`,
      cause: 'cause',
      startTime: EPOCH_MS + (130 - i) * 1000,
      endTime: i === 0 ? null : EPOCH_MS + (130 - i) * 1000 + 500,
      statusCode: i === 0 ? 'InProgress' : 'Successful',
    }));
    const port = createAutoScalingPort(new AutoScalingClient(config()));
    const activities = await port.recentActivities('mesos-batch', 120);
    expect(activities).toHaveLength(120);
    expect(activities.map((a) => a.activityId)).toEqual(cluster.activityLog.slice(0, 120).map((a) => a.activityId));
    expect(activities[0]).toEqual(cluster.activityLog[0]);
    expect(activities[1]).toEqual(cluster.activityLog[1]);
    expect(await port.recentActivities('other-group', 10)).toEqual([]);
  });

  test('DescribeScalingActivities filters by ActivityIds', async () => {
    cluster.activityLog = [
      { activityId: 'a-2', description: 'd2', cause: 'c2', startTime: EPOCH_MS + 2000, endTime: null, statusCode: 'InProgress' },
      { activityId: 'a-1', description: 'd1', cause: 'c1', startTime: EPOCH_MS + 1000, endTime: EPOCH_MS + 1500, statusCode: 'Successful' },
    ];
    const out = await new AutoScalingClient(config()).send(new DescribeScalingActivitiesCommand({ ActivityIds: ['a-1'] }));
    expect(out.Activities!.map((a) => [a.ActivityId, a.StatusCode, a.EndTime, a.Progress])).toEqual([['a-1', 'Successful', new Date(EPOCH_MS + 1500), 100]]);
  });

  test('setDesiredCapacity changes the simulated group', async () => {
    const port = createAutoScalingPort(new AutoScalingClient(config()));
    await port.setDesiredCapacity('mesos-batch', 4);
    expect(cluster.group.desiredCapacity).toBe(4);
  });

  test('values outside min..max and unknown groups are ValidationError → Autoscaler.InvalidInput', async () => {
    const port = createAutoScalingPort(new AutoScalingClient(config()));
    const aboveMax = await rejection(port.setDesiredCapacity('mesos-batch', 9));
    expect(aboveMax).toBeInstanceOf(AutoscalerError);
    expect(aboveMax.name).toBe(ErrorNames.InvalidInput);
    expect(aboveMax.message).toContain('ValidationError: New SetDesiredCapacity value 9 is above max value 5 for the AutoScalingGroup.');
    const unknown = await rejection(port.setDesiredCapacity('nope', 2));
    expect(unknown.name).toBe(ErrorNames.InvalidInput);
    expect(unknown.message).toContain('AutoScalingGroup name not found');
    expect(cluster.group.desiredCapacity).toBe(2);
  });

  test('ScalingActivityInProgress is a 400 Sender fault the adapter maps to Autoscaler.ScalingConflict', async () => {
    const client = new AutoScalingClient(config());
    cluster.nextError = new SimApiError('ScalingActivityInProgress', 'Scaling activity 123 is in progress and blocks this action.');
    const raw = await rejection(client.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: 'i-001', ShouldDecrementDesiredCapacity: true })));
    expect(raw).toBeInstanceOf(ScalingActivityInProgressFault);
    expect(raw.Type).toBe('Sender');
    expect((raw.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);

    cluster.nextError = new SimApiError('ScalingActivityInProgress', 'busy');
    const mapped = await rejection(createAutoScalingPort(client).setDesiredCapacity('mesos-batch', 3));
    expect(mapped.name).toBe(ErrorNames.ScalingConflict);
  });

  test('ResourceContention is a 500 Receiver fault (a ScalingConflict); Throttling is AwsUnavailable', async () => {
    const port = createAutoScalingPort(new AutoScalingClient(config()));
    cluster.nextError = new SimApiError('ResourceContention', 'You already have a pending update to an Auto Scaling resource.');
    const contention = await rejection(port.setDesiredCapacity('mesos-batch', 3));
    expect(contention.name).toBe(ErrorNames.ScalingConflict);
    expect((contention.cause as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(500);
    expect((contention.cause as { Type: string }).Type).toBe('Receiver');

    cluster.nextError = new SimApiError('Throttling', 'Rate exceeded');
    const throttled = await rejection(port.setDesiredCapacity('mesos-batch', 3));
    expect(throttled.name).toBe(ErrorNames.AwsUnavailable);
    expect((throttled.cause as Error).name).toBe('Throttling');
  });

  test('terminateInstanceAndDecrement terminates through the cluster; the call returns its Activity', async () => {
    const client = new AutoScalingClient(config());
    await createAutoScalingPort(client).terminateInstanceAndDecrement('i-001');
    expect(cluster.group.instances.find((i) => i.instanceId === 'i-001')!.lifecycleState).toBe('Terminating');
    expect(cluster.group.desiredCapacity).toBe(1);

    const out = await client.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: 'i-002', ShouldDecrementDesiredCapacity: false }));
    expect(out.Activity).toMatchObject({ ActivityId: 'act-terminate-i-002', StatusCode: 'InProgress', AutoScalingGroupName: 'mesos-batch', Progress: 0 });
    expect(out.Activity!.StartTime).toBeInstanceOf(Date);
    expect(cluster.group.desiredCapacity).toBe(1);

    const unknown = await rejection(createAutoScalingPort(client).terminateInstanceAndDecrement('i-404'));
    expect(unknown.name).toBe(ErrorNames.InvalidInput);
    expect(unknown.message).toContain('No managed instance found for instance ID: i-404');
  });
});

describe('lifecycle hooks through createLifecyclePort', () => {
  const action = { asgName: 'mesos-batch', hookName: 'drain', instanceId: 'i-001', token: 'tok-1' };

  test('a heartbeat and the completion reach the group; once the action is over both are "gone"', async () => {
    cluster.pendingActions.set('i-001', 'tok-1');
    const port = createLifecyclePort(new AutoScalingClient(config()));
    expect(await port.recordHeartbeat(action)).toBe('done');
    expect(await port.completeLifecycleAction({ ...action, result: 'ABANDON' })).toBe('done');
    expect(cluster.lifecycleCalls).toEqual([
      ['heartbeat', action],
      ['complete ABANDON', { ...action, result: 'ABANDON' }],
    ]);
    expect(await port.completeLifecycleAction({ ...action, result: 'CONTINUE' })).toBe('gone');
    expect(await port.recordHeartbeat(action)).toBe('gone');
  });

  test('a result other than CONTINUE or ABANDON is a ValidationError', async () => {
    cluster.pendingActions.set('i-001', 'tok-1');
    const error = await rejection(
      new AutoScalingClient(config()).send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'mesos-batch', LifecycleHookName: 'drain', InstanceId: 'i-001', LifecycleActionResult: 'MAYBE' })),
    );
    expect(error.name).toBe('ValidationError');
    expect(cluster.lifecycleCalls).toEqual([]);
  });
});

describe('EC2 through createInstancePort', () => {
  test('addresses of known instances; unknown ids are left out', async () => {
    const port = createInstancePort(new EC2Client(config()));
    const addresses = await port.addresses(['i-001', 'i-002', 'i-gone', 'i-unknown']);
    expect(addresses).toEqual([
      { instanceId: 'i-001', privateIp: '10.0.0.1', privateDnsName: 'ip-10-0-0-1.eu-west-1.compute.internal' },
      { instanceId: 'i-002', privateIp: '10.0.0.2', privateDnsName: 'ip-10-0-0-2.eu-west-1.compute.internal' },
      { instanceId: 'i-gone', privateIp: null, privateDnsName: null },
    ]);
  });

  test('DescribeInstances: InstanceId.N, states from the group, and InvalidInstanceID.NotFound', async () => {
    const client = new EC2Client(config());
    const out = await client.send(new DescribeInstancesCommand({ InstanceIds: ['i-002', 'i-gone'] }));
    const instances = out.Reservations!.flatMap((r) => r.Instances!);
    expect(instances.map((i) => [i.InstanceId, i.State?.Name, i.State?.Code, i.InstanceType, i.Placement?.AvailabilityZone])).toEqual([
      ['i-002', 'pending', 0, 'm5.4xlarge', 'eu-west-1b'],
      ['i-gone', 'terminated', 48, undefined, undefined],
    ]);
    expect(instances[0]!.Tags).toEqual([{ Key: 'aws:autoscaling:groupName', Value: 'mesos-batch' }]);

    const running = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }));
    expect(running.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual(['i-001']);

    const missing = await rejection(client.send(new DescribeInstancesCommand({ InstanceIds: ['i-001', 'i-0bad'] })));
    expect(missing.name).toBe('InvalidInstanceID.NotFound');
    expect(missing.message).toBe("The instance ID 'i-0bad' does not exist");
  });
});

describe('SSM', () => {
  test('createSsmParameterSource reads more than one page (MaxResults ≤ 10), through AWS_ENDPOINT_URL', async () => {
    for (let i = 0; i < 23; i++) backend.parameters.set(`/autoscaler/pools/p${String(i).padStart(2, '0')}/asg-name`, `asg-${i}`);
    backend.parameters.set('/autoscaler/mesos/master-urls', 'http://m1:5050');
    backend.parameters.set('/elsewhere/x', 'not under the path');
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = endpoint.url;
    try {
      // As the Lambda runtime builds it: no endpoint option, the environment decides.
      const source = createSsmParameterSource(new SSMClient({}));
      const read = await source.byPath('/autoscaler/');
      expect(read.size).toBe(24);
      expect(read).toEqual(new Map([...backend.parameters].filter(([name]) => name.startsWith('/autoscaler/'))));
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  test('GetParametersByPath pages, honours Recursive and refuses MaxResults above 10', async () => {
    backend.parameters.set('/a/x', '1').set('/a/y', '2').set('/a/deep/z', '3');
    const client = new SSMClient(config());
    const first = await client.send(new GetParametersByPathCommand({ Path: '/a', Recursive: true, MaxResults: 2 }));
    expect(first.Parameters!.map((p) => p.Name)).toEqual(['/a/deep/z', '/a/x']);
    expect(first.NextToken).toBeDefined();
    const last = await client.send(new GetParametersByPathCommand({ Path: '/a', Recursive: true, MaxResults: 2, NextToken: first.NextToken }));
    expect(last.Parameters!.map((p) => p.Name)).toEqual(['/a/y']);
    expect(last.NextToken).toBeUndefined();
    const direct = await client.send(new GetParametersByPathCommand({ Path: '/a/' }));
    expect(direct.Parameters!.map((p) => p.Name)).toEqual(['/a/x', '/a/y']);
    expect(direct.Parameters![0]!.LastModifiedDate).toEqual(new Date(EPOCH_MS));
    const tooMany = await rejection(client.send(new GetParametersByPathCommand({ Path: '/a', MaxResults: 11 })));
    expect(tooMany.name).toBe('ValidationException');
  });

  test('GetParameter and PutParameter: not found, versions, overwrite', async () => {
    const client = new SSMClient(config());
    expect(await rejection(client.send(new GetParameterCommand({ Name: '/nope' })))).toBeInstanceOf(ParameterNotFound);
    expect((await client.send(new PutParameterCommand({ Name: '/p', Value: 'one', Type: 'String' }))).Version).toBe(1);
    expect(await rejection(client.send(new PutParameterCommand({ Name: '/p', Value: 'two', Type: 'String' })))).toBeInstanceOf(ParameterAlreadyExists);
    clock += 60_000;
    expect((await client.send(new PutParameterCommand({ Name: '/p', Value: 'two', Overwrite: true }))).Version).toBe(2);
    const got = await client.send(new GetParameterCommand({ Name: '/p', WithDecryption: true }));
    expect(got.Parameter).toMatchObject({ Name: '/p', Value: 'two', Version: 2, Type: 'String', LastModifiedDate: new Date(clock) });
    expect(backend.parameters.get('/p')).toBe('two');
    // A change made by the simulator directly is a new version too.
    backend.parameters.set('/p', 'three');
    expect((await client.send(new GetParameterCommand({ Name: '/p' }))).Parameter).toMatchObject({ Value: 'three', Version: 3 });
  });
});

describe('DynamoDB through createPoolMemoryPort', () => {
  test('put then get round-trips the pool memory and stores the item in the table', async () => {
    const port = createPoolMemoryPort(new DynamoDBClient(config()), 'pool-state', { now: () => clock });
    expect(await port.get('batch')).toBeNull();
    const memory = { since: EPOCH_MS - 5000, recent: [{ at: EPOCH_MS - 5000, agents: 4 }, { at: EPOCH_MS - 1000, agents: 3 }] };
    await port.put('batch', memory);
    expect(await port.get('batch')).toEqual(memory);
    expect(backend.tables.get('pool-state')!.items.get('batch')).toEqual({
      pool: { S: 'batch' },
      expiresAt: { N: String(EPOCH_MS / 1000 + 7 * 24 * 3600) },
      since: { N: String(EPOCH_MS - 5000) },
      recent: {
        L: [
          { M: { at: { N: String(EPOCH_MS - 5000) }, agents: { N: '4' } } },
          { M: { at: { N: String(EPOCH_MS - 1000) }, agents: { N: '3' } } },
        ],
      },
    });
    // A broken record (untrusted data) is stored as no record at all.
    await port.put('batch', { since: null, recent: [] });
    expect(await port.get('batch')).toEqual({ since: null, recent: [] });
    expect(backend.tables.get('pool-state')!.items.get('batch')).not.toHaveProperty('recent');
  });

  test('an unknown table is ResourceNotFoundException (AwsUnavailable through the port)', async () => {
    const client = new DynamoDBClient(config());
    expect(await rejection(client.send(new GetItemCommand({ TableName: 'missing', Key: { pool: { S: 'x' } } })))).toBeInstanceOf(ResourceNotFoundException);
    const mapped = await rejection(createPoolMemoryPort(client, 'missing').get('x'));
    expect(mapped.name).toBe(ErrorNames.AwsUnavailable);
  });
});

describe('DynamoDB through createDrainLedger', () => {
  const drain = (agentId: string, extra: Partial<DrainRecord> = {}): DrainRecord => ({
    pool: 'batch',
    agentId,
    instanceId: 'i-001',
    hostname: 'ip-10-0-0-1.eu-west-1.compute.internal',
    ip: '10.0.0.1',
    executionId: 'arn:aws:states:eu-west-1:000000000000:execution:autoscaler:run-1',
    startedAt: EPOCH_MS,
    deadline: EPOCH_MS + 3600_000,
    mode: 'soft',
    ...extra,
  });

  test('put, list and remove round-trip in the pool memory table without touching the pool memory', async () => {
    const client = new DynamoDBClient(config());
    const memory = createPoolMemoryPort(client, 'pool-state', { now: () => clock });
    const ledger = createDrainLedger(client, 'pool-state', { now: () => clock });
    await memory.put('batch', { since: EPOCH_MS - 5000, recent: [{ at: EPOCH_MS - 5000, agents: 2 }] });

    expect(await ledger.list('batch')).toEqual([]);
    await ledger.put(drain('agent-1'));
    await ledger.put(drain('agent-2', { instanceId: 'i-002', mode: 'hard' }));
    await ledger.put(drain('agent-1', { deadline: EPOCH_MS + 60_000 }));
    expect(await ledger.list('batch')).toEqual([drain('agent-2', { instanceId: 'i-002', mode: 'hard' }), drain('agent-1', { deadline: EPOCH_MS + 60_000 })]);
    expect(await ledger.list('web')).toEqual([]);

    const items = backend.tables.get('pool-state')!.items;
    expect([...items.keys()].sort()).toEqual(['batch', 'drains#batch']);
    expect(items.get('drains#batch')!.expiresAt).toEqual({ N: String(EPOCH_MS / 1000 + 7 * 24 * 3600) });
    expect(await memory.get('batch')).toEqual({ since: EPOCH_MS - 5000, recent: [{ at: EPOCH_MS - 5000, agents: 2 }] });

    await ledger.remove('batch', 'agent-2');
    expect(await ledger.list('batch')).toEqual([drain('agent-1', { deadline: EPOCH_MS + 60_000 })]);
    await ledger.remove('batch', 'agent-1');
    expect(await ledger.list('batch')).toEqual([]);
  });

  test('a corrupted item is refused, not read as empty', async () => {
    backend.tables.get('pool-state')!.items.set('drains#batch', { pool: { S: 'drains#batch' }, drains: { S: '[{"agentId":1}]' } });
    const err = await rejection(createDrainLedger(new DynamoDBClient(config()), 'pool-state').list('batch'));
    expect(err.name).toBe(ErrorNames.InvalidInput);
    expect(err.message).toContain('drains#batch');
  });

  test('an unknown table is AwsUnavailable', async () => {
    const err = await rejection(createDrainLedger(new DynamoDBClient(config()), 'missing').put(drain('agent-1')));
    expect(err.name).toBe(ErrorNames.AwsUnavailable);
    expect((err.cause as Error).name).toBe('ResourceNotFoundException');
  });
});

describe('Step Functions through createExecutionsPort', () => {
  const arn = (name: string) => `arn:aws:states:eu-west-1:000000000000:execution:autoscaler:${name}`;

  test('running, ended and unknown executions', async () => {
    const states = new Map([
      [arn('live'), true],
      [arn('done'), false],
    ]);
    backend.executions = {
      isRunning(executionArn) {
        const running = states.get(executionArn);
        if (running === undefined) throw new Error(`no execution ${executionArn}`);
        return running;
      },
    };
    const client = new SFNClient(config());
    const executions = createExecutionsPort(client);
    expect(await executions.isRunning(arn('live'))).toBe(true);
    expect(await executions.isRunning(arn('done'))).toBe(false);
    expect(await executions.isRunning(arn('never'))).toBe(false);
    // A local id (the simulator's) is passed through as it is.
    states.set('local-3', true);
    expect(await executions.isRunning('local-3')).toBe(true);

    const described = await client.send(new DescribeExecutionCommand({ executionArn: arn('done') }));
    expect([described.executionArn, described.status]).toEqual([arn('done'), 'SUCCEEDED']);
    const missing = await rejection(client.send(new DescribeExecutionCommand({ executionArn: arn('never') })));
    expect(missing).toBeInstanceOf(ExecutionDoesNotExist);
    expect(missing.message).toBe(`Execution Does Not Exist: '${arn('never')}'`);
  });

  test('with no executions in the backend, none exists', async () => {
    expect(await createExecutionsPort(new SFNClient(config())).isRunning(arn('live'))).toBe(false);
  });

  test('a malformed request is a ValidationException, thrown by the port', async () => {
    const err = await rejection(createExecutionsPort(new SFNClient(config())).isRunning(undefined as unknown as string));
    expect(err.name).toBe(ErrorNames.InvalidInput);
    expect((err.cause as Error).name).toBe('ValidationException');
  });
});

describe('Step Functions through createTaskReporter', () => {
  test('succeed and fail reach the backend', async () => {
    tokens.waiting.add('t-1').add('t-2');
    const reporter = createTaskReporter(new SFNClient(config()));
    await reporter.succeed('t-1', { desired: 3 });
    await reporter.fail('t-2', 'Autoscaler.ScalingConflict', 'busy');
    expect(tokens.answers.get('t-1')).toEqual({ output: '{"desired":3}' });
    expect(tokens.answers.get('t-2')).toEqual({ error: 'Autoscaler.ScalingConflict', cause: 'busy' });
  });

  test('an unknown token is TaskDoesNotExist (logged by the reporter, not thrown); InvalidToken keeps its name', async () => {
    const warnings: string[] = [];
    const client = new SFNClient(config());
    const reporter = createTaskReporter(client, { warn: (m) => warnings.push(m) });
    await reporter.succeed('never-issued', {});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('TaskDoesNotExist');
    const raw = await rejection(client.send(new SendTaskSuccessCommand({ taskToken: 'never-issued', output: '{}' })));
    expect(raw.name).toBe('TaskDoesNotExist');
    const revoked = await rejection(client.send(new SendTaskSuccessCommand({ taskToken: 'revoked', output: '{}' })));
    expect(revoked.name).toBe('InvalidToken');
  });

  test('output must be JSON; heartbeats check the token', async () => {
    tokens.waiting.add('t-3');
    const client = new SFNClient(config());
    expect((await rejection(client.send(new SendTaskSuccessCommand({ taskToken: 't-3', output: 'not json' })))).name).toBe('InvalidOutput');
    await client.send(new SendTaskHeartbeatCommand({ taskToken: 't-3' }));
    expect((await rejection(client.send(new SendTaskHeartbeatCommand({ taskToken: 't-9' })))).name).toBe('TaskTimedOut');
  });
});

describe('SQS', () => {
  const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

  test('FIFO round trip: group exclusion while in flight, visibility in the backend clock, delete', async () => {
    const client = new SQSClient(config());
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: 'scale.fifo' }));
    expect(QueueUrl).toBe(`${endpoint.url}/000000000000/scale.fifo`);
    const sent = await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'héllo ✓', MessageGroupId: 'asg-a', MessageAttributes: { kind: { DataType: 'String', StringValue: 'scale' } } }));
    expect(sent.MD5OfMessageBody).toBe(md5('héllo ✓'));
    expect(sent.SequenceNumber).toMatch(/^\d{20}$/);
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'second for a', MessageGroupId: 'asg-a' }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'first for b', MessageGroupId: 'asg-b' }));

    const receive = () =>
      client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 30, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }));
    const first = (await receive()).Messages!;
    expect(first.map((m) => m.Body)).toEqual(['héllo ✓']);
    expect(first[0]!.MD5OfBody).toBe(md5('héllo ✓'));
    expect(first[0]!.Attributes).toMatchObject({ ApproximateReceiveCount: '1', MessageGroupId: 'asg-a', SentTimestamp: String(EPOCH_MS) });
    expect(first[0]!.MessageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'scale' } });

    // asg-a has a message in flight: its second message waits; asg-b's is delivered.
    expect((await receive()).Messages!.map((m) => m.Body)).toEqual(['first for b']);
    expect((await receive()).Messages).toBeUndefined();

    clock += 31_000;
    const again = (await receive()).Messages!;
    expect(again.map((m) => [m.Body, m.Attributes!.ApproximateReceiveCount])).toEqual([['héllo ✓', '2']]);
    await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again[0]!.ReceiptHandle }));
    expect((await receive()).Messages!.map((m) => m.Body)).toEqual(['second for a']);
    expect(await rejection(client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first[0]!.ReceiptHandle })))).toBeInstanceOf(ReceiptHandleIsInvalid);
  });

  test('a batch takes consecutive messages of a free group in order', async () => {
    const client = new SQSClient(config());
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: 'scale.fifo' }));
    for (const body of ['a1', 'a2', 'b1', 'a3']) await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: body[0] }));
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(out.Messages!.map((m) => m.Body)).toEqual(['a1', 'a2', 'b1', 'a3']);
    expect(out.Messages![0]!.Attributes).toBeUndefined();
  });

  test('content-based deduplication, FIFO parameter checks and unknown queues', async () => {
    const client = new SQSClient(config());
    const url = (name: string) => `${endpoint.url}/000000000000/${name}`;
    const one = await client.send(new SendMessageCommand({ QueueUrl: url('scale.fifo'), MessageBody: 'same', MessageGroupId: 'g' }));
    const two = await client.send(new SendMessageCommand({ QueueUrl: url('scale.fifo'), MessageBody: 'same', MessageGroupId: 'g' }));
    expect(two.MessageId).toBe(one.MessageId);
    expect(backend.queues.get('scale.fifo')!.messages).toHaveLength(1);

    const noGroup = await rejection(client.send(new SendMessageCommand({ QueueUrl: url('scale.fifo'), MessageBody: 'x' })));
    expect(noGroup.name).toBe('MissingParameter');
    expect(noGroup.message).toBe('The request must contain the parameter MessageGroupId.');
    const noDedup = await rejection(client.send(new SendMessageCommand({ QueueUrl: url('strict.fifo'), MessageBody: 'x', MessageGroupId: 'g' })));
    expect(noDedup.name).toBe('InvalidParameterValue');
    const missing = await rejection(client.send(new GetQueueUrlCommand({ QueueName: 'nope' })));
    expect(missing).toBeInstanceOf(QueueDoesNotExist);
    expect(missing.Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
  });

  test('a queue tells whether a receive at a time (epoch ms) has a message to look at', () => {
    const queue = new LocalQueue('later');
    expect(queue.hasVisible(EPOCH_MS)).toBe(false);
    queue.send({ body: 'delayed', delaySeconds: 10 }, EPOCH_MS);
    expect(queue.hasVisible(EPOCH_MS + 9_999)).toBe(false);
    expect(queue.hasVisible(EPOCH_MS + 10_000)).toBe(true);
    expect(queue.receive(1, 30, EPOCH_MS + 10_000)).toHaveLength(1);
    expect(queue.hasVisible(EPOCH_MS + 39_999)).toBe(false);
    expect(queue.hasVisible(EPOCH_MS + 40_000)).toBe(true);
  });

  test('standard queue: MD5 checks pass for many bodies, SequenceNumber absent, empty receive is {}', async () => {
    const client = new SQSClient(config());
    const QueueUrl = `${endpoint.url}/000000000000/events`;
    const bodies = ['plain', '{"json":true}', 'ünïcødé 🚀', 'x'.repeat(5000)];
    for (const MessageBody of bodies) {
      const out = await client.send(new SendMessageCommand({ QueueUrl, MessageBody }));
      expect(out.SequenceNumber).toBeUndefined();
    }
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(out.Messages!.map((m) => m.Body)).toEqual(bodies);
    const empty = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(empty.Messages).toBeUndefined();
  });
});

describe('the endpoint', () => {
  test('answers unknown query versions and JSON targets in the protocol format, with a request id', async () => {
    const query = await fetch(endpoint.url, { method: 'POST', body: 'Action=ListQueues&Version=2012-11-05', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(query.status).toBe(400);
    expect(await query.text()).toContain('<Code>NoSuchVersion</Code>');
    expect(query.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const json = await fetch(endpoint.url, { method: 'POST', body: '{}', headers: { 'x-amz-target': 'AmazonKinesis.PutRecord' } });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  test('a backend failure is a 500 InternalFailure', async () => {
    cluster.describeGroups = () => {
      throw new Error('boom');
    };
    const error = await rejection(new AutoScalingClient(config()).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['mesos-batch'] })));
    expect(error.name).toBe('InternalFailure');
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(500);
  });
});
