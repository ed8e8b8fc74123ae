import type { MesosConfig } from '../../shared/config/types.js';
import { createMesosReader } from '../../shared/mesos/http-reader.js';
import { createMesosMaintenance } from '../../shared/mesos/maintenance.js';
import { startMesosEndpoint, type MesosEndpoint } from '../../sim/local-cloud/mesos-endpoint.js';
import { EPOCH_MS, type SimCluster } from '../../sim/types.js';
import { cluster, task } from './cluster-builders.js';

let sim: SimCluster;
let endpoint: MesosEndpoint;

/** The mark of pool `batch` (the sub-millisecond nanoseconds of our windows' start and duration). */
const MARK = '898462';
/** Another tool's window, as a real master holds it: nanoseconds beyond 2^53. */
const OTHER_TOOL = '{"windows":[{"machine_ids":[{"hostname":"db-7.example.internal","ip":"10.9.9.7"}],"unavailability":{"start":{"nanoseconds":1767571200123456789},"duration":{"nanoseconds":7200000000001}}}]}';

beforeEach(async () => {
  // A 1.8 master, two agents; bin packing puts both tasks on the first.
  sim = cluster([task(0, { cpus: 1, duration: 10_000 }), task(0, { cpus: 1, duration: 10_000 })], { initialAgents: 2, mesosVersion: '1.8' });
  endpoint = await startMesosEndpoint(sim);
});
afterEach(async () => {
  await endpoint.close();
});

const config = (): MesosConfig => ({ masterUrls: [endpoint.url], marathonUrl: null, credentials: null, timeoutMs: 2000, poolAttribute: 'pool' });
const post = (path: string, body: string) => fetch(`${endpoint.url}${path}`, { method: 'POST', body });
/** A JSON answer, loosely typed: these tests inspect the wire shape itself. */
const json = async (answer: Promise<Response>): Promise<any> => (await answer).json();

describe('the maintenance primitives of the simulated master, over HTTP', () => {
  test('the production code finds a 1.8 master and drains through the schedule, keeping the other tools\' window digit for digit', async () => {
    expect(await (await post('/master/maintenance/schedule', OTHER_TOOL)).text()).toBe('');
    sim.advanceTo(60);
    const maintenance = createMesosMaintenance(config(), { now: () => EPOCH_MS + sim.now * 1000 });
    const [busy, spare] = (await createMesosReader(config()).readCluster()).agents;

    await maintenance.startSoftDrain(spare!, { windowSeconds: 600 });
    const scheduled = await (await fetch(`${endpoint.url}/master/maintenance/schedule`)).text();
    expect(scheduled).toBe(
      `${OTHER_TOOL.slice(0, -2)},{"machine_ids":[{"hostname":"${spare!.hostname}","ip":"${spare!.ip}"}],"unavailability":{"start":{"nanoseconds":${EPOCH_MS + 60_000}${MARK}},"duration":{"nanoseconds":600000${MARK}}}}]}`,
    );
    expect(sim.observe().registeredAgents).toBe(1);

    await maintenance.startHardDrain(busy!, { maxGracePeriodSeconds: 60, markGone: true });
    expect(await (await fetch(`${endpoint.url}/master/maintenance/status`)).json()).toEqual({
      draining_machines: [{ id: { hostname: 'db-7.example.internal', ip: '10.9.9.7' } }, { id: { hostname: spare!.hostname, ip: spare!.ip } }],
      down_machines: [{ hostname: busy!.hostname, ip: busy!.ip }],
    });
    sim.advanceTo(120);
    expect(sim.metrics(120).tasksKilled).toBe(2);

    // The clean-up after a termination leaves the machine down; its release once the instance is gone brings it up.
    await maintenance.cleanUp(busy!, { markGone: true });
    expect((await json(fetch(`${endpoint.url}/master/maintenance/status`))).down_machines).toHaveLength(1);
    await maintenance.releaseMachines('batch', await maintenance.machinesInMaintenance('batch').then((ms) => ms.filter((m) => m.ip === busy!.ip)));
    await maintenance.cancelDrain(spare!);
    expect(await (await fetch(`${endpoint.url}/master/maintenance/schedule`)).text()).toBe(OTHER_TOOL);
    expect(await (await fetch(`${endpoint.url}/maintenance/status`)).json()).toEqual({ draining_machines: [{ id: { hostname: 'db-7.example.internal', ip: '10.9.9.7' } }] });
  });

  test('answers as a 1.8 master does: version, no drain fields, the agent calls refused, the maintenance refusals as plain-text 400s', async () => {
    const master = await json(post('/api/v1', '{"type":"GET_MASTER"}'));
    expect(master.get_master.master_info.version).toBe('1.8.1');
    const slaves = await json(fetch(`${endpoint.url}/master/slaves`));
    expect(slaves.slaves[0]).not.toHaveProperty('deactivated');
    const agentId = slaves.slaves[0].id;

    const deactivate = await post('/api/v1', JSON.stringify({ type: 'DEACTIVATE_AGENT', deactivate_agent: { agent_id: { value: agentId } } }));
    expect(deactivate.status).toBe(400);
    expect(await deactivate.text()).toMatch(/Failed to find enum for 'DEACTIVATE_AGENT'/);

    const down = await post('/master/machine/down', '[{"hostname":"nowhere","ip":"10.9.9.9"}]');
    expect([down.status, await down.text()]).toEqual([400, `Machine '{"hostname":"nowhere","ip":"10.9.9.9"}' is not part of a maintenance schedule`]);
    const malformed = await post('/master/maintenance/schedule', '{"windows":[{"machine_ids":[]}]}');
    expect([malformed.status, await malformed.text()]).toEqual([400, 'Missing required fields: windows[0].unavailability']);
    expect((await fetch(`${endpoint.url}/master/machine/up`)).status).toBe(405);
    expect(await (await fetch(`${endpoint.url}/master/maintenance/schedule`)).text()).toBe('{}');
  });
});
