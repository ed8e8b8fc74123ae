import type { DrainRecord } from '../aws/ports.js';
import type { DrainConfig } from '../config/types.js';
import type { AsgInstance, AsgState, InstanceAddress } from '../model/asg.js';
import { hasAllocations, isUsable, type ClusterState, type MesosAgent } from '../model/cluster.js';
import { RESOURCE_NAMES } from '../model/resources.js';
import { count as plural } from './format.js';

/**
 * The task age past which a busy agent is not drained: the drain deadline when the drain would be
 * given up there (a task that has run that long is likely to run long still, so the drain would
 * mostly keep capacity out of service), none when the deadline forces the drain anyway.
 */
export function maxTaskAgeOf(drain: Pick<DrainConfig, 'deadlineSeconds' | 'forceAtDeadline'>): number | undefined {
  return drain.forceAtDeadline ? undefined : drain.deadlineSeconds;
}

/** Why an instance was chosen, in preference order. */
export type VictimReason = 'already-draining' | 'never-registered' | 'idle' | 'least-work';

export interface Victim {
  instanceId: string;
  /** The pool's agent on the instance; null for a never-registered instance or a drained agent that is gone. */
  agent: MesosAgent | null;
  reason: VictimReason;
  /** Non-terminal tasks of every agent on the instance: what terminating it now would kill. */
  runningTasks: number;
  availabilityZone: string;
}

export interface VictimRules {
  /** A busy agent younger than this is not chosen (it has just taken its first tasks). */
  minAgentAgeSeconds: number;
  /** An InService instance launched longer ago than this with no agent is taken for broken. */
  unregisteredGraceSeconds: number;
  /** Agents draining at once, the ledger's drains included. */
  maxDraining: number;
  /** False: never choose an agent with tasks or allocations (least-work). Absent: allowed. */
  busyAgents?: boolean;
  /**
   * A busy agent whose oldest task has run longer than this is not chosen (absent: no limit). A task
   * that has run long is likely to run long still, so its drain would mostly keep capacity out of
   * service until the deadline gives it back: the drain deadline is the natural value.
   */
  maxTaskAgeSeconds?: number;
}

export interface ChooseVictimsInput {
  pool: string;
  /** Capacity units to remove (what the plan takes off the desired capacity; instances when unweighted). */
  count: number;
  /** Read right before choosing: a snapshot's view is never trusted for this. */
  cluster: ClusterState;
  asg: AsgState;
  addresses: readonly InstanceAddress[];
  /** This pool's drain ledger. */
  drains: readonly DrainRecord[];
  /** Epoch ms. */
  now: number;
  rules: VictimRules;
  /**
   * When the pool has several groups (`asg` is their merged view): each instance's group, and the
   * units each group can still give up (down to its own MinSize; none with Terminate suspended).
   */
  groups?: { of: (instanceId: string) => string | undefined; room: ReadonlyMap<string, number> };
}

export interface VictimChoice {
  /** In preference order. */
  victims: Victim[];
  /** Plain words for the console: why fewer than asked, what was skipped. */
  notes: string[];
}

interface Candidate {
  instance: AsgInstance;
  agent: MesosAgent | null;
  reason: VictimReason;
  runningTasks: number;
  /** Compared element by element, lower first, before the zone balance. */
  rank: number[];
  /** Compared after the zone balance, lower first. */
  tieBreak: number;
  /** Choosing it starts a new drain (counts against maxDraining). */
  startsDrain: boolean;
}

/** Why instances that could otherwise have gone were passed over; reported when fewer than asked go. */
interface Skipped {
  protected: number;
  notInService: number;
  ambiguousIp: number;
  otherPools: number;
  unusable: number;
  young: number;
  busy: number;
  longTasks: number;
  unregisteredRecent: number;
  unregisteredUnknownLaunch: number;
  unregisteredDistrusted: number;
}

interface TaskTally {
  tasks: number;
  /** Seconds of work the tasks have done so far. */
  workSeconds: number;
  /** Age in seconds of the oldest task. */
  oldestSeconds: number;
}

