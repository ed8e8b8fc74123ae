import { unitsOf } from '../../../shared/decide/capacity-units.js';
import { summarisePool, summarisePools } from '../../../shared/decide/summarise.js';
import type { AsgInstance, AsgState, InstanceAddress, ScalingActivity } from '../../../shared/model/asg.js';
import type { ClusterState, MarathonQueueItem, MesosAgent, MesosTask } from '../../../shared/model/cluster.js';
import type { DrainSummary } from '../../../shared/model/snapshot.js';
import { resources, type Resources } from '../../../shared/model/resources.js';
import { NO_PENDING, NOW, poolConfig, queueItem } from './builders.js';

const SMALL = resources({ cpus: 4, mem: 16000, disk: 50000 });
const LARGE = resources({ cpus: 8, mem: 32000, disk: 100000 });

function agent(id: string, ip: string | null, overrides: Partial<MesosAgent> = {}): MesosAgent {
  return {
    id,
    pid: `slave(1)@${ip ?? 'host'}:5051`,
    hostname: `${id}.internal`,
    ip,
    attributes: { pool: 'batch' },
    pool: 'batch',
    total: LARGE,
    used: resources(),
    offered: resources(),
    reserved: resources(),
    active: true,
    deactivated: false,
    drainState: null,
    registeredAt: NOW / 1000 - 3600,
    version: '1.9.0',
    zone: null,
    ...overrides,
  };
}

let taskCounter = 0;
function task(agentId: string, appId: string, res: Resources): MesosTask {
  taskCounter += 1;
  return {
    id: `${appId.slice(1)}.${taskCounter}`,
    name: appId.slice(1),
    frameworkId: 'marathon',
    frameworkName: 'marathon',
    agentId,
    state: 'TASK_RUNNING',
    resources: res,
    appId,
    startedAt: null,
  };
}

function instance(instanceId: string, overrides: Partial<AsgInstance> = {}): AsgInstance {
  return {
    instanceId,
    availabilityZone: 'eu-west-1a',
    lifecycleState: 'InService',
    healthStatus: 'Healthy',
    protectedFromScaleIn: false,
    weight: 1,
    instanceType: 'm5.2xlarge',
    ...overrides,
  };
}

function address(instanceId: string, privateIp: string | null): InstanceAddress {
  return { instanceId, privateIp, privateDnsName: privateIp === null ? null : `ip-${privateIp.replaceAll('.', '-')}.internal` };
}

/** A drain this execution owns, started a minute ago. */
const drain = (agentId: string, instanceId: string): DrainSummary => ({ agentId, instanceId, startedAt: NOW - 60_000, deadline: NOW + 3_600_000, owned: true });

const WEB = resources({ cpus: 1, mem: 2000 });
const JOB = resources({ cpus: 3, mem: 8000 });

/**
 * Pool `batch`: a1 busy, a2 idle (in the group), a3 idle (its IP belongs to another group's
 * instance), a4 draining, a6 idle on a protected instance, a7 small and partly used; a5 is in pool
 * `gpu`. The group also has an instance that never registered, one pending and one terminating.
 */
function cluster(overrides: Partial<ClusterState> = {}): ClusterState {
  return {
    leaderUrl: 'http://10.0.0.250:5050',
    masterVersion: '1.9.0',
    electedAt: NOW / 1000 - 86400,
    agents: [
      agent('a1', '10.0.0.1', { used: resources({ cpus: 5, mem: 12000 }) }),
      agent('a2', '10.0.0.2'),
      agent('a3', '10.0.0.3'),
      agent('a4', '10.0.0.4', { drainState: 'DRAINING', deactivated: true, used: resources({ cpus: 3, mem: 8000 }) }),
      agent('a5', '10.0.0.5', { pool: 'gpu', attributes: { pool: 'gpu' } }),
      agent('a6', '10.0.0.6'),
      agent('a7', '10.0.0.8', { total: SMALL, used: resources({ cpus: 1, mem: 2000 }) }),
    ],
    recoveredAgentIds: [],
    tasks: [
      task('a1', '/web', WEB),
      task('a1', '/web', resources({ cpus: 0.5, mem: 3000 })),
      task('a1', '/job', JOB),
      task('a4', '/job', JOB),
      task('a5', '/gpu-train', resources({ cpus: 8, gpus: 1 })),
      task('a7', '/web', WEB),
    ],
    marathon: null,
    ...overrides,
  };
}

