import type { PoolConfig } from '../config/types.js';
import type { Signal } from '../model/plan.js';
import type { PoolSnapshot } from '../model/snapshot.js';
import { tasksThatFit } from './fit.js';
import { count, describeResources, percent } from './format.js';
import { ceilTolerant, floorTolerant } from './numbers.js';
import type { Requirement } from './verdict.js';

/** Extra tasks of the headroom app there must be room for: at least one while any runs. */
function headroomWanted(headroomPercent: number, running: number): number {
  if (headroomPercent <= 0 || running <= 0) return 0;
  return Math.max(1, ceilTolerant((headroomPercent * running) / 100));
}

/**
 * Headroom for the app whose tasks are hardest to place: room for headroomPercent % more of its
 * tasks, counted agent by agent on the actual free space (free space split across agents hosts
 * nothing). A shortfall asks for new agents; a surplus lets go of as many agents as could each
 * hold a full agent's worth of those tasks, so the room survives whichever agents leave.
 */
export function headroomRequirement(snapshot: PoolSnapshot, config: PoolConfig): Requirement {
  const app = snapshot.headroomApp;
  const wanted = app === null ? 0 : headroomWanted(config.headroomPercent, app.running);
  if (app === null || wanted === 0) {
    const detail = app === null ? 'no app runs on this pool' : `headroom is ${percent(config.headroomPercent)}`;
    return { source: 'headroom', agents: null, signals: [{ name: 'headroom.wanted', value: 0, detail }], reasons: [], because: detail };
  }

  const fits = app.fitsNow;
  const perNewAgent = snapshot.agentShape === null ? 0 : tasksThatFit(snapshot.agentShape, app.task);
  const label = `headroom for ${app.appId}`;
  const need = `room for ${count(wanted, 'more task')} wanted (${percent(config.headroomPercent)} of ${app.running} running), ${fits} ${fits === 1 ? 'fits' : 'fit'}`;
  const signals: Signal[] = [{ name: 'headroom.wanted', value: wanted, detail: `${app.appId} (${describeResources(app.task)}): ${need}` }];
  const usable = snapshot.agents.usable;

  if (perNewAgent === 0) {
    const why = snapshot.agentShape === null
      ? `${label}: ${need}; no usable agent to size a new one from`
      : `${label}: one task (${describeResources(app.task)}) does not fit an empty agent of this pool (${describeResources(snapshot.agentShape)})`;
    signals.push({ name: 'headroom.fits', value: fits, detail: 'none fit on a new agent' });
    return { source: 'headroom', agents: null, signals, reasons: [`${why}: not sizing the pool for it`], because: why };
  }
  const shortfall = wanted - fits;
  // Agents bigger than the usual shape can hold more than the pool has agents of it: never below none.
  const agents = shortfall > 0 ? usable + Math.ceil(shortfall / perNewAgent) : Math.max(0, usable - floorTolerant(-shortfall / perNewAgent));
  signals.push({ name: 'headroom.fits', value: fits, wantsAgents: agents, detail: `${perNewAgent} fit on a new agent` });
  const because = shortfall > 0 ? `${label}: ${count(shortfall, 'more task')} of ${app.appId} must fit` : `${label} holds`;
  const reasons = shortfall > 0 ? [`${label}: ${need}: ${count(agents - usable, 'more agent')} needed (${perNewAgent} fit on a new agent)`] : [`${label}: ${need}`];
  return { source: 'headroom', agents, signals, reasons, because };
}
