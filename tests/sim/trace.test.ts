import { fileURLToPath } from 'node:url';
import { AutoscalerError, ErrorNames } from '../../shared/model/errors.js';
import { formatTrace, parseTrace, readTrace, sliceTrace, validateFits } from '../../sim/trace.js';
import type { Trace } from '../../sim/types.js';

const HEADER = 't_seconds,task_id,app,cpus,mem_mb,duration_s,kind';
const repoFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

function csv(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

function rejection(run: () => unknown): AutoscalerError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(AutoscalerError);
    expect((err as AutoscalerError).name).toBe(ErrorNames.InvalidInput);
    return err as AutoscalerError;
  }
  throw new Error('expected a rejection');
}

describe('parseTrace', () => {
  it('reads rows into tasks with their line numbers', () => {
    const trace = parseTrace(csv(HEADER, '0,a,web,1,2048,60,service', '5,b,etl,0.5,300.5,7.5,batch'), 'tiny');
    expect(trace).toEqual({
      name: 'tiny',
      tasks: [
        { t: 0, id: 'a', app: 'web', cpus: 1, memMb: 2048, duration: 60, kind: 'service', line: 2 },
        { t: 5, id: 'b', app: 'etl', cpus: 0.5, memMb: 300.5, duration: 7.5, kind: 'batch', line: 3 },
      ],
    });
  });

  it('defaults kind to batch, with or without the kind column', () => {
    const withoutColumn = parseTrace(csv('t_seconds,task_id,app,cpus,mem_mb,duration_s', '0,a,web,1,2048,60'), 'x');
    const emptyKind = parseTrace(csv(HEADER, '0,a,web,1,2048,60,'), 'x');
    expect(withoutColumn.tasks[0]?.kind).toBe('batch');
    expect(emptyKind.tasks[0]?.kind).toBe('batch');
  });

  it('accepts CRLF line endings and blank lines, counting them in line numbers', () => {
    const trace = parseTrace(`${HEADER}\r\n0,a,web,1,2048,60,batch\r\n\r\n3,b,web,1,2048,60,batch\r\n`, 'x');
    expect(trace.tasks.map((task) => task.line)).toEqual([2, 4]);
  });

  it('allows several tasks at the same second', () => {
    const trace = parseTrace(csv(HEADER, '7,a,web,1,1,1,batch', '7,b,web,1,1,1,batch'), 'x');
    expect(trace.tasks).toHaveLength(2);
  });

  it.each([
    ['an empty file', '', 1, 'expected the header'],
    ['a file that starts with data', csv('0,a,web,1,2048,60,batch'), 1, 'expected the header'],
    ['a header missing a column', csv('t_seconds,task_id,app,cpus,mem_mb', '0,a,web,1,2048'), 1, 'expected the header'],
    ['a header with columns out of order', csv('t_seconds,app,task_id,cpus,mem_mb,duration_s', '0,a,web,1,2048,60'), 1, 'expected the header'],
    ['a header with no rows', csv(HEADER), 2, 'no tasks'],
    ['too few columns', csv(HEADER, '0,a,web,1,2048,60,batch', '1,b,web,1,2048,60'), 3, 'expected 7 columns, got 6'],
    ['too many columns', csv(HEADER, '0,a,web,1,2048,60,batch,x'), 2, 'expected 7 columns, got 8'],
    ['a kind value without a kind column', csv('t_seconds,task_id,app,cpus,mem_mb,duration_s', '0,a,web,1,2048,60,batch'), 2, 'expected 6 columns, got 7'],
    ['a non-numeric time', csv(HEADER, 'soon,a,web,1,2048,60,batch'), 2, 't_seconds is not a number'],
    ['non-numeric cpus', csv(HEADER, '0,a,web,1,2048,60,batch', '1,b,web,two,2048,60,batch'), 3, 'cpus is not a number'],
    ['an empty memory field', csv(HEADER, '0,a,web,1,,60,batch'), 2, 'mem_mb is not a number'],
    ['a negative time', csv(HEADER, '-1,a,web,1,2048,60,batch'), 2, 't_seconds must not be negative'],
    ['negative memory', csv(HEADER, '0,a,web,1,2048,60,batch', '0,b,web,1,2048,60,batch', '0,c,web,1,-5,60,batch'), 4, 'mem_mb must not be negative'],
    ['a negative duration', csv(HEADER, '0,a,web,1,2048,-60,batch'), 2, 'duration_s must not be negative'],
    ['a zero duration', csv(HEADER, '0,a,web,1,2048,0,batch'), 2, 'duration_s must be greater than 0'],
    ['zero cpus', csv(HEADER, '0,a,web,1,2048,60,batch', '0,b,web,0,2048,60,batch'), 3, 'cpus must be greater than 0'],
    ['an unknown kind', csv(HEADER, '0,a,web,1,2048,60,daemon'), 2, 'unknown kind "daemon"'],
    ['an empty task id', csv(HEADER, '0,,web,1,2048,60,batch'), 2, 'task_id is empty'],
    ['time going backwards', csv(HEADER, '0,a,web,1,2048,60,batch', '10,b,web,1,2048,60,batch', '9,c,web,1,2048,60,batch'), 4, 'not sorted by time'],
    ['a duplicate task id', csv(HEADER, '0,a,web,1,2048,60,batch', '1,b,web,1,2048,60,batch', '2,a,web,1,2048,60,batch'), 4, 'duplicate task_id a (first on line 2)'],
    ['an error after a blank line', `${HEADER}\n0,a,web,1,2048,60,batch\n\n1,b,web,x,2048,60,batch\n`, 4, 'cpus is not a number'],
  ])('rejects %s with its line number', (_case, text, line, reason) => {
    const err = rejection(() => parseTrace(text, 'bad-trace'));
    expect(err.message).toContain(`trace bad-trace, line ${line}: `);
    expect(err.message).toContain(reason);
  });

  it('names the source in errors when it differs from the trace name', () => {
    expect(rejection(() => parseTrace('nope', 'mine', 'traces/mine.csv')).message).toMatch(/^trace traces\/mine\.csv, line 1: /);
  });
});

