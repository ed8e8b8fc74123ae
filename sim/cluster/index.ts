import { DrainLog } from './drain-log.js';
import type { AsgState, InstanceAddress, ScalingActivity } from '../../shared/model/asg.js';
import type { ClusterState } from '../../shared/model/cluster.js';
import { AutoscalerError, ErrorNames } from '../../shared/model/errors.js';
import { hasAgentDrainApi } from '../../shared/mesos/maintenance.js';
import type { MachineId, MaintenanceWindow } from '../../shared/mesos/maintenance-schedule.js';
import {
  MESOS_VERSIONS,
  PLACEMENTS,
  EPOCH_MS,
  SimApiError,
  SimMesosRejected,
  SimMesosUnavailable,
  type ClusterMetrics,
  type InstanceLoad,
  type Observation,
  type ResolvedSimSettings,
  type SimCloudEvent,
  type SimCluster,
  type SimDrainOptions,
  type SimLifecycleActionRef,
  type SimMaintenanceStatus,
  type SimMasterInfo,
  type SimSettings,
  type Trace,
} from '../types.js';
import { appsOf } from './apps.js';
import {
  SimAutoScalingGroup,
  instanceNotFound,
  noActiveLifecycleAction,
  privateDnsName,
  type AccountSequences,
  type LifecycleCounts,
  type TerminationCause,
} from './auto-scaling-group.js';
import { EventQueue } from './event-queue.js';
import { FaultInjector, LEADERLESS_SECONDS, REREGISTRATION_SECONDS } from './faults.js';
import { MaintenanceState, machineKey } from './maintenance.js';
import { agentIdOf, clusterStateOf, masterInfoOf, masterVersionOf, type LeaderState } from './mesos-view.js';
import { windowMetrics } from './metrics.js';
import { drainStateOf, takesTasks, type AppState, type SimAgent, type SimInstance, type TaskRun } from './model.js';
import { poolGroups, spreadTotal } from './pool-groups.js';
import { randomStream } from './random-streams.js';
import { Scheduler } from './scheduler.js';
import { ASG_COUNT, INSTANCE_WEIGHT, LIFECYCLE_HOOK_SECONDS, withDefaults } from './setting-rules.js';

const DAY = 86_400;

function invalid(message: string): AutoscalerError {
  return new AutoscalerError(ErrorNames.InvalidInput, `simulated cluster: ${message}`);
}

function validate(trace: Trace, s: ResolvedSimSettings): void {
  if (!(s.agentCpus > 0) || !(s.agentMemMb > 0)) throw invalid(`agents need positive cpus and memory (got ${s.agentCpus} cpus, ${s.agentMemMb} MB)`);
  if (!(s.bootSeconds >= 0)) throw invalid(`bootSeconds must be 0 or more (got ${s.bootSeconds})`);
  if (!(s.faults >= 0 && s.faults <= 1)) throw invalid(`faults is a probability in [0, 1] (got ${s.faults})`);
  if (!(PLACEMENTS as readonly string[]).includes(s.placement)) throw invalid(`placement must be random, spread or binpack (got ${s.placement})`);
  const hook = s.lifecycleHookSeconds;
  if (!LIFECYCLE_HOOK_SECONDS.accepts(hook)) throw invalid(`lifecycleHookSeconds must be ${LIFECYCLE_HOOK_SECONDS.rule}, as AWS allows (got ${hook})`);
  if (!(MESOS_VERSIONS as readonly string[]).includes(s.mesosVersion)) {
    throw invalid(`mesosVersion must be one of ${MESOS_VERSIONS.join(', ')} (got ${s.mesosVersion})`);
  }
  const weight = s.instanceWeight;
  if (!INSTANCE_WEIGHT.accepts(weight)) throw invalid(`instanceWeight must be ${INSTANCE_WEIGHT.rule}, as AWS allows (got ${weight})`);
  const sizes = [s.minSize, s.maxSize, s.initialAgents];
  const initial = s.initialAgents * weight;
  if (!sizes.every((n) => Number.isInteger(n) && n >= 0) || !(s.minSize <= initial && initial <= s.maxSize)) {
    throw invalid(weight === 1
      ? `need integers 0 <= minSize <= initialAgents <= maxSize (got ${s.minSize}, ${s.initialAgents}, ${s.maxSize})`
      : `need integers 0 <= minSize <= initialAgents × instanceWeight <= maxSize (got ${s.minSize}, ${s.initialAgents} × ${weight}, ${s.maxSize})`);
  }
  if (!ASG_COUNT.accepts(s.asgCount)) throw invalid(`asgCount must be ${ASG_COUNT.rule} (got ${s.asgCount})`);
  for (const group of poolGroups(s)) {
    const units = group.initialAgents * weight;
    if (units < group.minSize || units > group.maxSize) {
      throw invalid(`group ${group.name} would start with ${group.initialAgents} × ${weight} capacity units, outside its share ${group.minSize}..${group.maxSize} of the pool's bounds`);
    }
  }
  let previous = 0;
  for (const task of trace.tasks) {
    if (!(task.t >= 0)) throw invalid(`trace ${trace.name}: task ${task.id} arrives before t = 0 (t=${task.t})`);
    if (task.t < previous) throw invalid(`trace ${trace.name} is not sorted by time at task ${task.id} (t=${task.t})`);
    previous = task.t;
  }
}

