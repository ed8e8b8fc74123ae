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

interface Packing {
  tasks: number;
  /** Placed on the given agents' free space. */
  onFree: number;
  /** New agents of the usual shape the rest need. */
  fresh: number;
  /** Fit no agent of the usual shape, even an empty one. */
  unplaceable: number;
  /** Resources of the tasks some agent of the pool can host. */
  placeable: Resources;
}

/** Packs the launches (in order) first-fit onto the free space given, then onto new agents of the usual shape. */
function pack(ordered: readonly MarathonQueueItem[], agentsFree: readonly Resources[], shape: Resources | null): Packing {
  const existing: Bin[] = agentsFree.map((free) => ({ free }));
  const fresh: Bin[] = [];
  const packing: Packing = { tasks: 0, onFree: 0, fresh: 0, unplaceable: 0, placeable: resources() };
  for (const item of ordered) {
    packing.tasks += item.count;
    const onFree = placeFirstFit(existing, item.resources, item.count);
    packing.onFree += onFree;
    let left = item.count - onFree;
    left -= placeFirstFit(fresh, item.resources, left);
    const perAgent = shape === null ? 0 : tasksThatFit(shape, item.resources);
    // What no agent of the pool can host is reported, never counted as demand to scale for.
    const placeable = perAgent === 0 ? item.count - left : item.count;
    packing.placeable = addResources(packing.placeable, scaled(item.resources, placeable));
    if (perAgent === 0) {
      packing.unplaceable += left;
      continue;
    }
    while (left > 0) {
      const bin: Bin = { free: shape as Resources };
      left -= placeFirstFit([bin], item.resources, left);
      fresh.push(bin);
    }
  }
  packing.fresh = fresh.length;
  return packing;
}

/**
 * What the launches waiting for offers need: packed first-fit decreasing (largest dominant share
 * first) onto the free space of each usable agent, then onto new agents of the usual shape. Free
 * space split across agents hosts nothing, which is why this counts agents rather than totals.
 * Packed again with the free space of the draining agents too (`drainsFree`), it tells how many
 * new agents no drain put back can spare. Launches in back-off (crash loops) are reported but
 * never ask for capacity.
 */
export function pendingDemand(items: readonly MarathonQueueItem[], agentsFree: readonly Resources[], shape: Resources | null, drainsFree: readonly Resources[] = []): PendingDemand {
  const waiting = items.filter((i) => i.overdue && i.count > 0 && needsResources(i.resources));
  const backedOff = items.filter((i) => !i.overdue).reduce((n, i) => n + Math.max(0, i.count), 0);
  const ordered = [...waiting].sort((a, b) => {
    const share = (i: MarathonQueueItem) => (shape === null ? 0 : dominantShare(i.resources, shape));
    return share(b) - share(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });

  const p = pack(ordered, agentsFree, shape);
  const beyondDrains = drainsFree.length === 0 || p.fresh === 0 ? p.fresh : pack(ordered, [...agentsFree, ...drainsFree], shape).fresh;

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

  return {
    tasks: p.tasks,
    resources: p.placeable,
    fitOnFree: p.onFree,
    newAgents: p.fresh,
    ...(beyondDrains < p.fresh ? { beyondDrains } : {}),
    unplaceable: p.unplaceable,
    backedOff,
    apps,
  };
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
