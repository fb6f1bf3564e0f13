/** Vietnamese labels of API codes. */
export const OCOP_GROUPS: Record<string, string> = {
  food: 'Thực phẩm',
  beverages: 'Đồ uống',
  herbal: 'Thảo dược',
  handicrafts: 'Thủ công mỹ nghệ',
  ornamental: 'Sinh vật cảnh',
  community_tourism: 'Du lịch cộng đồng',
};

export const OCOP_LEVELS: Record<string, string> = {
  provincial: 'Cấp tỉnh',
  national: 'Cấp quốc gia',
};

export const ORDER_STATUS: Record<string, string> = {
  pending_payment: 'Chờ thanh toán',
  paid: 'Đã thanh toán',
  processing: 'Đang chuẩn bị hàng',
  shipped: 'Đang giao hàng',
  completed: 'Hoàn tất',
  expired: 'Hết hạn',
  cancelled: 'Đã hủy',
  refunded: 'Đã hoàn tiền',
};

/** Statuses reached only after the money arrived. */
export const PAID_STATUSES = new Set(['paid', 'processing', 'shipped', 'completed']);

export const SORTS: Array<[string, string]> = [
  ['', 'Phù hợp nhất'],
  ['price_asc', 'Giá thấp đến cao'],
  ['price_desc', 'Giá cao đến thấp'],
  ['newest', 'Mới nhất'],
  ['stars', 'Nhiều sao nhất'],
];

/** "★★★★☆" for the eye; screen readers get `label`. */
export function starText(stars: number): { text: string; label: string } {
  return { text: '★'.repeat(stars) + '☆'.repeat(Math.max(0, 5 - stars)), label: `${stars} sao OCOP` };
}
