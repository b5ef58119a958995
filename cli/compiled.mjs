// The compiled `mlsurgeon` (dist-cli/, written by scripts/build-cli.mjs) and how to load it fast.
// Most of a call's cost beyond Node's start-up is V8 parsing the bundle (the schema tables alone
// are ~200 KB of object literals). Node 20 has no compile cache for ES modules, so the bundle is
// CommonJS and is loaded through vm.Script with V8's code cache, written at build time.
// dist-cli/manifest.json names the program and its cache (both named by a hash of the program, so
// a reader never pairs one build's program with another's cache), the build's start time and the
// sources that went in; it is written last, so whoever reads it finds both files complete.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

// The same wrapper Node puts around a CommonJS module.
const HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const TAIL = '\n})';

/**
 * @typedef {{ program: string, cache: string, builtAt: number, inputs: string[] }} Manifest
 * `program` and `cache` are file names in dist-cli/; `inputs` are paths from the repository root;
 * `builtAt` is when the build started (ms since the epoch): a source changed after it is newer.
 */

/** @returns {Manifest | undefined} */
export function readManifest(dir) {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    if (typeof m.program !== 'string' || typeof m.cache !== 'string' || typeof m.builtAt !== 'number') return undefined;
    if (!Array.isArray(m.inputs) || m.inputs.length === 0) return undefined;
    return m;
  } catch {
    return undefined;
  }
}

/** True when every source listed in the manifest exists and none changed since the build began. */
export function isCurrent(root, manifest) {
  try {
    return manifest.inputs.every((f) => statSync(join(root, f)).mtimeMs <= manifest.builtAt);
  } catch {
    return false; // a listed source is gone: the build is out of date
  }
}

/** Compiles the program, with its code cache when there is one that V8 accepts. */
export function compileProgram(file, cachedData) {
  return new Script(HEAD + readFileSync(file, 'utf8') + TAIL, { filename: file, ...(cachedData ? { cachedData } : {}) });
}

/** Runs the program's top level, as `require` would, and returns its exports. */
export function evaluateProgram(script, file) {
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

/** Writes V8's code cache for a compiled (and evaluated) program, replacing any older one whole. */
export function writeCodeCache(script, cacheFile) {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, script.createCachedData());
  renameSync(tmp, cacheFile);
}

/**
 * Loads the compiled CLI named by the manifest and returns its `main`. A cache that V8 rejects
 * (another Node version than the one that built it) is rewritten for next time when the folder
 * is writable; the program runs either way.
 */
export function loadCompiled(dir, manifest) {
  const file = join(dir, manifest.program);
  const cacheFile = join(dir, manifest.cache);
  let cachedData;
  try { cachedData = readFileSync(cacheFile); } catch { cachedData = undefined; }
  const script = compileProgram(file, cachedData);
  const exports = evaluateProgram(script, file);
  if (!cachedData || script.cachedDataRejected) {
    try { writeCodeCache(script, cacheFile); } catch { /* read-only install: run without a cache */ }
  }
  return exports.main;
}
