import type { PoolConfig } from '../config/types.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { count } from './format.js';

/**
 * Capacity units. A group with instance weights counts its desired capacity, MinSize and MaxSize
 * in capacity units, each instance its WeightedCapacity. The model:
 * - the signals reason about agents of the usual shape (`agentShape`) and require a number of
 *   usable agents; the stabilisation record keeps those agents;
 * - whatever reaches the desired capacity is in units: the usable agents count the weights of their
 *   instances, a new (or surplus) agent of the usual shape counts the typical weight, drains and
 *   stuck instances their own weights, and min, max and the steps are the group's own units.
 * Without weights (every weight 1) a unit is an agent and every figure is the agent count it was.
 */
export interface Units {
  /** The group has weights: explanations say "capacity units" where they mean units. */
  weighted: boolean;
  /** As in CapacityUnits (snapshot.ts); `stuck` summed. */
  typical: number;
  usable: number;
  draining: number;
  stuck: number;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

/** The WeightedCapacity of an idle agent's or a drain's instance (1 when the snapshot leaves it out). */
export function weightOf(item: { weight?: number }): number {
  return item.weight ?? 1;
}

export function unitsOf(snapshot: PoolSnapshot): Units {
  const units = snapshot.units;
  if (units === undefined) {
    return { weighted: false, typical: 1, usable: snapshot.agents.usable, draining: snapshot.agents.draining, stuck: snapshot.asg.stuck };
  }
  return { weighted: true, typical: units.typical, usable: units.usable, draining: units.draining, stuck: sum(units.stuck) };
}

/** `n` in the group's unit: "3 agents" (or the noun given) without weights, "3 capacity units" with them. */
export function unitCount(snapshot: PoolSnapshot, n: number, noun = 'agent'): string {
  return snapshot.units === undefined ? count(n, noun) : count(n, 'capacity unit');
}

/** Drains whose instance is still in service in the group: part of the desired capacity, on their way out. */
export function drainsInGroup(snapshot: PoolSnapshot): PoolSnapshot['drains'] {
  return snapshot.drains.filter((d) => d.inGroup !== false);
}

/**
 * Units a scale-in can take now: instances stuck without an agent, idle agents on an instance of
 * the group and, when the pool drains busy agents, the busy ones (they leave once empty), in that
 * order, each at its weight. Each removal drains, so at most `max-draining` of them, counting every
 * drain whose instance is still in the group (as chooseVictims does).
 */
export function removableUnits(snapshot: PoolSnapshot, config: PoolConfig): number {
  const candidates = [
    ...(snapshot.units?.stuck ?? Array<number>(snapshot.asg.stuck).fill(1)),
    ...snapshot.idleAgents.filter((a) => a.instanceId !== null).map(weightOf),
    ...(config.drain.busyAgents ? snapshot.busyAgents.map(weightOf) : []),
  ];
  const slots = Math.max(0, config.drain.maxDraining - drainsInGroup(snapshot).length);
  return sum(candidates.slice(0, slots));
}
