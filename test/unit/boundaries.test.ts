// The layering, checked. Four rules, each shown failing on a fixture in test/fixtures/boundaries:
// 1. Imports go one way: renderer/, electron/ and cli/ import shared/ (and packages); shared/
//    imports nothing from them and no DOM, Node, React or Electron module; none of the three
//    imports another.
// 2. shared/ uses no DOM or Node global (document, window, Buffer, process, require, …): its files
//    are compiled with shared/tsconfig.json (lib ES2022, no types, shared/ambient.d.ts), where such
//    a name does not resolve. A regex cannot tell a global from a local; the type checker can.
// 3. Inside shared/, a module imports only modules before it in SHARED_ORDER.
// 4. A caller outside a shared/ module (another module, renderer/, electron/, cli/) imports the
//    module (its index.ts, the module's public surface), not its internals. Inside a module, files
//    import their siblings directly.
// And one boundary between builds: the e2e store hook (window.__mlsurgeon) is in test builds only.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { build as esbuild } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared-data';

const LAYERS = ['shared', 'renderer', 'electron', 'cli'] as const;
type Layer = (typeof LAYERS)[number];

/**
 * The modules of shared/, lowest first: each may import only those before it. format is the
 * Core ML format itself (schema, codec, navigation, feature descriptions); io and host are the
 * file and window interfaces over it; numeric and weights read numbers; layers is the registry;
 * shapes, graph, inspect and validate read a model; surgery edits one; executor runs one.
 */
export const SHARED_ORDER = [
  'format', 'io', 'host', 'numeric', 'weights', 'layers', 'shapes', 'graph', 'inspect', 'validate', 'surgery', 'executor',
] as const;

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'boundaries');

/** Modules shared/ may not import: the DOM, Node, React and Electron worlds. */
const FORBIDDEN_IN_SHARED = /^(node:|fs$|fs\/|path$|os$|child_process$|worker_threads$|crypto$|url$|util$|stream$|buffer$|events$|react($|\/|-dom)|@xyflow\/|zustand|zundo|elkjs|electron($|\/))/;

/**
 * The modules a file imports: import and export declarations, import() and require() calls, as
 * TypeScript's own scanner finds them, so text in a string or a comment (a worker's source held
 * as a string, say) is not taken for an import.
 */
export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** Path below `root`, POSIX separators. */
const relPath = (root: string, abs: string): string => relative(root, abs).split(/[\\/]/).join('/');

function layerOf(root: string, absPath: string): Layer | undefined {
  const first = relPath(root, absPath).split('/')[0];
  return (LAYERS as readonly string[]).includes(first) ? (first as Layer) : undefined;
}

/** The shared/ module a path is in ("format" for shared/format/model.ts); undefined outside one. */
function sharedModuleOf(root: string, absPath: string): string | undefined {
  const parts = relPath(root, absPath).split('/');
  return parts[0] === 'shared' && parts.length >= 3 ? parts[1] : undefined;
}

/** An import target named the module's public way: the folder itself or its index. */
function isModuleSurface(root: string, absTarget: string): boolean {
  const parts = relPath(root, absTarget).replace(/\.(ts|tsx|js|mjs)$/, '').split('/');
  return parts.length === 2 || (parts.length === 3 && parts[2] === 'index');
}

/** The shared/ module an import target names, whether through its index or an internal file. */
function targetModuleOf(root: string, absTarget: string): string | undefined {
  const parts = relPath(root, absTarget).split('/');
  return parts[0] === 'shared' && parts.length >= 2 ? parts[1].replace(/\.(ts|tsx|js|mjs)$/, '') : undefined;
}

/** "importer -> target" for each import of a module's internals from outside the module. */
export function internalImportsOf(file: string, source: string, root = repoRoot): string[] {
  if (!layerOf(root, file)) return [];
  const own = sharedModuleOf(root, file);
  const out: string[] = [];
  for (const spec of importsOf(source)) {
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    const module = targetModuleOf(root, target);
    if (!module || module === own || isModuleSurface(root, target)) continue;
    out.push(`${relPath(root, file)} -> ${relPath(root, target).replace(/\.(ts|tsx|js|mjs)$/, '')}`);
  }
  return out;
}

