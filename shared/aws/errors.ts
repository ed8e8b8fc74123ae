import { AutoscalerError, ErrorNames } from '../model/errors.js';

/**
 * AWS error names that mean "another change to this group is under way": the state machine retries
 * these (Retry on Autoscaler.ScalingConflict). SDK v3 names modeled faults after their class
 * (`...Fault`) and unmodeled ones after the wire code, so both spellings are listed.
 */
const CONFLICT_NAMES = new Set([
  'ScalingActivityInProgressFault',
  'ScalingActivityInProgress',
  'ResourceContentionFault',
  'ResourceContention',
]);

/** The request itself was refused as invalid (unknown group or instance, value outside min..max, ...). */
const VALIDATION_NAMES = new Set(['ValidationError', 'ValidationException']);

function describe(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'UnknownError', message: String(err) };
}

/**
 * Maps any error thrown by an AWS SDK call to an AutoscalerError, keeping the AWS name and message
 * so the operator sees what AWS said. `operation` names the call, e.g. `SetDesiredCapacity(asg-a)`.
 */
export function toAutoscalerError(err: unknown, operation: string): AutoscalerError {
  if (err instanceof AutoscalerError) return err;
  const { name, message } = describe(err);
  const text = `${operation} failed: ${name}: ${message}`;
  if (CONFLICT_NAMES.has(name)) return new AutoscalerError(ErrorNames.ScalingConflict, text, { cause: err });
  if (VALIDATION_NAMES.has(name)) return new AutoscalerError(ErrorNames.InvalidInput, text, { cause: err });
  return new AutoscalerError(ErrorNames.AwsUnavailable, text, { cause: err });
}

/** Runs one AWS call and maps whatever it throws. */
export async function callAws<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toAutoscalerError(err, operation);
  }
}
