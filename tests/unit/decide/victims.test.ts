import type { DrainRecord } from '../../../shared/aws/ports.js';
import { chooseVictims, type ChooseVictimsInput, type VictimRules } from '../../../shared/decide/victims.js';
import type { AsgInstance, InstanceAddress } from '../../../shared/model/asg.js';
import type { MesosAgent, MesosTask } from '../../../shared/model/cluster.js';
import { resources } from '../../../shared/model/resources.js';
import { agent, asg, cluster, drainRecord, idOf, instance, ipOf, task } from '../../support/fakes.js';

/** Agents of fakes.ts registered at 1_700_000_000 + n seconds: about 10,000 s before NOW. */
const NOW = 1_700_010_000_000;
const HOUR = 3600_000;
const RULES: VictimRules = { minAgentAgeSeconds: 600, unregisteredGraceSeconds: 900, maxDraining: 5 };

function address(n: number, extra: Partial<InstanceAddress> = {}): InstanceAddress {
  return { instanceId: idOf(n), privateIp: ipOf(n), privateDnsName: `ip-10-0-0-${n}.internal`, launchedAt: NOW - HOUR, ...extra };
}

function drain(n: number, extra: Partial<DrainRecord> = {}): DrainRecord {
  return drainRecord(n, {
    executionId: 'arn:aws:states:eu-west-1:000000000000:execution:autoscaler:run-1',
    startedAt: NOW - 60_000,
    deadline: NOW + HOUR,
    ...extra,
  });
}

function tasksOn(agentId: string, startedAt: number[]): MesosTask[] {
  return startedAt.map((s, i) => ({ ...task(agentId, i), startedAt: s }));
}

interface Scenario {
  instances: AsgInstance[];
  agents?: MesosAgent[];
  tasks?: MesosTask[];
  addresses?: InstanceAddress[];
  drains?: DrainRecord[];
  count: number;
  asg?: { minSize?: number; desiredCapacity?: number; suspendedProcesses?: string[] };
  cluster?: { recoveredAgentIds?: string[]; electedAt?: number | null };
  rules?: Partial<VictimRules>;
}

function input(s: Scenario): ChooseVictimsInput {
  const n = (i: AsgInstance) => Number(i.instanceId.slice(2));
  return {
    pool: 'batch',
    count: s.count,
    cluster: cluster(s.agents ?? [], s.tasks ?? [], s.cluster),
    asg: asg(s.instances, s.asg),
    addresses: s.addresses ?? s.instances.map((i) => address(n(i))),
    drains: s.drains ?? [],
    now: NOW,
    rules: { ...RULES, ...s.rules },
  };
}

const choose = (s: Scenario) => chooseVictims(input(s));
const picked = (s: Scenario) => choose(s).victims.map((v) => [v.instanceId, v.reason]);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('preference order', () => {
  // i-001: our drain in progress; i-002: no agent, launched an hour ago; i-003: idle; i-004: busy.
  const mixed: Scenario = {
    instances: range(1, 4).map((n) => instance(n)),
    agents: [agent(1, { drainState: 'DRAINING', deactivated: true }), agent(3), agent(4)],
    tasks: [task('agent-1'), task('agent-4')],
    drains: [drain(1)],
    count: 4,
  };

  it.each([
    [1, [['i-001', 'already-draining']]],
    [2, [['i-001', 'already-draining'], ['i-002', 'never-registered']]],
    [3, [['i-001', 'already-draining'], ['i-002', 'never-registered'], ['i-003', 'idle']]],
    [4, [['i-001', 'already-draining'], ['i-002', 'never-registered'], ['i-003', 'idle'], ['i-004', 'least-work']]],
  ])('count %i takes the preferred victims first', (count, expected) => {
    expect(picked({ ...mixed, count })).toEqual(expected);
  });

  it('describes each victim: its agent, the tasks its termination kills, its zone', () => {
    const { victims, notes } = choose({ ...mixed, instances: mixed.instances.map((i) => ({ ...i, availabilityZone: 'eu-west-1c' })) });
    expect(victims.map((v) => [v.agent?.id ?? null, v.runningTasks, v.availabilityZone])).toEqual([
      ['agent-1', 1, 'eu-west-1c'],
      [null, 0, 'eu-west-1c'],
      ['agent-3', 0, 'eu-west-1c'],
      ['agent-4', 1, 'eu-west-1c'],
    ]);
    expect(notes).toEqual([]);
  });

  it('re-adopts a drain whose agent has already left Mesos, with no agent', () => {
    const { victims } = choose({ instances: [instance(1)], drains: [drain(1)], count: 1 });
    expect(victims).toEqual([{ instanceId: 'i-001', agent: null, reason: 'already-draining', runningTasks: 0, availabilityZone: 'eu-west-1a' }]);
  });

  it('re-adopts the oldest drains first', () => {
    expect(
      picked({
        instances: range(1, 3).map((n) => instance(n)),
        drains: [drain(1, { startedAt: NOW - 1000 }), drain(2, { startedAt: NOW - 3000 }), drain(3, { startedAt: NOW - 2000 })],
        count: 2,
      }),
    ).toEqual([['i-002', 'already-draining'], ['i-003', 'already-draining']]);
  });
});

