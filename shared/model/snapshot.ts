import type { ResourceName, Resources } from './resources.js';

/** Launches waiting for offers (Marathon's queue) for this pool, and what they need. */
export interface PendingDemand {
  /** Instances waiting for an offer: overdue queue entries, not those in launch back-off. */
  tasks: number;
  /** Resources of those that some agent of the pool can host, summed (what utilisation adds to demand). */
  resources: Resources;
  /** How many of them fit on the free space of usable agents, packed agent by agent. */
  fitOnFree: number;
  /** Agents of the usual shape the rest need. */
  newAgents: number;
  /**
   * Of those, the agents still needed when the free space of the draining agents is used too:
   * what a scale-out launches whatever drains it puts back. Absent when drains spare none.
   */
  beyondDrains?: number;
  /** Tasks that fit no agent of the usual shape, even an empty one: no scale-out helps them. */
  unplaceable: number;
  /** Launches held back by Marathon's back-off (crash loops): never a reason to add capacity. */
  backedOff: number;
  /** The apps with the most waiting instances, and what their last offers lacked. */
  apps: Array<{ appId: string; tasks: number; shortOf: ResourceName[] }>;
}

/** The app whose extra tasks must always fit (headroom), with how many fit now. */
export interface HeadroomApp {
  appId: string;
  /** Resources of one task. */
  task: Resources;
  running: number;
  /** Tasks of this app that fit, one agent at a time, on the free space of usable agents. */
  fitsNow: number;
}

/** An idle agent, i.e. a scale-in candidate: registered, active, no running tasks, nothing allocated. */
export interface IdleAgent {
  agentId: string;
  instanceId: string | null;
  /** WeightedCapacity of its instance: the capacity units its removal takes off the group. Absent means 1. */
  weight?: number;
}

export interface DrainSummary {
  agentId: string;
  instanceId: string;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms: a drain left behind goes back into service then, unless a scale-in adopts it first. */
  deadline: number;
  /** The execution that started it still runs; false means the drain was left behind (or started by the interruptions function). */
  owned: boolean;
  /**
   * Its instance is in service in the group, so part of the desired capacity. False once the
   * instance is terminating or gone: only the record is left to clean up.
   */
  inGroup?: boolean;
  /** WeightedCapacity of its instance: the capacity units it holds in the desired capacity. Absent means 1. */
  weight?: number;
  /**
   * Share of its agent's capacity that is free (0–1, tightest resource): what putting it back into
   * service adds, since its running tasks come back with it. Absent when the agent is not in the
   * state (then counted whole).
   */
  room?: number;
}

/**
 * A group with instance weights (a MixedInstancesPolicy whose overrides set WeightedCapacity)
 * counts its desired capacity, MinSize and MaxSize in capacity units, each instance its weight.
 * These are the counts of the snapshot in those units.
 */
export interface CapacityUnits {
  /** Units one more agent of the usual shape (`agentShape`) adds: the median weight of the InService instances. */
  typical: number;
  /** Units of the usable agents: each its instance's weight (`typical` when its instance is not in the group). */
  usable: number;
  /** Units of the instances of registered agents that take no new tasks (`agents.draining`). */
  draining: number;
  /** Weight of each stuck instance (`asg.stuck`), oldest launch first. */
  stuck: number[];
}

export interface AsgSummary {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  inService: number;
  pending: number;
  terminating: number;
  /** InService instances whose private IP matches no registered agent. */
  unregistered: number;
  /** Of those, the ones in service for longer than the pool's unregistered grace: stuck, not booting. */
  stuck: number;
  suspendedProcesses: string[];
  /** Epoch ms of the last scale-out activity in the ASG history, if any (cooldowns count from it). */
  lastScaleOutAt: number | null;
  /** An activity that has not finished yet. */
  activityInProgress: boolean;
}

/** What `gather` saw for one pool: small by design (Step Functions payloads are capped at 256 KB). */
export interface PoolSnapshot {
  pool: string;
  /** Epoch ms. */
  observedAt: number;
  agents: {
    /** Agents registered with the pool attribute value. */
    registered: number;
    /** Registered, active and not deactivated or draining: the agents that take new tasks. */
    usable: number;
    idle: number;
    /** Registered agents of the group's instances that take no new tasks (deactivated, draining or disconnected). */
    draining: number;
  };
  /** Totals over usable agents. */
  capacity: Resources;
  used: Resources;
  /** Median total of usable agents: what one more agent adds. Null with no usable agent. */
  agentShape: Resources | null;
  runningTasks: number;
  apps: number;
  pending: PendingDemand;
  headroomApp: HeadroomApp | null;
  /** Up to a bounded number of idle agents, most capacity first. */
  idleAgents: IdleAgent[];
  /**
   * Up to `max-draining` usable agents that still run tasks, least work first: what a scale-in may
   * drain when the pool allows draining busy agents (none otherwise).
   */
  busyAgents: Array<IdleAgent & { runningTasks: number }>;
  /** Drains this autoscaler has in progress in the pool (from its ledger). */
  drains: DrainSummary[];
  asg: AsgSummary;
  /**
   * Present only when some instance of the group has a weight other than 1: the desired capacity,
   * min and max then count capacity units. Absent, every instance counts 1, and a unit is an agent.
   */
  units?: CapacityUnits;
  /**
   * Why this pool's data cannot be trusted for removing capacity (master failover in progress,
   * agents re-registering, ...). Empty when it can.
   */
  distrust: string[];
}
