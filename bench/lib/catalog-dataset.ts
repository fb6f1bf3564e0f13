/**
 * A realistic OCOP catalog for benchmarks and index tests: cooperatives spread over the 34
 * provinces (more where OCOP production is dense), each with a handful of product lines typical of
 * its province (coffee and honey in Đắk Lắk, fish sauce in An Giang/Phú Quốc, Shan tuyết tea in the
 * northern mountains, pottery and silk around Hà Nội …) and variants of them, in the six OCOP groups.
 *
 * Deterministic (seeded). Cooperatives are inserted from arrays (unnest); products with one set-based
 * INSERT … SELECT FROM generate_series, pseudo-random per row via hashint4. search_extra is built
 * exactly as CatalogService builds it (foldVietnamese of cooperative + province + description).
 */
import { bankAccountName, foldVietnamese } from '../../src/common/vn-text.js';
import { taxCodeCheckDigit } from '../../src/cooperatives/tax-code.js';
import { RegionsService } from '../../src/regions/regions.service.js';
import { buildSearchExtra, provinceSearchNames } from '../../src/catalog/search-text.js';
import { seededRandom } from '../../src/common/seeded-random.js';

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface DatasetOptions {
  cooperatives: number;
  products: number;
  /** Today (YYYY-MM-DD, Vietnam): certificates are dated relative to it (~1 in 10 has expired). */
  today: string;
  seed?: number;
}

interface Template {
  name: string;
  group: 'food' | 'beverages' | 'herbal' | 'handicrafts' | 'ornamental' | 'community_tourism';
  unit: string;
  price: number;
  description: string;
  /** What a cooperative making it is called after ("Hợp tác xã Cà phê …"). */
  theme: string;
  provinces: string[];
}

