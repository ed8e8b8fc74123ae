import { expect, it } from '@jest/globals';
import { runDemoExecution } from '../../sim/one-execution.js';

it('npm run demo:execution scales pool web out and gives back pool batch\'s idle agents', async () => {
  const { run } = await runDemoExecution();
  expect(run.status).toBe('SUCCEEDED');
  const byPool = Object.fromEntries(run.summary!.pools.map((p) => [p.pool, p]));
  expect(byPool.web).toEqual(expect.objectContaining({ status: 'scaled', action: 'scale-out', before: 3, after: 4 }));
  expect(byPool.batch).toEqual(expect.objectContaining({ status: 'scaled', action: 'scale-in', before: 4 }));
  expect(byPool.batch!.after).toBeLessThan(4);
}, 30_000);