/**
 * A Mesos cluster on a pool of EC2 Auto Scaling groups in virtual time (DESIGN §6), deterministic
 * for a seed. Every event due at or before `now` has been processed whenever a method returns.
 */
class Cluster implements SimCluster {
  now = 0;
  private readonly events = new EventQueue();
  private readonly tasks: TaskRun[];
  private readonly apps: AppState[];
  private nextArrival = 0;
  private readonly scheduler: Scheduler;
  /** The pool's groups, in pool order. */
  private readonly groups: SimAutoScalingGroup[];
  /** Events of every group sent to EventBridge, oldest first, until `takeEvents`. */
  private outbox: SimCloudEvent[] = [];
  /** Flat [t, instances, t, instances, ...] of the whole pool after every change, for the peak. */
  private readonly sizeLog: number[] = [];
  private readonly faults: FaultInjector;
  private readonly leader: LeaderState = { up: true, electedAt: -DAY, failovers: 0 };
  private agentsRegistered = 0;
  private leaderLostAt = Number.NaN;
  /** When tasks were killed by injected faults (spot interruptions). */
  private readonly faultKillTimes: number[] = [];
  private readonly drains = new DrainLog();
  /** Agents marked gone: MARK_AGENT_GONE on them again succeeds, any other call finds no such agent. */
  private readonly goneAgentIds = new Set<string>();
  private readonly maintenance = new MaintenanceState();
  /** Registered agents whose machine is in the maintenance schedule (a drain by the primitives). */
  private readonly scheduled = new Set<SimAgent>();
  /** Registered agents by the key of their maintenance machine. */
  private readonly agentsByMachine = new Map<string, SimAgent>();
  /** Running instances whose agent a DOWN machine shut down or turned away, by machine key: they register again at machine/up. */
  private readonly downInstances = new Map<string, SimInstance>();
  /** Maintenance looks scheduled ahead, as `<agent seq>@<time>`: one per agent and time however often the schedule changes. */
  private readonly maintenanceWakes = new Set<string>();
  private readonly masterVersion: string;

