/**
 * The perfect-foresight lower bound on instance-hours (DESIGN §6), after the offline analysis of
 * dynamic right-sizing (Lin et al. 2011) and of when to keep an idle server (Lu & Chen 2012).
 *
 * Per second, n*(t) = max(ceil(cpu(t) / C), ceil(mem(t) / M), #tasks larger than half an agent), with
 * every task running from its arrival for its duration and demand cut at the window end W. Level k is
 * busy while n*(t) ≥ k. Each level is served by instances that know the future: one is requested `boot`
 * seconds before the level turns busy (its first launch pays the full boot, even at t = 0), stays up
 * through an idle gap no longer than the boot (paying the gap) and is terminated over a longer gap
 * (paying a fresh boot when the level turns busy again); nothing is paid after the level's last busy
 * second. Each launch is billed at least MINIMUM_BILL_SECONDS, like EC2's per-second billing.
 * This is the interpretation that reproduces the reference values of the bundled traces.
 */
import { AutoscalerError, ErrorNames } from '../shared/model/errors.js';
import { demandSteps, toMilli, windowSecondsOf, type DemandSteps } from './demand.js';
import type { Trace } from './types.js';

export { demandSeries, windowSecondsOf } from './demand.js';

/** EC2 bills Linux instances per second with a one-minute minimum per launch. */
const MINIMUM_BILL_SECONDS = 60;

export interface OracleOptions {
  agentCpus: number;
  agentMemMb: number;
  bootSeconds: number;
  /** Default: windowSecondsOf(trace). */
  windowSeconds?: number;
}

export interface OracleResult {
  windowSeconds: number;
  instanceHours: number;
  /** Peak of n*(t) over the window. */
  peakAgents: number;
  /** n*(0): the agents the demand at t = 0 needs (for a replay that starts with a warm cluster). */
  agentsAtStart: number;
  /** peakAgents held over the whole window. */
  staticPeakInstanceHours: number;
  launches: number;
}

/** n*(t) per demand step. */
function agentsNeeded(trace: Trace, options: OracleOptions, windowSeconds: number): { steps: DemandSteps; agents: number[] } {
  const { agentCpus, agentMemMb, bootSeconds } = options;
  if (!(agentCpus > 0) || !(agentMemMb > 0) || !(bootSeconds >= 0)) {
    throw new AutoscalerError(
      ErrorNames.InvalidInput,
      `oracle needs positive agent cpus and memory and a non-negative boot, got ${agentCpus} cpus, ${agentMemMb} MB, ${bootSeconds} s`,
    );
  }
  const cpuMilli = toMilli(agentCpus);
  const memMilli = toMilli(agentMemMb);
  // Two tasks larger than half an agent can never share one.
  const steps = demandSteps(
    trace,
    windowSeconds,
    (task) => 2 * toMilli(task.cpus) > cpuMilli || 2 * toMilli(task.memMb) > memMilli,
  );
  const agents = steps.starts.map((_, i) =>
    Math.max(
      Math.ceil((steps.cpuMilli[i] as number) / cpuMilli),
      Math.ceil((steps.memMilli[i] as number) / memMilli),
      steps.largeTasks[i] as number,
    ),
  );
  return { steps, agents };
}

function peakOf(agents: readonly number[]): number {
  return agents.reduce((peak, n) => Math.max(peak, n), 0);
}

/** Everything the oracle knows about a trace, in one sweep over the change points of n*(t). */
export function oracle(trace: Trace, options: OracleOptions): OracleResult {
  const windowSeconds = options.windowSeconds ?? windowSecondsOf(trace);
  const boot = options.bootSeconds;
  const { steps, agents } = agentsNeeded(trace, options, windowSeconds);
  const peakAgents = peakOf(agents);

  // Per level k (index k - 1): when its current launch was requested and when it last turned idle.
  const launchedAt = new Float64Array(peakAgents).fill(Number.NaN);
  const idleSince = new Float64Array(peakAgents);
  let billedSeconds = 0;
  let launches = 0;
  const bill = (level: number): void => {
    billedSeconds += Math.max(MINIMUM_BILL_SECONDS, (idleSince[level] as number) - (launchedAt[level] as number));
  };

  let previous = 0;
  const sweep = (t: number, now: number): void => {
    for (let level = previous; level < now; level++) {
      const launched = launchedAt[level] as number;
      if (!Number.isNaN(launched) && t - (idleSince[level] as number) <= boot) continue;
      if (!Number.isNaN(launched)) bill(level);
      launchedAt[level] = t - boot;
      launches++;
    }
    for (let level = now; level < previous; level++) idleSince[level] = t;
    previous = now;
  };
  steps.starts.forEach((t, i) => sweep(t, agents[i] as number));
  sweep(windowSeconds, 0);
  for (let level = 0; level < peakAgents; level++) bill(level);

  return {
    windowSeconds,
    instanceHours: billedSeconds / 3600,
    peakAgents,
    agentsAtStart: agents[0] as number,
    staticPeakInstanceHours: (peakAgents * windowSeconds) / 3600,
    launches,
  };
}

export function oracleInstanceHours(trace: Trace, options: OracleOptions): number {
  return oracle(trace, options).instanceHours;
}

/** The peak of n*(t) over the window: what the `static-peak` baseline keeps running. */
export function peakAgents(trace: Trace, options: OracleOptions): number {
  const windowSeconds = options.windowSeconds ?? windowSecondsOf(trace);
  return peakOf(agentsNeeded(trace, options, windowSeconds).agents);
}

export function staticPeakInstanceHours(trace: Trace, options: OracleOptions): number {
  const windowSeconds = options.windowSeconds ?? windowSecondsOf(trace);
  return (peakAgents(trace, { ...options, windowSeconds }) * windowSeconds) / 3600;
}
