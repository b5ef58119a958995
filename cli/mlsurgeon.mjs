#!/usr/bin/env node
// Launcher for the `mlsurgeon` command. It runs the compiled CLI in dist-cli/ (built by
// scripts/build-cli.mjs on `npm install`/`npm ci` and before the tests; see cli/compiled.mjs), so a
// call costs little more than Node's own start-up. When a source listed in the build's manifest
// changed after the build (a developer edited cli/ or shared/), it rebuilds first, a few hundred
// milliseconds once, rather than run stale code. When it cannot build (esbuild absent, a read-only
// install) it runs the TypeScript sources through tsx: slower, never wrong.
// MLSURGEON_TSX=1 always runs the sources through tsx.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCurrent, loadCompiled, readManifest } from './compiled.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist-cli');

async function loadMain() {
  if (process.env.MLSURGEON_TSX !== '1') {
    const manifest = readManifest(dist);
    if (manifest && isCurrent(root, manifest)) return loadCompiled(dist, manifest);
    try {
      const { buildCli } = await import('../scripts/build-cli.mjs');
      await buildCli({ quiet: true });
      const rebuilt = readManifest(dist);
      if (rebuilt) return loadCompiled(dist, rebuilt);
    } catch {
      // Fall through to the sources.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('./main.ts')).main;
}

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
