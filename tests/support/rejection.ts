import { AutoscalerError } from '../../shared/model/errors.js';

/** What a promise rejects with, for assertions on it; a promise that resolves fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** The AutoscalerError a promise rejects with; any other outcome fails the test. */
export async function autoscalerRejection(promise: Promise<unknown>): Promise<AutoscalerError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(AutoscalerError);
  return error as AutoscalerError;
}

/** The error `call` throws, of the class given; fails the test when it throws nothing or something else. */
export function thrown<E extends Error>(kind: new (...args: never[]) => E, call: () => void): E {
  try {
    call();
  } catch (err) {
    if (err instanceof kind) return err;
    throw err;
  }
  throw new Error(`expected a ${kind.name}`);
}
