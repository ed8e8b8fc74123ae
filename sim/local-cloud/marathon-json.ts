import type { MarathonApp, MarathonQueueItem, MarathonState } from '../../shared/model/cluster.js';
import type { Resources } from '../../shared/model/resources.js';
import { EPOCH_MS } from '../types.js';

type Json = Record<string, unknown>;

/** Apps are deployed before the simulated window starts; their version is virtual t = 0. */
const DEPLOYED_AT = new Date(EPOCH_MS).toISOString();

/** An app definition as Marathon 1.10 writes it (`/v2/apps` adds the task counts). */
function appDefinition(id: string, instances: number, resources: Resources, constraints: MarathonApp['constraints']): Json {
  return {
    id,
    cmd: null,
    args: null,
    user: null,
    env: {},
    instances,
    cpus: resources.cpus,
    mem: resources.mem,
    disk: resources.disk,
    gpus: resources.gpus,
    executor: '',
    constraints: constraints.map((c) => [...c]),
    uris: [],
    ports: [],
    requirePorts: false,
    backoffSeconds: 1,
    backoffFactor: 1.15,
    maxLaunchDelaySeconds: 3600,
    container: null,
    healthChecks: [],
    dependencies: [],
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
    labels: {},
    acceptedResourceRoles: null,
    version: DEPLOYED_AT,
    versionInfo: { lastScalingAt: DEPLOYED_AT, lastConfigChangeAt: DEPLOYED_AT },
  };
}

/** `GET /v2/apps` with the default `embed=apps.counts`. */
export function appsJson(marathon: MarathonState): Json {
  return {
    apps: marathon.apps.map((app) => ({
      ...appDefinition(app.id, app.instances, app.resources, app.constraints),
      tasksStaged: app.tasksStaged,
      tasksRunning: app.tasksRunning,
      tasksHealthy: 0,
      tasksUnhealthy: 0,
      deployments: [],
    })),
  };
}

function queueItemJson(item: MarathonQueueItem, apps: ReadonlyMap<string, MarathonApp>): Json {
  return {
    app: appDefinition(item.id, apps.get(item.id)?.instances ?? item.count, item.resources, item.constraints),
    count: item.count,
    role: '*',
    delay: { timeLeftSeconds: item.timeLeftSeconds, overdue: item.overdue },
    since: DEPLOYED_AT,
    processedOffersSummary: { processedOffersCount: 0, unusedOffersCount: 0, rejectSummaryLastOffers: [], rejectSummaryLaunchAttempt: [] },
    lastUnusedOffers: [],
  };
}

/** `GET /v2/queue`: every item as an app (a pod's summed resources read the same way). */
export function queueJson(marathon: MarathonState): Json {
  const apps = new Map(marathon.apps.map((a) => [a.id, a]));
  return { queue: marathon.queue.map((item) => queueItemJson(item, apps)) };
}
