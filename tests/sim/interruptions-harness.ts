import { handler as interruptions } from '../../functions/interruptions/handler.js';
import type { DrainLedgerPort } from '../../shared/aws/ports.js';
import { useRuntime } from '../../shared/runtime.js';
import { inProcessRuntime, simParameters } from '../../sim/engine.js';
import { InterruptionsQueue } from '../../sim/local-cloud/interruptions-queue.js';
import { lambdaContext } from '../../sim/local-workflow.js';
import { TaskTokenBroker } from '../../sim/task-token-broker.js';
import { EPOCH_MS, type MesosVersion, type SimCluster } from '../../sim/types.js';
import { settings } from './cluster-builders.js';

export { OTHER_TOOL, stateOf } from './cluster-builders.js';

/** The simulated EventBridge and interruptions queue in front of the deployed interruptions function. */
export function interruptionsQueue(): InterruptionsQueue {
  return new InterruptionsQueue((event) => interruptions(event, lambdaContext('interruptions')));
}

export interface InterruptionsHarness {
  ledger: DrainLedgerPort;
  queue: InterruptionsQueue;
  /** Brings the cluster to `t`, publishes its events and delivers what is visible then. */
  step(t: number): Promise<void>;
}

/**
 * The deployed interruptions function (functions/interruptions → shared/interruptions) fed by the
 * interruptions queue, on the in-process ports the simulator gives it. Installs them as the
 * runtime: reset it with `useRuntime(null)` after each test.
 */
export function interruptionsHarness(c: SimCluster, mesosVersion: MesosVersion): InterruptionsHarness {
  const runtime = inProcessRuntime(c, {
    parameters: simParameters(settings()), now: () => EPOCH_MS + c.now * 1000, isRunning: () => false, reporter: new TaskTokenBroker(), mesosVersion,
  });
  useRuntime(runtime);
  const queue = interruptionsQueue();
  return {
    ledger: runtime.ledger,
    queue,
    async step(t) {
      c.advanceTo(t);
      queue.publish(c.takeEvents(), t);
      await queue.deliver(t);
    },
  };
}

/** The first machine's IP of each window in the schedule, in order. */
export const scheduledIps = (c: SimCluster) => c.maintenanceSchedule().map((w) => w.machineIds[0]!.ip);
