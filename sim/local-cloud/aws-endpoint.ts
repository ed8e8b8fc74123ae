import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsBackend } from './aws-backend.js';
import { readBody } from './read-body.js';
import { autoScalingErrorXml, createAutoScalingApi } from './autoscaling-api.js';
import { createDynamoDbApi } from './dynamodb-api.js';
import { createEc2Api, ec2ErrorXml } from './ec2-api.js';
import type { JsonInput } from './json-fields.js';
import { regionOf, type RequestContext } from './request-context.js';
import { createSfnApi } from './sfn-api.js';
import { createSqsApi } from './sqs-api.js';
import { createSsmApi } from './ssm-api.js';
import { WireError, internalFailure } from './wire-error.js';

export interface LocalEndpoint {
  /** `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL` (or a client's `endpoint`) is set to. */
  url: string;
  close(): Promise<void>;
}

type JsonApi = (operation: string, input: JsonInput, context: RequestContext) => unknown;
type QueryApi = (action: string, params: URLSearchParams, context: RequestContext) => string;

interface JsonService {
  api: JsonApi;
  contentType: string;
  /** Namespace before `#` in `__type` (the SDK drops it; real services send one). */
  errorNamespace: string;
  /** SQS's query-compatible mode: the legacy error code also travels in `x-amzn-query-error`. */
  queryErrorHeader: boolean;
}

interface QueryService {
  api: QueryApi;
  errorXml: (error: WireError, requestId: string) => string;
}

function toWireError(error: unknown): WireError {
  return error instanceof WireError ? error : internalFailure(error);
}

/** node:http adds the real Date header itself; it is never set here, because the SDK corrects its clock from it. */
function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

/**
 * One HTTP server on 127.0.0.1 (port 0) speaking the AWS wire protocols the SDK v3 clients use:
 * requests with `x-amz-target` are JSON (SQS, SSM, Step Functions, DynamoDB), dispatched on the
 * target's prefix; the others are form-encoded query calls, dispatched on `Version` (Auto Scaling
 * 2011-01-01, EC2 2016-11-15). Path, method and signature are ignored. Every response carries
 * `x-amzn-requestid`; errors use each protocol's format and HTTP status.
 */
export async function startAwsEndpoint(backend: AwsBackend): Promise<LocalEndpoint> {
  const json: Record<string, JsonService> = {
    AmazonSSM: { api: createSsmApi(backend), contentType: 'application/x-amz-json-1.1', errorNamespace: '', queryErrorHeader: false },
    AmazonSQS: { api: createSqsApi(backend), contentType: 'application/x-amz-json-1.0', errorNamespace: 'com.amazonaws.sqs#', queryErrorHeader: true },
    AWSStepFunctions: { api: createSfnApi(backend), contentType: 'application/x-amz-json-1.0', errorNamespace: '', queryErrorHeader: false },
    DynamoDB_20120810: {
      api: createDynamoDbApi(backend),
      contentType: 'application/x-amz-json-1.0',
      errorNamespace: 'com.amazonaws.dynamodb.v20120810#',
      queryErrorHeader: false,
    },
  };
  const query: Record<string, QueryService> = {
    '2011-01-01': { api: createAutoScalingApi(backend), errorXml: autoScalingErrorXml },
    '2016-11-15': { api: createEc2Api(backend), errorXml: ec2ErrorXml },
  };

  function answerJson(res: ServerResponse, target: string, body: string, context: RequestContext): void {
    const dot = target.lastIndexOf('.');
    const service = json[target.slice(0, dot)];
    const contentType = service?.contentType ?? 'application/x-amz-json-1.0';
    try {
      if (service === undefined) throw new WireError('UnknownOperationException', `No local service answers ${target}.`);
      let input: unknown;
      try {
        input = JSON.parse(body === '' ? '{}' : body);
      } catch {
        throw new WireError('SerializationException', 'The request body is not valid JSON.');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new WireError('SerializationException', 'The request body must be a JSON object.');
      const output = service.api(target.slice(dot + 1), input as JsonInput, context);
      send(res, 200, contentType, JSON.stringify(output));
    } catch (thrown) {
      const error = toWireError(thrown);
      const headers: Record<string, string> = service?.queryErrorHeader ? { 'x-amzn-query-error': `${error.queryCode};${error.fault}` } : {};
      const errorBody = JSON.stringify({ __type: `${service?.errorNamespace ?? ''}${error.code}`, message: error.message });
      send(res, error.status, contentType, errorBody, headers);
    }
  }

  function answerQuery(res: ServerResponse, body: string, context: RequestContext): void {
    const params = new URLSearchParams(body);
    const version = params.get('Version') ?? '';
    const service = query[version];
    // Both query parsers accept EC2's `Response/Errors` form, so it answers an unknown version.
    const errorXml = service?.errorXml ?? ec2ErrorXml;
    try {
      if (service === undefined) throw new WireError('NoSuchVersion', `The requested version (${version}) is not served by the local endpoint.`);
      send(res, 200, 'text/xml', service.api(params.get('Action') ?? '', params, context));
    } catch (thrown) {
      const error = toWireError(thrown);
      send(res, error.status, 'text/xml', errorXml(error, context.requestId));
    }
  }

  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const context: RequestContext = { requestId: randomUUID(), host: req.headers.host ?? url.slice('http://'.length), region: regionOf(req.headers.authorization) };
        res.setHeader('x-amzn-requestid', context.requestId);
        const target = req.headers['x-amz-target'];
        if (typeof target === 'string') answerJson(res, target, body, context);
        else answerQuery(res, body, context);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // SDK clients keep connections alive; without this close would wait for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