function asg(overrides: Partial<AsgState> = {}): AsgState {
  return {
    name: 'asg-batch',
    minSize: 1,
    maxSize: 20,
    desiredCapacity: 8,
    instances: [
      instance('i-1'),
      instance('i-2'),
      instance('i-4'),
      instance('i-6', { protectedFromScaleIn: true }),
      instance('i-8', { instanceType: 'm5.xlarge' }),
      instance('i-7'),
      instance('i-9', { lifecycleState: 'Pending:Wait' }),
      instance('i-10', { lifecycleState: 'Terminating:Wait' }),
    ],
    suspendedProcesses: ['AZRebalance'],
    tags: {},
    ...overrides,
  };
}

const ADDRESSES: InstanceAddress[] = [
  address('i-1', '10.0.0.1'),
  address('i-2', '10.0.0.2'),
  address('i-4', '10.0.0.4'),
  address('i-6', '10.0.0.6'),
  address('i-8', '10.0.0.8'),
  address('i-7', '10.0.0.7'),
  address('i-9', null),
  address('i-10', '10.0.0.10'),
  address('i-other-group', '10.0.0.3'),
];

const ACTIVITIES: ScalingActivity[] = [
  {
    activityId: 'act-1',
    description: 'Launching a new EC2 instance: i-9',
    cause:
      'At 2024-05-01T13:59:00Z a user request explicitly set group desired capacity changing the desired capacity from 7 to 8.  At 2024-05-01T13:59:05Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 7 to 8.',
    startTime: NOW - 60_000,
    endTime: null,
    statusCode: 'InProgress',
  },
];

function summarise(overrides: { cluster?: ClusterState; asg?: AsgState; maxIdleAgents?: number; configuredPools?: number } = {}) {
  return summarisePool({
    pool: poolConfig(),
    cluster: overrides.cluster ?? cluster(),
    asg: overrides.asg ?? asg(),
    activities: ACTIVITIES,
    addresses: ADDRESSES,
    now: NOW,
    maxIdleAgents: overrides.maxIdleAgents,
    configuredPools: overrides.configuredPools,
  });
}

