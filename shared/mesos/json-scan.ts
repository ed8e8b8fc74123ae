import { Buffer } from 'node:buffer';
import { AutoscalerError, ErrorNames } from '../model/errors.js';
import { ShapeError } from './shape.js';

/** A response body as received (bytes) or as text (fixtures, the benchmark generator). */
export type JsonBody = Uint8Array | string;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const END = -1;
/** Returned by `nextMember` when the container closed. */
const CLOSED = -2;

/** States of `skip`. */
const EXPECT_VALUE = 0;
const AFTER_VALUE = 1;
const EXPECT_KEY = 2;
const EXPECT_FIRST_KEY = 3;
const EXPECT_FIRST_VALUE = 4;
/** Deeper nesting than any Mesos payload has; bounds the skip stack. */
const MAX_DEPTH = 512;

/** Characters allowed after a backslash (`u` is checked separately). */
const SIMPLE_ESCAPES = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPES[c.charCodeAt(0)] = 1;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Bytes of a key or string value, compared in place without decoding. */
export function jsonKey(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

function toBuffer(body: JsonBody): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * A validating pull scanner over JSON bytes. The big Mesos payloads (hundreds of MB on a cluster of
 * 10,000 agents) are read with it instead of JSON.parse: values the autoscaler does not use are
 * checked and skipped without building objects or strings, which is several times faster than
 * JSON.parse and keeps no object graph in memory. Only kept strings are decoded (fresh strings, so
 * they do not pin the body).
 *
 * Malformed or truncated JSON throws AutoscalerError(MesosPayload); a valid value of the wrong type
 * throws ShapeError (turned into MesosPayload by `parsePayload`).
 *
 * Objects are walked with `openObject` + `while (nextKey())`, arrays with `openArray` +
 * `while (nextElement())`; every entered container must be read to its end.
 */
export class JsonScanner {
  private readonly bytes: Buffer;
  private readonly end: number;
  private pos = 0;
  /** True right after `{` or `[`: no comma is expected before the first member. */
  private first = false;
  private keyStart = 0;
  private keyEnd = 0;
  /** Set by `scanString` for the string just scanned. */
  private escaped = false;
  private nonAscii = false;
  /** Open containers (their opening byte) while skipping. */
  private readonly stack = new Uint8Array(MAX_DEPTH);

  constructor(
    body: JsonBody,
    private readonly source: string,
  ) {
    this.bytes = toBuffer(body);
    this.end = this.bytes.length;
  }

  private syntax(problem: string, at: number = this.pos): never {
    const what = at >= this.end ? 'truncated JSON' : 'malformed JSON';
    throw new AutoscalerError(ErrorNames.MesosPayload, `${this.source}: ${what} (${problem} at byte ${at} of ${this.end})`);
  }

  /** Skips whitespace and returns the byte at the cursor, END at the end of the body. */
  private peek(): number {
    const bytes = this.bytes;
    const end = this.end;
    let p = this.pos;
    while (p < end) {
      const c = bytes[p]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        this.pos = p;
        return c;
      }
      p++;
    }
    this.pos = p;
    return END;
  }

  private kindHere(): string {
    switch (this.peek()) {
      case OPEN_OBJECT:
        return 'an object';
      case OPEN_ARRAY:
        return 'an array';
      case QUOTE:
        return 'a string';
      case 0x74:
      case 0x66:
        return 'a boolean';
      case 0x6e:
        return 'null';
      case END:
        return this.syntax('unexpected end of input');
      default: {
        const c = this.bytes[this.pos]!;
        return c === MINUS || isDigit(c) ? 'a number' : this.syntax('invalid value');
      }
    }
  }

  private wrongType(path: string, field: string | undefined, expected: string): never {
    throw new ShapeError(field === undefined ? path : path === '' ? field : `${path}.${field}`, `expected ${expected}, got ${this.kindHere()}`);
  }

  /** Scans a string body from `start` (after the opening quote); returns the index of the closing quote. */
  private scanString(start: number): number {
    const bytes = this.bytes;
    const end = this.end;
    let p = start;
    let escaped = false;
    let nonAscii = false;
    for (;;) {
      if (p >= end) this.syntax('unterminated string', p);
      const c = bytes[p]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        const e = p + 1 < end ? bytes[p + 1]! : END;
        if (e === 0x75) {
          if (p + 5 >= end) this.syntax('unterminated string', end);
          for (let k = 2; k < 6; k++) if (!isHex(bytes[p + k]!)) this.syntax('invalid \\u escape', p);
          p += 6;
        } else if (e !== END && SIMPLE_ESCAPES[e] === 1) {
          p += 2;
        } else {
          this.syntax(e === END ? 'unterminated string' : 'invalid escape', p + 1);
        }
      } else if (c < 0x20) {
        this.syntax('control character in a string', p);
      } else {
        if (c >= 0x80) nonAscii = true;
        p++;
      }
    }
    this.escaped = escaped;
    this.nonAscii = nonAscii;
    return p;
  }

  /** `scanString` for strings whose content is not needed: the index after the closing quote. */
  private skipString(start: number): number {
    const bytes = this.bytes;
    const end = this.end;
    let p = start;
    while (p < end) {
      const c = bytes[p]!;
      if (c === QUOTE) return p + 1;
      if (c === BACKSLASH || c < 0x20) return this.scanString(start) + 1;
      p++;
    }
    return this.syntax('unterminated string', p);
  }

  private decodeString(start: number, close: number): string {
    if (this.escaped) return JSON.parse(this.bytes.toString('utf8', start - 1, close + 1)) as string;
    return this.bytes.toString(this.nonAscii ? 'utf8' : 'latin1', start, close);
  }

  /** Scans a number at the cursor; returns its value (same double JSON.parse gives). */
  private scanNumber(): number {
    const bytes = this.bytes;
    const end = this.end;
    const start = this.pos;
    let p = start;
    let c = p < end ? bytes[p]! : END;
    const negative = c === MINUS;
    if (negative) c = ++p < end ? bytes[p]! : END;
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    if (c === 0x30) {
      c = ++p < end ? bytes[p]! : END;
    } else if (isDigit(c)) {
      do {
        mantissa = mantissa * 10 + (c - 0x30);
        digits++;
        c = ++p < end ? bytes[p]! : END;
      } while (isDigit(c));
    } else {
      this.syntax('invalid value', p);
    }
    if (c === DOT) {
      c = ++p < end ? bytes[p]! : END;
      if (!isDigit(c)) this.syntax('invalid number', p);
      do {
        mantissa = mantissa * 10 + (c - 0x30);
        digits++;
        scale++;
        c = ++p < end ? bytes[p]! : END;
      } while (isDigit(c));
    }
    const exponent = c === 0x65 || c === 0x45;
    if (exponent) p = this.exponentEnd(p + 1);
    this.pos = p;
    // Exact integers over an exact power of ten divide to the correctly rounded double.
    if (!exponent && digits <= 15) return (negative ? -mantissa : mantissa) / POWERS_OF_TEN[scale]!;
    return Number(this.bytes.toString('latin1', start, p));
  }

  /** Checks a number at the cursor without computing it (a returned double may cost an allocation). */
  private skipNumber(): void {
    const bytes = this.bytes;
    const end = this.end;
    let p = this.pos;
    let c = p < end ? bytes[p]! : END;
    if (c === MINUS) c = ++p < end ? bytes[p]! : END;
    if (c === 0x30) c = ++p < end ? bytes[p]! : END;
    else if (isDigit(c)) {
      do c = ++p < end ? bytes[p]! : END;
      while (isDigit(c));
    } else this.syntax('invalid value', p);
    if (c === DOT) {
      c = ++p < end ? bytes[p]! : END;
      if (!isDigit(c)) this.syntax('invalid number', p);
      do c = ++p < end ? bytes[p]! : END;
      while (isDigit(c));
    }
    if (c === 0x65 || c === 0x45) p = this.exponentEnd(p + 1);
    this.pos = p;
  }

  /** Checks an exponent's optional sign and digits from `p` (just after the `e`); returns the index after them. */
  private exponentEnd(p: number): number {
    const bytes = this.bytes;
    const end = this.end;
    let c = p < end ? bytes[p]! : END;
    if (c === 0x2b || c === MINUS) c = ++p < end ? bytes[p]! : END;
    if (!isDigit(c)) this.syntax('invalid number', p);
    do c = ++p < end ? bytes[p]! : END;
    while (isDigit(c));
    return p;
  }

  private literal(word: string): void {
    const p = this.pos;
    for (let i = 0; i < word.length; i++) {
      if (p + i >= this.end || this.bytes[p + i] !== word.charCodeAt(i)) this.syntax('invalid value', p + i);
    }
    this.pos = p + word.length;
  }

  /**
   * Skips any value, checking that it is valid JSON. One flat loop with an explicit stack: most of
   * a big body is skipped, so this is the hot path.
   */
  skip(): void {
    const bytes = this.bytes;
    const end = this.end;
    const stack = this.stack;
    let depth = 0;
    let p = this.pos;
    let state = EXPECT_VALUE;
    for (;;) {
      while (p < end) {
        const w = bytes[p]!;
        if (w !== 0x20 && w !== 0x0a && w !== 0x0d && w !== 0x09) break;
        p++;
      }
      if (p >= end) this.syntax('unexpected end of input', p);
      const c = bytes[p]!;
      if (state === EXPECT_VALUE || (state === EXPECT_FIRST_VALUE && c !== CLOSE_ARRAY)) {
        if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
          if (depth === stack.length) this.syntax('nesting too deep', p);
          stack[depth++] = c;
          p++;
          state = c === OPEN_OBJECT ? EXPECT_FIRST_KEY : EXPECT_FIRST_VALUE;
          continue;
        }
        if (c === QUOTE) {
          p = this.skipString(p + 1);
        } else {
          this.pos = p;
          if (c === 0x74) this.literal('true');
          else if (c === 0x66) this.literal('false');
          else if (c === 0x6e) this.literal('null');
          else this.skipNumber();
          p = this.pos;
        }
      } else if (state === AFTER_VALUE) {
        const open = stack[depth - 1]!;
        if (c === COMMA) {
          p++;
          state = open === OPEN_OBJECT ? EXPECT_KEY : EXPECT_VALUE;
          continue;
        }
        if (!((open === OPEN_OBJECT && c === CLOSE_OBJECT) || (open === OPEN_ARRAY && c === CLOSE_ARRAY))) {
          this.syntax(open === OPEN_OBJECT ? "expected ',' or '}'" : "expected ',' or ']'", p);
        }
        p++;
        depth--;
      } else if (c === CLOSE_OBJECT && state === EXPECT_FIRST_KEY) {
        p++;
        depth--;
      } else if (c === CLOSE_ARRAY && state === EXPECT_FIRST_VALUE) {
        p++;
        depth--;
      } else {
        if (c !== QUOTE) this.syntax('expected a key', p);
        p = this.skipString(p + 1);
        while (p < end && (bytes[p] === 0x20 || bytes[p] === 0x0a || bytes[p] === 0x0d || bytes[p] === 0x09)) p++;
        if (p >= end || bytes[p] !== COLON) this.syntax("expected ':'", p);
        p++;
        state = EXPECT_VALUE;
        continue;
      }
      // A value (or a container) just ended.
      if (depth === 0) {
        this.pos = p;
        return;
      }
      state = AFTER_VALUE;
    }
  }

  /** Steps into the container that `open` starts, or throws the ShapeError for what is there instead. */
  private enter(open: number, expected: string, path: string, field: string | undefined): void {
    if (this.peek() !== open) this.wrongType(path, field, expected);
    this.pos++;
    this.first = true;
  }

  /**
   * Steps to the next member of the open container: over its `close` (returning CLOSED), or over
   * the comma before any member but the first. Returns the member's first byte (END at the end).
   */
  private nextMember(close: number, separatorProblem: string): number {
    const c = this.peek();
    if (c === close) {
      this.pos++;
      this.first = false;
      return CLOSED;
    }
    if (this.first) {
      this.first = false;
      return c;
    }
    if (c !== COMMA) this.syntax(separatorProblem);
    this.pos++;
    return this.peek();
  }

  openObject(path: string, field?: string): void {
    this.enter(OPEN_OBJECT, 'an object', path, field);
  }

  /** Moves to the next key of the open object (then `keyIs`/`key` and a value read or `skip`); false once it is closed. */
  nextKey(): boolean {
    const c = this.nextMember(CLOSE_OBJECT, "expected ',' or '}'");
    if (c === CLOSED) return false;
    if (c !== QUOTE) this.syntax('expected a key');
    const start = this.pos + 1;
    const close = this.scanString(start);
    this.keyStart = start;
    this.keyEnd = this.escaped ? -1 : close;
    this.pos = close + 1;
    if (this.peek() !== COLON) this.syntax("expected ':'");
    this.pos++;
    return true;
  }

  /** Whether the current key is `name` (keys with escapes never match; the master writes none). */
  keyIs(name: Uint8Array): boolean {
    const start = this.keyStart;
    if (this.keyEnd - start !== name.length) return false;
    const bytes = this.bytes;
    for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name[i]) return false;
    return true;
  }

  /** The current key, decoded (for maps such as attributes and reservations by role). */
  key(): string {
    if (this.keyEnd >= 0) return this.decodeString(this.keyStart, this.keyEnd);
    const close = this.scanString(this.keyStart);
    return this.decodeString(this.keyStart, close);
  }

  openArray(path: string, field?: string): void {
    this.enter(OPEN_ARRAY, 'an array', path, field);
  }

  /** Moves to the next element of the open array; false once it is closed. */
  nextElement(): boolean {
    const first = this.first;
    const c = this.nextMember(CLOSE_ARRAY, "expected ',' or ']'");
    if (c === CLOSED) return false;
    // `[,` and `[1,]`; a second comma (`[1,,`) is left to the value read, as `skip` does.
    if (c === END || (first ? c === COMMA : c === CLOSE_ARRAY)) this.syntax('expected a value');
    return true;
  }

  string(path: string, field?: string): string {
    if (this.peek() !== QUOTE) this.wrongType(path, field, 'a string');
    const start = this.pos + 1;
    const close = this.scanString(start);
    this.pos = close + 1;
    return this.decodeString(start, close);
  }

  /** Index of the string value in `choices` (compared as bytes), -1 for any other string. */
  stringIndex(choices: readonly Uint8Array[], path: string, field?: string): number {
    if (this.peek() !== QUOTE) this.wrongType(path, field, 'a string');
    const start = this.pos + 1;
    const close = this.scanString(start);
    this.pos = close + 1;
    if (this.escaped) {
      const text = this.decodeString(start, close);
      return choices.findIndex((choice) => Buffer.from(choice).toString('utf8') === text);
    }
    const bytes = this.bytes;
    outer: for (let i = 0; i < choices.length; i++) {
      const choice = choices[i]!;
      if (choice.length !== close - start) continue;
      for (let k = 0; k < choice.length; k++) if (bytes[start + k] !== choice[k]) continue outer;
      return i;
    }
    return -1;
  }

  number(path: string, field?: string): number {
    const c = this.peek();
    if (c !== MINUS && !isDigit(c)) this.wrongType(path, field, 'a number');
    return this.scanNumber();
  }

  boolean(path: string, field?: string): boolean {
    const c = this.peek();
    if (c === 0x74) {
      this.literal('true');
      return true;
    }
    if (c === 0x66) {
      this.literal('false');
      return false;
    }
    return this.wrongType(path, field, 'a boolean');
  }

  /** What the next value is: lets maps accept several value types (attributes are strings or numbers). */
  peekType(): 'string' | 'number' | 'other' {
    const c = this.peek();
    if (c === QUOTE) return 'string';
    if (c === MINUS || isDigit(c)) return 'number';
    return 'other';
  }

  /** Throws the ShapeError for the value at the cursor not being `expected`. */
  unexpected(expected: string, path: string, field?: string): never {
    return this.wrongType(path, field, expected);
  }

  /** After the top-level value: only whitespace may follow. */
  finish(): void {
    if (this.peek() !== END) this.syntax('unexpected data after the JSON value');
  }
}

/** The ShapeError for a required field that was not in the object. */
export function missing(path: string, expected: string): ShapeError {
  return new ShapeError(path, `expected ${expected}, got nothing (missing)`);
}
