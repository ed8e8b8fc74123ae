import { applyPlan } from '../../../shared/scale/apply-plan.js';
import type { DrainRecord } from '../../../shared/aws/ports.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import type { AsgState, InstanceAddress } from '../../../shared/model/asg.js';
import type { ClusterState } from '../../../shared/model/cluster.js';
import type { Plan } from '../../../shared/model/plan.js';
import { resources } from '../../../shared/model/resources.js';
import {
  FakeAutoScaling, FakeInstances, FakeLedger, FakeMaintenance, FakeMesos,
  agent, asg, cluster, drainRecord, idOf, instance, ipOf, plan, task,
} from '../../support/fakes.js';
import { autoscalerRejection } from '../../support/rejection.js';

/** 530 s after agents 1..n registered (see `agent`); the Mesos leader was elected 1530 s ago. */
const NOW = 1_700_000_530_000;

function setup(group: AsgState, state: ClusterState = cluster([]), options: { addresses?: Map<string, InstanceAddress>; ledger?: DrainRecord[] } = {}) {
  const autoScaling = new FakeAutoScaling(group);
  const mesos = new FakeMesos(state);
  const instances = new FakeInstances(options.addresses);
  const maintenance = new FakeMaintenance();
  const ledger = new FakeLedger(options.ledger);
  // ASG and Mesos calls in the order they were made, across both fakes.
  const journal: string[] = [];
  autoScaling.journal = journal;
  maintenance.journal = journal;
  return { autoScaling, mesos, instances, maintenance, ledger, journal, deps: { autoScaling, mesos, instances, maintenance, ledger, now: () => NOW } };
}

/** EC2 addresses of instances whose agent never registered, launched that many seconds before NOW. */
function launched(entries: Array<[n: number, agoSeconds: number]>): Map<string, InstanceAddress> {
  return new Map(
    entries.map(([n, ago]) => [idOf(n), { instanceId: idOf(n), privateIp: ipOf(n), privateDnsName: `ip-10-0-0-${n}.internal`, launchedAt: NOW - ago * 1000 }]),
  );
}

const conflict = () => new AutoscalerError(ErrorNames.ScalingConflict, 'TerminateInstanceInAutoScalingGroup failed: ScalingActivityInProgressFault: busy');
const mesosDown = () => new AutoscalerError(ErrorNames.MesosUnavailable, 'no leading master answered');
const threeInstances = () => asg([instance(1), instance(2), instance(3)]);
const scaleIn = (extra: Partial<Plan> = {}) => plan({ action: 'scale-in', fromDesired: 3, targetDesired: 1, ...extra });
const drainRules = (extra: Partial<Plan['drain']>): Plan['drain'] => ({ ...plan().drain, ...extra });
/** The ledger record a new drain of `agent-<n>` gets from the default plan. */
const newDrain = (n: number) => drainRecord(n, { startedAt: NOW, deadline: NOW + 3600_000 });
const byAgent = (records: DrainRecord[]) => [...records].sort((a, b) => a.agentId.localeCompare(b.agentId));

describe('compare-and-set', () => {
  it('refuses a plan whose ASG moved since it was computed, changing nothing', async () => {
    const { autoScaling, mesos, maintenance, deps } = setup(asg([instance(1), instance(2), instance(3), instance(4)]));

    const err = await autoscalerRejection(applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5, reactivate: ['agent-1'] }), deps));

    expect(err.name).toBe(ErrorNames.StalePlan);
    expect(err.message).toContain('moved from 3 to 4 since the plan was computed; the next run re-plans');
    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(mesos.reads).toBe(0);
  });

  it('reports a missing ASG as UnknownPool', async () => {
    const { deps } = setup(asg([], { name: 'another-asg' }));
    const err = await autoscalerRejection(applyPlan(plan({ action: 'scale-out', fromDesired: 0, targetDesired: 2 }), deps));
    expect(err.name).toBe(ErrorNames.UnknownPool);
    expect(err.message).toContain('asg-batch');
  });

  it('rejects a plan whose target goes the wrong way for its action', async () => {
    const { autoScaling, deps } = setup(threeInstances());
    const err = await autoscalerRejection(applyPlan(plan({ action: 'scale-in', fromDesired: 3, targetDesired: 4 }), deps));
    expect(err.name).toBe(ErrorNames.InvalidInput);
    expect(autoScaling.calls).toEqual([]);
  });
});