describe('summarisePool', () => {
  test('counts the pool agents and the capacity of the usable ones', () => {
    const s = summarise();
    expect(s.pool).toBe('batch');
    expect(s.observedAt).toBe(NOW);
    expect(s.agents).toEqual({ registered: 6, usable: 5, idle: 3, draining: 1 });
    // a1, a2, a3, a6 (LARGE) and a7 (SMALL); a4 drains, a5 is another pool.
    expect(s.capacity).toEqual(resources({ cpus: 36, mem: 144000, disk: 450000 }));
    expect(s.used).toEqual(resources({ cpus: 6, mem: 14000 }));
    expect(s.agentShape).toEqual(LARGE);
    expect(s.runningTasks).toBe(5);
    expect(s.apps).toBe(2);
  });

  test('the headroom app has the largest share of an agent; its task is the largest of its tasks', () => {
    const s = summarise();
    // /job: 3 of 8 cpus beats /web: max(1, 0.5) cpus, max(2000, 3000) mem = 3000 of 32000 mem.
    expect(s.headroomApp).toEqual({
      appId: '/job',
      task: JOB,
      running: 2,
      // Per usable agent: a1 free 3 cpus 20000 mem -> 1; a2, a3, a6 free 8 cpus -> 2 each; a7 free 3 cpus 14000 -> 1.
      fitsNow: 8,
    });
  });

  test('idle agents: removable ones first, then by size; protected instances are not candidates', () => {
    const s = summarise();
    expect(s.idleAgents).toEqual([
      { agentId: 'a2', instanceId: 'i-2' },
      { agentId: 'a3', instanceId: null },
    ]);
  });

  test('an agent without tasks but with resources in use is not idle', () => {
    const c = cluster();
    c.agents[1] = agent('a2', '10.0.0.2', { used: resources({ mem: 128 }) });
    const s = summarise({ cluster: c });
    expect(s.agents.idle).toBe(2);
    expect(s.idleAgents.map((a) => a.agentId)).toEqual(['a3']);
  });

  test('a host is a candidate once, and not at all when a busy agent shares it', () => {
    const c = cluster();
    c.agents.push(agent('a2-second', '10.0.0.2'), agent('a1-second', '10.0.0.1'));
    const s = summarise({ cluster: c });
    expect(s.agents.idle).toBe(5);
    expect(s.idleAgents.map((a) => a.agentId)).toEqual(['a2', 'a3']);
  });

  test('the idle list is capped, the idle count is not', () => {
    const s = summarise({ maxIdleAgents: 1 });
    expect(s.agents.idle).toBe(3);
    expect(s.idleAgents.map((a) => a.agentId)).toEqual(['a2']);
  });

  test('the group: states, instances that never registered, history', () => {
    const s = summarise();
    expect(s.asg).toEqual({
      name: 'asg-batch',
      minSize: 1,
      maxSize: 20,
      desiredCapacity: 8,
      // i-1, i-2, i-4, i-6, i-8 and i-7; only i-7 (10.0.0.7) matches no agent of the pool.
      inService: 6,
      pending: 1,
      terminating: 1,
      unregistered: 1,
      stuck: 0,
      suspendedProcesses: ['AZRebalance'],
      lastScaleOutAt: NOW - 60_000,
      activityInProgress: true,
    });
  });

  test('an agent of another pool does not register an instance of this group: it adds nothing to this pool', () => {
    const c = cluster();
    c.agents[0] = agent('a1', '10.0.0.1', { pool: 'gpu', attributes: { pool: 'gpu' } });
    expect(summarise({ cluster: c }).asg.unregistered).toBe(2);
  });

  test('an agent whose pid carries no IP registers its instance by host name, as victims match it', () => {
    const c = cluster();
    c.agents.push(agent('a8', null, { hostname: 'ip-10-0-0-7.internal' }));
    expect(summarise({ cluster: c }).asg.unregistered).toBe(0);
  });

  test('busy agents offered for draining leave out those whose oldest task has run past the drain deadline', () => {
    const base = poolConfig();
    const c = cluster();
    c.tasks = c.tasks.map((t) => (t.agentId === 'a1' ? { ...t, startedAt: NOW / 1000 - 7200 } : t.agentId === 'a7' ? { ...t, startedAt: NOW / 1000 - 600 } : t));
    const s = summarisePool({
      pool: { ...base, drain: { ...base.drain, busyAgents: true, deadlineSeconds: 3600 } },
      cluster: c, asg: asg(), activities: ACTIVITIES, addresses: ADDRESSES, now: NOW,
    });
    expect(s.busyAgents.map((a) => a.agentId)).toEqual(['a7']);
    // A deadline that forces the drain empties any agent: then age does not matter.
    const forced = summarisePool({
      pool: { ...base, drain: { ...base.drain, busyAgents: true, deadlineSeconds: 3600, forceAtDeadline: true } },
      cluster: c, asg: asg(), activities: ACTIVITIES, addresses: ADDRESSES, now: NOW,
    });
    expect(forced.busyAgents.map((a) => a.agentId)).toEqual(['a7', 'a1']);
  });

  test('trusted data has no distrust', () => {
    expect(summarise().distrust).toEqual([]);
  });

  test.each<[string, Partial<ClusterState>, string[]]>([
    [
      'agents still to re-register after a failover',
      { recoveredAgentIds: ['s1', 's2'] },
      ['2 agents have not re-registered since the master failover'],
    ],
    ['one agent still to re-register', { recoveredAgentIds: ['s1'] }, ['1 agent has not re-registered since the master failover']],
    [
      'a leader elected 5 minutes ago',
      { electedAt: NOW / 1000 - 300 },
      ['the Mesos leader was elected at 2024-05-01T13:55:00Z, less than 10 minutes ago: agents may still be re-registering'],
    ],
    ['a leader elected 10 minutes ago', { electedAt: NOW / 1000 - 600 }, []],
    ['an unknown election time', { electedAt: null }, []],
  ])('distrust: %s', (_name, overrides, expected) => {
    expect(summarise({ cluster: cluster(overrides) }).distrust).toEqual(expected);
  });

  test('no usable agent: no shape, no idle agents, nothing fits', () => {
    const c = cluster({ agents: cluster().agents.map((a) => ({ ...a, active: false })) });
    const s = summarise({ cluster: c });
    expect(s.agents).toEqual({ registered: 6, usable: 0, idle: 0, draining: 5 });
    expect(s.agentShape).toBeNull();
    expect(s.capacity).toEqual(resources());
    expect(s.idleAgents).toEqual([]);
    expect(s.headroomApp?.fitsNow).toBe(0);
  });

  test('fits count whole tasks despite float sums', () => {
    const c = cluster({
      agents: [agent('f1', '10.0.0.1', { total: resources({ cpus: 1, mem: 1000 }), used: resources({ cpus: 0.7, mem: 700 }) })],
      tasks: [task('f1', '/tiny', resources({ cpus: 0.1, mem: 100 }))],
    });
    expect(summarise({ cluster: c }).headroomApp).toMatchObject({ appId: '/tiny', fitsNow: 3 });
  });

  test('headroom app ties: more running tasks, then app id', () => {
    const one = resources({ cpus: 2, mem: 1000 });
    const tasks = [task('a1', '/b', one), task('a1', '/b', one), task('a2', '/a', one), task('a2', '/c', one), task('a3', '/c', one)];
    expect(summarise({ cluster: cluster({ tasks }) }).headroomApp?.appId).toBe('/b');
    const even = [task('a1', '/b', one), task('a2', '/a', one)];
    expect(summarise({ cluster: cluster({ tasks: even }) }).headroomApp?.appId).toBe('/a');
  });

  test('tasks that ask for nothing are never the headroom app', () => {
    const tasks = [task('a1', '/sidecar', resources())];
    const s = summarise({ cluster: cluster({ tasks }) });
    expect(s.headroomApp).toBeNull();
    expect(s.apps).toBe(1);
  });

  test('even count of usable agents: the lower middle shape', () => {
    const c = cluster({
      agents: [agent('m1', '10.0.0.1', { total: SMALL }), agent('m2', '10.0.0.2', { total: LARGE })],
      tasks: [],
    });
    expect(summarise({ cluster: c }).agentShape).toEqual(SMALL);
  });
});

