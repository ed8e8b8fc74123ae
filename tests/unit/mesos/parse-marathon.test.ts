import { ErrorNames } from '../../../shared/model/errors.js';
import { parseMarathonQueue } from '../../../shared/mesos/parse-marathon.js';
import { parseGetMaster } from '../../../shared/mesos/parse-master-info.js';
import { fixture } from './local-server.js';

describe('parseMarathonQueue', () => {
  test('asgard capture: two apps in launch back-off (overdue false)', () => {
    expect(parseMarathonQueue(fixture('marathon-1.x-v2-queue-asgard.json'))).toEqual([
      { id: '/infra/otherapp', count: 1, overdue: false, timeLeftSeconds: 2, resources: { cpus: 0.1, mem: 135, disk: 0, gpus: 0 }, constraints: [], shortOf: [] },
      { id: '/dev/waiting', count: 1, overdue: false, timeLeftSeconds: 286, resources: { cpus: 0.1, mem: 135, disk: 0, gpus: 0 }, constraints: [], shortOf: [] },
    ]);
  });

  test('Marathon docs (1.9/1.10): apps waiting for offers (overdue true), count per entry', () => {
    const queue = parseMarathonQueue(fixture('marathon-1.10-v2-queue-docs.json'));
    expect(queue.map((q) => [q.id, q.count, q.overdue, q.timeLeftSeconds])).toEqual([
      ['/tools/datadog-agent', 1, true, 0],
      ['/foo', 2, true, 0],
    ]);
    expect(queue[1]).toMatchObject({ resources: { cpus: 0.5, mem: 128, disk: 0, gpus: 0 }, constraints: [['hostname', 'UNIQUE']] });
  });

  test('rejectSummaryLastOffers tells which resources the offers lacked, most declines first', () => {
    const queue = parseMarathonQueue(fixture('marathon-1.10-v2-queue-docs.json'));
    // Nothing declined for /tools/datadog-agent; /foo was declined 75× for cpus, 15× for memory, 10× for disk, never for GPUs.
    expect(queue.map((q) => q.shortOf)).toEqual([[], ['cpus', 'mem', 'disk']]);
  });

  test.each([
    ['a summary without reject reasons', { processedOffersCount: 3, unusedOffersCount: 0 }, []],
    ['reasons that name no resource', { rejectSummaryLastOffers: [{ reason: 'UnfulfilledConstraint', declined: 9, processed: 9 }] }, []],
    ['memory declined more than cpus', { rejectSummaryLastOffers: [{ reason: 'InsufficientCpus', declined: 2, processed: 9 }, { reason: 'InsufficientMemory', declined: 7, processed: 9 }, { reason: 'InsufficientGpus', declined: 0, processed: 9 }] }, ['mem', 'cpus']],
  ])('shortOf from %s', (_what, summary, expected) => {
    const body = { queue: [{ app: { id: '/a', cpus: 1, mem: 1 }, count: 1, processedOffersSummary: summary }] };
    expect(parseMarathonQueue(JSON.stringify(body))[0]?.shortOf).toEqual(expected);
  });

  test('a reject entry without its count is a MesosPayload error naming the field', () => {
    const body = { queue: [{ app: { id: '/a', cpus: 1, mem: 1 }, count: 1, processedOffersSummary: { rejectSummaryLastOffers: [{ reason: 'InsufficientCpus' }] } }] };
    expect(() => parseMarathonQueue(JSON.stringify(body))).toThrow(/processedOffersSummary\.rejectSummaryLastOffers\[0\]\.declined/);
  });

  test('a pod needs its containers plus its executor; pod constraints become app-style', () => {
    const body = {
      queue: [
        {
          pod: {
            id: '/ops/audit',
            containers: [
              { name: 'web', resources: { cpus: 1, mem: 512, disk: 100, gpus: 1 } },
              { name: 'log', resources: { cpus: 0.5, mem: 128 } },
            ],
            scheduling: { placement: { constraints: [{ fieldName: 'pool', operator: 'LIKE', value: 'gpu' }, { fieldName: 'hostname', operator: 'UNIQUE' }] } },
          },
          count: 3,
          delay: { timeLeftSeconds: 0, overdue: true },
        },
        { pod: { id: '/ops/small', containers: [{ name: 'a', resources: { cpus: 0.2, mem: 64 } }], executorResources: { cpus: 0.3, mem: 64, disk: 20 } }, count: 1 },
      ],
    };
    const [audit, small] = parseMarathonQueue(JSON.stringify(body));
    expect(audit).toEqual({
      id: '/ops/audit',
      count: 3,
      overdue: true,
      timeLeftSeconds: 0,
      resources: { cpus: 1.6, mem: 672, disk: 110, gpus: 1 },
      constraints: [['pool', 'LIKE', 'gpu'], ['hostname', 'UNIQUE']],
      shortOf: [],
    });
    // No `delay`: the launch is not delayed, i.e. waiting for offers.
    expect(small).toMatchObject({ overdue: true, timeLeftSeconds: 0, resources: { cpus: 0.5, mem: 128, disk: 20, gpus: 0 } });
  });

  test.each([
    [{ queue: [{ count: 1 }] }, 'queue[0]: expected an "app" or a "pod"'],
    [{ queue: [{ app: { id: '/a', cpus: 1, mem: 1 }, count: '2' }] }, 'queue[0].count: expected a number, got a string'],
    [{ queue: [{ app: { id: '/a', cpus: 1 }, count: 1 }] }, 'queue[0].app.mem: expected a number, got nothing (missing)'],
    [{ queue: [{ app: { id: '/a', cpus: 1, mem: 1 }, count: 1, delay: { overdue: 'yes', timeLeftSeconds: 0 } }] }, 'queue[0].delay.overdue: expected a boolean, got a string'],
    [{ queue: [{ pod: { id: '/p', containers: [{ resources: { mem: 1 } }] }, count: 1 }] }, 'queue[0].pod.containers[0].resources.cpus: expected a number'],
    [{}, 'queue: expected an array, got nothing (missing)'],
  ])('wrong shape %j is a MesosPayload error at %j', (body, where) => {
    expect(() => parseMarathonQueue(JSON.stringify(body))).toThrow(
      expect.objectContaining({ name: ErrorNames.MesosPayload, message: expect.stringContaining(`/v2/queue: unexpected payload at ${where}`) }),
    );
  });
});

describe('parseGetMaster', () => {
  test('Mesos 1.5 GET_MASTER (DC/OS): version and election time', () => {
    expect(parseGetMaster(fixture('mesos-1.5-v1-get-master-dcos-ui.json'))).toEqual({ version: '1.5.0', electedAt: 1518160053.29448 });
  });

  test('older 1.x answers without election time', () => {
    expect(parseGetMaster(JSON.stringify({ type: 'GET_MASTER', get_master: { master_info: { id: 'x', version: '1.1.0' } } }))).toEqual({ version: '1.1.0', electedAt: null });
  });

  test('a body without get_master is a MesosPayload error', () => {
    expect(() => parseGetMaster('{"type":"GET_HEALTH"}')).toThrow(expect.objectContaining({ name: ErrorNames.MesosPayload }));
  });
});