  constructor(
    trace: Trace,
    private readonly settings: ResolvedSimSettings,
  ) {
    const clock = () => this.now;
    this.masterVersion = masterVersionOf(settings.mesosVersion);
    const { apps, appOfTask } = appsOf(trace.tasks);
    this.apps = apps;
    this.tasks = trace.tasks.map((spec, index) => ({
      spec,
      index,
      app: appOfTask[index]!,
      fixedEnd: spec.kind === 'service' ? spec.t + spec.duration : Infinity,
      state: 'future',
      agent: null,
      startedAt: Number.NaN,
      runs: 0,
      waitingSince: Number.NaN,
      waits: [],
      queueSlot: -1,
      fresh: false,
      mesos: null,
    }));
    this.faults = new FaultInjector(settings.faults, settings.seed);
    this.scheduler = new Scheduler({
      placement: settings.placement,
      random: randomStream(settings.seed, 'placement'),
      events: this.events,
      now: clock,
      agentCpus: settings.agentCpus,
      agentMemMb: settings.agentMemMb,
    });
    // One account: instance, activity and lifecycle action ids never repeat across the groups.
    const ids: AccountSequences = { instances: 0, activities: 0, lifecycleActions: 0 };
    // The groups share the termination policy's tie-breaking stream, drawn in the order they act.
    const random = randomStream(settings.seed, 'termination');
    const hooks = {
      registered: (instance: SimInstance) => this.register(instance),
      terminated: (instance: SimInstance, cause: TerminationCause) => {
        if (instance.agent === null) return;
        this.forgetMachine(instance.agent);
        this.drains.ended(instance.agent.id, this.now, 'completed');
        const agent = instance.agent;
        // Tasks EC2 took away count as lost to faults, not as killed by the autoscaler.
        this.withKillsAttributed(cause === 'spot-interruption', () => this.scheduler.removeAgent(agent));
      },
      sent: (event: SimCloudEvent) => this.outbox.push(event),
      resized: () => this.sizeLog.push(this.now, this.groups.reduce((n, g) => n + g.instances.length, 0)),
    };
    this.groups = poolGroups(settings).map((group) => new SimAutoScalingGroup({ settings, group, ids, events: this.events, now: clock, random, faults: this.faults, hooks }));
    for (const group of this.groups) group.startWith();
    this.scheduleFailover(0);
    this.runUntil(0);
  }

  advanceTo(t: number): void {
    if (!(t >= this.now)) throw invalid(`virtual time only moves forward (now ${this.now}, asked for ${t})`);
    this.runUntil(t);
    this.now = t;
  }

  describeGroups(names?: readonly string[]): AsgState[] {
    return this.groups.filter((g) => names === undefined || names.includes(g.name)).map((g) => g.describe());
  }

  activities(asgName: string, limit: number): ScalingActivity[] {
    return this.groups.find((g) => g.name === asgName)?.activities(limit) ?? [];
  }

  setDesiredCapacity(asgName: string, desired: number): void {
    this.groupNamed(asgName).setDesiredCapacity(desired);
    this.settle();
  }

  setTotalDesired(total: number): void {
    const targets = spreadTotal(this.groups, total, this.settings.instanceWeight);
    let changed = false;
    try {
      this.groups.forEach((group, i) => {
        if (targets[i] === group.desired) return;
        group.setDesiredCapacity(targets[i]!);
        changed = true;
      });
    } finally {
      if (changed) this.settle();
    }
  }

  terminateInstance(instanceId: string, decrementDesired: boolean): void {
    const group = this.groups.find((g) => g.launchedInstance(instanceId));
    if (group === undefined) throw instanceNotFound(instanceId);
    group.terminateInstance(instanceId, decrementDesired);
    this.settle();
  }

  addresses(instanceIds: readonly string[]): InstanceAddress[] {
    const out: InstanceAddress[] = [];
    for (const instanceId of instanceIds) {
      for (const group of this.groups) {
        const address = group.address(instanceId);
        if (address === undefined) continue;
        out.push(address);
        break;
      }
    }
    return out;
  }

  completeLifecycleAction(action: SimLifecycleActionRef & { result: 'CONTINUE' | 'ABANDON' }): void {
    this.actionGroup(action).completeLifecycleAction(action);
    this.settle();
  }

  recordLifecycleActionHeartbeat(action: SimLifecycleActionRef): void {
    this.actionGroup(action).recordLifecycleActionHeartbeat(action);
  }

