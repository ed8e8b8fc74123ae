import { z } from 'zod';
import type { Credentials, ParameterKind, ParameterSpec } from './catalog.js';

const built = new Map<ParameterSpec, z.ZodType<unknown, string>>();

/** The zod schema that turns the raw SSM text of one parameter into its typed value (built once per entry). */
function valueSchema(spec: ParameterSpec): z.ZodType<unknown, string> {
  let schema = built.get(spec);
  if (!schema) {
    schema = SCHEMAS[spec.kind](spec);
    built.set(spec, schema);
  }
  return schema;
}

/** Either the typed value, or the rule the text broke, in plain words. */
export type ValueResult = { ok: true; value: unknown } | { ok: false; rule: string };

export function parseValue(spec: ParameterSpec, raw: string): ValueResult {
  const result = valueSchema(spec).safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, rule: result.error.issues[0]?.message ?? 'is not valid' };
}

const SCHEMAS: Record<ParameterKind, (spec: ParameterSpec) => z.ZodType<unknown, string>> = {
  integer: (spec) => {
    const min = spec.min ?? 0;
    let number = z
      .number()
      .refine(Number.isSafeInteger, 'is too large')
      .min(min, spec.max === undefined ? `must be at least ${min}` : `must be from ${min} to ${spec.max}`);
    if (spec.max !== undefined) number = number.max(spec.max, `must be from ${min} to ${spec.max}`);
    return z.string().trim().regex(/^-?\d+$/, 'must be a whole number').transform(Number).pipe(number);
  },
  percent: () =>
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?$/, 'must be a number from 0 to 100')
      .transform(Number)
      .pipe(z.number().min(0, 'must be from 0 to 100').max(100, 'must be from 0 to 100')),
  boolean: () =>
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
      .transform((text) => text === 'true'),
  text: (spec) => {
    const text = z.string().trim().min(1, 'must not be blank');
    return spec.max === undefined ? text : text.max(spec.max, `must be at most ${spec.max} characters`);
  },
  url: () =>
    z
      .string()
      .trim()
      .transform((text, ctx) => {
        // SSM cannot store an empty value, but a blank one means the same: not used.
        if (text === '') return null;
        const checked = checkHttpUrl(text);
        if ('rule' in checked) {
          ctx.issues.push({ code: 'custom', message: checked.rule, input: text });
          return z.NEVER;
        }
        return checked.url;
      }),
  names: (spec) =>
    z.string().transform((text, ctx) => {
      const names = text.split(',').map((entry) => entry.trim());
      const rule = namesRule(names, spec.max);
      if (rule !== null) {
        ctx.issues.push({ code: 'custom', message: rule, input: text });
        return z.NEVER;
      }
      return names;
    }),
  urls: () =>
    z.string().transform((text, ctx) => {
      const entries = text.split(',').map((entry) => entry.trim());
      if (entries.every((entry) => entry === '')) {
        ctx.issues.push({ code: 'custom', message: 'must list at least one http(s) URL', input: text });
        return z.NEVER;
      }
      const urls: string[] = [];
      for (const [index, entry] of entries.entries()) {
        const checked = entry === '' ? { rule: 'is empty' } : checkHttpUrl(entry);
        if ('rule' in checked) {
          ctx.issues.push({ code: 'custom', message: `entry ${index + 1} ${checked.rule}`, input: text });
          return z.NEVER;
        }
        urls.push(checked.url);
      }
      return urls;
    }),
  credentials: () =>
    z
      .string()
      .trim()
      .transform((text, ctx): Credentials => {
        // Basic auth user names cannot contain ':', passwords can: split at the first one.
        const colon = text.indexOf(':');
        if (colon <= 0 || colon === text.length - 1) {
          ctx.issues.push({ code: 'custom', message: 'must be username:password with both parts non-empty', input: '' });
          return z.NEVER;
        }
        return { username: text.slice(0, colon), password: text.slice(colon + 1) };
      }),
};

function namesRule(names: readonly string[], max: number | undefined): string | null {
  if (names.every((name) => name === '')) return 'must not be blank';
  for (const [index, name] of names.entries()) {
    if (name === '') return `entry ${index + 1} is empty`;
    if (max !== undefined && name.length > max) return `entry ${index + 1} must be at most ${max} characters`;
    if (names.indexOf(name) < index) return `lists ${name} twice`;
  }
  return null;
}

/** A base URL the clients append paths to, so a trailing slash is dropped. */
function checkHttpUrl(text: string): { url: string } | { rule: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { rule: 'must be an http(s) URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { rule: 'must use http or https' };
  if (url.username !== '' || url.password !== '') {
    return { rule: 'must not contain a user name or password (put them in mesos/credentials)' };
  }
  if (url.search !== '' || url.hash !== '') return { rule: 'must not have a query or a fragment' };
  return { url: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}
