import type { MesosAgent } from '../model/cluster.js';

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
 */
export interface MesosMaintenance {
  startSoftDrain(agent: MesosAgent, options: { windowSeconds: number }): Promise<void>;
  startHardDrain(agent: MesosAgent, options: { maxGracePeriodSeconds: number; markGone: boolean }): Promise<void>;
  /** Puts a drained agent back into service (REACTIVATE_AGENT / its schedule entry removed, machine/up if down). */
  cancelDrain(agent: MesosAgent): Promise<void>;
  /** After its instance is terminated: MARK_AGENT_GONE when configured / machine/up and schedule entry removed. */
  cleanUp(agent: MesosAgent, options: { markGone: boolean }): Promise<void>;
}
