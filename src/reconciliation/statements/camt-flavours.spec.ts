/**
 * camt.053 / camt.054 as banks write them, versions .001.02 to .001.08 (test/fixtures/statements/
 * camt/, our own content in the shapes of the ISO 20022 message definitions and public samples).
 */
import { bytesStream, collect, failure, fixtureBytes, vn } from '../../../test/fixtures/statements/helpers.js';
import { findReferences } from '../matcher/extract.js';
import { parseCamtStatement } from './camt.js';
import type { StatementLine } from './statement-line.js';

const read = (name: string, accountNumber?: string, chunk = 64 * 1024) =>
  collect(parseCamtStatement(bytesStream(fixtureBytes(`camt/${name}`), chunk), { accountNumber }));
const brief = (l: StatementLine) => ({
  n: l.lineNo,
  id: l.bankTransactionId,
  dir: l.direction,
  vnd: l.amountVnd,
  memo: l.description,
  reversal: l.reversal ?? false,
});

describe('camt flavours', () => {
  it('camt.053.001.02: Sts as text, Dbtr/Nm, AmtDtls/TxAmt; OPBD + booked = CLBD; pending and information entries are not payments', async () => {
    for (const chunk of [5, 64 * 1024]) {
      const lines = await read('camt053-v02-balances.xml', undefined, chunk);
      expect(lines.map(brief)).toEqual([
        { n: 1, id: 'FT24309000000501', dir: 'in', vnd: 350_000, memo: 'Thanh toan OC7K4M9P2XG', reversal: false },
        { n: 2, id: 'FT24309000000502', dir: 'out', vnd: 40_000, memo: 'Phi dich vu thang 10', reversal: false },
      ]);
      expect(lines[0]).toMatchObject({ counterpartyName: 'VO THI THU', counterpartyAccount: '0071000555111', bookedAt: vn('2024-11-04T00:00:00') });
    }
  });

  it('balances that do not add up are refused naming the closing balance line', async () => {
    const e = await failure(parseCamtStatement(bytesStream(fixtureBytes('camt/camt053-v02-unbalanced.xml'))));
    expect(e.message).toBe(
      'entry 5: the closing balance CLBD 2,350,000 is not the opening balance 2,000,000 plus the booked entries (2,310,000): the statement is incomplete or corrupted (XML line 10)',
    );
  });

  it('camt.053.001.08: two Stmt, Sts/Cd, Pty/Nm, IBAN account, PRCD opening, batches with and without amounts, RvslInd, a zero entry', async () => {
    const lines = await read('camt053-v08-batches.xml', '1023456789');
    expect(lines.map(brief)).toEqual([
      // A batch whose transactions carry amounts: one line each; an own reference two of them
      // share gets its position, so neither is taken for a repeat of the other.
      { n: 1, id: 'FT24310000000601/1', dir: 'in', vnd: 200_000, memo: 'OC4H8N2P6RK mua mat ong', reversal: false },
      { n: 1, id: 'FT24310000000601/2', dir: 'in', vnd: 200_000, memo: 'OC4H8N2P6RK mua mat ong', reversal: false },
      { n: 1, id: 'BATCH-241105-01/3', dir: 'in', vnd: 200_000, memo: 'OC9X2M4K7Q4', reversal: false },
      // A batch without the parts' amounts: one line with the entry's amount.
      { n: 2, id: 'BATCH-241106-02', dir: 'in', vnd: 300_000, memo: 'Thu ho lo 17 (2 giao dich)', reversal: false },
      // A zero entry is read, not refused (the import counts it and stores nothing).
      { n: 5, id: 'FT24311000000009', dir: 'in', vnd: 0, memo: 'Mien phi SMS', reversal: false },
      // RvslInd, read the ISO way since these balances add up so: DBIT takes a credit back, CRDT
      // gives a debit back. Reversals come after the statement's other lines (held until its
      // balances are read).
      { n: 3, id: 'FT24310000000601', dir: 'out', vnd: 200_000, memo: 'Hoan tra giao dich FT24310000000601', reversal: true },
      { n: 4, id: 'RV24311000000001', dir: 'in', vnd: 70_000, memo: 'Hoan phi chuyen tien', reversal: true },
    ]);
    expect(lines.every((l) => l.accountNumber === '1023456789')).toBe(true);
    expect(lines[0]).toMatchObject({ counterpartyName: 'TRUONG VAN HAI', bookedAt: vn('2024-11-05T10:15:00') });
    // Without a requested account the IBAN is the account.
    expect((await read('camt053-v08-batches.xml'))[0].accountNumber).toBe('DE90370400441023456789');
  });

  it('camt.054.001.04: several Ntfctn, no balances to check, UTF-8 memo', async () => {
    const lines = await read('camt054-v04-notifications.xml');
    expect(lines.map(brief)).toEqual([
      { n: 1, id: 'FT24309000000701', dir: 'in', vnd: 185_000, memo: 'Thanh toán đơn OC7K4M9P2XG', reversal: false },
      { n: 2, id: 'FT24309000000701', dir: 'out', vnd: 185_000, memo: 'Chuyen tra lai khach hang', reversal: false },
    ]);
  });
});

