import type { DrainRecord } from '../../../shared/aws/ports.js';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { handler as deployed, makeInterruptionsHandler } from '../../../functions/interruptions/handler.js';
import type { LifecycleActionRef, LifecycleCallOutcome, LifecyclePort } from '../../../shared/aws/ports.js';
import type { AutoscalerConfig } from '../../../shared/config/types.js';
import type { InterruptionDeps } from '../../../shared/interruptions/handle-interruption.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import { useRuntime } from '../../../shared/runtime.js';
import { FakeAutoScaling, FakeInstances, FakeMaintenance, FakeMesos, agent, asg, cluster, instance, task } from '../../support/fakes.js';
import { EVENT_TIME, pool, raw } from './builders.js';

class FakeLifecycle implements LifecyclePort {
  readonly calls: string[] = [];
  /** Outcomes of the next calls, in order (default `done`); an Error is thrown. */
  outcomes: Array<LifecycleCallOutcome | Error> = [];

  private next(): LifecycleCallOutcome {
    const outcome = this.outcomes.shift() ?? 'done';
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }
  async completeLifecycleAction(a: LifecycleActionRef & { result: 'CONTINUE' | 'ABANDON' }) {
    this.calls.push(`complete ${a.asgName} ${a.hookName} ${a.instanceId} ${a.token} ${a.result}`);
    return this.next();
  }
  async recordHeartbeat(a: LifecycleActionRef) {
    this.calls.push(`heartbeat ${a.asgName} ${a.hookName} ${a.instanceId} ${a.token}`);
    return this.next();
  }
}

const context = {} as Context;
let autoScaling: FakeAutoScaling;
let mesos: FakeMesos;
let maintenance: FakeMaintenance;
let lifecycle: FakeLifecycle;
let config: AutoscalerConfig;
let now: number;
let logs: Array<{ message: string } & Record<string, unknown>>;
let recorded: DrainRecord[];
let recordingFails: boolean;

beforeEach(() => {
  autoScaling = new FakeAutoScaling(asg([instance(1), instance(2)]));
  mesos = new FakeMesos(cluster([agent(1), agent(2)], [task('agent-1')]));
  maintenance = new FakeMaintenance();
  lifecycle = new FakeLifecycle();
  config = { prefix: '/mesos-autoscaler/test/', mesos: {} as AutoscalerConfig['mesos'], paused: false, pools: [pool()], problems: [] };
  now = EVENT_TIME + 10_000;
  logs = [];
  recorded = [];
  recordingFails = false;
});

const handler = makeInterruptionsHandler(
  async (): Promise<InterruptionDeps> => ({
    config,
    autoScaling,
    instances: new FakeInstances(),
    lifecycle,
    mesos,
    maintenance,
    now: () => now,
    recordDrain: async (record) => {
      if (recordingFails) throw new Error('scale queue unavailable');
      recorded.push(record);
    },
    log: (message, fields) => logs.push({ message, ...fields }),
  }),
);

function record(messageId: string, body: unknown): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1', SenderId: 'events', ApproximateFirstReceiveTimestamp: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:interruptions',
    awsRegion: 'eu-west-1',
  };
}

const deliver = (...records: SQSRecord[]) => handler({ Records: records } as SQSEvent, context);
const failed = (...ids: string[]) => ({ batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) });

describe('spot interruption warning', () => {
  it('hard-drains the agent at once with at most 90 s of grace', async () => {
    await expect(deliver(record('m-1', raw.spot('i-001')))).resolves.toEqual(failed());

    expect(maintenance.calls).toEqual(['hard agent-1 grace=90 gone=true']);
    expect(lifecycle.calls).toEqual([]);
    expect(logs[0]).toMatchObject({ message: 'interruption handled', kind: 'spot-interruption', pool: 'batch', agentIds: ['agent-1'] });
  });

  it('ignores an instance that is in none of the pools\' ASGs', async () => {
    await expect(deliver(record('m-1', raw.spot('i-007')))).resolves.toEqual(failed());

    expect(maintenance.calls).toEqual([]);
    expect(mesos.reads).toBe(0);
    expect(logs[0]).toMatchObject({ message: 'interruption ignored', instanceId: 'i-007' });
  });

  it('returns the event to the queue when Mesos cannot be read', async () => {
    mesos.readCluster = async () => {
      throw new AutoscalerError(ErrorNames.MesosUnavailable, 'no leader');
    };

    await expect(deliver(record('m-1', raw.spot('i-001')))).resolves.toEqual(failed('m-1'));
    expect(maintenance.calls).toEqual([]);
  });

  it('returns the event to the queue when the drain call fails', async () => {
    maintenance.startHardDrain = async () => {
      throw new AutoscalerError(ErrorNames.MesosUnavailable, 'timeout');
    };

    await expect(deliver(record('m-1', raw.spot('i-001')))).resolves.toEqual(failed('m-1'));
    expect(logs[0]).toMatchObject({ message: 'interruption returned to the queue', level: 'error' });
  });
});