describe('least work lost', () => {
  const busy = (tasksPerAgent: MesosTask[][], extra: Partial<Scenario> = {}): Scenario => ({
    instances: tasksPerAgent.map((_, i) => instance(i + 1)),
    agents: tasksPerAgent.map((_, i) => agent(i + 1)),
    tasks: tasksPerAgent.flat(),
    count: 1,
    ...extra,
  });

  it('takes the agent whose oldest task is youngest, even with more tasks (young tasks end sooner)', () => {
    // agent-1: one task running for 9,000 s; agent-2: three tasks, the oldest 1,000 s old.
    const s = busy([tasksOn('agent-1', [1_700_001_000]), tasksOn('agent-2', [1_700_009_000, 1_700_009_500, 1_700_009_900])]);
    expect(picked(s)).toEqual([['i-002', 'least-work']]);
  });

  it('passes over a busy agent whose oldest task has run longer than maxTaskAgeSeconds, and says so', () => {
    // Oldest task ages: agent-1 9,000 s, agent-2 1,000 s: only agent-2 can be expected to empty within an hour.
    const s = busy([tasksOn('agent-1', [1_700_001_000]), tasksOn('agent-2', [1_700_009_000])], { count: 2, rules: { maxTaskAgeSeconds: 3600 } });
    const { victims, notes } = choose(s);
    expect(victims.map((v) => v.instanceId)).toEqual(['i-002']);
    expect(notes).toContain('1 busy agent runs a task older than the drain deadline, so draining it would likely outlast the deadline');
    // Without the limit both may go.
    expect(picked({ ...s, rules: {} }).map(([id]) => id)).toEqual(['i-002', 'i-001']);
  });

  it('still takes an idle agent, whatever the age limit for busy ones', () => {
    const s = busy([[], tasksOn('agent-2', [1_700_001_000])], { rules: { maxTaskAgeSeconds: 60 } });
    expect(picked({ ...s, agents: [agent(1), agent(2)] })).toEqual([['i-001', 'idle']]);
  });

  it('orders busy agents by the age of their oldest task, youngest first, not by the newest one', () => {
    // Oldest task ages: agent-1 5,000 s, agent-2 8,000 s (its other task is new), agent-3 1,000 s.
    const s = busy([tasksOn('agent-1', [1_700_005_000, 1_700_005_000]), tasksOn('agent-2', [1_700_009_000, 1_700_002_000]), tasksOn('agent-3', [1_700_009_000, 1_700_009_500])]);
    expect(picked({ ...s, count: 3 }).map(([id]) => id)).toEqual(['i-003', 'i-001', 'i-002']);
  });

  it('with oldest tasks of the same age, takes the agent with the fewest running tasks before the least work', () => {
    // agent-1: two tasks, 2,000 s of work; agent-2: three tasks (two brand new), 1,002 s of work.
    const s = busy([tasksOn('agent-1', [1_700_009_000, 1_700_009_000]), tasksOn('agent-2', [1_700_009_000, 1_700_009_999, 1_700_009_999])]);
    expect(picked({ ...s, count: 2 }).map(([id]) => id)).toEqual(['i-001', 'i-002']);
  });

  it('with the same oldest task and as many tasks, takes the one that has done the least work', () => {
    const s = busy([tasksOn('agent-1', [1_700_005_000, 1_700_005_000]), tasksOn('agent-2', [1_700_005_000, 1_700_009_000])]);
    expect(picked(s)).toEqual([['i-002', 'least-work']]);
  });

  it('counts a task with no start time from its agent registration (not as new)', () => {
    const unknownStart = { ...task('agent-1'), startedAt: null };
    const s = busy([[unknownStart], tasksOn('agent-2', [1_700_009_000])]);
    expect(picked(s)).toEqual([['i-002', 'least-work']]);
  });

  it('takes agents with reserved resources last, even with fewer tasks', () => {
    const s = busy([tasksOn('agent-1', [1_700_009_000]), tasksOn('agent-2', [1_700_009_000, 1_700_009_000])], {
      agents: [agent(1, { reserved: resources({ cpus: 1 }) }), agent(2)],
    });
    expect(picked({ ...s, count: 2 }).map(([id]) => id)).toEqual(['i-002', 'i-001']);
  });

  it('puts idle agents with reservations after other idle agents', () => {
    const s: Scenario = { instances: [instance(1), instance(2)], agents: [agent(1, { reserved: resources({ disk: 10 }) }), agent(2)], count: 1 };
    expect(picked(s)).toEqual([['i-002', 'idle']]);
  });

  it('passes over a busy agent registered less than minAgentAgeSeconds ago, and says so', () => {
    const young = NOW / 1000 - 300;
    const s = busy([tasksOn('agent-1', [young]), tasksOn('agent-2', [1_700_000_100, 1_700_000_100])], {
      agents: [agent(1, { registeredAt: young }), agent(2)],
    });
    expect(picked(s)).toEqual([['i-002', 'least-work']]);
    const { victims, notes } = choose({ ...s, count: 2 });
    expect(victims.map((v) => v.instanceId)).toEqual(['i-002']);
    expect(notes).toContain('1 busy agent registered less than 600 s ago');
  });

  it('still takes a young agent that is idle', () => {
    expect(picked({ instances: [instance(1)], agents: [agent(1, { registeredAt: NOW / 1000 - 10 })], count: 1 })).toEqual([['i-001', 'idle']]);
  });

  it('takes no busy agent when busyAgents is false', () => {
    const { victims, notes } = choose(busy([tasksOn('agent-1', [1_700_009_000])], { rules: { busyAgents: false } }));
    expect(victims).toEqual([]);
    expect(notes).toContain('1 instance runs tasks and busy agents may not be chosen');
  });

  it('counts allocated resources without a task as busy', () => {
    const s: Scenario = { instances: [instance(1), instance(2)], agents: [agent(1, { used: resources({ cpus: 1 }) }), agent(2)], count: 2 };
    expect(picked(s)).toEqual([['i-002', 'idle'], ['i-001', 'least-work']]);
  });
});

