/**
 * The demo dataset seeded once on a fresh database (SEED_DEMO, default true): real places (2025
 * two-level administration), tax codes with valid check digits, realistic OCOP products of all six
 * groups. Names are in Vietnamese with correct diacritics.
 */
import type { OcopGroup } from '../catalog/ocop.js';

export interface DemoProduct {
  name: string;
  description: string;
  sku: string;
  priceVnd: number;
  unit: string;
  stockQty: number;
  group: OcopGroup;
  stars: 3 | 4 | 5;
  certifiedAt: string;
  certificateNo: string;
  decisionNo: string;
}

export interface DemoCooperative {
  name: string;
  kind: 'cooperative' | 'cooperative_group' | 'enterprise' | 'household';
  taxCode: string;
  provinceCode: string;
  communeCode: string;
  address: string;
  phone: string;
  email: string;
  bankAccount: { bankBin: string; accountNumber: string; accountName: string };
  products: DemoProduct[];
}

export const DEMO_COOPERATIVES: DemoCooperative[] = [
  {
    name: 'Hợp tác xã Cà phê Ea Kao',
    kind: 'cooperative',
    taxCode: '6001234562',
    provinceCode: '66',
    communeCode: '24169',
    address: 'Buôn Kao, phường Ea Kao',
    phone: '0262 3851 234',
    email: 'lienhe@htxcaphe-eakao.vn',
    bankAccount: { bankBin: '970436', accountNumber: '1023456789', accountName: 'Hợp tác xã Cà phê Ea Kao' },
    products: [
      { name: 'Cà phê Robusta rang xay Ea Kao', description: 'Cà phê Robusta trồng trên đất đỏ bazan Đắk Lắk, rang mộc, xay sẵn cho pha phin.', sku: 'EK-RB-500', priceVnd: 185000, unit: 'gói 500g', stockQty: 120, group: 'food', stars: 4, certifiedAt: '2025-03-15', certificateNo: '66-OCOP-2025-0112', decisionNo: '512/QĐ-UBND' },
      { name: 'Cà phê hạt Arabica Cầu Đất', description: 'Hạt Arabica chế biến ướt, rang vừa, hương trái cây.', sku: 'EK-AR-250', priceVnd: 160000, unit: 'túi 250g', stockQty: 80, group: 'food', stars: 4, certifiedAt: '2025-03-15', certificateNo: '66-OCOP-2025-0113', decisionNo: '512/QĐ-UBND' },
      { name: 'Mật ong hoa cà phê Đắk Lắk', description: 'Mật ong nguyên chất từ hoa cà phê mùa xuân, không pha đường.', sku: 'EK-MO-500', priceVnd: 150000, unit: 'chai 500ml', stockQty: 60, group: 'food', stars: 3, certifiedAt: '2024-08-20', certificateNo: '66-OCOP-2024-0451', decisionNo: '1870/QĐ-UBND' },
      { name: 'Trà mãng cầu Ea Kao', description: 'Trà thảo mộc từ lá và quả mãng cầu xiêm sấy lạnh.', sku: 'EK-TMC-100', priceVnd: 90000, unit: 'hộp 100g', stockQty: 40, group: 'beverages', stars: 3, certifiedAt: '2025-06-01', certificateNo: '66-OCOP-2025-0320', decisionNo: '1203/QĐ-UBND' },
    ],
  },
  {
    name: 'Hợp tác xã Nước mắm Phú Quốc Khải Hoàn',
    kind: 'cooperative',
    taxCode: '5700987655',
    provinceCode: '91',
    communeCode: '31078',
    address: 'Khu phố 7, đặc khu Phú Quốc',
    phone: '0297 3846 789',
    email: 'nuocmam@htxkhaihoan.vn',
    bankAccount: { bankBin: '970422', accountNumber: '0881000123456', accountName: 'HTX Nước mắm Phú Quốc Khải Hoàn' },
    products: [
      { name: 'Nước mắm Phú Quốc 40 độ đạm', description: 'Nước mắm cá cơm ủ chượp trong thùng gỗ bời lời 12 tháng.', sku: 'PQ-NM40-500', priceVnd: 95000, unit: 'chai 500ml', stockQty: 200, group: 'food', stars: 5, certifiedAt: '2024-12-10', certificateNo: 'QG-OCOP-2024-0031', decisionNo: '1521/QĐ-BNN-KTHT' },
      { name: 'Tiêu sọ Phú Quốc', description: 'Tiêu đen chín đỏ, bóc vỏ phơi nắng, cay thơm.', sku: 'PQ-TS-200', priceVnd: 120000, unit: 'hũ 200g', stockQty: 90, group: 'food', stars: 4, certifiedAt: '2025-01-20', certificateNo: '91-OCOP-2025-0041', decisionNo: '88/QĐ-UBND' },
      { name: 'Rượu sim Phú Quốc', description: 'Rượu vang sim rừng lên men tự nhiên, 13 độ.', sku: 'PQ-RS-750', priceVnd: 210000, unit: 'chai 750ml', stockQty: 50, group: 'beverages', stars: 4, certifiedAt: '2025-01-20', certificateNo: '91-OCOP-2025-0042', decisionNo: '88/QĐ-UBND' },
      { name: 'Dầu tràm Phú Quốc', description: 'Tinh dầu tràm gió chưng cất thủ công, giữ ấm cho bé.', sku: 'PQ-DT-50', priceVnd: 65000, unit: 'chai 50ml', stockQty: 150, group: 'herbal', stars: 3, certifiedAt: '2024-10-05', certificateNo: '91-OCOP-2024-0377', decisionNo: '2305/QĐ-UBND' },
    ],
  },
  {
    name: 'Hợp tác xã Chè Tân Cương Hoàng Bình',
    kind: 'cooperative',
    taxCode: '4600456786',
    provinceCode: '19',
    communeCode: '05503',
    address: 'Xóm Hồng Thái 2, xã Tân Cương',
    phone: '0208 3640 567',
    email: 'che@tancuonghoangbinh.vn',
    bankAccount: { bankBin: '970418', accountNumber: '39010001234567', accountName: 'HTX Chè Tân Cương Hoàng Bình' },
    products: [
      { name: 'Chè búp Tân Cương đặc biệt', description: 'Một tôm hai lá, sao suốt thủ công, nước xanh vàng, hậu ngọt.', sku: 'TC-CB-200', priceVnd: 250000, unit: 'hộp 200g', stockQty: 70, group: 'food', stars: 5, certifiedAt: '2025-02-28', certificateNo: 'QG-OCOP-2025-0007', decisionNo: '601/QĐ-BNN-KTHT' },
      { name: 'Chè móc câu Tân Cương', description: 'Búp chè xoăn móc câu, hương cốm non.', sku: 'TC-MC-500', priceVnd: 320000, unit: 'gói 500g', stockQty: 45, group: 'food', stars: 4, certifiedAt: '2024-11-12', certificateNo: '19-OCOP-2024-0280', decisionNo: '2751/QĐ-UBND' },
      { name: 'Trà xanh túi lọc Hoàng Bình', description: 'Trà xanh Tân Cương đóng túi lọc tiện dùng văn phòng.', sku: 'TC-TL-25', priceVnd: 55000, unit: 'hộp 25 túi', stockQty: 300, group: 'beverages', stars: 3, certifiedAt: '2025-07-01', certificateNo: '19-OCOP-2025-0105', decisionNo: '1442/QĐ-UBND' },
    ],
  },
  {
    name: 'Hợp tác xã Gốm sứ Bát Tràng',
    kind: 'cooperative',
    taxCode: '0100982310',
    provinceCode: '01',
    communeCode: '00577',
    address: 'Thôn Giang Cao, xã Bát Tràng',
    phone: '024 3874 0123',
    email: 'gom@htxbattrang.vn',
    bankAccount: { bankBin: '970405', accountNumber: '1500205123456', accountName: 'Hợp tác xã Gốm sứ Bát Tràng' },
    products: [
      { name: 'Bình gốm men lam vẽ tay', description: 'Bình hoa dáng tỏi, men lam vẽ tích "Mục đồng thổi sáo".', sku: 'BT-BL-30', priceVnd: 850000, unit: 'chiếc cao 30cm', stockQty: 15, group: 'handicrafts', stars: 4, certifiedAt: '2025-04-18', certificateNo: '01-OCOP-2025-0610', decisionNo: '2033/QĐ-UBND' },
      { name: 'Bộ ấm chén men rạn cổ', description: 'Bộ ấm trà 6 chén men rạn, nung củi truyền thống.', sku: 'BT-AC-6', priceVnd: 680000, unit: 'bộ 7 món', stockQty: 25, group: 'handicrafts', stars: 4, certifiedAt: '2025-04-18', certificateNo: '01-OCOP-2025-0611', decisionNo: '2033/QĐ-UBND' },
      { name: 'Đĩa sứ men hoa biến', description: 'Đĩa trang trí men hoa biến, mỗi chiếc một vân màu.', sku: 'BT-DS-28', priceVnd: 420000, unit: 'chiếc đường kính 28cm', stockQty: 30, group: 'handicrafts', stars: 3, certifiedAt: '2024-09-09', certificateNo: '01-OCOP-2024-1502', decisionNo: '4120/QĐ-UBND' },
    ],
  },
  {
    name: 'Hợp tác xã Dược liệu Sa Pa',
    kind: 'cooperative',
    taxCode: '5300789017',
    provinceCode: '15',
    communeCode: '03006',
    address: 'Tổ 5, phường Sa Pa',
    phone: '0214 3871 456',
    email: 'duoclieu@htxsapa.vn',
    bankAccount: { bankBin: '970415', accountNumber: '108002345678', accountName: 'Hợp tác xã Dược liệu Sa Pa' },
    products: [
      { name: 'Lá tắm người Dao đỏ', description: 'Hỗn hợp hơn 20 loại lá thuốc của người Dao đỏ, sấy khô.', sku: 'SP-LT-300', priceVnd: 75000, unit: 'túi 300g', stockQty: 140, group: 'herbal', stars: 4, certifiedAt: '2025-05-22', certificateNo: '15-OCOP-2025-0088', decisionNo: '1109/QĐ-UBND' },
      { name: 'Cao atiso Sa Pa', description: 'Cao đặc atiso trồng tại Sa Pa, hỗ trợ thanh nhiệt.', sku: 'SP-CA-200', priceVnd: 180000, unit: 'hũ 200g', stockQty: 55, group: 'herbal', stars: 4, certifiedAt: '2025-05-22', certificateNo: '15-OCOP-2025-0089', decisionNo: '1109/QĐ-UBND' },
      { name: 'Thổ cẩm Dao đỏ thêu tay', description: 'Khăn thổ cẩm thêu tay hoa văn truyền thống, sợi bông nhuộm chàm.', sku: 'SP-TC-KH', priceVnd: 350000, unit: 'chiếc', stockQty: 20, group: 'handicrafts', stars: 3, certifiedAt: '2024-12-01', certificateNo: '15-OCOP-2024-0301', decisionNo: '2660/QĐ-UBND' },
    ],
  },
  {
    name: 'Hợp tác xã Hoa lan Đà Lạt',
    kind: 'cooperative',
    taxCode: '6800345678',
    provinceCode: '68',
    communeCode: '24778',
    address: 'Đường Mai Anh Đào, phường Lâm Viên - Đà Lạt',
    phone: '0263 3822 345',
    email: 'hoalan@htxdalat.vn',
    bankAccount: { bankBin: '970407', accountNumber: '19034567890123', accountName: 'HTX Hoa lan Đà Lạt' },
    products: [
      { name: 'Lan hồ điệp Đà Lạt chậu 3 cành', description: 'Lan hồ điệp ghép chậu sứ, 3 cành nụ, chăm sóc tại vườn Đà Lạt.', sku: 'DL-HD-3', priceVnd: 1200000, unit: 'chậu', stockQty: 12, group: 'ornamental', stars: 4, certifiedAt: '2025-08-14', certificateNo: '68-OCOP-2025-0201', decisionNo: '1788/QĐ-UBND' },
      { name: 'Bonsai sam hương mini', description: 'Cây sam hương dáng trực, chậu gốm men, cao 25cm.', sku: 'DL-BS-25', priceVnd: 650000, unit: 'chậu', stockQty: 8, group: 'ornamental', stars: 3, certifiedAt: '2024-07-30', certificateNo: '68-OCOP-2024-0190', decisionNo: '1502/QĐ-UBND' },
    ],
  },
  {
    name: 'Tổ hợp tác Du lịch cộng đồng bản Lác',
    kind: 'cooperative_group',
    taxCode: '2500567898',
    provinceCode: '25',
    communeCode: '05200',
    address: 'Bản Lác, xã Mai Châu',
    phone: '0218 3867 012',
    email: 'banlac@dulichmaichau.vn',
    bankAccount: { bankBin: '970423', accountNumber: '00012345678', accountName: 'THT Du lịch cộng đồng bản Lác' },
    products: [
      { name: 'Trải nghiệm homestay nhà sàn bản Lác', description: 'Một đêm nhà sàn người Thái, cơm lam, gà đồi và múa xòe.', sku: 'ML-HS-1', priceVnd: 450000, unit: 'khách/đêm', stockQty: 40, group: 'community_tourism', stars: 4, certifiedAt: '2025-03-03', certificateNo: '25-OCOP-2025-0044', decisionNo: '402/QĐ-UBND' },
      { name: 'Tour dệt thổ cẩm Mai Châu nửa ngày', description: 'Học dệt khung cửi cùng nghệ nhân người Thái, mang về sản phẩm tự dệt.', sku: 'ML-DT-05', priceVnd: 250000, unit: 'khách', stockQty: 60, group: 'community_tourism', stars: 3, certifiedAt: '2024-06-25', certificateNo: '25-OCOP-2024-0150', decisionNo: '1330/QĐ-UBND' },
    ],
  },
];
