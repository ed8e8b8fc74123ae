/**
 * The demand an infinitely elastic cluster would serve: every task running from its arrival for its
 * duration, with zero waiting (DESIGN §6). Built once as a step function over the change points, so the
 * oracle and the charts cost O(tasks log tasks + window / step) instead of a pass per second.
 */
import { AutoscalerError, ErrorNames } from '../shared/model/errors.js';
import type { Trace, TraceTask } from './types.js';

const SECONDS_PER_HOUR = 3600;

/**
 * Resources are summed in thousandths, as Mesos keeps scalars in fixed point with three decimals, so
 * sums like 0.1 + 0.2 stay exact and ceil(cpus / agent cpus) never rounds up on floating error.
 */
export function toMilli(value: number): number {
  return Math.round(value * 1000);
}

/** W: the smallest whole hour strictly after the last arrival, so every arrival lies in [0, W). */
export function windowSecondsOf(trace: Trace): number {
  const last = trace.tasks.at(-1);
  return last === undefined ? 0 : (Math.floor(last.t / SECONDS_PER_HOUR) + 1) * SECONDS_PER_HOUR;
}

/**
 * Demand as a step function on [0, W): step i holds from `starts[i]` until `starts[i + 1]` (the last
 * until W). `starts[0]` is 0. Tasks arriving at or after W are left out; tasks running past W are cut at W.
 */
export interface DemandSteps {
  windowSeconds: number;
  starts: number[];
  cpuMilli: number[];
  memMilli: number[];
  /** Running tasks for which `isLarge` holds. */
  largeTasks: number[];
}

export function demandSteps(trace: Trace, windowSeconds: number, isLarge: (task: TraceTask) => boolean = () => false): DemandSteps {
  if (!(windowSeconds > 0)) throw new AutoscalerError(ErrorNames.InvalidInput, `window must be positive, got ${windowSeconds} s`);
  const times: number[] = [];
  const cpu: number[] = [];
  const mem: number[] = [];
  const large: number[] = [];
  const addEvent = (t: number, sign: 1 | -1, task: TraceTask, taskIsLarge: number): void => {
    times.push(t);
    cpu.push(sign * toMilli(task.cpus));
    mem.push(sign * toMilli(task.memMb));
    large.push(sign * taskIsLarge);
  };
  for (const task of trace.tasks) {
    if (task.t >= windowSeconds) continue;
    const taskIsLarge = isLarge(task) ? 1 : 0;
    addEvent(task.t, 1, task, taskIsLarge);
    const end = task.t + task.duration;
    if (end < windowSeconds) addEvent(end, -1, task, taskIsLarge);
  }
  const order = Array.from(times.keys()).sort((a, b) => (times[a] as number) - (times[b] as number));

  const steps: DemandSteps = { windowSeconds, starts: [0], cpuMilli: [0], memMilli: [0], largeTasks: [0] };
  let cpuNow = 0;
  let memNow = 0;
  let largeNow = 0;
  for (let i = 0; i < order.length; ) {
    const t = times[order[i] as number] as number;
    for (; i < order.length && times[order[i] as number] === t; i++) {
      const e = order[i] as number;
      cpuNow += cpu[e] as number;
      memNow += mem[e] as number;
      largeNow += large[e] as number;
    }
    const last = steps.starts.length - 1;
    if (steps.starts[last] === t) {
      steps.cpuMilli[last] = cpuNow;
      steps.memMilli[last] = memNow;
      steps.largeTasks[last] = largeNow;
    } else {
      steps.starts.push(t);
      steps.cpuMilli.push(cpuNow);
      steps.memMilli.push(memNow);
      steps.largeTasks.push(largeNow);
    }
  }
  return steps;
}

/**
 * Demanded cpus per bucket (default one minute) over [0, W), for the report's charts: element i is the
 * time-weighted mean over [i × step, (i + 1) × step), the last bucket cut at W.
 */
export function demandSeries(trace: Trace, options: { windowSeconds?: number; stepSeconds?: number } = {}): number[] {
  const windowSeconds = options.windowSeconds ?? windowSecondsOf(trace);
  const stepSeconds = options.stepSeconds ?? 60;
  if (!(stepSeconds > 0)) throw new AutoscalerError(ErrorNames.InvalidInput, `chart step must be positive, got ${stepSeconds} s`);
  const steps = demandSteps(trace, windowSeconds);
  const means: number[] = [];
  let s = 0;
  for (let from = 0; from < windowSeconds; from += stepSeconds) {
    const to = Math.min(from + stepSeconds, windowSeconds);
    // Skip steps that end before this bucket; the step holding at `from` is then steps[s].
    while (s + 1 < steps.starts.length && (steps.starts[s + 1] as number) <= from) s++;
    let area = 0;
    for (let j = s; j < steps.starts.length && (steps.starts[j] as number) < to; j++) {
      const start = Math.max(steps.starts[j] as number, from);
      const end = Math.min(steps.starts[j + 1] ?? windowSeconds, to);
      area += (steps.cpuMilli[j] as number) * (end - start);
    }
    means.push(area / (to - from) / 1000);
  }
  return means;
}
