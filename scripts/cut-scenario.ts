/**
 * Cuts a scenario (a slice of a trace, re-based to t = 0) for `npm start` and quick replays.
 *
 *   npx tsx scripts/cut-scenario.ts --trace FILE --from-hours H --hours N --out FILE
 *
 * The bundled scenarios were cut with:
 *
 *   npx tsx scripts/cut-scenario.ts --trace sim/traces/worldcup98_web_7d.csv --from-hours 120 --hours 24 --out sim/scenarios/worldcup98_web_1d.csv
 *   npx tsx scripts/cut-scenario.ts --trace sim/traces/metacentrum2009_grid_7d.csv --from-hours 84 --hours 24 --out sim/scenarios/metacentrum2009_grid_1d.csv
 *
 * (day 6 of the World Cup week: a quiet morning, then flash crowds up to 376 cpus at the evening
 * matches; METACENTRUM hours 84..108: a base of ~300 cores falling slowly, then a burst to 2,376 cpus.)
 */
import { writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTrace, readTrace, sliceTrace } from '../sim/trace.js';

function main(): void {
  const { values } = parseArgs({
    options: {
      trace: { type: 'string' },
      'from-hours': { type: 'string' },
      hours: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const fromHours = Number(values['from-hours']);
  const hours = Number(values.hours);
  if (values.trace === undefined || values.out === undefined || !(fromHours >= 0) || !(hours > 0)) {
    throw new Error('usage: cut-scenario --trace FILE --from-hours H --hours N --out FILE');
  }
  const slice = sliceTrace(readTrace(values.trace), fromHours * 3600, hours * 3600, basename(values.out, extname(values.out)));
  writeFileSync(values.out, formatTrace(slice));
  console.log(`${values.out}: ${slice.tasks.length} tasks from hour ${fromHours} of ${values.trace}, ${hours} h`);
}

main();
