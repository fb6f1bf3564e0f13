import { JSON_STRINGIFY, PHP_JSON_ENCODE, PYTHON_JSON_DUMPS, sortedJson } from './sorted-json.js';

// Expected texts written by hand from each encoder's documented rules (PHP json_encode defaults,
// Python json.dumps with ensure_ascii, JavaScript JSON.stringify), not produced by this code.
describe('sortedJson', () => {
  const memo = 'Thanh to\u00e1n \u0111\u01a1n OC7K/4M9P \u2013 H\u1ee3p t\u00e1c x\u00e3 \u{1F33E}';
  it.each<[string, unknown, string, string, string]>([
    ['scalars', [1, -2, 0.5, true, false, null], '[1,-2,0.5,true,false,null]', '[1,-2,0.5,true,false,null]', '[1,-2,0.5,true,false,null]'],
    [
      'keys sorted recursively by code unit ("B" < "a" < "b"), arrays kept in order',
      { b: 1, a: { z: [3, { y: 1, x: 2 }], B: 0 } },
      '{"a":{"B":0,"z":[3,{"x":2,"y":1}]},"b":1}',
      '{"a":{"B":0,"z":[3,{"x":2,"y":1}]},"b":1}',
      '{"a":{"B":0,"z":[3,{"x":2,"y":1}]},"b":1}',
    ],
    [
      'a Vietnamese memo with "/" and a letter outside the BMP',
      { d: memo },
      '{"d":"Thanh to\\u00e1n \\u0111\\u01a1n OC7K\\/4M9P \\u2013 H\\u1ee3p t\\u00e1c x\\u00e3 \\ud83c\\udf3e"}',
      '{"d":"Thanh to\\u00e1n \\u0111\\u01a1n OC7K/4M9P \\u2013 H\\u1ee3p t\\u00e1c x\\u00e3 \\ud83c\\udf3e"}',
      `{"d":"${memo}"}`,
    ],
    [
      'quotes, backslashes and control characters',
      { s: 'a"b\\c\n\t\r\b\f\u0001\u001f\u007f' },
      '{"s":"a\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f\u007f"}',
      '{"s":"a\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f\u007f"}',
      '{"s":"a\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f\u007f"}',
    ],
    ['an empty object (PHP decodes {} to an empty array)', { v: {} }, '{"v":[]}', '{"v":{}}', '{"v":{}}'],
  ])('%s', (_case, value, php, python, js) => {
    expect(sortedJson(value, PHP_JSON_ENCODE)).toBe(php);
    expect(sortedJson(value, PYTHON_JSON_DUMPS)).toBe(python);
    expect(sortedJson(value, JSON_STRINGIFY)).toBe(js);
  });

  it('the JavaScript variant is JSON.stringify of the sorted value', () => {
    const value = { z: memo, a: [{ c: 1, b: 'x/y' }], m: null };
    expect(sortedJson(value, JSON_STRINGIFY)).toBe(JSON.stringify({ a: [{ b: 'x/y', c: 1 }], m: null, z: memo }));
  });

  it('every variant parses back to the same value', () => {
    const value = { data: { description: memo, amount: 370000, nested: { list: ['/', '\u00e1'] } }, error: 0 };
    for (const e of [PHP_JSON_ENCODE, PYTHON_JSON_DUMPS, JSON_STRINGIFY]) expect(JSON.parse(sortedJson(value, e))).toEqual(value);
  });
});
