import { parseInterruptionEvent } from '../../../shared/interruptions/event.js';
import { EVENT_TIME, raw } from './builders.js';

const parse = (json: unknown) => parseInterruptionEvent(JSON.stringify(json));

it('reads a spot interruption warning', () => {
  expect(parse(raw.spot('i-0abc', 'stop'))).toEqual({
    status: 'ok',
    event: { kind: 'spot-interruption', eventId: 'ev-spot', time: EVENT_TIME, instanceId: 'i-0abc', instanceAction: 'stop' },
  });
});

it('reads a rebalance recommendation', () => {
  expect(parse(raw.rebalance('i-0abc'))).toEqual({
    status: 'ok',
    event: { kind: 'rebalance-recommendation', eventId: 'ev-rebalance', time: EVENT_TIME, instanceId: 'i-0abc' },
  });
});

it('reads a terminate lifecycle action, token included', () => {
  expect(parse(raw.lifecycle('i-0abc', 'asg-a'))).toEqual({
    status: 'ok',
    event: {
      kind: 'terminate-lifecycle-action',
      eventId: 'ev-lifecycle',
      time: EVENT_TIME,
      instanceId: 'i-0abc',
      asgName: 'asg-a',
      hookName: 'drain-hook',
      token: 'tok-1',
    },
  });
});

it('accepts a lifecycle action without a token (AWS then finds it by instance id)', () => {
  const event = raw.lifecycle();
  const { LifecycleActionToken: _, ...detail } = event.detail;

  const parsed = parse({ ...event, detail });

  expect(parsed.status === 'ok' && parsed.event.kind === 'terminate-lifecycle-action' && parsed.event.token).toBeNull();
});

it('ignores detail-types it does not handle', () => {
  const parsed = parse({ ...raw.spot(), 'detail-type': 'EC2 Instance State-change Notification' });

  expect(parsed).toEqual({ status: 'ignored', reason: expect.stringContaining('EC2 Instance State-change Notification') });
});

it.each([
  ['a body that is not JSON', '{"detail-type":'],
  ['an event without detail-type', JSON.stringify({ id: 'x', detail: {} })],
  ['a spot warning without instance id', JSON.stringify({ ...raw.spot(), detail: { 'instance-action': 'terminate' } })],
  ['a spot warning with an unknown action', JSON.stringify(raw.spot('i-001', 'reboot'))],
  ['a spot warning from another source', JSON.stringify({ ...raw.spot(), source: 'my.app' })],
  ['a rebalance recommendation with a bad instance id', JSON.stringify(raw.rebalance('host-1'))],
  ['a lifecycle action without group name', JSON.stringify({ ...raw.lifecycle(), detail: { ...raw.lifecycle().detail, AutoScalingGroupName: '' } })],
  [
    'a lifecycle action of another transition',
    JSON.stringify({ ...raw.lifecycle(), detail: { ...raw.lifecycle().detail, LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING' } }),
  ],
  ['an event with an unreadable time', JSON.stringify({ ...raw.lifecycle(), time: 'yesterday' })],
])('rejects %s as malformed', (_, body) => {
  const parsed = parseInterruptionEvent(body);

  expect(parsed.status).toBe('malformed');
  expect(parsed.status === 'malformed' && parsed.problem.length).toBeGreaterThan(10);
});
