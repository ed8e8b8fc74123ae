import { generateCluster } from '../../../bench/generate-cluster.js';
import { marathonAppId } from '../../../shared/mesos/marathon-task-id.js';
import { parseSlaves } from '../../../shared/mesos/parse-agents.js';
import { parseFrameworks } from '../../../shared/mesos/parse-frameworks.js';

type Json = Record<string, any>;

const LIVE = new Set(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING']);

describe('generateCluster', () => {
  const options = { agents: 60, tasks: 900, pools: ['batch', 'web', 'gpu'], seed: 7 };
  const cluster = generateCluster(options);
  const slaves: Json = JSON.parse(cluster.slaves);
  const frameworks: Json = JSON.parse(cluster.frameworks);
  const rawTasks: Json[] = frameworks.frameworks.flatMap((f: Json) => f.tasks);

  test('is deterministic for a seed', () => {
    expect(generateCluster(options)).toEqual(cluster);
    expect(generateCluster({ ...options, seed: 8 }).frameworks).not.toBe(cluster.frameworks);
  });

  test('writes the Mesos 1.x /master/slaves agent fields, full resources included', () => {
    expect(slaves.slaves).toHaveLength(60);
    expect(slaves.recovered_slaves).toEqual([]);
    const agent = slaves.slaves[0];
    expect(Object.keys(agent).sort()).toEqual(
      [
        'active',
        'attributes',
        'capabilities',
        'domain',
        'hostname',
        'id',
        'offered_resources',
        'offered_resources_full',
        'pid',
        'port',
        'registered_time',
        'reregistered_time',
        'reserved_resources',
        'reserved_resources_full',
        'resources',
        'unreserved_resources',
        'unreserved_resources_full',
        'used_resources',
        'used_resources_full',
        'version',
      ].sort(),
    );
    expect(agent.unreserved_resources_full[0]).toEqual({ name: 'cpus', type: 'SCALAR', scalar: { value: agent.resources.cpus }, role: '*' });
  });

  test('writes the Mesos 1.x /master/frameworks task fields', () => {
    expect(frameworks.frameworks.map((f: Json) => f.name)).toEqual(['marathon', 'chronos']);
    expect(rawTasks).toHaveLength(900);
    const running = rawTasks.find((t) => t.state === 'TASK_RUNNING' && t.labels)!;
    expect(Object.keys(running)).toEqual(['id', 'name', 'framework_id', 'executor_id', 'slave_id', 'state', 'resources', 'role', 'statuses', 'labels', 'discovery', 'container']);
    expect(running.statuses.map((s: Json) => s.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
    expect(running.statuses[1].container_status.network_infos[0].ip_addresses[0].protocol).toBe('IPv4');
  });

  test('spreads agents evenly over the pools via the pool attribute', () => {
    const perPool: Record<string, number> = {};
    for (const a of slaves.slaves) perPool[a.attributes.pool] = (perPool[a.attributes.pool] ?? 0) + 1;
    expect(perPool).toEqual({ batch: 20, web: 20, gpu: 20 });
  });

  test('agents report as used exactly what their live tasks hold, and no more than they have', () => {
    for (const agent of slaves.slaves) {
      const live = rawTasks.filter((t) => t.slave_id === agent.id && LIVE.has(t.state));
      expect(agent.used_resources.cpus).toBeCloseTo(live.reduce((s, t) => s + t.resources.cpus, 0), 6);
      expect(agent.used_resources.mem).toBe(live.reduce((s, t) => s + t.resources.mem, 0));
      expect(agent.used_resources.cpus).toBeLessThanOrEqual(agent.resources.cpus);
      expect(agent.used_resources.mem).toBeLessThanOrEqual(agent.resources.mem);
    }
  });

  test('Marathon task ids of every era name apps; the parsers agree with JSON.parse', () => {
    const marathonTasks: Json[] = frameworks.frameworks[0].tasks;
    expect(marathonTasks.every((t) => marathonAppId(t.id) !== null)).toBe(true);
    expect(marathonTasks.some((t) => t.id.includes('.instance-') && t.id.includes('._app.'))).toBe(true);
    expect(marathonTasks.some((t) => /\.[0-9a-f-]{36}$/.test(t.id))).toBe(true);

    const { agents } = parseSlaves(cluster.slaves, 'pool');
    expect(agents.map((a) => [a.id, a.ip, a.pool, a.total.cpus, a.used.mem, a.zone])).toEqual(
      slaves.slaves.map((a: Json) => [a.id, a.pid.split('@')[1].split(':')[0], a.attributes.pool, a.resources.cpus, a.used_resources.mem, a.domain.fault_domain.zone.name]),
    );
    const tasks = parseFrameworks(cluster.frameworks);
    const live = rawTasks.filter((t) => LIVE.has(t.state));
    expect(tasks.map((t) => [t.id, t.agentId, t.state, t.resources.cpus, t.startedAt])).toEqual(
      live.map((t) => [t.id, t.slave_id, t.state, t.resources.cpus, t.statuses.length ? t.statuses[0].timestamp : null]),
    );
  });
});
