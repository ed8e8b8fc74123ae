import { Buffer } from 'node:buffer';
import type { MesosConfig } from '../config/types.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';

/** One HTTP exchange, redirects not followed (`redirect: 'manual'`): the caller decides. */
export interface HttpAnswer {
  url: string;
  status: number;
  statusText: string;
  /** The raw `Location` header (Mesos sends protocol-relative `//host:port/...`). */
  location: string | null;
  /** Bytes as received: the big Mesos bodies are scanned without ever becoming one huge string. */
  body: Buffer;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  body?: string;
}

export interface MesosHttp {
  /** Network failures and timeouts throw MesosUnavailable; any HTTP status is returned. */
  send(url: string, request?: HttpRequest): Promise<HttpAnswer>;
}

export interface HttpSettings {
  timeoutMs: number;
  credentials: MesosConfig['credentials'];
  fetch?: typeof fetch;
}

/** A status that means "this master has no such endpoint": read as absent, not as a failure. */
export const isNotFound = (status: number): boolean => status === 404;

/** How errors name a request: origin and path only, never credentials or a query string. */
export function describeUrl(url: string | URL): string {
  try {
    const u = typeof url === 'string' ? new URL(url) : url;
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** `http://host:port` of a URL: how masters are told apart. */
export function originOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

export function unavailable(message: string, cause?: unknown): AutoscalerError {
  return new AutoscalerError(ErrorNames.MesosUnavailable, message, cause === undefined ? undefined : { cause });
}

/**
 * A short, credential-free reason for a failed fetch (undici wraps the socket error in `cause`).
 * Duck-typed: fetch's errors may come from another realm than this module's `Error`.
 */
function describeFailure(error: unknown, timeoutMs: number): string {
  const { name, message, cause } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  if (typeof cause?.code === 'string') return `network error (${cause.code})`;
  if (typeof cause?.message === 'string') return `network error (${cause.message})`;
  return `network error (${typeof message === 'string' ? message : String(error)})`;
}

function parseTarget(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new AutoscalerError(ErrorNames.InvalidConfig, `not a valid Mesos/Marathon URL: ${JSON.stringify(url.replace(/\/\/[^/@]*@/, '//'))}`);
  }
  if (target.username !== '' || target.password !== '') {
    // fetch refuses such URLs and would echo them (password included) in its error.
    throw new AutoscalerError(ErrorNames.InvalidConfig, `${describeUrl(target)}: credentials in URLs are not accepted; use the credentials parameter`);
  }
  return target;
}

/**
 * Reads a body into one buffer. With a Content-Length (and no Content-Encoding, which would make it
 * the compressed size) the buffer is allocated once; otherwise it doubles as data comes. Either way
 * a 250 MB body costs about its own size, not the chunks plus a concatenated copy plus a string.
 */
async function readBody(response: Response): Promise<Buffer> {
  if (response.body === null) return Buffer.alloc(0);
  const declared = Number(response.headers.get('content-length'));
  const exact = response.headers.get('content-encoding') === null && Number.isSafeInteger(declared) && declared > 0;
  let buffer = Buffer.allocUnsafe(exact ? declared : 64 * 1024);
  let length = 0;
  for await (const chunk of response.body) {
    if (length + chunk.length > buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, length + chunk.length));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    buffer.set(chunk, length);
    length += chunk.length;
  }
  return buffer.subarray(0, length);
}

/**
 * HTTP over the global fetch: one timeout per request (covering the body), HTTP basic auth when
 * configured, redirects left to the caller (Mesos leader redirects are protocol-relative 307s).
 */
export function createMesosHttp(settings: HttpSettings): MesosHttp {
  const fetchImpl = settings.fetch ?? fetch;
  const authorization = settings.credentials
    ? `Basic ${Buffer.from(`${settings.credentials.username}:${settings.credentials.password}`).toString('base64')}`
    : null;
  return {
    async send(url, request = { method: 'GET' }) {
      const target = parseTarget(url);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (authorization) headers.authorization = authorization;
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      try {
        const response = await fetchImpl(target, {
          method: request.method,
          headers,
          body: request.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
        const body = await readBody(response);
        return { url: target.href, status: response.status, statusText: response.statusText, location: response.headers.get('location'), body };
      } catch (error) {
        throw unavailable(`${request.method} ${describeUrl(target)}: ${describeFailure(error, settings.timeoutMs)}`, error);
      }
    },
  };
}

/** `HTTP 503 Service Unavailable: No leader elected` (the body says why; kept short). */
export function statusLine(answer: HttpAnswer): string {
  const text = answer.body.toString('utf8', 0, Math.min(answer.body.length, 400)).trim().replace(/\s+/g, ' ');
  const reason = text === '' ? '' : `: ${text.length > 200 ? `${text.slice(0, 200)}...` : text}`;
  return `HTTP ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}${reason}`;
}

function isFollowedRedirect(status: number): boolean {
  return status === 307 || status === 308;
}

/** The absolute URL a redirect points to; a protocol-relative Location keeps the scheme of the request. */
export function redirectTarget(answer: HttpAnswer, method: string): string {
  if (!answer.location) throw unavailable(`${method} ${describeUrl(answer.url)}: HTTP ${answer.status} without a Location header`);
  try {
    return new URL(answer.location, answer.url).href;
  } catch {
    throw unavailable(`${method} ${describeUrl(answer.url)}: HTTP ${answer.status} to an invalid Location`);
  }
}

export interface Document {
  /** Where the document came from, after a redirect. */
  url: string;
  body: Buffer;
  /** `GET http://host:5050/master/slaves`: the source named by payload errors. */
  source: string;
}

const GET: HttpRequest = { method: 'GET' };

/**
 * One request whose 307 (a Mesos ≥1.0 master that is not, or no longer, the leader) is followed
 * once; a second redirect means leadership is moving and fails the read.
 */
export async function exchange(http: MesosHttp, url: string, request: HttpRequest): Promise<HttpAnswer> {
  const answer = await http.send(url, request);
  if (!isFollowedRedirect(answer.status)) return answer;
  const followed = await http.send(redirectTarget(answer, request.method), request);
  if (isFollowedRedirect(followed.status)) {
    throw unavailable(`${request.method} ${describeUrl(url)}: redirected twice (to ${describeUrl(followed.url)}, then again); the leader is changing`);
  }
  return followed;
}

/** 2xx: the document, for a parser to decode; any other status is MesosUnavailable. */
function toDocument(answer: HttpAnswer, request: HttpRequest): Document {
  const source = `${request.method} ${describeUrl(answer.url)}`;
  if (answer.status < 200 || answer.status >= 300) throw unavailable(`${source}: ${statusLine(answer)}`);
  return { url: answer.url, body: answer.body, source };
}

/** Requests a document that must be there. */
export async function requestDocument(http: MesosHttp, url: string, request: HttpRequest = GET): Promise<Document> {
  return toDocument(await exchange(http, url, request), request);
}

/**
 * Requests a document an older master may not have: null when `absentWhen(status)` (e.g. 404 for
 * an endpoint added in a later version).
 */
export async function requestOptionalDocument(
  http: MesosHttp,
  url: string,
  absentWhen: (status: number) => boolean,
  request: HttpRequest = GET,
): Promise<Document | null> {
  const answer = await exchange(http, url, request);
  return absentWhen(answer.status) ? null : toDocument(answer, request);
}
