/**
 * Demo data for 4.0 markets: one market in Buôn Ma Thuột (Đắk Lắk) with 40 stalls, most of them
 * QR-enabled, and about four months of transactions (≈ 40,000) in which cashless payments grow from
 * about a third to two thirds of sales. Deterministic (seeded PRNG): the same `now` gives the same data.
 *
 * Transactions go through the one insert path (insertStallTransactions), so the rollups and thus the
 * statistics are exactly consistent with them. Idempotent: nothing happens when a market with the
 * demo name exists (checked under an advisory lock, so concurrent app instances seed once).
 */
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { vietnamDate } from '../common/clock.js';
import { bankAccountName } from '../common/vn-text.js';
import { addDays } from './market-stats.js';
import type { StallCategory } from './stall.entity.js';
import { insertStallTransactionsCount, type StallTxnInput, type StallTxnMethod } from './stall-transactions.sql.js';
import { seededRandom } from '../common/seeded-random.js';

export const DEMO_MARKET = {
  name: 'Chợ 4.0 Trung tâm Buôn Ma Thuột',
  provinceCode: '66',
  communeCode: '24133', // Phường Buôn Ma Thuột
  address: 'Đường Phan Bội Châu, phường Buôn Ma Thuột, tỉnh Đắk Lắk',
};
export const DEMO_DAYS = 120;
const SEED_LOCK = 7710050;


/** Category, stall code prefix, how many stalls, mean sales per day, amount range (VND). */
const LAYOUT: Array<{ category: StallCategory; prefix: string; stalls: number; perDay: number; min: number; max: number }> = [
  { category: 'fresh_produce', prefix: 'A', stalls: 10, perDay: 12, min: 10_000, max: 120_000 },
  { category: 'meat_fish', prefix: 'B', stalls: 8, perDay: 10, min: 50_000, max: 500_000 },
  { category: 'dry_goods', prefix: 'C', stalls: 6, perDay: 6, min: 20_000, max: 350_000 },
  { category: 'prepared_food', prefix: 'D', stalls: 6, perDay: 15, min: 15_000, max: 80_000 },
  { category: 'clothing_textiles', prefix: 'E', stalls: 4, perDay: 3, min: 80_000, max: 500_000 },
  { category: 'household', prefix: 'F', stalls: 3, perDay: 2, min: 30_000, max: 400_000 },
  { category: 'services', prefix: 'G', stalls: 2, perDay: 4, min: 10_000, max: 100_000 },
  { category: 'other', prefix: 'H', stalls: 1, perDay: 2, min: 10_000, max: 200_000 },
];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const WOMEN = ['Thị Hoa', 'Thị Lan', 'Thị Thu Hà', 'Thị Hồng', 'Thị Mai', 'Thị Ngọc Ánh', 'Thị Hương', 'Thị Tuyết', 'Thị Bích Ngọc', 'Thị Nhung', 'Thị Yến', 'Thị Kim Oanh'];
const MEN = ['Văn Hùng', 'Văn Minh', 'Đức Thắng', 'Văn Tâm', 'Quốc Bảo', 'Văn Phúc', 'Hữu Lộc', 'Thành Đạt', 'Văn Sơn', 'Công Khánh'];
/** Ê Đê and M'Nông vendors, common in Buôn Ma Thuột markets. */
const HIGHLAND = ["H'Hen Niê", 'Y Moan Êban', "H'Linh Mlô", 'Y Khoa Niê', "H'Xuân Byă", 'Y Thông Knul'];
const BANKS = ['970436', '970405', '970418', '970415', '970422', '970407', '970403', '970416', '970432', '970423'];

interface DemoStall {
  code: string;
  category: StallCategory;
  vendorName: string;
  vendorPhone: string;
  account: { bankBin: string; accountNumber: string; accountName: string } | null;
  perDay: number;
  min: number;
  max: number;
}

function demoStalls(rand: () => number): DemoStall[] {
  const out: DemoStall[] = [];
  let n = 0;
  for (const l of LAYOUT) {
    for (let i = 1; i <= l.stalls; i++, n++) {
      const vendorName =
        n % 7 === 3
          ? HIGHLAND[n % HIGHLAND.length]
          : `${FAMILY[Math.floor(rand() * FAMILY.length)]} ${rand() < 0.7 ? WOMEN[Math.floor(rand() * WOMEN.length)] : MEN[Math.floor(rand() * MEN.length)]}`;
      const phone = `0${['90', '91', '93', '94', '97', '98', '35', '36', '38', '70', '77', '79', '83', '84', '85'][n % 15]}${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`;
      // 6 stalls of 40 take cash only (no bank account): QR-enabled share 85 %.
      const qr = ![4, 11, 19, 26, 33, 38].includes(n);
      const digits = 10 + (n % 4);
      const accountNumber = `${1 + Math.floor(rand() * 9)}${Array.from({ length: digits - 1 }, () => Math.floor(rand() * 10)).join('')}`;
      const name = bankAccountName(vendorName);
      out.push({
        code: `${l.prefix}-${String(i).padStart(2, '0')}`,
        category: l.category,
        vendorName,
        vendorPhone: phone,
        account: qr && name.ok ? { bankBin: BANKS[n % BANKS.length], accountNumber, accountName: name.value } : null,
        perDay: l.perDay * (0.6 + rand() * 0.8),
        min: l.min,
        max: l.max,
      });
    }
  }
  return out;
}

