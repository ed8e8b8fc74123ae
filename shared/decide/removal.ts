import type { PoolConfig } from '../config/types.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { drainsInGroup } from './combine.js';

/**
 * How many instances a scale-in can take now: instances stuck without an agent, idle agents matched
 * to an instance of the group and, when the pool drains busy agents, the busy ones (they leave once
 * empty). Each removal drains, so at most `max-draining` at once, counting every drain whose instance
 * is still in the group (as chooseVictims does).
 */
export function removableNow(snapshot: PoolSnapshot, config: PoolConfig): number {
  const idle = snapshot.idleAgents.filter((a) => a.instanceId !== null).length;
  const busy = config.drain.busyAgents ? snapshot.busyAgents.length : 0;
  const slots = Math.max(0, config.drain.maxDraining - drainsInGroup(snapshot).length);
  return Math.min(slots, snapshot.asg.stuck + idle + busy);
}