describe('summarisePools', () => {
  test('one pass gives each pool the snapshot it gets alone', () => {
    const c = cluster();
    const gpuAsg: AsgState = { ...asg(), name: 'asg-gpu', desiredCapacity: 1, instances: [instance('i-5')] };
    const sources = [
      { pool: poolConfig(), asg: asg(), activities: ACTIVITIES, addresses: ADDRESSES },
      {
        pool: poolConfig({ name: 'gpu', asgNames: ['asg-gpu'] }),
        asg: gpuAsg,
        activities: [],
        addresses: [...ADDRESSES, address('i-5', '10.0.0.5')],
      },
    ];
    const together = summarisePools({ cluster: c, pools: sources, now: NOW });
    const alone = sources.map((s) => summarisePool({ ...s, cluster: c, now: NOW }));
    expect(together).toEqual(alone);
    expect(together[1]).toMatchObject({
      pool: 'gpu',
      agents: { registered: 1, usable: 1, idle: 0 },
      runningTasks: 1,
      headroomApp: { appId: '/gpu-train', running: 1, fitsNow: 0 },
      asg: { inService: 1, unregistered: 0 },
    });
  });
});

describe('pending launches: the Marathon queue routed to pools', () => {
  const gpuAsg: AsgState = { ...asg(), name: 'asg-gpu', desiredCapacity: 1, instances: [instance('i-5')] };

  /** A queued launch of tasks of 8 cpus: only an empty LARGE agent hosts one. */
  const queued = (id: string, count: number, constraints: string[][] = [], extra: Partial<MarathonQueueItem> = {}): MarathonQueueItem =>
    queueItem(id, { count, constraints, resources: resources({ cpus: 8, mem: 1000 }), ...extra });

  /** Pools batch and gpu (in that order) of the usual cluster, with this queue. */
  function pending(queue: MarathonQueueItem[], options: { poolAttribute?: string; gpuFirst?: boolean } = {}) {
    const sources = [
      { pool: poolConfig(), asg: asg(), activities: ACTIVITIES, addresses: ADDRESSES },
      { pool: poolConfig({ name: 'gpu', asgNames: ['asg-gpu'] }), asg: gpuAsg, activities: [], addresses: [...ADDRESSES, address('i-5', '10.0.0.5')] },
    ];
    const ordered = options.gpuFirst === true ? [...sources].reverse() : sources;
    const snapshots = summarisePools({ cluster: cluster({ marathon: { queue } }), pools: ordered, now: NOW, poolAttribute: options.poolAttribute });
    const byName = new Map(snapshots.map((s) => [s.pool, s.pending]));
    return { batch: byName.get('batch'), gpu: byName.get('gpu') };
  }

  test('without Marathon nothing is pending', () => {
    expect(summarise().pending).toEqual(NO_PENDING);
  });

  test('a launch constrained to a pool counts for that pool only, packed onto its free space then new agents', () => {
    const p = pending([queued('/etl', 5, [['pool', 'LIKE', 'batch'], ['hostname', 'UNIQUE']], { shortOf: ['cpus'] })]);
    // 8 cpus fit only the empty LARGE agents a2, a3 and a6; two more need new agents of that shape.
    expect(p.batch).toEqual({
      tasks: 5,
      resources: resources({ cpus: 40, mem: 5000 }),
      fitOnFree: 3,
      newAgents: 2,
      unplaceable: 0,
      backedOff: 0,
      apps: [{ appId: '/etl', tasks: 5, shortOf: ['cpus'] }],
    });
    expect(p.gpu).toEqual(NO_PENDING);
  });

  test.each<[string, string[][]]>([
    ['IS', [['pool', 'IS', 'gpu']]],
    ['CLUSTER', [['pool', 'CLUSTER', 'gpu']]],
    ['LIKE, a pattern', [['pool', 'LIKE', 'g.u']]],
    ['UNLIKE', [['pool', 'UNLIKE', 'batch']]],
    ['in lower case', [['pool', 'like', 'gpu']]],
  ])('the constraint operator %s routes a launch of an app running nowhere', (_name, constraints) => {
    const p = pending([queued('/new', 1, constraints)]);
    expect([p.batch?.tasks, p.gpu?.tasks]).toEqual([0, 1]);
  });

  test('a LIKE pattern must match the whole pool name', () => {
    const p = pending([queued('/new', 1, [['pool', 'LIKE', 'bat']]), queued('/other', 1, [['pool', 'LIKE', 'gpu|bat']])]);
    expect(p.batch).toEqual(NO_PENDING);
    expect(p.gpu?.apps.map((a) => a.appId)).toEqual(['/other']);
  });

  test('an unconstrained launch of a running app counts for the pool that runs most of its tasks', () => {
    // /web runs three tasks on batch; /gpu-train one on gpu.
    const p = pending([queued('/web', 2), queued('/gpu-train', 1, [['hostname', 'UNIQUE']])]);
    expect(p.batch?.apps).toEqual([{ appId: '/web', tasks: 2, shortOf: [] }]);
    expect(p.gpu?.apps).toEqual([{ appId: '/gpu-train', tasks: 1, shortOf: [] }]);
  });

  test('an unconstrained launch of an app running nowhere counts for no pool when several are configured', () => {
    const p = pending([queued('/new', 4)]);
    expect(p.batch).toEqual(NO_PENDING);
    expect(p.gpu).toEqual(NO_PENDING);
  });

  test('with a single pool, an unconstrained launch of an app running nowhere counts for it', () => {
    const s = summarise({ cluster: cluster({ marathon: { queue: [queued('/new', 4)] } }) });
    expect(s.pending).toMatchObject({ tasks: 4, fitOnFree: 3, newAgents: 1, apps: [{ appId: '/new', tasks: 4, shortOf: [] }] });
  });

  test('a lone pool left in the summary does not take unconstrained launches meant for a pool that could not be read', () => {
    const s = summarise({ cluster: cluster({ marathon: { queue: [queued('/new', 4)] } }), configuredPools: 2 });
    expect(s.pending.tasks).toBe(0);
  });

  test('a launch several pools allow counts once: for the one running most of its tasks', () => {
    const p = pending([queued('/gpu-train', 2, [['pool', 'LIKE', 'batch|gpu']])]);
    expect(p.gpu?.tasks).toBe(2);
    expect(p.batch?.tasks).toBe(0);
  });

  test('a launch several pools allow, running in none, counts for the first configured', () => {
    const both = [queued('/new', 2, [['pool', 'LIKE', '.*']])];
    expect([pending(both).batch?.tasks, pending(both).gpu?.tasks]).toEqual([2, 0]);
    const reversed = pending(both, { gpuFirst: true });
    expect([reversed.batch?.tasks, reversed.gpu?.tasks]).toEqual([0, 2]);
  });

  test('constraints are read on the configured pool attribute, not on other attributes', () => {
    const onRole = [queued('/new', 1, [['role', 'IS', 'gpu']])];
    // By default `role` is just another attribute: unconstrained, running nowhere, several pools.
    expect([pending(onRole).batch?.tasks, pending(onRole).gpu?.tasks]).toEqual([0, 0]);
    const byRole = pending(onRole, { poolAttribute: 'role' });
    expect([byRole.batch?.tasks, byRole.gpu?.tasks]).toEqual([0, 1]);
  });

  test('launches in back-off are reported for their pool but never wait for capacity', () => {
    const p = pending([queued('/crashy', 3, [['pool', 'IS', 'batch']], { overdue: false, timeLeftSeconds: 30 }), queued('/etl', 1, [['pool', 'IS', 'batch']])]);
    expect(p.batch).toMatchObject({ tasks: 1, backedOff: 3, fitOnFree: 1, newAgents: 0, apps: [{ appId: '/etl', tasks: 1, shortOf: [] }] });
    expect(p.gpu?.backedOff).toBe(0);
  });
});

