import { fileURLToPath } from 'node:url';
import { describe, expect, it, jest } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import { processInterruptionRecords } from '../../shared/interruptions/interruption-records.js';
import { interruptionDeps, scaleDeps } from '../../shared/runtime.js';
import { processScaleRecords } from '../../shared/scale/scale-records.js';
import type { SimulateOptions } from '../../sim/engine.js';
import { readTrace, sliceTrace } from '../../sim/trace.js';
import type { SimulationResult } from '../../sim/types.js';

/**
 * How many real event-loop turns the next runtime load takes. Deployed, the scale and
 * interruptions functions load their runtime with `import()` on every invocation; under the CLI
 * that goes through the module loader and takes real time, which this stands for.
 */
let loadTurns: () => number = () => 0;

async function slowly<T>(load: () => Promise<T>): Promise<T> {
  for (let n = loadTurns(); n > 0; n--) await new Promise((resolve) => setImmediate(resolve));
  return load();
}

// The deployed handlers as functions/ composes them, their runtime loaded slowly.
jest.unstable_mockModule('../../functions/scale/handler.js', () => ({
  handler: async (event: SQSEvent) => processScaleRecords(event.Records, await slowly(scaleDeps)),
}));
jest.unstable_mockModule('../../functions/interruptions/handler.js', () => ({
  handler: async (event: SQSEvent) => processInterruptionRecords(event.Records, await slowly(interruptionDeps)),
}));
// Imported once the mocks are in place (the CLI module loads the engine too).
const { simulate } = await import('../../sim/engine.js');
const { parseCli } = await import('../../sim/cli.js');

const repoFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** Quick to scale in, many drains at once: executions in their drain loops overlap the next ticks. */
const DRAIN_HEAVY = {
  'cpus-lower-percent': '75', 'cpus-upper-percent': '90', 'mem-lower-percent': '75', 'mem-upper-percent': '90',
  'scale-in-stabilisation-seconds': '180', 'cooldown-down-seconds': '0', 'max-step-down': '20', 'max-draining': '20', 'max-step-up': '100',
};

/** Three busy hours of the World Cup week, with the CLI's defaults, the deployed hook and a few faults. */
function options(): SimulateOptions {
  const cli = parseCli(['--trace', 'unused.csv', '--faults', '0.02', '--seed', '1']);
  return {
    trace: sliceTrace(readTrace(repoFile('sim/traces/worldcup98_web_7d.csv')), 15 * 3600, 3 * 3600, 'worldcup98_web_3h'),
    policy: 'autoscaler',
    intervalSeconds: cli.intervalSeconds,
    config: DRAIN_HEAVY,
    settings: {
      agentCpus: cli.agentCpus, agentMemMb: cli.agentMemMb, bootSeconds: cli.bootSeconds, placement: cli.placement, seed: cli.seed,
      faults: cli.faults, minSize: cli.minAgents, maxSize: cli.maxAgents, pool: 'sim', asgName: 'sim-agents',
    },
  };
}

/** A replay in which every other runtime load takes `slowTurns` real turns, the rest none. */
async function replay(slowTurns: number): Promise<Omit<SimulationResult, 'wallSeconds'>> {
  let loads = 0;
  loadTurns = () => (loads++ % 2 === 0 ? slowTurns : 0);
  const { wallSeconds: _, ...result } = (await simulate(options())).result;
  return result;
}

describe('a replay with the lifecycle hook and many drains', () => {
  it('gives the same result however long, in real time, the functions take to load their runtime', async () => {
    const prompt = await replay(0);
    expect(prompt.lifecycleHookSeconds).toBe(300);
    expect(prompt.lifecycleActionsStarted).toBeGreaterThan(5);
    expect(prompt.drainsStarted).toBeGreaterThan(10);
    // A slow load lets another execution of the same instant overtake this one, if two run at once.
    expect(await replay(10)).toEqual(prompt);
  }, 60_000);
});
