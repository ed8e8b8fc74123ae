import type { PoolConfig } from '../config/types.js';
import type { Signal } from '../model/plan.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { tasksThatFit } from './fit.js';
import { count, describeResources, percent } from './format.js';
import { ceilTolerant } from './numbers.js';
import { largestAllowed, type RemovalCandidates } from './removal.js';
import type { SignalVerdict } from './verdict.js';

/** Extra tasks of the headroom app there must be room for: at least one while any runs. */
function headroomWanted(headroomPercent: number, running: number): number {
  if (headroomPercent <= 0 || running <= 0) return 0;
  return Math.max(1, ceilTolerant((headroomPercent * running) / 100));
}

/**
 * Headroom for the app whose tasks are hardest to place: room for headroomPercent % more of its
 * tasks, counted agent by agent (free space split across agents does not host a task). A shortfall
 * asks for agents of the usual shape; a scale-in may only take idle agents whose room is not needed.
 */
export function headroomVerdict(snapshot: PoolSnapshot, config: PoolConfig, candidates: RemovalCandidates): SignalVerdict {
  const app = snapshot.headroomApp;
  const wanted = app === null ? 0 : headroomWanted(config.headroomPercent, app.running);
  if (app === null || wanted === 0) {
    const detail = app === null ? 'no app runs on this pool' : `headroom is ${percent(config.headroomPercent)}`;
    return {
      signals: [{ name: 'headroom.wanted', value: 0, detail }],
      reasons: [],
      addAgents: 0,
      wantsScaleIn: null,
      maxRemovable: candidates.count,
      removalLimit: null,
    };
  }

  const fits = app.fitsNow;
  const shortfall = Math.max(0, wanted - fits);
  const perNewAgent = snapshot.agentShape === null ? 0 : tasksThatFit(snapshot.agentShape, app.task);
  const addAgents = shortfall > 0 && perNewAgent > 0 ? Math.ceil(shortfall / perNewAgent) : 0;
  const label = `headroom for ${app.appId}`;
  const need = `room for ${count(wanted, 'more task')} wanted (${percent(config.headroomPercent)} of ${app.running} running), ${fits} ${fits === 1 ? 'fits' : 'fit'}`;

  const reasons: string[] = [];
  if (shortfall > 0) {
    if (snapshot.agentShape === null) {
      reasons.push(`${label}: ${need}; no usable agent to size a new one from: not scaling for it`);
    } else if (perNewAgent === 0) {
      reasons.push(
        `${label}: one task (${describeResources(app.task)}) does not fit an empty agent of this pool (${describeResources(snapshot.agentShape)}): not scaling for it`,
      );
    } else {
      reasons.push(`${label}: ${need}: ${count(addAgents, 'more agent')} needed (${perNewAgent} fit on a new agent)`);
    }
  }

  // Agents that host none of its tasks can always go; others only while the headroom holds.
  const allowed = (k: number) => candidates.headroomLost(k) === 0 || fits - candidates.headroomLost(k) >= wanted;
  const maxRemovable = largestAllowed(candidates.count, allowed);
  const removalLimit =
    maxRemovable < candidates.count
      ? `${label}: removing ${count(maxRemovable + 1, 'idle agent')} would leave room for ${count(Math.max(0, fits - candidates.headroomLost(maxRemovable + 1)), 'more task')}, ${wanted} wanted`
      : null;

  const fitsSignal: Signal = { name: 'headroom.fits', value: fits, detail: `${perNewAgent} fit on a new agent` };
  if (addAgents > 0) fitsSignal.wantsAgents = addAgents;
  return {
    signals: [
      { name: 'headroom.wanted', value: wanted, detail: `${app.appId} (${describeResources(app.task)}): ${need}` },
      fitsSignal,
    ],
    reasons,
    addAgents,
    wantsScaleIn: null,
    maxRemovable,
    removalLimit,
  };
}