describe('hosts shared by several agents', () => {
  it('does not take an idle agent as idle when another agent on its host is busy; it may go as least work', () => {
    const other = agent(1, { id: 'agent-web', pool: 'web', hostname: 'ip-10-0-0-1.internal' });
    const s: Scenario = { instances: [instance(1), instance(2)], agents: [agent(1), other, agent(2)], tasks: [task('agent-web'), task('agent-web', 2)], count: 2 };
    const { victims } = choose(s);
    expect(victims.map((v) => [v.instanceId, v.reason, v.agent?.id, v.runningTasks])).toEqual([
      ['i-002', 'idle', 'agent-2', 0],
      ['i-001', 'least-work', 'agent-1', 2],
    ]);
  });

  it('recognises a busy agent whose pid carries no IP by its host name', () => {
    const hidden = agent(1, { id: 'agent-noip', pool: 'web', ip: null });
    const s: Scenario = { instances: [instance(1)], agents: [agent(1), hidden], tasks: [task('agent-noip')], count: 1, rules: { busyAgents: false } };
    expect(choose(s).victims).toEqual([]);
  });

  it('names the oldest usable agent of the pool when a host carries two idle ones', () => {
    const s: Scenario = { instances: [instance(1)], agents: [agent(1, { id: 'agent-b', registeredAt: 1_700_000_050 }), agent(1, { id: 'agent-a', registeredAt: 1_700_000_090 })], count: 1 };
    expect(choose(s).victims.map((v) => v.agent?.id)).toEqual(['agent-b']);
  });

  it('skips an instance whose private IP another instance of the group also reports', () => {
    const s: Scenario = {
      instances: [instance(1), instance(2)],
      agents: [agent(1)],
      addresses: [address(1), address(2, { privateIp: ipOf(1) })],
      count: 2,
    };
    const { victims, notes } = choose(s);
    expect(victims).toEqual([]);
    expect(notes).toContain("2 instances share a private IP with another instance, so its agent cannot be told apart");
  });
});

