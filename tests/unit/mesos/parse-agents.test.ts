import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import { ipFromPid, parseSlaves } from '../../../shared/mesos/parse-agents.js';
import { fixture } from './local-server.js';

const zero = { cpus: 0, mem: 0, disk: 0, gpus: 0 };

function agentsOf(name: string, poolAttribute = 'pool') {
  return parseSlaves(fixture(name), poolAttribute, name).agents;
}

describe('parseSlaves on /master/slaves captures', () => {
  test('Mesos 1.4 with every field (asgard): resources, ip, attributes, pool, times', () => {
    const [agent, ...rest] = agentsOf('mesos-1.4-master-slaves-asgard-full-fields.json', 'owner');
    expect(rest).toHaveLength(0);
    expect(agent).toEqual({
      id: 'fa8dd968-40c9-4179-9b1f-38b56341a2a4-S0',
      pid: 'slave(1)@10.168.200.94:5051',
      hostname: '10.168.200.94',
      ip: '10.168.200.94',
      attributes: { mesos: 'slave', owner: 'asgard', dc: 'bit', workload: 'general' },
      pool: 'asgard',
      total: { cpus: 4, mem: 8000, disk: 456229, gpus: 0 },
      used: { cpus: 2.7, mem: 4128, disk: 0, gpus: 0 },
      offered: zero,
      reserved: zero,
      active: true,
      deactivated: false,
      drainState: null,
      registeredAt: 1546863598.0782,
      version: '1.4.1',
      zone: null,
    });
  });

  test('the pool is the configured attribute, `default` when the agent lacks it', () => {
    expect(agentsOf('mesos-1.4-master-slaves-asgard-full-fields.json', 'pool')[0]!.pool).toBe('default');
    expect(agentsOf('mesos-1.4-master-slaves-asgard-full-fields.json', 'workload')[0]!.pool).toBe('general');
  });

  test('Mesos 1.4 trimmed, 14 agents: pools by `owner`; no pid means no ip and registeredAt 0', () => {
    const agents = agentsOf('mesos-1.4-master-slaves-asgard-14agents-trimmed.json', 'owner');
    expect(agents).toHaveLength(14);
    const byPool: Record<string, number> = {};
    for (const a of agents) byPool[a.pool] = (byPool[a.pool] ?? 0) + 1;
    expect(byPool).toEqual({ 'asgard-infra': 4, asgard: 4, 'asgard-dev': 5, dev: 1 });
    const s2 = agents.find((a) => a.id === 'ead07ffb-5a61-42c9-9386-21b680597e6c-S2')!;
    expect(s2).toMatchObject({ hostname: '172.18.4.10', pid: '', ip: null, registeredAt: 0, offered: zero, reserved: zero });
    expect(s2.total).toEqual({ cpus: 2.5, mem: 2560, disk: 26877, gpus: 0 });
    expect(s2.used).toEqual({ cpus: 1, mem: 1024, disk: 0, gpus: 0 });
  });

  test('Mesos 0.27 (Capgemini): gpus absent reads as 0, ranges ignored', () => {
    const agents = agentsOf('mesos-0.27-master-slaves-capgemini.json');
    expect(agents.map((a) => a.ip)).toEqual(['10.66.1.158', '10.66.1.160', '10.66.1.159']);
    expect(agents[0]).toMatchObject({
      id: '02223256-125c-4c3d-81db-3cdafbf233cd-S4',
      total: { cpus: 8, mem: 31156, disk: 10970, gpus: 0 },
      used: { cpus: 2.2, mem: 832, disk: 0, gpus: 0 },
      pool: 'default',
      registeredAt: 1456746637.02989,
      version: '0.27.1',
    });
  });
});

describe('parseSlaves on the slaves of state and state-summary bodies', () => {
  test('0.27 state-summary (DC/OS, 6 agents): reservations summed over roles', () => {
    const agents = agentsOf('mesos-0.27-master-state-summary-dcos-ui-6agents.json');
    expect(agents).toHaveLength(6);
    const cassandra = agents.find((a) => a.id.endsWith('-S5'))!;
    expect(cassandra.reserved).toEqual({ cpus: 1, mem: 4864, disk: 9216, gpus: 0 });
    expect(cassandra.ip).toBe('10.0.1.108');
    const publicAgent = agents.find((a) => a.id.endsWith('-S1'))!;
    expect(publicAgent.attributes).toEqual({ public_ip: 'true' });
    expect(publicAgent.reserved).toEqual({ cpus: 4, mem: 14019, disk: 32541, gpus: 0 });
    expect(agents.filter((a) => a.reserved.cpus > 0)).toHaveLength(4);
  });

  test('1.9 drain fields (EDITED capture): deactivated, DRAINING / DRAINED, fault-domain zone', () => {
    const agents = agentsOf('mesos-1.9-master-state-summary-dcos-ui-drain-EDITED.json');
    expect(agents.map((a) => [a.deactivated, a.drainState, a.zone, a.active])).toEqual([
      [true, 'DRAINING', 'eu-central-1c', true],
      [true, 'DRAINED', 'eu-central-1c', true],
      [false, null, 'eu-central-1b', true],
      [false, null, 'ap-northeast-1a', true],
    ]);
    // The capture repeats agent S0 (once draining, once drained); the parser keeps what it is given.
    expect(agents[0]!.id).toBe(agents[1]!.id);
  });

  test('0.28 state.json (megos): numeric attributes become strings', () => {
    const [agent] = agentsOf('mesos-0.28-master-state-megos.json', 'type');
    expect(agent!.attributes).toEqual({ rack: '106', type: 'storage' });
    expect(agent!.pool).toBe('storage');
    expect(agent!.total).toEqual({ cpus: 1, mem: 1001, disk: 192199, gpus: 0 });
  });

  test('0.28 state.json (Marathon test): dynamic reservation of role marathon', () => {
    const [agent] = agentsOf('mesos-0.28-master-state-marathon-test.json');
    expect(agent!.reserved).toEqual({ cpus: 1.1, mem: 144, disk: 138, gpus: 0 });
    expect(agent!.used).toEqual({ cpus: 1, mem: 128, disk: 128, gpus: 0 });
  });

  test('0.27 state.json (Capgemini) carries the same agents as its /master/slaves', () => {
    const fromState = agentsOf('mesos-0.27-master-state-capgemini.json');
    expect(fromState).toEqual(agentsOf('mesos-0.27-master-slaves-capgemini.json'));
  });
});

