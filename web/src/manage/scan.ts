import { api, ApiError } from '../lib/api.js';
import { type Field, field, fill, h } from '../lib/dom.js';
import { FormErrors, type Problem } from '../lib/form-errors.js';
import { money } from '../lib/format.js';
import { compactPhone, VN_PHONE } from '../lib/phone.js';
import { errorText, toast } from '../lib/ui.js';
import type { Office } from './office.js';
import { banks, categorySelect, CODE_HINT, stallCode } from './stalls.js';
import type { Stall } from './types.js';

/** What POST /vietqr/decode reads from a payload (the fields used here). */
interface Decoded {
  initiationMethod: 'static' | 'dynamic';
  guid: string;
  bankBin: string;
  accountNumber: string;
  serviceCode?: string;
  amountVnd?: number;
  merchantName?: string;
}

type Reader = (source: CanvasImageSource & { width?: number; height?: number }) => Promise<string | null>;

/** The Shape Detection API where the browser has it (Chrome on Android and macOS, Safari). */
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<Array<{ rawValue: string }>>;
}
interface BarcodeDetectorClass {
  new (opts: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

const SCAN_EVERY_MS = 200;
/** Frames are scaled down to this width for the bundled decoder: faster, and QR codes stay readable. */
const DECODE_WIDTH = 800;

/**
 * A QR reader: the browser's BarcodeDetector when it reads QR codes, else jsQR (bundled, loaded on
 * first use) on a canvas copy of the frame.
 */
async function qrReader(): Promise<Reader> {
  const BD = (globalThis as unknown as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (BD) {
    try {
      if ((await BD.getSupportedFormats()).includes('qr_code')) {
        const det = new BD({ formats: ['qr_code'] });
        return async (src) => (await det.detect(src))[0]?.rawValue ?? null;
      }
    } catch {
      /* fall back to the bundled decoder */
    }
  }
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  return async (src) => {
    const w0 = src instanceof HTMLVideoElement ? src.videoWidth : Number(src.width);
    const h0 = src instanceof HTMLVideoElement ? src.videoHeight : Number(src.height);
    if (!w0 || !h0) return null;
    const scale = Math.min(1, DECODE_WIDTH / w0);
    canvas.width = Math.round(w0 * scale);
    canvas.height = Math.round(h0 * scale);
    ctx.drawImage(src, 0, 0, canvas.width, canvas.height);
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
  };
}

/**
 * Registering a stall from the VietQR its vendor already displays: the phone's camera (or a photo
 * of the code) is read in the browser, the server decodes and checks the payload, the manager sees
 * the bank and account it holds and confirms them with the stall's code and vendor.
 */
export function scanPanel(o: Office, saved: (s: Stall) => Promise<void>, cancel: () => void): HTMLElement {
  const video = h('video', { id: 'scan-video', muted: true, playsinline: true, 'aria-label': 'Hình từ camera: hướng camera vào mã QR của quầy' });
  const status = h('p', { id: 'scan-status', role: 'status', 'aria-live': 'polite' }, 'Đang mở camera…');
  const photo = h('input', { type: 'file', id: 'scan-photo', accept: 'image/*', capture: 'environment', class: 'file-input' });
  const confirmBox = h('div', { id: 'scan-confirm' });
  const again = h('button', { type: 'button', class: 'btn', hidden: true }, 'Quét lại');
  const camBox = h('div', { class: 'scan-camera' }, video);
  let stream: MediaStream | null = null;
  let timer: number | undefined;
  let stopped = false;

  const stopCamera = () => {
    window.clearTimeout(timer);
    for (const t of stream?.getTracks() ?? []) t.stop();
    stream = null;
    video.srcObject = null;
    camBox.hidden = true;
  };

  const close = () => {
    stopped = true;
    stopCamera();
    cancel();
  };

  const found = async (payload: string) => {
    stopCamera();
    status.textContent = 'Đã đọc được mã, đang kiểm tra…';
    let d: Decoded;
    try {
      d = await api<Decoded>('/vietqr/decode', { method: 'POST', json: { payload } });
    } catch (e) {
      status.textContent = `Mã QR này không phải mã VietQR hợp lệ: ${e instanceof ApiError ? e.details[0]?.problem ?? e.message : errorText(e)}`;
      again.hidden = false;
      again.focus();
      return;
    }
    if (d.guid !== 'A000000727') {
      status.textContent = 'Mã QR này không phải mã chuyển khoản VietQR (NAPAS).';
      again.hidden = false;
      again.focus();
      return;
    }
    status.textContent = 'Đã đọc mã VietQR. Kiểm tra tài khoản rồi điền thông tin quầy.';
    const bankName = await banks().then((list) => list.find((b) => b.bin === d.bankBin)).then((b) => (b ? `${b.shortName} – ${b.name}` : `Mã ngân hàng ${d.bankBin}`), () => `Mã ngân hàng ${d.bankBin}`);
    fill(confirmBox, confirmForm(o, payload, d, bankName, saved, () => {
      confirmBox.replaceChildren();
      void start();
    }));
    confirmBox.querySelector<HTMLElement>('h4')?.focus();
  };

  const start = async () => {
    again.hidden = true;
    confirmBox.replaceChildren();
    const read = await qrReader();
    photo.onchange = async () => {
      const file = photo.files?.[0];
      photo.value = '';
      if (!file) return;
      status.textContent = 'Đang đọc ảnh…';
      try {
        const bmp = await createImageBitmap(file);
        const text = await read(bmp);
        bmp.close();
        if (text) await found(text);
        else status.textContent = 'Không thấy mã QR trong ảnh. Chụp lại gần hơn, đủ sáng, mã nằm trọn trong khung.';
      } catch {
        status.textContent = 'Không mở được ảnh này.';
      }
    };
    if (!navigator.mediaDevices?.getUserMedia) {
      camBox.hidden = true;
      status.textContent = 'Trình duyệt chỉ cho mở camera trên trang https. Hãy dùng nút "Chụp ảnh mã QR" bên dưới.';
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 } }, audio: false });
    } catch (e) {
      camBox.hidden = true;
      status.textContent = (e as Error).name === 'NotAllowedError'
        ? 'Chưa được phép dùng camera. Cho phép trong cài đặt trình duyệt, hoặc dùng nút "Chụp ảnh mã QR".'
        : 'Không mở được camera. Hãy dùng nút "Chụp ảnh mã QR" bên dưới.';
      return;
    }
    if (stopped) return stopCamera();
    camBox.hidden = false;
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    status.textContent = 'Hướng camera vào mã QR dán ở quầy.';
    const tick = async () => {
      if (!stream) return;
      try {
        if (video.readyState >= 2) {
          const text = await read(video);
          if (text) return void (await found(text));
        }
      } catch {
        /* a frame that could not be read: try the next one */
      }
      timer = window.setTimeout(() => void tick(), SCAN_EVERY_MS);
    };
    void tick();
  };

  again.addEventListener('click', () => void start());
  const panel = h('section', { class: 'panel scan-panel', id: 'scan-panel', 'aria-labelledby': 'scan-h' },
    h('h3', { id: 'scan-h', tabindex: -1 }, 'Quét mã VietQR của quầy'),
    h('p', { class: 'hint' }, 'Quầy đã có mã VietQR in sẵn của ngân hàng: quét mã đó, hệ thống lấy đúng ngân hàng và số tài khoản, không phải gõ tay.'),
    camBox,
    status,
    h('div', { class: 'actions' },
      photo,
      h('label', { for: 'scan-photo', class: 'btn' }, 'Chụp ảnh mã QR'),
      again,
      h('button', { type: 'button', class: 'btn', id: 'scan-cancel', onclick: close }, 'Đóng'),
    ),
    confirmBox,
  );
  queueMicrotask(() => {
    panel.querySelector<HTMLElement>('#scan-h')?.focus();
    void start();
  });
  return panel;
}

