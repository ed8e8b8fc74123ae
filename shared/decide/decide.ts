/**
 * The scaling decision for one pool: a pure function of (snapshot, config, memory, now).
 *
 *   signals  →  combine  →  constraints  →  plan
 *
 * 1. Signals (utilisation.ts, pending.ts, headroom.ts) each read the snapshot and return a
 *    Requirement: the usable agents they need, with their reasons. A new signal is a function with
 *    the same shape, added to SIGNALS. The trend (trend.ts) then projects the recorded demand.
 * 2. combine.ts takes the largest requirement: above the usable agents, capacity launching counts
 *    first, then draining agents come back, then the rest is launched; below them, the surplus is
 *    proposed for removal (drained: it takes no new work and leaves once empty). From there on the
 *    target is in the group's own unit: capacity units when its instances carry weights
 *    (capacity-units.ts says how agents become units).
 * 3. constraints.ts then runs a fixed pipeline (scale-in safety, stabilisation over the recorded
 *    requirements, cooldowns, max step, [min, max], paused); each constraint that changes the target
 *    says why and is named in boundBy.
 *
 * Dry-run never changes the decision, only the plan's dryRun flag (the state machine does not act).
 */
import { groupsLabel } from '../model/pool-groups.js';
import type { PoolMemory, RequirementRecord } from '../aws/ports.js';
import type { PoolConfig } from '../config/types.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { Plan, PlanAction, Signal } from '../model/plan.js';
import type { DrainSummary, PoolSnapshot } from '../model/snapshot.js';
import { drainsInGroup, removableUnits, unitCount, weightOf } from './capacity-units.js';
import { combineRequirements, launchingOf, reactivationOrder, requiredOf } from './combine.js';
import { applyConstraints, capacityInFlight, cooldownsOf } from './constraints.js';
import { isoUtc } from './format.js';
import { headroomRequirement } from './headroom.js';
import { pendingRequirement } from './pending.js';
import { trendRequirement } from './trend.js';
import { demandInAgents, utilisationRequirement } from './utilisation.js';
import type { Requirement } from './verdict.js';

