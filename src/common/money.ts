import { type ValueTransformer } from 'typeorm';

/** bigint columns hold integer VND; JS numbers are exact below 2^53, far above any real amount. */
export const bigintVnd: ValueTransformer = {
  to: (v: number | null | undefined) => (v === null || v === undefined ? v : String(v)),
  from: (v: string | null) => {
    if (v === null || v === undefined) return v;
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new Error(`bigint ${v} exceeds the safe integer range`);
    return n;
  },
};

export const MAX_VND = 1_000_000_000_000; // 1e12 VND per amount: far above any order, far below 2^53

export function formatVnd(amount: number): string {
  return `${new Intl.NumberFormat('vi-VN').format(amount)} ₫`;
}
