import type { SQSEvent } from 'aws-lambda';
import { parseInterruptionEvent } from '../../shared/interruptions/event.js';
import { eventBridgeEvent } from '../../sim/local-cloud/event-bridge.js';
import { InterruptionsQueue, INTERRUPTIONS_QUEUE } from '../../sim/local-cloud/interruptions-queue.js';
import { EPOCH_MS, type SimCloudEvent } from '../../sim/types.js';

const events: SimCloudEvent[] = [
  { kind: 'spot-interruption', instanceId: 'i-0000000000000000a', time: 90.7 },
  { kind: 'rebalance-recommendation', instanceId: 'i-0000000000000000b', time: 30 },
  { kind: 'terminate-lifecycle-action', instanceId: 'i-0000000000000000c', time: 60, asgName: 'sim-agents', hookName: 'drain', token: 'tok-1' },
];

describe('the simulated EventBridge events', () => {
  test('are the events AWS sends: the production parser reads each one as what it is', () => {
    const parsed = events.map((e, i) => parseInterruptionEvent(JSON.stringify(eventBridgeEvent(e, `id-${i}`))));
    expect(parsed).toEqual([
      { status: 'ok', event: { kind: 'spot-interruption', eventId: 'id-0', time: EPOCH_MS + 90_000, instanceId: 'i-0000000000000000a', instanceAction: 'terminate' } },
      { status: 'ok', event: { kind: 'rebalance-recommendation', eventId: 'id-1', time: EPOCH_MS + 30_000, instanceId: 'i-0000000000000000b' } },
      {
        status: 'ok',
        event: { kind: 'terminate-lifecycle-action', eventId: 'id-2', time: EPOCH_MS + 60_000, instanceId: 'i-0000000000000000c', asgName: 'sim-agents', hookName: 'drain', token: 'tok-1' },
      },
    ]);
    expect(eventBridgeEvent(events[2]!, 'x')).toMatchObject({ source: 'aws.autoscaling', time: '2026-01-05T00:01:00Z', detail: { Origin: 'AutoScalingGroup', Destination: 'EC2' } });
  });
});

describe('the interruptions queue', () => {
  test('returns a failed record after the visibility timeout, a failed invocation too, and dead-letters it after 70 receives', async () => {
    const receives: Array<{ t: number; count: string }> = [];
    let t = 0;
    const queue = new InterruptionsQueue(async (event: SQSEvent) => {
      const [record] = event.Records;
      receives.push({ t, count: record!.attributes.ApproximateReceiveCount });
      if (receives.length === 2) throw new Error('the function crashed');
      return { batchItemFailures: [{ itemIdentifier: record!.messageId }] };
    });
    queue.publish([events[0]!], 0);
    while (queue.nextVisibleAt() < Infinity) {
      t = queue.nextVisibleAt();
      await queue.deliver(t);
    }
    expect(receives).toHaveLength(INTERRUPTIONS_QUEUE.maxReceives);
    expect(receives.slice(0, 3)).toEqual([{ t: 0, count: '1' }, { t: 60, count: '2' }, { t: 120, count: '3' }]);
    expect(queue.deadLettered).toBe(1);
    expect(queue.delivered['spot-interruption']).toBe(1);
  });

  test('stamps a record with the epoch ms of the virtual seconds it was sent and first received', async () => {
    const stamps: Array<[string, string, string]> = [];
    const queue = new InterruptionsQueue(async (event) => {
      const [record] = event.Records;
      const { SentTimestamp, ApproximateFirstReceiveTimestamp, ApproximateReceiveCount } = record!.attributes;
      stamps.push([SentTimestamp, ApproximateFirstReceiveTimestamp, ApproximateReceiveCount]);
      return { batchItemFailures: stamps.length === 1 ? [{ itemIdentifier: record!.messageId }] : [] };
    });
    queue.publish([events[0]!], 90.5);
    await queue.deliver(90.5);
    expect(queue.nextVisibleAt()).toBe(90.5 + INTERRUPTIONS_QUEUE.visibilitySeconds);
    await queue.deliver(queue.nextVisibleAt());
    const sent = String(EPOCH_MS + 90_500);
    expect(stamps).toEqual([[sent, sent, '1'], [sent, sent, '2']]);
    expect(queue.nextVisibleAt()).toBe(Infinity);
  });

  test('hands over every visible message in the order sent, and forgets what the function is done with', async () => {
    const bodies: string[] = [];
    const queue = new InterruptionsQueue(async (event) => {
      bodies.push(JSON.parse(event.Records[0]!.body)['detail-type']);
      return { batchItemFailures: [] };
    });
    queue.publish(events, 100);
    await queue.deliver(100);
    expect(bodies).toEqual(['EC2 Spot Instance Interruption Warning', 'EC2 Instance Rebalance Recommendation', 'EC2 Instance-terminate Lifecycle Action']);
    expect(queue.nextVisibleAt()).toBe(Infinity);
    expect(queue.delivered).toEqual({ 'spot-interruption': 1, 'rebalance-recommendation': 1, 'terminate-lifecycle-action': 1 });
  });
});
