import type { Random } from '../random.js';
import type { Placement } from '../types.js';
import type { EventQueue } from './event-queue.js';
import { fits, takesTasks, type SimAgent, type TaskRun } from './model.js';
import { AgentChooser } from './placement.js';
import { WaitingQueue } from './waiting-queue.js';

export interface SchedulerOptions {
  placement: Placement;
  random: Random;
  events: EventQueue;
  now: () => number;
  /** Shape of every agent: a task larger than that can never start and skips the queue. */
  agentCpus: number;
  agentMemMb: number;
}

function byArrival(a: TaskRun, b: TaskRun): number {
  return a.index - b.index;
}

function byRegistration(a: SimAgent, b: SimAgent): number {
  return a.seq - b.seq;
}

function anyFits(agents: readonly SimAgent[], cpus: number, memMb: number): boolean {
  for (const agent of agents) if (takesTasks(agent) && fits(agent, cpus, memMb)) return true;
  return false;
}

/**
 * Mesos and Marathon placing tasks on agents. Placement runs on arrivals and when capacity frees
 * up, never by polling. After each allocation no waiting task fits on any agent, so when capacity
 * grows only the agents it grew on ("dirty") need to be tried for tasks that were already waiting;
 * tasks that arrive (or are re-queued) are tried against every agent once.
 */
export class Scheduler {
  /** Registered agents, in registration order. */
  readonly agents: SimAgent[] = [];
  /** When tasks were killed by terminations (for the metrics). */
  readonly killTimes: number[] = [];
  /** No leading master: nothing is offered, so nothing starts. */
  suspended = false;
  waitingTasks = 0;
  waitingCpus = 0;

  private readonly queue = new WaitingQueue();
  /** Waiting tasks larger than an agent. */
  private fresh: TaskRun[] = [];
  private dirty: SimAgent[] = [];
  private readonly chooser: AgentChooser;

  constructor(private readonly options: SchedulerOptions) {
    this.chooser = new AgentChooser(options.placement, options.random);
  }

  arrive(task: TaskRun): void {
    this.enterWaiting(task);
  }

  addAgent(agent: SimAgent): void {
    this.agents.push(agent);
    this.markDirty(agent);
  }

  /** The agent's instance is gone, or the agent was marked gone: its tasks are killed and wait again. */
  removeAgent(agent: SimAgent): void {
    const at = this.agents.indexOf(agent);
    if (at >= 0) this.agents.splice(at, 1);
    agent.registered = false;
    this.killTasks(agent);
  }

  /** Kills the agent's tasks (kills the autoscaler caused, for the metrics); they wait again. */
  killTasks(agent: SimAgent): void {
    const now = this.options.now();
    for (const task of [...agent.tasks]) {
      this.release(task);
      this.killTimes.push(now);
      this.enterWaiting(task);
    }
  }

  markDirty(agent: SimAgent): void {
    if (agent.dirty) return;
    agent.dirty = true;
    this.dirty.push(agent);
  }

  /** Starts every waiting task that fits somewhere, in arrival order. */
  allocate(): void {
    if (this.suspended) return;
    const fresh = this.fresh.filter((t) => t.fresh && t.state === 'waiting').sort(byArrival);
    this.fresh = [];
    const dirty = this.dirty
      .filter((a) => {
        a.dirty = false;
        return takesTasks(a);
      })
      .sort(byRegistration);
    this.dirty = [];
    if (fresh.every((t) => this.queue.isNewerThanAll(t))) {
      this.tryQueued(dirty);
      for (const task of fresh) {
        task.fresh = false;
        const agent = this.chooser.choose(this.agents, task.spec.cpus, task.spec.memMb);
        if (agent === null) this.queue.push(task);
        else this.start(task, agent);
      }
    } else {
      this.tryMerged(fresh, dirty);
    }
  }

