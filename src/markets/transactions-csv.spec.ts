import { csvField, csvLine, csvLines } from './csv-writer.js';
import { parseOccurredAt, parseTransactionsCsv } from './transactions-csv.js';

const now = new Date('2026-03-15T05:00:00Z');
const stallIdByCode = new Map([
  ['A-12', '11111111-1111-4111-8111-111111111111'],
  ['B-03', '22222222-2222-4222-8222-222222222222'],
]);
const parse = (text: string, maxRows?: number) => parseTransactionsCsv(Buffer.from(text, 'utf8'), { stallIdByCode, now, maxRows });

describe('parseOccurredAt', () => {
  it.each([
    ['2026-03-01T23:30:00+07:00', '2026-03-01T16:30:00.000Z'],
    ['2026-03-01T16:30:00Z', '2026-03-01T16:30:00.000Z'],
    ['2026-03-01T16:30Z', '2026-03-01T16:30:00.000Z'],
    ['2026-03-01 23:30:00+0700', '2026-03-01T16:30:00.000Z'],
    ['2026-03-01T16:30:00.250Z', '2026-03-01T16:30:00.250Z'],
    // no zone: Vietnam local time
    ['2026-03-01 23:30', '2026-03-01T16:30:00.000Z'],
    ['2026-03-02T00:00:00', '2026-03-01T17:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    const r = parseOccurredAt(text, now, true);
    expect(r.ok && r.value.toISOString()).toBe(iso);
  });

  it.each([
    ['01/03/2026 07:15', /ISO-8601/],
    ['2026-02-30T10:00:00Z', /not a real date/],
    ['2026-03-01T24:00:00Z', /not a real date/],
    ['2026-03-15T05:06:00Z', /in the future/], // 6 minutes ahead
    ['2014-12-31T23:00:00Z', /before 2015-01-01/],
  ])('rejects %s', (text, problem) => {
    const r = parseOccurredAt(text, now, true);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });

  it('tolerates 5 minutes of clock skew', () => {
    expect(parseOccurredAt('2026-03-15T05:05:00Z', now, true).ok).toBe(true);
  });

  it('requires a zone when local times are not allowed (the JSON API)', () => {
    expect(parseOccurredAt('2026-03-01 07:15', now, false).ok).toBe(false);
  });
});

describe('parseTransactionsCsv', () => {
  it('reads rows, case-insensitive codes and methods, any column order, BOM and ; delimiter', () => {
    const r = parse('\uFEFFmethod;stall_code;occurred_at;amount_vnd\r\nQR;a-12;2026-03-01T16:30:00Z;45000\r\n\r\ncash;B-03;2026-03-01 07:15;20000\r\n');
    expect(r).toEqual({
      ok: true,
      rows: [
        { stallId: stallIdByCode.get('A-12'), amountVnd: 45000, method: 'qr', occurredAt: new Date('2026-03-01T16:30:00Z') },
        { stallId: stallIdByCode.get('B-03'), amountVnd: 20000, method: 'cash', occurredAt: new Date('2026-03-01T00:15:00Z') },
      ],
    });
  });

  it('names every bad row by its line (header = row 1) and column', () => {
    const r = parse(
      [
        'stall_code,amount_vnd,method,occurred_at',
        'A-12,45000,qr,2026-03-01T16:30:00Z', // row 2 ok
        'Z-99,45000,qr,2026-03-01T16:30:00Z', // row 3 unknown stall
        'A-12,"45,000",qr,2026-03-01T16:30:00Z', // row 4 separators
        'A-12,0,bitcoin,2027-01-01T00:00:00Z', // row 5: three problems
        'A-12,45000,qr', // row 6: too few fields
      ].join('\n'),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { field: 'row 3.stall_code', problem: 'no stall Z-99 in this market' },
      { field: 'row 4.amount_vnd', problem: '"45,000" is not a whole number of VND (digits only, no separators or decimals)' },
      { field: 'row 5.amount_vnd', problem: 'must be between 1 and 1000000000000' },
      { field: 'row 5.method', problem: '"bitcoin" is not one of qr, card, cash' },
      { field: 'row 5.occurred_at', problem: expect.stringMatching(/in the future/) },
      { field: 'row 6', problem: 'has 3 fields, the header has 4' },
    ]);
    expect(r.problemCount).toBe(6);
    expect(r.message).toBe('6 problems in 4 rows; nothing was recorded');
  });

  it('counts lines across blank lines and quoted line breaks', () => {
    const r = parse('stall_code,amount_vnd,method,occurred_at\n\n"A-12",1,qr,2026-03-01T00:00:00Z\n"B-\n03",1,qr,2026-03-01T00:00:00Z\nA-12,x,qr,2026-03-01T00:00:00Z\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.field)).toEqual(['row 4.stall_code', 'row 6.amount_vnd']);
  });

  it('reports at most 100 problems but counts them all', () => {
    const lines = ['stall_code,amount_vnd,method,occurred_at', ...Array.from({ length: 150 }, () => 'A-12,-5,qr,2026-03-01T00:00:00Z')];
    const r = parse(lines.join('\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(100);
    expect(r.problemCount).toBe(150);
    expect(r.message).toBe('150 problems in 150 rows (first 100 shown); nothing was recorded');
  });

  it.each([
    ['', 'file', /is empty/],
    ['stall_code,amount_vnd,method,occurred_at\n', 'file', /no transactions/],
    ['code,amount,method,occurred_at\nA-12,1,qr,2026-03-01T00:00:00Z', 'row 1', /missing stall_code, amount_vnd; unknown "code", "amount"/],
    ['stall_code,amount_vnd,method,occurred_at,note\nA-12,1,qr,2026-03-01T00:00:00Z,x', 'row 1', /unknown "note"/],
    ['stall_code,amount_vnd,method,occurred_at\n"A-12,1,qr', 'file', /not valid CSV/],
  ])('rejects the file %j naming %s', (text, field, problem) => {
    const r = parse(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems[0].field).toBe(field);
      expect(r.problems[0].problem).toMatch(problem);
    }
  });

  it('rejects non-UTF-8 bytes', () => {
    const r = parseTransactionsCsv(Buffer.from([0x73, 0x74, 0xff, 0xfe, 0x0a]), { stallIdByCode, now });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toEqual({ field: 'file', problem: 'is not UTF-8 text (save the spreadsheet as "CSV UTF-8")' });
  });

  it('limits the number of rows', () => {
    const r = parse(['stall_code,amount_vnd,method,occurred_at', ...Array.from({ length: 4 }, () => 'A-12,1,qr,2026-03-01T00:00:00Z')].join('\n'), 3);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toEqual({ field: 'file', problem: 'has 4 rows; at most 3 per batch (split the file)' });
  });
});

describe('csv writer', () => {
  it('quotes what needs quoting and neutralises formulas', () => {
    expect(csvField('Chợ "Bến Thành", Q1')).toBe('"Chợ ""Bến Thành"", Q1"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-5')).toBe("'-5");
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
    expect(csvField(0.6667)).toBe('0.6667');
    expect(csvLine(['a', 1, true, undefined])).toBe('a,1,true,\r\n');
    expect([...csvLines([{ header: 'x', value: (r: number) => r }], [1, 2])]).toEqual(['\uFEFFx\r\n', '1\r\n', '2\r\n']);
  });
});
