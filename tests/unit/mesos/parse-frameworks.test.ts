import { ErrorNames } from '../../../shared/model/errors.js';
import { parseFrameworks } from '../../../shared/mesos/parse-frameworks.js';
import { parseMasterState } from '../../../shared/mesos/parse-state.js';
import { fixture } from './local-server.js';

function countBy<T>(list: readonly T[], key: (t: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of list) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('parseFrameworks on the frameworks embedded in state captures', () => {
  test('0.27 (Capgemini): 19 running Marathon tasks by app; Chronos has only completed tasks', () => {
    const tasks = parseFrameworks(fixture('mesos-0.27-master-state-capgemini.json'));
    expect(tasks).toHaveLength(19);
    expect(new Set(tasks.map((t) => t.frameworkName))).toEqual(new Set(['marathon']));
    expect(countBy(tasks, (t) => t.appId)).toEqual({
      '/qa-mailhog': 1,
      '/chronos': 1,
      '/stubby': 3,
      '/dashing': 2,
      '/docker-registry': 1,
      '/stubby-subscriptions': 3,
      '/stubby-tat': 3,
      '/stubby-quickprice': 3,
      '/mesos-ui': 1,
      '/qt-mailhog': 1,
    });
    expect(tasks[0]).toEqual({
      id: 'qa-mailhog.bcdf1bbd-e50a-11e5-b92c-c6c68d973162',
      name: 'qa-mailhog',
      frameworkId: '82cde340-9d3b-40a6-87e2-953952745763-0000',
      frameworkName: 'marathon',
      agentId: '02223256-125c-4c3d-81db-3cdafbf233cd-S4',
      state: 'TASK_RUNNING',
      resources: { cpus: 0.3, mem: 128, disk: 0, gpus: 0 },
      appId: '/qa-mailhog',
      startedAt: 1457426990.49369,
    });
    // Tasks per agent add up to what the agents report as used.
    const s1 = tasks.filter((t) => t.agentId.endsWith('-S1'));
    expect(s1.reduce((sum, t) => sum + t.resources.cpus, 0)).toBeCloseTo(3.5);
    expect(s1.reduce((sum, t) => sum + t.resources.mem, 0)).toBe(1408);
  });

  test('0.28 (megos): Marathon legacy task id; chronos-2.4.0 without tasks', () => {
    const tasks = parseFrameworks(fixture('mesos-0.28-master-state-megos.json'));
    expect(tasks).toEqual([
      {
        id: 'simple-webserver.857d518f-241e-11e6-a10b-02424e0f635b',
        name: 'simple-webserver',
        frameworkId: '69c30f85-3c9b-4cb3-8cfd-b7ff5ec68e74-0001',
        frameworkName: 'marathon',
        agentId: '69c30f85-3c9b-4cb3-8cfd-b7ff5ec68e74-S0',
        state: 'TASK_RUNNING',
        resources: { cpus: 0.2, mem: 32, disk: 0, gpus: 0 },
        appId: '/simple-webserver',
        startedAt: 1464362423.43271,
      },
    ]);
  });

  test('0.28 (Marathon test): no registered framework, so no task from /master/frameworks', () => {
    expect(parseFrameworks(fixture('mesos-0.28-master-state-marathon-test.json'))).toEqual([]);
  });
});

describe('parseFrameworks on a 1.x /master/frameworks body', () => {
  const status = (state: string, timestamp: number) => ({ state, timestamp, container_status: { network_infos: [] } });
  const task = (id: string, name: string, state: string, statuses: unknown[] = [status(state, 1000)]) => ({
    id,
    name,
    framework_id: 'ignored-here',
    executor_id: '',
    slave_id: 'c-S1',
    state,
    resources: { cpus: 0.5, disk: 10, gpus: 1, mem: 256, ports: '[31000-31000]' },
    role: '*',
    statuses,
    labels: [{ key: 'k', value: 'v' }],
  });
  const body = {
    frameworks: [
      {
        name: 'marathon-user',
        id: 'c-0001',
        tasks: [
          task('web_api.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1', 'api.web', 'TASK_RUNNING', [status('TASK_STARTING', 1500.25), status('TASK_RUNNING', 1502)]),
          task('web_api.instance-c6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1', 'api.web', 'TASK_KILLING'),
          task('web_api.instance-d6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1', 'api.web', 'TASK_STAGING', []),
          task('web_api.instance-e6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1', 'api.web', 'TASK_FINISHED'),
          task('web_api.instance-f6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1', 'api.web', 'TASK_LOST'),
        ],
        unreachable_tasks: [task('web_api.b6ff5fa5', 'api.web', 'TASK_UNREACHABLE')],
        completed_tasks: [task('web_api.a6ff5fa5', 'api.web', 'TASK_FAILED')],
      },
      { id: 'c-0002', name: 'spark', tasks: [task('driver-7', 'etl nightly', 'TASK_STARTING')] },
    ],
    completed_frameworks: [{ id: 'c-0000', name: 'marathon', tasks: [task('old.a6ff5fa5', 'old', 'TASK_RUNNING')] }],
    unregistered_frameworks: [],
  };

  test('keeps staging, starting, running and killing tasks of registered frameworks only', () => {
    const tasks = parseFrameworks(JSON.stringify(body));
    expect(tasks.map((t) => [t.frameworkId, t.state])).toEqual([
      ['c-0001', 'TASK_RUNNING'],
      ['c-0001', 'TASK_KILLING'],
      ['c-0001', 'TASK_STAGING'],
      ['c-0002', 'TASK_STARTING'],
    ]);
  });

  test('app ids: Marathon-named frameworks parse task ids, others use framework and task name', () => {
    const tasks = parseFrameworks(JSON.stringify(body));
    expect(tasks.map((t) => t.appId)).toEqual(['/web/api', '/web/api', '/web/api', 'spark:etl nightly']);
  });

  test('startedAt is the earliest status time; a pending task without statuses has none', () => {
    const tasks = parseFrameworks(JSON.stringify(body));
    expect(tasks.map((t) => t.startedAt)).toEqual([1500.25, 1000, null, 1000]);
    expect(tasks[0]!.resources).toEqual({ cpus: 0.5, mem: 256, disk: 10, gpus: 1 });
  });

  test('the framework name may come after its tasks', () => {
    const reordered = { frameworks: [{ tasks: body.frameworks[0]!.tasks, id: 'c-0001', name: 'marathon' }] };
    expect(parseFrameworks(JSON.stringify(reordered)).map((t) => t.appId)).toEqual(['/web/api', '/web/api', '/web/api']);
  });

  test.each([
    [{ frameworks: {} }, 'frameworks: expected an array, got an object'],
    [{ frameworks: [{ id: 'x', name: 'marathon' }] }, 'frameworks[0].tasks: expected an array, got nothing (missing)'],
    [{ frameworks: [{ id: 'x', name: 'm', tasks: [{ id: 't', name: 'n', slave_id: 's', state: 'TASK_RUNNING' }] }] }, 'frameworks[0].tasks[0].resources: expected an object'],
    [{ frameworks: [{ id: 'x', name: 'm', tasks: [{ id: 't', name: 'n', slave_id: 's', state: 7, resources: {} }] }] }, 'frameworks[0].tasks[0].state: expected a string, got a number'],
    [{ frameworks: [{ id: 'x', name: 'm', tasks: [{ id: 't', name: 'n', slave_id: 's', state: 'TASK_RUNNING', resources: {}, statuses: [{ timestamp: '1' }] }] }] }, 'frameworks[0].tasks[0].statuses[0].timestamp: expected a number, got a string'],
  ])('wrong shape %j is a MesosPayload error at %j', (wrong, where) => {
    expect(() => parseFrameworks(JSON.stringify(wrong), 'GET http://m:5050/master/frameworks')).toThrow(
      expect.objectContaining({ name: ErrorNames.MesosPayload, message: expect.stringContaining(`GET http://m:5050/master/frameworks: unexpected payload at ${where}`) }),
    );
  });

  test('a truncated body fails as a whole', () => {
    const text = JSON.stringify(body);
    expect(() => parseFrameworks(text.slice(0, -3))).toThrow(expect.objectContaining({ name: ErrorNames.MesosPayload, message: expect.stringContaining('truncated JSON') }));
  });
});

describe('parseMasterState', () => {
  test('0.27 state.json (Capgemini): version, election, leadership, agents and tasks', () => {
    const state = parseMasterState(fixture('mesos-0.27-master-state-capgemini.json'), 'pool');
    expect(state).toMatchObject({
      version: '0.27.1',
      electedAt: 1456746635.14476,
      pid: 'master@10.66.1.157:5050',
      leader: 'master@10.66.1.157:5050',
      recoveredAgentIds: [],
    });
    expect(state.agents).toHaveLength(3);
    // 19 Marathon tasks; the 4 orphan tasks of the unregistered framework are all terminal.
    expect(state.tasks).toHaveLength(19);
  });

  test('0.28 state.json (Marathon test): a live orphan task is kept, named by its framework id', () => {
    const state = parseMasterState(fixture('mesos-0.28-master-state-marathon-test.json'), 'pool');
    expect(state).toMatchObject({ version: '0.28.0', electedAt: 1457617308.29501, pid: 'master@192.168.99.10:5050', leader: 'master@192.168.99.10:5050' });
    expect(state.tasks).toEqual([
      {
        id: 'test.b759a32a-e608-11e5-979a-da5f91e88a84',
        name: 'test',
        frameworkId: 'ee85eedd-674c-40f9-ae8f-67158a923d65-0000',
        frameworkName: 'ee85eedd-674c-40f9-ae8f-67158a923d65-0000',
        agentId: '32edd5ac-248e-437d-bc31-60ef6ece59ec-S0',
        state: 'TASK_RUNNING',
        resources: { cpus: 1, mem: 128, disk: 128, gpus: 0 },
        appId: 'ee85eedd-674c-40f9-ae8f-67158a923d65-0000:test',
        startedAt: 1457536474.32426,
      },
    ]);
  });

  test('0.28 state.json (megos): one agent, one Marathon task', () => {
    const state = parseMasterState(fixture('mesos-0.28-master-state-megos.json'), 'type');
    expect(state).toMatchObject({ version: '0.28.1', electedAt: 1464362114.50161, pid: 'master@192.168.99.100:5050' });
    expect(state.agents.map((a) => a.pool)).toEqual(['storage']);
    expect(state.tasks.map((t) => t.appId)).toEqual(['/simple-webserver']);
  });

  test('a standby (≤0.28) state: its own pid, the leader elsewhere, no election time', () => {
    const standby = { version: '0.28.1', pid: 'master@10.0.2.74:5050', leader: 'master@10.0.2.75:5050', slaves: [], frameworks: [], orphan_tasks: [] };
    expect(parseMasterState(JSON.stringify(standby), 'pool')).toMatchObject({ pid: 'master@10.0.2.74:5050', leader: 'master@10.0.2.75:5050', electedAt: null, agents: [], tasks: [] });
  });
});
