import { describe, expect, it } from '@jest/globals';
import { checkSettled } from '../../../shared/settle/check-settled.js';
import type { AsgInstance } from '../../../shared/model/asg.js';
import type { ActionResult } from '../../../shared/model/plan.js';
import type { SettleInput } from '../../../shared/model/workflow.js';
import { agent, asg, cluster, instance, ipOf, plan } from '../../support/fakes.js';

function input(action: Partial<ActionResult>, checks = 0): SettleInput {
  const p = plan({ action: action.action ?? 'scale-out', fromDesired: 2, targetDesired: action.after ?? 3 });
  return {
    plan: p,
    action: { pool: 'batch', asgNames: ['asg-batch'], action: 'scale-out', before: 2, after: 3, terminatedInstanceIds: [], drains: [], reactivated: [], dryRun: false, detail: '', ...action },
    checks,
    intervalSeconds: 30,
    timeoutSeconds: 120,
  };
}

const addresses = [1, 2, 3].map((n) => ({ instanceId: `i-00${n}`, privateIp: ipOf(n), privateDnsName: null }));

describe('checkSettled', () => {
  it('waits until launched instances are in service', () => {
    const r = checkSettled(input({}), { asg: asg([instance(1), instance(2), instance(3, { lifecycleState: 'Pending' })]), cluster: null, addresses, mesosError: null });
    expect(r).toEqual({ settled: false, timedOut: false, checks: 1, detail: '2 of 3 instances in service' });
  });

  it('waits until every in-service instance is a registered agent of the pool', () => {
    const seen = { asg: asg([instance(1), instance(2), instance(3)]), cluster: cluster([agent(1), agent(2), agent(3, { pool: 'other' })]), addresses, mesosError: null };
    expect(checkSettled(input({}), seen).settled).toBe(false);
    seen.cluster = cluster([agent(1), agent(2), agent(3)]);
    expect(checkSettled(input({}), seen)).toEqual(expect.objectContaining({ settled: true, detail: '3 agents registered in pool batch' }));
  });

  it('settles a scale-in when the removed instances left the group', () => {
    const action = { action: 'scale-in' as const, before: 3, after: 2, terminatedInstanceIds: ['i-003'] };
    expect(checkSettled(input(action), { asg: asg([instance(1), instance(2), instance(3, { lifecycleState: 'Terminating' })]), cluster: null, addresses, mesosError: null }).settled).toBe(false);
    expect(checkSettled(input(action), { asg: asg([instance(1), instance(2)]), cluster: null, addresses, mesosError: null }).settled).toBe(true);
  });

  it('gives up once the checks reach the timeout', () => {
    const r = checkSettled(input({}, 3), { asg: asg([instance(1)]), cluster: null, addresses, mesosError: null });
    expect(r).toEqual(expect.objectContaining({ settled: false, timedOut: true, checks: 4 }));
    expect(r.detail).toMatch(/^gave up after 120s/);
  });

  it('keeps waiting (never fails) when Mesos cannot be read', () => {
    const r = checkSettled(input({}), { asg: asg([instance(1), instance(2), instance(3)]), cluster: null, addresses, mesosError: 'timeout' });
    expect(r).toEqual(expect.objectContaining({ settled: false, timedOut: false }));
    expect(r.detail).toMatch(/Mesos could not be read: timeout/);
  });
});

describe('checkSettled in capacity units: a scale-out has settled once the capacity in units is in service and registered', () => {
  const scaleOut = { ...input({ before: 0, after: 5 }), plan: plan({ action: 'scale-out', fromDesired: 0, targetDesired: 5, weighted: true }) };

  it.each<{ name: string; instances: AsgInstance[]; registered: number[]; settled: boolean; detail: string }>([
    { name: 'two instances of 3 hold 6 units (the group overshot 5)', instances: [instance(1, { weight: 3 }), instance(2, { weight: 3 })], registered: [1, 2], settled: true, detail: '2 agents (6 capacity units) registered in pool batch' },
    { name: 'a pending instance is not in service yet', instances: [instance(1, { weight: 3 }), instance(2, { weight: 3, lifecycleState: 'Pending' })], registered: [1], settled: false, detail: '3 of 5 capacity units of instances in service' },
    { name: 'in service but not registered', instances: [instance(1, { weight: 3 }), instance(2, { weight: 3 })], registered: [1], settled: false, detail: '3 of 5 capacity units of instances registered as Mesos agents in pool batch' },
  ])('$name', ({ instances, registered, settled, detail }) => {
    const result = checkSettled(scaleOut, { asg: asg(instances, { desiredCapacity: 5 }), cluster: cluster(registered.map((n) => agent(n))), addresses, mesosError: null });
    expect({ settled: result.settled, detail: result.detail }).toEqual({ settled, detail });
  });
});
