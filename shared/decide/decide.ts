/**
 * The scaling decision for one pool: a pure function of (snapshot, config, memory, now).
 *
 *   signals  →  combine  →  constraints  →  plan
 *
 * 1. Signals (utilisation.ts, headroom.ts) each read the snapshot and return a SignalVerdict: the
 *    agents they want added, whether they want the pool smaller, how many idle agents they let go,
 *    and their reasons. A new signal is a function with the same shape, added to SIGNALS.
 * 2. combine.ts merges the verdicts: the largest scale-out wins (sized from the usable agents so
 *    capacity already launching is not asked for twice); otherwise a scale-in when every signal
 *    agrees, removing no more idle agents than the strictest signal allows.
 * 3. constraints.ts then runs a fixed pipeline (scale-in safety, stabilisation, cooldowns, max step,
 *    [min, max], paused); each constraint that changes the target says why and is named in boundBy.
 *
 * Dry-run never changes the decision, only the plan's dryRun flag (the state machine does not act).
 */
import type { PoolMemory } from '../aws/ports.js';
import type { PoolConfig } from '../config/types.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { Plan, PlanAction, Signal } from '../model/plan.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { combineVerdicts } from './combine.js';
import { applyConstraints, capacityInFlight, cooldownsOf } from './constraints.js';
import { isoUtc } from './format.js';
import { headroomVerdict } from './headroom.js';
import { removalCandidates, type RemovalCandidates } from './removal.js';
import { utilisationVerdict } from './utilisation.js';
import type { SignalVerdict } from './verdict.js';

export interface DecideInput {
  snapshot: PoolSnapshot;
  config: PoolConfig;
  /** What the previous run remembered; null when unknown (stabilisation then starts now). */
  memory: PoolMemory | null;
  /** Epoch ms. */
  now: number;
  /** The execution deciding: it will own the drains the plan starts. */
  executionId: string;
}

export interface Decision {
  plan: Plan;
  /** To remember for the next run. */
  memory: PoolMemory;
}

type SignalSource = (snapshot: PoolSnapshot, config: PoolConfig, candidates: RemovalCandidates) => SignalVerdict;

const SIGNALS: readonly SignalSource[] = [utilisationVerdict, headroomVerdict];

function remainingSeconds(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** Facts that gate the decision rather than size it, shown next to the signals. */
function contextSignals(snapshot: PoolSnapshot, config: PoolConfig, now: number, wantedSince: number | null): Signal[] {
  const { asg } = snapshot;
  const cooldowns = cooldownsOf(asg, config);
  const upUntil = cooldowns.up?.until ?? null;
  const downUntil = cooldowns.down?.until ?? null;
  return [
    {
      name: 'in-flight',
      value: Math.max(0, asg.desiredCapacity - snapshot.agents.usable),
      detail: `${capacityInFlight(snapshot) ?? 'none'}; ${asg.unregistered} in service but not registered in Mesos`,
    },
    { name: 'activity-in-progress', value: asg.activityInProgress },
    {
      name: 'cooldown.scale-out.remaining-seconds',
      value: upUntil === null ? 0 : remainingSeconds(upUntil, now),
      detail: upUntil === null ? 'no scale-out in the history' : `until ${isoUtc(upUntil)}`,
    },
    {
      name: 'cooldown.scale-in.remaining-seconds',
      value: downUntil === null ? 0 : remainingSeconds(downUntil, now),
      detail: downUntil === null ? 'no scaling in the history' : `until ${isoUtc(downUntil)}`,
    },
    {
      name: 'scale-in.wanted-for-seconds',
      value: wantedSince === null ? null : Math.floor((now - wantedSince) / 1000),
      detail: `stabilisation ${config.scaleInStabilisationSeconds} s`,
    },
    {
      name: 'data-trusted',
      value: snapshot.distrust.length === 0,
      detail: snapshot.distrust.length === 0 ? 'yes' : snapshot.distrust.join('; '),
    },
  ];
}

function actionOf(from: number, to: number): PlanAction {
  return to > from ? 'scale-out' : to < from ? 'scale-in' : 'none';
}

function headline(action: PlanAction, from: number, to: number): string {
  if (action === 'none') return `no change: desired capacity stays at ${from}`;
  return `${action === 'scale-out' ? 'scale out' : 'scale in'} from ${from} to ${to} agents`;
}

/**
 * Draining agents to put back into service: those the scale-out wants back (drains left behind by a
 * failed execution first, then the most recently started), and otherwise every left-behind drain
 * past its deadline that a scale-in does not adopt (the oldest are adopted first). A paused pool
 * keeps everything as it is.
 */
function drainsToReactivate(snapshot: PoolSnapshot, config: PoolConfig, reactivate: number, target: number, now: number): string[] {
  if (config.paused) return [];
  const ordered = [...snapshot.drains].sort((a, b) => Number(a.owned) - Number(b.owned) || b.startedAt - a.startedAt);
  if (reactivate > 0) return ordered.slice(0, reactivate).map((d) => d.agentId);
  // Left-behind drains wait for a scale-in to adopt them until their deadline, then go back.
  const orphans = ordered.filter((d) => !d.owned).sort((a, b) => a.startedAt - b.startedAt);
  const adopted = Math.max(0, snapshot.asg.desiredCapacity - target);
  return orphans.slice(adopted).filter((d) => now >= d.deadline).map((d) => d.agentId);
}

export function decide(input: DecideInput): Decision {
  const { snapshot, config, memory, now, executionId } = input;
  if (snapshot.pool !== config.name || snapshot.asg.name !== config.asgName) {
    throw new AutoscalerError(
      ErrorNames.InvalidInput,
      `snapshot of pool ${snapshot.pool} (group ${snapshot.asg.name}) does not match config of pool ${config.name} (group ${config.asgName})`,
    );
  }
  const from = snapshot.asg.desiredCapacity;

  const candidates = removalCandidates(snapshot, config);
  const combined = combineVerdicts(
    SIGNALS.map((signal) => signal(snapshot, config, candidates)),
    snapshot,
    candidates,
  );

  // Data that cannot be trusted cannot show that scale-in was wanted: the window restarts.
  const previous = memory?.scaleInWantedSince ?? null;
  const wantedSince =
    combined.removable > 0 && snapshot.distrust.length === 0 ? Math.min(previous ?? now, now) : null;

  const constrained = applyConstraints(
    { target: combined.target, boundBy: null, reasons: [] },
    { snapshot, config, now, scaleInWantedSince: wantedSince },
  );
  const action = actionOf(from, constrained.target);
  const reactivate = drainsToReactivate(snapshot, config, combined.reactivate, constrained.target, now);

  const plan: Plan = {
    pool: config.name,
    asgName: config.asgName,
    action,
    fromDesired: from,
    targetDesired: constrained.target,
    reasons: [
      headline(action, from, constrained.target),
      ...(reactivate.length > 0 && combined.reactivate === 0 ? [`${reactivate.length} drain(s) left behind (by a failed run or an interruption) put back into service at their deadline`] : []),
      ...(config.dryRun ? ['dry run: the plan is only shown, the group is not changed'] : []),
      ...constrained.reasons,
      ...combined.reasons,
    ],
    signals: [...combined.signals, ...contextSignals(snapshot, config, now, wantedSince)],
    boundBy: constrained.boundBy,
    dryRun: config.dryRun,
    computedAt: now,
    executionId,
    reactivate,
    drain: config.drain,
  };
  return { plan, memory: { scaleInWantedSince: wantedSince } };
}
