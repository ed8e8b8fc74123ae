import type { MarathonQueueItem } from '../model/cluster.js';
import type { ResourceName, Resources } from '../model/resources.js';
import { decodeJsonBody } from './json-body.js';
import type { JsonBody } from './json-scan.js';
import {
  ShapeError,
  arrayAt,
  booleanAt,
  kind,
  numberAt,
  objectAt,
  optionalArrayAt,
  optionalNumberAt,
  parsePayload,
  stringAt,
  within,
  type JsonObject,
} from './shape.js';

type Constraints = string[][];

/** App constraints: `[["hostname","UNIQUE"],["pool","LIKE","batch"]]` (values may come as numbers). */
function parseAppConstraints(value: unknown, path: string): Constraints {
  const list = optionalArrayAt(value, path);
  return list.map((entry, i) =>
    arrayAt(entry, `${path}[${i}]`).map((part, j) => {
      if (typeof part === 'string') return part;
      if (typeof part === 'number') return String(part);
      throw new ShapeError(`${path}[${i}][${j}]`, `expected a string, got ${kind(part)}`);
    }),
  );
}

/** Pod constraints are objects `{fieldName, operator, value?}`; normalised to the app form. */
function parsePodConstraints(value: unknown, path: string): Constraints {
  return optionalArrayAt(value, path).map((entry, i) => {
    const c = objectAt(entry, `${path}[${i}]`);
    const constraint = [stringAt(c.fieldName, `${path}[${i}].fieldName`), stringAt(c.operator, `${path}[${i}].operator`)];
    if (c.value !== undefined) constraint.push(stringAt(c.value, `${path}[${i}].value`));
    return constraint;
  });
}

/** Per-instance resources of an app definition; Marathon always writes cpus and mem, disk and gpus have defaults of 0. */
function appResources(app: JsonObject): Resources {
  return {
    cpus: numberAt(app.cpus, 'cpus'),
    mem: numberAt(app.mem, 'mem'),
    disk: optionalNumberAt(app.disk, 'disk') ?? 0,
    gpus: optionalNumberAt(app.gpus, 'gpus') ?? 0,
  };
}

/** Marathon's ExecutorResources defaults for pods (cpus 0.1, mem 32 MB, disk 10 MB). */
const POD_EXECUTOR_DEFAULTS = { cpus: 0.1, mem: 32, disk: 10 } as const;

/** A pod instance needs the sum of its containers plus its executor's resources. */
function podResources(pod: JsonObject): Resources {
  const executor = pod.executorResources === undefined ? {} : objectAt(pod.executorResources, 'executorResources');
  let cpus = optionalNumberAt(executor.cpus, 'executorResources.cpus') ?? POD_EXECUTOR_DEFAULTS.cpus;
  let mem = optionalNumberAt(executor.mem, 'executorResources.mem') ?? POD_EXECUTOR_DEFAULTS.mem;
  let disk = optionalNumberAt(executor.disk, 'executorResources.disk') ?? POD_EXECUTOR_DEFAULTS.disk;
  let gpus = 0;
  const containers = arrayAt(pod.containers, 'containers');
  for (let i = 0; i < containers.length; i++) {
    try {
      const r = objectAt(objectAt(containers[i], '').resources, 'resources');
      cpus += numberAt(r.cpus, 'resources.cpus');
      mem += numberAt(r.mem, 'resources.mem');
      disk += optionalNumberAt(r.disk, 'resources.disk') ?? 0;
      gpus += optionalNumberAt(r.gpus, 'resources.gpus') ?? 0;
    } catch (error) {
      throw within(error, `containers[${i}]`);
    }
  }
  return { cpus, mem, disk, gpus };
}

