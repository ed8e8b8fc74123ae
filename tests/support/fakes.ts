import type { AsgInstance, AsgState, InstanceAddress } from '../../shared/model/asg.js';
import type { ClusterState, MesosAgent, MesosTask } from '../../shared/model/cluster.js';
import type { Plan } from '../../shared/model/plan.js';
import { ZERO_RESOURCES, resources } from '../../shared/model/resources.js';
import type { AutoScalingPort, DrainLedgerPort, DrainRecord, InstancePort } from '../../shared/aws/ports.js';
import type { MesosMaintenance, PoolMachine } from '../../shared/mesos/maintenance-port.js';
import type { MesosReader } from '../../shared/mesos/port.js';

/** Instance `i-<n>` lives at `10.0.0.<n>`. */
export const ipOf = (n: number) => `10.0.0.${n}`;
export const idOf = (n: number) => `i-${String(n).padStart(3, '0')}`;

export function agent(n: number, extra: Partial<MesosAgent> = {}): MesosAgent {
  return {
    id: `agent-${n}`,
    pid: `slave(1)@${ipOf(n)}:5051`,
    hostname: `ip-10-0-0-${n}.internal`,
    ip: ipOf(n),
    attributes: { pool: 'batch' },
    pool: 'batch',
    total: resources({ cpus: 4, mem: 16384, disk: 100000 }),
    used: ZERO_RESOURCES,
    offered: ZERO_RESOURCES,
    reserved: ZERO_RESOURCES,
    active: true,
    deactivated: false,
    drainState: null,
    registeredAt: 1_700_000_000 + n,
    version: '1.9.0',
    zone: null,
    ...extra,
  };
}

export function task(agentId: string, n = 1): MesosTask {
  return {
    id: `task-${agentId}-${n}`,
    name: 'worker',
    frameworkId: 'fw-1',
    frameworkName: 'marathon',
    agentId,
    state: 'TASK_RUNNING',
    resources: resources({ cpus: 1, mem: 1024 }),
    appId: '/worker',
    startedAt: 1_700_000_100,
  };
}

export function cluster(agents: MesosAgent[], tasks: MesosTask[] = [], extra: Partial<ClusterState> = {}): ClusterState {
  return {
    leaderUrl: 'http://10.0.0.250:5050',
    masterVersion: '1.9.0',
    electedAt: 1_699_999_000,
    agents,
    recoveredAgentIds: [],
    tasks,
    marathon: null,
    ...extra,
  };
}

export function instance(n: number, extra: Partial<AsgInstance> = {}): AsgInstance {
  return {
    instanceId: idOf(n),
    availabilityZone: 'eu-west-1a',
    lifecycleState: 'InService',
    healthStatus: 'Healthy',
    protectedFromScaleIn: false,
    weight: 1,
    instanceType: 'm5.xlarge',
    ...extra,
  };
}

export function asg(instances: AsgInstance[], extra: Partial<AsgState> = {}): AsgState {
  return {
    name: 'asg-batch',
    minSize: 0,
    maxSize: 20,
    desiredCapacity: instances.reduce((sum, i) => sum + i.weight, 0),
    instances,
    suspendedProcesses: [],
    tags: {},
    ...extra,
  };
}

export function plan(extra: Partial<Plan> = {}): Plan {
  return {
    pool: 'batch',
    asgNames: ['asg-batch'],
    action: 'none',
    fromDesired: 3,
    targetDesired: 3,
    reasons: ['test'],
    signals: [],
    boundBy: null,
    dryRun: false,
    computedAt: 1_700_000_500_000,
    executionId: 'exec-1',
    reactivate: [],
    drain: {
      busyAgents: true, maxDraining: 5, checkSeconds: 30, deadlineSeconds: 3600, forceAtDeadline: false,
      graceSeconds: 300, markGone: true, minAgentAgeSeconds: 0, unregisteredGraceSeconds: 900,
    },
    ...extra,
  };
}

/** ASGs that behave like AWS for the calls the autoscaler makes, recording every mutation. */
export class FakeAutoScaling implements AutoScalingPort {
  readonly calls: string[] = [];
  /** Also records every mutation, when shared with another fake, to see the order of calls across them. */
  journal: string[] | null = null;
  /** Errors thrown by the next terminate calls, in order (undefined: succeed). */
  terminateErrors: Array<Error | undefined> = [];
  setDesiredError: Error | undefined;
  /** The first group, then the others of a pool of several. */
  groups: AsgState[];

