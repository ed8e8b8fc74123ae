import type { MiddlewareObj } from '@middy/core';
import { logError } from './log.js';

/**
 * Logs a handler's failure once, with its name, and rethrows it unchanged: Step Functions matches
 * Retry and Catch on the error's name, so the name must survive.
 */
export function logFailures<E, R>(functionName: string): MiddlewareObj<E, R> {
  return {
    onError: async (request) => {
      logError(`${functionName} failed`, request.error);
    },
  };
}
