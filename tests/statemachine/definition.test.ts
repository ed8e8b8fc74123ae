import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import aslValidator from 'asl-validator';
import { ErrorNames } from '../../shared/model/errors.js';
import { DEFINITION_PATH } from '../../sim/local-workflow.js';

const text = readFileSync(DEFINITION_PATH, 'utf8');
const definition = JSON.parse(text);
const serverlessYml = readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8');

function allStates(states: Record<string, any>): Array<[string, any]> {
  return Object.entries(states).flatMap(([name, s]) => [[name, s] as [string, any], ...(s.ItemProcessor ? allStates(s.ItemProcessor.States) : [])]);
}

describe('statemachines/autoscaler.asl.json', () => {
  it('is a valid Amazon States Language definition', () => {
    const { isValid, errors } = aslValidator(definition);
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('stays in JSONPath mode without variables, so it runs locally exactly as deployed', () => {
    expect(text).not.toMatch(/JSONata|"Assign"|"Arguments"/);
  });

  it('gets every ${...} placeholder from DefinitionSubstitutions in serverless.yml', () => {
    const placeholders = [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!))];
    expect(placeholders.length).toBeGreaterThan(0);
    for (const p of placeholders) expect(serverlessYml).toMatch(new RegExp(`^\\s+${p}: `, 'm'));
  });

  it('only matches error names the handlers actually raise', () => {
    const known = new Set<string>([...Object.values(ErrorNames), 'States.ALL', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException']);
    for (const [, state] of allStates(definition.States)) {
      for (const rule of [...(state.Retry ?? []), ...(state.Catch ?? [])]) {
        for (const name of rule.ErrorEquals) expect(known).toContain(name);
      }
    }
  });

  it('bounds the conflict retries with full jitter and catches a stale plan', () => {
    const scale = allStates(definition.States).find(([name]) => name === 'Scale')![1];
    expect(scale.Resource).toBe('arn:aws:states:::sqs:sendMessage.waitForTaskToken');
    expect(scale.Parameters['MessageGroupId.$']).toBe('$.plan.pool');
    const retry = scale.Retry.find((r: any) => r.ErrorEquals.includes(ErrorNames.ScalingConflict));
    expect(retry).toEqual(expect.objectContaining({ JitterStrategy: 'FULL' }));
    expect(retry.MaxAttempts).toBeLessThanOrEqual(5);
    expect(scale.Catch[0].ErrorEquals).toEqual([ErrorNames.StalePlan]);
  });
});