describe('what is never chosen', () => {
  it('never a protected or not-InService instance', () => {
    const s: Scenario = {
      instances: [
        instance(1, { protectedFromScaleIn: true }),
        instance(2, { lifecycleState: 'Pending' }),
        instance(3, { lifecycleState: 'Standby' }),
        instance(4, { lifecycleState: 'Terminating:Wait' }),
      ],
      agents: range(1, 4).map((n) => agent(n)),
      count: 4,
    };
    const { victims, notes } = choose(s);
    expect(victims).toEqual([]);
    expect(notes).toEqual([
      '0 of the 4 capacity units asked for can go now',
      '1 instance is protected from scale-in',
      '3 instances are not InService',
    ]);
  });

  it('nothing at all while the Terminate process is suspended', () => {
    const { victims, notes } = choose({ instances: [instance(1)], agents: [agent(1)], drains: [drain(1)], count: 1, asg: { suspendedProcesses: ['AZRebalance', 'Terminate'] } });
    expect(victims).toEqual([]);
    expect(notes).toEqual(['the ASG asg-batch has its Terminate process suspended: no instance is chosen until it is resumed']);
  });

  it('nothing for a count of zero', () => {
    expect(choose({ instances: [instance(1)], agents: [agent(1)], count: 0 })).toEqual({ victims: [], notes: [] });
  });

  it('nothing at MinSize', () => {
    const { victims, notes } = choose({ instances: [instance(1), instance(2)], agents: [agent(1), agent(2)], count: 1, asg: { minSize: 2 } });
    expect(victims).toEqual([]);
    expect(notes).toEqual(['the ASG asg-batch is at its MinSize 2: no instance can go']);
  });

  it('never below MinSize, and says why fewer than asked', () => {
    const s: Scenario = { instances: range(1, 4).map((n) => instance(n)), agents: range(1, 4).map((n) => agent(n)), count: 3, asg: { minSize: 3 } };
    const { victims, notes } = choose(s);
    expect(victims.map((v) => v.instanceId)).toEqual(['i-001']);
    expect(notes).toEqual(['1 of the 3 capacity units asked for can go now', "the ASG's MinSize 3 leaves only 1 above it"]);
  });

  it('counts instance weights against the capacity to remove', () => {
    const s: Scenario = {
      instances: [instance(1, { weight: 2 }), instance(2, { weight: 2 }), instance(3, { weight: 1 })],
      agents: range(1, 3).map((n) => agent(n)),
      count: 4,
      asg: { minSize: 2 },
    };
    // desired 5 − MinSize 2 = 3 units: one of weight 2, then the one of weight 1.
    const { victims, notes } = choose(s);
    expect(victims.map((v) => v.instanceId)).toEqual(['i-001', 'i-003']);
    expect(notes).toEqual([
      '3 of the 4 capacity units asked for can go now',
      "the ASG's MinSize 2 leaves only 3 above it",
      '1 instance weighs more than the capacity left to remove',
    ]);
  });

  it('reports an instance too heavy for the capacity left', () => {
    const { victims, notes } = choose({ instances: [instance(1, { weight: 3 })], agents: [agent(1)], count: 2 });
    expect(victims).toEqual([]);
    expect(notes).toContain('1 instance weighs more than the capacity left to remove');
  });

  it('never an agent drained or deactivated by someone else, nor a disconnected one', () => {
    const s: Scenario = {
      instances: range(1, 3).map((n) => instance(n)),
      agents: [agent(1, { drainState: 'DRAINING' }), agent(2, { deactivated: true, active: false }), agent(3, { active: false })],
      count: 3,
    };
    const { victims, notes } = choose(s);
    expect(victims).toEqual([]);
    expect(notes).toContain('3 instances have no usable agent (disconnected, deactivated or drained by someone else)');
  });

  it('never an instance that carries only agents of another pool', () => {
    const { victims, notes } = choose({ instances: [instance(1)], agents: [agent(1, { pool: 'web' })], count: 1 });
    expect(victims).toEqual([]);
    expect(notes).toContain('1 instance carries only agents of other pools');
  });
});