export interface DecideInput {
  snapshot: PoolSnapshot;
  config: PoolConfig;
  /** What the previous runs remembered; null when unknown (the stabilisation window then starts now). */
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

type SignalSource = (snapshot: PoolSnapshot, config: PoolConfig) => Requirement;

const SIGNALS: readonly SignalSource[] = [pendingRequirement, utilisationRequirement, headroomRequirement];

/**
 * The record of requirements with this run's added, trimmed to the stabilisation window. A gap
 * longer than the window (no run recorded) breaks it: the window starts again. Data that cannot be
 * trusted is not recorded and breaks it too.
 */
function nextMemory(memory: PoolMemory | null, record: RequirementRecord | null, windowSeconds: number, now: number): PoolMemory {
  if (record === null) return { since: null, recent: [] };
  const window = windowSeconds * 1000;
  const recent = (memory?.recent ?? []).filter((r) => r.at <= now && now - r.at <= window);
  const since = memory?.since ?? null;
  return { since: since !== null && recent.length > 0 ? Math.min(since, now) : now, recent: [...recent, record] };
}

function remainingSeconds(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** Facts that gate the decision rather than size it, shown next to the signals. */
function contextSignals(snapshot: PoolSnapshot, config: PoolConfig, now: number, since: number | null): Signal[] {
  const { asg } = snapshot;
  const cooldowns = cooldownsOf(asg, config);
  const upUntil = cooldowns.up?.until ?? null;
  const downUntil = cooldowns.down?.until ?? null;
  return [
    {
      name: 'in-flight',
      value: launchingOf(snapshot),
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
      name: 'requirements.recorded-for-seconds',
      value: since === null ? null : Math.floor((now - since) / 1000),
      detail: `stabilisation window ${config.scaleInStabilisationSeconds} s`,
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

function headline(snapshot: PoolSnapshot, action: PlanAction, from: number, to: number): string {
  if (action === 'none') return `no change: desired capacity stays at ${from}`;
  return `${action === 'scale-out' ? 'scale out' : 'scale in'} from ${from} to ${unitCount(snapshot, to)}`;
}

/**
 * The drains a scale-in of `units` re-adopts, as chooseVictims does: oldest first, each while its
 * weight fits in what is left to remove.
 */
function adoptedBy(drains: readonly DrainSummary[], units: number): Set<DrainSummary> {
  const adopted = new Set<DrainSummary>();
  let left = units;
  for (const d of drains) {
    if (weightOf(d) > left) continue;
    adopted.add(d);
    left -= weightOf(d);
  }
  return adopted;
}

/**
 * Draining agents to put back into service: those the scale-out wants back (in reactivationOrder),
 * and otherwise every left-behind drain
 * whose instance has left the group (only its record and Mesos state are left to clean) or that is
 * past its deadline and not adopted by a scale-in (the oldest are adopted first). A paused pool
 * keeps everything as it is.
 */
function drainsToReactivate(snapshot: PoolSnapshot, config: PoolConfig, reactivate: number, target: number, now: number): string[] {
  if (config.paused) return [];
  if (reactivate > 0) return reactivationOrder(snapshot).slice(0, reactivate).map((d) => d.agentId);
  const gone = snapshot.drains.filter((d) => d.inGroup === false && !d.owned).map((d) => d.agentId);
  // Left-behind drains wait for a scale-in to adopt them until their deadline, then go back.
  const orphans = drainsInGroup(snapshot).filter((d) => !d.owned).sort((a, b) => a.startedAt - b.startedAt);
  const adopted = adoptedBy(orphans, Math.max(0, snapshot.asg.desiredCapacity - target));
  return [...gone, ...orphans.filter((d) => !adopted.has(d) && now >= d.deadline).map((d) => d.agentId)];
}

export function decide(input: DecideInput): Decision {
  const { snapshot, config, memory, now, executionId } = input;
  const groups = groupsLabel(config.asgNames);
  if (snapshot.pool !== config.name || snapshot.asg.name !== groups) {
    throw new AutoscalerError(
      ErrorNames.InvalidInput,
      `snapshot of pool ${snapshot.pool} (group ${snapshot.asg.name}) does not match config of pool ${config.name} (group ${groups})`,
    );
  }
  const from = snapshot.asg.desiredCapacity;

  const requirements = SIGNALS.map((signal) => signal(snapshot, config));
  const trusted = snapshot.distrust.length === 0;
  // The record keeps what the signals require now (the trend's projection is not recorded, so the
  // stabilisation window holds only what was measured) and the demand the trend compares against.
  const demand = demandInAgents(snapshot, config);
  const record = { at: now, agents: requiredOf(requirements, snapshot), ...(demand === null ? {} : { demand }) };
  const memoryNext = nextMemory(memory, trusted ? record : null, config.scaleInStabilisationSeconds, now);
  const trend = trendRequirement(demand, memoryNext.recent, config, now);
  const combined = combineRequirements([...requirements, trend], snapshot, removableUnits(snapshot, config));

  const constrained = applyConstraints(
    { target: combined.target, boundBy: null, reasons: [] },
    { snapshot, config, now, history: memoryNext.recent, historySince: memoryNext.since },
  );
  const action = actionOf(from, constrained.target);
  const reactivate = drainsToReactivate(snapshot, config, combined.reactivate, constrained.target, now);

  const plan: Plan = {
    pool: config.name,
    asgNames: config.asgNames,
    action,
    fromDesired: from,
    ...(snapshot.units === undefined ? {} : { weighted: true }),
    targetDesired: constrained.target,
    because: [
      combined.decidedBy?.because ?? 'no signal has an opinion',
      ...(constrained.boundBy === null ? [] : constrained.reasons.slice(-1)),
    ].join('; '),
    reasons: [
      headline(snapshot, action, from, constrained.target),
      ...(reactivate.length > 0 && combined.reactivate === 0 ? [`${reactivate.length} drain(s) left behind (by a failed run or an interruption) ended: put back into service at their deadline, or cleaned up once their instance left the group`] : []),
      ...(config.dryRun ? ['dry run: the plan is only shown, the group is not changed'] : []),
      ...constrained.reasons,
      ...combined.reasons,
    ],
    signals: [...combined.signals, ...contextSignals(snapshot, config, now, memoryNext.since)],
    boundBy: constrained.boundBy,
    dryRun: config.dryRun,
    computedAt: now,
    executionId,
    reactivate,
    drain: config.drain,
  };
  return { plan, memory: memoryNext };
}