it('soft-drains on a rebalance recommendation and has the drain recorded with a deadline', async () => {
  await expect(deliver(record('m-1', raw.rebalance('i-002')))).resolves.toEqual(failed());
  expect(recorded).toEqual([
    expect.objectContaining({ pool: 'batch', agentId: 'agent-2', instanceId: 'i-002', executionId: 'interruptions', mode: 'soft', startedAt: now, deadline: now + pool().drain.deadlineSeconds * 1000 }),
  ]);

  expect(maintenance.calls).toEqual(['soft agent-2 window=3600']);
});

it('never deactivates an agent for a rebalance recommendation before its drain is recorded', async () => {
  recordingFails = true;
  await expect(deliver(record('m-1', raw.rebalance('i-002')))).resolves.toEqual(failed('m-1'));
  expect(maintenance.calls).toEqual([]);
  recordingFails = false;
  await expect(deliver(record('m-1', raw.rebalance('i-002')))).resolves.toEqual(failed());
  expect(recorded).toHaveLength(1);
  expect(maintenance.calls).toEqual(['soft agent-2 window=3600']);
});

it('leaves an agent whose machine is already in maintenance alone on a rebalance recommendation', async () => {
  maintenance.windowEnds.set('agent-2', now);
  await expect(deliver(record('m-1', raw.rebalance('i-002')))).resolves.toEqual(failed());
  expect(maintenance.asked).toEqual([now]);
  expect(maintenance.calls).toEqual([]);
  expect(recorded).toEqual([]);
});