describe('readTrace', () => {
  it('names the trace after the file and reads the bundled week', () => {
    const trace = readTrace(repoFile('sim/traces/worldcup98_web_7d.csv'));
    expect(trace.name).toBe('worldcup98_web_7d');
    expect(trace.tasks).toHaveLength(8058);
    expect(trace.tasks.every((task) => task.kind === 'service')).toBe(true);
  });

  it('reports a file it cannot read', () => {
    expect(rejection(() => readTrace(repoFile('sim/traces/no-such-trace.csv'))).message).toContain('cannot read trace');
  });
});

describe('validateFits', () => {
  const trace = parseTrace(csv(HEADER, '0,a,web,8,30000,60,batch', '1,b,web,9,100,60,batch', '2,c,web,1,30001,60,batch'), 'fits');

  it('accepts tasks exactly as big as an agent', () => {
    expect(() => validateFits({ name: 'fits', tasks: trace.tasks.slice(0, 1) }, 8, 30000)).not.toThrow();
  });

  it('rejects a task with more cpus than an agent, naming its line', () => {
    const err = rejection(() => validateFits(trace, 8, 30000));
    expect(err.message).toBe("trace fits, line 3: task b needs 9 cpus, more than an agent's 8");
  });

  it('rejects a task with more memory than an agent, naming its line', () => {
    const err = rejection(() => validateFits(trace, 16, 30000));
    expect(err.message).toBe("trace fits, line 4: task c needs 30001 MB of memory, more than an agent's 30000");
  });
});

describe('sliceTrace and formatTrace', () => {
  const trace: Trace = parseTrace(
    csv(
      HEADER,
      '0,done-before,etl,1,100,50,batch',
      '10,spans-start,etl,2,200,200,batch',
      '90,web-spans,web,1,2048,20,service',
      '100,at-start,etl,1,100,30,batch',
      '150,inside,etl,1,100,1000,batch',
      '200,at-end,etl,1,100,30,batch',
    ),
    'week',
  );

  it('re-bases to the slice start, carrying running tasks over with their remaining duration', () => {
    const slice = sliceTrace(trace, 100, 100, 'day');
    expect(slice.name).toBe('day');
    expect(slice.tasks.map(({ t, id, duration, kind }) => ({ t, id, duration, kind }))).toEqual([
      { t: 0, id: 'spans-start', duration: 110, kind: 'batch' },
      { t: 0, id: 'web-spans', duration: 10, kind: 'service' },
      { t: 0, id: 'at-start', duration: 30, kind: 'batch' },
      { t: 50, id: 'inside', duration: 1000, kind: 'batch' },
    ]);
    expect(slice.tasks.every((task) => task.line === undefined)).toBe(true);
  });

  it('writes a trace that parses back to the same tasks', () => {
    const slice = sliceTrace(trace, 100, 100, 'day');
    const again = parseTrace(formatTrace(slice), 'day');
    expect(again.tasks.map(({ line: _line, ...task }) => task)).toEqual(slice.tasks);
  });

  it.each(['worldcup98_web_1d', 'metacentrum2009_grid_1d'])('bundles the scenario %s as a valid one-day trace that fits the default agent', (name) => {
    const scenario = readTrace(repoFile(`sim/scenarios/${name}.csv`));
    expect(scenario.tasks[0]?.t).toBe(0);
    expect(scenario.tasks.at(-1)?.t).toBeLessThan(86400);
    expect(() => validateFits(scenario, 8, 30000)).not.toThrow();
  });
});
