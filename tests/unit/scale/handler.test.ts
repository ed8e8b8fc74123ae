import { jest } from '@jest/globals';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, SFNServiceException } from '@aws-sdk/client-sfn';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { makeScaleHandler } from '../../../functions/scale/handler.js';
import { createTaskReporter } from '../../../shared/aws/task-reporter.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import type { Plan } from '../../../shared/model/plan.js';
import type { FinishDrainsRequest } from '../../../shared/model/workflow.js';
import type { ScaleDeps } from '../../../shared/scale/apply-plan.js';
import {
  FakeAutoScaling, FakeInstances, FakeLedger, FakeMaintenance, FakeMesos,
  agent, asg, cluster, drainRecord, idOf, instance, plan,
} from '../../support/fakes.js';

const sfnMock = mockClient(SFNClient);
const context = {} as Context;

let autoScaling: FakeAutoScaling;
let mesos: FakeMesos;
let maintenance: FakeMaintenance;
let ledger: FakeLedger;
let logs: Array<{ message: string } & Record<string, unknown>>;

function deps(): ScaleDeps {
  return {
    autoScaling,
    instances: new FakeInstances(),
    mesos,
    maintenance,
    ledger,
    reporter: createTaskReporter(new SFNClient({}), { warn: () => {} }),
    now: () => 1_700_000_530_000,
    log: (message, fields) => logs.push({ message, ...fields }),
  };
}

beforeEach(() => {
  sfnMock.reset();
  sfnMock.on(SendTaskSuccessCommand).resolves({});
  sfnMock.on(SendTaskFailureCommand).resolves({});
  autoScaling = new FakeAutoScaling(asg([instance(1), instance(2), instance(3)]));
  mesos = new FakeMesos(cluster([]));
  maintenance = new FakeMaintenance();
  ledger = new FakeLedger();
  logs = [];
});

function record(messageId: string, body: unknown): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1700000000000',
      SenderId: 'states',
      ApproximateFirstReceiveTimestamp: '1700000000001',
      MessageGroupId: 'asg-batch',
      SequenceNumber: '1',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:scale.fifo',
    awsRegion: 'eu-west-1',
  };
}

const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const scaleOut = (extra: Partial<Plan> = {}) => plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5, ...extra });
const finish = (extra: Partial<FinishDrainsRequest> = {}): FinishDrainsRequest => ({
  pool: 'batch', asgNames: ['asg-batch'], executionId: 'exec-1', ready: ['agent-1'], expired: [], drain: plan().drain, ...extra,
});

it('applies a valid plan and answers the task with the action result', async () => {
  const handler = makeScaleHandler(async () => deps());

  const response = await handler(event(record('m-1', { taskToken: 'tok-1', plan: scaleOut() })), context);

  expect(response).toEqual({ batchItemFailures: [] });
  expect(autoScaling.calls).toEqual(['set asg-batch 5']);
  const output = sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
  expect(output?.taskToken).toBe('tok-1');
  expect(JSON.parse(output?.output ?? 'null')).toMatchObject({ action: 'scale-out', before: 3, after: 5 });
  expect(logs[0]).toMatchObject({ message: 'plan applied', messageId: 'm-1', pool: 'batch', planAgeMs: 30_000 });
});

it('reports a malformed record as a batch failure while a good one succeeds, and fails its task', async () => {
  const handler = makeScaleHandler(async () => deps());
  const bad = { taskToken: 'tok-bad', plan: { pool: 'batch' } };

  const response = await handler(event(record('m-good', { taskToken: 'tok-good', plan: scaleOut() }), record('m-bad', bad)), context);

  expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
  expect(sfnMock).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'tok-good' });
  const failure = sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
  expect(failure?.taskToken).toBe('tok-bad');
  expect(failure?.error).toBe(ErrorNames.InvalidInput);
  expect(failure?.cause).toContain('invalid scale message');
});

it('reports a body that is not JSON as a batch failure without calling Step Functions', async () => {
  const handler = makeScaleHandler(async () => deps());
  const response = await handler(event(record('m-1', '{not json')), context);
  expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  expect(sfnMock.calls()).toHaveLength(0);
});

