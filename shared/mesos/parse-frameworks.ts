import type { MesosTask, MesosTaskState } from '../model/cluster.js';
import type { Resources } from '../model/resources.js';
import { JsonScanner, jsonKey, missing, type JsonBody } from './json-scan.js';
import { createAppIdResolver } from './marathon-task-id.js';
import { scanResources } from './parse-resources.js';
import { parsePayload, within } from './shape.js';

export type AppIdResolver = (taskId: string) => string | null;

/** Tasks that hold, or are about to hold, resources on their agent; every other state is terminal or unreachable. */
const LIVE_STATES: readonly MesosTaskState[] = ['TASK_RUNNING', 'TASK_STAGING', 'TASK_STARTING', 'TASK_KILLING'];
const LIVE_STATE_BYTES = LIVE_STATES.map(jsonKey);

const ID = jsonKey('id');
const NAME = jsonKey('name');
const FRAMEWORK_ID = jsonKey('framework_id');
const SLAVE_ID = jsonKey('slave_id');
const STATE = jsonKey('state');
const RESOURCES = jsonKey('resources');
const STATUSES = jsonKey('statuses');
const TIMESTAMP = jsonKey('timestamp');
const TASKS = jsonKey('tasks');
const FRAMEWORKS = jsonKey('frameworks');

/** Earliest status timestamp (float seconds): when the task was first reported, i.e. started. */
function scanEarliestStatus(s: JsonScanner): number | null {
  let earliest: number | null = null;
  let index = 0;
  s.openArray('statuses');
  while (s.nextElement()) {
    try {
      s.openObject('');
      while (s.nextKey()) {
        if (s.keyIs(TIMESTAMP)) {
          const t = s.number('timestamp');
          if (earliest === null || t < earliest) earliest = t;
        } else {
          s.skip();
        }
      }
    } catch (error) {
      throw within(error, `statuses[${index}]`);
    }
    index++;
  }
  return earliest;
}

/**
 * One v0 task object, or null when its state is not live. Framework name and app id are filled
 * in by the caller once the framework object has been read (its keys may come in any order);
 * `frameworkId` comes from the task only when `ownFrameworkId` (orphan tasks).
 */
function scanTask(s: JsonScanner, ownFrameworkId: boolean): MesosTask | null {
  let id: string | null = null;
  let name: string | null = null;
  let frameworkId: string | null = null;
  let agentId: string | null = null;
  let state = -2;
  let resources: Resources | null = null;
  let startedAt: number | null = null;
  s.openObject('');
  while (s.nextKey()) {
    if (s.keyIs(ID)) id = s.string('id');
    else if (s.keyIs(NAME)) name = s.string('name');
    else if (s.keyIs(SLAVE_ID)) agentId = s.string('slave_id');
    else if (s.keyIs(STATE)) state = s.stringIndex(LIVE_STATE_BYTES, 'state');
    else if (s.keyIs(RESOURCES)) resources = scanResources(s, 'resources');
    else if (s.keyIs(STATUSES)) startedAt = scanEarliestStatus(s);
    else if (ownFrameworkId && s.keyIs(FRAMEWORK_ID)) frameworkId = s.string('framework_id');
    else s.skip();
  }
  if (state === -2) throw missing('state', 'a string');
  if (state === -1) return null;
  if (id === null) throw missing('id', 'a string');
  if (name === null) throw missing('name', 'a string');
  if (agentId === null) throw missing('slave_id', 'a string');
  if (resources === null) throw missing('resources', 'an object');
  if (ownFrameworkId && frameworkId === null) throw missing('framework_id', 'a string');
  return {
    id,
    name,
    frameworkId: frameworkId ?? '',
    frameworkName: '',
    agentId,
    state: LIVE_STATES[state]!,
    resources,
    appId: '',
    startedAt,
  };
}

/** Appends the live tasks of the task array at the cursor (`path` names it in errors). */
export function scanTasks(s: JsonScanner, path: string, ownFrameworkId: boolean, into: MesosTask[]): void {
  let index = 0;
  s.openArray(path);
  while (s.nextElement()) {
    try {
      const task = scanTask(s, ownFrameworkId);
      if (task !== null) into.push(task);
    } catch (error) {
      throw within(error, `${path}[${index}]`);
    }
    index++;
  }
}

/**
 * Marathon task ids name their app; other frameworks' tasks are grouped by framework and task
 * name. Frameworks named `marathon*` (the default `marathon`, `marathon-user`, ...) are Marathons.
 */
function assignOwner(tasks: MesosTask[], from: number, frameworkId: string, frameworkName: string, appIdOf: AppIdResolver): void {
  const marathon = frameworkName.startsWith('marathon');
  for (let i = from; i < tasks.length; i++) {
    const task = tasks[i]!;
    task.frameworkId = frameworkId;
    task.frameworkName = frameworkName;
    task.appId = (marathon ? appIdOf(task.id) : null) ?? `${frameworkName}:${task.name}`;
  }
}

function scanFramework(s: JsonScanner, appIdOf: AppIdResolver, into: MesosTask[]): void {
  const from = into.length;
  let id: string | null = null;
  let name: string | null = null;
  let sawTasks = false;
  s.openObject('');
  while (s.nextKey()) {
    if (s.keyIs(ID)) id = s.string('id');
    else if (s.keyIs(NAME)) name = s.string('name');
    else if (s.keyIs(TASKS)) {
      scanTasks(s, 'tasks', false, into);
      sawTasks = true;
    } else s.skip();
  }
  if (id === null) throw missing('id', 'a string');
  if (name === null) throw missing('name', 'a string');
  if (!sawTasks) throw missing('tasks', 'an array');
  assignOwner(into, from, id, name, appIdOf);
}

/**
 * The live tasks of `frameworks[]` as written by `/master/frameworks` and `/master/state(.json)`
 * (same framework writer). `completed_tasks`, `unreachable_tasks` and `completed_frameworks` only
 * hold tasks that hold no resources and are skipped unread.
 */
export function scanFrameworks(s: JsonScanner, appIdOf: AppIdResolver, into: MesosTask[]): void {
  let index = 0;
  s.openArray('frameworks');
  while (s.nextElement()) {
    try {
      scanFramework(s, appIdOf, into);
    } catch (error) {
      throw within(error, `frameworks[${index}]`);
    }
    index++;
  }
}

/**
 * Pure entry point for a `/master/frameworks` body (0.26+): the live tasks (staging, starting,
 * running, killing) of every registered framework. Bodies are bytes as received (a string is
 * encoded first). Throws AutoscalerError(MesosPayload) naming `source` when the JSON is malformed
 * or truncated or its shape is wrong.
 */
export function parseFrameworks(body: JsonBody, source = '/master/frameworks'): MesosTask[] {
  return parsePayload(source, () => {
    const s = new JsonScanner(body, source);
    const tasks: MesosTask[] = [];
    let sawFrameworks = false;
    s.openObject('(top level)');
    while (s.nextKey()) {
      if (s.keyIs(FRAMEWORKS)) {
        scanFrameworks(s, createAppIdResolver(), tasks);
        sawFrameworks = true;
      } else s.skip();
    }
    s.finish();
    if (!sawFrameworks) throw missing('frameworks', 'an array');
    return tasks;
  });
}
