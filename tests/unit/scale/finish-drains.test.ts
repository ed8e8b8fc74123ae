import type { DrainRecord } from '../../../shared/aws/ports.js';
import type { AsgState } from '../../../shared/model/asg.js';
import type { ClusterState } from '../../../shared/model/cluster.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import type { FinishDrainsRequest } from '../../../shared/model/workflow.js';
import { finishDrains } from '../../../shared/scale/finish-drains.js';
import {
  FakeAutoScaling, FakeInstances, FakeLedger, FakeMaintenance, FakeMesos,
  agent, asg, cluster, drainRecord, idOf, instance, plan, task,
} from '../../support/fakes.js';
import { autoscalerRejection } from '../../support/rejection.js';

const NOW = 1_700_002_000_000;

function setup(records: DrainRecord[], state: ClusterState = cluster([agent(1), agent(2), agent(3)]), group: AsgState = asg([instance(1), instance(2), instance(3)])) {
  const autoScaling = new FakeAutoScaling(group);
  const mesos = new FakeMesos(state);
  const maintenance = new FakeMaintenance();
  const ledger = new FakeLedger(records);
  return { autoScaling, maintenance, ledger, deps: { autoScaling, mesos, maintenance, ledger, instances: new FakeInstances(), now: () => NOW } };
}

function request(extra: Partial<FinishDrainsRequest> = {}, drain: Partial<FinishDrainsRequest['drain']> = {}): FinishDrainsRequest {
  return { pool: 'batch', asgNames: ['asg-batch'], executionId: 'exec-1', ready: [], expired: [], drain: { ...plan().drain, ...drain }, ...extra };
}

const conflict = () => new AutoscalerError(ErrorNames.ScalingConflict, 'TerminateInstanceInAutoScalingGroup failed: ScalingActivityInProgressFault: busy');

