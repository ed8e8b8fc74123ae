import { count } from '../decide/format.js';
import type { ExecutionSummary, PoolOutcome, SummaryInput } from '../model/workflow.js';

const agents = (n: number) => count(n, 'agent');

/** The group's unit: agents, or capacity units when its instances carry weights (the plan says so). */
function unitOf(outcome: PoolOutcome): (n: number) => string {
  return outcome.plan?.weighted ? (n) => count(n, 'capacity unit') : agents;
}

/** The plan's short explanation when it has one (the full reasons stay in the details). */
function why(outcome: PoolOutcome): string {
  if (outcome.plan?.because) return `: ${outcome.plan.because}`;
  const reasons = outcome.plan?.reasons ?? [];
  return reasons.length > 0 ? `: ${reasons.join('; ')}` : '';
}

/** One sentence that a person reads in the console. */
export function describeOutcome(o: PoolOutcome): string {
  const plan = o.plan;
  const from = plan?.fromDesired;
  const capacity = unitOf(o);
  switch (o.status) {
    case 'scaled': {
      const before = o.action?.before ?? from ?? 0;
      const after = o.drains?.desired ?? o.action?.after ?? plan?.targetDesired ?? before;
      const drained = o.action && o.action.drains.length > 0 ? ` (drained ${agents(o.action.drains.length)} before removing ${o.action.drains.length === 1 ? 'it' : 'them'}: ${o.drains?.detail ?? 'not checked'})` : '';
      const settled = o.settle ? ` (${o.settle.detail})` : drained;
      const detail = o.action && o.action.after !== plan?.targetDesired ? ` [${o.action.detail}]` : '';
      return `pool ${o.pool}: ${before} → ${capacity(after)}${settled}${detail}${why(o)}`;
    }
    case 'unchanged':
      return `pool ${o.pool}: ${capacity(from ?? 0)}, unchanged${why(o)}`;
    case 'dry-run':
      return `pool ${o.pool}: dry run, would ${plan?.action ?? 'do nothing'} ${from} → ${capacity(plan?.targetDesired ?? 0)}${why(o)}`;
    case 'paused':
      return `pool ${o.pool}: paused, ${capacity(from ?? 0)} left as they are`;
    case 'stale-plan':
      return `pool ${o.pool}: plan dropped because the Auto Scaling group changed since it was computed (${o.error?.message ?? ''}); the next run re-plans`;
    case 'unsettled': {
      const what = o.settle?.detail ?? o.error?.message ?? 'unknown';
      return `pool ${o.pool}: ${o.action?.before ?? from} → ${capacity(o.action?.after ?? 0)} requested, not settled: ${what}`;
    }
    case 'failed':
      return `pool ${o.pool}: FAILED, left as it is: ${o.error ? `${o.error.name}: ${o.error.message}` : 'unknown error'}`;
  }
}

/** The execution's output: a headline, a sentence per pool, and the details behind them. */
export function summarise(input: SummaryInput): ExecutionSummary {
  const lines = input.outcomes.map(describeOutcome);
  for (const p of input.problems) lines.push(`configuration: ${p.message}`);
  const failedPools = input.outcomes.filter((o) => o.status === 'failed').length;
  const failures = failedPools + input.problems.length;
  const counts = new Map<string, number>();
  for (const o of input.outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  const tally = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  const poolWord = input.outcomes.length === 1 ? 'pool' : 'pools';
  const problems = input.problems.length > 0 ? `; ${input.problems.length} configuration problem(s) leave every pool untouched` : '';
  const mesos = input.mesos.error ? `; Mesos unavailable: ${input.mesos.error.message}` : '';
  const headline = `${input.outcomes.length} ${poolWord}${tally ? `: ${tally}` : ''}${problems}${mesos}`;
  return {
    headline,
    lines,
    failures,
    pools: input.outcomes.map((o) => ({
      pool: o.pool,
      status: o.status,
      before: o.action?.before ?? o.plan?.fromDesired ?? null,
      after: o.drains?.desired ?? o.action?.after ?? (o.status === 'unchanged' || o.status === 'paused' ? (o.plan?.fromDesired ?? null) : null),
      action: o.plan?.action ?? 'none',
      reasons: o.plan?.reasons ?? [],
      signals: o.plan?.signals ?? [],
      error: o.error,
    })),
    problems: input.problems,
  };
}
