import { gzipSync } from 'node:zlib';
import { ErrorNames } from '../../../shared/model/errors.js';
import { createMesosHttp, requestDocument, requestOptionalDocument } from '../../../shared/mesos/http.js';
import { rejection } from '../../support/rejection.js';
import { routes, serverPerTest, startServer } from './local-server.js';

const SECRET = 'pa55-w0rd-never-shown';
const credentials = { username: 'autoscaler', password: SECRET };

const serve = serverPerTest();

describe('createMesosHttp', () => {
  test('sends HTTP basic auth from the credentials, and JSON accept', async () => {
    const server = await serve(routes({ '/master/slaves': { body: '{}' } }));
    const http = createMesosHttp({ timeoutMs: 2000, credentials });
    const answer = await http.send(`${server.url}/master/slaves`);
    expect(answer.status).toBe(200);
    expect(server.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`autoscaler:${SECRET}`).toString('base64')}`);
    expect(server.requests[0]!.headers.accept).toBe('application/json');
  });

  test('sends no authorization header without credentials', async () => {
    const server = await serve(routes({ '/x': { body: '{}' } }));
    await createMesosHttp({ timeoutMs: 2000, credentials: null }).send(`${server.url}/x`);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  test('does not follow redirects itself', async () => {
    const server = await serve(routes({ '/master/redirect': { status: 307, headers: { location: '//10.9.9.9:5050' } } }));
    const answer = await createMesosHttp({ timeoutMs: 2000, credentials }).send(`${server.url}/master/redirect`);
    expect(answer).toMatchObject({ status: 307, location: '//10.9.9.9:5050' });
  });

  test('a request that gets no answer in time is MesosUnavailable naming the path', async () => {
    const server = await serve(() => undefined);
    const error = await rejection(createMesosHttp({ timeoutMs: 150, credentials }).send(`${server.url}/master/frameworks`));
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: `GET ${server.url}/master/frameworks: timed out after 150 ms` });
  });

  test('a refused connection is MesosUnavailable naming the path and the cause', async () => {
    const server = await startServer(() => undefined);
    await server.close();
    const error = await rejection(createMesosHttp({ timeoutMs: 2000, credentials }).send(`${server.url}/master/slaves`));
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: `GET ${server.url}/master/slaves: network error (ECONNREFUSED)` });
  });

  test('reads whole bodies: with a Content-Length, chunked, and gzip-compressed', async () => {
    const big = JSON.stringify({ items: Array.from({ length: 20_000 }, (_, i) => ({ i, s: 'x'.repeat(i % 50) })) });
    const server = await serve(
      routes({
        '/exact': { body: big },
        '/chunked': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          for (let i = 0; i < big.length; i += 7_777) res.write(big.slice(i, i + 7_777));
          res.end();
        },
        '/gzip': (_req, res) => {
          const zipped = gzipSync(big);
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': zipped.length }).end(zipped);
        },
      }),
    );
    const http = createMesosHttp({ timeoutMs: 2000, credentials: null });
    for (const path of ['/exact', '/chunked', '/gzip']) {
      expect((await http.send(`${server.url}${path}`)).body.toString()).toBe(big);
    }
  });

  test('a connection closed in the middle of the body is MesosUnavailable, not a payload error', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      res.write('{"slaves":[');
      setTimeout(() => res.destroy(), 20);
    });
    const error = await rejection(createMesosHttp({ timeoutMs: 2000, credentials }).send(`${server.url}/master/slaves`));
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: expect.stringMatching(new RegExp(`^GET ${server.url}/master/slaves: network error`)) });
  });

  test('credentials inside a URL are refused without echoing them', async () => {
    const error = await rejection(createMesosHttp({ timeoutMs: 2000, credentials: null }).send(`http://autoscaler:${SECRET}@127.0.0.1:1/master/slaves`));
    expect(error.name).toBe(ErrorNames.InvalidConfig);
    expect(error.message).not.toContain(SECRET);
  });
});

describe('requestDocument', () => {
  test('5xx is MesosUnavailable with the status and the body; the password never shows', async () => {
    const server = await serve(routes({ '/master/slaves': { status: 500, body: 'Failed to get slaves: registry busy' } }));
    const error = await rejection(requestDocument(createMesosHttp({ timeoutMs: 2000, credentials }), `${server.url}/master/slaves`));
    expect(error).toMatchObject({
      name: ErrorNames.MesosUnavailable,
      message: `GET ${server.url}/master/slaves: HTTP 500 Internal Server Error: Failed to get slaves: registry busy`,
    });
    expect(error.message).not.toContain(SECRET);
  });

  test('401 is MesosUnavailable too, and the password never shows', async () => {
    const server = await serve(routes({ '/master/slaves': { status: 401, body: 'Unauthorized' } }));
    const error = await rejection(requestDocument(createMesosHttp({ timeoutMs: 2000, credentials }), `${server.url}/master/slaves`));
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: expect.stringContaining('HTTP 401') });
    expect(error.message).not.toContain(SECRET);
  });

  test('a 307 is followed once, to a protocol-relative Location, with the same credentials', async () => {
    const leader = await serve(routes({ '/master/slaves': { body: '{"slaves":[]}' } }));
    const standby = await serve(routes({ '/master/slaves': { status: 307, headers: { location: `//${leader.host}/master/slaves` } } }));
    const document = await requestDocument(createMesosHttp({ timeoutMs: 2000, credentials }), `${standby.url}/master/slaves`);
    expect(document.url).toBe(`${leader.url}/master/slaves`);
    expect(document.body.toString()).toBe('{"slaves":[]}');
    expect(document.source).toBe(`GET ${leader.url}/master/slaves`);
    expect(leader.requests[0]!.headers.authorization).toMatch(/^Basic /);
  });

  test('a second redirect fails: the leader is changing', async () => {
    const a = await serve(routes({}));
    const b = await serve(routes({ '/master/slaves': { status: 307, headers: { location: `//${a.host}/master/slaves` } } }));
    const c = await serve(routes({ '/master/slaves': { status: 307, headers: { location: `//${b.host}/master/slaves` } } }));
    const error = await rejection(requestDocument(createMesosHttp({ timeoutMs: 2000, credentials }), `${c.url}/master/slaves`));
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: expect.stringContaining('redirected twice') });
    expect(a.requests).toHaveLength(0);
  });

  test('an optional document is null on the statuses that mean "not here"', async () => {
    const server = await serve(routes({}));
    const http = createMesosHttp({ timeoutMs: 2000, credentials: null });
    expect(await requestOptionalDocument(http, `${server.url}/master/frameworks`, (s) => s === 404)).toBeNull();
    const error = await rejection(requestDocument(http, `${server.url}/master/frameworks`));
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: `GET ${server.url}/master/frameworks: HTTP 404 Not Found: Not Found` });
  });
});
