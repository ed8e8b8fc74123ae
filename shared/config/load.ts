import type { ParameterSource } from '../aws/ports.js';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { assertPrefix, parseConfig } from './parse-config.js';
import type { AutoscalerConfig } from './types.js';

export { parseConfig } from './parse-config.js';

/**
 * Reads every parameter under the prefix and validates it. Invalid values come back as
 * `problems`; only a failed read throws (Autoscaler.AwsUnavailable), since then nothing is known.
 */
export async function loadConfig(source: ParameterSource, prefix: string): Promise<AutoscalerConfig> {
  assertPrefix(prefix);
  let raw: Map<string, string>;
  try {
    raw = await source.byPath(prefix);
  } catch (error) {
    if (error instanceof AutoscalerError) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new AutoscalerError(ErrorNames.AwsUnavailable, `could not read the SSM parameters under ${prefix}: ${reason}`, {
      cause: error,
    });
  }
  return parseConfig(prefix, raw);
}

export interface CachedConfigLoaderOptions {
  /** Re-read SSM when the cached config is this old; short, so operators' edits apply without a redeploy. */
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * `loadConfig` behind a cache that lives as long as the Lambda container. A failed read is not
 * cached, so the next call tries again; concurrent calls share one read.
 */
export function createCachedConfigLoader(
  source: ParameterSource,
  prefix: string,
  { maxAgeMs = 60_000, now = Date.now }: CachedConfigLoaderOptions = {},
): () => Promise<AutoscalerConfig> {
  let cached: { readAt: number; config: Promise<AutoscalerConfig> } | null = null;
  return () => {
    if (cached && now() - cached.readAt < maxAgeMs) return cached.config;
    // The age counts from the start of the read, so a config is never older than maxAgeMs.
    const entry = { readAt: now(), config: loadConfig(source, prefix) };
    cached = entry;
    entry.config.catch(() => {
      if (cached === entry) cached = null;
    });
    return entry.config;
  };
}
