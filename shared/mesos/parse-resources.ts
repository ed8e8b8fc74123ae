import { ZERO_RESOURCES, addResources, type Resources } from '../model/resources.js';
import { jsonKey, type JsonScanner } from './json-scan.js';
import { within } from './shape.js';

const CPUS = jsonKey('cpus');
const MEM = jsonKey('mem');
const DISK = jsonKey('disk');
const GPUS = jsonKey('gpus');

/**
 * A v0 resources object (`{"cpus": 4, "mem": 14021, "disk": 35566, "gpus": 0, "ports": "[...]"}`):
 * the four scalars the autoscaler reasons about, 0 when absent (`gpus` before 1.0). Ranges and sets
 * (strings), revocable `*_revocable` scalars and custom resources are not capacity we plan with.
 */
export function scanResources(s: JsonScanner, path: string): Resources {
  s.openObject(path);
  let cpus = 0;
  let mem = 0;
  let disk = 0;
  let gpus = 0;
  while (s.nextKey()) {
    if (s.keyIs(CPUS)) cpus = s.number(path, 'cpus');
    else if (s.keyIs(MEM)) mem = s.number(path, 'mem');
    else if (s.keyIs(DISK)) disk = s.number(path, 'disk');
    else if (s.keyIs(GPUS)) gpus = s.number(path, 'gpus');
    else s.skip();
  }
  return { cpus, mem, disk, gpus };
}

/** `reserved_resources` is `{role: resources}`; what matters for placement is the total reserved to any role. */
export function scanReservedResources(s: JsonScanner, path: string): Resources {
  s.openObject(path);
  let total = ZERO_RESOURCES;
  while (s.nextKey()) {
    const role = s.key();
    try {
      total = addResources(total, scanResources(s, role));
    } catch (error) {
      throw within(error, path);
    }
  }
  return total;
}
