/** `npm run demo:execution`: one execution of the workflow on a local cluster, printed as the console shows it. */
import { runDemoExecution } from './one-execution.js';

process.env.AUTOSCALER_LOG ??= 'silent';
const { run, mesosUrl } = await runDemoExecution();
console.log(`Local Mesos master ${mesosUrl}; state machine statemachines/autoscaler.asl.json\n`);
console.log(`Execution ${run.status}${run.error ? ` (${run.error}: ${run.cause})` : ''}`);
console.log(`States: ${run.statesEntered.join(' → ')}\n`);
if (run.summary) {
  console.log(run.summary.headline);
  for (const line of run.summary.lines) console.log(`  ${line}`);
  console.log('\nSummary (execution output):');
  console.log(JSON.stringify(run.summary, null, 2));
}
if (run.status !== 'SUCCEEDED') process.exitCode = 1;