/** The wrong imports of one file, as messages; `file` is absolute, `root` plays the repository. */
export function checkFile(file: string, source: string, root = repoRoot): string[] {
  const own = layerOf(root, file);
  if (!own) return [];
  const name = relPath(root, file);
  const ownModule = sharedModuleOf(root, file);
  const problems: string[] = [];
  for (const spec of importsOf(source)) {
    if (spec.startsWith('.')) {
      const abs = resolve(dirname(file), spec);
      const target = layerOf(root, abs);
      if (target && target !== own && target !== 'shared') problems.push(`${name} imports ${spec}: ${own}/ may import only shared/, not ${target}/`);
      if (own === 'shared' && target && target !== 'shared') problems.push(`${name} imports ${spec}: shared/ imports nothing from ${target}/`);
      if (own === 'shared' && !target && !abs.startsWith(join(root, 'shared'))) problems.push(`${name} imports ${spec}, outside shared/`);
      const targetModule = target === 'shared' ? targetModuleOf(root, abs) : undefined;
      if (own === 'shared' && ownModule && targetModule && targetModule !== ownModule) {
        const from = SHARED_ORDER.indexOf(ownModule as (typeof SHARED_ORDER)[number]);
        const to = SHARED_ORDER.indexOf(targetModule as (typeof SHARED_ORDER)[number]);
        if (from < 0) problems.push(`${name}: shared/${ownModule} is not in SHARED_ORDER; give it its place there`);
        else if (to < 0) problems.push(`${name} imports ${spec}: shared/${targetModule} is not in SHARED_ORDER; give it its place there`);
        else if (to >= from) problems.push(`${name} imports ${spec}: shared/${ownModule} may import only modules before it (${SHARED_ORDER.slice(0, from).join(', ') || 'none'}), not ${targetModule}`);
      }
    } else if (own === 'shared' && FORBIDDEN_IN_SHARED.test(spec)) {
      problems.push(`${name} imports ${spec}: shared/ must stay free of DOM, Node, React and Electron modules`);
    }
  }
  return problems;
}

// TypeScript's "Cannot find name" family: a name with no declaration in ES2022 + ambient.d.ts.
// 2304 cannot find name, 2552 … did you mean, 2503/2833 namespace, 2583/2584 "change your lib"
// (document, window), 2580–2593 "install @types/…" (require, process, Buffer, __dirname).
const UNRESOLVED_NAME = new Set([2304, 2503, 2552, 2580, 2581, 2582, 2583, 2584, 2591, 2592, 2593, 2833]);

let sharedOptions: { options: ts.CompilerOptions; fileNames: string[] } | undefined;
function sharedProject(): { options: ts.CompilerOptions; fileNames: string[] } {
  if (sharedOptions) return sharedOptions;
  const configPath = join(repoRoot, 'shared', 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath));
  if (parsed.errors.length) throw new Error(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
  sharedOptions = { options: parsed.options, fileNames: parsed.fileNames };
  return sharedOptions;
}

/**
 * Each use of a global that shared/ does not have, in `files`, compiled as shared/ is: with
 * shared/tsconfig.json's options and shared/ambient.d.ts. "file:line name: message".
 */
export function globalProblems(files: readonly string[]): string[] {
  const { options } = sharedProject();
  const ambient = join(repoRoot, 'shared', 'ambient.d.ts');
  const program = ts.createProgram({ rootNames: [...new Set([...files, ambient])], options });
  const problems: string[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`${file} is not in the program`);
    for (const d of program.getSemanticDiagnostics(sf)) {
      const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
      const onGlobalThis = d.code === 2339 && /typeof globalThis/.test(text);
      if (!UNRESOLVED_NAME.has(d.code) && !onGlobalThis) continue;
      const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
      const name = sf.text.slice(d.start ?? 0, (d.start ?? 0) + (d.length ?? 0));
      problems.push(`${relPath(repoRoot, file)}:${line + 1} ${name}: ${text}`);
    }
  }
  return problems;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mts|mjs|js|cjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** "importer -> target: …" for each import of a shared/ module's internals from outside the module. */