describe('no-op plans', () => {
  it('never applies a dry-run plan and says what it would have done', async () => {
    const { autoScaling, mesos, deps } = setup(threeInstances());

    const result = await applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5, dryRun: true }), deps);

    expect(autoScaling.calls).toEqual([]);
    expect(mesos.reads).toBe(0);
    expect(result).toMatchObject({ dryRun: true, before: 3, after: 3, terminatedInstanceIds: [], drains: [], reactivated: [] });
    expect(result.detail).toContain('would set the desired capacity from 3 to 5');
  });

  it('makes no call for a dry-run scale-in either, and reactivates nothing', async () => {
    const ledger = [drainRecord(1, { executionId: 'exec-0' })];
    const { autoScaling, mesos, maintenance, ledger: fakeLedger, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)]), { ledger });

    const result = await applyPlan(scaleIn({ dryRun: true, reactivate: ['agent-1'] }), deps);

    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(fakeLedger.records).toEqual(ledger);
    expect(mesos.reads).toBe(0);
    expect(result).toMatchObject({ dryRun: true, before: 3, after: 3, drains: [], reactivated: [] });
  });

  it('makes no call for action none', async () => {
    const { autoScaling, maintenance, deps } = setup(threeInstances());
    const result = await applyPlan(plan({ action: 'none' }), deps);
    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(result).toMatchObject({ action: 'none', before: 3, after: 3, dryRun: false, reactivated: [], detail: 'the plan asks for no change' });
  });

  it('puts drains left behind back into service for action none; of an agent that is gone only its machine is released from maintenance', async () => {
    const left = [drainRecord(1, { executionId: 'exec-0' }), drainRecord(7, { executionId: 'exec-0' }), drainRecord(2, { executionId: 'exec-9' })];
    const { autoScaling, maintenance, ledger, deps } = setup(threeInstances(), cluster([agent(1, { deactivated: true }), agent(2), agent(3)]), { ledger: left });

    const result = await applyPlan(plan({ action: 'none', reactivate: ['agent-1', 'agent-7'] }), deps);

    expect(maintenance.calls).toEqual(['cancel agent-1', 'release batch 10.0.0.7']);
    expect(ledger.records).toEqual([drainRecord(2, { executionId: 'exec-9' })]);
    expect(autoScaling.calls).toEqual([]);
    expect(result).toMatchObject({ action: 'none', before: 3, after: 3, reactivated: ['agent-1', 'agent-7'] });
    expect(result.detail).toBe('2 drain(s) left behind put back into service (agent-1, agent-7)');
  });

  it('of a gone agent whose pid carried no IP only forgets the drain: no maintenance could name its machine', async () => {
    const { maintenance, ledger, deps } = setup(threeInstances(), cluster([agent(1)]), { ledger: [drainRecord(7, { executionId: 'exec-0', ip: '' })] });
    await applyPlan(plan({ action: 'none', reactivate: ['agent-7'] }), deps);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([]);
  });

  it('keeps the drain of an agent that has not re-registered since a failover for a later run, rather than forget it out of service', async () => {
    const { maintenance, ledger, deps } = setup(threeInstances(), cluster([agent(2)], [], { recoveredAgentIds: ['agent-1'] }), { ledger: [drainRecord(1, { executionId: 'exec-0' })] });
    const result = await applyPlan(plan({ action: 'none', reactivate: ['agent-1'] }), deps);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([drainRecord(1, { executionId: 'exec-0' })]);
    expect(result.reactivated).toEqual([]);
  });

  it('puts drains back for action none even when the group moved since the plan', async () => {
    const { maintenance, deps } = setup(asg([instance(1), instance(2)]), cluster([agent(1)]), { ledger: [drainRecord(1, { executionId: 'exec-0' })] });
    const result = await applyPlan(plan({ action: 'none', fromDesired: 3, targetDesired: 3, reactivate: ['agent-1'] }), deps);
    expect(maintenance.calls).toEqual(['cancel agent-1']);
    expect(result).toMatchObject({ before: 2, after: 2, reactivated: ['agent-1'] });
  });
});

describe('scale-out', () => {
  it('sets the desired capacity to the target', async () => {
    const { autoScaling, mesos, deps } = setup(threeInstances());

    const result = await applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5 }), deps);

    expect(autoScaling.calls).toEqual(['set asg-batch 5']);
    expect(mesos.reads).toBe(0);
    expect(result).toEqual({
      pool: 'batch',
      asgNames: ['asg-batch'],
      action: 'scale-out',
      before: 3,
      after: 5,
      terminatedInstanceIds: [],
      drains: [],
      reactivated: [],
      dryRun: false,
      detail: 'desired capacity set from 3 to 5',
    });
  });

  it('first puts the plan\'s draining agents back into service; of one that is gone only its machine is released from maintenance', async () => {
    const ledger = [drainRecord(1, { executionId: 'exec-0' }), drainRecord(7, { executionId: 'exec-0' })];
    const { autoScaling, maintenance, ledger: fakeLedger, deps } = setup(threeInstances(), cluster([agent(1, { deactivated: true }), agent(2)]), { ledger });

    const result = await applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5, reactivate: ['agent-1', 'agent-7'] }), deps);

    expect(maintenance.calls).toEqual(['cancel agent-1', 'release batch 10.0.0.7']);
    expect(fakeLedger.records).toEqual([]);
    expect(autoScaling.calls).toEqual(['set asg-batch 5']);
    expect(result).toMatchObject({ before: 3, after: 5, reactivated: ['agent-1', 'agent-7'] });
    expect(result.detail).toBe('2 draining agent(s) put back into service (agent-1, agent-7); desired capacity set from 3 to 5');
  });

  it('fails before changing the capacity when an agent cannot be put back into service', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup(threeInstances(), cluster([agent(1)]), { ledger: [drainRecord(1)] });
    maintenance.errors.cancel = [mesosDown()];

    const err = await autoscalerRejection(applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5, reactivate: ['agent-1'] }), deps));

    expect(err.name).toBe(ErrorNames.MesosUnavailable);
    expect(autoScaling.calls).toEqual([]);
    expect(ledger.records).toEqual([drainRecord(1)]);
  });

  it('never exceeds MaxSize and says so', async () => {
    const { autoScaling, deps } = setup(asg([instance(1), instance(2), instance(3)], { maxSize: 4 }));

    const result = await applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 8 }), deps);

    expect(autoScaling.calls).toEqual(['set asg-batch 4']);
    expect(result.after).toBe(4);
    expect(result.detail).toContain("clamped to the ASG's MaxSize 4 (the plan asked for 8)");
  });

  it('makes no call when the ASG is already at MaxSize, but still reactivates', async () => {
    const { autoScaling, maintenance, deps } = setup(asg([instance(1), instance(2), instance(3)], { maxSize: 3 }), cluster([agent(1)]), { ledger: [drainRecord(1)] });

    const result = await applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5, reactivate: ['agent-1'] }), deps);

    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual(['cancel agent-1']);
    expect(result).toMatchObject({ before: 3, after: 3, reactivated: ['agent-1'] });
    expect(result.detail).toContain('the ASG is at its MaxSize 3; nothing to add');
  });

  it('says that no instance starts while the Launch process is suspended', async () => {
    const { autoScaling, deps } = setup(asg([instance(1), instance(2), instance(3)], { suspendedProcesses: ['Launch'] }));
    const result = await applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 4 }), deps);
    expect(autoScaling.calls).toEqual(['set asg-batch 4']);
    expect(result.detail).toContain('the Launch process is suspended');
  });

  it('propagates a conflict as ScalingConflict', async () => {
    const { autoScaling, deps } = setup(threeInstances());
    autoScaling.setDesiredError = new AutoscalerError(ErrorNames.ScalingConflict, 'busy');
    const err = await autoscalerRejection(applyPlan(plan({ action: 'scale-out', fromDesired: 3, targetDesired: 5 }), deps));
    expect(err.name).toBe(ErrorNames.ScalingConflict);
  });
});

