import { STATUS_CODES } from 'node:http';
import type { MesosRoutes } from './mesos-endpoint.js';

/**
 * A `fetch` the master's routes answer without a socket: the production Mesos HTTP client (leader
 * redirect, statuses, body decoding) runs unchanged against the simulated master, at in-process speed.
 */
export function inProcessFetch(routes: MesosRoutes): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const body = typeof init?.body === 'string' ? init.body : '';
    const reply = routes({ method: init?.method ?? 'GET', path: `${url.pathname}${url.search}`, body, host: url.host });
    return new Response(reply.body === '' ? null : reply.body, { status: reply.status, statusText: STATUS_CODES[reply.status] ?? '', headers: reply.headers });
  }) as typeof fetch;
}
