import { ApiError } from '../lib/api.js';
import { fill, h } from '../lib/dom.js';
import { count } from '../lib/format.js';
import { uploadFile } from '../lib/upload.js';
import { errorText, toast } from '../lib/ui.js';
import { photoImg } from '../shop/product-card.js';
import type { Seller } from './context.js';
import type { Product, SellerPhoto } from './types.js';

const POLL_MS = 1500;
const POLL_LIMIT_MS = 120_000;
const ACCEPT = 'image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif';

const UPLOAD_MESSAGES: Record<string, string> = {
  unsupported_image_type: 'Tệp không phải ảnh JPEG, PNG, WebP hay HEIC.',
  invalid_image: 'Ảnh bị hỏng hoặc kích thước không phù hợp.',
  image_too_large: 'Ảnh quá lớn.',
  too_many_photos: 'Sản phẩm đã đủ số ảnh tối đa: xóa bớt một ảnh trước.',
  product_archived: 'Sản phẩm đã ngừng bán: không thêm ảnh được.',
};

function uploadError(e: unknown): string {
  if (e instanceof ApiError && e.code && UPLOAD_MESSAGES[e.code]) {
    const why = e.details[0]?.problem;
    return `${UPLOAD_MESSAGES[e.code]}${why ? ` (${why})` : ''}`;
  }
  if (e instanceof ApiError && e.status === 413) return 'Ảnh quá lớn.';
  return errorText(e);
}

/**
 * The photos of a saved product (GET /products/:id/images: every status): several uploaded at once
 * from the phone (one request per file, with progress), each shown "processing" until the server
 * has made its sizes, or with the reason it failed; reorder with buttons (the first is the one the
 * shop shows on cards), delete. Every action is a button: usable with the keyboard.
 */