describe('scale-in: choosing and draining victims', () => {
  it('soft-drains idle agents, oldest registered first, then terminates those still empty, cleans them up and forgets them', async () => {
    // Agent 1 is busy (a task), agent 2 has resources allocated, agents 3..5 are idle; 5 registered first.
    const group = asg([1, 2, 3, 4, 5].map((n) => instance(n)));
    const state = cluster(
      [agent(1), agent(2, { used: resources({ cpus: 0.5 }) }), agent(3), agent(4), agent(5, { registeredAt: 1 })],
      [task('agent-1')],
    );
    const { autoScaling, mesos, maintenance, ledger, journal, deps } = setup(group, state);
    const recorded: DrainRecord[][] = [];
    const softDrain = maintenance.startSoftDrain.bind(maintenance);
    maintenance.startSoftDrain = async (a, options) => {
      recorded.push(await ledger.list('batch'));
      return softDrain(a, options);
    };

    const result = await applyPlan(scaleIn({ fromDesired: 5, targetDesired: 3 }), deps);

    // Every agent is deactivated (and recorded first) before any instance goes: none can take a task meanwhile.
    expect(journal).toEqual([
      'soft agent-5 window=3600',
      'soft agent-3 window=3600',
      `terminate ${idOf(5)}`,
      'cleanUp agent-5 gone=true',
      `terminate ${idOf(3)}`,
      'cleanUp agent-3 gone=true',
    ]);
    expect(recorded).toEqual([[newDrain(5)], [newDrain(5), newDrain(3)]]);
    // One read to choose the victims, one fresh read to find them still empty.
    expect(mesos.reads).toBe(2);
    expect(ledger.records).toEqual([]);
    expect(autoScaling.group.desiredCapacity).toBe(3);
    expect(result).toMatchObject({
      action: 'scale-in',
      before: 5,
      after: 3,
      terminatedInstanceIds: [idOf(5), idOf(3)],
      reactivated: [],
      drains: [],
    });
    expect(result.detail).toBe(`terminated 2 instance(s) with nothing running (${idOf(5)}, ${idOf(3)})`);
  });

  it('cleans up without marking the agent gone when the pool says so', async () => {
    const { maintenance, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)], [task('agent-2'), task('agent-3')]));
    await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 2, drain: drainRules({ markGone: false }) }), deps);
    expect(maintenance.calls).toEqual(['soft agent-1 window=3600', 'cleanUp agent-1 gone=false']);
  });

  it('drains busy agents only after idle ones, least work first, and reports their tasks', async () => {
    const group = asg([1, 2, 3, 4].map((n) => instance(n)));
    const state = cluster(
      [agent(1), agent(2), agent(3), agent(4)],
      [task('agent-1', 1), task('agent-1', 2), task('agent-2', 1), task('agent-3', 1), task('agent-3', 2), task('agent-3', 3)],
    );
    const { autoScaling, maintenance, ledger, deps } = setup(group, state);

    const result = await applyPlan(scaleIn({ fromDesired: 4, targetDesired: 1 }), deps);

    expect(maintenance.agentIds('soft')).toEqual(['agent-4', 'agent-2', 'agent-1']);
    // Only the idle one goes now; the busy ones wait, recorded, for the drain checks.
    expect(autoScaling.calls).toEqual([`terminate ${idOf(4)}`]);
    expect(maintenance.agentIds('cleanUp')).toEqual(['agent-4']);
    expect(result.terminatedInstanceIds).toEqual([idOf(4)]);
    expect(result.drains).toEqual([
      { agentId: 'agent-2', instanceId: idOf(2), runningTasks: 1, reason: 'least-work' },
      { agentId: 'agent-1', instanceId: idOf(1), runningTasks: 2, reason: 'least-work' },
    ]);
    expect(byAgent(ledger.records)).toEqual([newDrain(1), newDrain(2)]);
    expect(result.after).toBe(3);
    expect(result.detail).toContain('draining 2 agent(s) (no new tasks; terminated once empty): agent-2 (least-work, 1 tasks), agent-1 (least-work, 2 tasks)');
  });

  it('never chooses a busy agent when the pool forbids it, and says why fewer were chosen', async () => {
    const group = asg([1, 2, 3, 4].map((n) => instance(n)));
    const state = cluster([agent(1), agent(2), agent(3), agent(4)], [task('agent-1'), task('agent-2'), task('agent-3')]);
    const { autoScaling, maintenance, deps } = setup(group, state);

    const result = await applyPlan(scaleIn({ fromDesired: 4, targetDesired: 1, drain: drainRules({ busyAgents: false }) }), deps);

    expect(maintenance.agentIds('soft')).toEqual(['agent-4']);
    expect(autoScaling.calls).toEqual([`terminate ${idOf(4)}`]);
    expect(result).toMatchObject({ before: 4, after: 3, drains: [] });
    expect(result.detail).toContain('1 of the 3 capacity units asked for can go now');
    expect(result.detail).toContain('3 instances run tasks and busy agents may not be chosen');
  });

  it('leaves a busy agent younger than the minimum age', async () => {
    const young = agent(1, { registeredAt: NOW / 1000 - 10 });
    const { maintenance, deps } = setup(asg([instance(1), instance(2)]), cluster([young, agent(2)], [task('agent-1'), task('agent-2')]));

    const result = await applyPlan(scaleIn({ fromDesired: 2, targetDesired: 0, drain: drainRules({ minAgentAgeSeconds: 300 }) }), deps);

    expect(maintenance.agentIds('soft')).toEqual(['agent-2']);
    expect(result.detail).toContain('1 busy agent registered less than 300 s ago');
  });

  it('reads Mesos when it applies the plan: a task that landed since the plan decides the victim', async () => {
    const { maintenance, mesos, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)], [task('agent-1'), task('agent-2')]));
    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 2 }), deps);
    expect(mesos.reads).toBe(2);
    expect(maintenance.agentIds('soft')).toEqual(['agent-3']);
    expect(result).toMatchObject({ terminatedInstanceIds: [idOf(3)], drains: [] });
  });

  it('skips instances protected from scale-in and instances not InService', async () => {
    const group = asg([instance(1, { protectedFromScaleIn: true }), instance(2, { lifecycleState: 'Pending' }), instance(3)]);
    const { autoScaling, maintenance, instances, deps } = setup(group, cluster([agent(1), agent(2), agent(3)]));

    await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 0 }), deps);

    expect(maintenance.agentIds('soft')).toEqual(['agent-3']);
    expect(autoScaling.calls).toEqual([`terminate ${idOf(3)}`]);
    expect(instances.asked).toEqual([[idOf(1), idOf(2), idOf(3)]]);
  });

  it('skips agents of other pools, draining, deactivated or disconnected agents', async () => {
    const group = asg([1, 2, 3, 4, 5].map((n) => instance(n)));
    const state = cluster([
      agent(1, { pool: 'web' }),
      agent(2, { drainState: 'DRAINING' }),
      agent(3, { deactivated: true }),
      agent(4, { active: false }),
      agent(5),
    ]);
    const { autoScaling, maintenance, deps } = setup(group, state);

    await applyPlan(scaleIn({ fromDesired: 5, targetDesired: 0 }), deps);

    expect(maintenance.agentIds('soft')).toEqual(['agent-5']);
    expect(autoScaling.calls).toEqual([`terminate ${idOf(5)}`]);
  });

  it('counts a host where another agent (of any pool) runs a task as busy', async () => {
    // Two agents on the same host 10.0.0.1: one idle in the pool, one busy in another pool.
    const busyNeighbour = agent(9, { id: 'agent-9', pool: 'web', ip: '10.0.0.1', hostname: 'ip-10-0-0-1.internal' });
    const state = cluster([agent(1), busyNeighbour, agent(2)], [task('agent-9')]);

    const forbidden = setup(threeInstances(), state);
    await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 1, drain: drainRules({ busyAgents: false }) }), forbidden.deps);
    expect(forbidden.maintenance.agentIds('soft')).toEqual(['agent-2']);
    expect(forbidden.autoScaling.terminated).toEqual([idOf(2)]);

    // Allowed to drain, agent 1 is busy by its neighbour: it waits while the idle agent 2 goes now.
    const allowed = setup(threeInstances(), state);
    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 1 }), allowed.deps);
    expect(allowed.maintenance.agentIds('soft')).toEqual(['agent-2', 'agent-1']);
    expect(result.terminatedInstanceIds).toEqual([idOf(2)]);
    expect(result.drains.map((d) => [d.agentId, d.reason, d.runningTasks])).toEqual([['agent-1', 'least-work', 1]]);
    expect(allowed.ledger.records).toEqual([newDrain(1)]);
    expect(allowed.maintenance.agentIds('soft')).not.toContain('agent-9');
  });

  it('protects a host whose busy agent carries no IP, matching on the host name', async () => {
    const busyNoIp = agent(9, { id: 'agent-9', ip: null, hostname: 'ip-10-0-0-1.internal' });
    const { maintenance, deps } = setup(threeInstances(), cluster([agent(1), busyNoIp, agent(2)], [task('agent-9')]));

    await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 1, drain: drainRules({ busyAgents: false }) }), deps);

    expect(maintenance.agentIds('soft')).toEqual(['agent-2']);
  });

  it('breaks registration-time ties by instance id', async () => {
    const group = asg([instance(3), instance(1), instance(2)]);
    const state = cluster([agent(3, { registeredAt: 5 }), agent(1, { registeredAt: 5 }), agent(2, { registeredAt: 5 })]);
    const { maintenance, deps } = setup(group, state);
    await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 1 }), deps);
    expect(maintenance.agentIds('soft')).toEqual(['agent-1', 'agent-2']);
  });

  it('starts no more drains than maxDraining allows', async () => {
    const group = asg([1, 2, 3, 4].map((n) => instance(n)));
    const { autoScaling, maintenance, ledger, deps } = setup(group, cluster([agent(1), agent(2), agent(3), agent(4)]));

    const result = await applyPlan(scaleIn({ fromDesired: 4, targetDesired: 0, drain: drainRules({ maxDraining: 2 }) }), deps);

    expect(maintenance.agentIds('soft')).toEqual(['agent-1', 'agent-2']);
    // Both were idle: finished at once, so they no longer drain.
    expect(autoScaling.terminated).toEqual([idOf(1), idOf(2)]);
    expect(ledger.records).toEqual([]);
    expect(result.detail).toContain('2 more agents wait: at most 2 may drain at once and 0 already do');
  });

  it('ignores agents whose IP matches no instance of the ASG', async () => {
    const addresses = new Map([[idOf(1), { instanceId: idOf(1), privateIp: '10.9.9.9', privateDnsName: null }]]);
    const { maintenance, deps } = setup(asg([instance(1), instance(2)]), cluster([agent(1), agent(2)]), { addresses });
    await applyPlan(scaleIn({ fromDesired: 2, targetDesired: 0 }), deps);
    expect(maintenance.agentIds('soft')).toEqual(['agent-2']);
  });
});