  constructor(group: AsgState, ...others: AsgState[]) {
    this.groups = [group, ...others];
  }

  /** The first group (the only one in most tests). */
  get group(): AsgState {
    return this.groups[0]!;
  }

  set group(group: AsgState) {
    this.groups[0] = group;
  }

  async describeGroups(names: string[]): Promise<AsgState[]> {
    return this.groups.filter((g) => names.includes(g.name)).map((g) => structuredClone(g));
  }

  /** None, unless a test sets its own. */
  recentActivities: AutoScalingPort['recentActivities'] = async () => [];

  async setDesiredCapacity(asgName: string, desired: number): Promise<void> {
    if (this.setDesiredError) throw this.setDesiredError;
    const index = this.groups.findIndex((g) => g.name === asgName);
    if (index < 0) throw new Error(`fake ASG: unknown group ${asgName}`);
    this.calls.push(`set ${asgName} ${desired}`);
    this.journal?.push(`set ${asgName} ${desired}`);
    this.groups[index] = { ...this.groups[index]!, desiredCapacity: desired };
  }

  async terminateInstanceAndDecrement(instanceId: string): Promise<void> {
    const error = this.terminateErrors.shift();
    if (error) throw error;
    const index = this.groups.findIndex((g) => g.instances.some((i) => i.instanceId === instanceId));
    const group = this.groups[index];
    const victim = group?.instances.find((i) => i.instanceId === instanceId);
    if (!group || !victim) throw new Error(`fake ASG: unknown instance ${instanceId}`);
    if (group.desiredCapacity - victim.weight < group.minSize) throw new Error(`fake ASG: ${group.name} would go below its MinSize`);
    this.calls.push(`terminate ${instanceId}`);
    this.journal?.push(`terminate ${instanceId}`);
    this.groups[index] = {
      ...group,
      desiredCapacity: group.desiredCapacity - victim.weight,
      instances: group.instances.filter((i) => i.instanceId !== instanceId),
    };
  }

  get terminated(): string[] {
    return this.calls.filter((c) => c.startsWith('terminate ')).map((c) => c.slice('terminate '.length));
  }
}

/** EC2 addresses following `idOf`/`ipOf`, unless given explicitly. */
export class FakeInstances implements InstancePort {
  readonly asked: string[][] = [];
  constructor(private readonly explicit: Map<string, InstanceAddress> = new Map()) {}

  async addresses(instanceIds: string[]): Promise<InstanceAddress[]> {
    this.asked.push(instanceIds);
    return instanceIds.map((id) => {
      const known = this.explicit.get(id);
      if (known) return known;
      const n = Number(id.slice(2));
      return { instanceId: id, privateIp: ipOf(n), privateDnsName: `ip-10-0-0-${n}.internal` };
    });
  }
}

export class FakeMesos implements MesosReader {
  reads = 0;
  /** States Mesos moves to, one per read: each read returns `state`, then `state` becomes the next of these. */
  readonly later: ClusterState[] = [];
  constructor(public state: ClusterState) {}

  async readCluster(): Promise<ClusterState> {
    this.reads += 1;
    const read = structuredClone(this.state);
    this.state = this.later.shift() ?? this.state;
    return read;
  }
}

export type MaintenanceOp = 'soft' | 'hard' | 'cancel' | 'cleanUp' | 'machines' | 'release';

/**
 * Mesos maintenance that records every call as `<op> <agent id> <options>`, e.g.
 * `soft agent-1 window=3600`, `hard agent-1 grace=300 gone=true`, `cancel agent-1`, `cleanUp agent-1 gone=true`.
 */
export class FakeMaintenance implements MesosMaintenance {
  readonly calls: string[] = [];
  /** Also records every call, when shared with another fake, to see the order of calls across them. */
  journal: string[] | null = null;
  /** Errors thrown by the next calls of an operation, in order (undefined: succeed); a failed call is not recorded. */
  readonly errors: Partial<Record<MaintenanceOp, Array<Error | undefined>>> = {};
  /** The machines `machinesInMaintenance` lists (any pool); released ones leave it. */
  machines: PoolMachine[] = [];

