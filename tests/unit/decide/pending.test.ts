import { pendingDemand, poolMatchOf } from '../../../shared/decide/pending.js';
import { resources, subtractResources, type Resources } from '../../../shared/model/resources.js';
import { NO_PENDING, queueItem, SHAPE } from './builders.js';

const cpus = (n: number, extra: Partial<Record<'mem' | 'disk' | 'gpus', number>> = {}): Resources => resources({ cpus: n, ...extra });
const EIGHT = cpus(8);

describe('pendingDemand: first-fit decreasing onto free space, then new agents', () => {
  test('nothing queued: nothing wanted', () => {
    expect(pendingDemand([], [SHAPE], SHAPE)).toEqual(NO_PENDING);
  });

  test.each([
    {
      name: 'largest first: small tasks fill the gaps the large ones leave',
      // Two agents with 4 cpus free. Small first (queue or id order) would strand a 3-cpu task.
      items: [queueItem('/a-small', { count: 2, resources: cpus(1) }), queueItem('/b-large', { count: 2, resources: cpus(3) })],
      free: [cpus(4), cpus(4)],
      fitOnFree: 4,
      newAgents: 0,
    },
    {
      name: 'free space split across agents hosts nothing',
      items: [queueItem('/a', { resources: cpus(3) })],
      free: [cpus(2), cpus(2)],
      fitOnFree: 0,
      newAgents: 1,
    },
    {
      name: 'as many copies as fit on each agent, then whole new agents',
      // 2 fit on the free agent, 2 per new agent of 8 cpus for the other 8.
      items: [queueItem('/a', { count: 10, resources: cpus(3) })],
      free: [cpus(6.5)],
      fitOnFree: 2,
      newAgents: 4,
    },
    {
      name: 'new agents are shared by the tasks that follow',
      // 3 new agents each keep 3 cpus for the 3-cpu tasks.
      items: [queueItem('/five', { count: 3, resources: cpus(5) }), queueItem('/three', { count: 3, resources: cpus(3) })],
      free: [],
      fitOnFree: 0,
      newAgents: 3,
    },
    {
      name: 'every resource a task asks for must fit',
      items: [queueItem('/a', { count: 2, resources: cpus(1, { mem: 20000 }) })],
      free: [cpus(8, { mem: 30000 })],
      shape: SHAPE,
      fitOnFree: 1,
      newAgents: 1,
    },
    {
      name: 'an agent bigger than the usual shape hosts what a new agent could not',
      items: [queueItem('/big', { count: 2, resources: cpus(16) })],
      free: [cpus(20)],
      fitOnFree: 1,
      newAgents: 0,
    },
  ])('$name', ({ items, free, shape, fitOnFree, newAgents }) => {
    const demand = pendingDemand(items, free, shape ?? EIGHT);
    expect({ fitOnFree: demand.fitOnFree, newAgents: demand.newAgents }).toEqual({ fitOnFree, newAgents });
    expect(demand.tasks).toBe(items.reduce((n, i) => n + i.count, 0));
  });

  test.each([
    {
      name: 'a whole-agent task fits no busy drain: it needs a new agent whatever comes back',
      items: [queueItem('/gang', { count: 2, resources: cpus(8) })],
      drains: [cpus(6), cpus(7)],
      beyondDrains: undefined,
    },
    {
      name: 'small tasks fit the drains, so none of their new agents must be launched',
      items: [queueItem('/small', { count: 10, resources: cpus(1) })],
      drains: [cpus(6), cpus(4)],
      beyondDrains: 0,
    },
    {
      name: 'mixed: the drains host the small tasks, the large one still needs a new agent',
      items: [queueItem('/large', { resources: cpus(8) }), queueItem('/small', { count: 6, resources: cpus(1) })],
      drains: [cpus(6)],
      beyondDrains: 1,
    },
  ])('$name', ({ items, drains, beyondDrains }) => {
    const without = pendingDemand(items, [cpus(0.5)], EIGHT);
    const demand = pendingDemand(items, [cpus(0.5)], EIGHT, drains);
    // The drains change nothing else: they are not usable until put back.
    expect({ ...demand, beyondDrains: undefined }).toEqual({ ...without, beyondDrains: undefined });
    expect(demand.beyondDrains).toBe(beyondDrains);
  });

  test('fractional resources: free space left by sums that drift still counts exactly', () => {
    // 1.0 - 0.7 is 0.30000000000000004: exactly three tasks of 0.1 fit, the fourth needs a new agent.
    const free = subtractResources(cpus(1), cpus(0.7));
    const demand = pendingDemand([queueItem('/tiny', { count: 4, resources: cpus(0.1) })], [free], EIGHT);
    expect({ fitOnFree: demand.fitOnFree, newAgents: demand.newAgents }).toEqual({ fitOnFree: 3, newAgents: 1 });
    expect(demand.resources.cpus).toBeCloseTo(0.4, 9);
  });

  test('fractional tasks pack a new agent to the last whole copy', () => {
    // 0.3 cpus: 26 fit on 8 cpus (26 x 0.3 = 7.8); 27 need a second agent.
    expect(pendingDemand([queueItem('/f', { count: 26, resources: cpus(0.3) })], [], EIGHT).newAgents).toBe(1);
    expect(pendingDemand([queueItem('/f', { count: 27, resources: cpus(0.3) })], [], EIGHT).newAgents).toBe(2);
  });

  test.each([
    { name: 'larger than an empty agent', item: queueItem('/huge', { count: 3, resources: cpus(16) }), shape: EIGHT },
    { name: 'asks for a resource the usual agent lacks', item: queueItem('/gpu', { count: 3, resources: cpus(1, { gpus: 1 }) }), shape: EIGHT },
    { name: 'no usual agent (no usable agent)', item: queueItem('/any', { count: 3, resources: cpus(1) }), shape: null },
  ])('unplaceable when $name: counted, no agent asked for', ({ item, shape }) => {
    const demand = pendingDemand([item, queueItem('/ok', { count: 2, resources: cpus(4) })], [], shape);
    expect(demand.tasks).toBe(5);
    expect(demand.unplaceable).toBe(shape === null ? 5 : 3);
    expect(demand.newAgents).toBe(shape === null ? 0 : 1);
    // Only what some agent can host is demand the pool is sized for.
    expect(demand.resources.cpus).toBe(shape === null ? 0 : 8);
  });

  test('launches in back-off are reported, never packed or summed', () => {
    const demand = pendingDemand(
      [queueItem('/crashing', { count: 7, overdue: false, resources: cpus(4) }), queueItem('/waiting', { count: 2, resources: cpus(1, { mem: 100 }) })],
      [],
      SHAPE,
    );
    expect(demand).toMatchObject({ tasks: 2, backedOff: 7, newAgents: 1, resources: cpus(2, { mem: 200 }) });
    expect(demand.apps.map((a) => a.appId)).toEqual(['/waiting']);
  });

  test('entries with nothing left to launch or asking for nothing are ignored', () => {
    const demand = pendingDemand([queueItem('/done', { count: 0 }), queueItem('/free', { count: 5, resources: resources() })], [], EIGHT);
    expect(demand).toMatchObject({ tasks: 0, newAgents: 0, apps: [] });
  });

  test('resources of all waiting tasks are summed', () => {
    const demand = pendingDemand(
      [queueItem('/a', { count: 3, resources: cpus(0.5, { mem: 512, disk: 10 }) }), queueItem('/b', { count: 2, resources: cpus(2, { gpus: 1 }) })],
      [],
      resources({ cpus: 8, mem: 32000, disk: 1000, gpus: 4 }),
    );
    expect(demand.resources).toEqual(resources({ cpus: 5.5, mem: 1536, disk: 30, gpus: 2 }));
  });

  test('apps: most waiting first, then by id, at most five, what their offers lacked merged', () => {
    const demand = pendingDemand(
      [
        queueItem('/b', { count: 2, shortOf: ['mem'] }),
        queueItem('/a', { count: 2 }),
        queueItem('/top', { count: 3, shortOf: ['cpus'] }),
        queueItem('/top', { count: 4, shortOf: ['mem', 'cpus'] }),
        queueItem('/c', { count: 1 }),
        queueItem('/d', { count: 1 }),
        queueItem('/e', { count: 1 }),
      ],
      [],
      SHAPE,
    );
    expect(demand.apps).toEqual([
      { appId: '/top', tasks: 7, shortOf: ['cpus', 'mem'] },
      { appId: '/a', tasks: 2, shortOf: [] },
      { appId: '/b', tasks: 2, shortOf: ['mem'] },
      { appId: '/c', tasks: 1, shortOf: [] },
      { appId: '/d', tasks: 1, shortOf: [] },
    ]);
  });

  test('the caller\'s free space is not changed', () => {
    const free = [cpus(4)];
    pendingDemand([queueItem('/a', { count: 2, resources: cpus(1) })], free, EIGHT);
    expect(free).toEqual([cpus(4)]);
  });

  test('huge counts are packed in bulk, not task by task', () => {
    // 2^30 tasks of 1/8192 cpu: 65536 per agent of 8 cpus, so 16384 agents; a loop over the tasks
    // would run a billion times.
    const demand = pendingDemand([queueItem('/flood', { count: 2 ** 30, resources: cpus(1 / 8192) })], [cpus(8)], EIGHT);
    expect({ fitOnFree: demand.fitOnFree, newAgents: demand.newAgents, cpus: demand.resources.cpus }).toEqual({ fitOnFree: 65536, newAgents: 16383, cpus: 131072 });
  });
});

