import type { MesosAgent } from '../model/cluster.js';
import { ZERO_RESOURCES, type Resources } from '../model/resources.js';
import { JsonScanner, jsonKey, missing, type JsonBody } from './json-scan.js';
import { scanReservedResources, scanResources } from './parse-resources.js';
import { parsePayload, within } from './shape.js';

export interface AgentList {
  agents: MesosAgent[];
  /** `recovered_slaves` (1.x): agents of the registry that have not re-registered since the failover. */
  recoveredAgentIds: string[];
}

const ID = jsonKey('id');
const PID = jsonKey('pid');
const HOSTNAME = jsonKey('hostname');
const RESOURCES = jsonKey('resources');
const USED = jsonKey('used_resources');
const OFFERED = jsonKey('offered_resources');
const RESERVED = jsonKey('reserved_resources');
const ATTRIBUTES = jsonKey('attributes');
const ACTIVE = jsonKey('active');
const DEACTIVATED = jsonKey('deactivated');
const DRAIN_INFO = jsonKey('drain_info');
const STATE = jsonKey('state');
const REGISTERED_TIME = jsonKey('registered_time');
const VERSION = jsonKey('version');
const DOMAIN = jsonKey('domain');
const FAULT_DOMAIN = jsonKey('fault_domain');
const ZONE = jsonKey('zone');
const NAME = jsonKey('name');
const SLAVES = jsonKey('slaves');
const RECOVERED_SLAVES = jsonKey('recovered_slaves');

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The IPv4 address of a libprocess UPID (`slave(1)@10.0.1.108:5051`), the address the agent bound
 * or advertised: what EC2 reports as the instance's private IP. Null for IPv6 or host names.
 */
export function ipFromPid(pid: string): string | null {
  const at = pid.lastIndexOf('@');
  const colon = pid.lastIndexOf(':');
  if (at < 0 || colon < at) return null;
  const host = pid.slice(at + 1, colon);
  const octets = IPV4.exec(host);
  if (!octets) return null;
  for (let i = 1; i <= 4; i++) if (Number(octets[i]) > 255) return null;
  return host;
}

/** v0 attributes are a map; text values are strings, scalars JSON numbers, ranges and sets strings. */
function scanAttributes(s: JsonScanner): Record<string, string> {
  s.openObject('attributes');
  const attributes: Record<string, string> = {};
  while (s.nextKey()) {
    const name = s.key();
    const type = s.peekType();
    if (type === 'string') attributes[name] = s.string('attributes', name);
    else if (type === 'number') attributes[name] = String(s.number('attributes', name));
    else s.unexpected('a string or a number', 'attributes', name);
  }
  return attributes;
}

/**
 * 1.9+ `drain_info.state`: DRAINED means every task is terminal (safe to terminate). Any other
 * state (DRAINING, or one we do not know) still has work winding down, so it reads as DRAINING.
 */
function scanDrainState(s: JsonScanner): MesosAgent['drainState'] {
  s.openObject('drain_info');
  let state: string | null = null;
  while (s.nextKey()) {
    if (s.keyIs(STATE)) state = s.string('drain_info', 'state');
    else s.skip();
  }
  if (state === null) throw missing('drain_info.state', 'a string');
  return state === 'DRAINED' ? 'DRAINED' : 'DRAINING';
}

function scanNamed(s: JsonScanner, path: string): string | null {
  s.openObject(path);
  let name: string | null = null;
  while (s.nextKey()) {
    if (s.keyIs(NAME)) name = s.string(path, 'name');
    else s.skip();
  }
  return name;
}

/** `domain.fault_domain.zone.name` (1.4+, when the agent runs with `--domain`). */
function scanZone(s: JsonScanner): string | null {
  let zone: string | null = null;
  s.openObject('domain');
  while (s.nextKey()) {
    if (!s.keyIs(FAULT_DOMAIN)) {
      s.skip();
      continue;
    }
    s.openObject('domain', 'fault_domain');
    while (s.nextKey()) {
      if (s.keyIs(ZONE)) zone = scanNamed(s, 'domain.fault_domain.zone');
      else s.skip();
    }
  }
  return zone;
}

/**
 * One agent as written by the master's per-agent JSON writer, shared by `/master/slaves`,
 * `/master/state(.json)` and `/master/state-summary` (0.27–1.9). `registeredAt` is
 * `registered_time`: when this master first saw the agent (after a failover, when the agent
 * re-registered with the new leader); `reregistered_time` only moves on reconnects and is not used.
 * Fields every real master writes but trimmed captures lack read as empty: `pid` '' (so no ip),
 * `registered_time` 0, offered and reserved resources zero.
 */