describe('scale-in: finishing idle victims on a fresh read', () => {
  it('keeps draining an idle victim that took work between the choice and the fresh read', async () => {
    // Five idle agents, four to go; before the fresh read agent 1 takes a task, agent 2 gets resources
    // allocated (no task yet), agent 3 re-registers under a new id and runs a task there. Only agent 4 is still empty.
    const group = asg([1, 2, 3, 4, 5].map((n) => instance(n)));
    const { autoScaling, mesos, maintenance, ledger, deps } = setup(group, cluster([agent(1), agent(2), agent(3), agent(4), agent(5)]));
    mesos.later.push(
      cluster(
        [agent(1, { deactivated: true }), agent(2, { deactivated: true, used: resources({ cpus: 1 }) }), agent(3, { id: 'agent-3b' }), agent(4, { deactivated: true }), agent(5)],
        [task('agent-1'), task('agent-3b')],
      ),
    );

    const result = await applyPlan(scaleIn({ fromDesired: 5, targetDesired: 1 }), deps);

    expect(mesos.reads).toBe(2);
    expect(maintenance.agentIds('soft')).toEqual(['agent-1', 'agent-2', 'agent-3', 'agent-4']);
    expect(autoScaling.terminated).toEqual([idOf(4)]);
    expect(maintenance.agentIds('cleanUp')).toEqual(['agent-4']);
    expect(byAgent(ledger.records)).toEqual([newDrain(1), newDrain(2), newDrain(3)]);
    expect(result).toMatchObject({
      before: 5,
      after: 4,
      terminatedInstanceIds: [idOf(4)],
      drains: [
        { agentId: 'agent-1', instanceId: idOf(1), runningTasks: 0, reason: 'idle' },
        { agentId: 'agent-2', instanceId: idOf(2), runningTasks: 0, reason: 'idle' },
        { agentId: 'agent-3', instanceId: idOf(3), runningTasks: 0, reason: 'idle' },
      ],
    });
    expect(result.detail).toContain(`terminated 1 instance(s) with nothing running (${idOf(4)})`);
    expect(result.detail).toContain('draining 3 agent(s) (no new tasks; terminated once empty): agent-1 (idle, 0 tasks), agent-2 (idle, 0 tasks), agent-3 (idle, 0 tasks)');
  });

  it('terminates an idle victim whose agent left Mesos before the fresh read, with nothing to clean up', async () => {
    const { autoScaling, mesos, maintenance, ledger, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)], [task('agent-2'), task('agent-3')]));
    mesos.later.push(cluster([agent(2), agent(3)], [task('agent-2'), task('agent-3')]));

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 2 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(1)]);
    expect(maintenance.calls).toEqual(['soft agent-1 window=3600']);
    expect(ledger.records).toEqual([]);
    expect(result).toMatchObject({ before: 3, after: 2, terminatedInstanceIds: [idOf(1)], drains: [] });
  });
});