  takeEvents(): SimCloudEvent[] {
    const events = this.outbox;
    this.outbox = [];
    return events;
  }

  mesos(): ClusterState {
    this.checkLeader();
    return clusterStateOf({ agents: this.scheduler.agents, apps: this.apps, pool: this.settings.pool, leader: this.leader, version: this.masterVersion });
  }

  checkLeader(): void {
    this.masterAnswers();
  }

  masterInfo(): SimMasterInfo {
    this.checkLeader();
    return masterInfoOf(this.leader, this.masterVersion);
  }

  deactivateAgent(agentId: string): void {
    this.knownAgent(agentId, 'DEACTIVATE_AGENT').deactivated = true;
    this.drains.started(agentId, this.now);
  }

  reactivateAgent(agentId: string): void {
    this.masterAnswers();
    this.drainApi('REACTIVATE_AGENT');
    const agent = this.scheduler.agents.find((a) => a.id === agentId);
    if (agent === undefined || !agent.deactivated) throw new SimMesosRejected(400, 'Agent is not deactivated');
    if (drainStateOf(agent) === 'DRAINING') throw new SimMesosRejected(400, 'Agent is still in the DRAINING state');
    agent.deactivated = false;
    agent.drain = null;
    this.drains.ended(agentId, this.now, 'cancelled');
    this.scheduler.markDirty(agent);
    this.settle();
  }

  drainAgent(agentId: string, options: SimDrainOptions): void {
    const agent = this.knownAgent(agentId, 'DRAIN_AGENT');
    agent.deactivated = true;
    agent.drain = { ...options };
    if (!this.interrupted(agent)) this.drains.started(agentId, this.now);
    this.drainConnected(agent);
    this.settle();
  }

  markAgentGone(agentId: string): void {
    this.masterAnswers();
    this.drainApi('MARK_AGENT_GONE');
    if (this.goneAgentIds.has(agentId)) return;
    const agent = this.scheduler.agents.find((a) => a.id === agentId);
    if (agent === undefined) throw new SimMesosRejected(404, `Agent '${agentId}' not found`);
    this.markGone(agent);
    this.settle();
  }

  maintenanceSchedule(): readonly MaintenanceWindow[] {
    this.masterAnswers();
    return this.maintenance.schedule();
  }

  updateMaintenanceSchedule(windows: MaintenanceWindow[]): void {
    this.masterAnswers();
    this.maintenance.update(windows);
    this.refreshMaintenance();
    this.settle();
  }

  machinesDown(machines: MachineId[]): void {
    this.masterAnswers();
    this.maintenance.bringDown(machines);
    // The master tells their agents to shut down: they leave it, their tasks are lost (connected or not).
    for (const machine of machines) {
      const agent = this.agentsByMachine.get(machineKey(machine));
      if (agent === undefined) continue;
      this.downInstances.set(machineKey(machine), agent.instance);
      this.forgetMachine(agent);
      this.withKillsAttributed(this.interrupted(agent), () => this.scheduler.removeAgent(agent));
    }
    this.settle();
  }

  machinesUp(machines: MachineId[]): void {
    this.masterAnswers();
    this.maintenance.bringUp(machines);
    this.refreshMaintenance();
    // The agent process, restarted by its supervisor, registers again (a new agent) on an instance still running.
    for (const machine of machines) {
      const instance = this.downInstances.get(machineKey(machine));
      this.downInstances.delete(machineKey(machine));
      if (instance === undefined || instance.state === 'Terminated') continue;
      if (instance.agent !== null) this.drains.ended(instance.agent.id, this.now, 'cancelled');
      this.register(instance);
    }
    this.settle();
  }

  maintenanceStatus(): SimMaintenanceStatus {
    this.masterAnswers();
    return this.maintenance.status();
  }

