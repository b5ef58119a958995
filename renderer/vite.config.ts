// Vite builds the renderer for both hosts: the Electron window loads dist/index.html from
// file:// (hence the relative base), and `npm run web` serves the same app in a browser.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const rendererDir = dirname(fileURLToPath(import.meta.url));

// Cross-origin isolation (crossOriginIsolated): the executor worker then shares its WebAssembly
// memory with a second worker and runs large convolutions on two threads (shared/executor/
// parallel.ts). Everything the app loads is its own (same origin, blob: and data: URLs), so
// require-corp blocks nothing; a cross-origin resource would need a CORP header.
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const repoRoot = resolve(rendererDir, '..');

export default defineConfig({
  root: rendererDir,
  base: './',
  plugins: [react()],
  // The renderer imports ../shared; the dev server must be allowed to serve it.
  server: { fs: { allow: [repoRoot] }, host: '127.0.0.1', headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  worker: { format: 'es' },
  build: {
    outDir: resolve(repoRoot, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 4000,
  },
});