describe('ready drains', () => {
  it('terminates an empty agent\'s instance with decrement, cleans the agent up and forgets the drain', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup([drainRecord(1), drainRecord(2)]);

    const { result, ended } = await finishDrains(request({ ready: ['agent-1'] }), deps);

    expect(result).toEqual({ terminatedInstanceIds: [idOf(1)], givenUp: [], forced: [], skipped: [] });
    expect(ended).toEqual(['agent-1']);
    expect(autoScaling.calls).toEqual([`terminate ${idOf(1)}`]);
    expect(autoScaling.group.desiredCapacity).toBe(2);
    expect(maintenance.calls).toEqual(['cleanUp agent-1 gone=true']);
    expect(ledger.records).toEqual([drainRecord(2)]);
  });

  it('passes markGone from the pool\'s drain configuration to the clean-up', async () => {
    const { maintenance, deps } = setup([drainRecord(1)]);
    await finishDrains(request({ ready: ['agent-1'] }, { markGone: false }), deps);
    expect(maintenance.calls).toEqual(['cleanUp agent-1 gone=false']);
  });

  it('reports a Mesos clean-up that fails after the termination, and still forgets the drain', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup([drainRecord(1), drainRecord(2)]);
    maintenance.errors.cleanUp = [new AutoscalerError(ErrorNames.MesosUnavailable, 'no leading master answered')];

    const { result } = await finishDrains(request({ ready: ['agent-1', 'agent-2'] }), deps);

    expect(autoScaling.terminated).toEqual([idOf(1), idOf(2)]);
    expect(result.terminatedInstanceIds).toEqual([idOf(1), idOf(2)]);
    expect(result.skipped).toEqual([{ agentId: 'agent-1', why: 'terminated; Mesos clean-up not done: no leading master answered' }]);
    expect(maintenance.calls).toEqual(['cleanUp agent-2 gone=true']);
    expect(ledger.records).toEqual([]);
  });

  it('skips an agent that runs a task again, keeping its drain', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup([drainRecord(1)], cluster([agent(1)], [task('agent-1', 1), task('agent-1', 2)]));

    const { result } = await finishDrains(request({ ready: ['agent-1'] }), deps);

    expect(result.skipped).toEqual([{ agentId: 'agent-1', why: 'its host runs 2 task(s)' }]);
    expect(result.terminatedInstanceIds).toEqual([]);
    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([drainRecord(1)]);
  });

  it('leaves alone a drain that another execution owns or that nobody records any more', async () => {
    const other = drainRecord(1, { executionId: 'exec-2' });
    const { autoScaling, maintenance, ledger, deps } = setup([other]);

    const { result } = await finishDrains(request({ ready: ['agent-1', 'agent-2'], expired: ['agent-3'] }), deps);

    expect(result.skipped).toEqual([
      { agentId: 'agent-1', why: 'no longer drained by this run' },
      { agentId: 'agent-2', why: 'no longer drained by this run' },
      { agentId: 'agent-3', why: 'no longer drained by this run' },
    ]);
    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([other]);
  });

  it('never terminates the instance of an agent that has not re-registered since a failover: its tasks are not in the state', async () => {
    const { autoScaling, ledger, deps } = setup([drainRecord(1)], cluster([agent(2), agent(3)], [], { recoveredAgentIds: ['agent-1'] }));

    const { result, ended } = await finishDrains(request({ ready: ['agent-1'] }), deps);

    expect(autoScaling.calls).toEqual([]);
    expect(result.skipped).toEqual([{ agentId: 'agent-1', why: 'not re-registered since a master failover: its tasks cannot be seen yet' }]);
    expect(ended).toEqual([]);
    expect(ledger.records).toEqual([drainRecord(1)]);
  });

  it('terminates the instance of an agent that is gone, with nothing to clean up in Mesos', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup([drainRecord(1)], cluster([agent(2)]));

    const { result } = await finishDrains(request({ ready: ['agent-1'] }), deps);

    expect(autoScaling.terminated).toEqual([idOf(1)]);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([]);
    expect(result.terminatedInstanceIds).toEqual([idOf(1)]);
  });

  it('only cleans up and forgets when the instance has already left the group or is terminating', async () => {
    const group = asg([instance(2, { lifecycleState: 'Terminating:Wait' }), instance(3)]);
    const { autoScaling, maintenance, ledger, deps } = setup([drainRecord(1), drainRecord(2)], cluster([agent(1), agent(2), agent(3)]), group);

    const { result } = await finishDrains(request({ ready: ['agent-1', 'agent-2'] }), deps);

    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual(['cleanUp agent-1 gone=true', 'cleanUp agent-2 gone=true']);
    expect(ledger.records).toEqual([]);
    expect(result).toEqual({ terminatedInstanceIds: [], givenUp: [], forced: [], skipped: [] });
  });

  it('skips the agent whose termination conflicts after another was terminated, keeping its drain', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup([drainRecord(1), drainRecord(2)]);
    autoScaling.terminateErrors = [undefined, conflict()];

    const { result } = await finishDrains(request({ ready: ['agent-1', 'agent-2'] }), deps);

    expect(autoScaling.terminated).toEqual([idOf(1)]);
    expect(result.terminatedInstanceIds).toEqual([idOf(1)]);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]?.agentId).toBe('agent-2');
    expect(result.skipped[0]?.why).toContain(ErrorNames.ScalingConflict);
    expect(maintenance.calls).toEqual(['cleanUp agent-1 gone=true']);
    expect(ledger.records).toEqual([drainRecord(2)]);
  });

  it('throws a conflict that comes before any termination, changing nothing', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup([drainRecord(1), drainRecord(2)]);
    autoScaling.terminateErrors = [conflict()];

    const err = await autoscalerRejection(finishDrains(request({ ready: ['agent-1', 'agent-2'], expired: ['agent-3'] }), deps));

    expect(err.name).toBe(ErrorNames.ScalingConflict);
    expect(autoScaling.terminated).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([drainRecord(1), drainRecord(2)]);
  });

  it('throws an unexpected error even after a termination', async () => {
    const { autoScaling, deps } = setup([drainRecord(1), drainRecord(2)]);
    autoScaling.terminateErrors = [undefined, new TypeError('boom')];
    await expect(finishDrains(request({ ready: ['agent-1', 'agent-2'] }), deps)).rejects.toThrow(TypeError);
  });
});