it('sends an AutoscalerError to the task with its name, and counts the record as processed', async () => {
  autoScaling = new FakeAutoScaling(asg([instance(1), instance(2), instance(3), instance(4)]));
  const handler = makeScaleHandler(async () => deps());

  const response = await handler(event(record('m-1', { taskToken: 'tok-1', plan: scaleOut() })), context);

  expect(response).toEqual({ batchItemFailures: [] });
  const failure = sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
  expect(failure?.error).toBe(ErrorNames.StalePlan);
  expect(failure?.cause).toContain('moved from 3 to 4');
  expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 0);
});

it('returns the record to SQS when the task cannot be answered, and leaves the rest of the FIFO batch unprocessed', async () => {
  sfnMock
    .on(SendTaskSuccessCommand)
    .rejects(new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: {} }));
  const handler = makeScaleHandler(async () => deps());

  const response = await handler(
    event(
      record('m-1', { taskToken: 'tok-1', plan: scaleOut() }),
      record('m-2', { taskToken: 'tok-2', plan: plan({ action: 'none', fromDesired: 5, targetDesired: 5 }) }),
    ),
    context,
  );

  expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
  expect(sfnMock).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  expect(logs.some((l) => l.level === 'error' && String(l.error).includes('ThrottlingException'))).toBe(true);
});

it('returns the record to SQS on an unexpected error, without answering the task', async () => {
  mesos.readCluster = async () => {
    throw new TypeError('boom');
  };
  const handler = makeScaleHandler(async () => deps());

  const response = await handler(
    event(record('m-1', { taskToken: 'tok-1', plan: plan({ action: 'scale-in', fromDesired: 3, targetDesired: 2 }) })),
    context,
  );

  expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  expect(sfnMock.calls()).toHaveLength(0);
});

it('builds its dependencies for each invocation', async () => {
  const getDeps = jest.fn(async () => deps());
  const handler = makeScaleHandler(getDeps);
  await handler(event(), context);
  await handler(event(), context);
  expect(getDeps).toHaveBeenCalledTimes(2);
});

