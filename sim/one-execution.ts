/**
 * One execution of the real state machine, on the real handlers and decision code,
 * against a local Mesos master (serving payloads built from the recorded Mesos 0.27 fixture) and
 * local Auto Scaling groups. Prints the execution's Summary as the console would show it.
 */
import { handler as gather } from '../functions/gather/handler.js';
import { handler as processPool } from '../functions/process/handler.js';
import { handler as scale } from '../functions/scale/handler.js';
import { handler as drains } from '../functions/drains/handler.js';
import { handler as settle } from '../functions/settle/handler.js';
import { handler as summary } from '../functions/summary/handler.js';
import { useRuntime } from '../shared/runtime.js';
import { LocalCluster } from './local-cluster.js';
import { localAwsPorts, mapDrainLedger, mapParameterSource, mapPoolMemory } from './local-ports.js';
import { runWorkflowLocally, type WorkflowHandlers, type WorkflowRun } from './local-workflow.js';
import { TaskTokenBroker } from './task-token-broker.js';

const PREFIX = '/mesos-autoscaler/local/';

/** One execution of the workflow on the local cluster; the Summary it produced. */
export async function runDemoExecution(): Promise<{ run: WorkflowRun; mesosUrl: string }> {
  const cluster = new LocalCluster();
  const mesosUrl = await cluster.start();
  // web: three busy agents at 95 % cpus; batch: one busy agent and three idle ones.
  cluster.addGroup('mesos-web-asg', 'web', { busy: 3, idle: 0, cpusUsedFraction: 0.95, minSize: 1, maxSize: 10 });
  cluster.addGroup('mesos-batch-asg', 'batch', { busy: 1, idle: 3, cpusUsedFraction: 0.3, minSize: 1, maxSize: 10 });

  const parameters = new Map<string, string>([
    [`${PREFIX}mesos/master-urls`, mesosUrl],
    [`${PREFIX}pools/web/asg-name`, 'mesos-web-asg'],
    [`${PREFIX}pools/batch/asg-name`, 'mesos-batch-asg'],
    // web keeps cpus in a 50–80 % band, so its 95 % asks for one more agent.
    [`${PREFIX}pools/web/cpus-lower-percent`, '50'],
    [`${PREFIX}pools/web/cpus-upper-percent`, '80'],
    // A fresh local cluster has no history: no cooldown or stabilisation to wait out.
    [`${PREFIX}defaults/scale-in-stabilisation-seconds`, '0'],
    [`${PREFIX}defaults/settle-interval-seconds`, '10'],
  ]);
  const broker = new TaskTokenBroker();
  const now = () => Date.now();
  useRuntime({
    prefix: PREFIX, parameters: mapParameterSource(parameters), memory: mapPoolMemory(), reporter: broker, now,
    // One execution: no drain can have been left behind by another.
    ledger: mapDrainLedger(), executions: { isRunning: async () => false },
    ...localAwsPorts(cluster, now),
  });

  const handlers = { gather, process: processPool, scale, settle, drains, summary } as unknown as WorkflowHandlers;
  // Handler logs are for CloudWatch; here the summary speaks.
  process.env.AUTOSCALER_LOG ??= 'silent';
  const run = await runWorkflowLocally({ handlers, broker });
  await cluster.stop();
  useRuntime(null);
  return { run, mesosUrl };
}
