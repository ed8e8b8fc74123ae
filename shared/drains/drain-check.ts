import type { AutoscalerConfig, MesosConfig } from '../config/types.js';
import type { AutoScalingPort, DrainLedgerPort } from '../aws/ports.js';
import type { MesosReader } from '../mesos/port.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { isObject } from '../model/guards.js';
import type { DrainCheckInput, DrainCheckResult } from '../model/workflow.js';
import { checkDrains } from './check-drains.js';
import { readPoolGroupsIfPresent } from '../aws/read-pool-groups.js';

export interface DrainCheckDeps {
  autoScaling: AutoScalingPort;
  loadConfig: () => Promise<AutoscalerConfig>;
  mesosReader: (config: MesosConfig) => MesosReader;
  ledger: DrainLedgerPort;
  now: () => number;
}

export function parseDrainCheckInput(event: unknown): DrainCheckInput {
  const fail = (what: string) => new AutoscalerError(ErrorNames.InvalidInput, `drain check input invalid: ${what}`);
  if (!isObject(event)) throw fail('not an object');
  const { plan, action, checks } = event;
  if (!isObject(plan) || typeof plan.executionId !== 'string' || typeof plan.pool !== 'string') throw fail('plan missing');
  if (!isObject(action) || !Array.isArray(action.drains)) throw fail('action.drains missing');
  if (typeof checks !== 'number' || !Number.isInteger(checks) || checks < 0) throw fail('checks must be a whole number');
  return event as unknown as DrainCheckInput;
}

/** DrainCheck state: what Mesos and the ledger say now about this execution's drains. */
export async function drainCheck(input: DrainCheckInput, deps: DrainCheckDeps): Promise<DrainCheckResult> {
  const config = await deps.loadConfig();
  const [ledger, cluster] = await Promise.all([deps.ledger.list(input.plan.pool), deps.mesosReader(config.mesos).readCluster()]);
  const result = checkDrains(input, ledger, cluster, deps.now());
  if (result.done) {
    result.desired = (await readPoolGroupsIfPresent(deps.autoScaling, input.plan.asgNames))?.merged.desiredCapacity ?? null;
  }
  return result;
}
