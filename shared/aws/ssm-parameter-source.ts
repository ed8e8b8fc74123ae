import { paginateGetParametersByPath, type SSMClient } from '@aws-sdk/client-ssm';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { ParameterSource } from './ports.js';

/** What to tell the operator for the failures that have a known fix. */
const HINTS: Record<string, string> = {
  AccessDeniedException: 'the role needs ssm:GetParametersByPath on this path and kms:Decrypt on the SecureString key',
  ThrottlingException: 'SSM is throttling; the next run retries',
};

/**
 * All parameters under a path, SecureStrings decrypted, every page read. Any failure is
 * Autoscaler.AwsUnavailable: without the whole configuration nothing may be changed.
 */
export function createSsmParameterSource(client: SSMClient): ParameterSource {
  return {
    async byPath(path) {
      const parameters = new Map<string, string>();
      try {
        const pages = paginateGetParametersByPath({ client }, { Path: path, Recursive: true, WithDecryption: true });
        for await (const page of pages) {
          for (const { Name, Value } of page.Parameters ?? []) {
            if (Name !== undefined && Value !== undefined) parameters.set(Name, Value);
          }
        }
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        const detail = error instanceof Error ? error.message : String(error);
        const hint = HINTS[name];
        throw new AutoscalerError(
          ErrorNames.AwsUnavailable,
          `GetParametersByPath(${path}) failed: ${name}: ${detail}${hint ? ` (${hint})` : ''}`,
          { cause: error },
        );
      }
      return parameters;
    },
  };
}