/** A `{"<field>": [...]}` body, each element read by `parseItem`; shape problems are placed at `<field>[i]`. */
function parseListBody<T>(body: JsonBody, source: string, field: string, parseItem: (value: unknown) => T): T[] {
  const decoded = decodeJsonBody(body, source);
  return parsePayload(source, () =>
    arrayAt(objectAt(decoded, '(top level)')[field], field).map((item, i) => {
      try {
        return parseItem(item);
      } catch (error) {
        throw within(error, `${field}[${i}]`);
      }
    }),
  );
}

/**
 * `delay.overdue` true: ready and waiting for a matching offer (a capacity signal); false with
 * time left: launch back-off after failures. Without `delay` (optional in Marathon's schema) the
 * launch is not delayed, which is the waiting-for-offers case.
 */
function parseDelay(value: unknown): { overdue: boolean; timeLeftSeconds: number } {
  if (value === undefined) return { overdue: true, timeLeftSeconds: 0 };
  const delay = objectAt(value, 'delay');
  return { overdue: booleanAt(delay.overdue, 'delay.overdue'), timeLeftSeconds: numberAt(delay.timeLeftSeconds, 'delay.timeLeftSeconds') };
}

const SHORT_REASONS: Readonly<Record<string, ResourceName>> = {
  InsufficientCpus: 'cpus',
  InsufficientMemory: 'mem',
  InsufficientDisk: 'disk',
  InsufficientGpus: 'gpus',
};

/**
 * Which resources the last offers lacked, most declines first, from Marathon ≥ 1.4's
 * `processedOffersSummary.rejectSummaryLastOffers`; empty when absent or nothing was declined for one.
 */
function parseShortOf(value: unknown): ResourceName[] {
  if (value === undefined) return [];
  const summary = objectAt(value, 'processedOffersSummary');
  const declined: Array<{ resource: ResourceName; count: number }> = [];
  optionalArrayAt(summary.rejectSummaryLastOffers, 'processedOffersSummary.rejectSummaryLastOffers').forEach((entry, i) => {
    const path = `processedOffersSummary.rejectSummaryLastOffers[${i}]`;
    const reject = objectAt(entry, path);
    const resource = SHORT_REASONS[stringAt(reject.reason, `${path}.reason`)];
    const count = numberAt(reject.declined, `${path}.declined`);
    if (resource !== undefined && count > 0) declined.push({ resource, count });
  });
  return declined.sort((a, b) => b.count - a.count).map((d) => d.resource);
}

function parseQueueItem(value: unknown): MarathonQueueItem {
  const item = objectAt(value, '');
  const count = numberAt(item.count, 'count');
  const delay = { ...parseDelay(item.delay), shortOf: parseShortOf(item.processedOffersSummary) };
  if (item.app !== undefined) {
    const app = objectAt(item.app, 'app');
    try {
      return { id: stringAt(app.id, 'id'), count, ...delay, resources: appResources(app), constraints: parseAppConstraints(app.constraints, 'constraints') };
    } catch (error) {
      throw within(error, 'app');
    }
  }
  if (item.pod !== undefined) {
    const pod = objectAt(item.pod, 'pod');
    try {
      const scheduling = pod.scheduling === undefined ? {} : objectAt(pod.scheduling, 'scheduling');
      const placement = scheduling.placement === undefined ? {} : objectAt(scheduling.placement, 'scheduling.placement');
      const constraints = parsePodConstraints(placement.constraints, 'scheduling.placement.constraints');
      return { id: stringAt(pod.id, 'id'), count, ...delay, resources: podResources(pod), constraints };
    } catch (error) {
      throw within(error, 'pod');
    }
  }
  throw new ShapeError('', 'expected an "app" or a "pod"');
}

/**
 * Pure entry point for a Marathon `GET /v2/queue` body: app and pod launch queue entries, `count`
 * instances left to launch each. Throws AutoscalerError(MesosPayload) on bad JSON or a wrong shape.
 */
export function parseMarathonQueue(body: JsonBody, source = '/v2/queue'): MarathonQueueItem[] {
  return parseListBody(body, source, 'queue', parseQueueItem);
}
