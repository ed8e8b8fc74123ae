import { WireError } from './wire-error.js';

export type JsonInput = Record<string, unknown>;

/** Field readers for JSON requests; `code` is the service's name for a malformed request. */
export function fields(input: JsonInput, code: string) {
  const invalid = (name: string, expected: string) =>
    new WireError(code, `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must be ${expected}`);
  const present = (name: string) => input[name] !== undefined && input[name] !== null;
  return {
    optionalString(name: string): string | null {
      const value = input[name];
      if (!present(name)) return null;
      if (typeof value !== 'string') throw invalid(name, 'a string');
      return value;
    },
    string(name: string): string {
      const value = this.optionalString(name);
      if (value === null) throw invalid(name, 'not null');
      return value;
    },
    optionalNumber(name: string): number | null {
      const value = input[name];
      if (!present(name)) return null;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, 'a number');
      return value;
    },
    optionalBoolean(name: string): boolean | null {
      const value = input[name];
      if (!present(name)) return null;
      if (typeof value !== 'boolean') throw invalid(name, 'a boolean');
      return value;
    },
    optionalObject(name: string): JsonInput | null {
      const value = input[name];
      if (!present(name)) return null;
      if (typeof value !== 'object' || Array.isArray(value)) throw invalid(name, 'an object');
      return value as JsonInput;
    },
    optionalStrings(name: string): string[] | null {
      const value = input[name];
      if (!present(name)) return null;
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid(name, 'a list of strings');
      return value as string[];
    },
  };
}
