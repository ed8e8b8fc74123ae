import { ErrorNames } from '../../../shared/model/errors.js';
import { createMesosHttp } from '../../../shared/mesos/http.js';
import { discoverLeader, leaderUrlFromUpid, readLeadingState } from '../../../shared/mesos/leader.js';
import { parseMasterState } from '../../../shared/mesos/parse-state.js';
import { rejection } from '../../support/rejection.js';
import { routes, serverPerTest, startServer } from './local-server.js';

const http = createMesosHttp({ timeoutMs: 2000, credentials: null });

const serve = serverPerTest();

const NO_LEADER = { status: 503, body: 'No leader elected' };

describe('discoverLeader', () => {
  test('follows the protocol-relative 307 of /master/redirect, keeping the scheme asked', async () => {
    const master = await serve(routes({ '/master/redirect': { status: 307, headers: { location: '//10.0.5.101:5050' } } }));
    expect(await discoverLeader(http, [`${master.url}/`])).toBe('http://10.0.5.101:5050');
  });

  test('a leader answering for itself', async () => {
    const leader = await serve((req, res) => res.writeHead(307, { location: `//${req.headers.host}` }).end());
    expect(await discoverLeader(http, [leader.url])).toBe(leader.url);
  });

  test('503 "No leader elected" on the first master, the leader named by the second', async () => {
    const first = await serve(routes({ '/master/redirect': NO_LEADER }));
    const second = await serve(routes({ '/master/redirect': { status: 307, headers: { location: '//leader.mesos:5050' } } }));
    expect(await discoverLeader(http, [first.url, second.url])).toBe('http://leader.mesos:5050');
    expect(first.requests.map((r) => r.path)).toEqual(['/master/redirect']);
  });

  test('an unreachable master is skipped', async () => {
    const gone = await startServer(() => undefined);
    await gone.close();
    const second = await serve(routes({ '/master/redirect': { status: 307, headers: { location: '//m2:5050' } } }));
    expect(await discoverLeader(http, [gone.url, second.url])).toBe('http://m2:5050');
  });

  test('every master answering 503: MesosUnavailable saying no leader is elected', async () => {
    const a = await serve(routes({ '/master/redirect': NO_LEADER }));
    const b = await serve(routes({ '/master/redirect': NO_LEADER }));
    const error = await rejection(discoverLeader(http, [a.url, b.url]));
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: expect.stringMatching(/^no Mesos leader is elected: /) });
    expect(error.message).toContain(`${a.url}/: no leader elected (HTTP 503 Service Unavailable: No leader elected)`);
  });

  test('no master naming a leader for mixed reasons lists each', async () => {
    const gone = await startServer(() => undefined);
    await gone.close();
    const odd = await serve(routes({ '/master/redirect': { status: 200, body: 'hello' } }));
    const error = await rejection(discoverLeader(http, [gone.url, odd.url]));
    expect(error.name).toBe(ErrorNames.MesosUnavailable);
    expect(error.message).toMatch(/^no Mesos leader is elected or reachable: /);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('unexpected HTTP 200');
  });
});

describe('readLeadingState (Mesos ≤0.28: standbys serve their own state)', () => {
  const parse = (d: { body: Buffer; source: string }) => parseMasterState(d.body, 'pool', d.source);
  const state = (pid: string, leader: string | undefined, agents = 0) =>
    JSON.stringify({
      version: '0.28.1',
      pid,
      ...(leader === undefined ? {} : { leader }),
      slaves: Array.from({ length: agents }, (_, i) => ({ id: `a-S${i}`, pid: `slave(1)@10.0.0.${i + 1}:5051`, hostname: `h${i}`, resources: { cpus: 4 }, used_resources: {}, active: true })),
      frameworks: [],
    });

  test('a state whose pid is its leader is trusted', async () => {
    const leader = await serve(routes({ '/master/state.json': { body: state('master@127.0.0.1:5050', 'master@127.0.0.1:5050', 2) } }));
    const read = await readLeadingState(http, leader.url, '/master/state.json', parse);
    expect(read!.state.agents).toHaveLength(2);
    expect(read!.url).toBe(`${leader.url}/master/state.json`);
  });

  test('pid != leader: the leader named by the standby is read instead', async () => {
    const leader = await serve((req, res) => res.writeHead(200).end(state(`master@${req.headers.host}`, `master@${req.headers.host}`, 3)));
    const standby = await serve(routes({ '/master/state.json': { body: state('master@10.0.2.74:5050', `master@${leader.host}`) } }));
    const read = await readLeadingState(http, standby.url, '/master/state.json', parse);
    expect(read!.url).toBe(`${leader.url}/master/state.json`);
    expect(read!.state.agents).toHaveLength(3);
  });

  test('no leader in the state: MesosUnavailable, no leader is elected', async () => {
    const lonely = await serve(routes({ '/master/state.json': { body: state('master@127.0.0.1:5050', undefined) } }));
    const error = await rejection(readLeadingState(http, lonely.url, '/master/state.json', parse));
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: expect.stringContaining('no leader is elected') });
  });

  test('the named leader not leading either fails rather than trusting a standby', async () => {
    const other = await serve(routes({ '/master/state.json': { body: state('master@10.0.2.76:5050', 'master@10.0.2.77:5050') } }));
    const standby = await serve(routes({ '/master/state.json': { body: state('master@10.0.2.74:5050', `master@${other.host}`) } }));
    const error = await rejection(readLeadingState(http, standby.url, '/master/state.json', parse));
    expect(error).toMatchObject({ name: ErrorNames.MesosUnavailable, message: expect.stringContaining('leadership is changing') });
  });

  test('404 means the master does not serve that path', async () => {
    const master = await serve(routes({}));
    expect(await readLeadingState(http, master.url, '/master/state', parse)).toBeNull();
  });

  test('leader UPIDs become base URLs with the scheme in use', () => {
    expect(leaderUrlFromUpid('master@10.0.2.75:5050', 'https://m1:5050/master/state')).toBe('https://10.0.2.75:5050');
    expect(leaderUrlFromUpid('master@', 'http://m1:5050')).toBeNull();
  });
});