  observe(): Observation {
    let registeredAgents = 0;
    let cpusTotal = 0;
    let cpusAllocated = 0;
    let memTotalMb = 0;
    let memAllocatedMb = 0;
    for (const agent of this.scheduler.agents) {
      if (!takesTasks(agent)) continue;
      registeredAgents += 1;
      cpusTotal += agent.cpus;
      cpusAllocated += agent.usedCpus;
      memTotalMb += agent.memMb;
      memAllocatedMb += agent.usedMemMb;
    }
    const instances = this.liveInstances();
    const instanceLoads: InstanceLoad[] = instances.map((instance) => {
      const agent = instance.agent;
      const counted = agent !== null && takesTasks(agent);
      return { inServiceAt: instance.inServiceAt, cpusTotal: counted ? agent.cpus : 0, cpusAllocated: counted ? agent.usedCpus : 0 };
    });
    return {
      t: this.now,
      desired: this.groups.reduce((n, g) => n + g.desired, 0),
      instances: instances.length,
      inService: instances.reduce((n, i) => (i.state === 'InService' ? n + 1 : n), 0),
      registeredAgents,
      cpusTotal,
      cpusAllocated,
      memTotalMb,
      memAllocatedMb,
      pendingTasks: this.scheduler.waitingTasks,
      pendingCpus: this.scheduler.waitingCpus,
      instanceLoads,
    };
  }

  metrics(windowSeconds: number): ClusterMetrics {
    if (!(windowSeconds <= this.now)) throw invalid(`metrics(${windowSeconds}) needs advanceTo(${windowSeconds}) first (now ${this.now})`);
    const metrics = windowMetrics(
      {
        tasks: this.tasks,
        instances: this.groups.flatMap((g) => [...g.allInstances()]),
        killTimes: this.scheduler.killTimes,
        faultKillTimes: this.faultKillTimes,
        scaleOutTimes: this.groups.flatMap((g) => g.scaleOutTimes),
        scaleInTimes: this.groups.flatMap((g) => g.scaleInTimes),
        sizeLog: this.sizeLog,
        lifecycle: summedLifecycle(this.groups.map((g) => g.lifecycle)),
      },
      windowSeconds,
      this.drains.summary(),
    );
    // Read from the master's state, not its API: the master may be failing over at the end.
    return { ...metrics, maintenanceWindowsLeft: this.maintenance.schedule().length, machinesDownLeft: this.maintenance.status().downMachines.length };
  }

