import sharp from 'sharp';
import { artFor, DEMO_PICTURE_SIZE, renderDemoPicture } from './demo-pictures.js';
import { inspectUpload } from './image-processing.js';

describe('demo pictures', () => {
  it.each([
    ['Cà phê Robusta rang xay Ea Kao', 'food', 'pouch'],
    ['Trà xanh túi lọc Hoàng Bình', 'beverages', 'pouch'], // "Bình" in a place name is no vase
    ['Nước mắm Phú Quốc 40 độ đạm', 'food', 'bottle'],
    ['Mật ong hoa cà phê Đắk Lắk', 'food', 'bottle'],
    ['Dầu tràm Phú Quốc', 'herbal', 'jar'],
    ['Bình gốm men lam vẽ tay', 'handicrafts', 'vase'],
    ['Đĩa sứ men hoa biển', 'handicrafts', 'vase'],
    ['Thổ cẩm Dao đỏ thêu tay', 'handicrafts', 'cloth'],
    ['Giỏ mây đan tay', 'handicrafts', 'basket'],
    ['Lan hồ điệp Đà Lạt chậu 3 cành', 'ornamental', 'plant'],
    ['Tour dệt thổ cẩm Mai Châu nửa ngày', 'community_tourism', 'landscape'],
  ] as const)('%s (%s) is drawn as a %s', (name, group, art) => {
    expect(artFor({ name, group })).toBe(art);
  });

  it('renders a JPEG the upload checks accept, the same each time', async () => {
    const input = { name: 'Nước mắm Phú Quốc 40 độ đạm', group: 'food', stars: 5 } as const;
    const a = await renderDemoPicture(input);
    const meta = await sharp(a).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', DEMO_PICTURE_SIZE.width, DEMO_PICTURE_SIZE.height]);
    expect((await inspectUpload(a, { maxPixels: 50_000_000 })).type).toBe('jpeg');
    expect((await renderDemoPicture(input)).equals(a)).toBe(true);
  });
});