/**
 * One sample per version that had none (test/fixtures/statements/camt/camt05x-v0N.xml, our own
 * content in each version's shape): what differs between versions is where the same facts sit —
 * `Sts` as a code up to .07 and `Sts/Cd` from .08, `RltdPties/Dbtr/Nm` up to .07 and
 * `Dbtr/Pty/Nm` from .08, `TxDtls/Amt` from .03 (`AmtDtls/TxAmt` in .02), `Refs/UETR` from .07;
 * `BookgDt` with `Dt` or `DtTm`; remittance as `Ustrd` or `Strd/CdtrRefInf/Ref`.
 */
describe('camt versions', () => {
  const line = (l: Omit<StatementLine, 'accountNumber'> & { accountNumber?: string }): StatementLine => ({ accountNumber: '1023456789', ...l });
  const VERSIONS: Array<[string, string, string | undefined, StatementLine[]]> = [
    [
      'camt.053.001.03: Sts code, TxDtls/Amt + CdtDbtInd, Dbtr/Nm, Ustrd; AddtlNtryInf on an entry without details',
      'camt053-v03.xml',
      undefined,
      [
        line({
          lineNo: 1, bankTransactionId: 'FT24316000000301', bookedAt: vn('2024-11-11T00:00:00'), direction: 'in', amountVnd: 250_000,
          description: 'Thanh toan don OC8D2F5G9H3 che tan cuong', counterpartyName: 'DO VAN KHANH', counterpartyAccount: '0011000000301', counterpartyBankBin: '970436',
        }),
        line({ lineNo: 2, bankTransactionId: 'FT24316000000302', bookedAt: vn('2024-11-11T00:00:00'), direction: 'out', amountVnd: 30_000, description: 'Phi quan ly tai khoan thang 11' }),
      ],
    ],
    [
      'camt.053.001.04: BookgDt/DtTm, remittance only Strd/CdtrRefInf/Ref, Ustrd + Strd together, Cdtr/Nm, a CLAV balance beside CLBD',
      'camt053-v04.xml',
      undefined,
      [
        line({
          lineNo: 1, bankTransactionId: 'FT24317000000401', bookedAt: vn('2024-11-12T09:41:07'), direction: 'in', amountVnd: 120_000,
          description: 'OC9X2M4K7Q4', counterpartyName: 'PHAN THI LAN', counterpartyAccount: '19031234560401',
        }),
        line({
          lineNo: 2, bankTransactionId: 'FT24317000000402', bookedAt: vn('2024-11-12T00:00:00'), direction: 'out', amountVnd: 75_000,
          description: 'Cuoc van chuyen HD-2024-1187 ky 11/2024', counterpartyName: 'CONG TY TNHH GIAO HANG NHANH', counterpartyAccount: '0071000000402',
        }),
      ],
    ],
    [
      'camt.053.001.05: the reference in TxDtls/Refs/AcctSvcrRef, a UTC booking time, two Ustrd, PRCD opening, a pending entry, NtryRef only',
      'camt053-v05.xml',
      undefined,
      [
        line({
          lineNo: 1, bankTransactionId: 'VCB2411130000501', bookedAt: new Date('2024-11-13T03:15:00Z'), direction: 'in', amountVnd: 450_000,
          description: 'MBVCB.7012345.OC2K9D5F8HP mua mien dong', counterpartyName: 'HOANG MINH TUAN',
        }),
        // entry 2 is pending (PDNG): not a payment
        line({ lineNo: 3, bankTransactionId: 'NTRY-0503', bookedAt: vn('2024-11-13T00:00:00'), direction: 'out', amountVnd: 20_000, description: 'Phi SMS Banking' }),
      ],
    ],
    [
      'camt.053.001.06: no BookgDt (the value date), EndToEndId as the only reference, AddtlTxInf as the memo, SchmeNm beside the account',
      'camt053-v06.xml',
      undefined,
      [
        line({
          lineNo: 1, bankTransactionId: 'OCOP-E2E-0601', bookedAt: vn('2024-11-14T00:00:00'), direction: 'in', amountVnd: 600_000,
          description: 'IBFT OC6J3K833MM', counterpartyName: 'LY THI HOA', counterpartyAccount: '0451000000601',
        }),
        line({
          lineNo: 2, bankTransactionId: 'FT24319000000602', bookedAt: vn('2024-11-14T00:00:00'), direction: 'out', amountVnd: 150_000,
          description: 'Tra tien phan bon vu dong', counterpartyName: 'HTX DICH VU NONG NGHIEP TAN LAP',
        }),
      ],
    ],
    [
      'camt.053.001.07: Refs/UETR, a batch with Btch and the parts\' own references, a zoneless DtTm, a zero opening balance',
      'camt053-v07.xml',
      undefined,
      [
        line({ lineNo: 1, bankTransactionId: 'FT24320000000701', bookedAt: vn('2024-11-15T14:20:00'), direction: 'in', amountVnd: 300_000, description: 'OC5R8T3W3Y7 gao ST25', counterpartyName: 'VU DUC THANG' }),
        line({ lineNo: 1, bankTransactionId: 'FT24320000000702', bookedAt: vn('2024-11-15T14:20:00'), direction: 'in', amountVnd: 200_000, description: 'OC33F7Q9M28', counterpartyName: 'NGO THI YEN' }),
        line({ lineNo: 2, bankTransactionId: 'FT24320000000703', bookedAt: vn('2024-11-15T00:00:00'), direction: 'out', amountVnd: 45_000, description: 'Cuoc gui hang 14/11', counterpartyName: 'VIETTEL POST' }),
      ],
    ],
    [
      'camt.054.001.03: one Ntfctn, a zoneless DtTm, UTF-8 name and memo',
      'camt054-v03.xml',
      undefined,
      [
        line({
          lineNo: 1, bankTransactionId: 'FT24321000000801', bookedAt: vn('2024-11-16T08:05:09'), direction: 'in', amountVnd: 185_000,
          description: 'Thanh toán đơn OC2W6E9R4TN', counterpartyName: 'ĐẶNG THỊ HỒNG', counterpartyAccount: '0071000000801',
        }),
      ],
    ],
    [
      'camt.054.001.05: two Ntfctn, Strd with CdtrRefInf/Ref and AddtlRmtInf, AcctSvcrRef before NtryRef',
      'camt054-v05.xml',
      undefined,
      [
        line({
          lineNo: 1, bankTransactionId: 'FT24322000000901', bookedAt: vn('2024-11-17T09:58:31'), direction: 'in', amountVnd: 320_000,
          description: 'OC4H8N2P6RK mua mat ong rung U Minh', counterpartyName: 'BUI QUANG HUY',
        }),
        line({
          lineNo: 2, bankTransactionId: 'FT24322000000902', bookedAt: vn('2024-11-17T11:29:50'), direction: 'out', amountVnd: 60_000,
          description: 'In tem nhan OCOP lo 3', counterpartyName: 'CONG TY CP IN AN BAO BI', counterpartyAccount: '1903888800902',
        }),
      ],
    ],
    [
      'camt.054.001.06: IBAN account standing for the requested one, Refs/TxId as the reference, a NAPAS BIN with ClrSysId',
      'camt054-v06.xml',
      '1023456789',
      [
        line({
          lineNo: 1, bankTransactionId: 'NAPAS241118000601', bookedAt: vn('2024-11-18T15:11:42'), direction: 'in', amountVnd: 275_000,
          description: 'OC3HQ7RW2N7 ca phe robusta', counterpartyName: 'TRINH VAN LONG', counterpartyAccount: '0011000001006', counterpartyBankBin: '970422',
        }),
      ],
    ],
    [
      'camt.054.001.07: a debit with only EndToEndId and UETR, Cdtr/Nm; an information entry is not a payment',
      'camt054-v07.xml',
      undefined,
      [
        line({
          lineNo: 1, bankTransactionId: 'OCOP-PAYOUT-1107', bookedAt: vn('2024-11-19T00:00:00'), direction: 'out', amountVnd: 1_250_000,
          description: 'Thanh toan tien hang dot 2', counterpartyName: 'NGUYEN VAN PHUC', counterpartyAccount: '0071001101107',
        }),
      ],
    ],
    [
      'camt.054.001.08: Sts/Cd, Dbtr/Pty/Nm (the Cdtr beside it is the account holder), a NAPAS BIN',
      'camt054-v08.xml',
      undefined,
      [
        line({
          lineNo: 1, bankTransactionId: 'FT24325000001201', bookedAt: vn('2024-11-20T07:45:01'), direction: 'in', amountVnd: 410_000,
          description: 'MAI XUAN TRUONG chuyen tien OCA9F4KT6PE', counterpartyName: 'MAI XUAN TRUONG', counterpartyAccount: '0451000001201', counterpartyBankBin: '970407',
        }),
      ],
    ],
  ];

  it.each(VERSIONS)('%s', async (_name, file, accountNumber, expected) => {
    for (const chunk of [7, 64 * 1024]) {
      const lines = await read(file, accountNumber, chunk);
      expect(lines).toEqual(expected);
      // The memos keep what the matcher looks for.
      for (const l of lines) expect(findReferences(l.description).join()).toBe((l.description.match(/OC[0-9A-Z]{9}\b/g) ?? []).join());
    }
  });

  it('the sample of each version says the version it is', () => {
    for (const [, file] of VERSIONS) {
      const m = /^camt(05[34])-v(0\d)\.xml$/.exec(file)!;
      expect(fixtureBytes(`camt/${file}`).toString('utf8')).toContain(`xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${m[1]}.001.${m[2]}"`);
    }
  });
});