const REASON_RANK: Record<VictimReason, number> = { 'already-draining': 0, 'never-registered': 1, idle: 2, 'least-work': 3 };

function hasReserved(agent: MesosAgent): boolean {
  return RESOURCE_NAMES.some((r) => agent.reserved[r] > 0);
}

function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Oldest registration first, then id: the agent a victim is named after when a host carries several. */
function oldestAgent(agents: readonly MesosAgent[]): MesosAgent | undefined {
  return [...agents].sort((a, b) => a.registeredAt - b.registeredAt || byId(a.id, b.id))[0];
}

/**
 * Tasks and work done per agent. A task with no start time is counted from its agent's
 * registration: a lower bound of the work it has done.
 */
function tallyTasks(cluster: ClusterState, nowSeconds: number): Map<string, TaskTally> {
  const registeredAt = new Map(cluster.agents.map((a) => [a.id, a.registeredAt] as const));
  const tallies = new Map<string, TaskTally>();
  for (const task of cluster.tasks) {
    const since = task.startedAt ?? registeredAt.get(task.agentId) ?? nowSeconds;
    const tally = tallies.get(task.agentId) ?? { tasks: 0, workSeconds: 0, oldestSeconds: 0 };
    tally.tasks += 1;
    tally.workSeconds += Math.max(0, nowSeconds - since);
    tally.oldestSeconds = Math.max(tally.oldestSeconds, nowSeconds - since);
    tallies.set(task.agentId, tally);
  }
  return tallies;
}

/** The agents given (any state) on an instance, matched by IP or by host name (a pid may carry no IP). */
export function agentsOnHosts(agents: readonly MesosAgent[]): (address: InstanceAddress | undefined) => MesosAgent[] {
  const byName = new Map<string, MesosAgent[]>();
  const add = (name: string, agent: MesosAgent) => {
    const list = byName.get(name) ?? [];
    if (!list.includes(agent)) list.push(agent);
    byName.set(name, list);
  };
  for (const agent of agents) {
    add(agent.hostname, agent);
    if (agent.ip !== null) add(agent.ip, agent);
  }
  return (address) => {
    const found = new Set<MesosAgent>();
    for (const name of [address?.privateIp, address?.privateDnsName]) {
      if (name == null) continue;
      for (const agent of byName.get(name) ?? []) found.add(agent);
    }
    return [...found];
  };
}