// prettier-ignore
const TEMPLATES: Template[] = [
  // food (incl. tea, coffee, honey, fish sauce)
  { name: 'Cà phê Robusta rang xay', group: 'food', unit: 'gói 500g', price: 180000, theme: 'Cà phê', provinces: ['66', '52', '68', '14'], description: 'Hạt Robusta trồng trên đất đỏ bazan, chín đỏ mới hái, rang mộc, xay vừa cho phin, hậu vị đậm.' },
  { name: 'Cà phê Arabica hạt rang', group: 'food', unit: 'túi 250g', price: 220000, theme: 'Cà phê', provinces: ['68', '14', '44'], description: 'Arabica trồng ở độ cao trên 1.500 m, sơ chế ướt, rang vừa, hương trái cây và vị chua thanh.' },
  { name: 'Cà phê chồn', group: 'food', unit: 'hộp 250g', price: 650000, theme: 'Cà phê', provinces: ['66', '68'], description: 'Cà phê chồn lên men tự nhiên, rang thủ công theo mẻ nhỏ, hương thơm nồng, vị êm.' },
  { name: 'Cà phê phin giấy', group: 'food', unit: 'hộp 10 gói', price: 95000, theme: 'Cà phê', provinces: ['66', '52'], description: 'Cà phê nguyên chất đóng phin giấy tiện lợi, pha nhanh tại văn phòng hoặc khi đi du lịch.' },
  { name: 'Mật ong hoa cà phê', group: 'food', unit: 'chai 500ml', price: 220000, theme: 'Mật ong', provinces: ['66', '52'], description: 'Mật ong nguyên chất từ đàn ong nuôi trong vườn cà phê mùa hoa nở, không pha đường.' },
  { name: 'Mật ong rừng U Minh', group: 'food', unit: 'chai 500ml', price: 350000, theme: 'Mật ong', provinces: ['96'], description: 'Mật ong gác kèo rừng tràm U Minh, màu vàng sậm, thơm mùi hoa tràm.' },
  { name: 'Mật ong bạc hà', group: 'food', unit: 'chai 500ml', price: 300000, theme: 'Mật ong', provinces: ['08'], description: 'Mật ong hoa bạc hà cao nguyên đá, vị ngọt thanh, hương thơm đặc trưng.' },
  { name: 'Nước mắm Phú Quốc 40 độ đạm', group: 'food', unit: 'chai 500ml', price: 120000, theme: 'Nước mắm', provinces: ['91'], description: 'Ủ chượp cá cơm tươi với muối trong thùng gỗ bời lời 12 tháng, độ đạm 40, màu cánh gián.' },
  { name: 'Nước mắm cá cơm truyền thống', group: 'food', unit: 'chai 500ml', price: 90000, theme: 'Nước mắm', provinces: ['56', '51', '22', '44'], description: 'Nước mắm nhĩ ủ chum theo phương pháp truyền thống, không chất bảo quản.' },
  { name: 'Nước mắm Nam Ô', group: 'food', unit: 'chai 500ml', price: 110000, theme: 'Nước mắm', provinces: ['48'], description: 'Làng nghề nước mắm Nam Ô trăm năm tuổi, cá cơm than ủ chượp trong chum sành.' },
  { name: 'Trà Shan tuyết cổ thụ', group: 'food', unit: 'hộp 200g', price: 450000, theme: 'Chè', provinces: ['08', '15', '12', '11'], description: 'Búp trà Shan tuyết hái từ cây cổ thụ trên núi cao, sao thủ công trên chảo gang.' },
  { name: 'Chè Tân Cương', group: 'food', unit: 'hộp 200g', price: 250000, theme: 'Chè', provinces: ['19'], description: 'Chè búp Tân Cương sao sấy thủ công, nước xanh, vị chát dịu, hậu ngọt.' },
  { name: 'Trà xanh Mộc Châu', group: 'food', unit: 'gói 200g', price: 150000, theme: 'Chè', provinces: ['14'], description: 'Trà xanh cao nguyên Mộc Châu, canh tác theo tiêu chuẩn VietGAP.' },
  { name: 'Gạo ST25', group: 'food', unit: 'túi 5kg', price: 180000, theme: 'Lúa gạo', provinces: ['96', '92', '82', '86'], description: 'Gạo ST25 thơm dẻo, trồng theo mô hình tôm – lúa, xay xát mới mỗi tuần.' },
  { name: 'Gạo nếp cái hoa vàng', group: 'food', unit: 'túi 2kg', price: 90000, theme: 'Lúa gạo', provinces: ['33', '24', '37'], description: 'Nếp cái hoa vàng hạt tròn, dẻo thơm, dùng đồ xôi, gói bánh chưng.' },
  { name: 'Hạt điều rang muối', group: 'food', unit: 'hũ 500g', price: 250000, theme: 'Hạt điều', provinces: ['75', '80'], description: 'Hạt điều loại W240 rang muối còn vỏ lụa, giòn, béo.' },
  { name: 'Hồ tiêu đen', group: 'food', unit: 'gói 500g', price: 120000, theme: 'Hồ tiêu', provinces: ['66', '52', '75'], description: 'Tiêu đen hạt chắc, phơi nắng tự nhiên, cay nồng.' },
  { name: 'Bánh đậu xanh', group: 'food', unit: 'hộp 250g', price: 45000, theme: 'Bánh kẹo', provinces: ['31', '33'], description: 'Bánh đậu xanh mịn, ngọt vừa, làm từ đậu xanh tách vỏ và mỡ lợn.' },
  { name: 'Bánh pía sầu riêng', group: 'food', unit: 'hộp 400g', price: 80000, theme: 'Bánh kẹo', provinces: ['92', '82'], description: 'Bánh pía nhân đậu xanh sầu riêng trứng muối, vỏ nhiều lớp.' },
  { name: 'Kẹo dừa', group: 'food', unit: 'hộp 500g', price: 50000, theme: 'Dừa', provinces: ['86'], description: 'Kẹo dừa nấu từ nước cốt dừa tươi và mạch nha, dẻo thơm.' },
  { name: 'Nem chua', group: 'food', unit: 'chục', price: 60000, theme: 'Thực phẩm', provinces: ['38'], description: 'Nem chua gói lá chuối, lên men tự nhiên, ăn kèm lá đinh lăng.' },
  { name: 'Giò lụa', group: 'food', unit: 'cây 1kg', price: 220000, theme: 'Thực phẩm', provinces: ['01'], description: 'Giò lụa giã tay từ thịt lợn nóng, gói lá chuối, không hàn the.' },
  { name: 'Mắm tôm', group: 'food', unit: 'hũ 500g', price: 55000, theme: 'Thủy sản', provinces: ['38', '42'], description: 'Mắm tôm chua làm từ tôm tươi, ủ với gạo thính và muối.' },
  { name: 'Miến dong', group: 'food', unit: 'gói 500g', price: 60000, theme: 'Nông sản', provinces: ['08', '04', '37'], description: 'Miến làm từ tinh bột củ dong riềng, sợi dai, không phẩm màu.' },
  { name: 'Bánh tráng phơi sương', group: 'food', unit: 'gói 500g', price: 50000, theme: 'Bánh tráng', provinces: ['80'], description: 'Bánh tráng nướng rồi phơi sương đêm, mềm dẻo, cuốn thịt luộc.' },
  { name: 'Muối tôm', group: 'food', unit: 'hũ 200g', price: 40000, theme: 'Đặc sản', provinces: ['80'], description: 'Muối tôm rang cùng ớt và tỏi, chấm trái cây.' },
  { name: 'Xoài cát Hòa Lộc', group: 'food', unit: 'thùng 5kg', price: 300000, theme: 'Trái cây', provinces: ['82'], description: 'Xoài cát Hòa Lộc chín cây, thịt vàng, ngọt thơm.' },
  { name: 'Bưởi da xanh', group: 'food', unit: 'kg', price: 70000, theme: 'Trái cây', provinces: ['86'], description: 'Bưởi da xanh ruột hồng, múi ráo, ngọt thanh.' },
  { name: 'Vải thiều sấy khô', group: 'food', unit: 'gói 500g', price: 150000, theme: 'Trái cây', provinces: ['31', '33'], description: 'Vải thiều sấy khô nguyên quả, cùi dày, ngọt đậm.' },
  { name: 'Thịt trâu gác bếp', group: 'food', unit: 'gói 500g', price: 450000, theme: 'Đặc sản', provinces: ['11', '12', '14'], description: 'Thịt trâu tẩm mắc khén, hun khói gác bếp theo cách của đồng bào Thái.' },
  { name: 'Lạp xưởng tươi', group: 'food', unit: 'gói 500g', price: 130000, theme: 'Thực phẩm', provinces: ['82', '92'], description: 'Lạp xưởng thịt nạc, rượu mai quế lộ, phơi nắng một ngày.' },
  { name: 'Khô cá lóc', group: 'food', unit: 'gói 500g', price: 250000, theme: 'Thủy sản', provinces: ['96', '91'], description: 'Cá lóc đồng xẻ bướm, ướp muối nhạt, phơi nắng.' },
  { name: 'Tôm khô', group: 'food', unit: 'gói 250g', price: 300000, theme: 'Thủy sản', provinces: ['96'], description: 'Tôm đất phơi khô, đỏ tự nhiên, ngọt thịt.' },
  { name: 'Sô cô la cacao nguyên chất', group: 'food', unit: 'thanh 100g', price: 90000, theme: 'Cacao', provinces: ['66', '80'], description: 'Sô cô la 70% cacao lên men, trồng xen trong vườn cà phê.' },
  { name: 'Chuối sấy dẻo', group: 'food', unit: 'gói 250g', price: 40000, theme: 'Nông sản', provinces: ['40'], description: 'Chuối tây chín sấy dẻo, không đường, không chất bảo quản.' },
  { name: 'Kẹo cu đơ', group: 'food', unit: 'hộp 300g', price: 45000, theme: 'Bánh kẹo', provinces: ['42'], description: 'Kẹo lạc mật mía kẹp bánh đa, giòn, thơm gừng.' },
  // beverages
  { name: 'Rượu Bàu Đá', group: 'beverages', unit: 'chai 500ml', price: 150000, theme: 'Rượu', provinces: ['52'], description: 'Rượu gạo nấu bằng nước giếng làng Bàu Đá, chưng cất hai lần.' },
  { name: 'Rượu cần', group: 'beverages', unit: 'bình 2 lít', price: 250000, theme: 'Rượu', provinces: ['66', '52'], description: 'Rượu cần men lá rừng của đồng bào Ê Đê, ủ trong ché.' },
  { name: 'Rượu ngô men lá', group: 'beverages', unit: 'chai 1 lít', price: 120000, theme: 'Rượu', provinces: ['08', '15'], description: 'Rượu ngô nấu bằng men lá truyền thống của người Dao.' },
  { name: 'Rượu vang nho', group: 'beverages', unit: 'chai 750ml', price: 180000, theme: 'Nho', provinces: ['56'], description: 'Vang đỏ từ nho trồng trên vùng đất nắng gió.' },
  { name: 'Nước cốt chanh dây', group: 'beverages', unit: 'chai 500ml', price: 65000, theme: 'Nông sản', provinces: ['66', '52'], description: 'Nước cốt chanh dây nguyên chất, pha cùng nước và đá.' },
  { name: 'Sữa đậu nành', group: 'beverages', unit: 'chai 1 lít', price: 30000, theme: 'Thực phẩm', provinces: ['01'], description: 'Sữa đậu nành nấu mỗi ngày, ít đường.' },
  { name: 'Nước yến sào', group: 'beverages', unit: 'lốc 6 lọ', price: 180000, theme: 'Yến sào', provinces: ['56'], description: 'Nước yến từ tổ yến đảo, đường phèn.' },
  { name: 'Trà atiso túi lọc', group: 'beverages', unit: 'hộp 20 túi', price: 60000, theme: 'Atiso', provinces: ['68'], description: 'Trà atiso từ thân, lá, bông atiso sấy, mát gan.' },
  // herbal
  { name: 'Cao atiso', group: 'herbal', unit: 'hũ 200g', price: 180000, theme: 'Atiso', provinces: ['68'], description: 'Cao đặc atiso cô từ bông và lá tươi.' },
  { name: 'Tinh dầu sả chanh', group: 'herbal', unit: 'chai 100ml', price: 95000, theme: 'Tinh dầu', provinces: ['40', '37'], description: 'Tinh dầu sả chanh chưng cất hơi nước, đuổi muỗi, khử mùi.' },
  { name: 'Sâm Ngọc Linh', group: 'herbal', unit: 'hộp 100g', price: 2500000, theme: 'Dược liệu', provinces: ['51', '48'], description: 'Sâm Ngọc Linh trồng dưới tán rừng núi Ngọc Linh.' },
  { name: 'Trà đinh lăng', group: 'herbal', unit: 'hộp 20 túi', price: 70000, theme: 'Dược liệu', provinces: ['37', '33'], description: 'Trà túi lọc từ rễ và lá đinh lăng, dễ ngủ.' },
  { name: 'Tinh bột nghệ', group: 'herbal', unit: 'hũ 500g', price: 250000, theme: 'Dược liệu', provinces: ['40', '22'], description: 'Tinh bột nghệ vàng lọc bỏ tinh dầu, dùng làm đẹp.' },
  { name: 'Nấm linh chi đỏ', group: 'herbal', unit: 'hộp 500g', price: 900000, theme: 'Nấm', provinces: ['79', '68'], description: 'Nấm linh chi đỏ nuôi trồng trên mùn cưa, sấy khô.' },
  { name: 'Dầu tràm', group: 'herbal', unit: 'chai 100ml', price: 80000, theme: 'Tinh dầu', provinces: ['46'], description: 'Dầu tràm nguyên chất chưng cất từ lá tràm gió.' },
  { name: 'Tam thất bắc', group: 'herbal', unit: 'hộp 500g', price: 1200000, theme: 'Dược liệu', provinces: ['15', '08'], description: 'Củ tam thất bắc trồng trên núi cao, thái lát sấy khô.' },
  // handicrafts (incl. textiles)
  { name: 'Nón lá bài thơ', group: 'handicrafts', unit: 'chiếc', price: 120000, theme: 'Nón lá', provinces: ['46'], description: 'Nón lá hai lớp, lồng hình và thơ, chằm tay.' },
  { name: 'Lụa tơ tằm', group: 'handicrafts', unit: 'mét', price: 350000, theme: 'Dệt lụa', provinces: ['01', '68'], description: 'Lụa tơ tằm dệt trên khung cửi, nhuộm màu tự nhiên.' },
  { name: 'Chiếu cói', group: 'handicrafts', unit: 'đôi', price: 250000, theme: 'Cói', provinces: ['37'], description: 'Chiếu cói dệt tay, in hoa văn, êm và mát.' },
  { name: 'Bình gốm men lam', group: 'handicrafts', unit: 'chiếc', price: 850000, theme: 'Gốm sứ', provinces: ['01', '31'], description: 'Bình gốm vẽ tay men lam, nung lò ga 1.250 độ.' },
  { name: 'Giỏ mây tre đan', group: 'handicrafts', unit: 'chiếc', price: 150000, theme: 'Mây tre đan', provinces: ['01', '37', '33'], description: 'Giỏ đan từ mây và tre già, hun khói chống mối mọt.' },
  { name: 'Khăn thổ cẩm', group: 'handicrafts', unit: 'chiếc', price: 180000, theme: 'Thổ cẩm', provinces: ['15', '11', '66'], description: 'Khăn thổ cẩm dệt tay trên khung truyền thống.' },
  { name: 'Tranh Đông Hồ', group: 'handicrafts', unit: 'bức', price: 200000, theme: 'Tranh dân gian', provinces: ['24'], description: 'Tranh in khắc gỗ trên giấy dó quét điệp.' },
  { name: 'Đũa gỗ mun', group: 'handicrafts', unit: 'hộp 10 đôi', price: 150000, theme: 'Đồ gỗ', provinces: ['01'], description: 'Đũa gỗ mun đen bóng, không sơn phủ.' },
  // ornamental
  { name: 'Lan hồ điệp', group: 'ornamental', unit: 'chậu', price: 650000, theme: 'Hoa', provinces: ['68', '01'], description: 'Lan hồ điệp ba cành, cây khỏe, hoa bền hai tháng.' },
  { name: 'Đào Nhật Tân', group: 'ornamental', unit: 'cây', price: 1500000, theme: 'Hoa', provinces: ['01'], description: 'Đào cành thế dáng, nụ đều, nở đúng Tết.' },
  { name: 'Bonsai sanh', group: 'ornamental', unit: 'chậu', price: 3000000, theme: 'Cây cảnh', provinces: ['82', '37'], description: 'Cây sanh bonsai dáng trực, tuổi trên mười năm.' },
  { name: 'Cá Koi', group: 'ornamental', unit: 'con', price: 1200000, theme: 'Cá cảnh', provinces: ['79'], description: 'Cá Koi thuần chủng, dài 25–30 cm.' },
  { name: 'Hoa cúc Sa Đéc', group: 'ornamental', unit: 'chậu', price: 120000, theme: 'Hoa', provinces: ['82'], description: 'Cúc mâm xôi Sa Đéc, chậu lớn, nở rộ dịp Tết.' },
  // community tourism
  { name: 'Homestay bản làng', group: 'community_tourism', unit: 'đêm', price: 450000, theme: 'Du lịch cộng đồng', provinces: ['15', '14', '11', '08'], description: 'Nghỉ nhà sàn, ăn cơm cùng gia đình, đi bộ qua ruộng bậc thang.' },
  { name: 'Tour trải nghiệm vườn cà phê', group: 'community_tourism', unit: 'người', price: 350000, theme: 'Du lịch cộng đồng', provinces: ['66', '68'], description: 'Hái cà phê, rang xay và thưởng thức tại vườn cùng nông dân.' },
  { name: 'Du lịch sông nước miệt vườn', group: 'community_tourism', unit: 'người', price: 400000, theme: 'Du lịch cộng đồng', provinces: ['86', '92', '82'], description: 'Đi xuồng ba lá, thăm vườn trái cây, nghe đờn ca tài tử.' },
  { name: 'Trải nghiệm làng gốm', group: 'community_tourism', unit: 'người', price: 250000, theme: 'Du lịch cộng đồng', provinces: ['01'], description: 'Tự tay nặn và vẽ gốm tại xưởng của nghệ nhân.' },
];

