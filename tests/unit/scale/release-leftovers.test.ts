import type { InstanceAddress } from '../../../shared/model/asg.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import type { PoolMachine } from '../../../shared/mesos/maintenance-port.js';
import { leftoverMachines, releaseLeftovers } from '../../../shared/scale/release-leftovers.js';
import {
  FakeAutoScaling, FakeInstances, FakeLedger, FakeMaintenance, FakeMesos,
  asg, cluster, drainRecord, idOf, instance, ipOf,
} from '../../support/fakes.js';
import { autoscalerRejection } from '../../support/rejection.js';

/** When the machines' windows began: the drains were started then. */
const SINCE = 1_700_000_000_000;
const LAUNCHED = SINCE - 86_400_000;

const machine = (n: number, since = SINCE): PoolMachine => ({ hostname: `ip-10-0-0-${n}.internal`, ip: ipOf(n), since });
const address = (n: number, launchedAt: number | undefined = LAUNCHED, ip: string | null = ipOf(n)): InstanceAddress => ({
  instanceId: idOf(n), privateIp: ip, privateDnsName: null, ...(launchedAt === undefined ? {} : { launchedAt }),
});

describe('which machines the pool no longer needs in maintenance', () => {
  it('keeps the machine of an instance that may still run, in any state but Terminated, and releases the others', () => {
    const group = asg([instance(1), instance(2, { lifecycleState: 'Terminating:Wait' }), instance(3, { lifecycleState: 'Terminating:Proceed' }), instance(4, { lifecycleState: 'Terminated' })]);
    const machines = [1, 2, 3, 4, 5].map((n) => machine(n));
    expect(leftoverMachines(machines, group, [1, 2, 3, 4].map((n) => address(n)))).toEqual([machine(4), machine(5)]);
  });

  it('releases an IP a newer instance of the group got again, and keeps it while the older one had it', () => {
    const group = asg([instance(7)]);
    expect(leftoverMachines([machine(7)], group, [address(7, SINCE + 1)])).toEqual([machine(7)]);
    expect(leftoverMachines([machine(7)], group, [address(7, SINCE)])).toEqual([]);
  });

  it('counts an instance launched at an unknown time as the older one', () => {
    expect(leftoverMachines([machine(1)], asg([instance(1)]), [address(1, undefined)])).toEqual([]);
  });

  it('passes over a Pending instance without an address (younger than every window), and cannot tell anything when another lacks one', () => {
    expect(leftoverMachines([machine(1)], asg([instance(8, { lifecycleState: 'Pending' })]), [])).toEqual([machine(1)]);
    const group = asg([instance(1, { lifecycleState: 'Terminating:Wait' })]);
    expect(() => leftoverMachines([machine(1)], group, [address(1, LAUNCHED, null)])).toThrow(
      expect.objectContaining({ name: ErrorNames.AwsUnavailable, message: expect.stringContaining(`instance ${idOf(1)} (Terminating:Wait) of asg-batch has no private IP`) }),
    );
  });
});

describe('releasing them', () => {
  function setup(group = asg([instance(1), instance(2)]), addresses: InstanceAddress[] = [address(1), address(2)], drains = [drainRecord(2)]) {
    const autoScaling = new FakeAutoScaling(group);
    const maintenance = new FakeMaintenance();
    const instances = new FakeInstances(new Map(addresses.map((a) => [a.instanceId, a])));
    const ledger = new FakeLedger(drains);
    return { maintenance, instances, deps: { autoScaling, maintenance, instances, ledger, mesos: new FakeMesos(cluster([])), now: () => SINCE } };
  }

  it('reads the group and the addresses only when the pool has machines in maintenance, and releases the leftovers', async () => {
    const { maintenance, instances, deps } = setup();
    expect(await releaseLeftovers('batch', ['asg-batch'], deps)).toEqual([]);
    expect(instances.asked).toEqual([]);

    maintenance.machines = [machine(1), machine(2), machine(3)];
    expect(await releaseLeftovers('batch', ['asg-batch'], deps)).toEqual([machine(3)]);
    expect(instances.asked).toEqual([[idOf(1), idOf(2)]]);
    expect(maintenance.calls).toEqual([`release batch ${ipOf(3)}@${SINCE}`]);
  });

  it('keeps the machine of a drain the ledger still records, even without its instance', async () => {
    const { maintenance, deps } = setup(asg([]), [], [drainRecord(1)]);
    maintenance.machines = [machine(1), machine(2)];
    expect(await releaseLeftovers('batch', ['asg-batch'], deps)).toEqual([machine(2)]);
  });

  it('releases nothing when the group is not found, or nothing is left over', async () => {
    const { maintenance, deps } = setup();
    maintenance.machines = [machine(1)];
    expect(await releaseLeftovers('batch', ['asg-other'], deps)).toEqual([]);
    expect(await releaseLeftovers('batch', ['asg-batch'], deps)).toEqual([]);
    expect(maintenance.calls).toEqual([]);
  });

  it('passes failures on', async () => {
    const { maintenance, deps } = setup();
    maintenance.errors.machines = [new AutoscalerError(ErrorNames.MesosUnavailable, 'no leading master answered')];
    expect((await autoscalerRejection(releaseLeftovers('batch', ['asg-batch'], deps))).name).toBe(ErrorNames.MesosUnavailable);
  });
});