function internalImportProblems(files: readonly string[]): string[] {
  return files.flatMap((f) => internalImportsOf(f, readFileSync(f, 'utf8'))).map((e) => `${e}: import the module (its index.ts), not its internals`);
}

const fixture = (p: string): string => join(FIXTURES, p);
const checkFixture = (p: string): string[] => checkFile(fixture(p), readFileSync(fixture(p), 'utf8'), FIXTURES);

describe('import boundaries', () => {
  it('the checker catches each kind of wrong import', () => {
    const r = (p: string) => join(repoRoot, p);
    expect(checkFile(r('shared/x.ts'), "import { readFileSync } from 'node:fs';")).toHaveLength(1);
    expect(checkFile(r('shared/x.ts'), "import React from 'react';")).toHaveLength(1);
    expect(checkFile(r('shared/x.ts'), "export * from '../renderer/app';")).toHaveLength(2);
    expect(checkFile(r('renderer/x.ts'), "import { main } from '../cli/main';")).toHaveLength(1);
    expect(checkFile(r('electron/x.ts'), "const m = await import('../renderer/store');")).toHaveLength(1);
    expect(checkFile(r('cli/x.ts'), "import { decodeModel } from '../shared/format/model';")).toEqual([]);
    expect(checkFile(r('renderer/x.ts'), "import '../shared/format/model';\nimport { useStore } from 'zustand';")).toEqual([]);
    // Text that only looks like an import: a worker's source in a string, a comment.
    expect(checkFile(r('shared/x.ts'), "const src = `const { parentPort } = require('node:worker_threads');`; // import 'react'")).toEqual([]);
  });

  it('no source file imports across the layers or against the order of shared/', () => {
    const files = LAYERS.flatMap((l) => sourceFiles(join(repoRoot, l)));
    expect(files.length).toBeGreaterThan(10);
    const problems = files.flatMap((f) => checkFile(f, readFileSync(f, 'utf8')));
    expect(problems).toEqual([]);
  });
});

describe('the order of shared/ modules', () => {
  it('names every module of shared/ once', () => {
    const modules = readdirSync(join(repoRoot, 'shared')).filter((n) => statSync(join(repoRoot, 'shared', n)).isDirectory()).sort();
    expect([...SHARED_ORDER].sort()).toEqual(modules);
  });

  it('refuses an import of a later module (fixtures: format -> graph, graph -> executor)', () => {
    expect(checkFixture('shared/format/imports-graph.ts')).toEqual([
      'shared/format/imports-graph.ts imports ../graph/types: shared/format may import only modules before it (none), not graph',
    ]);
    expect(checkFixture('shared/graph/imports-executor.ts')).toEqual([
      'shared/graph/imports-executor.ts imports ../executor: shared/graph may import only modules before it (format, io, host, numeric, weights, layers, shapes), not executor',
    ]);
    expect(checkFixture('shared/graph/allowed-imports-format.ts')).toEqual([]);
  });

  it('refuses a module missing from the order', () => {
    const f = join(FIXTURES, 'shared', 'plugins', 'x.ts');
    expect(checkFile(f, "import { decodeModel } from '../format/model';", FIXTURES)).toEqual([
      'shared/plugins/x.ts: shared/plugins is not in SHARED_ORDER; give it its place there',
    ]);
  });
});

