// Imports go one way: renderer/, electron/ and cli/ import shared/ (and packages); shared/
// imports nothing from them and no DOM, Node, React or Electron module; none of the three
// imports another. This test walks every source file and names each wrong import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/shared-data';

const LAYERS = ['shared', 'renderer', 'electron', 'cli'] as const;
type Layer = (typeof LAYERS)[number];

/** Modules shared/ may not import: the DOM, Node, React and Electron worlds. */
const FORBIDDEN_IN_SHARED = /^(node:|fs$|fs\/|path$|os$|child_process$|worker_threads$|crypto$|url$|util$|stream$|buffer$|events$|react($|\/|-dom)|@xyflow\/|zustand|zundo|elkjs|electron($|\/))/;

const SPEC = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

export function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(SPEC)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return out;
}

function layerOf(absPath: string): Layer | undefined {
  const rel = relative(repoRoot, absPath).split(/[\\/]/)[0];
  return (LAYERS as readonly string[]).includes(rel) ? (rel as Layer) : undefined;
}

/** The wrong imports of one file, as messages; `file` is absolute. */
export function checkFile(file: string, source: string): string[] {
  const own = layerOf(file);
  if (!own) return [];
  const problems: string[] = [];
  for (const spec of importsOf(source)) {
    if (spec.startsWith('.')) {
      const target = layerOf(resolve(dirname(file), spec));
      if (target && target !== own && target !== 'shared') problems.push(`${relative(repoRoot, file)} imports ${spec}: ${own}/ may import only shared/, not ${target}/`);
      if (own === 'shared' && target && target !== 'shared') problems.push(`${relative(repoRoot, file)} imports ${spec}: shared/ imports nothing from ${target}/`);
      if (own === 'shared' && !target && !resolve(dirname(file), spec).startsWith(join(repoRoot, 'shared'))) {
        problems.push(`${relative(repoRoot, file)} imports ${spec}, outside shared/`);
      }
    } else if (own === 'shared' && FORBIDDEN_IN_SHARED.test(spec)) {
      problems.push(`${relative(repoRoot, file)} imports ${spec}: shared/ must stay free of DOM, Node, React and Electron modules`);
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
    else if (/\.(ts|tsx|mts|mjs|js|cjs)$/.test(name)) out.push(p);
  }
  return out;
}

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

  it('no source file imports across the layers', () => {
    const files = LAYERS.flatMap((l) => sourceFiles(join(repoRoot, l)));
    expect(files.length).toBeGreaterThan(10);
    const problems = files.flatMap((f) => checkFile(f, readFileSync(f, 'utf8')));
    expect(problems).toEqual([]);
  });
});
