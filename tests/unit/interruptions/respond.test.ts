import {
  MAX_HOLD_SECONDS,
  RECHECK_SECONDS,
  SPOT_MAX_GRACE_SECONDS,
  afterLifecycleCall,
  drainingUntil,
  holdDeadline,
  respondToInterruption,
} from '../../../shared/interruptions/respond.js';
import type { InterruptionSituation } from '../../../shared/interruptions/respond.js';
import { EVENT_TIME, lifecycleEvent, on, pool, rebalanceEvent, spotEvent } from './builders.js';

const minutes = (n: number) => n * 60_000;

function situation(extra: Partial<InterruptionSituation>): InterruptionSituation {
  return { event: spotEvent(), pool: pool(), paused: false, agents: [on(1, true)], now: EVENT_TIME + 5_000, ...extra };
}

describe('spot interruption warning', () => {
  it.each([
    // grace configured, mark gone configured, instance action → grace used, mark gone sent
    [300, true, 'terminate', SPOT_MAX_GRACE_SECONDS, true],
    [30, true, 'terminate', 30, true],
    [300, false, 'terminate', SPOT_MAX_GRACE_SECONDS, false],
    [300, true, 'stop', SPOT_MAX_GRACE_SECONDS, false],
    [0, true, 'hibernate', 0, false],
  ] as const)('grace %i s, markGone %s, %s → hard drain with %i s grace, markGone %s', (grace, markGone, action, wantGrace, wantGone) => {
    const response = respondToInterruption(situation({ event: spotEvent('i-001', action), pool: pool({}, { graceSeconds: grace, markGone }) }));

    expect(response.drains).toEqual([{ agentId: 'agent-1', order: { mode: 'hard', maxGracePeriodSeconds: wantGrace, markGone: wantGone } }]);
    expect(response).toMatchObject({ lifecycle: null, cleanUp: false, again: false });
  });

  it('hard-drains an agent that is already soft-draining, but not one that is drained', () => {
    const response = respondToInterruption(
      situation({ agents: [on(1, true, { deactivated: true, active: false }), on(2, false, { drainState: 'DRAINED', deactivated: true })] }),
    );

    expect(response.drains.map((d) => d.agentId)).toEqual(['agent-1']);
  });

  it('does nothing more for an instance without agents, and tries again when Mesos could not be read', () => {
    expect(respondToInterruption(situation({ agents: [] }))).toMatchObject({ drains: [], again: false });
    expect(respondToInterruption(situation({ agents: null }))).toMatchObject({ drains: [], again: true });
  });
});

describe('rebalance recommendation', () => {
  it('soft-drains the agents not yet draining, for the pool drain deadline', () => {
    const response = respondToInterruption(
      situation({ event: rebalanceEvent(), pool: pool({}, { deadlineSeconds: 1800 }), agents: [on(1, true), on(2, false, { drainState: 'DRAINING' })] }),
    );

    expect(response.drains).toEqual([{ agentId: 'agent-1', order: { mode: 'soft', windowSeconds: 1800 } }]);
    expect(response).toMatchObject({ lifecycle: null, again: false });
  });

  it('leaves an agent that is already draining alone', () => {
    const response = respondToInterruption(situation({ event: rebalanceEvent(), agents: [on(1, true, { deactivated: true })] }));

    expect(response).toMatchObject({ drains: [], again: false });
  });
});

