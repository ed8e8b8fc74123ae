/** What a handler may need from the HTTP request besides its parameters. */
export interface RequestContext {
  requestId: string;
  /** The request's Host header (`127.0.0.1:34359`): SQS queue URLs are built from it. */
  host: string;
  /** From the SigV4 credential scope; only used in ARNs. */
  region: string;
}

/** The account every local resource belongs to. */
export const ACCOUNT_ID = '000000000000';

/** `Credential=AKID/20240501/eu-west-1/autoscaling/aws4_request` → `eu-west-1`; `us-east-1` when unsigned. */
export function regionOf(authorization: string | undefined): string {
  const match = /Credential=[^/,]+\/\d{8}\/([^/,]+)\//.exec(authorization ?? '');
  return match ? match[1]! : 'us-east-1';
}
