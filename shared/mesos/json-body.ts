import { Buffer } from 'node:buffer';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import type { JsonBody } from './json-scan.js';

/** V8 reports where parsing stopped; stopping at the very end means the text was cut short. */
function looksTruncated(detail: string, text: string): boolean {
  if (/end of JSON input/i.test(detail)) return true;
  const position = /at position (\d+)/.exec(detail);
  return position !== null && Number(position[1]) >= text.trimEnd().length;
}

/**
 * Decodes a small body (Marathon, GET_MASTER) with JSON.parse; the big Mesos bodies go through
 * JsonScanner instead. Malformed or truncated JSON is a MesosPayload error naming `source`.
 */
export function decodeJsonBody(body: JsonBody, source: string): unknown {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as { message?: unknown } | null)?.message;
    const detail = typeof message === 'string' ? message : String(error);
    const what = text.trim() === '' ? 'empty body' : looksTruncated(detail, text) ? 'truncated JSON' : 'malformed JSON';
    throw new AutoscalerError(ErrorNames.MesosPayload, `${source}: ${what} (${detail}; ${text.length} characters received)`);
  }
}
