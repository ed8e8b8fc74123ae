import { jest } from '@jest/globals';
import type { ParameterSource } from '../../../shared/aws/ports.js';
import { createCachedConfigLoader, loadConfig } from '../../../shared/config/load.js';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import { autoscalerRejection } from '../../support/rejection.js';

const PREFIX = '/mesos-autoscaler/prod/';
const VALID = new Map([
  [`${PREFIX}mesos/master-urls`, 'http://m1:5050'],
  [`${PREFIX}pools/batch/asg-name`, 'batch-asg'],
]);

function sourceOf(...results: Array<Map<string, string> | Error>): { source: ParameterSource; byPath: jest.Mock<ParameterSource['byPath']> } {
  const byPath = jest.fn<ParameterSource['byPath']>();
  for (const result of results) {
    if (result instanceof Error) byPath.mockRejectedValueOnce(result);
    else byPath.mockResolvedValueOnce(result);
  }
  return { source: { byPath }, byPath };
}

describe('loadConfig', () => {
  it('reads everything under the prefix and validates it', async () => {
    const { source, byPath } = sourceOf(VALID);
    const config = await loadConfig(source, PREFIX);
    expect(byPath).toHaveBeenCalledWith(PREFIX);
    expect(config.pools.map((p) => p.asgNames)).toEqual([['batch-asg']]);
  });

  it('returns invalid values as problems rather than throwing', async () => {
    const { source } = sourceOf(new Map([...VALID, [`${PREFIX}pools/batch/max-agents`, 'ten']]));
    const config = await loadConfig(source, PREFIX);
    expect(config.pools).toEqual([]);
    expect(config.problems).toHaveLength(1);
  });

  it('turns a failed read into Autoscaler.AwsUnavailable naming the prefix and the cause', async () => {
    const cause = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { source } = sourceOf(cause);
    const error = await autoscalerRejection(loadConfig(source, PREFIX));
    expect(error.name).toBe(ErrorNames.AwsUnavailable);
    expect(error.message).toBe(`could not read the SSM parameters under ${PREFIX}: ThrottlingException: Rate exceeded`);
    expect(error.cause).toBe(cause);
  });

  it('passes on an AutoscalerError from the source unchanged', async () => {
    const original = new AutoscalerError(ErrorNames.AwsUnavailable, 'SSM GetParametersByPath failed: AccessDeniedException');
    const { source } = sourceOf(original);
    expect(await autoscalerRejection(loadConfig(source, PREFIX))).toBe(original);
  });

  it('refuses a malformed prefix before reading anything', async () => {
    const { source, byPath } = sourceOf(VALID);
    const error = await autoscalerRejection(loadConfig(source, '/mesos-autoscaler/prod'));
    expect(error.name).toBe(ErrorNames.InvalidConfig);
    expect(byPath).not.toHaveBeenCalled();
  });
});

describe('createCachedConfigLoader', () => {
  it('does not read again within maxAgeMs, and reads again once it has passed', async () => {
    let now = 1_000_000;
    const changed = new Map([...VALID, [`${PREFIX}pools/batch/max-agents`, '30']]);
    const { source, byPath } = sourceOf(VALID, changed);
    const load = createCachedConfigLoader(source, PREFIX, { now: () => now });

    const first = await load();
    now += 59_999;
    expect(await load()).toBe(first);
    expect(byPath).toHaveBeenCalledTimes(1);

    now += 1;
    const second = await load();
    expect(byPath).toHaveBeenCalledTimes(2);
    expect(second.pools[0]?.maxAgents).toBe(30);
  });

  it('honours a custom maxAgeMs', async () => {
    let now = 0;
    const { source, byPath } = sourceOf(VALID, VALID);
    const load = createCachedConfigLoader(source, PREFIX, { maxAgeMs: 10, now: () => now });
    await load();
    now = 9;
    await load();
    expect(byPath).toHaveBeenCalledTimes(1);
    now = 10;
    await load();
    expect(byPath).toHaveBeenCalledTimes(2);
  });

  it('does not cache a failed read', async () => {
    const now = 0;
    const { source, byPath } = sourceOf(new Error('connect ETIMEDOUT'), VALID);
    const load = createCachedConfigLoader(source, PREFIX, { now: () => now });
    const error = await autoscalerRejection(load());
    expect(error.name).toBe(ErrorNames.AwsUnavailable);
    const config = await load();
    expect(config.pools).toHaveLength(1);
    expect(byPath).toHaveBeenCalledTimes(2);
  });

  it('shares one read between concurrent calls', async () => {
    const { source, byPath } = sourceOf(VALID);
    const load = createCachedConfigLoader(source, PREFIX, { now: () => 0 });
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(byPath).toHaveBeenCalledTimes(1);
  });
});