describe('terminate lifecycle action', () => {
  const event = lifecycleEvent();

  it('soft-drains and holds (heartbeat, again) while the agent runs tasks', () => {
    const response = respondToInterruption(situation({ event, agents: [on(1, true)], now: EVENT_TIME + minutes(10) }));

    expect(response.drains).toEqual([{ agentId: 'agent-1', order: { mode: 'soft', windowSeconds: 3000 } }]);
    expect(response).toMatchObject({ lifecycle: 'heartbeat', again: true, cleanUp: false });
  });

  it('completes and cleans up once the agent is empty, draining it first if it is not yet', () => {
    expect(respondToInterruption(situation({ event, agents: [on(1, false, { deactivated: true })] }))).toMatchObject({
      drains: [],
      lifecycle: 'complete',
      cleanUp: true,
      again: false,
    });
    expect(respondToInterruption(situation({ event, agents: [on(1, false)] })).drains).toHaveLength(1);
  });

  it('does not hold for a disconnected agent (its tasks cannot finish), but does for a deactivated one', () => {
    expect(respondToInterruption(situation({ event, agents: [on(1, true, { active: false })] }))).toMatchObject({
      lifecycle: 'complete',
      cleanUp: true,
    });
    expect(respondToInterruption(situation({ event, agents: [on(1, true, { active: false, deactivated: true })] }))).toMatchObject({
      lifecycle: 'heartbeat',
      again: true,
    });
  });

  it('does not drain again an agent that already takes no task, as only its machine\'s maintenance tells on an older master', () => {
    const inWindow = { ...on(1, true), draining: true };
    expect(respondToInterruption(situation({ event, agents: [inWindow] }))).toMatchObject({ drains: [], lifecycle: 'heartbeat', again: true });
    expect(respondToInterruption(situation({ event: rebalanceEvent(), agents: [inWindow] }))).toMatchObject({ drains: [] });
  });

  it('asks an agent to take no task until the hold deadline to count as draining; other events only now', () => {
    const deadline = EVENT_TIME + 3600_000;
    expect(drainingUntil(event, pool(), EVENT_TIME + 5_000)).toBe(deadline);
    expect(drainingUntil(event, pool(), deadline + 5_000)).toBe(deadline + 5_000);
    expect(drainingUntil(rebalanceEvent(), pool(), EVENT_TIME + 5_000)).toBe(EVENT_TIME + 5_000);
  });

  it('holds while any agent of the host is busy', () => {
    const response = respondToInterruption(situation({ event, agents: [on(1, false), on(1, true, { id: 'agent-1b' })] }));

    expect(response).toMatchObject({ lifecycle: 'heartbeat', again: true });
  });

  it('completes when the hold deadline is less than one recheck away, even with tasks left', () => {
    const deadline = EVENT_TIME + 3600_000;
    const justBefore = respondToInterruption(situation({ event, now: deadline - RECHECK_SECONDS * 1000 - 1 }));
    const atMargin = respondToInterruption(situation({ event, now: deadline - RECHECK_SECONDS * 1000 }));

    expect(justBefore).toMatchObject({ lifecycle: 'heartbeat', again: true });
    expect(atMargin).toMatchObject({ lifecycle: 'complete', cleanUp: true, again: false });
    expect(atMargin.reason).toMatch(/deadline/);
  });

  it('holds no longer than MAX_HOLD_SECONDS whatever the drain deadline', () => {
    const longDrain = pool({}, { deadlineSeconds: 5 * 3600 });

    expect(holdDeadline(event, longDrain)).toBe(EVENT_TIME + MAX_HOLD_SECONDS * 1000);
    expect(holdDeadline(event, pool({}, { deadlineSeconds: 600 }))).toBe(EVENT_TIME + 600_000);
    expect(respondToInterruption(situation({ event, pool: longDrain, now: EVENT_TIME + MAX_HOLD_SECONDS * 1000 }))).toMatchObject({
      lifecycle: 'complete',
    });
  });

  it('completes at once, without clean-up, when no agent runs on the instance', () => {
    expect(respondToInterruption(situation({ event, agents: [] }))).toMatchObject({ drains: [], lifecycle: 'complete', cleanUp: false });
  });

  it('holds while Mesos cannot be read, until the deadline', () => {
    expect(respondToInterruption(situation({ event, agents: null }))).toMatchObject({ lifecycle: 'heartbeat', again: true });
    expect(respondToInterruption(situation({ event, agents: null, now: EVENT_TIME + 3600_000 }))).toMatchObject({
      lifecycle: 'complete',
      cleanUp: false,
      again: false,
    });
  });
});

describe('paused or dry-run', () => {
  it.each([
    ['the autoscaler paused', { paused: true }],
    ['the pool paused', { pool: pool({ paused: true }) }],
    ['the pool in dry-run', { pool: pool({ dryRun: true }) }],
  ] as const)('with %s nothing is drained and a held termination goes on at once', (_, extra) => {
    for (const event of [spotEvent(), rebalanceEvent()]) {
      expect(respondToInterruption(situation({ ...extra, event }))).toMatchObject({ drains: [], lifecycle: null, again: false });
    }
    expect(respondToInterruption(situation({ ...extra, event: lifecycleEvent() }))).toMatchObject({
      drains: [],
      lifecycle: 'complete',
      cleanUp: false,
      again: false,
    });
  });
});

describe('after the lifecycle call', () => {
  const held = respondToInterruption(situation({ event: lifecycleEvent() }));
  const completed = respondToInterruption(situation({ event: lifecycleEvent(), agents: [on(1, false)] }));

  it('keeps holding after a heartbeat AWS took', () => {
    expect(afterLifecycleCall(held, 'done')).toEqual({ cleanUp: false, again: true });
  });

  it('stops holding and cleans up when the action is gone (timed out or completed elsewhere)', () => {
    expect(afterLifecycleCall(held, 'gone')).toEqual({ cleanUp: true, again: false });
  });

  it('cleans up after a completion whether or not the action was still there', () => {
    expect(afterLifecycleCall(completed, 'done')).toEqual({ cleanUp: true, again: false });
    expect(afterLifecycleCall(completed, 'gone')).toEqual({ cleanUp: true, again: false });
  });
});
