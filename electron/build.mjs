// Bundles the Electron main process and the preload with esbuild:
//   electron/main.ts    -> dist-electron/main.cjs
//   electron/preload.ts -> dist-electron/preload.cjs
// CommonJS because a sandboxed preload cannot be an ES module, and one format for both keeps
// `__dirname` meaning the same in each. `node electron/build.mjs --outdir DIR` writes elsewhere
// (tests build into a temporary folder).
import { build } from 'esbuild';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--outdir');
const outdir = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'dist-electron');

// Electron 45 runs Node 22 in the main process; the preload runs in Chromium's sandbox with
// only `require('electron')` (and a few polyfilled modules) available.
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
};

/** Layering (STYLE.md §1): the main process imports shared/ and packages, never renderer/ or cli/. */
function checkInputs(name, metafile) {
  const wrong = Object.keys(metafile.inputs).filter((f) => /^(renderer|cli)\//.test(f));
  if (wrong.length) throw new Error(`${name} bundles ${wrong.join(', ')}: electron/ may import only shared/ and packages`);
}

/** The sandboxed preload can require only 'electron': any other import would fail at run time. */
function checkPreloadImports(metafile) {
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const other = output.imports.filter((i) => i.external && i.path !== 'electron').map((i) => i.path);
    if (other.length) throw new Error(`${file} requires ${other.join(', ')}; a sandboxed preload may require only 'electron'`);
  }
}

const [main, preload] = await Promise.all([
  build({ ...common, entryPoints: [join(root, 'electron/main.ts')], outfile: join(outdir, 'main.cjs') }),
  build({ ...common, entryPoints: [join(root, 'electron/preload.ts')], outfile: join(outdir, 'preload.cjs') }),
]);
checkInputs('main.cjs', main.metafile);
checkInputs('preload.cjs', preload.metafile);
checkPreloadImports(preload.metafile);

for (const [file, output] of Object.entries({ ...main.metafile.outputs, ...preload.metafile.outputs })) {
  if (file.endsWith('.cjs')) console.log(`${relative(process.cwd(), resolve(root, file))}  ${(output.bytes / 1024).toFixed(1)} KiB`);
}
