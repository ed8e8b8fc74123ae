import { ErrorNames } from '../../shared/model/errors.js';
import { simMaintenance } from '../../sim/cluster-ports.js';
import { cluster } from './cluster-builders.js';

/** The 1.9 maintenance port the simulator answers in-process, with the HTTP adapter's rules. */
describe('the in-process Mesos 1.9 maintenance port', () => {
  test('reads refusals as the HTTP adapter does: an agent in service needs no reactivation, an unknown one no marking gone', async () => {
    const c = cluster([], { initialAgents: 1, mesosVersion: '1.9' });
    const m = simMaintenance(c);
    const agent = c.mesos().agents[0]!;
    const unknown = { ...agent, id: 'no-such-agent' };

    await expect(m.cancelDrain(agent)).resolves.toBeUndefined();
    await expect(m.cleanUp(unknown, { markGone: true })).resolves.toBeUndefined();
    // Any other refusal fails: DEACTIVATE_AGENT of an agent the master does not know.
    await expect(m.startSoftDrain(unknown, { windowSeconds: 60 })).rejects.toMatchObject({ name: ErrorNames.MesosUnavailable, message: expect.stringContaining('Unknown agent') });
  });

  test('an agent is out of service while deactivated or drained, and in service again once reactivated', async () => {
    const c = cluster([], { initialAgents: 2, mesosVersion: '1.9' });
    const m = simMaintenance(c);
    const [soft, hard] = c.mesos().agents;
    const byId = () => new Map(c.mesos().agents.map((a) => [a.id, a]));
    expect(await m.isOutOfService(soft!, 0)).toBe(false);

    await m.startSoftDrain(soft!, { windowSeconds: 60 });
    await m.startHardDrain(hard!, { maxGracePeriodSeconds: 0, markGone: false });
    expect(await m.isOutOfService(byId().get(soft!.id)!, 0)).toBe(true);
    expect(byId().get(hard!.id)).toMatchObject({ deactivated: true, drainState: 'DRAINED' });
    expect(await m.isOutOfService(byId().get(hard!.id)!, 0)).toBe(true);

    await m.cancelDrain(byId().get(soft!.id)!);
    expect(await m.isOutOfService(byId().get(soft!.id)!, 0)).toBe(false);
  });
});