describe('maxDraining', () => {
  const idle = range(1, 6);

  it('starts only as many drains as the ledger leaves room for', () => {
    const s: Scenario = { instances: idle.map((n) => instance(n)), agents: idle.map((n) => agent(n)), drains: [drain(1), drain(2)], count: 6, rules: { maxDraining: 3 } };
    const { victims, notes } = choose(s);
    expect(victims.map((v) => [v.instanceId, v.reason])).toEqual([
      ['i-001', 'already-draining'],
      ['i-002', 'already-draining'],
      ['i-003', 'idle'],
    ]);
    expect(notes).toContain('3 more agents wait: at most 3 may drain at once and 2 already do');
  });

  it('re-adopts every drain even beyond maxDraining, and starts none', () => {
    const s: Scenario = { instances: idle.map((n) => instance(n)), agents: idle.map((n) => agent(n)), drains: [drain(1), drain(2), drain(3)], count: 6, rules: { maxDraining: 2 } };
    expect(picked(s).map(([, reason]) => reason)).toEqual(['already-draining', 'already-draining', 'already-draining']);
  });

  it('does not count never-registered instances as drains', () => {
    const s: Scenario = { instances: [instance(1), instance(2)], agents: [agent(1)], drains: [drain(1)], count: 2, rules: { maxDraining: 1 } };
    expect(picked(s)).toEqual([['i-001', 'already-draining'], ['i-002', 'never-registered']]);
  });

  it('gives no slot to a drain whose instance has left the group: only its record is left', () => {
    const s: Scenario = {
      instances: [instance(1, { lifecycleState: 'Terminating:Wait' }), instance(2), instance(3)],
      agents: [agent(2), agent(3)],
      drains: [drain(1)],
      count: 2,
      rules: { maxDraining: 1 },
    };
    expect(picked(s)).toEqual([['i-002', 'idle']]);
    expect(choose(s).notes).toContain('1 more agent waits: at most 1 may drain at once and 0 already do');
  });

  it('takes nothing new with maxDraining 0', () => {
    expect(choose({ instances: [instance(1)], agents: [agent(1)], count: 1, rules: { maxDraining: 0 } }).victims).toEqual([]);
  });
});

describe('the drain ledger', () => {
  it('does not re-adopt a drain on a protected, not-InService or vanished instance, nor take it otherwise', () => {
    const s: Scenario = {
      instances: [instance(1, { protectedFromScaleIn: true }), instance(2, { lifecycleState: 'Terminating' }), instance(4)],
      agents: [agent(1), agent(2), agent(4)],
      drains: [drain(1), drain(2), drain(3)],
      count: 3,
    };
    const { victims, notes } = choose(s);
    expect(victims.map((v) => [v.instanceId, v.reason])).toEqual([['i-004', 'idle']]);
    expect(notes.slice(0, 3)).toEqual([
      'the drain of agent agent-1 on i-001 is not re-adopted: the instance is protected from scale-in',
      'the drain of agent agent-2 on i-002 is not re-adopted: the instance is Terminating',
      'the drain of agent agent-3 on i-003 is not re-adopted: the instance is no longer in the ASG',
    ]);
  });

  it('does not re-adopt a drain whose host now carries another busy agent', () => {
    const stranger = agent(1, { id: 'agent-new' });
    const { victims, notes } = choose({ instances: [instance(1)], agents: [stranger], tasks: [task('agent-new')], drains: [drain(1)], count: 1 });
    expect(victims).toEqual([]);
    expect(notes[0]).toBe('the drain of agent agent-1 on i-001 is not re-adopted: another busy agent runs on the same host');
  });

  it('says which drains the plan leaves out', () => {
    const { victims, notes } = choose({ instances: range(1, 3).map((n) => instance(n)), drains: [drain(1), drain(2), drain(3)], count: 1 });
    expect(victims.map((v) => v.instanceId)).toEqual(['i-001']);
    expect(notes).toEqual(['drains in progress on i-002, i-003 are not re-adopted: the plan removes less capacity than they add up to']);
  });
});

