import type { Signal } from '../model/plan.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { count } from './format.js';
import type { RemovalCandidates } from './removal.js';
import type { SignalVerdict } from './verdict.js';

/** The signals' joint proposal, before any constraint. */
export interface Combined {
  /** Desired capacity the signals ask for. */
  target: number;
  /** Agents the signals would remove (0 when they do not want a scale-in). */
  removable: number;
  /** Draining agents to put back into service instead of launching new ones. */
  reactivate: number;
  signals: Signal[];
  reasons: string[];
}

/**
 * The biggest scale-out any signal asks for wins; otherwise a scale-in when some signal wants one,
 * none opposes it, and every signal lets at least one candidate go.
 *
 * A scale-out is sized from the usable agents, never from the desired capacity: instances already
 * launching count towards it, so they are not requested twice.
 */
export function combineVerdicts(verdicts: readonly SignalVerdict[], snapshot: PoolSnapshot, candidates: RemovalCandidates): Combined {
  const desired = snapshot.asg.desiredCapacity;
  const usable = snapshot.agents.usable;
  const signals = verdicts.flatMap((v) => v.signals);
  const reasons = verdicts.flatMap((v) => v.reasons);

  const addAgents = Math.max(0, ...verdicts.map((v) => v.addAgents));
  const wantsScaleIn = verdicts.some((v) => v.wantsScaleIn === true) && !verdicts.some((v) => v.wantsScaleIn === false);
  const removable = addAgents > 0 || !wantsScaleIn ? 0 : Math.min(candidates.count, ...verdicts.map((v) => v.maxRemovable));

  const removableSignal: Signal = {
    name: 'scale-in.removable',
    value: removable,
    detail: `${candidates.count} of ${count(snapshot.agents.idle, 'idle agent')} removable through the group`,
  };
  // Negative: this signal asks for fewer agents.
  if (removable > 0) removableSignal.wantsAgents = -removable;
  signals.push(removableSignal);

  if (addAgents > 0) {
    // Draining agents come back first (they are running and paid for), then launching instances
    // count, and only the rest is launched.
    const reactivate = Math.min(addAgents, snapshot.drains.length);
    const launching = Math.max(0, desired - usable - snapshot.agents.draining - snapshot.asg.stuck);
    const launch = Math.max(0, addAgents - reactivate - launching);
    const target = desired + launch;
    if (reactivate > 0) reasons.push(`${count(reactivate, 'draining agent')} put back into service instead of launching`);
    if (launching > 0) {
      reasons.push(`${count(Math.min(launching, addAgents - reactivate), 'agent')} already launching counted: ${usable} usable + ${addAgents} needed`);
    }
    return { target, removable: 0, reactivate, signals, reasons };
  }
  if (wantsScaleIn) {
    for (const v of verdicts) if (v.removalLimit !== null && v.maxRemovable === removable) reasons.push(v.removalLimit);
  }
  return { target: desired - removable, removable, reactivate: 0, signals, reasons };
}
