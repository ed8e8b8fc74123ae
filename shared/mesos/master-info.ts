import { requestOptionalDocument, type MesosHttp } from './http.js';
import { parseGetMaster, type MasterInfo } from './parse-master-info.js';

const GET_MASTER_CALL = JSON.stringify({ type: 'GET_MASTER' });
const isClientError = (status: number): boolean => status >= 400 && status < 500;

/**
 * The leader's version and election time from the small v1 GET_MASTER call; null when the master
 * refuses it (a 4xx: older masters, or ACLs), which callers read as "version unknown".
 */
export async function readMasterInfo(http: MesosHttp, leader: string): Promise<(MasterInfo & { url: string }) | null> {
  const document = await requestOptionalDocument(http, `${leader}/api/v1`, isClientError, { method: 'POST', body: GET_MASTER_CALL });
  return document && { url: document.url, ...parseGetMaster(document.body, document.source) };
}
