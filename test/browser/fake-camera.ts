/**
 * A video file for Chromium's fake camera (`--use-file-for-fake-video-capture`): a QR code printed
 * on a white card, as a phone held over a stall would see it. Y4M (YUV4MPEG2, 4:2:0) is the
 * uncompressed format Chromium reads; a few identical frames, looped by Chromium.
 */
import { writeFileSync } from 'node:fs';
import pngjs from 'pngjs';
import QRCode from 'qrcode';

const { PNG } = pngjs;

export async function qrVideo(path: string, payload: string, opts: { width?: number; height?: number; frames?: number } = {}): Promise<void> {
  const W = opts.width ?? 640;
  const H = opts.height ?? 480;
  const png = PNG.sync.read(await QRCode.toBuffer(payload, { type: 'png', margin: 4, scale: 6, errorCorrectionLevel: 'M' }));
  if (png.width > W || png.height > H) throw new Error(`QR image ${png.width}×${png.height} does not fit a ${W}×${H} frame`);
  // Luma of the frame: white, with the QR centred (the PNG is black on white).
  const y = Buffer.alloc(W * H, 235);
  const x0 = Math.floor((W - png.width) / 2);
  const y0 = Math.floor((H - png.height) / 2);
  for (let r = 0; r < png.height; r++) {
    for (let c = 0; c < png.width; c++) {
      const i = (r * png.width + c) * 4;
      const lum = 0.299 * png.data[i] + 0.587 * png.data[i + 1] + 0.114 * png.data[i + 2];
      y[(y0 + r) * W + x0 + c] = Math.round(16 + (lum * 219) / 255); // BT.601 studio range
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128); // grey: no colour
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: opts.frames ?? 10 }, () => frame)]));
}