describe('scale-in: instances without an agent, and drains already in the ledger', () => {
  it('terminates an instance whose agent never registered at once, before draining anything', async () => {
    // i-003 was launched an hour ago and has no agent; i-004 was launched a minute ago and may still be starting.
    const group = asg([1, 2, 3, 4].map((n) => instance(n)));
    const addresses = launched([[3, 3600], [4, 60]]);
    const { ledger, journal, deps } = setup(group, cluster([agent(1), agent(2)], [task('agent-1')]), { addresses });

    const result = await applyPlan(scaleIn({ fromDesired: 4, targetDesired: 1, drain: drainRules({ busyAgents: false }) }), deps);

    expect(journal).toEqual([`terminate ${idOf(3)}`, 'soft agent-2 window=3600', `terminate ${idOf(2)}`, 'cleanUp agent-2 gone=true']);
    expect(ledger.records).toEqual([]);
    expect(result).toMatchObject({
      before: 4,
      after: 2,
      terminatedInstanceIds: [idOf(3), idOf(2)],
      drains: [],
    });
    expect(result.detail).toContain(`terminated 2 instance(s) with nothing running (${idOf(3)}, ${idOf(2)})`);
    expect(result.detail).toContain('1 instance without an agent was launched less than 900 s ago and may still be starting');
  });

  it('keeps instances without an agent right after a master failover', async () => {
    const state = cluster([agent(1), agent(2)], [], { electedAt: NOW / 1000 - 60 });
    const { autoScaling, maintenance, deps } = setup(threeInstances(), state, { addresses: launched([[3, 3600]]) });

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 2 }), deps);

    // The idle agent 1 goes instead of the agent-less i-003.
    expect(maintenance.agentIds('soft')).toEqual(['agent-1']);
    expect(autoScaling.calls).toEqual([`terminate ${idOf(1)}`]);
    expect(result.terminatedInstanceIds).toEqual([idOf(1)]);
  });

  it('counts weighted instances in capacity units and never crosses the target with them', async () => {
    // Desired 7 = 4 + 1 + 2; removing 3 units must skip the weight-4 instance even though it is the oldest.
    const group = asg([instance(1, { weight: 4 }), instance(2), instance(3, { weight: 2 })]);
    const { autoScaling, maintenance, deps } = setup(group, cluster([agent(1, { registeredAt: 1 }), agent(2), agent(3)]));

    const result = await applyPlan(scaleIn({ fromDesired: 7, targetDesired: 4 }), deps);

    expect(maintenance.agentIds('soft')).toEqual(['agent-2', 'agent-3']);
    expect(autoScaling.group.desiredCapacity).toBe(4);
    expect(result).toMatchObject({ before: 7, after: 4, terminatedInstanceIds: [idOf(2), idOf(3)], drains: [] });
  });

  it('takes a terminated instance\'s weight off the capacity it reports', async () => {
    const group = asg([instance(1, { weight: 2 }), instance(2), instance(3)]);
    const { autoScaling, maintenance, deps } = setup(group, cluster([agent(2), agent(3)]), { addresses: launched([[1, 3600]]) });

    const result = await applyPlan(scaleIn({ fromDesired: 4, targetDesired: 2 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(1)]);
    expect(autoScaling.group.desiredCapacity).toBe(2);
    expect(maintenance.calls).toEqual([]);
    expect(result).toMatchObject({ before: 4, after: 2, terminatedInstanceIds: [idOf(1)], drains: [] });
  });

  it('re-adopts a drain left in the ledger before starting a new one, keeping its start and deadline', async () => {
    const left = drainRecord(2, { executionId: 'exec-0', startedAt: NOW - 600_000, deadline: NOW + 3_000_000 });
    const state = cluster([agent(1), agent(2, { deactivated: true }), agent(3)], [task('agent-2')]);
    const { autoScaling, maintenance, ledger, deps } = setup(threeInstances(), state, { ledger: [left] });

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 2 }), deps);

    expect(maintenance.calls).toEqual([]);
    expect(autoScaling.calls).toEqual([]);
    expect(ledger.records).toEqual([{ ...left, executionId: 'exec-1' }]);
    expect(result.drains).toEqual([{ agentId: 'agent-2', instanceId: idOf(2), runningTasks: 1, reason: 'already-draining' }]);
  });

  it('leaves a re-adopted drain to the drain checks even when its host is empty', async () => {
    const left = drainRecord(2, { executionId: 'exec-0', startedAt: NOW - 600_000, deadline: NOW + 3_000_000 });
    const state = cluster([agent(1), agent(2, { deactivated: true }), agent(3)]);
    const { autoScaling, maintenance, mesos, ledger, deps } = setup(threeInstances(), state, { ledger: [left] });

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 2 }), deps);

    expect(mesos.reads).toBe(1);
    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([{ ...left, executionId: 'exec-1' }]);
    expect(result).toMatchObject({ before: 3, after: 3, terminatedInstanceIds: [] });
    expect(result.drains).toEqual([{ agentId: 'agent-2', instanceId: idOf(2), runningTasks: 0, reason: 'already-draining' }]);
  });

  it('terminates the instance of a drained agent that is gone, and forgets the drain', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup(threeInstances(), cluster([agent(1), agent(3)]), {
      ledger: [drainRecord(2, { executionId: 'exec-0' })],
    });

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 2 }), deps);

    expect(autoScaling.calls).toEqual([`terminate ${idOf(2)}`]);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([]);
    expect(result).toMatchObject({ before: 3, after: 2, terminatedInstanceIds: [idOf(2)], drains: [] });
  });

  it('first puts the plan\'s left-behind drains back into service', async () => {
    // The fake Mesos still shows agent 1 deactivated, so it is not chosen again.
    const state = cluster([agent(1, { deactivated: true }), agent(2), agent(3)]);
    const { maintenance, ledger, journal, deps } = setup(threeInstances(), state, { ledger: [drainRecord(1, { executionId: 'exec-0' })] });

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 2, reactivate: ['agent-1'] }), deps);

    expect(journal).toEqual(['cancel agent-1', 'soft agent-2 window=3600', `terminate ${idOf(2)}`, 'cleanUp agent-2 gone=true']);
    expect(maintenance.agentIds('cleanUp')).toEqual(['agent-2']);
    expect(ledger.records).toEqual([]);
    expect(result.reactivated).toEqual(['agent-1']);
    expect(result.terminatedInstanceIds).toEqual([idOf(2)]);
    expect(result.detail).toContain('1 drain(s) left behind put back into service');
  });
});

