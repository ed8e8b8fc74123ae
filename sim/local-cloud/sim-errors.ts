import { SimApiError } from '../types.js';
import { WireError } from './wire-error.js';

/** HTTP status per simulated AWS error code, as AWS answers them (ResourceContention is a 500 the SDK retries). */
const STATUS: Record<SimApiError['code'], number> = {
  ScalingActivityInProgress: 400,
  ResourceContention: 500,
  ValidationError: 400,
  Throttling: 400,
  ServiceUnavailable: 503,
};

/** Runs a call into the simulated cluster, turning its SimApiError into the wire error AWS would send. */
export function simCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof SimApiError) throw new WireError(error.code, error.message, { status: STATUS[error.code] });
    throw error;
  }
}