describe('drains', () => {
  test('a drain is in the group while its instance is InService there, not once it terminates or leaves', () => {
    const c = cluster();
    const s = summarisePool({
      pool: poolConfig(),
      cluster: c,
      asg: asg(),
      activities: ACTIVITIES,
      addresses: ADDRESSES,
      now: NOW,
      drains: [drain('a4', 'i-4'), drain('a10', 'i-10'), drain('a-gone', 'i-gone'), drain('a9', 'i-9')],
    });
    expect(s.drains.map((d) => [d.agentId, d.inGroup])).toEqual([
      ['a4', true],
      // Terminating:Wait, left the group, still Pending: none is part of the capacity draining away.
      ['a10', false],
      ['a-gone', false],
      ['a9', false],
    ]);
    // Its free share for the tightest resource: 5 of 8 cpus (memory has 3/4 free).
    expect(s.drains[0]).toEqual({ ...drain('a4', 'i-4'), inGroup: true, room: 0.625 });
    // An agent that is not in the state has no known room.
    expect(s.drains[2]).not.toHaveProperty('room');
  });
});

describe('the snapshot in capacity units', () => {
  const launched = (instanceId: string, ip: string, secondsAgo: number): InstanceAddress => ({ ...address(instanceId, ip), launchedAt: NOW - secondsAgo * 1000 });

  /** a1 busy (weight 4), a2 idle (2), a3 draining (2), a4 on no instance of the group; i-5 (1) and i-6 (3) never registered; i-7 (2) pending. */
  function weighted(weights: { a1: number; a2: number; a3: number; i5: number; i6: number; i7: number }) {
    const c = cluster({
      agents: [agent('a1', '10.0.0.1', { used: resources({ cpus: 2 }) }), agent('a2', '10.0.0.2'), agent('a3', '10.0.0.3', { deactivated: true, drainState: 'DRAINING' }), agent('a4', '10.0.0.4')],
      tasks: [task('a1', '/web', resources({ cpus: 2 }))],
    });
    const group = asg({
      minSize: 0, maxSize: 40, desiredCapacity: 16, suspendedProcesses: [],
      instances: [
        instance('i-1', { weight: weights.a1 }), instance('i-2', { weight: weights.a2 }), instance('i-3', { weight: weights.a3 }),
        instance('i-5', { weight: weights.i5 }), instance('i-6', { weight: weights.i6 }), instance('i-7', { weight: weights.i7, lifecycleState: 'Pending' }),
      ],
    });
    const addresses = [launched('i-1', '10.0.0.1', 7200), launched('i-2', '10.0.0.2', 7200), launched('i-3', '10.0.0.3', 7200), launched('i-5', '10.0.0.5', 7200), launched('i-6', '10.0.0.6', 3600), launched('i-7', '10.0.0.7', 10)];
    return summarisePool({ pool: poolConfig(), asg: group, activities: [], addresses, drains: [drain('a3', 'i-3')], cluster: c, now: NOW });
  }

  test('a weighted group: units for usable, draining and stuck, each idle agent and drain its weight', () => {
    const s = weighted({ a1: 4, a2: 2, a3: 2, i5: 1, i6: 3, i7: 2 });
    // InService weights 1, 2, 2, 3, 4: the median is 2. a4's instance is not in the group: it counts 2.
    expect(s.units).toEqual({ typical: 2, usable: 4 + 2 + 2, draining: 2, stuck: [1, 3] });
    expect(s.agents).toMatchObject({ usable: 3, draining: 1 });
    expect(s.asg.stuck).toBe(2);
    expect(s.idleAgents.find((a) => a.agentId === 'a2')).toMatchObject({ instanceId: 'i-2', weight: 2 });
    expect(s.drains).toEqual([expect.objectContaining({ agentId: 'a3', inGroup: true, weight: 2 })]);
  });

  test('the typical weight is the median in service: a pending instance is left out', () => {
    // InService 1, 1, 2, 4, 8: 2 (with the pending 1 it would be 1).
    expect(weighted({ a1: 8, a2: 4, a3: 1, i5: 1, i6: 2, i7: 1 }).units?.typical).toBe(2);
  });

  test('without weights the snapshot is what it always was: no units, no weight fields', () => {
    const s = weighted({ a1: 1, a2: 1, a3: 1, i5: 1, i6: 1, i7: 1 });
    expect(s.units).toBeUndefined();
    expect(s.idleAgents.every((a) => !('weight' in a))).toBe(true);
    expect(s.drains.every((d) => !('weight' in d))).toBe(true);
    expect(unitsOf(s)).toEqual({ weighted: false, typical: 1, usable: 3, draining: 1, stuck: 2 });
  });
});
