import { type XmlEvent, XmlSyntaxError, XmlTokenizer } from './xml-tokenizer.js';

/** Tokenizes `xml` cut into `size`-character chunks; text events merged for comparison. */
function tokenize(xml: string, size = xml.length): XmlEvent[] {
  const t = new XmlTokenizer();
  const events: XmlEvent[] = [];
  for (let i = 0; i < xml.length; i += size) events.push(...t.write(xml.slice(i, i + size)));
  events.push(...t.end());
  const merged: XmlEvent[] = [];
  for (const e of events) {
    const last = merged[merged.length - 1];
    if (e.kind === 'text' && last?.kind === 'text') last.text += e.text;
    else merged.push({ ...e });
  }
  return merged;
}

function syntaxError(xml: string): XmlSyntaxError {
  try {
    tokenize(xml);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return e;
    throw e;
  }
  throw new Error('no error');
}

const DOC = `<?xml version="1.0" encoding="UTF-8"?>
<!-- statement -->
<Doc xmlns="urn:x" a='1'>
  <Amt Ccy="VND" note="a &gt; b">1250000</Amt>
  <Ustrd>Thanh toán &amp; cảm ơn &#272;&#x1EA0;</Ustrd>
  <Ustrd><![CDATA[<b>&raw</b>]]></Ustrd>
  <Empty/>
  <ns2:Ntry Ccy = "x>y" />
</Doc>
`;

const EXPECTED: XmlEvent[] = [
  { kind: 'open', name: 'Doc', attrs: { xmlns: 'urn:x', a: '1' }, line: 3 },
  { kind: 'text', text: '\n  ', line: 3 },
  { kind: 'open', name: 'Amt', attrs: { Ccy: 'VND', note: 'a > b' }, line: 4 },
  { kind: 'text', text: '1250000', line: 4 },
  { kind: 'close', name: 'Amt', line: 4 },
  { kind: 'text', text: '\n  ', line: 4 },
  { kind: 'open', name: 'Ustrd', attrs: {}, line: 5 },
  { kind: 'text', text: 'Thanh toán & cảm ơn ĐẠ', line: 5 },
  { kind: 'close', name: 'Ustrd', line: 5 },
  { kind: 'text', text: '\n  ', line: 5 },
  { kind: 'open', name: 'Ustrd', attrs: {}, line: 6 },
  { kind: 'text', text: '<b>&raw</b>', line: 6 },
  { kind: 'close', name: 'Ustrd', line: 6 },
  { kind: 'text', text: '\n  ', line: 6 },
  { kind: 'open', name: 'Empty', attrs: {}, line: 7 },
  { kind: 'close', name: 'Empty', line: 7 },
  { kind: 'text', text: '\n  ', line: 7 },
  { kind: 'open', name: 'ns2:Ntry', attrs: { Ccy: 'x>y' }, line: 8 },
  { kind: 'close', name: 'ns2:Ntry', line: 8 },
  { kind: 'text', text: '\n', line: 8 },
  { kind: 'close', name: 'Doc', line: 9 },
];

describe('XmlTokenizer', () => {
  it.each([1, 2, 3, 7, 64, DOC.length])('gives the same events whatever the chunk size (%d)', (size) => {
    expect(tokenize(DOC, size)).toEqual(EXPECTED);
  });

  it.each([
    ['<a><b></a>', 1, 'end tag </a> does not match <b> opened at line 1'],
    ['<a>\n<b>\n', 3, 'the document ends inside <b> opened at line 2: the file is truncated'],
    ['<a><b', 1, 'the document ends inside a start tag: the file is truncated'],
    ['<a><![CDATA[x', 1, 'the document ends inside a CDATA section: the file is truncated'],
    ['<a>x &nbsp; y</a>', 1, 'invalid entity or unescaped "&" at "&nbsp;"'],
    ['<a>fish & chips</a>', 1, 'invalid entity or unescaped "&" at "& chips"'],
    ['<a>\n\n&#0;</a>', 3, 'invalid entity or unescaped "&" at "&#0;"'],
    ['<a>&constructor;</a>', 1, 'invalid entity or unescaped "&" at "&constructor;"'],
    ['<a></a><b/>', 1, 'second root element <b>'],
    ['hello <a/>', 1, 'text "hello" outside the root element'],
    ['<a x="1" x="2"/>', 1, 'attribute x repeated on <a>'],
    ['<a x=1/>', 1, 'malformed attributes on <a>: "x=1"'],
    ['<!DOCTYPE a [<!ENTITY e "boom">]><a>&e;</a>', 1, 'DOCTYPE with an internal subset (custom entities) is not supported'],
    ['<?xml version="1.0" encoding="windows-1258"?><a/>', 1, 'encoding "windows-1258" is not supported (ISO 20022 files are UTF-8)'],
    ['', 1, 'the document has no root element'],
    ['</a>', 1, 'end tag </a> without a start tag'],
    ['<1a/>', 1, 'invalid element name "1a"'],
  ])('%j fails at line %d: %s', (xml, line, problem) => {
    const e = syntaxError(xml);
    expect({ line: e.line, problem: e.problem }).toEqual({ line, problem });
  });
});
