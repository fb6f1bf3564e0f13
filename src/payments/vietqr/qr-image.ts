/**
 * QR images of payment payloads (order VietQR, stall VietQR, /vietqr/qr.png): rendering, a small
 * in-memory LRU cache, and the HTTP conditional-GET helper the order, stall and VietQR controllers
 * share.
 *
 * Rendering: `qrcode` with error correction level M (15 % of codewords recoverable: survives a
 * scuffed print or a phone screen with glare, yet keeps a 100–200 character VietQR at a low QR
 * version), a quiet zone of 4 modules (the minimum ISO/IEC 18004 asks for, and what banking apps
 * need to find the code on a busy page), PNG at 8 pixels per module by default.
 *
 * Caching: the same payload is rendered many times (an order page polls, a stall card is printed
 * again and again). Renders are kept in a bounded LRU (`QR_CACHE_MAX_ENTRIES`), keyed by the ETag,
 * which is a SHA-256 of the payload, the format, the render options and `QR_RENDER_VERSION`; bump
 * that constant whenever the rendering changes so clients and caches stop reusing old images.
 * Concurrent requests for the same image share one render (the promise is cached).
 */
import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import { InvalidInput } from '../../common/errors.js';

export type QrFormat = 'png' | 'svg';

export interface QrRenderOptions {
  /** PNG only: pixels per module, 1–16 (default 8). */
  scale?: number;
}

/** Bumped whenever the rendering (library, options, colours) changes: it is part of the ETag. */
export const QR_RENDER_VERSION = 'qrcode-1.5/ecM/margin4/v1';
export const QR_ERROR_CORRECTION = 'M';
export const QR_MARGIN_MODULES = 4;
export const QR_DEFAULT_SCALE = 8;
export const QR_MAX_SCALE = 16;
export const QR_CACHE_MAX_ENTRIES = 500;
/** Browsers and proxies may reuse an image for 5 minutes; `private`: payment QR codes are per buyer. */
export const QR_CACHE_CONTROL = 'private, max-age=300';

export const QR_CONTENT_TYPE: Record<QrFormat, string> = {
  png: 'image/png',
  svg: 'image/svg+xml; charset=utf-8',
};

/** A tiny LRU: a Map keeps insertion order, so re-inserting on read makes the first key the oldest. */
class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly maxEntries: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}

/** True when an If-None-Match header value matches `etag` (weak comparison, RFC 9110 §13.1.2). */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((candidate) => candidate.trim() === '*' || opaque(candidate) === wanted);
}

@Injectable()
export class QrImageService {
  private readonly cache = new LruCache<Promise<Buffer | string>>(QR_CACHE_MAX_ENTRIES);

  /** PNG of `payload` (error correction M, 4-module quiet zone, `scale` px per module, default 8). */
  async png(payload: string, opts: QrRenderOptions = {}): Promise<Buffer> {
    const scale = this.scaleOf(opts);
    return this.cached(payload, 'png', { scale }, () =>
      QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN_MODULES, scale }),
    ) as Promise<Buffer>;
  }

  /** SVG of `payload` (error correction M, 4-module quiet zone; scales without loss, for print). */
  async svg(payload: string): Promise<string> {
    return this.cached(payload, 'svg', {}, () =>
      QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN_MODULES }),
    ) as Promise<string>;
  }

  /** Strong ETag of the image of `payload` in `format`: SHA-256 of payload, format, options and renderer version. */
  etag(payload: string, format: QrFormat = 'png', opts: QrRenderOptions = {}): string {
    const scale = format === 'png' ? this.scaleOf(opts) : 0;
    const digest = createHash('sha256')
      .update(QR_RENDER_VERSION)
      .update('\u0000')
      .update(format)
      .update('\u0000')
      .update(String(scale))
      .update('\u0000')
      .update(payload, 'utf8')
      .digest('base64url');
    return `"${digest}"`;
  }

  /** Renders (or reuses) the image. */
  render(payload: string, format: QrFormat, opts: QrRenderOptions = {}): Promise<Buffer | string> {
    return format === 'png' ? this.png(payload, opts) : this.svg(payload);
  }

  /**
   * Answers an HTTP request with the QR image of `payload`: `Content-Type`, a strong `ETag`,
   * `Cache-Control: private, max-age=300`, and `304 Not Modified` (no body, no render) when
   * `If-None-Match` matches. The caller vouches for `payload` (it is rendered as given).
   *
   * Use from a controller with `@Req() req` and `@Res() res` (not passthrough) and return the
   * promise: `return this.qr.sendQr(res, req, order.payment.qrPayload, 'png');`.
   * A payload the QR format cannot hold raises InvalidInput on `payload` (400).
   */
  async sendQr(res: FastifyReply, req: FastifyRequest, payload: string, format: QrFormat, opts: QrRenderOptions = {}): Promise<void> {
    const etag = this.etag(payload, format, opts);
    if (ifNoneMatchMatches(req.headers['if-none-match'], etag)) {
      await res.status(304).headers({ ETag: etag, 'Cache-Control': QR_CACHE_CONTROL }).send();
      return;
    }
    // Rendered before any header is set: a payload that cannot be drawn answers JSON 400.
    const image = await this.render(payload, format, opts);
    const body = typeof image === 'string' ? Buffer.from(image, 'utf8') : image;
    await res.status(200).headers({ ETag: etag, 'Cache-Control': QR_CACHE_CONTROL, 'Content-Type': QR_CONTENT_TYPE[format] }).send(body);
  }

  /** Number of cached renders (for tests and metrics). */
  get cacheSize(): number {
    return this.cache.size;
  }

  private scaleOf(opts: QrRenderOptions): number {
    const scale = opts.scale ?? QR_DEFAULT_SCALE;
    if (!Number.isInteger(scale) || scale < 1 || scale > QR_MAX_SCALE) {
      throw InvalidInput.field('scale', `must be a whole number of pixels per module from 1 to ${QR_MAX_SCALE}`);
    }
    return scale;
  }

  private cached(
    payload: string,
    format: QrFormat,
    opts: QrRenderOptions,
    render: () => Promise<Buffer | string>,
  ): Promise<Buffer | string> {
    if (typeof payload !== 'string' || payload.length === 0) {
      return Promise.reject(InvalidInput.field('payload', 'must be a non-empty string'));
    }
    const key = this.etag(payload, format, opts);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const pending = render().catch((error: unknown) => {
      this.cache.delete(key);
      // qrcode throws plain Errors, e.g. "The amount of data is too big to be stored in a QR Code".
      throw InvalidInput.field('payload', `cannot be drawn as a QR code: ${(error as Error)?.message ?? String(error)}`);
    });
    this.cache.set(key, pending);
    return pending;
  }
}
