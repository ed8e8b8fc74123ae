import { agentsOnInstance, poolHoldingInstance, poolOfGroup } from '../../../shared/interruptions/instance-agents.js';
import { resources } from '../../../shared/model/resources.js';
import { agent, asg, cluster, instance, task } from '../../support/fakes.js';
import { pool } from './builders.js';

const address = (ip: string | null, dns: string | null = null) => ({ instanceId: 'i-001', privateIp: ip, privateDnsName: dns });

describe('agentsOnInstance', () => {
  it('finds the agent by the IP in its pid and tells whether it runs tasks', () => {
    const state = cluster([agent(1), agent(2)], [task('agent-2')]);

    expect(agentsOnInstance(state, address('10.0.0.1')).map((a) => [a.agent.id, a.busy])).toEqual([['agent-1', false]]);
    expect(agentsOnInstance(state, address('10.0.0.2')).map((a) => [a.agent.id, a.busy])).toEqual([['agent-2', true]]);
  });

  it('counts allocated resources without a task as busy', () => {
    const state = cluster([agent(1, { used: resources({ cpus: 0.5 }) })]);

    expect(agentsOnInstance(state, address('10.0.0.1'))[0]?.busy).toBe(true);
  });

  it('matches a pid without IP by host name, and finds every agent sharing the host', () => {
    const state = cluster([
      agent(1, { ip: null, pid: 'slave(1)@agent-host:5051', hostname: 'ip-10-0-0-1.internal' }),
      agent(1, { id: 'agent-1b' }),
      agent(3),
    ]);

    expect(agentsOnInstance(state, address('10.0.0.1', 'ip-10-0-0-1.internal')).map((a) => a.agent.id)).toEqual(['agent-1', 'agent-1b']);
  });

  it('finds nothing for an instance without an address (terminated)', () => {
    expect(agentsOnInstance(cluster([agent(1)]), address(null))).toEqual([]);
  });
});

describe('pools', () => {
  const pools = [pool(), pool({ name: 'web', asgNames: ['asg-web', 'asg-web-spot'] })];

  it('names the pool of an ASG of ours, and none for a foreign group', () => {
    expect(poolOfGroup(pools, 'asg-web')?.name).toBe('web');
    expect(poolOfGroup(pools, 'asg-web-spot')?.name).toBe('web');
    expect(poolOfGroup(pools, 'asg-other')).toBeNull();
  });

  it('finds the pool whose group holds the instance', () => {
    const groups = [asg([instance(1)]), asg([instance(2)], { name: 'asg-web' }), asg([instance(3)], { name: 'asg-web-spot' })];

    expect(poolHoldingInstance(pools, groups, 'i-002')).toMatchObject({ pool: { name: 'web' }, asgName: 'asg-web' });
    expect(poolHoldingInstance(pools, groups, 'i-003')).toMatchObject({ pool: { name: 'web' }, asgName: 'asg-web-spot' });
    expect(poolHoldingInstance(pools, groups, 'i-009')).toBeNull();
  });
});