  private record(op: MaintenanceOp, call: string): void {
    const error = this.errors[op]?.shift();
    if (error) throw error;
    this.calls.push(call);
    this.journal?.push(call);
  }

  async startSoftDrain(agent: MesosAgent, options: { windowSeconds: number }): Promise<void> {
    this.record('soft', `soft ${agent.id} window=${options.windowSeconds}`);
  }

  async startHardDrain(agent: MesosAgent, options: { maxGracePeriodSeconds: number; markGone: boolean }): Promise<void> {
    this.record('hard', `hard ${agent.id} grace=${options.maxGracePeriodSeconds} gone=${options.markGone}`);
  }

  async cancelDrain(agent: MesosAgent): Promise<void> {
    this.record('cancel', `cancel ${agent.id}`);
  }

  async cleanUp(agent: MesosAgent, options: { markGone: boolean }): Promise<void> {
    this.record('cleanUp', `cleanUp ${agent.id} gone=${options.markGone}`);
  }

  /** Agents whose machine is in maintenance until the epoch ms given (as on an older master). */
  readonly windowEnds = new Map<string, number>();
  /** The `until` of every `isOutOfService` question, in order. */
  readonly asked: number[] = [];

  /** Reads: not recorded as calls. From `windowEnds`, else as Mesos ≥ 1.9 tells it, from the agent. */
  async isOutOfService(agent: MesosAgent, until: number): Promise<boolean> {
    this.asked.push(until);
    const end = this.windowEnds.get(agent.id);
    return end === undefined ? agent.deactivated || agent.drainState !== null : end >= until;
  }

  async machinesInMaintenance(): Promise<PoolMachine[]> {
    const error = this.errors.machines?.shift();
    if (error) throw error;
    return this.machines.map((m) => ({ ...m }));
  }

  /** Recorded as `release <pool> <ip>[@<since>],…`. */
  async releaseMachines(pool: string, machines: ReadonlyArray<Omit<PoolMachine, 'since'> & { since?: number }>): Promise<void> {
    this.record('release', `release ${pool} ${machines.map((m) => (m.since === undefined ? m.ip : `${m.ip}@${m.since}`)).join(',')}`);
    this.machines = this.machines.filter((k) => !machines.some((m) => m.ip === k.ip));
  }

  /** Agent ids of the recorded calls of one operation, in call order. */
  agentIds(op: MaintenanceOp): string[] {
    return this.calls.filter((c) => c.startsWith(`${op} `)).map((c) => c.split(' ')[1] ?? '');
  }
}

/** Drain `agent-<n>` on instance `i-<n>` (see `agent`), owned by `executionId`. */
export function drainRecord(n: number, extra: Partial<DrainRecord> = {}): DrainRecord {
  return {
    pool: 'batch',
    agentId: `agent-${n}`,
    instanceId: idOf(n),
    hostname: `ip-10-0-0-${n}.internal`,
    ip: ipOf(n),
    executionId: 'exec-1',
    startedAt: 1_700_000_000_000,
    deadline: 1_700_003_600_000,
    mode: 'soft',
    ...extra,
  };
}

/** An in-memory drain ledger, one record per pool and agent like the DynamoDB one. */
export class FakeLedger implements DrainLedgerPort {
  private readonly byPool = new Map<string, DrainRecord[]>();

  constructor(records: readonly DrainRecord[] = []) {
    for (const r of records) this.store(r);
  }

  private store(record: DrainRecord): void {
    const others = (this.byPool.get(record.pool) ?? []).filter((d) => d.agentId !== record.agentId);
    this.byPool.set(record.pool, [...others, structuredClone(record)]);
  }

  async list(pool: string): Promise<DrainRecord[]> {
    return structuredClone(this.byPool.get(pool) ?? []);
  }

  async put(record: DrainRecord): Promise<void> {
    this.store(record);
  }

  async remove(pool: string, agentId: string): Promise<void> {
    this.byPool.set(pool, (this.byPool.get(pool) ?? []).filter((d) => d.agentId !== agentId));
  }

  /** Every record of every pool. */
  get records(): DrainRecord[] {
    return [...this.byPool.values()].flat();
  }

  find(agentId: string): DrainRecord | undefined {
    return this.records.find((d) => d.agentId === agentId);
  }
}
