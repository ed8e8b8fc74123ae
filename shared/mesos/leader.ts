import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { describeUrl, isNotFound, originOf, redirectTarget, requestOptionalDocument, statusLine, unavailable, type Document, type MesosHttp } from './http.js';
import type { StateLeadership } from './parse-state.js';

/** `http://m1:5050/` and `http://m1:5050` name the same master. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** What one master said when asked for the leader. */
type Answer = { leader: string } | { noLeader: true; detail: string } | { failed: string };

async function askForLeader(http: MesosHttp, masterUrl: string): Promise<Answer> {
  const url = `${baseUrl(masterUrl)}/master/redirect`;
  try {
    const answer = await http.send(url);
    if (answer.status === 503) return { noLeader: true, detail: statusLine(answer) };
    if (answer.status >= 300 && answer.status < 400) return { leader: originOf(redirectTarget(answer, 'GET')) };
    return { failed: `unexpected ${statusLine(answer)}` };
  } catch (error) {
    if (error instanceof AutoscalerError && error.name === ErrorNames.MesosUnavailable) return { failed: error.message };
    throw error;
  }
}

/**
 * Finds the leading master: `/master/redirect` answers 307 with a protocol-relative
 * `Location: //leader-host:5050` (on the leader too), resolved against the scheme of the URL asked;
 * 503 while no leader is elected. Masters are asked in order until one names the leader.
 * Returns the leader's base URL (`http://host:port`).
 */
export async function discoverLeader(http: MesosHttp, masterUrls: readonly string[]): Promise<string> {
  if (masterUrls.length === 0) throw new AutoscalerError(ErrorNames.InvalidConfig, 'no Mesos master URL is configured');
  const problems: string[] = [];
  let noLeader = 0;
  for (const masterUrl of masterUrls) {
    const answer = await askForLeader(http, masterUrl);
    if ('leader' in answer) return answer.leader;
    if ('noLeader' in answer) {
      noLeader += 1;
      problems.push(`${describeUrl(masterUrl)}: no leader elected (${answer.detail})`);
    } else {
      problems.push(answer.failed);
    }
  }
  const summary = noLeader === masterUrls.length ? 'no Mesos leader is elected' : 'no Mesos leader is elected or reachable';
  throw unavailable(`${summary}: ${problems.join('; ')}`);
}

/** `master@10.0.2.75:5050` → `http://10.0.2.75:5050`, with the scheme of `like`. */
export function leaderUrlFromUpid(upid: string, like: string): string | null {
  const at = upid.lastIndexOf('@');
  if (at < 0 || at === upid.length - 1) return null;
  try {
    return originOf(`${new URL(like).protocol}//${upid.slice(at + 1)}`);
  } catch {
    return null;
  }
}


/** A state read from one master, with where it came from. */
export interface ReadState<T> {
  url: string;
  state: T;
}

async function readState<T extends StateLeadership>(
  http: MesosHttp,
  url: string,
  parse: (document: Document) => T,
): Promise<(ReadState<T> & { source: string; leader: string; isLeader: boolean }) | null> {
  const document = await requestOptionalDocument(http, url, isNotFound);
  if (document === null) return null;
  const state = parse(document);
  if (state.leader === null) throw unavailable(`${document.source}: no leader is elected (the state names no leader)`);
  return { url: document.url, state, source: document.source, leader: state.leader, isLeader: state.pid === state.leader };
}

/**
 * Reads `/master/state` or `/master/state.json` from the leader; null when the master does not
 * serve `path` (404). Mesos ≤0.28 standbys answer with their own empty state and
 * `"leader": "master@ip:port"` instead of redirecting: a state is trusted only when its `pid` is
 * its `leader`, and otherwise the named leader is asked, once.
 */
export async function readLeadingState<T extends StateLeadership>(
  http: MesosHttp,
  base: string,
  path: string,
  parse: (document: Document) => T,
): Promise<ReadState<T> | null> {
  const first = await readState(http, `${base}${path}`, parse);
  if (first === null || first.isLeader) return first;
  const leaderUrl = leaderUrlFromUpid(first.leader, first.url);
  if (leaderUrl === null) throw unavailable(`${first.source}: served by a master that is not the leader, and the leader ${first.leader} has no usable address`);
  const second = await readState(http, `${leaderUrl}${path}`, parse);
  if (second === null) throw unavailable(`GET ${describeUrl(`${leaderUrl}${path}`)}: not found on the leader named by ${first.source}`);
  if (!second.isLeader) throw unavailable(`${second.source}: not the leader either (it names ${second.leader}); leadership is changing`);
  return second;
}
