/** Entry point of `npm run simulate` (see sim/cli.ts for the flags). */
import { parseCli, runCli, UsageError } from './cli.js';

process.env.AUTOSCALER_LOG ??= 'silent';
try {
  await runCli(parseCli(process.argv.slice(2)));
} catch (err) {
  console.error(`simulate: ${(err as Error).message}`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
}
