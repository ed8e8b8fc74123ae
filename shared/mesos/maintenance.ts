import type { MesosConfig } from '../config/types.js';
import { createMesosHttp, type MesosHttp } from './http.js';
import { discoverLeader } from './leader.js';
import { agentApiMaintenance } from './maintenance-agent-api.js';
import type { MesosMaintenance } from './maintenance-port.js';
import { maintenancePrimitives } from './maintenance-primitives.js';
import { readMasterInfo } from './master-info.js';

/** `agent`: the Mesos ≥ 1.9 drain calls; `maintenance`: the 0.25+ primitives; `auto`: by the leader's version. */
export type MaintenanceApi = 'auto' | 'agent' | 'maintenance';

export interface MesosMaintenanceOptions {
  fetch?: typeof fetch;
  api?: MaintenanceApi;
  /** Epoch ms; where maintenance windows start. */
  now?: () => number;
}

/** `1.9.0`, `1.10.1-rc2`, … at least 1.9: the agent drain API exists. */
export function hasAgentDrainApi(version: string | null): boolean {
  const match = version === null ? null : /^(\d+)\.(\d+)/.exec(version);
  if (match === null) return false;
  const major = Number(match[1]);
  return major > 1 || (major === 1 && Number(match[2]) >= 9);
}

async function detectApi(http: MesosHttp, leader: string): Promise<'agent' | 'maintenance'> {
  // No v1 API (< 1.0) or a refused call leaves the version unknown: the primitives every master since 0.25 has.
  const info = await readMasterInfo(http, leader);
  return hasAgentDrainApi(info?.version ?? null) ? 'agent' : 'maintenance';
}

/**
 * MesosMaintenance over HTTP, with the reader's leader discovery, credentials, timeout and errors
 * (MesosUnavailable / MesosPayload). Each operation asks for the leader anew, once. With `api: 'auto'`
 * (the default) the first operation reads the leader's version with GET_MASTER and works on that
 * leader; the choice is kept for the life of this instance; the maintenance primitives are the
 * fallback because every master since 0.25 has them.
 */
export function createMesosMaintenance(config: MesosConfig, options: MesosMaintenanceOptions = {}): MesosMaintenance {
  const http = createMesosHttp({ timeoutMs: config.timeoutMs, credentials: config.credentials, fetch: options.fetch });
  const leader = () => discoverLeader(http, config.masterUrls);
  const build = (name: 'agent' | 'maintenance', on: () => Promise<string>): MesosMaintenance =>
    name === 'agent' ? agentApiMaintenance(http, on) : maintenancePrimitives(http, on, options.now ?? Date.now);
  const generations = { agent: build('agent', leader), maintenance: build('maintenance', leader) };
  const api = options.api ?? 'auto';
  let chosen: Promise<'agent' | 'maintenance'> | null = api === 'auto' ? null : Promise.resolve(api);

  function generation(): Promise<MesosMaintenance> {
    if (chosen !== null) return chosen.then((name) => generations[name]);
    const found = leader();
    const detection = found.then((url) => detectApi(http, url));
    // A failed detection is not kept: the next operation tries again.
    detection.catch(() => {
      if (chosen === detection) chosen = null;
    });
    chosen = detection;
    // The operation that detects works on the leader it asked, not on one discovered again.
    return detection.then((name) => build(name, () => found));
  }

  return {
    startSoftDrain: async (agent, o) => (await generation()).startSoftDrain(agent, o),
    startHardDrain: async (agent, o) => (await generation()).startHardDrain(agent, o),
    cancelDrain: async (agent) => (await generation()).cancelDrain(agent),
    cleanUp: async (agent, o) => (await generation()).cleanUp(agent, o),
    isOutOfService: async (agent, until) => (await generation()).isOutOfService(agent, until),
    machinesInMaintenance: async (pool) => (await generation()).machinesInMaintenance(pool),
    releaseMachines: async (pool, machines) => (await generation()).releaseMachines(pool, machines),
  };
}
