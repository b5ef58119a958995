// Vite builds the renderer for both hosts: the Electron window loads dist/index.html from
// file:// (hence the relative base), and `npm run web` serves the same app in a browser.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const rendererDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(rendererDir, '..');

export default defineConfig({
  root: rendererDir,
  base: './',
  plugins: [react()],
  // The renderer imports ../shared; the dev server must be allowed to serve it.
  server: { fs: { allow: [repoRoot] }, host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  build: {
    outDir: resolve(repoRoot, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 4000,
  },
});
