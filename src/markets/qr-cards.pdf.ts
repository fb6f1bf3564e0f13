/**
 * Printable stall QR cards: A4 portrait sheets, each cut into four A6 cards (105 × 148 mm, the size
 * of a table-top QR stand), along dashed lines. Built with pdfkit; text in DejaVu Sans (npm
 * `dejavu-fonts-ttf`), which has every Vietnamese glyph, embedded as a subset so the PDF prints the
 * same everywhere. The QR code is drawn as vector squares (sharp at any printer resolution) with the
 * 4-module quiet zone ISO/IEC 18004 requires and error correction M, like the PNG/SVG endpoints.
 *
 * Each card: market name, stall code, vendor, category, the static VietQR, the bank's short name,
 * the account number and the account holder.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

export interface QrCard {
  marketName: string;
  code: string;
  vendorName: string;
  categoryLabel: string;
  bankName: string;
  accountNumber: string;
  accountName: string;
  qrPayload: string;
}

const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** The font files, read once per process. */
function loadFonts(): { regular: Buffer; bold: Buffer } {
  fonts ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fonts;
}

export const PT_PER_MM = 72 / 25.4;
const A4 = { w: 595.28, h: 841.89 };
const CARD = { w: A4.w / 2, h: A4.h / 2 }; // A6
const PAD = 8 * PT_PER_MM;
const TOP = 12 * PT_PER_MM;
const QR_SIZE = 72 * PT_PER_MM; // ≈ 204 pt, quiet zone included
const QR_QUIET_ZONE = 4;

/** Dark modules of the QR as horizontal runs per row: [row, firstColumn, length]. */
export function qrRuns(payload: string): { size: number; runs: Array<[number, number, number]> } {
  const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const data = qr.modules.data;
  const runs: Array<[number, number, number]> = [];
  for (let r = 0; r < size; r++) {
    let c = 0;
    while (c < size) {
      if (!data[r * size + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && data[r * size + c]) c++;
      runs.push([r, start, c - start]);
    }
  }
  return { size, runs };
}

function drawQr(doc: PDFKit.PDFDocument, payload: string, x: number, y: number, side: number): void {
  const { size, runs } = qrRuns(payload);
  const m = side / (size + 2 * QR_QUIET_ZONE);
  doc.save();
  doc.translate(x + QR_QUIET_ZONE * m, y + QR_QUIET_ZONE * m);
  // A sliver of overlap between rows hides hairline seams some viewers draw between adjacent squares.
  const overlap = m * 0.04;
  for (const [r, c, len] of runs) doc.rect(c * m, r * m, len * m, r === size - 1 ? m : m + overlap);
  doc.fill('#000000');
  doc.restore();
}

/** Shrinks the font until `text` fits in one line of `width`, down to `min` points, then lets it wrap. */
function fitted(doc: PDFKit.PDFDocument, text: string, width: number, size: number, min: number): number {
  let s = size;
  doc.fontSize(s);
  while (s > min && doc.widthOfString(text) > width) {
    s -= 0.5;
    doc.fontSize(s);
  }
  return s;
}

function drawCard(doc: PDFKit.PDFDocument, card: QrCard, x0: number, y0: number): void {
  const w = CARD.w - 2 * PAD;
  const x = x0 + PAD;
  let y = y0 + TOP;
  const line = (text: string, font: 'regular' | 'bold', size: number, color: string, opts: { min?: number; gap?: number; maxLines?: number } = {}) => {
    doc.font(font).fillColor(color);
    fitted(doc, text, w, size, opts.min ?? size);
    const height = Math.min(doc.heightOfString(text, { width: w, align: 'center' }), doc.currentLineHeight(true) * (opts.maxLines ?? 2));
    doc.text(text, x, y, { width: w, align: 'center', height, ellipsis: true, lineBreak: true });
    y += height + (opts.gap ?? 0);
  };

  line(card.marketName, 'regular', 10, '#555555', { min: 8, gap: 4 });
  line(`Quầy ${card.code}`, 'bold', 26, '#000000', { min: 14, gap: 2, maxLines: 1 });
  line(card.vendorName, 'bold', 14, '#000000', { min: 10, gap: 1 });
  line(card.categoryLabel, 'regular', 9, '#555555', { gap: 4 });

  const qrX = x0 + (CARD.w - QR_SIZE) / 2;
  drawQr(doc, card.qrPayload, qrX, y, QR_SIZE);
  y += QR_SIZE + 2;

  line('Quét mã VietQR bằng ứng dụng ngân hàng để chuyển khoản', 'regular', 8, '#333333', { min: 6.5, gap: 5 });
  line(`${card.bankName} · ${card.accountNumber}`, 'bold', 13, '#000000', { min: 9, gap: 1, maxLines: 1 });
  line(card.accountName, 'regular', 10, '#000000', { min: 7.5 });
}

function drawCutLines(doc: PDFKit.PDFDocument): void {
  doc.save();
  doc.lineWidth(0.5).strokeColor('#999999').dash(4, { space: 3 });
  doc.moveTo(CARD.w, 0).lineTo(CARD.w, A4.h).stroke();
  doc.moveTo(0, CARD.h).lineTo(A4.w, CARD.h).stroke();
  doc.undash();
  doc.restore();
}

/**
 * A4 pages of four A6 cards each, as a PDF stream (call `.pipe(res)`). `empty` is printed on a
 * single page when there is no card.
 */
export function qrCardsPdf(cards: QrCard[], meta: { title: string; createdAt: Date; empty: string }): PDFKit.PDFDocument {
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    lang: 'vi-VN',
    displayTitle: true,
    info: { Title: meta.title, Author: 'ocop-market', Creator: 'ocop-market', CreationDate: meta.createdAt },
  });
  doc.registerFont('regular', regular);
  doc.registerFont('bold', bold);
  if (!cards.length) {
    doc.addPage();
    doc.font('regular').fontSize(14).fillColor('#000000').text(meta.empty, 60, 80, { width: A4.w - 120 });
    doc.end();
    return doc;
  }
  cards.forEach((card, i) => {
    const slot = i % 4;
    if (slot === 0) {
      doc.addPage();
      drawCutLines(doc);
    }
    drawCard(doc, card, (slot % 2) * CARD.w, Math.floor(slot / 2) * CARD.h);
  });
  doc.end();
  return doc;
}
