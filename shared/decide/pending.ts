import type { MarathonQueueItem } from '../model/cluster.js';
import { addResources, resources, subtractResources, type ResourceName, type Resources } from '../model/resources.js';
import type { Signal } from '../model/plan.js';
import type { PendingDemand, PoolSnapshot } from '../model/snapshot.js';
import { dominantShare, needsResources, tasksThatFit } from './fit.js';
import { count } from './format.js';
import type { Requirement } from './verdict.js';

/** Apps named in the snapshot's pending demand: enough to explain, small enough for the payload. */
const LISTED_APPS = 5;

/** Which pool a queued launch is for, from its constraint on the pool attribute. */
export type PoolMatch = { kind: 'pool'; pools: (pool: string) => boolean } | { kind: 'any' };

/** The pattern matched against a whole value; null when it is not a valid regular expression. */
function fullMatcher(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return null;
  }
}

/**
 * The pools a queued app may land on, from its constraints on the pool attribute (`LIKE` and
 * `UNLIKE` take a regular expression matched against the whole value, `IS` and `CLUSTER` a value).
 * No such constraint: any pool.
 */
export function poolMatchOf(constraints: ReadonlyArray<ReadonlyArray<string>>, poolAttribute: string): PoolMatch {
  const tests: Array<(pool: string) => boolean> = [];
  for (const [field, operator, value] of constraints) {
    if (field !== poolAttribute || operator === undefined) continue;
    const op = operator.toUpperCase();
    if ((op === 'LIKE' || op === 'UNLIKE') && value !== undefined) {
      const re = fullMatcher(value);
      // A pattern we cannot read (Java syntax JavaScript lacks): the item is for no pool, LIKE or UNLIKE.
      if (re === null) tests.push(() => false);
      else tests.push(op === 'LIKE' ? (pool) => re.test(pool) : (pool) => !re.test(pool));
    } else if ((op === 'IS' || op === 'CLUSTER') && value !== undefined) {
      tests.push((pool) => pool === value);
    }
  }
  return tests.length === 0 ? { kind: 'any' } : { kind: 'pool', pools: (pool) => tests.every((t) => t(pool)) };
}

interface Bin {
  free: Resources;
}

/** Places up to `count` copies of `task` first-fit into `bins`; returns how many were placed. */
function placeFirstFit(bins: Bin[], task: Resources, count: number): number {
  let placed = 0;
  for (const bin of bins) {
    if (placed >= count) break;
    const fit = Math.min(count - placed, tasksThatFit(bin.free, task));
    if (fit <= 0) continue;
    bin.free = subtractResources(bin.free, scaled(task, fit));
    placed += fit;
  }
  return placed;
}

function scaled(task: Resources, n: number): Resources {
  return resources({ cpus: task.cpus * n, mem: task.mem * n, disk: task.disk * n, gpus: task.gpus * n });
}

/**
 * What the launches waiting for offers need: packed first-fit decreasing (largest dominant share
 * first) onto the free space of each usable agent, then onto new agents of the usual shape. Free
 * space split across agents hosts nothing, which is why this counts agents rather than totals.
 * Launches in back-off (crash loops) are reported but never ask for capacity.
 */
export function pendingDemand(items: readonly MarathonQueueItem[], agentsFree: readonly Resources[], shape: Resources | null): PendingDemand {
  const waiting = items.filter((i) => i.overdue && i.count > 0 && needsResources(i.resources));
  const backedOff = items.filter((i) => !i.overdue).reduce((n, i) => n + Math.max(0, i.count), 0);
  const ordered = [...waiting].sort((a, b) => {
    const share = (i: MarathonQueueItem) => (shape === null ? 0 : dominantShare(i.resources, shape));
    return share(b) - share(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });

  const existing: Bin[] = agentsFree.map((free) => ({ free }));
  const fresh: Bin[] = [];
  let tasks = 0;
  let fitOnFree = 0;
  let unplaceable = 0;
  let total = resources();
  for (const item of ordered) {
    tasks += item.count;
    const onFree = placeFirstFit(existing, item.resources, item.count);
    fitOnFree += onFree;
    let left = item.count - onFree;
    left -= placeFirstFit(fresh, item.resources, left);
    const perAgent = shape === null ? 0 : tasksThatFit(shape, item.resources);
    // What no agent of the pool can host is reported, never counted as demand to scale for.
    const placeable = perAgent === 0 ? item.count - left : item.count;
    total = addResources(total, scaled(item.resources, placeable));
    if (perAgent === 0) {
      unplaceable += left;
      continue;
    }
    while (left > 0) {
      const bin: Bin = { free: shape as Resources };
      left -= placeFirstFit([bin], item.resources, left);
      fresh.push(bin);
    }
  }

  const byApp = new Map<string, { tasks: number; shortOf: ResourceName[] }>();
  for (const item of waiting) {
    const app = byApp.get(item.id) ?? { tasks: 0, shortOf: [] };
    app.tasks += item.count;
    for (const r of item.shortOf ?? []) if (!app.shortOf.includes(r)) app.shortOf.push(r);
    byApp.set(item.id, app);
  }
  const apps = [...byApp.entries()]
    .sort(([a, x], [b, y]) => y.tasks - x.tasks || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, LISTED_APPS)
    .map(([appId, app]) => ({ appId, tasks: app.tasks, shortOf: app.shortOf }));

  return { tasks, resources: total, fitOnFree, newAgents: fresh.length, unplaceable, backedOff, apps };
}

function shortWords(shortOf: readonly string[]): string {
  return shortOf.length === 0 ? 'an offer' : shortOf.join(' and ');
}

/**
 * Launches waiting for offers need the agents their bin-packing found missing, on top of the usable
 * ones, and hold the pool while they wait. No waiting launch: no opinion.
 */
export function pendingRequirement(snapshot: PoolSnapshot): Requirement {
  const p = snapshot.pending;
  const signals: Signal[] = [
    { name: 'pending.tasks', value: p.tasks, detail: `${p.fitOnFree} fit on free space, ${p.unplaceable} fit no agent, ${p.backedOff} in launch back-off (not counted)` },
  ];
  if (p.tasks === 0) return { source: 'pending', agents: null, signals, reasons: [], because: 'nothing waiting' };
  const top = p.apps[0];
  const because = top === undefined ? `${count(p.tasks, 'task')} waiting` : `${count(top.tasks, 'task')} of ${top.appId} waiting for ${shortWords(top.shortOf)}${p.tasks > top.tasks ? ` (${p.tasks} waiting in all)` : ''}`;
  const reasons = [`${because}: ${p.fitOnFree} fit on the free space of usable agents, ${count(p.newAgents, 'new agent')} needed for the rest`];
  if (p.unplaceable > 0) reasons.push(`${count(p.unplaceable, 'waiting task')} fit no agent of this pool even empty: no scale-out helps them`);
  const agents = snapshot.agents.usable + p.newAgents;
  signals.push({ name: 'pending.new-agents', value: p.newAgents, wantsAgents: agents });
  // Launches that can be placed hold the pool at least where it is; those no agent fits do not.
  return { source: 'pending', agents: p.tasks > p.unplaceable ? agents : null, signals, reasons, because };
}
