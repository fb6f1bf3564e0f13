/**
 * camt.053 / camt.054 as banks write them, versions .001.02 to .001.08 (test/fixtures/statements/
 * camt/, our own content in the shapes of the ISO 20022 message definitions and public samples).
 */
import { bytesStream, collect, failure, fixtureBytes, vn } from '../../../test/fixtures/statements/helpers.js';
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
      // RvslInd: DBIT takes a credit back, CRDT gives a debit back.
      { n: 3, id: 'FT24310000000601', dir: 'out', vnd: 200_000, memo: 'Hoan tra giao dich FT24310000000601', reversal: true },
      { n: 4, id: 'RV24311000000001', dir: 'in', vnd: 70_000, memo: 'Hoan phi chuyen tien', reversal: true },
      // A zero entry is read, not refused (the import counts it and stores nothing).
      { n: 5, id: 'FT24311000000009', dir: 'in', vnd: 0, memo: 'Mien phi SMS', reversal: false },
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
