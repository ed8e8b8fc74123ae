import { decodeJsonBody } from './json-body.js';
import type { JsonBody } from './json-scan.js';
import { objectAt, optionalNumberAt, optionalStringAt, parsePayload } from './shape.js';

export interface MasterInfo {
  version: string | null;
  /** Epoch seconds the master was elected; reported by GET_MASTER since about 1.5. */
  electedAt: number | null;
}

/**
 * A v1 `GET_MASTER` response: `{"type":"GET_MASTER","get_master":{"master_info":{..., "version"},
 * "start_time": s, "elected_time": s}}`. A small, cheap call, unlike `/master/state`.
 */
export function parseGetMaster(body: JsonBody, source = 'GET_MASTER'): MasterInfo {
  const decoded = decodeJsonBody(body, source);
  return parsePayload(source, () => {
    const getMaster = objectAt(objectAt(decoded, '(top level)').get_master, 'get_master');
    const info = getMaster.master_info === undefined ? {} : objectAt(getMaster.master_info, 'get_master.master_info');
    return {
      version: optionalStringAt(info.version, 'get_master.master_info.version'),
      electedAt: optionalNumberAt(getMaster.elected_time, 'get_master.elected_time'),
    };
  });
}