  /** The group of that name, or AWS's ValidationError. */
  private groupNamed(asgName: string): SimAutoScalingGroup {
    const group = this.groups.find((g) => g.name === asgName);
    if (group === undefined) throw new SimApiError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup '${asgName}' not found`);
    return group;
  }

  /** The group a lifecycle call names; a group that does not exist has no pending action either. */
  private actionGroup(ref: SimLifecycleActionRef): SimAutoScalingGroup {
    const group = this.groups.find((g) => g.name === ref.asgName);
    if (group === undefined) throw noActiveLifecycleAction(ref);
    return group;
  }

  /** The pool's instances not terminated, in launch order (ids are numbered in launch order across the groups). */
  private liveInstances(): SimInstance[] {
    return this.groups.flatMap((g) => g.instances).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Processes every event and arrival due at or before t, one instant at a time. */
  private runUntil(t: number): void {
    const { events, tasks, scheduler } = this;
    for (;;) {
      const time = Math.min(events.peekTime(), tasks[this.nextArrival]?.spec.t ?? Infinity);
      if (time > t) return;
      this.now = time;
      // Ends and boots first: capacity freed at an instant is there for the tasks arriving then.
      while (events.peekTime() <= time) events.pop()();
      while (this.nextArrival < tasks.length && tasks[this.nextArrival]!.spec.t <= time) scheduler.arrive(tasks[this.nextArrival++]!);
      scheduler.allocate();
    }
  }

  /** Throws SimMesosUnavailable when no master leads, or when the call fails (injected fault). */
  private masterAnswers(): void {
    if (!this.leader.up) {
      throw new SimMesosUnavailable(`no Mesos master is leading since the failover at ${new Date(EPOCH_MS + this.leaderLostAt * 1000).toISOString()}`);
    }
    if (this.faults.mesosCallFails()) throw new SimMesosUnavailable('the Mesos master did not answer in time (injected fault)');
  }

  /** A master older than 1.9 cannot parse the agent drain calls. */
  private drainApi(call: string): void {
    if (!hasAgentDrainApi(this.masterVersion)) {
      throw new SimMesosRejected(400, `Failed to convert JSON into Call protobuf: Failed to find enum for '${call}'`);
    }
  }

  /** The agent an operator call names, registered or not yet re-registered; else Mesos's 400. */
  private knownAgent(agentId: string, call: string): SimAgent {
    this.masterAnswers();
    this.drainApi(call);
    const agent = this.scheduler.agents.find((a) => a.id === agentId);
    if (agent === undefined) throw new SimMesosRejected(400, 'Unknown agent');
    return agent;
  }

  /**
   * A draining agent's tasks are killed once the master can tell it to (it is connected); the
   * model kills them at once, so the agent is DRAINED right away and, with markGone, gone.
   */
  private drainConnected(agent: SimAgent): void {
    if (agent.drain === null || agent.offline || !agent.registered) return;
    this.withKillsAttributed(this.interrupted(agent), () => this.scheduler.killTasks(agent));
    if (agent.drain.markGone) this.markGone(agent);
  }

  /** Tasks killed because of a Spot interruption (`byFault`) die because of the fault, not because of the autoscaler. */
  private withKillsAttributed(byFault: boolean, kill: () => void): void {
    const killedBefore = this.scheduler.killTimes.length;
    kill();
    if (byFault) this.faultKillTimes.push(...this.scheduler.killTimes.splice(killedBefore));
  }

  /**
   * After a change of the schedule: which agents are in it (a drain, for the metrics) and which are
   * inside their window now (Marathon declines their offers from its start to its end; times ahead
   * are looked at again when they come).
   */
  private refreshMaintenance(): void {
    const affected = new Set(this.scheduled);
    for (const key of this.maintenance.scheduledKeys()) {
      const agent = this.agentsByMachine.get(key);
      if (agent !== undefined) affected.add(agent);
    }
    for (const agent of affected) this.refreshAgentMaintenance(agent);
  }

  /** The agent left the master: its machine no longer names it. */
  private forgetMachine(agent: SimAgent): void {
    this.scheduled.delete(agent);
    const key = machineKey(machineOf(agent));
    if (this.agentsByMachine.get(key) === agent) this.agentsByMachine.delete(key);
  }

  private refreshAgentMaintenance(agent: SimAgent): void {
    if (!agent.registered) return;
    const window = this.maintenance.windowOf(machineOf(agent));
    if (window === null) {
      // Put back into service by the primitives: the drain is cancelled.
      if (this.scheduled.delete(agent)) this.drains.ended(agent.id, this.now, 'cancelled');
    } else if (!this.scheduled.has(agent)) {
      this.scheduled.add(agent);
      if (!this.interrupted(agent)) this.drains.started(agent.id, this.now);
    }
    const start = window === null ? Infinity : virtualSeconds(window.startNs);
    const end = window === null || window.durationNs === null ? Infinity : virtualSeconds(window.startNs + window.durationNs);
    // Windows are written to the millisecond: one starting "now" has started.
    const declined = this.now >= start - MS && this.now < end;
    if (agent.inMaintenance && !declined) this.scheduler.markDirty(agent);
    agent.inMaintenance = declined;
    const next = this.now < start ? start : this.now < end ? end : Infinity;
    if (Number.isFinite(next)) this.wakeForMaintenance(agent, next);
  }

  /** Looks at the agent's maintenance again at `at`; a second look at the same time would change nothing. */
  private wakeForMaintenance(agent: SimAgent, at: number): void {
    const key = `${agent.seq}@${at}`;
    if (this.maintenanceWakes.has(key)) return;
    this.maintenanceWakes.add(key);
    this.events.schedule(at, () => {
      this.maintenanceWakes.delete(key);
      this.refreshAgentMaintenance(agent);
    });
  }

  /** The agent's instance has received a Spot interruption warning. */
  private interrupted(agent: SimAgent): boolean {
    return this.groups.some((g) => g.isWarned(agent.instance));
  }


  private markGone(agent: SimAgent): void {
    this.goneAgentIds.add(agent.id);
    this.forgetMachine(agent);
    this.scheduler.removeAgent(agent);
  }

  /** After an API call changed the cluster at `now`. */
  private settle(): void {
    this.scheduler.allocate();
    this.runUntil(this.now);
  }

  private register(instance: SimInstance): void {
    const machine = machineOf({ instance });
    // The master refuses an agent of a DOWN machine: it shuts down again.
    if (this.maintenance.isDown(machine)) {
      this.downInstances.set(machineKey(machine), instance);
      return;
    }
    const seq = this.agentsRegistered++;
    const agent: SimAgent = {
      id: agentIdOf(seq),
      seq,
      instance,
      cpus: this.settings.agentCpus,
      memMb: this.settings.agentMemMb,
      usedCpus: 0,
      usedMemMb: 0,
      tasks: new Set(),
      registeredAt: this.now,
      registered: true,
      deactivated: false,
      drain: null,
      inMaintenance: false,
      offline: false,
      dirty: false,
    };
    instance.agent = agent;
    this.scheduler.addAgent(agent);
    this.agentsByMachine.set(machineKey(machine), agent);
    this.refreshAgentMaintenance(agent);
  }

  /**
   * A master failover: no leader for 30 s (no API, no offers), then a random half of the agents
   * stay unregistered for 5 minutes (they keep running their tasks but get no new ones). The next
   * failover is drawn once agents have re-registered.
   */
  private scheduleFailover(after: number): void {
    const at = this.faults.nextFailover(after);
    if (!Number.isFinite(at)) return;
    this.events.schedule(at, () => {
      this.leader.up = false;
      this.leaderLostAt = at;
      this.scheduler.suspended = true;
      this.events.schedule(at + LEADERLESS_SECONDS, () => this.elect(at));
    });
  }

  private elect(failoverAt: number): void {
    this.leader.up = true;
    this.leader.electedAt = failoverAt;
    this.leader.failovers += 1;
    this.scheduler.suspended = false;
    const missing = this.faults.pickHalf(this.scheduler.agents);
    for (const agent of missing) agent.offline = true;
    this.events.schedule(failoverAt + LEADERLESS_SECONDS + REREGISTRATION_SECONDS, () => {
      for (const agent of missing) {
        agent.offline = false;
        if (agent.registered) this.scheduler.markDirty(agent);
        this.drainConnected(agent);
      }
      this.scheduleFailover(this.now);
    });
  }
}

function summedLifecycle(counts: readonly LifecycleCounts[]): LifecycleCounts {
  const sum = (key: keyof LifecycleCounts) => counts.reduce((n, c) => n + c[key], 0);
  return { started: sum('started'), completed: sum('completed'), timedOut: sum('timedOut'), heartbeats: sum('heartbeats') };
}

/** The maintenance machine of an agent: its registered hostname and IP. */
function machineOf(agent: Pick<SimAgent, 'instance'>): MachineId {
  const ip = agent.instance.privateIp;
  return { hostname: privateDnsName(ip), ip };
}

const MS = 0.001;

/** Virtual seconds of an instant given in epoch nanoseconds. */
function virtualSeconds(ns: bigint): number {
  return Number(ns / 1_000_000n - BigInt(EPOCH_MS)) / 1000;
}

export function createSimCluster(trace: Trace, settings: SimSettings): SimCluster {
  const resolved = withDefaults(settings);
  validate(trace, resolved);
  return new Cluster(trace, resolved);
}
