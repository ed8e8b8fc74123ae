import type { MesosConfig } from '../../shared/config/types.js';
import type { MesosAgent } from '../../shared/model/cluster.js';
import { ErrorNames } from '../../shared/model/errors.js';
import { createMesosReader } from '../../shared/mesos/http-reader.js';
import { createMesosMaintenance } from '../../shared/mesos/maintenance.js';
import { startMesosEndpoint, type MesosEndpoint } from '../../sim/local-cloud/mesos-endpoint.js';
import type { SimCluster } from '../../sim/types.js';
import { autoscalerRejection } from '../support/rejection.js';
import { cluster, task } from './cluster-builders.js';

let sim: SimCluster;
let endpoint: MesosEndpoint;

beforeEach(async () => {
  // Two agents; bin packing puts both tasks on the first.
  sim = cluster([task(0, { cpus: 1, duration: 10_000 }), task(0, { cpus: 1, duration: 10_000 })], { initialAgents: 2 });
  endpoint = await startMesosEndpoint(sim);
});
afterEach(async () => {
  await endpoint.close();
});

function config(): MesosConfig {
  return { masterUrls: [endpoint.url], marathonUrl: null, credentials: null, timeoutMs: 2000, poolAttribute: 'pool' };
}

/** The agents as the autoscaler reads them, over HTTP. */
async function readAgents(): Promise<MesosAgent[]> {
  return (await createMesosReader(config()).readCluster()).agents;
}

describe('the real maintenance adapter (agent API) against the simulated master', () => {
  test('a soft drain deactivates the agent in the simulated cluster; cancel puts it back', async () => {
    const maintenance = createMesosMaintenance(config(), { api: 'agent' });
    const [busy] = await readAgents();
    await maintenance.startSoftDrain(busy!, { windowSeconds: 3600 });
    expect(sim.mesos().agents[0]).toMatchObject({ id: busy!.id, active: false, deactivated: true, drainState: null, used: { cpus: 2 } });
    expect(sim.observe().registeredAgents).toBe(1);
    expect((await readAgents())[0]).toMatchObject({ active: false, deactivated: true, drainState: null });

    await maintenance.cancelDrain(busy!);
    expect(sim.mesos().agents[0]).toMatchObject({ active: true, deactivated: false });
    // Cancelling again finds the agent in service already.
    await maintenance.cancelDrain(busy!);
  });

  test('a hard drain kills the tasks (counted as kills), the agent reads DRAINED, and can be put back', async () => {
    const maintenance = createMesosMaintenance(config(), { api: 'agent' });
    const [busy, spare] = await readAgents();
    await maintenance.startHardDrain(busy!, { maxGracePeriodSeconds: 600, markGone: false });
    const [drained] = await readAgents();
    expect(drained).toMatchObject({ id: busy!.id, active: false, deactivated: true, drainState: 'DRAINED', used: { cpus: 0 } });
    expect(sim.mesos().tasks.map((t) => t.agentId)).toEqual([spare!.id, spare!.id]);
    sim.advanceTo(3600);
    expect(sim.metrics(3600).tasksKilled).toBe(2);

    await maintenance.cancelDrain(drained!);
    expect(sim.mesos().agents[0]).toMatchObject({ active: true, deactivated: false, drainState: null });
  });

  test('a hard drain with markGone removes the agent; clean-up then finds it gone, and an unknown agent is no error', async () => {
    const maintenance = createMesosMaintenance(config(), { api: 'agent' });
    const [busy, spare] = await readAgents();
    await maintenance.startHardDrain(busy!, { maxGracePeriodSeconds: 30, markGone: true });
    expect((await readAgents()).map((a) => a.id)).toEqual([spare!.id]);
    await maintenance.cleanUp(busy!, { markGone: true });
    await maintenance.cleanUp({ ...busy!, id: 'never-registered' }, { markGone: true });
    expect(sim.mesos().agents.map((a) => a.id)).toEqual([spare!.id]);
  });

  test("'auto' reads the simulated master's version (1.9.0) and uses the agent API", async () => {
    const [busy] = await readAgents();
    await createMesosMaintenance(config()).startSoftDrain(busy!, { windowSeconds: 60 });
    expect(sim.mesos()).toMatchObject({ masterVersion: '1.9.0', agents: [{ id: busy!.id, deactivated: true }, { deactivated: false }] });
  });

  test('the master refusing a call is MesosUnavailable with its reason', async () => {
    const [busy] = await readAgents();
    const error = await autoscalerRejection(createMesosMaintenance(config(), { api: 'agent' }).startHardDrain({ ...busy!, id: 'no-such-agent' }, { maxGracePeriodSeconds: 1, markGone: false }));
    expect(error.name).toBe(ErrorNames.MesosUnavailable);
    expect(error.message).toContain('HTTP 400 Bad Request: Unknown agent');
  });
});
