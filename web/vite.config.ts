// Builds the dashboard into dist/web (served by `baton replay`); relative asset URLs, nothing loaded from elsewhere.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // MapLibre and deck.gl are large; one chunk each is fine for a page served from this machine.
    chunkSizeWarningLimit: 3000,
    reportCompressedSize: false,
    // BATON_WEB_MINIFY=0 keeps function names readable in a browser profile.
    minify: process.env.BATON_WEB_MINIFY !== '0',
  },
  // `npx vite web` against a running `baton replay --port 8421 --no-open`, for work on the page itself.
  server: { proxy: { '/api': 'http://127.0.0.1:8421' } },
});