/**
 * `RvslInd` is written two ways: ISO 20022's usage rule (`CdtDbtInd` is the reversal's own
 * booking: DBIT takes back a credit) and German/Swiss banks' (the reversed entry's indicator is
 * kept, as MT940's RC: CRDT + RvslInd takes back a credit). The statement's balances tell which.
 */
describe('camt reversals: which way RvslInd goes', () => {
  const bal = (type: string, value: number) =>
    `<Bal><Tp><CdOrPrtry><Cd>${type}</Cd></CdOrPrtry></Tp><Amt Ccy="VND">${Math.abs(value)}</Amt><CdtDbtInd>${value < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>2024-11-21</Dt></Dt></Bal>`;
  const ntry = (indicator: 'CRDT' | 'DBIT', amount: number, ref: string, reversal = false) =>
    `<Ntry><Amt Ccy="VND">${amount}</Amt><CdtDbtInd>${indicator}</CdtDbtInd>${reversal ? '<RvslInd>true</RvslInd>' : ''}` +
    `<Sts>BOOK</Sts><BookgDt><Dt>2024-11-21</Dt></BookgDt><AcctSvcrRef>${ref}</AcctSvcrRef></Ntry>`;
  const acct = '<Acct><Id><Othr><Id>1023456789</Id></Othr></Id></Acct>';
  const camt053 = (opening: number, closing: number, entries: string[]) =>
    `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><Stmt>${acct}${bal('OPBD', opening)}${bal('CLBD', closing)}\n${entries.join('\n')}\n</Stmt></BkToCstmrStmt></Document>`;
  const parse = async (xml: string) =>
    (await collect(parseCamtStatement(bytesStream(xml, 11)))).map((l) => ({ n: l.lineNo, id: l.bankTransactionId, dir: l.direction, vnd: l.amountVnd, reversal: l.reversal ?? false }));

  it('a credit entry with RvslInd takes back a credit when the balances say so (as MT940 RC); the reversals follow the statement\'s other lines', async () => {
    // 1,000,000 + 300,000 − 300,000 + 50,000 + 5,000: the CRDT reversal went out, the DBIT one came in.
    const xml = camt053(1_000_000, 1_055_000, [ntry('CRDT', 300_000, 'C1'), ntry('CRDT', 300_000, 'C1', true), ntry('CRDT', 50_000, 'C2'), ntry('DBIT', 5_000, 'F1', true)]);
    expect(await parse(xml)).toEqual([
      { n: 1, id: 'C1', dir: 'in', vnd: 300_000, reversal: false },
      { n: 3, id: 'C2', dir: 'in', vnd: 50_000, reversal: false },
      { n: 2, id: 'C1', dir: 'out', vnd: 300_000, reversal: true }, // takes back credit C1
      { n: 4, id: 'F1', dir: 'in', vnd: 5_000, reversal: true }, // gives back debit F1
    ]);
  });

  it('the ISO reading when the balances say so: DBIT + RvslInd takes back a credit, CRDT + RvslInd gives back a debit', async () => {
    const xml = camt053(1_000_000, 1_055_000, [ntry('CRDT', 300_000, 'C1'), ntry('DBIT', 300_000, 'C1', true), ntry('CRDT', 50_000, 'C2'), ntry('CRDT', 5_000, 'F1', true)]);
    expect(await parse(xml)).toEqual([
      { n: 1, id: 'C1', dir: 'in', vnd: 300_000, reversal: false },
      { n: 3, id: 'C2', dir: 'in', vnd: 50_000, reversal: false },
      { n: 2, id: 'C1', dir: 'out', vnd: 300_000, reversal: true },
      { n: 4, id: 'F1', dir: 'in', vnd: 5_000, reversal: true },
    ]);
  });

  it('when the balances cannot tell (a camt.054; reversals that cancel out) the ISO rule holds', async () => {
    const notification = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04"><BkToCstmrDbtCdtNtfctn><Ntfctn>${acct}${ntry('DBIT', 300_000, 'C1', true)}${ntry('CRDT', 5_000, 'F1', true)}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;
    expect(await parse(notification)).toEqual([
      { n: 1, id: 'C1', dir: 'out', vnd: 300_000, reversal: true },
      { n: 2, id: 'F1', dir: 'in', vnd: 5_000, reversal: true },
    ]);
    const cancelling = camt053(1_000_000, 1_000_000, [ntry('CRDT', 7_000, 'R1', true), ntry('DBIT', 7_000, 'R2', true)]);
    expect(await parse(cancelling)).toEqual([
      { n: 1, id: 'R1', dir: 'in', vnd: 7_000, reversal: true },
      { n: 2, id: 'R2', dir: 'out', vnd: 7_000, reversal: true },
    ]);
  });

  it('balances that add up neither way are refused naming the closing balance', async () => {
    const xml = camt053(1_000_000, 1_000_001, [ntry('CRDT', 300_000, 'C1'), ntry('CRDT', 300_000, 'C1', true)]);
    const e = await failure(parseCamtStatement(bytesStream(xml)));
    expect(e.message).toBe(
      'entry 3: the closing balance CLBD 1,000,001 is not the opening balance 1,000,000 plus the booked entries (1,600,000): the statement is incomplete or corrupted (XML line 1)',
    );
  });
});