export function photosSection(s: Seller, product: Product): HTMLElement {
  const base = `/products/${encodeURIComponent(product.id)}/images`;
  const list = h('ol', { class: 'photo-list', id: 'photo-list' });
  const empty = h('p', { class: 'muted', id: 'photo-empty' }, 'Chưa có ảnh. Sản phẩm có ảnh bán chạy hơn: hãy thêm vài ảnh rõ nét.');
  const uploads = h('ul', { class: 'upload-list', id: 'upload-list', 'aria-live': 'polite' });
  const picker = h('input', { type: 'file', id: 'photo-files', name: 'file', accept: ACCEPT, multiple: true, class: 'file-input', 'aria-describedby': 'photo-files-hint' });
  const counter = h('span', { class: 'muted' });
  const archived = product.status === 'archived';
  let photos: SellerPhoto[] = [];
  let polling = false;

  const show = (items: SellerPhoto[]) => {
    photos = items;
    render();
  };
  const refresh = async () => show(await s.call<SellerPhoto[]>(base));

  /** Asks again while a photo is being processed (a few seconds each), up to a limit. */
  const pollWhileProcessing = async () => {
    if (polling) return;
    polling = true;
    const until = Date.now() + POLL_LIMIT_MS;
    try {
      while (photos.some((p) => p.status === 'processing') && Date.now() < until) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        await refresh().catch(() => undefined); // a dropped request: ask again
      }
    } finally {
      polling = false;
    }
  };

  const move = async (i: number, by: -1 | 1, focusClass: string) => {
    const order = photos.map((p) => p.id);
    [order[i], order[i + by]] = [order[i + by], order[i]];
    try {
      show(await s.call<SellerPhoto[]>(base, { method: 'PATCH', json: { order } }));
      // Keep the keyboard on the photo that moved.
      const li = list.querySelector<HTMLElement>(`[data-photo-id="${order[i + by]}"]`);
      (li?.querySelector<HTMLButtonElement>(`.${focusClass}:not(:disabled)`) ?? li?.querySelector<HTMLButtonElement>('button:not(:disabled)'))?.focus();
      toast(`Đã chuyển ảnh đến vị trí ${i + by + 1}.`);
    } catch (e) {
      toast(`Không đổi được thứ tự: ${errorText(e)}`);
    }
  };

  const remove = async (photo: SellerPhoto, n: number) => {
    if (!confirm(`Xóa ảnh ${n}?`)) return;
    try {
      await s.call(`${base}/${encodeURIComponent(photo.id)}`, { method: 'DELETE' });
      await refresh();
      toast(`Đã xóa ảnh ${n}.`);
      picker.focus();
    } catch (e) {
      toast(`Không xóa được ảnh: ${errorText(e)}`);
    }
  };

  function picture(photo: SellerPhoto, n: number): HTMLElement {
    if (photo.status === 'ready' && photo.sizes) return photoImg({ id: photo.id, sizes: photo.sizes, width: photo.width ?? undefined, height: photo.height ?? undefined }, `Ảnh ${n} của ${product.name}`, '(max-width: 640px) 45vw, 200px');
    if (photo.status === 'failed') return h('div', { class: 'photo-box photo-failed' }, 'Không xử lý được ảnh này', photo.failureReason ? h('span', { class: 'muted' }, ` (${photo.failureReason})`) : null);
    return h('div', { class: 'photo-box' }, 'Đang xử lý ảnh…');
  }

  function render(): void {
    empty.hidden = photos.length > 0;
    counter.textContent = ` (${count(photos.length)})`;
    fill(list, ...photos.map((photo, i) => {
      const n = i + 1;
      return h('li', { class: `photo photo-${photo.status}`, 'data-photo-id': photo.id, 'data-status': photo.status },
        h('figure', null, picture(photo, n), h('figcaption', null, n === 1 ? 'Ảnh chính' : `Ảnh ${n}`)),
        archived ? null : h('div', { class: 'photo-actions', role: 'group', 'aria-label': `Ảnh ${n}` },
          h('button', { type: 'button', class: 'btn btn-small move-up', disabled: i === 0, onclick: () => void move(i, -1, 'move-up') }, '← Lên trước', h('span', { class: 'sr-only' }, `: ảnh ${n}`)),
          h('button', { type: 'button', class: 'btn btn-small move-down', disabled: i === photos.length - 1, onclick: () => void move(i, 1, 'move-down') }, 'Ra sau →', h('span', { class: 'sr-only' }, `: ảnh ${n}`)),
          h('button', { type: 'button', class: 'btn btn-small btn-danger delete-photo', onclick: () => void remove(photo, n) }, 'Xóa', h('span', { class: 'sr-only' }, ` ảnh ${n}`)),
        ),
      );
    }));
  }

  picker.addEventListener('change', async () => {
    const files = [...(picker.files ?? [])];
    picker.value = '';
    // One request per file, one after the other: a phone's uplink is the bottleneck anyway.
    for (const file of files) {
      const bar = h('progress', { max: 1, value: 0, 'aria-label': `Tải lên ${file.name}` });
      const line = h('span', { class: 'upload-status' }, 'Đang tải lên…');
      uploads.append(h('li', { class: 'upload' }, h('span', { class: 'upload-name' }, file.name), bar, line));
      try {
        await uploadFile<SellerPhoto>(base, file, file.name, s.session.auth(), (f) => (bar.value = f));
        bar.value = 1;
        line.textContent = 'Đã tải lên; ảnh hiện ở trên khi xử lý xong.';
        await refresh();
      } catch (e) {
        bar.remove();
        line.textContent = uploadError(e);
        line.classList.add('field-error');
        if (e instanceof ApiError && e.status === 401) return s.signOut('Khóa không còn hiệu lực, vui lòng đăng nhập lại.');
      }
    }
    await pollWhileProcessing();
  });

  void refresh()
    .then(() => pollWhileProcessing())
    .catch((e) => fill(list, h('li', { class: 'field-error' }, `Không tải được ảnh: ${errorText(e)}`)));
  return h('section', { class: 'panel', id: 'photos', 'aria-labelledby': 'photos-h' },
    h('h2', { id: 'photos-h' }, 'Ảnh sản phẩm', counter),
    empty,
    list,
    archived
      ? null
      : h('div', { class: 'field photo-picker' },
          picker,
          h('label', { for: 'photo-files', class: 'btn' }, '+ Thêm ảnh'),
          h('p', { class: 'hint', id: 'photo-files-hint' }, 'Chọn một hoặc nhiều ảnh (JPEG, PNG, WebP, HEIC từ iPhone). Ảnh được thu nhỏ và xóa thông tin vị trí (GPS) trước khi đăng.'),
        ),
    uploads,
  );
}