const VARIANTS = ['', ' đặc biệt', ' thượng hạng', ' loại 1', ' hữu cơ', ' truyền thống', ' cao cấp', ' quà biếu'];
const PROVINCE_EXTRA_WEIGHT: Record<string, number> = { '66': 8, '68': 6, '01': 6, '08': 4, '52': 4, '91': 3, '14': 3, '19': 3, '82': 3, '96': 2 };
const SLOTS = 8;


function taxCode(n: number): string {
  for (let k = n; ; k++) {
    const first9 = `01${String(k).padStart(7, '0')}`;
    const check = taxCodeCheckDigit(first9);
    if (check !== null) return `${first9}${check}`;
  }
}

export async function seedCatalogDataset(db: Queryable, opts: DatasetOptions): Promise<{ cooperatives: number; products: number }> {
  const rand = seededRandom(opts.seed ?? 20251127);
  const regions = new RegionsService();
  const provinces = regions.listProvinces();
  const weighted = provinces.flatMap((p) => Array.from({ length: 3 + (PROVINCE_EXTRA_WEIGHT[p.code] ?? 0) }, () => p));
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];

  const coops = Array.from({ length: opts.cooperatives }, (_, i) => {
    const province = pick(weighted);
    const commune = pick(regions.communesOf(province.code) ?? []);
    const local = TEMPLATES.map((t, idx) => ({ t, idx })).filter((x) => x.t.provinces.includes(province.code));
    const slots = Array.from({ length: SLOTS }, () => (local.length && rand() < 0.6 ? pick(local).idx : Math.floor(rand() * TEMPLATES.length)));
    const theme = TEMPLATES[slots[0]].theme;
    const kind = i % 10 < 6 ? 'cooperative' : i % 10 === 6 ? 'cooperative_group' : i % 10 === 7 ? 'enterprise' : 'household';
    const prefix = { cooperative: 'Hợp tác xã', cooperative_group: 'Tổ hợp tác', enterprise: 'Công ty TNHH', household: 'Hộ kinh doanh' }[kind];
    const name = `${prefix} ${theme} ${commune.name}`;
    return {
      name,
      kind,
      taxCode: taxCode(1000 + i * 7),
      provinceCode: province.code,
      communeCode: commune.code,
      brand: commune.name,
      slots,
      extra: buildSearchExtra(name, provinceSearchNames(province), ''),
      accountName: (bankAccountName(name) as { value: string }).value,
    };
  });

  const inserted = (await db.query(
    `INSERT INTO cooperatives (name, kind, tax_code, province_code, commune_code, address, bank_bin, bank_account_number, bank_account_name, created_at, updated_at)
     SELECT c.name, c.kind, c.tax, c.province, c.commune, 'Thôn ' || c.ord, '970436', lpad((1000000000 + c.ord)::text, 10, '0'), c.account,
            $7::timestamptz - c.ord * interval '1 hour', $7::timestamptz - c.ord * interval '1 hour'
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS c(name, kind, tax, province, commune, account, ord)
     ORDER BY c.ord
     RETURNING id`,
    [
      coops.map((c) => c.name),
      coops.map((c) => c.kind),
      coops.map((c) => c.taxCode),
      coops.map((c) => c.provinceCode),
      coops.map((c) => c.communeCode),
      coops.map((c) => c.accountName),
      `${opts.today}T00:00:00+07:00`,
    ],
  )) as { rows?: Array<{ id: string }> } | Array<{ id: string }>;
  const coopIds = (Array.isArray(inserted) ? inserted : inserted.rows ?? []).map((r) => r.id);
  if (coopIds.length !== coops.length) throw new Error('cooperatives not inserted');

  await db.query(
    `WITH c AS (
       SELECT ord::int - 1 AS idx, id, province_code, extra, brand
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS c(id, province_code, extra, brand, ord)),
     t AS (
       SELECT ord::int - 1 AS idx, name, grp, unit, price, descr, descr_folded
       FROM unnest($5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[]) WITH ORDINALITY AS t(name, grp, unit, price, descr, descr_folded, ord)),
     g AS (
       SELECT g,
              hashint4(g) & 2147483647 AS h1,
              hashint4(g + 1000003) & 2147483647 AS h2,
              hashint4(g + 2000003) & 2147483647 AS h3,
              hashint4(g + 3000017) & 2147483647 AS h4
       FROM generate_series(1, $11::int) g),
     r AS (
       SELECT g.*, c.id AS coop_id, c.province_code, c.extra, c.brand,
              t.name AS tname, t.grp, t.unit, t.price, t.descr, t.descr_folded,
              CASE WHEN g.h3 % 10 < 5 THEN 3 WHEN g.h3 % 10 < 9 THEN 4 ELSE 5 END AS stars,
              ($14::date - (g.h1 % 1200)::int) AS certified
       FROM g
       JOIN c ON c.idx = g.h1 % $12::int
       JOIN t ON t.idx = ($13::int[])[c.idx * ${SLOTS} + (g.h2 % ${SLOTS})::int + 1])
     INSERT INTO products (cooperative_id, name, description, sku, price_vnd, unit, stock_qty, images,
                           ocop_group, ocop_stars, ocop_level, ocop_certificate_no, ocop_decision_no,
                           ocop_certified_at, ocop_expires_at, province_code, status, search_extra,
                           created_at, updated_at, archived_at)
     SELECT r.coop_id,
            r.tname || ($15::text[])[1 + (r.h4 % ${VARIANTS.length})::int] || ' ' || r.brand,
            r.descr || CASE WHEN r.h1 % 3 = 0 THEN ' Đạt chuẩn OCOP ' || r.stars || ' sao.' ELSE '' END,
            'P' || lpad(r.g::text, 7, '0'),
            greatest(1000, round(r.price * (80 + r.h4 % 41) / 100000.0) * 1000)::bigint,
            r.unit,
            (r.h2 / 7) % 300,
            jsonb_build_array('https://cdn.example.vn/ocop/' || r.g || '.jpg'),
            r.grp, r.stars, CASE WHEN r.stars = 5 THEN 'national' ELSE 'provincial' END,
            'GCN-' || r.g, (r.g % 9000 + 100) || '/QĐ-UBND',
            r.certified, (r.certified + interval '36 months')::date,
            r.province_code,
            CASE WHEN r.h4 % 50 = 0 THEN 'archived' ELSE 'active' END,
            r.extra || ' ' || r.descr_folded || CASE WHEN r.h1 % 3 = 0 THEN ' dat chuan ocop ' || r.stars || ' sao.' ELSE '' END,
            $16::timestamptz - (r.h2 % 63072000) * interval '1 second' - (r.h3 % 1000000) * interval '1 microsecond',
            $16::timestamptz - (r.h2 % 63072000) * interval '1 second',
            CASE WHEN r.h4 % 50 = 0 THEN $16::timestamptz ELSE NULL END
     FROM r`,
    [
      coopIds,
      coops.map((c) => c.provinceCode),
      coops.map((c) => c.extra),
      coops.map((c) => c.brand),
      TEMPLATES.map((t) => t.name),
      TEMPLATES.map((t) => t.group),
      TEMPLATES.map((t) => t.unit),
      TEMPLATES.map((t) => t.price),
      TEMPLATES.map((t) => t.description),
      TEMPLATES.map((t) => foldVietnamese(t.description)),
      opts.products,
      coops.length,
      coops.flatMap((c) => c.slots),
      opts.today,
      VARIANTS,
      `${opts.today}T00:00:00+07:00`,
    ],
  );
  return { cooperatives: coops.length, products: opts.products };
}
