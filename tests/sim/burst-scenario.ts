import type { SimulateOptions } from '../../sim/engine.js';
import type { SimSettings, SimulationResult, Trace, TraceTask } from '../../sim/types.js';

/** Long services on a few agents, a burst of batch work, then a quiet end: scale-out, then scale-in. */
export function burstTrace(): Trace {
  const tasks: TraceTask[] = [];
  for (let i = 0; i < 8; i++) tasks.push({ t: 0, id: `base-${i}`, app: 'web', cpus: 2, memMb: 4096, duration: 4 * 3600, kind: 'service' });
  for (let i = 0; i < 40; i++) tasks.push({ t: 1800 + i * 30, id: `burst-${i}`, app: 'etl', cpus: 2, memMb: 2048, duration: 1800, kind: 'batch' });
  return { name: 'burst', tasks };
}

export interface BurstVariant extends Omit<Partial<SimulateOptions>, 'settings'> {
  /** Each instance's WeightedCapacity; the agents are this many times as big, the bound this many times as high. */
  weight?: number;
  settings?: Partial<SimulateOptions['settings']>;
}

/**
 * The autoscaler on the burst for four hours, a tick a minute: agents of 8 cpus / 30000 MB (times
 * the weight), at most 50 agents' worth of units, random placement, seed 7, no faults.
 */
export function burstOptions({ weight = 1, settings = {}, ...extra }: BurstVariant = {}): SimulateOptions {
  const pool: Omit<SimSettings, 'initialAgents'> = {
    agentCpus: 8 * weight, agentMemMb: 30000 * weight, bootSeconds: 120, placement: 'random', seed: 7, faults: 0,
    minSize: 0, maxSize: 50 * weight, pool: 'sim', asgName: 'sim-agents', instanceWeight: weight,
  };
  return {
    trace: burstTrace(),
    policy: 'autoscaler',
    intervalSeconds: 60,
    windowSeconds: 4 * 3600,
    settings: { ...pool, ...settings },
    config: { 'scale-in-stabilisation-seconds': '300' },
    ...extra,
  };
}

/** A result without its real time, the one field two identical replays may differ in. */
export const withoutWall = ({ wallSeconds: _, ...rest }: SimulationResult) => rest;