function scanAgent(s: JsonScanner, poolAttribute: string): MesosAgent {
  let id: string | null = null;
  let pid = '';
  let hostname: string | null = null;
  let total: Resources | null = null;
  let used: Resources | null = null;
  let offered = ZERO_RESOURCES;
  let reserved = ZERO_RESOURCES;
  let attributes: Record<string, string> = {};
  let active: boolean | null = null;
  let deactivated = false;
  let drainState: MesosAgent['drainState'] = null;
  let registeredAt = 0;
  let version: string | null = null;
  let zone: string | null = null;
  s.openObject('');
  while (s.nextKey()) {
    if (s.keyIs(ID)) id = s.string('id');
    else if (s.keyIs(PID)) pid = s.string('pid');
    else if (s.keyIs(HOSTNAME)) hostname = s.string('hostname');
    else if (s.keyIs(RESOURCES)) total = scanResources(s, 'resources');
    else if (s.keyIs(USED)) used = scanResources(s, 'used_resources');
    else if (s.keyIs(OFFERED)) offered = scanResources(s, 'offered_resources');
    else if (s.keyIs(RESERVED)) reserved = scanReservedResources(s, 'reserved_resources');
    else if (s.keyIs(ATTRIBUTES)) attributes = scanAttributes(s);
    else if (s.keyIs(ACTIVE)) active = s.boolean('active');
    else if (s.keyIs(DEACTIVATED)) deactivated = s.boolean('deactivated');
    else if (s.keyIs(DRAIN_INFO)) drainState = scanDrainState(s);
    else if (s.keyIs(REGISTERED_TIME)) registeredAt = s.number('registered_time');
    else if (s.keyIs(VERSION)) version = s.string('version');
    else if (s.keyIs(DOMAIN)) zone = scanZone(s);
    else s.skip();
  }
  if (id === null) throw missing('id', 'a string');
  if (hostname === null) throw missing('hostname', 'a string');
  if (total === null) throw missing('resources', 'an object');
  if (used === null) throw missing('used_resources', 'an object');
  if (active === null) throw missing('active', 'a boolean');
  return {
    id,
    pid,
    hostname,
    ip: ipFromPid(pid),
    attributes,
    pool: attributes[poolAttribute] ?? 'default',
    total,
    used,
    offered,
    reserved,
    active,
    deactivated,
    drainState,
    registeredAt,
    version,
    zone,
  };
}

/** The `slaves` array of any body that carries one (slaves, state, state-summary). */
export function scanAgents(s: JsonScanner, poolAttribute: string): MesosAgent[] {
  const agents: MesosAgent[] = [];
  s.openArray('slaves');
  while (s.nextElement()) {
    try {
      agents.push(scanAgent(s, poolAttribute));
    } catch (error) {
      throw within(error, `slaves[${agents.length}]`);
    }
  }
  return agents;
}

/** `recovered_slaves` entries are SlaveInfo objects (1.x); only their ids matter here. */
export function scanRecoveredIds(s: JsonScanner): string[] {
  const ids: string[] = [];
  s.openArray('recovered_slaves');
  while (s.nextElement()) {
    const path = `recovered_slaves[${ids.length}]`;
    let id: string | null = null;
    s.openObject(path);
    while (s.nextKey()) {
      if (s.keyIs(ID)) id = s.string(path, 'id');
      else s.skip();
    }
    if (id === null) throw missing(`${path}.id`, 'a string');
    ids.push(id);
  }
  return ids;
}

/**
 * Pure entry point for a `/master/slaves` body (also accepts `/master/state`, `/master/state.json`
 * and `/master/state-summary` bodies, whose `slaves` share the writer). Bodies are bytes as
 * received (a string is encoded first). Throws AutoscalerError(MesosPayload) naming `source` when
 * the JSON is malformed or truncated or its shape is wrong.
 */
export function parseSlaves(body: JsonBody, poolAttribute: string, source = '/master/slaves'): AgentList {
  return parsePayload(source, () => {
    const s = new JsonScanner(body, source);
    let agents: MesosAgent[] | null = null;
    let recoveredAgentIds: string[] = [];
    s.openObject('(top level)');
    while (s.nextKey()) {
      if (s.keyIs(SLAVES)) agents = scanAgents(s, poolAttribute);
      else if (s.keyIs(RECOVERED_SLAVES)) recoveredAgentIds = scanRecoveredIds(s);
      else s.skip();
    }
    s.finish();
    if (agents === null) throw missing('slaves', 'an array');
    return { agents, recoveredAgentIds };
  });
}
