import type { MesosAgent } from '../model/cluster.js';

/** A machine in a maintenance window this autoscaler wrote for a pool (older masters). */
export interface PoolMachine {
  hostname: string;
  ip: string;
  /** Epoch ms its window began: the drain that wrote it started then, on the instance that had the IP. */
  since: number;
}

/**
 * Taking an agent out of service through Mesos, across API generations: Mesos ≥ 1.9 has the agent
 * drain API (DEACTIVATE_AGENT, DRAIN_AGENT, REACTIVATE_AGENT, MARK_AGENT_GONE); older masters (0.25+)
 * have maintenance primitives (schedule read-modify-write, machine/down, machine/up).
 *
 * A *soft* drain stops new tasks and kills nothing: the agent empties on its own (1.9+:
 * DEACTIVATE_AGENT; older: a maintenance window starting now, which Marathon ≥ 1.8 honours by
 * declining the agent's offers). A *hard* drain kills the tasks, gracefully (1.9+: DRAIN_AGENT
 * with max_grace_period; older: machine/down). Implementations throw AutoscalerError
 * (MesosUnavailable / MesosPayload) and never clobber other tools' maintenance windows.
 *
 * On older masters a drain is a window of the agent's machine (host name and IP), which outlives the
 * instance: the windows this autoscaler writes are marked with their pool, so that the machines
 * left in them once their instance is gone can be listed and released (`machinesInMaintenance`,
 * `releaseMachines`). On 1.9+ a drain belongs to the agent id, which dies with its instance: there
 * is nothing to release.
 */
export interface MesosMaintenance {
  startSoftDrain(agent: MesosAgent, options: { windowSeconds: number }): Promise<void>;
  startHardDrain(agent: MesosAgent, options: { maxGracePeriodSeconds: number; markGone: boolean }): Promise<void>;
  /** Puts a drained agent back into service (REACTIVATE_AGENT / its schedule entry removed, machine/up if down). */
  cancelDrain(agent: MesosAgent): Promise<void>;
  /**
   * Once its instance is being terminated (a lifecycle hook may hold it, or it is shutting down): the
   * agent must never take a task again. MARK_AGENT_GONE when configured / its machine kept out of
   * service by a window that lasts past any termination, which `releaseMachines` ends once no
   * instance runs there.
   */
  cleanUp(agent: MesosAgent, options: { markGone: boolean }): Promise<void>;
  /**
   * Whether the agent takes no new task from now until at least `until` (epoch ms): deactivated or
   * draining, as the agent reports it / its machine DOWN, or in a window begun that lasts that long.
   */
  isOutOfService(agent: MesosAgent, until: number): Promise<boolean>;
  /** The machines in this autoscaler's windows for `pool` (none on 1.9+). */
  machinesInMaintenance(pool: string): Promise<PoolMachine[]>;
  /**
   * Puts machines of `pool` back into service (machine/up when DOWN, their window removed), each only
   * while its window is still this autoscaler's for the pool and, when `since` is given, still the
   * one that began then. Nothing on 1.9+.
   */
  releaseMachines(pool: string, machines: ReadonlyArray<Omit<PoolMachine, 'since'> & { since?: number }>): Promise<void>;
}
