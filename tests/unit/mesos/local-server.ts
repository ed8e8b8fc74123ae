import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface LocalServer {
  url: string;
  /** `host:port`, what a Mesos `Location: //host:port` names. */
  host: string;
  /** Requests seen, in order: method, path and headers. */
  requests: Array<{ method: string; path: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1, port 0, for one test. */
export async function startServer(handler: Handler): Promise<LocalServer> {
  const requests: LocalServer['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
      handler(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `serve` for a test file: starts servers as `startServer` does and closes all it started after
 * each test. Call it once, at the top of the file.
 */
export function serverPerTest(): (handler: Handler) => Promise<LocalServer> {
  let servers: LocalServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  return async (handler) => {
    const server = await startServer(handler);
    servers.push(server);
    return server;
  };
}

/** A routing table: path (without query) → answer. Unknown paths get 404. */
export type Route = { status?: number; body?: string; headers?: Record<string, string> } | Handler;

export function routes(table: Record<string, Route>): Handler {
  return (req, res, body) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = table[path];
    if (route === undefined) {
      res.writeHead(404).end('Not Found');
      return;
    }
    if (typeof route === 'function') {
      route(req, res, body);
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...route.headers }).end(route.body ?? '');
  };
}

const FIXTURES = new URL('../../fixtures/mesos/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}