  /** Tasks already waiting, against the agents whose capacity grew; stops once they fit nothing. */
  private tryQueued(dirty: readonly SimAgent[]): void {
    const queue = this.queue;
    if (dirty.length === 0 || queue.size === 0 || !anyFits(dirty, queue.minCpus, queue.minMemMb)) return;
    queue.sweep((task) => {
      const agent = this.chooser.choose(dirty, task.spec.cpus, task.spec.memMb);
      if (agent === null) return true;
      this.start(task, agent);
      return queue.size > 0 && anyFits(dirty, queue.minCpus, queue.minMemMb);
    });
  }

  /** Re-queued tasks older than some waiting ones: one pass over the whole queue in arrival order. */
  private tryMerged(fresh: TaskRun[], dirty: readonly SimAgent[]): void {
    const queue = this.queue;
    queue.merge(fresh);
    let dirtyMayFit = anyFits(dirty, queue.minCpus, queue.minMemMb);
    queue.sweep((task) => {
      const wasFresh = task.fresh;
      task.fresh = false;
      if (!wasFresh && !dirtyMayFit) return true;
      const agent = this.chooser.choose(wasFresh ? this.agents : dirty, task.spec.cpus, task.spec.memMb);
      if (agent !== null) {
        this.start(task, agent);
        dirtyMayFit = anyFits(dirty, queue.minCpus, queue.minMemMb);
      }
      return true;
    });
  }

  private enterWaiting(task: TaskRun): void {
    const now = this.options.now();
    if (task.spec.kind === 'service' && task.fixedEnd <= now) {
      // Its service window is over before it could run at all.
      task.state = task.runs > 0 ? 'done' : 'dropped';
      return;
    }
    task.state = 'waiting';
    task.waitingSince = now;
    task.app.waiting += 1;
    this.waitingTasks += 1;
    this.waitingCpus += task.spec.cpus;
    if (task.spec.kind === 'service') this.options.events.schedule(task.fixedEnd, () => this.expire(task));
    // A task bigger than an agent can never start: it waits, but is never tried.
    if (task.spec.cpus <= this.options.agentCpus && task.spec.memMb <= this.options.agentMemMb) {
      task.fresh = true;
      this.fresh.push(task);
    }
  }

  private leaveWaiting(task: TaskRun): void {
    const now = this.options.now();
    if (now > task.waitingSince) task.waits.push(task.waitingSince, now);
    task.waitingSince = Number.NaN;
    task.fresh = false;
    task.app.waiting -= 1;
    this.waitingTasks -= 1;
    this.waitingCpus = this.waitingTasks === 0 ? 0 : this.waitingCpus - task.spec.cpus;
    if (task.queueSlot >= 0) this.queue.remove(task);
  }

  private start(task: TaskRun, agent: SimAgent): void {
    const now = this.options.now();
    this.leaveWaiting(task);
    task.state = 'running';
    task.agent = agent;
    task.startedAt = now;
    task.runs += 1;
    task.mesos = null;
    agent.usedCpus += task.spec.cpus;
    agent.usedMemMb += task.spec.memMb;
    agent.tasks.add(task);
    const run = task.runs;
    const end = task.spec.kind === 'service' ? task.fixedEnd : now + task.spec.duration;
    this.options.events.schedule(end, () => this.finish(task, run));
  }

  private finish(task: TaskRun, run: number): void {
    if (task.state !== 'running' || task.runs !== run) return;
    const agent = task.agent!;
    this.release(task);
    task.state = 'done';
    if (agent.registered) this.markDirty(agent);
  }

  /** A waiting service task reached its fixed end: dropped, never run (or not run again). */
  private expire(task: TaskRun): void {
    if (task.state !== 'waiting') return;
    this.leaveWaiting(task);
    task.state = task.runs > 0 ? 'done' : 'dropped';
  }

  private release(task: TaskRun): void {
    const agent = task.agent!;
    agent.tasks.delete(task);
    if (agent.tasks.size === 0) {
      agent.usedCpus = 0;
      agent.usedMemMb = 0;
    } else {
      agent.usedCpus -= task.spec.cpus;
      agent.usedMemMb -= task.spec.memMb;
    }
    task.agent = null;
    task.mesos = null;
  }
}