describe('poolMatchOf: the pools a queued launch may land on', () => {
  const pools = ['batch', 'batch-gpu', 'web', 'xbatch', 'Batch'];
  const allowed = (constraints: string[][], attribute = 'pool') => {
    const match = poolMatchOf(constraints, attribute);
    return match.kind === 'any' ? 'any' : pools.filter((p) => match.pools(p));
  };

  test.each<{ name: string; constraints: string[][]; attribute?: string; expected: string[] | 'any' }>([
    { name: 'no constraint: any pool', constraints: [], expected: 'any' },
    { name: 'LIKE matches the whole value', constraints: [['pool', 'LIKE', 'batch']], expected: ['batch'] },
    { name: 'LIKE with a pattern', constraints: [['pool', 'LIKE', 'batch.*']], expected: ['batch', 'batch-gpu'] },
    { name: 'LIKE with alternatives', constraints: [['pool', 'LIKE', 'batch|web']], expected: ['batch', 'web'] },
    { name: 'UNLIKE excludes the whole value only', constraints: [['pool', 'UNLIKE', 'batch']], expected: ['batch-gpu', 'web', 'xbatch', 'Batch'] },
    { name: 'IS is exact', constraints: [['pool', 'IS', 'batch']], expected: ['batch'] },
    { name: 'CLUSTER is exact', constraints: [['pool', 'CLUSTER', 'web']], expected: ['web'] },
    { name: 'operators in any case', constraints: [['pool', 'like', 'web']], expected: ['web'] },
    { name: 'every constraint must hold', constraints: [['pool', 'LIKE', 'batch.*'], ['pool', 'UNLIKE', '.*-gpu']], expected: ['batch'] },
    { name: 'an invalid LIKE pattern matches no pool', constraints: [['pool', 'LIKE', '(batch']], expected: [] },
    { name: 'an invalid UNLIKE pattern matches no pool', constraints: [['pool', 'UNLIKE', '(batch']], expected: [] },
    { name: 'constraints on other fields are ignored', constraints: [['hostname', 'UNIQUE'], ['rack', 'LIKE', 'r1'], ['zone', 'IS', 'a']], expected: 'any' },
    { name: 'operators that name no pool are ignored', constraints: [['pool', 'UNIQUE'], ['pool', 'GROUP_BY', '2'], ['pool', 'MAX_PER', '1']], expected: 'any' },
    { name: 'a constraint without an operator or value is ignored', constraints: [['pool'], ['pool', 'LIKE']], expected: 'any' },
    { name: 'the pool attribute is configurable', constraints: [['tier', 'IS', 'web'], ['pool', 'IS', 'batch']], attribute: 'tier', expected: ['web'] },
  ])('$name', ({ constraints, attribute, expected }) => {
    expect(allowed(constraints, attribute)).toEqual(expected);
  });
});