function confirmForm(o: Office, payload: string, d: Decoded, bankName: string, saved: (s: Stall) => Promise<void>, rescan: () => void): HTMLElement {
  const ctl = {
    code: h('input', { id: 'scan-code', name: 'code', required: true, maxlength: 20, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' }),
    vendorName: h('input', { id: 'scan-vendor', name: 'vendorName', required: true, maxlength: 200, autocomplete: 'off' }),
    vendorPhone: h('input', { id: 'scan-phone', name: 'vendorPhone', type: 'tel', inputmode: 'tel', autocomplete: 'off' }),
    category: categorySelect('scan-category'),
    accountName: h('input', { id: 'scan-holder-name', name: 'accountName', maxlength: 100, autocomplete: 'off', value: d.merchantName ?? '' }),
  };
  const fields: Record<string, Field> = {
    code: field('Mã quầy', ctl.code, CODE_HINT),
    vendorName: field('Tên người bán', ctl.vendorName),
    vendorPhone: field('Điện thoại (không bắt buộc)', ctl.vendorPhone),
    category: field('Ngành hàng', ctl.category),
    accountName: field('Tên chủ tài khoản', ctl.accountName, d.merchantName ? 'Lấy từ mã QR; sửa nếu tên trên mã bị rút gọn.' : 'Mã QR không ghi tên chủ tài khoản: nhập như trên thẻ ngân hàng.'),
  };
  const errors = new FormErrors(fields);
  const form = h('form', { class: 'scan-confirm', id: 'scan-form', novalidate: true, 'aria-labelledby': 'scan-confirm-h' },
    h('h4', { id: 'scan-confirm-h', class: 'h4', tabindex: -1 }, 'Tài khoản đọc được từ mã'),
    h('dl', { class: 'facts', id: 'scan-account-facts' },
      h('dt', null, 'Ngân hàng'), h('dd', { id: 'scan-bank' }, bankName),
      h('dt', null, 'Số tài khoản'), h('dd', { id: 'scan-account', class: 'mono' }, d.accountNumber),
      h('dt', null, 'Tên trên mã'), h('dd', { id: 'scan-holder' }, d.merchantName ?? '(mã không ghi tên)'),
    ),
    d.initiationMethod === 'dynamic' && d.amountVnd ? h('p', { class: 'alert' }, `Mã này kèm sẵn số tiền ${money(d.amountVnd)}: quầy chỉ lấy số tài khoản, khách sẽ tự nhập số tiền.`) : null,
    errors.summary,
    h('div', { class: 'form-grid' }, fields.code.wrap, fields.vendorName.wrap, fields.vendorPhone.wrap, fields.category.wrap, fields.accountName.wrap),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Đúng tài khoản – thêm quầy'),
      h('button', { type: 'button', class: 'btn', onclick: rescan }, 'Không đúng – quét lại'),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const code = stallCode(ctl.code.value);
    const phone = compactPhone(ctl.vendorPhone.value);
    const holder = ctl.accountName.value.trim();
    const problems: Problem[] = [];
    if (!code.ok) problems.push({ field: 'code', msg: code.code ? 'Mã quầy không hợp lệ.' : 'Vui lòng nhập mã quầy.' });
    if (ctl.vendorName.value.trim().length < 2) problems.push({ field: 'vendorName', msg: 'Vui lòng nhập tên người bán (ít nhất 2 ký tự).' });
    if (phone && !VN_PHONE.test(phone)) problems.push({ field: 'vendorPhone', msg: 'Số điện thoại không hợp lệ (ví dụ 0905 123 456).' });
    if (!ctl.category.value) problems.push({ field: 'category', msg: 'Vui lòng chọn ngành hàng.' });
    if (!d.merchantName && holder.length < 2) problems.push({ field: 'accountName', msg: 'Vui lòng nhập tên chủ tài khoản.' });
    if (errors.show(problems)) return;
    try {
      const s = await o.call<Stall>(`/markets/${encodeURIComponent(o.market.id)}/stalls/import-qr`, {
        method: 'POST',
        json: { code: code.code, payload, vendorName: ctl.vendorName.value.trim(), category: ctl.category.value, ...(phone ? { vendorPhone: phone } : {}), ...(holder ? { accountName: holder } : {}) },
      });
      toast(`Đã thêm quầy ${s.code} với tài khoản ${d.accountNumber}.`);
      await saved(s);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) errors.show([{ field: 'code', msg: 'Mã quầy đã có trong chợ, hoặc tài khoản này đã thuộc quầy khác.', detail: err.message }]);
      else errors.fromApi(err);
    }
  });
  return form;
}
