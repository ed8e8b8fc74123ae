import type { MesosConfig } from '../config/types.js';
import type { ClusterState, MarathonState } from '../model/cluster.js';
import { createMesosHttp, isNotFound, originOf, requestDocument, requestOptionalDocument, unavailable, type Document, type MesosHttp } from './http.js';
import { baseUrl, discoverLeader, readLeadingState } from './leader.js';
import { parseSlaves } from './parse-agents.js';
import { parseFrameworks } from './parse-frameworks.js';
import { parseMarathonQueue } from './parse-marathon.js';
import { readMasterInfo } from './master-info.js';
import { parseMasterState, type MasterState } from './parse-state.js';
import type { MesosReader } from './port.js';

type MesosPart = Omit<ClusterState, 'marathon'>;

/**
 * Each read may have followed a 307 to a new leader. Reads served by different masters straddle a
 * failover and could disagree, so they fail the read instead of making a mixed snapshot.
 */
function commonOrigin(reads: Array<{ what: string; url: string }>): string {
  const first = originOf(reads[0]!.url);
  if (reads.every((r) => originOf(r.url) === first)) return first;
  throw unavailable(`the Mesos leader changed during the read: ${reads.map((r) => `${r.what} from ${originOf(r.url)}`).join(', ')}`);
}

/** Masters older than 0.26 have no `/master/frameworks`: everything comes from one (big) state document. */
async function readFromState(http: MesosHttp, leader: string, poolAttribute: string): Promise<MesosPart> {
  const parse = (d: Document): MasterState => parseMasterState(d.body, poolAttribute, d.source);
  const read = (await readLeadingState(http, leader, '/master/state', parse)) ?? (await readLeadingState(http, leader, '/master/state.json', parse));
  if (read === null) throw unavailable(`${leader}: serves none of /master/frameworks, /master/state, /master/state.json`);
  const { state } = read;
  return {
    leaderUrl: originOf(read.url),
    masterVersion: state.version,
    electedAt: state.electedAt,
    agents: state.agents,
    recoveredAgentIds: state.recoveredAgentIds,
    tasks: state.tasks,
  };
}

/**
 * The cheap path big clusters need: `/master/slaves` + `/master/frameworks` (not `/master/state`,
 * which also carries flags, completed frameworks and executors), plus the small v1 GET_MASTER for
 * the version and election time. Each body is parsed as soon as it arrives so its raw JSON can go.
 */
async function readMesos(http: MesosHttp, config: MesosConfig): Promise<MesosPart> {
  const leader = await discoverLeader(http, config.masterUrls);
  const [slaves, frameworks, master] = await Promise.all([
    requestDocument(http, `${leader}/master/slaves`).then((d) => ({ url: d.url, ...parseSlaves(d.body, config.poolAttribute, d.source) })),
    requestOptionalDocument(http, `${leader}/master/frameworks`, isNotFound).then((d) => d && { url: d.url, tasks: parseFrameworks(d.body, d.source) }),
    readMasterInfo(http, leader),
  ]);
  if (frameworks === null) return readFromState(http, leader, config.poolAttribute);
  const reads = [
    { what: '/master/slaves', url: slaves.url },
    { what: '/master/frameworks', url: frameworks.url },
    ...(master ? [{ what: 'GET_MASTER', url: master.url }] : []),
  ];
  return {
    leaderUrl: commonOrigin(reads),
    masterVersion: master?.version ?? null,
    electedAt: master?.electedAt ?? null,
    agents: slaves.agents,
    recoveredAgentIds: slaves.recoveredAgentIds,
    tasks: frameworks.tasks,
  };
}

/**
 * Only the launch queue: the pending demand is all the decisions read of Marathon. Marathon
 * standbys proxy to their leader, so one URL is enough. Same credentials as Mesos.
 */
async function readMarathon(http: MesosHttp, marathonUrl: string): Promise<MarathonState> {
  const queue = await requestDocument(http, `${baseUrl(marathonUrl)}/v2/queue`);
  return { queue: parseMarathonQueue(queue.body, queue.source) };
}

/**
 * The MesosReader used in Lambda: leader discovery, then the cheap endpoints, then Marathon when
 * configured. Any failed or malformed read fails the whole read (MesosUnavailable / MesosPayload):
 * never a partial snapshot.
 */
export function createMesosReader(config: MesosConfig, options: { fetch?: typeof fetch } = {}): MesosReader {
  const http = createMesosHttp({ timeoutMs: config.timeoutMs, credentials: config.credentials, fetch: options.fetch });
  return {
    async readCluster(): Promise<ClusterState> {
      const [mesos, marathon] = await Promise.all([
        readMesos(http, config),
        config.marathonUrl === null ? null : readMarathon(http, config.marathonUrl),
      ]);
      return { ...mesos, marathon };
    },
  };
}