describe('globals in shared/', () => {
  it('names each DOM and Node global a shared/ file uses (fixtures)', () => {
    const found = globalProblems([fixture('globals/uses-dom.ts'), fixture('globals/uses-node.ts')]);
    const named = found.map((p) => /^(\S+:\d+ \S+):/.exec(p)?.[1]);
    expect(named).toEqual([
      'test/fixtures/boundaries/globals/uses-dom.ts:3 document',
      'test/fixtures/boundaries/globals/uses-dom.ts:5 window',
      'test/fixtures/boundaries/globals/uses-dom.ts:6 localStorage',
      'test/fixtures/boundaries/globals/uses-node.ts:2 Buffer',
      'test/fixtures/boundaries/globals/uses-node.ts:3 process',
      'test/fixtures/boundaries/globals/uses-node.ts:4 require',
      'test/fixtures/boundaries/globals/uses-node.ts:5 __dirname',
    ]);
  });

  it('accepts ES2022, the ambient host APIs and a local named like a global (fixture)', () => {
    expect(globalProblems([fixture('globals/allowed-portable.ts')])).toEqual([]);
  });

  // The whole of shared/ is compiled against that tsconfig by `npm run typecheck` (the first step
  // of `npm test`), where a global it does not declare is a compile error: compiling it a second
  // time here cost 7 s of every unit run. What this test holds is that the step is there.
  it('npm run typecheck compiles shared/ against shared/tsconfig.json', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toMatch(/tsc -p shared\/tsconfig\.json --noEmit/);
    expect(pkg.scripts.test).toMatch(/^npm run typecheck &&/);
    expect(sharedProject().fileNames.filter((f) => !f.endsWith('.d.ts')).length).toBeGreaterThan(50);
  });
});

describe('module internals', () => {
  it('refuses an import past a module\'s index.ts from outside it (fixture)', () => {
    const f = fixture('renderer/imports-internal.ts');
    expect(internalImportsOf(f, readFileSync(f, 'utf8'), FIXTURES)).toEqual(['renderer/imports-internal.ts -> shared/weights/bits']);
    const g = fixture('shared/graph/allowed-imports-format.ts');
    expect(internalImportsOf(g, readFileSync(g, 'utf8'), FIXTURES)).toEqual([]);
    const r = (p: string) => join(repoRoot, p);
    expect(internalImportsOf(r('shared/graph/x.ts'), "import { MESSAGES } from '../format/schema/descriptors.generated';")).toEqual([
      'shared/graph/x.ts -> shared/format/schema/descriptors.generated',
    ]);
    expect(internalImportsOf(r('shared/graph/x.ts'), "import { MESSAGES } from '../format';\nimport { nodeId } from './collector';")).toEqual([]);
  });

  it('no caller imports a module\'s internals', () => {
    const files = LAYERS.flatMap((l) => sourceFiles(join(repoRoot, l)));
    expect(files.length).toBeGreaterThan(10);
    expect(internalImportProblems(files)).toEqual([]);
  });
});

describe('the end-to-end test hook', () => {
  /**
   * renderer/src/main.tsx bundled as a build in `mode` bundles it: Vite replaces
   * import.meta.env.MODE with the mode's name and minifies, which esbuild does here in seconds
   * (a full Vite build of the renderer takes a minute and a half on this machine).
   */
  async function rendererBundle(mode: string): Promise<string> {
    const result = await esbuild({
      entryPoints: [join(repoRoot, 'renderer', 'src', 'main.tsx')],
      bundle: true, write: false, minify: true, format: 'esm', target: 'es2022', jsx: 'automatic', logLevel: 'error',
      define: { 'import.meta.env.MODE': JSON.stringify(mode), 'process.env.NODE_ENV': '"production"' },
      loader: { '.css': 'empty', '.svg': 'empty', '.png': 'empty', '.wasm': 'empty' },
    });
    return result.outputFiles.map((f) => f.text).join('');
  }

  it('is in the test build the e2e runner makes and nowhere else', async () => {
    expect(await rendererBundle('test')).toContain('__mlsurgeon');
    expect(await rendererBundle('production')).not.toContain('__mlsurgeon');
    expect(await rendererBundle('development')).not.toContain('__mlsurgeon');
    expect(readFileSync(join(repoRoot, 'test', 'e2e', 'runner.ts'), 'utf8')).toMatch(/build\(\{[^}]*mode: 'test'/);
    const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['build:renderer']).not.toMatch(/--mode/);
  });
});