describe('finish messages', () => {
  it('ends the drains with finishDrains and answers the task with its result', async () => {
    mesos = new FakeMesos(cluster([agent(1), agent(2), agent(3)]));
    ledger = new FakeLedger([drainRecord(1), drainRecord(2)]);
    const handler = makeScaleHandler(async () => deps());

    const response = await handler(event(record('m-1', { taskToken: 'tok-f', finish: finish({ ready: ['agent-1'], expired: ['agent-2'] }) })), context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(autoScaling.calls).toEqual([`terminate ${idOf(1)}`]);
    expect(maintenance.calls).toEqual(['cleanUp agent-1 gone=true', 'cancel agent-2']);
    expect(ledger.records).toEqual([]);
    const output = sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(output?.taskToken).toBe('tok-f');
    expect(JSON.parse(output?.output ?? 'null')).toEqual({ terminatedInstanceIds: [idOf(1)], givenUp: ['agent-2'], forced: [], skipped: [] });
    expect(logs[0]).toMatchObject({ message: 'finish drains applied', messageId: 'm-1', pool: 'batch', ready: ['agent-1'], expired: ['agent-2'] });
  });

  it('sends a conflict before any termination to the task as its failure', async () => {
    mesos = new FakeMesos(cluster([agent(1)]));
    ledger = new FakeLedger([drainRecord(1)]);
    autoScaling.terminateErrors = [new AutoscalerError(ErrorNames.ScalingConflict, 'ScalingActivityInProgressFault: busy')];
    const handler = makeScaleHandler(async () => deps());

    const response = await handler(event(record('m-1', { taskToken: 'tok-f', finish: finish() })), context);

    expect(response).toEqual({ batchItemFailures: [] });
    const failure = sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(failure).toMatchObject({ taskToken: 'tok-f', error: ErrorNames.ScalingConflict });
    expect(logs[0]).toMatchObject({ message: 'finish drains refused' });
    expect(ledger.records).toEqual([drainRecord(1)]);
  });

  it('fails the task of a malformed finish message with InvalidInput', async () => {
    const handler = makeScaleHandler(async () => deps());
    const { executionId: _dropped, ...withoutExecution } = finish();

    const response = await handler(event(record('m-1', { taskToken: 'tok-f', finish: withoutExecution })), context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    const failure = sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(failure).toMatchObject({ taskToken: 'tok-f', error: ErrorNames.InvalidInput });
    expect(failure?.cause).toContain('invalid scale message');
    expect(autoScaling.calls).toEqual([]);
  });
});

describe('maintenance left by ended drains', () => {
  const leftover = { hostname: 'ip-10-0-0-9.internal', ip: '10.0.0.9', since: 1_700_000_000_000 };

  it('is released after a plan or a finish message of the pool is applied, before the task gets its answer', async () => {
    maintenance.machines = [leftover, { hostname: 'ip-10-0-0-1.internal', ip: '10.0.0.1', since: 1_700_000_000_000 }];
    const handler = makeScaleHandler(async () => deps());

    await handler(event(record('m-1', { taskToken: 'tok-1', plan: scaleOut() })), context);

    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(maintenance.calls).toEqual(['release batch 10.0.0.9@1700000000000']);
    expect(logs.map((l) => l.message)).toEqual(['plan applied', 'maintenance of ended drains released']);
    expect(logs[1]).toMatchObject({ messageId: 'm-1', pool: 'batch', asgNames: ['asg-batch'], machines: ['ip-10-0-0-9.internal (10.0.0.9)'] });

    maintenance.machines = [leftover];
    mesos = new FakeMesos(cluster([agent(1)]));
    ledger = new FakeLedger([drainRecord(1)]);
    await handler(event(record('m-2', { taskToken: 'tok-f', finish: finish() })), context);
    expect(maintenance.calls.slice(1)).toEqual(['cleanUp agent-1 gone=true', 'release batch 10.0.0.9@1700000000000']);
  });

  it('is left alone by a dry-run plan', async () => {
    maintenance.machines = [leftover];
    const handler = makeScaleHandler(async () => deps());

    await handler(event(record('m-1', { taskToken: 'tok-1', plan: { ...scaleOut(), dryRun: true } })), context);

    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(maintenance.calls).toEqual([]);
  });

  it('is left for the next message when Mesos fails, without failing the record', async () => {
    maintenance.machines = [leftover];
    maintenance.errors.machines = [new AutoscalerError(ErrorNames.MesosUnavailable, 'no leading master answered')];
    const handler = makeScaleHandler(async () => deps());

    expect(await handler(event(record('m-1', { taskToken: 'tok-1', plan: scaleOut() })), context)).toEqual({ batchItemFailures: [] });

    expect(maintenance.calls).toEqual([]);
    expect(logs[1]).toMatchObject({
      message: 'maintenance of ended drains not released', level: 'warn', pool: 'batch',
      error: { name: ErrorNames.MesosUnavailable, message: 'no leading master answered' },
    });
  });

  it('is not looked at for a drain record', async () => {
    maintenance.machines = [leftover];
    const handler = makeScaleHandler(async () => deps());
    await handler(event(record('m-1', { record: drainRecord(7, { executionId: 'interruptions' }) })), context);
    expect(maintenance.calls).toEqual([]);
  });
});

it('records a drain another function started, once, without answering any task', async () => {
  const handler = makeScaleHandler(async () => deps());
  const drain = drainRecord(7, { executionId: 'interruptions', pool: 'batch' });
  const first = await handler(event(record('m-1', { record: drain }), record('m-2', { record: { ...drain, startedAt: 1 } })), context);
  expect(first).toEqual({ batchItemFailures: [] });
  expect(ledger.records).toEqual([drain]);
  expect(sfnMock.calls()).toHaveLength(0);
});

it('rejects a drain record with a missing field as a batch failure', async () => {
  const handler = makeScaleHandler(async () => deps());
  const { agentId: _, ...broken } = drainRecord(7);
  expect(await handler(event(record('m-1', { record: broken })), context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  expect(ledger.records).toEqual([]);
});
