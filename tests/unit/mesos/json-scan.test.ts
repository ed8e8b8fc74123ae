import fc from 'fast-check';
import { AutoscalerError, ErrorNames } from '../../../shared/model/errors.js';
import { JsonScanner, jsonKey } from '../../../shared/mesos/json-scan.js';
import { ShapeError } from '../../../shared/mesos/shape.js';

/** Characters that exercise escapes, control characters, multi-byte UTF-8 and lone surrogates. */
const STRING_UNITS = fc.oneof(
  fc.constantFrom('"', '\\', '/', '\n', '\t', '\u0000', '\u001f', 'é', '€', '😀', '\ud800', '\udfff'),
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
);

function skipAll(text: string): void {
  const s = new JsonScanner(text, 'test');
  s.skip();
  s.finish();
}

function payloadMessage(run: () => void): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AutoscalerError);
    expect((error as AutoscalerError).name).toBe(ErrorNames.MesosPayload);
    return (error as Error).message;
  }
  throw new Error('expected a MesosPayload error');
}

describe('JsonScanner', () => {
  test('skips any valid JSON, compact or indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        skipAll(JSON.stringify(value, null, pretty ? 2 : undefined));
      }),
    );
  });

  test('rejects every strict prefix of a JSON document as truncated or malformed', () => {
    fc.assert(
      fc.property(
        fc.jsonValue().filter((v) => typeof v === 'object' && v !== null),
        fc.nat(),
        (value, cut) => {
          const text = JSON.stringify(value);
          const prefix = text.slice(0, cut % text.length);
          expect(payloadMessage(() => skipAll(prefix))).toMatch(/truncated JSON|malformed JSON/);
        },
      ),
    );
  });

  test.each([
    ['{"a":1,}', 'malformed'],
    ['[1,]', 'malformed'],
    ['{"a" 1}', 'malformed'],
    ['{"a":01}', 'malformed'],
    ['{"a":tru}', 'malformed'],
    ['{"a":"\\x"}', 'malformed'],
    ['{"a":"line\nbreak"}', 'malformed'],
    ['{"a":1} {}', 'malformed'],
    ['{"a":[1,2', 'truncated'],
    ['{"a":"abc', 'truncated'],
    ['', 'truncated'],
  ])('%j is %s JSON', (text, kind) => {
    expect(payloadMessage(() => skipAll(text))).toContain(`${kind} JSON`);
  });

  test('reads numbers exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.float({ noNaN: true, noDefaultInfinity: true })), (n) => {
        const text = JSON.stringify({ n });
        const s = new JsonScanner(text, 'test');
        s.openObject('');
        expect(s.nextKey()).toBe(true);
        expect(Object.is(s.number('n'), JSON.parse(text).n)).toBe(true);
      }),
    );
  });

  test.each([
    '0',
    '-0',
    '0.1',
    '0.30000000000000004',
    '1546863598.0782',
    '9007199254740993',
    '123456789012345678',
    '1234567.891234567891',
    '0.12345678901234567',
    '8.589973e9',
    '2.2250738585072014e-308',
    '5e-324',
    '1E+21',
    '-1.5e-7',
  ])('reads %s exactly as JSON.parse does', (literal) => {
    const s = new JsonScanner(`[${literal}]`, 'test');
    s.openArray('');
    s.nextElement();
    expect(Object.is(s.number(''), JSON.parse(literal))).toBe(true);
  });

  test('decodes strings (escapes, non-ASCII) exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.string({ unit: STRING_UNITS, maxLength: 40 }), (value) => {
        const text = JSON.stringify([value]);
        const s = new JsonScanner(Buffer.from(text, 'utf8'), 'test');
        s.openArray('');
        expect(s.nextElement()).toBe(true);
        expect(s.string('')).toBe(JSON.parse(text)[0]);
        expect(s.nextElement()).toBe(false);
      }),
    );
  });

  test('walks objects by key, skipping what it does not read', () => {
    const s = new JsonScanner('{"skip":{"deep":[1,{"x":null}]},"id":"a","n":-2.5e3,"b":false}', 'test');
    const seen: Record<string, unknown> = {};
    s.openObject('');
    while (s.nextKey()) {
      if (s.keyIs(jsonKey('id'))) seen.id = s.string('id');
      else if (s.keyIs(jsonKey('n'))) seen.n = s.number('n');
      else if (s.keyIs(jsonKey('b'))) seen.b = s.boolean('b');
      else s.skip();
    }
    s.finish();
    expect(seen).toEqual({ id: 'a', n: -2500, b: false });
  });

  test('a valid value of the wrong type is a shape error naming the path', () => {
    const s = new JsonScanner('{"slaves":{"a":1}}', 'test');
    s.openObject('');
    s.nextKey();
    expect(() => s.openArray('', 'slaves')).toThrow(new ShapeError('slaves', 'expected an array, got an object'));
  });
});
