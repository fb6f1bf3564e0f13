import { InvalidInput } from './errors.js';
import { MAX_JSON_DEPTH, jsonDepth, parseJsonBody } from './json-body.js';

const problems = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInput);
    return (e as InvalidInput).details!;
  }
  throw new Error('no error');
};

describe('jsonDepth', () => {
  it.each([
    ['1', 0],
    ['"[[[["', 0],
    ['{}', 1],
    ['[[],[[]]]', 3],
    ['{"a":{"b":[1,{"c":"}}}]]"}]}}', 4],
    ['{"a":"\\"{[","b":[]}', 2],
  ])('%s → %i', (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });

  it('stops counting past the limit (large inputs are not scanned to the end)', () => {
    expect(jsonDepth('['.repeat(100_000), 64)).toBe(65);
  });
});

describe('parseJsonBody', () => {
  it('parses objects, arrays and scalars; an empty body is undefined', () => {
    expect(parseJsonBody(Buffer.from('{"name":"Cà phê","n":[1,2]}'))).toEqual({ name: 'Cà phê', n: [1, 2] });
    expect(parseJsonBody('null')).toBeNull();
    expect(parseJsonBody('  ')).toBeUndefined();
  });

  it('refuses malformed JSON naming the body', () => {
    expect(problems(() => parseJsonBody('{"name":'))).toEqual([{ field: 'body', problem: 'is not valid JSON' }]);
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more, also 100,000 nested arrays`, () => {
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(parseJsonBody(nested(MAX_JSON_DEPTH))).toBeDefined();
    expect(problems(() => parseJsonBody(nested(MAX_JSON_DEPTH + 1)))[0]).toMatchObject({ field: 'body', problem: expect.stringContaining('deeper than 64') });
    expect(problems(() => parseJsonBody('['.repeat(100_000)))[0].field).toBe('body');
    const objects = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    expect(problems(() => parseJsonBody(objects))[0].problem).toContain('deeper');
  });

  it('refuses prototype poisoning', () => {
    expect(problems(() => parseJsonBody('{"__proto__":{"admin":true}}'))[0].problem).toContain('__proto__');
    expect(problems(() => parseJsonBody('{"constructor":{"prototype":{"x":1}}}'))[0].problem).toContain('forbidden key');
  });
});