describe('instances whose agent never registered', () => {
  const lonely = (extra: Partial<Scenario> = {}): Scenario => ({ instances: [instance(1)], agents: [], count: 1, ...extra });

  it('takes one launched longer ago than the grace', () => {
    expect(picked(lonely())).toEqual([['i-001', 'never-registered']]);
  });

  it.each([
    ['launched within the grace', { addresses: [address(1, { launchedAt: NOW - 600_000 })] }, '1 instance without an agent was launched less than 900 s ago and may still be starting'],
    ['with no launch time', { addresses: [address(1, { launchedAt: undefined })] }, '1 instance without an agent has no known address or launch time'],
    ['with no address at all', { addresses: [] }, '1 instance without an agent has no known address or launch time'],
    ['while agents have not re-registered after a failover', { cluster: { recoveredAgentIds: ['agent-9'] } }, '1 instance without an agent was kept: agents may still be re-registering after a Mesos master failover'],
    ['while the leader was elected within the grace', { cluster: { electedAt: NOW / 1000 - 120 } }, '1 instance without an agent was kept: agents may still be re-registering after a Mesos master failover'],
  ])('keeps one %s', (_, extra, note) => {
    const { victims, notes } = choose(lonely(extra as Partial<Scenario>));
    expect(victims).toEqual([]);
    expect(notes).toContain(note);
  });

  it('is not one when an agent of any pool, or any state, runs on it', () => {
    for (const onIt of [agent(1, { pool: 'web' }), agent(1, { active: false })]) {
      expect(choose(lonely({ agents: [onIt] })).victims).toEqual([]);
    }
  });

  it('is not one when an agent without an IP in its pid runs on it: the host name matches it', () => {
    expect(picked(lonely({ agents: [agent(1, { ip: null })] }))).toEqual([['i-001', 'idle']]);
  });

  it('takes the oldest launch first among equals', () => {
    const s: Scenario = { instances: [instance(1), instance(2)], addresses: [address(1, { launchedAt: NOW - HOUR }), address(2, { launchedAt: NOW - 2 * HOUR })], count: 1 };
    expect(picked(s)).toEqual([['i-002', 'never-registered']]);
  });
});

describe('availability zones', () => {
  it('among equals takes from the zone with the most in-service instances first', () => {
    const zones = ['a', 'a', 'a', 'b', 'b'];
    const s: Scenario = {
      instances: zones.map((z, i) => instance(i + 1, { availabilityZone: `eu-west-1${z}` })),
      agents: zones.map((_, i) => agent(i + 1)),
      count: 3,
    };
    // a:3 b:2 → a (oldest i-001); a:2 b:2 → oldest of both (i-002); a:1 b:2 → b (i-004).
    expect(choose(s).victims.map((v) => [v.instanceId, v.availabilityZone])).toEqual([
      ['i-001', 'eu-west-1a'],
      ['i-002', 'eu-west-1a'],
      ['i-004', 'eu-west-1b'],
    ]);
  });

  it('counts protected and busy in-service instances in a zone too', () => {
    const s: Scenario = {
      instances: [
        instance(1, { availabilityZone: 'a' }),
        instance(2, { availabilityZone: 'b' }),
        instance(3, { availabilityZone: 'b', protectedFromScaleIn: true }),
        instance(4, { availabilityZone: 'b' }),
      ],
      agents: [agent(1), agent(2), agent(3), agent(4)],
      tasks: [task('agent-4')],
      count: 1,
    };
    expect(picked(s)).toEqual([['i-002', 'idle']]);
  });

  it('does not override a better reason', () => {
    const s: Scenario = {
      instances: [instance(1, { availabilityZone: 'a' }), instance(2, { availabilityZone: 'b' }), instance(3, { availabilityZone: 'b' })],
      agents: [agent(1), agent(2), agent(3)],
      tasks: [task('agent-2'), task('agent-3')],
      count: 1,
    };
    expect(picked(s)).toEqual([['i-001', 'idle']]);
  });
});
