// The compiled CLI (scripts/build-cli.mjs, cli/compiled.mjs): the build runs the same `main` as the
// sources, its code cache is used, and the launcher's staleness check sees a changed or missing
// source.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileProgram, isCurrent, loadCompiled, readManifest } from '../../cli/compiled.mjs';
import { buildCli } from '../../scripts/build-cli.mjs';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mlsurgeon-build-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('compiled CLI', () => {
  it('bundles cli/ and shared/ only, and runs the same commands', async () => {
    const out = join(dir, 'dist');
    const { inputs } = await buildCli({ outdir: out, quiet: true });
    expect(inputs).toContain('cli/main.ts');
    expect(inputs.filter((f) => !/^(cli|shared)\//.test(f))).toEqual(['scripts/build-cli.mjs']);
    const manifest = readManifest(out)!;
    expect(manifest.inputs).toEqual(inputs);
    const main = loadCompiled(out, manifest);
    const lines: string[] = [];
    const io = { out: (t: string) => lines.push(t), err: (t: string) => lines.push(`err: ${t}`) };
    expect(await main(['help'], io)).toBe(0);
    expect(lines.join('')).toMatch(/^usage: mlsurgeon <command>/);
    expect(await main(['frobnicate'], io)).toBe(2);
    // The code cache written by the build is accepted by this Node.
    const script = compileProgram(join(out, manifest.program), readFileSync(join(out, manifest.cache)));
    expect(script.cachedDataRejected).toBe(false);
  });

  it('is out of date when a source is newer than the build or gone', async () => {
    const src = join(dir, 'a.ts');
    await writeFile(src, 'export {};\n');
    const built = Date.now();
    await utimes(src, new Date(built - 10_000), new Date(built - 10_000));
    const manifest = { program: 'p.cjs', cache: 'p.cache', builtAt: built, inputs: ['a.ts'] };
    expect(isCurrent(dir, manifest)).toBe(true);
    await utimes(src, new Date(built + 1_000), new Date(built + 1_000));
    expect(isCurrent(dir, manifest)).toBe(false);
    expect(isCurrent(dir, { ...manifest, inputs: ['a.ts', 'gone.ts'] })).toBe(false);
  });

  it('a missing or malformed manifest means no build', async () => {
    expect(readManifest(join(dir, 'nowhere'))).toBeUndefined();
    const bad = join(dir, 'bad');
    await mkdir(bad);
    await writeFile(join(bad, 'manifest.json'), '{"program": "x.cjs"}');
    expect(readManifest(bad)).toBeUndefined();
    await writeFile(join(bad, 'manifest.json'), '{"program": "x.cjs", "cache": "x.cache", "builtAt": 1, "inputs": []}');
    expect(readManifest(bad)).toBeUndefined();
    await writeFile(join(bad, 'manifest.json'), '{"program": "x.cjs", "cache": "x.cache", "builtAt": 1, "inputs": ["a.ts"]}');
    expect(readManifest(bad)).toEqual({ program: 'x.cjs', cache: 'x.cache', builtAt: 1, inputs: ['a.ts'] });
  });
});
