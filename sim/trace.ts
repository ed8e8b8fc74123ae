/**
 * Workload traces (DESIGN §6): CSV with the header `t_seconds,task_id,app,cpus,mem_mb,duration_s[,kind]`,
 * one row per task arrival, sorted by time. Every rejection names the file, the 1-based line and the reason,
 * so a user can fix a hand-made trace without guessing.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { AutoscalerError, ErrorNames } from '../shared/model/errors.js';
import type { TaskKind, Trace, TraceTask } from './types.js';

const BASE_COLUMNS = ['t_seconds', 'task_id', 'app', 'cpus', 'mem_mb', 'duration_s'] as const;
const HEADER = BASE_COLUMNS.join(',');
const HEADER_WITH_KIND = `${HEADER},kind`;

/** A non-negative decimal number, as a trace writes it (no signs, exponents or hex). */
const NUMBER = /^\d+(\.\d+)?$/;
const SIGNED_NUMBER = /^[-+]?\d+(\.\d+)?$/;

function fail(source: string, line: number, reason: string): never {
  throw new AutoscalerError(ErrorNames.InvalidInput, `trace ${source}, line ${line}: ${reason}`);
}

function parseNumber(source: string, line: number, column: string, raw: string): number {
  if (NUMBER.test(raw)) return Number(raw);
  if (SIGNED_NUMBER.test(raw)) fail(source, line, `${column} must not be negative (got ${raw})`);
  return fail(source, line, `${column} is not a number (got ${JSON.stringify(raw)})`);
}

function parseKind(source: string, line: number, raw: string | undefined): TaskKind {
  if (raw === undefined || raw === '' || raw === 'batch') return 'batch';
  if (raw === 'service') return 'service';
  return fail(source, line, `unknown kind ${JSON.stringify(raw)} (expected batch or service)`);
}

/**
 * Parses a trace. `name` becomes `Trace.name`; `source` (default `name`) is how error messages name the
 * file. Blank lines are skipped; everything else must be a well-formed row.
 */
export function parseTrace(text: string, name: string, source: string = name): Trace {
  const lines = text.split('\n');
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  if (header !== HEADER && header !== HEADER_WITH_KIND) {
    fail(source, 1, `expected the header ${HEADER}[,kind], got ${JSON.stringify(header)}`);
  }
  const columns = header === HEADER ? BASE_COLUMNS.length : BASE_COLUMNS.length + 1;

  const tasks: TraceTask[] = [];
  const lineOfId = new Map<string, number>();
  let previousT = 0;
  for (let index = 1; index < lines.length; index++) {
    const raw = (lines[index] as string).trim();
    if (raw === '') continue;
    const line = index + 1;
    const fields = raw.split(',');
    if (fields.length !== columns) fail(source, line, `expected ${columns} columns, got ${fields.length}`);
    const [tRaw, idRaw, appRaw, cpusRaw, memRaw, durationRaw, kindRaw] = fields.map((f) => f.trim()) as [
      string, string, string, string, string, string, string | undefined,
    ];

    const t = parseNumber(source, line, 't_seconds', tRaw);
    if (idRaw === '') fail(source, line, 'task_id is empty');
    if (appRaw === '') fail(source, line, 'app is empty');
    const cpus = parseNumber(source, line, 'cpus', cpusRaw);
    const memMb = parseNumber(source, line, 'mem_mb', memRaw);
    const duration = parseNumber(source, line, 'duration_s', durationRaw);
    const kind = parseKind(source, line, kindRaw);
    if (cpus === 0) fail(source, line, 'cpus must be greater than 0');
    if (duration === 0) fail(source, line, 'duration_s must be greater than 0');
    if (t < previousT) fail(source, line, `rows are not sorted by time: t_seconds ${t} comes after ${previousT}`);
    const firstLine = lineOfId.get(idRaw);
    if (firstLine !== undefined) fail(source, line, `duplicate task_id ${idRaw} (first on line ${firstLine})`);

    lineOfId.set(idRaw, line);
    previousT = t;
    tasks.push({ t, id: idRaw, app: appRaw, cpus, memMb, duration, kind, line });
  }
  if (tasks.length === 0) fail(source, 2, 'the trace has no tasks');
  return { name, tasks };
}

/** Reads and parses a trace file; the trace is named after the file (without directory and extension). */
export function readTrace(path: string): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AutoscalerError(ErrorNames.InvalidInput, `cannot read trace ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseTrace(text, basename(path, extname(path)), path);
}

/** Rejects a task that no agent of the given shape could ever run (it would wait forever). */
export function validateFits(trace: Trace, agentCpus: number, agentMemMb: number): void {
  for (const task of trace.tasks) {
    const reason =
      task.cpus > agentCpus
        ? `task ${task.id} needs ${task.cpus} cpus, more than an agent's ${agentCpus}`
        : task.memMb > agentMemMb
          ? `task ${task.id} needs ${task.memMb} MB of memory, more than an agent's ${agentMemMb}`
          : undefined;
    if (reason !== undefined) {
      throw new AutoscalerError(
        ErrorNames.InvalidInput,
        `trace ${trace.name}${task.line === undefined ? '' : `, line ${task.line}`}: ${reason}`,
      );
    }
  }
}

/** Writes a trace in the format parseTrace reads (always with the kind column). */
export function formatTrace(trace: Trace): string {
  const rows = trace.tasks.map((task) => [task.t, task.id, task.app, task.cpus, task.memMb, task.duration, task.kind].join(','));
  return `${HEADER_WITH_KIND}\n${rows.join('\n')}\n`;
}

/**
 * The part of a trace in [fromSeconds, fromSeconds + seconds), re-based so the slice starts at t = 0.
 * Tasks still running at the slice start appear at t = 0 with their remaining duration, so the slice
 * starts with the load the cluster really had then.
 */
export function sliceTrace(trace: Trace, fromSeconds: number, seconds: number, name: string): Trace {
  const until = fromSeconds + seconds;
  const carried: TraceTask[] = [];
  const arriving: TraceTask[] = [];
  for (const { line: _line, ...task } of trace.tasks) {
    if (task.t < fromSeconds) {
      const remaining = task.t + task.duration - fromSeconds;
      if (remaining > 0) carried.push({ ...task, t: 0, duration: remaining });
    } else if (task.t < until) {
      arriving.push({ ...task, t: task.t - fromSeconds });
    }
  }
  return { name, tasks: [...carried, ...arriving] };
}
