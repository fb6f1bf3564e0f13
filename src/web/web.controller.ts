import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../auth/decorators.js';
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
 * `/manage/markets/:id` (market dashboard), `/assets/:file`, `/favicon.svg`.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  private readonly dir = webDistDir();

  @Get()
  home(@Res() res: Response): void {
    this.page(res, 'shop');
  }

  @Get('p/:id')
  product(@Res() res: Response): void {
    this.page(res, 'shop');
  }

  @Get('cart')
  cart(@Res() res: Response): void {
    this.page(res, 'shop');
  }

  @Get('order/:id')
  order(@Res() res: Response): void {
    this.page(res, 'shop');
  }

  @Get('manage/markets/:id')
  dashboard(@Res() res: Response): void {
    this.page(res, 'manage');
  }

  /** Content-hashed bundles: cached for a year, never revalidated. */
  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    this.file(res, join('assets', file), file, { maxAge: '365d', immutable: true });
  }

  @Get('favicon.svg')
  favicon(@Res() res: Response): void {
    this.file(res, 'favicon.svg', 'favicon.svg', { maxAge: '1d' });
  }

  private page(res: Response, name: WebPage): void {
    const file = `${name}.html`;
    if (!existsSync(join(this.dir, file))) {
      res.status(503).type('html').set('Cache-Control', 'no-store').send(NOT_BUILT);
      return;
    }
    // The shell names the current hashed bundles: revalidate it (ETag) on every visit.
    res.sendFile(file, { root: this.dir, cacheControl: false, headers: { 'Cache-Control': 'no-cache' } }, (err) => this.failed(res, err));
  }

  private file(res: Response, path: string, name: string, opts: { maxAge: string; immutable?: boolean }): void {
    if (!ASSET_NAME.test(name)) return this.notFound(res);
    res.sendFile(path, { root: this.dir, dotfiles: 'deny', ...opts }, (err) => this.failed(res, err));
  }

  private failed(res: Response, err: unknown): void {
    if (!err || res.headersSent) return;
    this.notFound(res);
  }

  private notFound(res: Response): void {
    res.status(404).json({ statusCode: 404, error: 'Not Found', message: 'No such file' });
  }
}