describe('parseSlaves details', () => {
  const agent = (fields: Record<string, unknown>) =>
    JSON.stringify({
      slaves: [{ id: 'a-S1', pid: 'slave(1)@10.0.0.1:5051', hostname: 'h', resources: { cpus: 1 }, used_resources: {}, active: true, ...fields }],
    });

  test('revocable resources and unknown scalars are not capacity', () => {
    const [a] = parseSlaves(agent({ resources: { cpus: 4, cpus_revocable: 2, mem: 100, mem_revocable: 50, fpga: 1, ports: '[1-2]' } }), 'pool').agents;
    expect(a!.total).toEqual({ cpus: 4, mem: 100, disk: 0, gpus: 0 });
  });

  test('recovered_slaves ids after a failover', () => {
    const body = JSON.stringify({ slaves: [], recovered_slaves: [{ id: 'x-S7', hostname: 'gone', port: 5051 }, { id: 'x-S9' }] });
    expect(parseSlaves(body, 'pool')).toEqual({ agents: [], recoveredAgentIds: ['x-S7', 'x-S9'] });
  });

  test.each([
    ['slave(1)@10.0.1.108:5051', '10.0.1.108'],
    ['slave(1)@[::1]:5051', null],
    ['slave(1)@agent-7.internal:5051', null],
    ['slave(1)@10.0.1.300:5051', null],
    ['', null],
  ])('ip of pid %j is %j', (pid, ip) => {
    expect(ipFromPid(pid)).toBe(ip);
  });

  test.each([
    [{ slaves: {} }, 'slaves: expected an array, got an object'],
    [{}, 'slaves: expected an array, got nothing (missing)'],
    [{ slaves: [{ id: 'a' }] }, 'slaves[0].hostname: expected a string'],
    [{ slaves: [{ id: 'a', hostname: 'h', resources: { cpus: '4' }, used_resources: {}, active: true }] }, 'slaves[0].resources.cpus: expected a number, got a string'],
    [{ slaves: [{ id: 'a', hostname: 'h', resources: {}, used_resources: {}, active: 'yes' }] }, 'slaves[0].active: expected a boolean, got a string'],
    [{ slaves: [{ id: 'a', hostname: 'h', resources: {}, used_resources: {}, active: true, attributes: { x: true } }] }, 'slaves[0].attributes.x: expected a string or a number, got a boolean'],
    [{ slaves: [{ id: 'a', hostname: 'h', resources: {}, used_resources: {}, active: true, reserved_resources: { r: { mem: [] } } }] }, 'slaves[0].reserved_resources.r.mem: expected a number, got an array'],
    [[], '(top level): expected an object, got an array'],
  ])('wrong shape %j is a MesosPayload error naming %j', (body, where) => {
    expect(() => parseSlaves(JSON.stringify(body), 'pool', 'GET http://m:5050/master/slaves')).toThrow(
      expect.objectContaining({ name: ErrorNames.MesosPayload, message: expect.stringContaining(where) }),
    );
  });

  test('malformed and truncated bodies are MesosPayload errors naming the source', () => {
    const text = fixture('mesos-0.27-master-slaves-capgemini.json');
    for (const [body, what] of [
      [text.slice(0, text.length / 2), 'truncated JSON'],
      [text.replace('"active": true', '"active": tru'), 'malformed JSON'],
      ['<html>502 Bad Gateway</html>', 'malformed JSON'],
    ] as const) {
      let error: unknown;
      try {
        parseSlaves(body, 'pool', 'GET http://m:5050/master/slaves');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AutoscalerError);
      expect(error).toMatchObject({ name: ErrorNames.MesosPayload, message: expect.stringContaining(`GET http://m:5050/master/slaves: ${what}`) });
    }
  });
});
