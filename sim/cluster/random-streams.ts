import { createRandom, type Random } from '../random.js';

/** Every use of randomness in the cluster, each with its own generator. */
export type StreamName = 'placement' | 'termination' | 'api-faults' | 'mesos-faults' | 'failovers' | 'boot-faults' | 'spot-interruptions' | 'rebalance-recommendations';

/**
 * An independent generator per stream, all derived from one seed: injecting faults (or calling the
 * Mesos API more often) never shifts the placement draws, and vice versa.
 */
export function randomStream(seed: number, name: StreamName): Random {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  h ^= Math.imul(Math.trunc(seed) | 0, 0x9e3779b1);
  // murmur3's finaliser: nearby seeds give unrelated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return createRandom(h >>> 0);
}
