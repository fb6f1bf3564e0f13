/**
 * The reconciliation benchmark's data (bench/reconcile.bench.ts): open VietQR orders in the
 * database and a bank statement (CSV, canonical columns) that pays most of them.
 *
 * - A few cooperatives (one account each, at four banks). `orders` checkouts/orders/payments in the
 *   state checkout leaves them (pending_payment, VietQR payment pending), references made by the
 *   real generateReference (seeded entropy, so a run is reproducible) and QR payloads by the real
 *   encodeVietQr; inserted set-based in chunks of 50,000 (one statement per chunk, unnest arrays).
 * - The statement: `lines` lines = paying lines (one per paid order, exact amount, on the order's
 *   account) + 2 % strangers (no valid reference: plain transfers, a one-character typo or a cut
 *   copy of an unpaid order's code, a made-up code) + 1 % duplicates (a line repeated later, same
 *   bank transaction id, as statements overlap). Orders left unpaid are spread evenly.
 *   Memos come in the shapes banks write them: bank prefixes and trace numbers, lower case, spaces /
 *   dashes / dots inside the code, diacritics, text truncated around the code, the code glued to a
 *   name ending in "NGOC", repeated.
 * - bench_expected_paid(reference): the references the statement pays, to check outcomes against.
 *
 * Runs in its own process (reconcile-seed.ts) so none of its memory counts in the import's RSS.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';
import { generateReference, isValidReference, REFERENCE_ALPHABET } from '../../src/payments/vietqr/reference.js';
import { encodeVietQr } from '../../src/payments/vietqr/vietqr.js';
import { seededRandom } from '../../src/common/seeded-random.js';

export interface ReconcileDatasetOptions {
  url: string;
  orders: number;
  lines: number;
  file: string;
  seed?: number;
  log?: (msg: string) => void;
}

export interface ReconcileDatasetSummary {
  cooperatives: number;
  orders: number;
  lines: number;
  paying: number;
  strangers: number;
  duplicates: number;
  strangerKinds: Record<string, number>;
  memoShapes: Record<string, number>;
  bytes: number;
  seedMs: number;
}

export const STATEMENT_HEADER = 'transaction_id,booked_at,account_number,direction,amount,description,counterparty_name,counterparty_account';

const COOPERATIVES = [
  { name: 'Hợp tác xã Cà phê Ea Tu', short: 'HTX CA PHE EA TU', bin: '970436', account: '1023456789', accountName: 'HOP TAC XA CA PHE EA TU', bank: 'VCB' },
  { name: 'Hợp tác xã Nước mắm Phú Quốc', short: 'HTX NUOC MAM PHU QUOC', bin: '970418', account: '31410001234567', accountName: 'HOP TAC XA NUOC MAM PHU QUOC', bank: 'BIDV' },
  { name: 'Hợp tác xã Chè Shan tuyết Suối Giàng', short: 'HTX CHE SUOI GIANG', bin: '970415', account: '108869123456', accountName: 'HOP TAC XA CHE SHAN TUYET SUOI GIANG', bank: 'VietinBank' },
  { name: 'Công ty TNHH Mật ong Bạc Hà', short: 'CONG TY MAT ONG BAC HA', bin: '970422', account: '0881000123456', accountName: 'CONG TY TNHH MAT ONG BAC HA', bank: 'MB' },
];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Thị Thu', 'Hữu', 'Thanh', 'Ngọc', 'Quang', 'Thị Bích'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hạnh', 'Hùng', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Ngọc', 'Phương', 'Quân', 'Tâm', 'Thảo', 'Trang', 'Tuấn', 'Việt', 'Yến'];
const PLAIN_MEMOS = ['chuyen tien', 'Chuyển tiền ăn trưa', 'tra no', 'Hoàn tiền', 'ung ho quy', 'CK mua hang', 'thanh toan tien hang thang 11', 'Tiền điện tháng 10', 'gui tien', 'IBFT chuyen tien'];


/** ASCII folding for memos written "without diacritics" (what most banks send). */
const ascii = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

interface Line {
  id: string;
  bookedAt: string;
  account: string;
  amount: number;
  memo: string;
  name: string;
  counterAccount: string;
}

const lineText = (l: Line): string =>
  [l.id, l.bookedAt, l.account, 'in', String(l.amount), csvCell(l.memo), csvCell(l.name), l.counterAccount].join(',') + '\n';

