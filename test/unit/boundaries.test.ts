// The layering, checked. Four rules, each shown failing on a fixture in test/fixtures/boundaries:
// 1. Imports go one way: renderer/, electron/ and cli/ import shared/ (and packages); shared/
//    imports nothing from them and no DOM, Node, React or Electron module; none of the three
//    imports another.
// 2. shared/ uses no DOM or Node global (document, window, Buffer, process, require, …): its files
//    are compiled with shared/tsconfig.json (lib ES2022, no types, shared/ambient.d.ts), where such
//    a name does not resolve. A regex cannot tell a global from a local; the type checker can.
// 3. Inside shared/, a module imports only modules before it in SHARED_ORDER.
// 4. A caller outside a shared/ module imports the module (its index.ts), not its internals;
//    today's internal imports are listed in INTERNAL_IMPORTS_ALLOWED, which may only shrink.
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

const SPEC = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

export function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(SPEC)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return out;
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

/**
 * Today's imports of a shared/ module's internals from outside the module, by importing file
 * (targets relative to shared/), recorded when the rule came in (2026-11): most modules had no
 * index.ts then. This list may only shrink: route a caller through the module's index.ts and
 * delete its entry. A new internal import fails the test, and so does an entry no longer used.
 */
const INTERNAL_IMPORTS_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'cli/compare.ts': ['executor/compare', 'io/document'],
  'cli/edit.ts': ['format/schema/types.generated', 'surgery/checked', 'surgery/features', 'surgery/model-kind', 'surgery/operations', 'surgery/preprocessing'],
  'cli/main.ts': ['format/mlpackage', 'format/model', 'inspect/inspect', 'inspect/summary', 'io/document', 'io/filesystem', 'surgery/checked', 'surgery/errors', 'surgery/spec-version'],
  'cli/pipeline.ts': ['format/mlpackage', 'format/model', 'format/schema/types.generated', 'io/document', 'io/filesystem', 'surgery/anchor-decoder', 'surgery/detector', 'surgery/errors', 'surgery/model-kind', 'surgery/nms-builder', 'surgery/pipeline', 'surgery/spec-version'],
  'cli/run.ts': ['executor/npy', 'executor/types', 'format/model', 'format/schema/types.generated', 'io/document', 'io/filesystem'],
  'electron/channels.ts': ['host/api'],
  'electron/desktop-api.ts': ['host/api'],
  'electron/handlers.ts': ['format/mlpackage', 'format/model', 'host/api', 'io/document', 'io/filesystem'],
  'electron/main.ts': ['host/api', 'io/filesystem'],
  'electron/menu.ts': ['host/api', 'io/filesystem'],
  'electron/recent-files.ts': ['io/filesystem'],
  'renderer/src/actions.ts': ['format/mlpackage', 'format/schema/types.generated', 'graph/build', 'host/api', 'inspect/inspect', 'io/document', 'io/filesystem', 'surgery/spec-version'],
  'renderer/src/canvas/Canvas.tsx': ['graph/types'],
  'renderer/src/canvas/layerInfo.ts': ['graph/types', 'layers/registry'],
  'renderer/src/canvas/nodeSize.ts': ['graph/types'],
  'renderer/src/canvas/nodeTypes.tsx': ['graph/types'],
  'renderer/src/canvas/search.ts': ['graph/types'],
  'renderer/src/canvas/shapeLabels.ts': ['format/walk', 'graph/types'],
  'renderer/src/canvas/viewGraph.ts': ['graph/types'],
  'renderer/src/commands.ts': ['host/api'],
  'renderer/src/document/analysis.ts': ['format/mlpackage', 'format/schema/types.generated', 'graph/build', 'graph/types', 'inspect/inspect'],
  'renderer/src/document/diagnosticIndex.ts': ['format/walk', 'graph/types'],
  'renderer/src/document/editTargets.ts': ['format/walk', 'graph/types', 'surgery/network', 'surgery/operations'],
  'renderer/src/editing.ts': ['format/schema/types.generated', 'graph/collector', 'surgery/checked', 'surgery/errors', 'surgery/layers', 'surgery/operations'],
  'renderer/src/host/electronHost.ts': ['host/api'],
  'renderer/src/host/host.ts': ['host/api'],
  'renderer/src/host/packageFolder.ts': ['format/mlpackage'],
  'renderer/src/host/readFiles.ts': ['format/mlpackage', 'host/api'],
  'renderer/src/host/zip.ts': ['format/mlpackage'],
  'renderer/src/inspector/EditableValue.tsx': ['format/schema/descriptor', 'format/walk'],
  'renderer/src/inspector/FeatureEditor.tsx': ['format/schema/types.generated', 'surgery/features', 'surgery/preprocessing'],
  'renderer/src/inspector/featureForm.ts': ['format/schema/types.generated', 'surgery/features'],
  'renderer/src/inspector/fieldEdit.ts': ['format/schema/descriptor', 'format/schema/descriptors.generated'],
  'renderer/src/inspector/FieldTree.tsx': ['format/mlpackage', 'format/protobuf/codec', 'format/schema/descriptor', 'format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk'],
  'renderer/src/inspector/format.ts': ['layers/format'],
  'renderer/src/inspector/Inspector.tsx': ['format/features', 'format/mlpackage', 'format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk', 'graph/types'],
  'renderer/src/inspector/milValues.ts': ['format/schema/types.generated', 'format/walk', 'graph/milValues'],
  'renderer/src/inspector/specPath.ts': ['format/schema/descriptors.generated', 'format/walk'],
  'renderer/src/panels/ContextMenu.tsx': ['format/schema/types.generated', 'graph/paths', 'graph/types'],
  'renderer/src/panels/Dialogs.tsx': ['format/schema/types.generated', 'format/walk', 'surgery/errors', 'surgery/model-kind', 'surgery/network', 'surgery/quantize', 'surgery/weights'],
  'renderer/src/panels/Dock.tsx': ['format/walk'],
  'renderer/src/panels/modelFacts.ts': ['format/schema/types.generated', 'format/walk'],
  'renderer/src/panels/ModelPanel.tsx': ['format/features', 'format/schema/types.generated', 'format/walk', 'inspect/inspect', 'surgery/model-kind'],
  'renderer/src/panels/paletteGroups.ts': ['layers/registry'],
  'renderer/src/panels/Toast.tsx': ['format/walk'],
  'renderer/src/run/CompareView.tsx': ['executor/compare', 'surgery/weights'],
  'renderer/src/run/inputs.ts': ['executor/compare', 'executor/npy', 'executor/types', 'format/schema/types.generated'],
  'renderer/src/run/InputsSection.tsx': ['format/schema/types.generated'],
  'renderer/src/run/runActions.ts': ['executor/compare', 'executor/npy', 'executor/types', 'format/schema/types.generated', 'graph/types'],
  'renderer/src/run/RunLists.tsx': ['executor/compare'],
  'renderer/src/run/runStore.ts': ['executor/compare', 'executor/types', 'format/schema/types.generated'],
  'renderer/src/run/tensorView.ts': ['executor/tensor', 'executor/types', 'format/schema/types.generated'],
  'renderer/src/run/TensorViewer.tsx': ['executor/compare', 'executor/types'],
  'renderer/src/store/documentStore.ts': ['format/mlpackage', 'format/schema/types.generated', 'graph/types', 'inspect/inspect', 'io/document'],
  'renderer/src/store/workspace.ts': ['format/mlpackage', 'io/document'],
  'renderer/src/testHook.ts': ['format/walk'],
  'renderer/src/weights/nnShapes.ts': ['layers/registry'],
  'renderer/src/weights/tensor.ts': ['format/mlpackage', 'format/schema/types.generated', 'graph/milValues'],
  'renderer/src/worker/decode.worker.ts': ['format/model', 'graph/build', 'inspect/inspect', 'io/document'],
  'renderer/src/worker/decodeClient.ts': ['format/mlpackage', 'graph/types'],
  'renderer/src/worker/executor.worker.ts': ['executor/compare', 'executor/types', 'executor/worker-protocol', 'format/model', 'format/schema/types.generated'],
  'renderer/src/worker/executorClient.ts': ['executor/compare', 'executor/types', 'executor/worker-protocol', 'format/model', 'format/schema/types.generated'],
  'renderer/src/worker/protocol.ts': ['format/mlpackage', 'graph/types', 'inspect/inspect', 'io/document'],
  'renderer/src/workspace/Builders.tsx': ['format/schema/types.generated', 'surgery/anchor-decoder', 'surgery/detector', 'surgery/errors', 'surgery/model-kind', 'surgery/nms-builder'],
  'renderer/src/workspace/pipelineActions.ts': ['format/mlpackage', 'format/model', 'format/schema/types.generated', 'surgery/checked', 'surgery/errors', 'surgery/operations', 'surgery/pipeline'],
  'renderer/src/workspace/PipelineEditor.tsx': ['format/model', 'format/schema/types.generated', 'surgery/pipeline'],
  'renderer/src/workspace/TabBar.tsx': ['surgery/pipeline'],
  'shared/executor/classic/features.ts': ['format/schema/types.generated'],
  'shared/executor/classic/glm.ts': ['format/schema/types.generated'],
  'shared/executor/classic/index.ts': ['format/model', 'format/schema/types.generated'],
  'shared/executor/classic/knn.ts': ['format/schema/types.generated'],
  'shared/executor/classic/svm.ts': ['format/schema/types.generated'],
  'shared/executor/classic/transforms.ts': ['format/schema/types.generated'],
  'shared/executor/classic/treeEnsemble.ts': ['format/schema/types.generated'],
  'shared/executor/image.ts': ['format/schema/types.generated'],
  'shared/executor/index.ts': ['format/model', 'format/schema/types.generated'],
  'shared/executor/kernels/activation.ts': ['format/schema/types.generated'],
  'shared/executor/kernels/recurrent.ts': ['format/schema/types.generated'],
  'shared/executor/kernels/reshape.ts': ['format/schema/types.generated'],
  'shared/executor/kernels/sliding.ts': ['format/schema/types.generated'],
  'shared/executor/kernels/types.ts': ['format/schema/types.generated', 'layers/types'],
  'shared/executor/network.ts': ['format/schema/types.generated', 'layers/types', 'shapes/infer', 'shapes/layerTypes', 'shapes/shape'],
  'shared/executor/nms.ts': ['format/schema/types.generated'],
  'shared/executor/pipeline.ts': ['format/model', 'format/schema/types.generated'],
  'shared/executor/types.ts': ['format/schema/types.generated'],
  'shared/graph/build.ts': ['format/features', 'format/model', 'format/navigation', 'format/schema/types.generated', 'format/walk'],
  'shared/graph/classicModels.ts': ['format/protobuf/codec', 'format/schema/types.generated', 'format/walk', 'layers/format'],
  'shared/graph/collector.ts': ['format/walk'],
  'shared/graph/milValues.ts': ['format/protobuf/codec', 'format/schema/types.generated', 'format/walk', 'layers/format'],
  'shared/graph/neuralNetwork.ts': ['format/schema/types.generated', 'format/walk', 'layers/registry'],
  'shared/graph/notes.ts': ['format/features', 'format/schema/types.generated', 'layers/format'],
  'shared/graph/paths.ts': ['format/walk'],
  'shared/graph/program.ts': ['format/schema/types.generated', 'format/walk', 'layers/milOps'],
  'shared/graph/types.ts': ['format/walk', 'layers/types'],
  'shared/host/api.ts': ['format/mlpackage'],
  'shared/inspect/inspect.ts': ['format/features', 'format/mlpackage', 'format/model', 'format/navigation', 'format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk'],
  'shared/inspect/summary.ts': ['format/features'],
  'shared/io/document.ts': ['format/mlpackage', 'format/model', 'format/protobuf/codec', 'format/schema/types.generated'],
  'shared/layers/defaults.ts': ['format/schema/types.generated'],
  'shared/layers/format.ts': ['format/protobuf/codec', 'format/schema/types.generated'],
  'shared/layers/registry.ts': ['format/schema/types.generated'],
  'shared/layers/summaries.ts': ['format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk'],
  'shared/layers/types.ts': ['format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk'],
  'shared/layers/weights.ts': ['format/schema/types.generated', 'format/walk'],
  'shared/shapes/features.ts': ['format/schema/types.generated'],
  'shared/shapes/infer.ts': ['format/model', 'format/navigation', 'format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk'],
  'shared/shapes/layers/convolution.ts': ['format/schema/types.generated'],
  'shared/shapes/layers/types.ts': ['format/schema/types.generated', 'format/walk'],
  'shared/shapes/layerTypes.ts': ['format/schema/descriptors.generated', 'format/schema/types.generated', 'layers/types'],
  'shared/shapes/models.ts': ['format/model', 'format/schema/types.generated'],
  'shared/surgery/anchor-decoder.ts': ['format/schema/types.generated'],
  'shared/surgery/checked.ts': ['format/schema/types.generated', 'format/walk'],
  'shared/surgery/detector.ts': ['format/schema/types.generated'],
  'shared/surgery/features.ts': ['format/schema/types.generated', 'shapes/features', 'shapes/infer', 'shapes/outputs'],
  'shared/surgery/labels.ts': ['format/schema/types.generated', 'format/walk', 'layers/registry', 'layers/types'],
  'shared/surgery/layer-defaults.ts': ['format/schema/types.generated', 'layers/registry'],
  'shared/surgery/layers.ts': ['format/schema/types.generated', 'format/walk', 'layers/types', 'shapes/infer', 'shapes/outputs'],
  'shared/surgery/metadata.ts': ['format/schema/types.generated'],
  'shared/surgery/model-kind.ts': ['format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk'],
  'shared/surgery/network.ts': ['format/navigation', 'format/schema/types.generated', 'format/walk'],
  'shared/surgery/nms-builder.ts': ['format/schema/types.generated'],
  'shared/surgery/operations.ts': ['format/schema/types.generated', 'format/walk'],
  'shared/surgery/pipeline.ts': ['format/mlpackage', 'format/model', 'format/schema/types.generated', 'format/walk'],
  'shared/surgery/preprocessing.ts': ['format/schema/types.generated', 'format/walk', 'shapes/features'],
  'shared/surgery/quantize.ts': ['format/model', 'format/schema/types.generated', 'format/walk', 'layers/registry'],
  'shared/surgery/rename.ts': ['format/model', 'format/protobuf/codec', 'format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk'],
  'shared/surgery/spec-version.ts': ['format/schema/types.generated'],
  'shared/surgery/tree.ts': ['format/protobuf/codec', 'format/walk'],
  'shared/surgery/weights.ts': ['format/model', 'format/schema/types.generated', 'format/walk', 'numeric/float16'],
  'shared/validate/diagnostic.ts': ['format/walk'],
  'shared/validate/features.ts': ['format/model', 'format/schema/types.generated', 'format/walk'],
  'shared/validate/interface.ts': ['format/model', 'format/schema/types.generated', 'format/walk'],
  'shared/validate/layerParams.ts': ['format/schema/types.generated', 'format/walk', 'shapes/layerTypes'],
  'shared/validate/neuralNetwork.ts': ['format/navigation', 'format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk', 'layers/registry', 'shapes/features', 'shapes/infer', 'shapes/layerTypes', 'shapes/outputs', 'shapes/shape'],
  'shared/validate/nms.ts': ['format/schema/types.generated', 'format/walk', 'shapes/features', 'shapes/shape'],
  'shared/validate/pipeline.ts': ['format/model', 'format/navigation', 'format/schema/types.generated', 'format/walk'],
  'shared/validate/validate.ts': ['format/model', 'format/navigation', 'format/schema/types.generated', 'format/walk', 'shapes/infer'],
  'shared/validate/version.ts': ['format/model', 'format/navigation', 'format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk', 'shapes/layerTypes'],
  'shared/validate/weights.ts': ['format/schema/descriptors.generated', 'format/schema/types.generated', 'format/walk', 'layers/registry', 'layers/types'],
  'shared/weights/elements.ts': ['format/schema/types.generated', 'format/weightfile', 'numeric/float16'],
  'shared/weights/read.ts': ['format/schema/types.generated', 'numeric/float16'],
  'shared/weights/storage.ts': ['format/schema/types.generated'],
};

function internalImportProblems(files: readonly string[]): { added: string[]; stale: string[] } {
  const actual = new Set(files.flatMap((f) => internalImportsOf(f, readFileSync(f, 'utf8'))));
  const allowed = new Set(Object.entries(INTERNAL_IMPORTS_ALLOWED).flatMap(([file, targets]) => targets.map((t) => `${file} -> shared/${t}`)));
  return {
    added: [...actual].filter((e) => !allowed.has(e)).map((e) => `${e}: import the module (its index.ts), not its internals`),
    stale: [...allowed].filter((e) => !actual.has(e)).map((e) => `${e}: no longer imported; delete it from INTERNAL_IMPORTS_ALLOWED`),
  };
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
  });

  it('no caller imports a module\'s internals beyond the recorded list, and the list has no stale entry', () => {
    const files = LAYERS.flatMap((l) => sourceFiles(join(repoRoot, l)));
    expect(internalImportProblems(files)).toEqual({ added: [], stale: [] });
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
