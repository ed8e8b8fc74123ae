import fc from 'fast-check';
import { ErrorNames } from '../../../shared/model/errors.js';
import {
  isPoolWindow,
  isScheduled,
  lastsUntil,
  marked,
  poolMark,
  startMs,
  parseDownMachines,
  parseSchedule,
  sameMachine,
  scheduleJson,
  withoutMachine,
  withWindow,
} from '../../../shared/mesos/maintenance-schedule.js';
import { fixture } from './local-server.js';

const DOCS = fixture('mesos-0.25+-maintenance-schedule-docs.json');
const SOURCE = 'GET http://m1:5050/master/maintenance/schedule';

describe('the maintenance schedule', () => {
  test('the documented schedule parses and writes back as the same JSON', () => {
    const schedule = parseSchedule(DOCS, SOURCE);
    expect(schedule.windows.map((w) => w.machineIds.map((m) => m.hostname))).toEqual([['machine1', 'machine2'], ['machine3']]);
    expect(schedule.windows[0]).toMatchObject({ startNs: 1443830400000000000n, durationNs: 3600000000000n });
    expect(scheduleJson(schedule)).toBe(JSON.stringify(JSON.parse(DOCS)));
  });

  test('an empty schedule is `{}`; writing no windows is an empty list', () => {
    expect(parseSchedule('{}', SOURCE)).toEqual({ windows: [] });
    expect(scheduleJson({ windows: [] })).toBe('{"windows":[]}');
  });

  test('a machine is its hostname (any case) and IP together', () => {
    const a = { hostname: 'Machine1', ip: '10.0.0.1' };
    expect(sameMachine(a, { hostname: 'machine1', ip: '10.0.0.1' })).toBe(true);
    expect(sameMachine(a, { hostname: 'machine1', ip: '10.0.0.2' })).toBe(false);
    expect(sameMachine(a, { hostname: 'machine1', ip: null })).toBe(false);
    expect(sameMachine({ hostname: null, ip: '10.0.0.1' }, { hostname: null, ip: '10.0.0.1' })).toBe(false);
  });

  test('removing a machine leaves shared windows to the others and drops windows left empty', () => {
    const schedule = parseSchedule(DOCS, SOURCE);
    const without2 = withoutMachine(schedule, { hostname: 'MACHINE2', ip: '10.0.0.2' });
    expect(without2.windows.map((w) => w.machineIds.map((m) => m.hostname))).toEqual([['machine1'], ['machine3']]);
    expect(without2.windows[1]).toBe(schedule.windows[1]);
    const without3 = withoutMachine(schedule, { hostname: 'machine3', ip: '10.0.0.3' });
    expect(without3.windows).toEqual([schedule.windows[0]]);
    expect(withoutMachine(schedule, { hostname: 'machine3', ip: '10.0.0.9' })).toEqual(schedule);
  });

  test('a new window puts the machine in exactly one window, last', () => {
    const machine = { hostname: 'machine1', ip: '10.0.0.1' };
    const updated = withWindow(parseSchedule(DOCS, SOURCE), machine, 5n, null);
    expect(updated.windows.filter((w) => w.machineIds.some((m) => sameMachine(m, machine)))).toEqual([{ machineIds: [machine], startNs: 5n, durationNs: null }]);
    expect(isScheduled(updated, machine)).toBe(true);
    expect(scheduleJson(updated)).toContain('{"machine_ids":[{"hostname":"machine1","ip":"10.0.0.1"}],"unavailability":{"start":{"nanoseconds":5}}}]}');
  });
});

describe('the maintenance status', () => {
  test('reads the DOWN machines; draining ones (the v1 docs shape) are not down', () => {
    const v1 = JSON.parse(fixture('mesos-1.x-v1-get-maintenance-status-docs.json')).get_maintenance_status.status;
    expect(parseDownMachines(JSON.stringify(v1), SOURCE)).toEqual([]);
    expect(parseDownMachines('{"down_machines":[{"hostname":"h2","ip":"10.0.0.2"}]}', SOURCE)).toEqual([{ hostname: 'h2', ip: '10.0.0.2' }]);
  });

  test('a malformed status is MesosPayload', () => {
    expect(() => parseDownMachines('{"down_machines":{"hostname":"h2"}}', SOURCE)).toThrow(
      expect.objectContaining({ name: ErrorNames.MesosPayload, message: `${SOURCE}: unexpected payload at down_machines: expected an array, got an object` }),
    );
  });
});

describe("the mark of a pool's windows", () => {
  const machine = { hostname: 'ip-10-0-1-7.ec2.internal', ip: '10.0.1.7' };
  const ours = { machineIds: [machine], startNs: marked(1_767_571_200_123, 'batch'), durationNs: marked(3600_000, 'batch') };

  test('is fixed per pool name (windows already written must stay recognised)', () => {
    expect([poolMark('batch'), poolMark('web'), poolMark('')]).toEqual([898462n, 194020n, 304566n]);
    expect(ours).toMatchObject({ startNs: 1767571200123898462n, durationNs: 3600000898462n });
    expect(startMs(ours)).toBe(1_767_571_200_123);
  });

  test('never looks like a time to the microsecond or coarser', () => {
    fc.assert(fc.property(fc.string(), (pool) => {
      const mark = poolMark(pool);
      return mark > 0n && mark < 1_000_000n && mark % 1000n !== 0n;
    }));
  });

  test('makes a window the pool\'s only in start and duration, on one machine named by host name and IP', () => {
    expect(isPoolWindow(ours, 'batch')).toBe(true);
    expect(isPoolWindow(ours, 'web')).toBe(false);
    expect(isPoolWindow({ ...ours, durationNs: null }, 'batch')).toBe(false);
    expect(isPoolWindow({ ...ours, durationNs: 3600_000_000_000n }, 'batch')).toBe(false);
    expect(isPoolWindow({ ...ours, startNs: 1767571200123000000n }, 'batch')).toBe(false);
    expect(isPoolWindow({ ...ours, machineIds: [machine, { hostname: 'h2', ip: '10.0.1.8' }] }, 'batch')).toBe(false);
    expect(isPoolWindow({ ...ours, machineIds: [{ hostname: null, ip: '10.0.1.7' }] }, 'batch')).toBe(false);
  });

  test('a window lasts until its end, an open-ended one for ever', () => {
    const end = 1_767_571_200_123 + 3600_000;
    expect(lastsUntil(ours, end)).toBe(true);
    expect(lastsUntil(ours, end + 2)).toBe(false);
    expect(lastsUntil({ ...ours, durationNs: null }, Number.MAX_SAFE_INTEGER)).toBe(true);
  });
});