describe('scale-in: when nothing may be removed', () => {
  it('refuses while the Terminate process is suspended, without error', async () => {
    const group = asg([instance(1), instance(2), instance(3)], { suspendedProcesses: ['Terminate'] });
    const { autoScaling, maintenance, mesos, deps } = setup(group, cluster([agent(1), agent(2), agent(3)]));

    const result = await applyPlan(scaleIn(), deps);

    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(mesos.reads).toBe(0);
    expect(result).toMatchObject({ before: 3, after: 3, terminatedInstanceIds: [], drains: [] });
    expect(result.detail).toContain('Terminate process suspended');
  });

  it('never goes below MinSize', async () => {
    const group = asg([instance(1), instance(2), instance(3)], { minSize: 2 });
    const { autoScaling, maintenance, deps } = setup(group, cluster([agent(1), agent(2), agent(3)]));

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 0 }), deps);

    expect(maintenance.agentIds('soft')).toEqual(['agent-1']);
    expect(autoScaling.calls).toEqual([`terminate ${idOf(1)}`]);
    expect(autoScaling.group.desiredCapacity).toBe(2);
    expect(result).toMatchObject({ before: 3, after: 2, terminatedInstanceIds: [idOf(1)], drains: [] });
  });

  it('makes no call when the ASG is already at MinSize', async () => {
    const group = asg([instance(1), instance(2), instance(3)], { minSize: 3 });
    const { autoScaling, maintenance, mesos, deps } = setup(group, cluster([agent(1), agent(2), agent(3)]));
    const result = await applyPlan(scaleIn(), deps);
    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(mesos.reads).toBe(0);
    expect(result.after).toBe(3);
    expect(result.detail).toContain('the ASG is at its MinSize 3; nothing to remove');
  });

  it('removes nothing while agents have not re-registered after a master failover', async () => {
    const state = cluster([agent(1), agent(2), agent(3)], [], { recoveredAgentIds: ['agent-7'] });
    const { autoScaling, maintenance, ledger, deps } = setup(threeInstances(), state);
    const result = await applyPlan(scaleIn(), deps);
    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(ledger.records).toEqual([]);
    expect(result.detail).toContain('not re-registered');
  });

  it('reports that no agent could be removed', async () => {
    const state = cluster([agent(1), agent(2), agent(3)], [task('agent-1'), task('agent-2'), task('agent-3')]);
    const { autoScaling, maintenance, deps } = setup(threeInstances(), state);
    const result = await applyPlan(scaleIn({ drain: drainRules({ busyAgents: false }) }), deps);
    expect(autoScaling.calls).toEqual([]);
    expect(maintenance.calls).toEqual([]);
    expect(result).toMatchObject({ before: 3, after: 3, terminatedInstanceIds: [], drains: [] });
    expect(result.detail).toContain('no agent of pool batch can be removed now');
  });
});

