import type { MarathonQueueItem, MarathonState } from '../../shared/model/cluster.js';
import { EPOCH_MS } from '../types.js';

type Json = Record<string, unknown>;

/** Apps are deployed before the simulated window starts; their version is virtual t = 0. */
const DEPLOYED_AT = new Date(EPOCH_MS).toISOString();

/**
 * An app definition as Marathon 1.10 writes it. The simulated apps have no instance target of
 * their own: `instances` is what is left to launch.
 */
function appDefinition(item: MarathonQueueItem): Json {
  const { resources } = item;
  return {
    id: item.id,
    cmd: null,
    args: null,
    user: null,
    env: {},
    instances: item.count,
    cpus: resources.cpus,
    mem: resources.mem,
    disk: resources.disk,
    gpus: resources.gpus,
    executor: '',
    constraints: item.constraints.map((c) => [...c]),
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

function queueItemJson(item: MarathonQueueItem): Json {
  return {
    app: appDefinition(item),
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
  return { queue: marathon.queue.map(queueItemJson) };
}
