/**
 * An AWS API error as the local endpoint puts it on the wire: the protocol layer formats it
 * (awsQuery `ErrorResponse`, ec2Query `Response/Errors`, JSON `__type`).
 */
export class WireError extends Error {
  /** HTTP status; the SDK treats any status of 300 or more as an error. */
  readonly status: number;
  /** `Sender` (the caller's fault) or `Receiver` (the service's). */
  readonly fault: 'Sender' | 'Receiver';
  /** SQS's legacy code for the `x-amzn-query-error` header, when it differs from `code`. */
  readonly queryCode: string;

  constructor(
    readonly code: string,
    message: string,
    options: { status?: number; queryCode?: string } = {},
  ) {
    super(message);
    this.name = code;
    this.status = options.status ?? 400;
    this.fault = this.status >= 500 ? 'Receiver' : 'Sender';
    this.queryCode = options.queryCode ?? code;
  }
}

/** An unexpected failure of the backend: 500, so a caller sees a service fault, not a bad request. */
export function internalFailure(error: unknown): WireError {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new WireError('InternalFailure', `The local endpoint failed: ${detail}`, { status: 500 });
}