describe('scale-in: failures part-way', () => {
  it('stops after a conflict that follows a termination and reports success with what was done', async () => {
    const { autoScaling, maintenance, deps } = setup(threeInstances(), cluster([agent(3)]), { addresses: launched([[1, 7200], [2, 3600]]) });
    autoScaling.terminateErrors = [undefined, conflict()];

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 0 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(1)]);
    expect(maintenance.calls).toEqual([]);
    expect(result).toMatchObject({ before: 3, after: 2, terminatedInstanceIds: [idOf(1)], drains: [] });
    expect(result.detail).toContain(`stopped early after ${ErrorNames.ScalingConflict}`);
    expect(result.detail).toContain('the rest is re-planned by the next run');
  });

  it('stops after a Mesos failure that follows a drain, keeping the drain it recorded', async () => {
    const busy = cluster([agent(1), agent(2), agent(3)], [task('agent-1'), task('agent-2'), task('agent-3')]);
    const { autoScaling, maintenance, ledger, deps } = setup(threeInstances(), busy);
    maintenance.errors.soft = [undefined, mesosDown()];

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 0 }), deps);

    expect(maintenance.calls).toEqual(['soft agent-1 window=3600']);
    expect(autoScaling.calls).toEqual([]);
    expect(ledger.records).toEqual([newDrain(1)]);
    expect(result.drains.map((d) => d.agentId)).toEqual(['agent-1']);
    expect(result.detail).toContain(`stopped early after ${ErrorNames.MesosUnavailable}`);
  });

  it('still finishes the idle agents it drained before a Mesos failure', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)]));
    maintenance.errors.soft = [undefined, mesosDown()];

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 0 }), deps);

    expect(maintenance.calls).toEqual(['soft agent-1 window=3600', 'cleanUp agent-1 gone=true']);
    expect(autoScaling.terminated).toEqual([idOf(1)]);
    expect(ledger.records).toEqual([]);
    expect(result).toMatchObject({ before: 3, after: 2, terminatedInstanceIds: [idOf(1)], drains: [] });
    expect(result.detail).toContain(`stopped early after ${ErrorNames.MesosUnavailable}`);
  });

  it('keeps an idle agent draining when its termination meets a conflict after another one went', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)], [task('agent-3')]));
    autoScaling.terminateErrors = [undefined, conflict()];

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 1 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(1)]);
    expect(maintenance.calls).toEqual(['soft agent-1 window=3600', 'soft agent-2 window=3600', 'cleanUp agent-1 gone=true']);
    expect(ledger.records).toEqual([newDrain(2)]);
    expect(result).toMatchObject({
      before: 3,
      after: 2,
      terminatedInstanceIds: [idOf(1)],
      drains: [{ agentId: 'agent-2', instanceId: idOf(2), runningTasks: 0, reason: 'idle' }],
    });
  });

  it('counts an instance terminated even when cleaning up its agent in Mesos fails', async () => {
    const { autoScaling, maintenance, ledger, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)], [task('agent-2'), task('agent-3')]));
    maintenance.errors.cleanUp = [mesosDown()];

    const result = await applyPlan(scaleIn({ fromDesired: 3, targetDesired: 2 }), deps);

    expect(autoScaling.terminated).toEqual([idOf(1)]);
    expect(maintenance.calls).toEqual(['soft agent-1 window=3600']);
    expect(ledger.records).toEqual([]);
    expect(result).toMatchObject({ before: 3, after: 2, terminatedInstanceIds: [idOf(1)], drains: [] });
  });

  it('throws ScalingConflict when the conflict comes before any termination', async () => {
    const { autoScaling, deps } = setup(threeInstances(), cluster([agent(2), agent(3)]), { addresses: launched([[1, 3600]]) });
    autoScaling.terminateErrors = [conflict()];

    const err = await autoscalerRejection(applyPlan(scaleIn(), deps));

    expect(err.name).toBe(ErrorNames.ScalingConflict);
    expect(autoScaling.terminated).toEqual([]);
  });

  it('throws when the first drain fails, recording nothing', async () => {
    const { maintenance, ledger, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)]));
    maintenance.errors.soft = [mesosDown()];

    const err = await autoscalerRejection(applyPlan(scaleIn(), deps));

    expect(err.name).toBe(ErrorNames.MesosUnavailable);
    expect(ledger.records).toEqual([]);
  });

  it('throws an unexpected error even after a drain', async () => {
    const { maintenance, deps } = setup(threeInstances(), cluster([agent(1), agent(2), agent(3)]));
    maintenance.errors.soft = [undefined, new TypeError('boom')];
    await expect(applyPlan(scaleIn(), deps)).rejects.toThrow(TypeError);
  });
});

