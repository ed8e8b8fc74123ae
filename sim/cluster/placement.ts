import type { Random } from '../random.js';
import type { Placement } from '../types.js';
import { fits, takesTasks, type SimAgent } from './model.js';

/** The larger of the agent's cpu and memory shares in use. */
function allocation(agent: SimAgent): number {
  return Math.max(agent.usedCpus / agent.cpus, agent.usedMemMb / agent.memMb);
}

/**
 * Which agent a task lands on, among agents that take tasks and have room:
 * - `random`: the Mesos allocator shuffles agents every cycle and the framework takes the first
 *   offer that fits, so every agent that fits is equally likely;
 * - `spread`: the least allocated agent; `binpack`: the most allocated one.
 * Ties go to the candidate listed first (agents are listed in registration order).
 */
export class AgentChooser {
  private readonly fitting: SimAgent[] = [];

  constructor(
    private readonly placement: Placement,
    private readonly random: Random,
  ) {}

  choose(candidates: readonly SimAgent[], cpus: number, memMb: number): SimAgent | null {
    if (this.placement === 'random') return this.chooseRandom(candidates, cpus, memMb);
    const sign = this.placement === 'spread' ? 1 : -1;
    let best: SimAgent | null = null;
    let bestScore = Infinity;
    for (const agent of candidates) {
      if (!takesTasks(agent) || !fits(agent, cpus, memMb)) continue;
      const score = sign * allocation(agent);
      if (score < bestScore) {
        best = agent;
        bestScore = score;
      }
    }
    return best;
  }

  private chooseRandom(candidates: readonly SimAgent[], cpus: number, memMb: number): SimAgent | null {
    const fitting = this.fitting;
    fitting.length = 0;
    for (const agent of candidates) if (takesTasks(agent) && fits(agent, cpus, memMb)) fitting.push(agent);
    if (fitting.length <= 1) return fitting[0] ?? null;
    return fitting[this.random.int(fitting.length)]!;
  }
}
