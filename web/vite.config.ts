import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The web pages: three entry pages (storefront, market office, seller center), built into dist/web and served by src/web (WebModule).
 * `npm run build` runs this after tsc; everything the pages load is in the bundle (no CDN, no web
 * fonts), so the pages work on an offline machine.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: here('public'),
  logLevel: 'warn',
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2020',
    reportCompressedSize: false,
    rollupOptions: {
      input: { shop: here('shop.html'), manage: here('manage.html'), seller: here('seller.html') },
    },
  },
});