/** Even spread: how many of `total` fall before index `i` of `n`. */
const spread = (i: number, total: number, n: number): number => Math.floor((i * total) / n);

export async function seedReconcileDataset(opts: ReconcileDatasetOptions): Promise<ReconcileDatasetSummary> {
  const t0 = performance.now();
  const log = opts.log ?? (() => undefined);
  const rand = seededRandom(opts.seed ?? 20261127);
  const randomBytes = (n: number): Uint8Array => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
    return b;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

  const strangersTotal = Math.round(opts.lines * 0.02);
  const duplicatesTotal = Math.round(opts.lines * 0.01);
  const paying = opts.lines - strangersTotal - duplicatesTotal;
  if (paying > opts.orders) throw new Error(`${paying} paying lines need at least as many orders (got ${opts.orders})`);
  const unpaidTotal = opts.orders - paying;

  const db = new pg.Client({ connectionString: opts.url, application_name: 'bench-reconcile-seed' });
  await db.connect();
  const out = createWriteStream(opts.file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  const strangerKinds: Record<string, number> = {};
  const memoShapes: Record<string, number> = {};
  try {
    await db.query(`CREATE TABLE bench_expected_paid (reference text PRIMARY KEY)`);
    const coopIds: string[] = (
      await db.query(
        `INSERT INTO cooperatives (name, kind, tax_code, province_code, commune_code, address, bank_bin, bank_account_number, bank_account_name)
         SELECT c.name, 'cooperative', lpad((3000000000 + c.ord)::text, 10, '0'), '66', '24133', 'Thôn ' || c.ord, c.bin, c.account, c.account_name
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS c(name, bin, account, account_name, ord)
         ORDER BY c.ord RETURNING id`,
        [COOPERATIVES.map((c) => c.name), COOPERATIVES.map((c) => c.bin), COOPERATIVES.map((c) => c.account), COOPERATIVES.map((c) => c.accountName)],
      )
    ).rows.map((r) => r.id);

    await write(`${STATEMENT_HEADER}\n`);
    const now = Date.now();
    const yy = new Date(now).toISOString().slice(2, 4);
    const seen = new Set<string>();
    let lineSeq = 0;
    const CHUNK = 50_000;

    for (let start = 0; start < opts.orders; start += CHUNK) {
      const end = Math.min(opts.orders, start + CHUNK);
      const n = end - start;
      const orderIds: string[] = [];
      const checkoutIds: string[] = [];
      const refs: string[] = [];
      const totals: number[] = [];
      const coops: number[] = [];
      const payloads: string[] = [];
      const unpaid: number[] = [];
      const paid: number[] = [];
      for (let k = 0; k < n; k++) {
        const i = start + k;
        let ref: string;
        do ref = generateReference(randomBytes);
        while (seen.has(ref));
        seen.add(ref);
        const coop = i % COOPERATIVES.length;
        const total = int(2, 5000) * 1000;
        orderIds.push(randomUUID());
        checkoutIds.push(randomUUID());
        refs.push(ref);
        totals.push(total);
        coops.push(coop + 1);
        payloads.push(encodeVietQr({ bankBin: COOPERATIVES[coop].bin, accountNumber: COOPERATIVES[coop].account, amountVnd: total, purpose: ref }));
        if (spread(i + 1, unpaidTotal, opts.orders) > spread(i, unpaidTotal, opts.orders)) unpaid.push(k);
        else paid.push(k);
      }
      await db.query(
        `WITH d AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::int[], $6::text[]) WITH ORDINALITY AS d(order_id, checkout_id, reference, total, coop, payload, ord)),
         c AS (
           INSERT INTO checkouts (id, payment_method, buyer, created_at)
           SELECT checkout_id, 'vietqr', jsonb_build_object('name', 'Khách ' || ($9::int + ord), 'phone', '0912345678'), $8::timestamptz FROM d),
         o AS (
           INSERT INTO orders (id, code, checkout_id, cooperative_id, buyer_name, buyer_phone, buyer_email, buyer_address, total_vnd, status,
                               access_token_hash, payment_expires_at, created_at, updated_at)
           SELECT order_id, 'DH' || to_char($8::timestamptz, 'YYMMDD') || '-' || lpad(($9::int + ord)::text, 7, '0'), checkout_id, ($7::uuid[])[coop],
                  'Khách ' || ($9::int + ord), '0912345678', NULL, '{"provinceCode":"66","communeCode":"24133","line":"12 Lê Duẩn"}'::jsonb, total,
                  'pending_payment', sha256(convert_to(order_id::text, 'UTF8')), $8::timestamptz + interval '7 days', $8::timestamptz, $8::timestamptz
           FROM d)
         INSERT INTO payments (order_id, method, status, amount_vnd, reference, bank_bin, account_number, account_name, qr_payload, created_at, updated_at)
         SELECT d.order_id, 'vietqr', 'pending', d.total, d.reference, c.bank_bin, c.bank_account_number, c.bank_account_name, d.payload, $8::timestamptz, $8::timestamptz
         FROM d JOIN cooperatives c ON c.id = ($7::uuid[])[d.coop]`,
        [orderIds, checkoutIds, refs, totals, coops, payloads, coopIds, new Date(now - 3_600_000 * 24), start],
      );
      await db.query(`INSERT INTO bench_expected_paid (reference) SELECT unnest($1::text[])`, [paid.map((k) => refs[k])]);

      // The statement lines of this chunk: one per paid order, the chunk's share of strangers, shuffled; then duplicates.
      const nStrangers = spread(end, strangersTotal, opts.orders) - spread(start, strangersTotal, opts.orders);
      const nDuplicates = spread(end, duplicatesTotal, opts.orders) - spread(start, duplicatesTotal, opts.orders);
      const lines: Line[] = [];
      const newLine = (coop: number, amount: number, memo: string, name: string): Line => {
        lineSeq += 1;
        const at = new Date(now - 3_600_000 * 20 + Math.floor(rand() * 3_600_000 * 19) + 7 * 3_600_000);
        const iso = at.toISOString();
        return {
          id: `FT${yy}${String((lineSeq * 7919 + 104729) % 1_000_000_000).padStart(9, '0')}${digits(3)}`,
          bookedAt: `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 19)}`,
          account: COOPERATIVES[coop].account,
          amount,
          memo,
          name,
          counterAccount: digits(int(10, 14)),
        };
      };
      for (const k of paid) {
        const coop = coops[k] - 1;
        const name = `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`;
        const [shape, memo] = payingMemo(refs[k], name, COOPERATIVES[coop], { pick, digits, int, rand });
        memoShapes[shape] = (memoShapes[shape] ?? 0) + 1;
        lines.push(newLine(coop, totals[k], memo, ascii(name).toUpperCase()));
      }
      for (let s = 0; s < nStrangers; s++) {
        const name = `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`;
        const victim = unpaid.length ? refs[unpaid[s % unpaid.length]] : null;
        const [kind, memo] = strangerMemo(victim, name, { pick, digits, int, rand });
        strangerKinds[kind] = (strangerKinds[kind] ?? 0) + 1;
        lines.push(newLine(int(0, COOPERATIVES.length - 1), int(1, 3000) * 1000, memo, ascii(name).toUpperCase()));
      }
      for (let i = lines.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [lines[i], lines[j]] = [lines[j], lines[i]];
      }
      // Duplicates: a copy of line j placed somewhere after it (same bank id, same content).
      const placed: Array<{ key: number; line: Line }> = lines.map((line, idx) => ({ key: idx, line }));
      for (let d = 0; d < nDuplicates; d++) {
        const j = Math.floor(rand() * lines.length);
        placed.push({ key: j + 0.5 + rand() * (lines.length - j - 0.5), line: lines[j] });
      }
      placed.sort((a, b) => a.key - b.key);
      await write(placed.map((p) => lineText(p.line)).join(''));
      log(`orders ${end.toLocaleString('en')} / ${opts.orders.toLocaleString('en')}`);
    }
    out.end();
    await once(out, 'finish');
    await db.query('VACUUM ANALYZE');
    return {
      cooperatives: COOPERATIVES.length,
      orders: opts.orders,
      lines: opts.lines,
      paying,
      strangers: strangersTotal,
      duplicates: duplicatesTotal,
      strangerKinds,
      memoShapes,
      bytes,
      seedMs: performance.now() - t0,
    };
  } finally {
    out.destroy();
    await db.end();
  }
}

interface Rng {
  pick: <T>(xs: readonly T[]) => T;
  digits: (n: number) => string;
  int: (lo: number, hi: number) => number;
  rand: () => number;
}

/** A memo that carries `ref` the way some bank writes it: [shape, memo]. */
function payingMemo(ref: string, name: string, coop: (typeof COOPERATIVES)[number], r: Rng): [string, string] {
  const NAME = ascii(name).toUpperCase();
  const lower = ref.toLowerCase();
  const dashed = `${ref.slice(0, 2)}-${ref.slice(2, 6)}-${ref.slice(6, 10)}-${ref.slice(10)}`;
  const spaced = `${lower.slice(0, 2)} ${lower.slice(2, 6)} ${lower.slice(6, 10)} ${lower.slice(10)}`;
  const x = r.rand();
  if (x < 0.14) return ['bare code', ref];
  if (x < 0.26) return ['Vietcombank app prefix and trace', `MBVCB.${r.digits(10)}.${ref}.CT tu ${r.digits(13)} ${NAME} toi ${coop.account} ${coop.short}`];
  if (x < 0.36) return ['lower case', `${ascii(name).toLowerCase()} chuyen tien ${lower}`];
  if (x < 0.44) return ['dashes inside the code', `IBFT ${dashed} thanh toan don hang`];
  if (x < 0.52) return ['spaces inside, diacritics', `Thanh toán đơn hàng ${spaced}`];
  if (x < 0.60) return ['card-to-account trace', `TKThe :${r.digits(6)}, tai ${coop.bank}. ${ref} -CTLNHIDI000${r.digits(10)}-1/3-CRE-002`];
  if (x < 0.67) return ['trace number glued before', `FT${r.digits(11)}${ref} ${NAME}`];
  if (x < 0.73) return ['glued to a name ending in NGOC', `${ascii(name).toUpperCase().replace(/ /g, '')}NGOC${ref}`];
  if (x < 0.80) return ['truncated after the code', `CK ${NAME} ${ref} thanh toan don hang OCOP tai cua hang ${coop.short}`.slice(0, NAME.length + 15 + r.int(2, 25))];
  if (x < 0.86) return ['truncated before the code', `${`Chuyen khoan thanh toan don hang ${NAME}`.slice(-r.int(4, 20))} ${ref}`];
  if (x < 0.91) return ['dots inside, diacritics around', `Chuyển khoản ${ref.slice(0, 5)}.${ref.slice(5)} mua cà phê Buôn Ma Thuột`];
  if (x < 0.95) return ['wallet prefix', r.rand() < 0.5 ? `MOMO-${r.digits(11)}-${ref}` : `ZP${r.digits(12)} ${lower} ${ascii(name)}`];
  if (x < 0.98) return ['NAPAS 247 trace', `${r.digits(6)}-${ref} ${NAME}-Chuyen tien qua NAPAS247`];
  return ['code repeated', `${ref} ${NAME} ${lower}`];
}

/** A memo with no valid reference: [kind, memo]. `victim` is an unpaid order's reference. */
function strangerMemo(victim: string | null, name: string, r: Rng): [string, string] {
  const x = r.rand();
  if (victim && x < 0.25) {
    // One character changed: the check character catches every single substitution.
    const at = r.int(2, victim.length - 1);
    const others = REFERENCE_ALPHABET.replace(victim[at], '');
    const typo = victim.slice(0, at) + others[r.int(0, others.length - 1)] + victim.slice(at + 1);
    return ['one-character typo of an unpaid order\'s code', `${ascii(name).toUpperCase()} chuyen tien ${typo}`];
  }
  if (victim && x < 0.45) return ['unpaid order\'s code cut in half', `CK thanh toan don hang ${victim.slice(0, r.int(5, 9))}`];
  if (x < 0.6) {
    let code = 'OC';
    for (let i = 0; i < 9; i++) code += REFERENCE_ALPHABET[r.int(0, REFERENCE_ALPHABET.length - 1)];
    // Keep it invalid: with probability 1/27 a random code verifies; change its last character then.
    if (isValidReference(code)) code = code.slice(0, -1) + REFERENCE_ALPHABET[(REFERENCE_ALPHABET.indexOf(code[10]) + 1) % REFERENCE_ALPHABET.length];
    return ['made-up code', `thanh toan ${code}`];
  }
  return ['no code at all', `${r.pick(PLAIN_MEMOS)} ${r.rand() < 0.5 ? ascii(name) : name}`];
}
