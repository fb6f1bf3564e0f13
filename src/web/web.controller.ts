import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../auth/decorators.js';
import { PAGE_HEADERS } from '../common/security-headers.js';
import { ASSET_NAME, type WebPage, webDistDir } from './web-bundle.js';

const NOT_BUILT =
  '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Chưa build trang web</title>' +
  '<p>Trang web chưa được build. Chạy <code>npm run build</code> (hoặc <code>npm start</code>, lệnh này build trước khi chạy).</p>' +
  '<p lang="en">The web pages are not built: run <code>npm run build</code>.</p></html>';

/**
 * The web pages (SPEC "Web pages"): HTML shells and the bundled assets of the Vite build in
 * dist/web. Every page talks to the public JSON API from the browser; the server renders nothing
 * but the shell, so no data reaches the HTML and nothing here needs escaping.
 *
 * Routes: `/` (catalog), `/p/:id` (product), `/cart` (cart and checkout), `/order/:id` (order and
 * VietQR payment; the buyer's token travels in the URL fragment, never to the server),
 * `/manage/markets/:id` (market office), `/seller/…` (seller center), `/assets/:file`, `/favicon.svg`.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  private readonly dir = webDistDir();

  @Get()
  home(@Res() res: FastifyReply): Promise<void> {
    return this.page(res, 'shop');
  }

  @Get('p/:id')
  product(@Res() res: FastifyReply): Promise<void> {
    return this.page(res, 'shop');
  }

  @Get('cart')
  cart(@Res() res: FastifyReply): Promise<void> {
    return this.page(res, 'shop');
  }

  @Get('order/:id')
  order(@Res() res: FastifyReply): Promise<void> {
    return this.page(res, 'shop');
  }

  @Get('manage/markets/:id')
  dashboard(@Res() res: FastifyReply): Promise<void> {
    return this.page(res, 'manage');
  }

  /** The seller center: one shell for its pages (products, orders, money, bank feeds). */
  @Get(['seller', 'seller/:section', 'seller/:section/:id'])
  seller(@Res() res: FastifyReply): Promise<void> {
    return this.page(res, 'seller');
  }

  /** Content-hashed bundles: cached for a year, never revalidated. */
  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: FastifyReply): Promise<void> {
    return this.file(res, join('assets', file), file, { maxAge: 365 * 24 * 3600 * 1000, immutable: true });
  }

  @Get('favicon.svg')
  favicon(@Res() res: FastifyReply): Promise<void> {
    return this.file(res, 'favicon.svg', 'favicon.svg', { maxAge: 24 * 3600 * 1000 });
  }

  private async page(res: FastifyReply, name: WebPage): Promise<void> {
    const file = `${name}.html`;
    // A document: helmet's full policy (API answers carry the short set, app.factory.ts).
    void res.headers(PAGE_HEADERS);
    if (!existsSync(join(this.dir, file))) {
      await res.status(503).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(NOT_BUILT);
      return;
    }
    // The shell names the current hashed bundles: revalidate it (ETag) on every visit.
    await res.header('Cache-Control', 'no-cache').sendFile(file, this.dir, { cacheControl: false });
  }

  private async file(res: FastifyReply, path: string, name: string, opts: { maxAge: number; immutable?: boolean }): Promise<void> {
    if (!ASSET_NAME.test(name) || !existsSync(join(this.dir, path))) {
      await res.status(404).send({ statusCode: 404, error: 'Not Found', message: 'No such file' });
      return;
    }
    await res.sendFile(path, this.dir, { dotfiles: 'deny', ...opts });
  }
}