describe('expired drains', () => {
  it('gives up by default: the agent is put back into service and forgotten, nothing is killed', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup([drainRecord(1), drainRecord(2)], cluster([agent(1), agent(2)], [task('agent-1')]));

    const { result, ended } = await finishDrains(request({ expired: ['agent-1'] }), deps);

    expect(result).toEqual({ terminatedInstanceIds: [], givenUp: ['agent-1'], forced: [], skipped: [] });
    expect(ended).toEqual(['agent-1']);
    expect(maintenance.calls).toEqual(['cancel agent-1']);
    expect(autoScaling.calls).toEqual([]);
    expect(ledger.records).toEqual([drainRecord(2)]);
  });

  it('forces a soft drain when configured: hard drain, ledger mode hard and a deadline past the grace period', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup([drainRecord(1)], cluster([agent(1)], [task('agent-1')]));

    const { result } = await finishDrains(request({ expired: ['agent-1'] }, { forceAtDeadline: true, graceSeconds: 300, checkSeconds: 30 }), deps);

    expect(result).toEqual({ terminatedInstanceIds: [], givenUp: [], forced: ['agent-1'], skipped: [] });
    expect(maintenance.calls).toEqual(['hard agent-1 grace=300 gone=true']);
    expect(autoScaling.calls).toEqual([]);
    expect(ledger.records).toEqual([drainRecord(1, { mode: 'hard', deadline: NOW + (300 + 2 * 30) * 1000 })]);
  });

  it('gives up a hard drain that is past its deadline too, rather than forcing it again', async () => {
    const { maintenance, ledger, deps } = setup([drainRecord(1, { mode: 'hard' })], cluster([agent(1)], [task('agent-1')]));

    const { result } = await finishDrains(request({ expired: ['agent-1'] }, { forceAtDeadline: true }), deps);

    expect(result.givenUp).toEqual(['agent-1']);
    expect(maintenance.calls).toEqual(['cancel agent-1']);
    expect(ledger.records).toEqual([]);
  });

  it('skips an expired agent that has not re-registered since a failover, saying so and keeping its drain', async () => {
    const { maintenance, ledger, deps } = setup([drainRecord(1)], cluster([agent(2)], [], { recoveredAgentIds: ['agent-1'] }));

    const { result } = await finishDrains(request({ expired: ['agent-1'] }), deps);

    expect(result.skipped).toEqual([{ agentId: 'agent-1', why: 'not re-registered since a master failover: its tasks cannot be seen yet' }]);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([drainRecord(1)]);
  });

  it('skips an expired agent that is gone, keeping its drain for the next check', async () => {
    const { maintenance, ledger, deps } = setup([drainRecord(1)], cluster([agent(2)]));

    const { result } = await finishDrains(request({ expired: ['agent-1'] }), deps);

    expect(result.skipped).toEqual([{ agentId: 'agent-1', why: 'the agent is gone' }]);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([drainRecord(1)]);
  });
});

it('ends ready and expired drains in one call', async () => {
  const { autoScaling, maintenance, ledger, deps } = setup([drainRecord(1), drainRecord(2), drainRecord(3)], cluster([agent(1), agent(2), agent(3)], [task('agent-2'), task('agent-3')]));

  const { result, ended } = await finishDrains(request({ ready: ['agent-1', 'agent-3'], expired: ['agent-2'] }, { forceAtDeadline: true }), deps);

  expect(result).toEqual({
    terminatedInstanceIds: [idOf(1)],
    givenUp: [],
    forced: ['agent-2'],
    skipped: [{ agentId: 'agent-3', why: 'its host runs 1 task(s)' }],
  });
  // A forced drain goes on: only the terminated one has ended.
  expect(ended).toEqual(['agent-1']);
  expect(autoScaling.terminated).toEqual([idOf(1)]);
  expect(maintenance.calls).toEqual(['cleanUp agent-1 gone=true', 'hard agent-2 grace=300 gone=true']);
  expect(ledger.records.map((d) => [d.agentId, d.mode]).sort()).toEqual([['agent-2', 'hard'], ['agent-3', 'soft']]);
});
