import type { MesosAgent, MesosTask } from '../model/cluster.js';
import { JsonScanner, jsonKey, missing, type JsonBody } from './json-scan.js';
import { createAppIdResolver } from './marathon-task-id.js';
import { scanAgents, scanRecoveredIds, type AgentList } from './parse-agents.js';
import { scanFrameworks, scanTasks } from './parse-frameworks.js';
import { parsePayload } from './shape.js';

/** Who wrote a state, and who it says leads (`master@ip:port` UPIDs). `leader` is absent while no leader is elected. */
export interface StateLeadership {
  pid: string;
  leader: string | null;
}

export interface MasterState extends AgentList, StateLeadership {
  tasks: MesosTask[];
  version: string | null;
  /** Epoch seconds; absent on a master that is not (yet) elected. */
  electedAt: number | null;
}

const PID = jsonKey('pid');
const LEADER = jsonKey('leader');
const VERSION = jsonKey('version');
const ELECTED_TIME = jsonKey('elected_time');
const SLAVES = jsonKey('slaves');
const RECOVERED_SLAVES = jsonKey('recovered_slaves');
const FRAMEWORKS = jsonKey('frameworks');
const ORPHAN_TASKS = jsonKey('orphan_tasks');

/**
 * `orphan_tasks` (≤1.1): tasks of frameworks that have not re-registered since a failover. They
 * still hold resources on their agents, so live ones are kept; their framework's name is unknown
 * until it re-registers, so its id stands in for it (app id `<framework id>:<task name>`).
 */
function nameOrphans(orphans: MesosTask[]): void {
  for (const task of orphans) {
    task.frameworkName = task.frameworkId;
    task.appId = `${task.frameworkId}:${task.name}`;
  }
}

/**
 * Pure entry point for a `/master/state` or `/master/state.json` body (the fallback for masters
 * without `/master/frameworks`): agents, live tasks, version, election time, and `pid`/`leader`,
 * which the caller must compare (≤0.28 standbys serve their own, empty, state).
 */
export function parseMasterState(body: JsonBody, poolAttribute: string, source = '/master/state'): MasterState {
  return parsePayload(source, () => {
    const s = new JsonScanner(body, source);
    const tasks: MesosTask[] = [];
    const orphans: MesosTask[] = [];
    let pid: string | null = null;
    let leader: string | null = null;
    let version: string | null = null;
    let electedAt: number | null = null;
    let agents: MesosAgent[] | null = null;
    let recoveredAgentIds: string[] = [];
    let sawFrameworks = false;
    s.openObject('(top level)');
    while (s.nextKey()) {
      if (s.keyIs(PID)) pid = s.string('pid');
      else if (s.keyIs(LEADER)) leader = s.string('leader');
      else if (s.keyIs(VERSION)) version = s.string('version');
      else if (s.keyIs(ELECTED_TIME)) electedAt = s.number('elected_time');
      else if (s.keyIs(SLAVES)) agents = scanAgents(s, poolAttribute);
      else if (s.keyIs(RECOVERED_SLAVES)) recoveredAgentIds = scanRecoveredIds(s);
      else if (s.keyIs(FRAMEWORKS)) {
        scanFrameworks(s, createAppIdResolver(), tasks);
        sawFrameworks = true;
      } else if (s.keyIs(ORPHAN_TASKS)) scanTasks(s, 'orphan_tasks', true, orphans);
      else s.skip();
    }
    s.finish();
    if (pid === null) throw missing('pid', 'a string');
    if (agents === null) throw missing('slaves', 'an array');
    if (!sawFrameworks) throw missing('frameworks', 'an array');
    nameOrphans(orphans);
    for (const orphan of orphans) tasks.push(orphan);
    return { pid, leader, agents, recoveredAgentIds, tasks, version, electedAt };
  });
}