describe('a pool of several groups', () => {
  const twoGroups = (a: Partial<AsgState> = {}, b: Partial<AsgState> = {}) => [
    asg([instance(1), instance(2)], { name: 'asg-a', ...a }),
    asg([instance(3)], { name: 'asg-b', ...b }),
  ] as const;
  const pooled = (extra: Partial<Plan>) => plan({ asgNames: ['asg-a', 'asg-b'], ...extra });

  function setupGroups(groups: readonly AsgState[], state: ClusterState = cluster([])) {
    const { deps, ...rest } = setup(groups[0]!, state);
    rest.autoScaling.groups.push(...groups.slice(1));
    return { ...rest, deps };
  }

  it('spreads a scale-out over the groups, the lowest first, and names each change', async () => {
    const { autoScaling, deps } = setupGroups(twoGroups());

    const result = await applyPlan(pooled({ action: 'scale-out', fromDesired: 3, targetDesired: 6 }), deps);

    expect(autoScaling.calls).toEqual(['set asg-a 3', 'set asg-b 3']);
    expect(result).toMatchObject({ asgNames: ['asg-a', 'asg-b'], before: 3, after: 6, detail: 'desired capacity set from 3 to 6 (asg-a 2 → 3, asg-b 1 → 3)' });
  });

  it('launches in the group that can when the other has its Launch process suspended', async () => {
    const { autoScaling, deps } = setupGroups(twoGroups({}, { suspendedProcesses: ['Launch'] }));

    await applyPlan(pooled({ action: 'scale-out', fromDesired: 3, targetDesired: 5 }), deps);

    expect(autoScaling.calls).toEqual(['set asg-a 4']);
  });

  it('compares the plan with the summed desired capacity', async () => {
    const { autoScaling, deps } = setupGroups(twoGroups({}, { desiredCapacity: 2 }));

    const err = await autoscalerRejection(applyPlan(pooled({ action: 'scale-out', fromDesired: 3, targetDesired: 5 }), deps));

    expect(err.name).toBe(ErrorNames.StalePlan);
    expect(err.message).toContain('desired capacity of asg-a, asg-b moved from 3 to 4');
    expect(autoScaling.calls).toEqual([]);
  });

  it('refuses a plan when one of its groups is gone, changing nothing', async () => {
    const { autoScaling, deps } = setup(asg([instance(1)], { name: 'asg-a' }));

    const err = await autoscalerRejection(applyPlan(pooled({ action: 'scale-out', fromDesired: 1, targetDesired: 2 }), deps));

    expect(err.name).toBe(ErrorNames.UnknownPool);
    expect(err.message).toContain('asg-b');
    expect(autoScaling.calls).toEqual([]);
  });

  it('takes each instance out through its own group, never below that group\'s MinSize', async () => {
    const groups = [
      asg([instance(1), instance(2)], { name: 'asg-a', minSize: 2 }),
      asg([instance(3), instance(4)], { name: 'asg-b' }),
    ];
    const { autoScaling, deps } = setupGroups(groups, cluster([agent(1), agent(2), agent(3), agent(4)]));

    const result = await applyPlan(pooled({ action: 'scale-in', fromDesired: 4, targetDesired: 1 }), deps);

    expect(autoScaling.terminated.sort()).toEqual([idOf(3), idOf(4)]);
    expect(autoScaling.groups.map((g) => g.desiredCapacity)).toEqual([2, 0]);
    expect(result.after).toBe(2);
  });

  it('takes nothing from a group whose Terminate process is suspended, and says so', async () => {
    const groups = [
      asg([instance(1), instance(2)], { name: 'asg-a', minSize: 1 }),
      asg([instance(3), instance(4)], { name: 'asg-b', suspendedProcesses: ['Terminate'] }),
    ];
    const { autoScaling, deps } = setupGroups(groups, cluster([agent(1), agent(2), agent(3), agent(4)]));

    const result = await applyPlan(pooled({ action: 'scale-in', fromDesired: 4, targetDesired: 0 }), deps);

    expect(autoScaling.terminated).toHaveLength(1);
    expect(autoScaling.groups.map((g) => g.desiredCapacity)).toEqual([1, 2]);
    expect(result.detail).toContain('1 of the 3 capacity units asked for can go now');
    expect(result.detail).toContain('in a group at its MinSize or with its Terminate process suspended');
  });
});