describe('terminate lifecycle action', () => {
  it('drains, holds with a heartbeat per delivery while busy, then completes CONTINUE and cleans up once empty', async () => {
    const event = record('m-1', raw.lifecycle('i-001'));

    await expect(deliver(event)).resolves.toEqual(failed('m-1'));
    expect(maintenance.calls).toEqual(['soft agent-1 window=3590']);
    expect(lifecycle.calls).toEqual(['heartbeat asg-batch drain-hook i-001 tok-1']);

    // Redelivered a minute later: the agent drains (deactivated) but still runs its task.
    now += 60_000;
    mesos.state = cluster([agent(1, { deactivated: true, active: false }), agent(2)], [task('agent-1')]);
    await expect(deliver(event)).resolves.toEqual(failed('m-1'));
    expect(maintenance.calls).toHaveLength(1);
    expect(lifecycle.calls).toHaveLength(2);

    // The task ended.
    now += 60_000;
    mesos.state = cluster([agent(1, { deactivated: true, active: false }), agent(2)], []);
    await expect(deliver(event)).resolves.toEqual(failed());
    expect(lifecycle.calls.slice(2)).toEqual(['complete asg-batch drain-hook i-001 tok-1 CONTINUE']);
    expect(maintenance.calls.slice(1)).toEqual(['cleanUp agent-1 gone=true']);
  });

  it('on an older master, where the agent reports no drain, tells one by its machine\'s window: no rewrite on each redelivery', async () => {
    const event = record('m-1', raw.lifecycle('i-001'));
    const deadline = EVENT_TIME + 3600_000;

    await expect(deliver(event)).resolves.toEqual(failed('m-1'));
    expect(maintenance.calls).toEqual(['soft agent-1 window=3590']);
    // What the soft drain wrote: a window until the hold deadline.
    maintenance.windowEnds.set('agent-1', now + 3590_000);

    now += 60_000;
    await expect(deliver(event)).resolves.toEqual(failed('m-1'));
    expect(maintenance.calls).toHaveLength(1);
    expect(maintenance.asked).toEqual([deadline, deadline]);

    // A window that ends before the hold deadline (another drain's) is written anew.
    maintenance.windowEnds.set('agent-1', deadline - 1);
    now += 60_000;
    await expect(deliver(event)).resolves.toEqual(failed('m-1'));
    expect(maintenance.calls).toEqual(['soft agent-1 window=3590', 'soft agent-1 window=3470']);
  });

  it('holds as when Mesos cannot be read when it cannot tell whether the agent drains', async () => {
    maintenance.isOutOfService = async () => {
      throw new AutoscalerError(ErrorNames.MesosUnavailable, 'GET /master/maintenance/schedule: HTTP 503');
    };

    await expect(deliver(record('m-1', raw.lifecycle('i-001')))).resolves.toEqual(failed('m-1'));
    expect(lifecycle.calls).toEqual(['heartbeat asg-batch drain-hook i-001 tok-1']);
    expect(maintenance.calls).toEqual([]);
  });

  it('completes at the hold deadline even though the agent still runs tasks', async () => {
    now = EVENT_TIME + 3600_000 - 30_000;

    await expect(deliver(record('m-1', raw.lifecycle('i-001')))).resolves.toEqual(failed());

    expect(lifecycle.calls).toEqual(['complete asg-batch drain-hook i-001 tok-1 CONTINUE']);
    expect(maintenance.calls).toEqual(['soft agent-1 window=60', 'cleanUp agent-1 gone=true']);
  });

  it('stops holding and cleans up when the heartbeat finds the action gone', async () => {
    lifecycle.outcomes = ['gone'];

    await expect(deliver(record('m-1', raw.lifecycle('i-001')))).resolves.toEqual(failed());

    expect(lifecycle.calls).toEqual(['heartbeat asg-batch drain-hook i-001 tok-1']);
    expect(maintenance.calls).toEqual(['soft agent-1 window=3590', 'cleanUp agent-1 gone=true']);
  });

  it('completes at once for an idle agent, and counts an action already gone as done', async () => {
    lifecycle.outcomes = ['gone'];

    await expect(deliver(record('m-1', raw.lifecycle('i-002')))).resolves.toEqual(failed());

    expect(lifecycle.calls).toEqual(['complete asg-batch drain-hook i-002 tok-1 CONTINUE']);
    expect(maintenance.calls).toEqual(['soft agent-2 window=3590', 'cleanUp agent-2 gone=true']);
  });

  it('holds while Mesos cannot be read', async () => {
    mesos.readCluster = async () => {
      throw new AutoscalerError(ErrorNames.MesosUnavailable, 'no leader');
    };

    await expect(deliver(record('m-1', raw.lifecycle('i-001')))).resolves.toEqual(failed('m-1'));
    expect(lifecycle.calls).toEqual(['heartbeat asg-batch drain-hook i-001 tok-1']);
    expect(maintenance.calls).toEqual([]);
  });

  it('holds while agents have not re-registered after a failover and none is seen on the instance', async () => {
    mesos.state = cluster([agent(2)], [], { recoveredAgentIds: ['agent-1'] });

    await expect(deliver(record('m-1', raw.lifecycle('i-001')))).resolves.toEqual(failed('m-1'));
    expect(lifecycle.calls).toEqual(['heartbeat asg-batch drain-hook i-001 tok-1']);
  });

  it('never touches the lifecycle action of a group that is not a pool\'s', async () => {
    await expect(deliver(record('m-1', raw.lifecycle('i-001', 'asg-someone-else')))).resolves.toEqual(failed());

    expect(lifecycle.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(logs[0]).toMatchObject({ message: 'interruption ignored', reason: expect.stringContaining('asg-someone-else') });
  });

  it('lets the termination go on at once in a dry-run pool, draining nothing', async () => {
    config = { ...config, pools: [pool({ dryRun: true })] };

    await expect(deliver(record('m-1', raw.lifecycle('i-001')))).resolves.toEqual(failed());

    expect(lifecycle.calls).toEqual(['complete asg-batch drain-hook i-001 tok-1 CONTINUE']);
    expect(maintenance.calls).toEqual([]);
  });

  it('returns the event to the queue when AWS refuses the completion', async () => {
    mesos.state = cluster([agent(1)], []);
    lifecycle.outcomes = [new AutoscalerError(ErrorNames.AwsUnavailable, 'Throttling')];

    await expect(deliver(record('m-1', raw.lifecycle('i-001')))).resolves.toEqual(failed('m-1'));
    expect(maintenance.calls).toEqual(['soft agent-1 window=3590']);
  });
});

describe('the boundary', () => {
  it('drops an event of another detail-type, and fails a malformed one (to the DLQ) while the others succeed', async () => {
    const other = record('m-other', { ...raw.spot(), 'detail-type': 'EC2 Instance State-change Notification' });
    const bad = record('m-bad', { ...raw.spot(), detail: {} });
    const good = record('m-good', raw.rebalance('i-002'));

    await expect(deliver(other, bad, good)).resolves.toEqual(failed('m-bad'));

    expect(maintenance.calls).toEqual(['soft agent-2 window=3600']);
    expect(logs.map((l) => l.message).sort()).toEqual(['event ignored', 'event rejected', 'interruption handled']);
  });
});

describe('the deployed handler', () => {
  afterEach(() => useRuntime(null));

  it('runs on the runtime composition: SSM pools, Mesos settings, lifecycle port', async () => {
    const prefix = '/mesos-autoscaler/test/';
    useRuntime({
      prefix,
      parameters: {
        byPath: async () =>
          new Map([
            [`${prefix}mesos/master-urls`, 'http://10.0.0.250:5050'],
            [`${prefix}pools/batch/asg-name`, 'asg-batch'],
          ]),
      },
      autoScaling,
      instances: new FakeInstances(),
      lifecycle,
      mesosReader: () => mesos,
      maintenance: () => maintenance,
      now: () => EVENT_TIME + 10_000,
    });

    await expect(deployed({ Records: [record('m-1', raw.lifecycle('i-002'))] }, context)).resolves.toEqual(failed());

    expect(maintenance.calls).toEqual(['soft agent-2 window=3590', 'cleanUp agent-2 gone=true']);
    expect(lifecycle.calls).toEqual(['complete asg-batch drain-hook i-002 tok-1 CONTINUE']);
  });
});
