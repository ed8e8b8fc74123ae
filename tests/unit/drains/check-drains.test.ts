import { checkDrains } from '../../../shared/drains/check-drains.js';
import type { DrainRecord } from '../../../shared/aws/ports.js';
import type { ActionResult } from '../../../shared/model/plan.js';
import type { DrainCheckInput } from '../../../shared/model/workflow.js';
import { agent, cluster, drainRecord, idOf, plan, task } from '../../support/fakes.js';

const DEADLINE = 1_700_003_600_000;
const BEFORE = DEADLINE - 1;

/** This execution's scale-in drained agents `agent-<n>` for each n. */
function input(ns: number[], checks = 0): DrainCheckInput {
  const action: ActionResult = {
    pool: 'batch', asgNames: ['asg-batch'], action: 'scale-in', before: 5, after: 5, terminatedInstanceIds: [],
    drains: ns.map((n) => ({ agentId: `agent-${n}`, instanceId: idOf(n), runningTasks: 1, reason: 'least-work' })),
    reactivated: [], dryRun: false, detail: '',
  };
  return { plan: plan({ action: 'scale-in', fromDesired: 5, targetDesired: 5 - ns.length }), action, checks };
}

const ours = (...ns: number[]): DrainRecord[] => ns.map((n) => drainRecord(n, { deadline: DEADLINE }));

it('finds an agent that runs no task any more ready', () => {
  const result = checkDrains(input([1, 2]), ours(1, 2), cluster([agent(1), agent(2)], [task('agent-2')]), BEFORE);
  expect(result).toMatchObject({ ready: ['agent-1'], expired: [], waiting: ['agent-2'], released: [], done: false });
});

it('trusts the tasks over a DRAINED flag: a host that still lists a task is not ready', () => {
  const result = checkDrains(input([1]), ours(1), cluster([agent(1, { drainState: 'DRAINED' })], [task('agent-1')]), BEFORE);
  expect(result.ready).toEqual([]);
  expect(result.waiting).toEqual(['agent-1']);
});

it('waits while another agent on the same host runs a task (re-registered under a new id)', () => {
  const result = checkDrains(input([1]), ours(1), cluster([agent(1, { id: 'agent-1-new' })], [task('agent-1-new')]), BEFORE);
  expect(result.ready).toEqual([]);
  expect(result.waiting).toEqual(['agent-1']);
});

it('counts an agent that is gone from Mesos as ready', () => {
  const result = checkDrains(input([1]), ours(1), cluster([agent(2)], [task('agent-2')]), BEFORE);
  expect(result.ready).toEqual(['agent-1']);
});

it('waits for an agent that has not re-registered since a failover: its host only looks empty, even past the deadline', () => {
  const state = cluster([agent(2)], [], { recoveredAgentIds: ['agent-1'] });
  const result = checkDrains(input([1]), ours(1), state, DEADLINE);
  expect(result).toMatchObject({ ready: [], expired: [], waiting: ['agent-1'], done: false });
  expect(result.detail).toBe('agent-1 not re-registered since a master failover: its tasks cannot be seen yet');
});

it('finds a busy agent expired at its deadline, and waiting just before', () => {
  const state = cluster([agent(1)], [task('agent-1')]);
  expect(checkDrains(input([1]), ours(1), state, DEADLINE)).toMatchObject({ expired: ['agent-1'], waiting: [], ready: [] });
  expect(checkDrains(input([1]), ours(1), state, BEFORE)).toMatchObject({ expired: [], waiting: ['agent-1'], ready: [] });
});

it('prefers ready to expired for an agent that emptied after its deadline', () => {
  const result = checkDrains(input([1]), ours(1), cluster([agent(1)]), DEADLINE + 60_000);
  expect(result).toMatchObject({ ready: ['agent-1'], expired: [] });
});

it('releases a drain the ledger no longer records, or records for another execution', () => {
  const ledger = [drainRecord(2, { executionId: 'exec-2', deadline: DEADLINE })];
  const result = checkDrains(input([1, 2]), ledger, cluster([agent(1), agent(2)], [task('agent-1'), task('agent-2')]), BEFORE);
  expect(result).toMatchObject({ ready: [], expired: [], waiting: [], released: ['agent-1', 'agent-2'], done: true });
  expect(result.detail).toBe('every drain of this run has ended');
});

it('is done when the action drained nothing', () => {
  expect(checkDrains(input([]), [], cluster([]), BEFORE)).toMatchObject({ done: true, ready: [], released: [] });
});

it('counts the checks and describes what it found', () => {
  const state = cluster([agent(1), agent(2), agent(3), agent(4)], [task('agent-2', 1), task('agent-2', 2), task('agent-3')]);
  const ledger = [...ours(1, 2), drainRecord(3, { deadline: BEFORE - 60_000 })];

  const result = checkDrains(input([1, 2, 3, 4], 4), ledger, state, BEFORE);

  expect(result).toMatchObject({ checks: 5, ready: ['agent-1'], waiting: ['agent-2'], expired: ['agent-3'], released: ['agent-4'], done: false });
  expect(result.detail).toBe('1 empty; 1 past the deadline; still running tasks: agent-2 (2 tasks); 1 finished or released');
});
