/** A stall's categories, statuses and code rule. Pure: the DTOs and the market office's forms share them. */
export type StallCategory =
  | 'fresh_produce'
  | 'meat_fish'
  | 'dry_goods'
  | 'prepared_food'
  | 'clothing_textiles'
  | 'household'
  | 'services'
  | 'other';

export const STALL_CATEGORIES: StallCategory[] = [
  'fresh_produce',
  'meat_fish',
  'dry_goods',
  'prepared_food',
  'clothing_textiles',
  'household',
  'services',
  'other',
];

/** How categories read on printed cards and in the dashboard. */
export const STALL_CATEGORY_LABELS_VI: Record<StallCategory, string> = {
  fresh_produce: 'Rau củ quả tươi',
  meat_fish: 'Thịt, cá, hải sản',
  dry_goods: 'Hàng khô',
  prepared_food: 'Đồ ăn, thức uống',
  clothing_textiles: 'Quần áo, vải vóc',
  household: 'Đồ gia dụng',
  services: 'Dịch vụ',
  other: 'Khác',
};

export type StallStatus = 'active' | 'inactive';
export const STALL_STATUSES: StallStatus[] = ['active', 'inactive'];

/**
 * Stall codes as printed on the stall: uppercase letters and digits, inner `-` `.` `/` `_`,
 * 1–20 characters ("A-12", "K1/05"). Input is trimmed and uppercased before this check.
 */
export const STALL_CODE = /^[A-Z0-9](?:[A-Z0-9._/-]{0,18}[A-Z0-9])?$/;