/** Poisson-distributed count (Knuth; fine for small means). */
function poisson(mean: number, rand: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > limit);
  return k - 1;
}

/** An instant on Vietnam day `day` between 05:00 and 18:59 local time, busier in the morning. */
function saleTime(day: string, rand: () => number): Date {
  const hour = rand() < 0.6 ? 5 + Math.floor(rand() * 5) : 10 + Math.floor(rand() * 9);
  const minute = Math.floor(rand() * 60);
  const second = Math.floor(rand() * 60);
  return new Date(Date.parse(`${day}T00:00:00+07:00`) + ((hour * 60 + minute) * 60 + second) * 1000);
}

/**
 * Seeds the demo market once. `source` is the Nest app (or any context holding the DataSource) or
 * a DataSource. Returns a one-line summary, or null when the market already exists.
 */
export async function seedMarketsDemo(source: DataSource | INestApplicationContext, now: Date): Promise<string | null> {
  const ds = source instanceof DataSource ? source : source.get(DataSource);
  return ds.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    const existing = (await m.query('SELECT id FROM markets WHERE name = $1 LIMIT 1', [DEMO_MARKET.name])) as unknown[];
    if (existing.length) return null;

    const rand = seededRandom(20260301);
    const [market] = (await m.query(
      `INSERT INTO markets (name, province_code, commune_code, address, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
      [DEMO_MARKET.name, DEMO_MARKET.provinceCode, DEMO_MARKET.communeCode, DEMO_MARKET.address, addDaysInstant(now, -DEMO_DAYS - 7)],
    )) as Array<{ id: string }>;
    const stalls = demoStalls(rand);
    const ids = (await m.query(
      `INSERT INTO stalls (market_id, code, vendor_name, vendor_phone, category, bank_bin, bank_account_number, bank_account_name, created_at, updated_at)
       SELECT $1, s.code, s.vendor_name, s.vendor_phone, s.category, s.bank_bin, s.bank_account_number, s.bank_account_name, $2, $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS s(code, vendor_name, vendor_phone, category, bank_bin, bank_account_number, bank_account_name)
       RETURNING id, code`,
      [
        market.id,
        addDaysInstant(now, -DEMO_DAYS - 7),
        stalls.map((s) => s.code),
        stalls.map((s) => s.vendorName),
        stalls.map((s) => s.vendorPhone),
        stalls.map((s) => s.category),
        stalls.map((s) => s.account?.bankBin ?? null),
        stalls.map((s) => s.account?.accountNumber ?? null),
        stalls.map((s) => s.account?.accountName ?? null),
      ],
    )) as Array<{ id: string; code: string }>;
    const idByCode = new Map(ids.map((r) => [r.code, r.id]));

    const today = vietnamDate(now);
    const first = addDays(today, -(DEMO_DAYS - 1));
    const rows: StallTxnInput[] = [];
    for (let d = 0; d < DEMO_DAYS; d++) {
      const day = addDays(first, d);
      // Cashless adoption grows over the period; weekends are busier.
      const cashless = 0.35 + 0.3 * (d / (DEMO_DAYS - 1));
      const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
      const busy = dow === 0 || dow === 6 ? 1.3 : 1;
      for (const s of stalls) {
        const n = poisson(s.perDay * busy, rand);
        for (let i = 0; i < n; i++) {
          const occurredAt = saleTime(day, rand);
          if (occurredAt > now) continue;
          let method: StallTxnMethod = 'cash';
          if (s.account && rand() < cashless) method = rand() < 0.08 ? 'card' : 'qr';
          const amount = Math.round((s.min + (s.max - s.min) * rand() ** 2) / 1000) * 1000;
          rows.push({ stallId: idByCode.get(s.code)!, amountVnd: amount, method, occurredAt });
        }
      }
    }
    let inserted = 0;
    for (let i = 0; i < rows.length; i += 5000) {
      inserted += await insertStallTransactionsCount(m, rows.slice(i, i + 5000), { source: 'seed' });
    }
    return `markets demo: "${DEMO_MARKET.name}" (${market.id}) with ${stalls.length} stalls and ${inserted} transactions from ${first} to ${today}`;
  });
}

function addDaysInstant(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}
