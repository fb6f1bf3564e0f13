import QRCode from 'qrcode';
import { encodeVietQr } from '../payments/vietqr/vietqr.js';
import { type QrCard, qrCardsPdf, qrRuns } from './qr-cards.pdf.js';

const payload = encodeVietQr({ bankBin: '970436', accountNumber: '1023456789' });

function pdfBuffer(doc: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => ok(Buffer.concat(chunks)));
    doc.on('error', fail);
  });
}

const card = (code: string): QrCard => ({
  marketName: 'Chợ 4.0 Trung tâm Buôn Ma Thuột',
  code,
  vendorName: 'Nguyễn Thị Hoa',
  categoryLabel: 'Rau củ quả tươi',
  bankName: 'Vietcombank',
  accountNumber: '1023456789',
  accountName: 'NGUYEN THI HOA',
  qrPayload: payload,
});

describe('qrRuns', () => {
  it('covers exactly the dark modules of the QR (error correction M)', () => {
    const { size, runs } = qrRuns(payload);
    const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    expect(size).toBe(qr.modules.size);
    const drawn = new Uint8Array(size * size);
    for (const [r, c, len] of runs) for (let i = 0; i < len; i++) drawn[r * size + c + i] += 1;
    expect(Array.from(drawn)).toEqual(Array.from(qr.modules.data, (v) => (v ? 1 : 0)));
  });
});

describe('qrCardsPdf', () => {
  const pages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;

  it.each([
    [1, 1],
    [4, 1],
    [5, 2],
    [9, 3],
  ])('%d cards → %d A4 pages', async (n, expected) => {
    const pdf = await pdfBuffer(qrCardsPdf(Array.from({ length: n }, (_, i) => card(`A-${i + 1}`)), { title: 'Thẻ QR', createdAt: new Date('2026-03-01T00:00:00Z'), empty: '-' }));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pages(pdf)).toBe(expected);
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
  });

  it('embeds DejaVu Sans subsets (Vietnamese glyphs) and is reproducible for a given creation date', async () => {
    const make = () => pdfBuffer(qrCardsPdf([card('A-01')], { title: 'Thẻ QR', createdAt: new Date('2026-03-01T00:00:00Z'), empty: '-' }));
    const [a, b] = [await make(), await make()];
    expect(a.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold/);
    expect(a.toString('latin1')).toMatch(/\/FontFile2/);
    expect(a.length).toBe(b.length);
  });

  it('prints a message page when there is no card', async () => {
    const pdf = await pdfBuffer(qrCardsPdf([], { title: 'Thẻ QR', createdAt: new Date(), empty: 'Chưa có quầy nào có mã QR.' }));
    expect(pages(pdf)).toBe(1);
  });
});