/** Why the agent list may miss agents that exist: an instance with no agent is then not proof of a broken one. */
function clusterIncomplete(cluster: ClusterState, now: number, graceSeconds: number): boolean {
  if (cluster.recoveredAgentIds.length > 0) return true;
  return cluster.electedAt !== null && now - cluster.electedAt * 1000 < graceSeconds * 1000;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The preferred candidate; among equals, the one in the zone with the most in-service instances left. */
function best(candidates: readonly Candidate[], inServiceByZone: ReadonlyMap<string, number>): Candidate | undefined {
  let chosen: Candidate | undefined;
  for (const c of candidates) {
    if (chosen === undefined) {
      chosen = c;
      continue;
    }
    const zone = (x: Candidate) => inServiceByZone.get(x.instance.availabilityZone) ?? 0;
    const order =
      compareRanks(c.rank, chosen.rank) ||
      zone(chosen) - zone(c) ||
      c.tieBreak - chosen.tieBreak ||
      byId(c.instance.instanceId, chosen.instance.instanceId);
    if (order < 0) chosen = c;
  }
  return chosen;
}

function skippedNotes(s: Skipped, graceSeconds: number, minAgeSeconds: number): string[] {
  const notes: string[] = [];
  const add = (n: number, text: string) => {
    if (n > 0) notes.push(text);
  };
  add(s.protected, `${plural(s.protected, 'instance is', 'instances are')} protected from scale-in`);
  add(s.notInService, `${plural(s.notInService, 'instance is', 'instances are')} not InService`);
  add(s.ambiguousIp, `${plural(s.ambiguousIp, 'instance shares', 'instances share')} a private IP with another instance, so its agent cannot be told apart`);
  add(s.otherPools, `${plural(s.otherPools, 'instance carries', 'instances carry')} only agents of other pools`);
  add(s.unusable, `${plural(s.unusable, 'instance has', 'instances have')} no usable agent (disconnected, deactivated or drained by someone else)`);
  add(s.young, `${plural(s.young, 'busy agent registered', 'busy agents registered')} less than ${minAgeSeconds} s ago`);
  add(s.busy, `${plural(s.busy, 'instance runs', 'instances run')} tasks and busy agents may not be chosen`);
  add(s.longTasks, `${plural(s.longTasks, 'busy agent runs', 'busy agents run')} a task older than the drain deadline, so draining it would likely outlast the deadline`);
  add(s.unregisteredRecent, `${plural(s.unregisteredRecent, 'instance without an agent was', 'instances without an agent were')} launched less than ${graceSeconds} s ago and may still be starting`);
  add(s.unregisteredUnknownLaunch, `${plural(s.unregisteredUnknownLaunch, 'instance without an agent has', 'instances without an agent have')} no known address or launch time`);
  add(s.unregisteredDistrusted, `${plural(s.unregisteredDistrusted, 'instance without an agent was', 'instances without an agent were')} kept: agents may still be re-registering after a Mesos master failover`);
  return notes;
}

/**
 * The instances to remove to take `count` capacity units off the pool's groups, in preference order:
 * drains this autoscaler already started (re-adopted), instances whose agent never registered,
 * idle agents, then the agents whose termination loses the least work. Never a protected or
 * not-InService instance, never below a group's MinSize (instance weights count), never more than
 * `maxDraining` agents draining at once, nothing while the group's Terminate process is suspended.
 * Pure and deterministic: the same input in any order gives the same choice.
 */
export function chooseVictims(input: ChooseVictimsInput): VictimChoice {
  const { pool, cluster, asg, addresses, drains, now, rules } = input;
  const notes: string[] = [];

  if (input.count <= 0) return { victims: [], notes };
  if (asg.suspendedProcesses.includes('Terminate')) {
    notes.push(`the ASG ${asg.name} has its Terminate process suspended: no instance is chosen until it is resumed`);
    return { victims: [], notes };
  }
  const aboveMin = asg.desiredCapacity - asg.minSize;
  if (aboveMin <= 0) {
    notes.push(`the ASG ${asg.name} is at its MinSize ${asg.minSize}: no instance can go`);
    return { victims: [], notes };
  }

  const nowSeconds = now / 1000;
  const instances = [...asg.instances].sort((a, b) => byId(a.instanceId, b.instanceId));
  const addressById = new Map(addresses.map((a) => [a.instanceId, a] as const));
  const instancesPerIp = new Map<string, number>();
  for (const instance of instances) {
    const ip = addressById.get(instance.instanceId)?.privateIp;
    if (ip != null) instancesPerIp.set(ip, (instancesPerIp.get(ip) ?? 0) + 1);
  }
  const agentsOn = agentsOnHosts(cluster.agents);
  const tasks = tallyTasks(cluster, nowSeconds);
  const isBusy = (agent: MesosAgent) => (tasks.get(agent.id)?.tasks ?? 0) > 0 || hasAllocations(agent);
  const tasksOn = (agents: readonly MesosAgent[]) => agents.reduce((n, a) => n + (tasks.get(a.id)?.tasks ?? 0), 0);
  const workOn = (agents: readonly MesosAgent[]) => agents.reduce((n, a) => n + (tasks.get(a.id)?.workSeconds ?? 0), 0);
  const oldestOn = (agents: readonly MesosAgent[]) => agents.reduce((n, a) => Math.max(n, tasks.get(a.id)?.oldestSeconds ?? 0), 0);
  const agentById = new Map(cluster.agents.map((a) => [a.id, a] as const));

  const candidates: Candidate[] = [];
  const skipped: Skipped = {
    protected: 0, notInService: 0, ambiguousIp: 0, otherPools: 0, unusable: 0,
    young: 0, busy: 0, longTasks: 0, unregisteredRecent: 0, unregisteredUnknownLaunch: 0, unregisteredDistrusted: 0,
  };

  // (1) Our own drains, oldest first: they are re-adopted rather than started again elsewhere.
  const instanceById = new Map(instances.map((i) => [i.instanceId, i] as const));
  const ledger = [...drains].sort((a, b) => a.startedAt - b.startedAt || byId(a.instanceId, b.instanceId) || byId(a.agentId, b.agentId));
  const ledgerAgentIds = new Set(ledger.map((d) => d.agentId));
  const ledgerInstances = new Set<string>();
  for (const drain of ledger) {
    if (ledgerInstances.has(drain.instanceId)) continue;
    ledgerInstances.add(drain.instanceId);
    const instance = instanceById.get(drain.instanceId);
    const what = `the drain of agent ${drain.agentId} on ${drain.instanceId}`;
    if (instance === undefined) {
      notes.push(`${what} is not re-adopted: the instance is no longer in the ASG`);
      continue;
    }
    if (instance.protectedFromScaleIn) {
      notes.push(`${what} is not re-adopted: the instance is protected from scale-in`);
      continue;
    }
    if (instance.lifecycleState !== 'InService') {
      notes.push(`${what} is not re-adopted: the instance is ${instance.lifecycleState}`);
      continue;
    }
    const onHost = agentsOn(addressById.get(instance.instanceId));
    if (onHost.some((a) => !ledgerAgentIds.has(a.id) && isBusy(a))) {
      notes.push(`${what} is not re-adopted: another busy agent runs on the same host`);
      continue;
    }
    candidates.push({
      instance,
      agent: agentById.get(drain.agentId) ?? null,
      reason: 'already-draining',
      runningTasks: tasksOn(onHost),
      rank: [REASON_RANK['already-draining'], drain.startedAt],
      tieBreak: 0,
      startsDrain: false,
    });
  }

  // (2)-(4) Every other instance that may go.
  const distrusted = clusterIncomplete(cluster, now, rules.unregisteredGraceSeconds);
  for (const instance of instances) {
    if (ledgerInstances.has(instance.instanceId)) continue;
    if (instance.protectedFromScaleIn) {
      skipped.protected += 1;
      continue;
    }
    if (instance.lifecycleState !== 'InService') {
      skipped.notInService += 1;
      continue;
    }
    const address = addressById.get(instance.instanceId);
    const ip = address?.privateIp ?? null;
    if (ip !== null && (instancesPerIp.get(ip) ?? 0) > 1) {
      skipped.ambiguousIp += 1;
      continue;
    }
    const onHost = agentsOn(address);

    if (onHost.length === 0) {
      const launchedAt = address?.launchedAt;
      if (ip === null || launchedAt === undefined) skipped.unregisteredUnknownLaunch += 1;
      else if (now - launchedAt <= rules.unregisteredGraceSeconds * 1000) skipped.unregisteredRecent += 1;
      else if (distrusted) skipped.unregisteredDistrusted += 1;
      else {
        candidates.push({
          instance,
          agent: null,
          reason: 'never-registered',
          runningTasks: 0,
          rank: [REASON_RANK['never-registered']],
          tieBreak: launchedAt,
          startsDrain: false,
        });
      }
      continue;
    }

    const poolAgents = onHost.filter((a) => a.pool === pool);
    if (poolAgents.length === 0) {
      skipped.otherPools += 1;
      continue;
    }
    const agent = oldestAgent(poolAgents.filter((a) => !ledgerAgentIds.has(a.id) && isUsable(a)));
    if (agent === undefined) {
      skipped.unusable += 1;
      continue;
    }
    const reserved = onHost.some(hasReserved) ? 1 : 0;
    if (!onHost.some(isBusy)) {
      candidates.push({
        instance,
        agent,
        reason: 'idle',
        runningTasks: 0,
        rank: [REASON_RANK.idle, reserved],
        tieBreak: agent.registeredAt,
        startsDrain: true,
      });
      continue;
    }
    if (rules.busyAgents === false) {
      skipped.busy += 1;
      continue;
    }
    if (now - agent.registeredAt * 1000 < rules.minAgentAgeSeconds * 1000) {
      skipped.young += 1;
      continue;
    }
    if (rules.maxTaskAgeSeconds !== undefined && oldestOn(onHost) > rules.maxTaskAgeSeconds) {
      skipped.longTasks += 1;
      continue;
    }
    const runningTasks = tasksOn(onHost);
    candidates.push({
      instance,
      agent,
      reason: 'least-work',
      runningTasks,
      rank: [REASON_RANK['least-work'], reserved, oldestOn(onHost), runningTasks, workOn(onHost)],
      tieBreak: agent.registeredAt,
      startsDrain: true,
    });
  }

  const inServiceByZone = new Map<string, number>();
  for (const instance of instances) {
    if (instance.lifecycleState !== 'InService') continue;
    inServiceByZone.set(instance.availabilityZone, (inServiceByZone.get(instance.availabilityZone) ?? 0) + 1);
  }

  const limit = Math.min(input.count, aboveMin);
  let budget = limit;
  // Drains whose instance has left the group hold no slot: only their record is left to clean up.
  const drainingInGroup = new Set(drains.filter((d) => instanceById.get(d.instanceId)?.lifecycleState === 'InService').map((d) => d.agentId)).size;
  let drainSlots = Math.max(0, rules.maxDraining - drainingInGroup);
  let tooHeavy = 0;
  let noDrainSlot = 0;
  let groupFull = 0;
  const groupRoom = new Map(input.groups?.room ?? []);
  const groupOf = (instance: AsgInstance) => input.groups?.of(instance.instanceId);
  const notAdopted: string[] = [];
  const victims: Victim[] = [];
  const remaining = [...candidates];
  while (budget > 0) {
    const next = best(remaining, inServiceByZone);
    if (next === undefined) break;
    remaining.splice(remaining.indexOf(next), 1);
    if (next.instance.weight > budget) {
      if (next.reason === 'already-draining') notAdopted.push(next.instance.instanceId);
      else tooHeavy += 1;
      continue;
    }
    const group = groupOf(next.instance);
    if (group !== undefined && next.instance.weight > (groupRoom.get(group) ?? 0)) {
      groupFull += 1;
      continue;
    }
    if (next.startsDrain && drainSlots === 0) {
      noDrainSlot += 1;
      continue;
    }
    if (next.startsDrain) drainSlots -= 1;
    if (group !== undefined) groupRoom.set(group, (groupRoom.get(group) ?? 0) - next.instance.weight);
    budget -= next.instance.weight;
    const zone = next.instance.availabilityZone;
    inServiceByZone.set(zone, (inServiceByZone.get(zone) ?? 0) - 1);
    victims.push({
      instanceId: next.instance.instanceId,
      agent: next.agent,
      reason: next.reason,
      runningTasks: next.runningTasks,
      availabilityZone: zone,
    });
  }
  for (const c of remaining) if (c.reason === 'already-draining') notAdopted.push(c.instance.instanceId);
  if (notAdopted.length > 0) {
    notes.push(`drains in progress on ${notAdopted.sort(byId).join(', ')} are not re-adopted: the plan removes less capacity than they add up to`);
  }

  const removed = limit - budget;
  if (removed < input.count) {
    notes.push(`${removed} of the ${input.count} capacity units asked for can go now`);
    if (aboveMin < input.count) notes.push(`the ASG's MinSize ${asg.minSize} leaves only ${aboveMin} above it`);
    if (noDrainSlot > 0) {
      notes.push(`${plural(noDrainSlot, 'more agent waits', 'more agents wait')}: at most ${rules.maxDraining} may drain at once and ${drainingInGroup} already ${drainingInGroup === 1 ? 'does' : 'do'}`);
    }
    if (tooHeavy > 0) notes.push(`${plural(tooHeavy, 'instance weighs', 'instances weigh')} more than the capacity left to remove`);
    if (groupFull > 0) notes.push(`${plural(groupFull, 'instance is', 'instances are')} in a group at its MinSize or with its Terminate process suspended`);
    notes.push(...skippedNotes(skipped, rules.unregisteredGraceSeconds, rules.minAgentAgeSeconds));
  }
  return { victims, notes };
}
