// The installed `mlsurgeon` command, run as a user runs it: a child process through the bin
// launcher, checking exit codes and output streams.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';
import { mlsurgeon } from '../support/cli';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mlsurgeon-cli-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('mlsurgeon command', () => {
  it('usage errors exit 2', async () => {
    expect((await mlsurgeon()).code).toBe(2);
    const r = await mlsurgeon('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command frobnicate');
    expect((await mlsurgeon('inspect')).code).toBe(2);
    expect((await mlsurgeon('inspect', 'a', '--nope')).stderr).toContain('unknown option --nope');
  });

  it('an empty file exits 3 with one line naming the file', async () => {
    const p = join(dir, 'empty.mlmodel');
    await writeFile(p, new Uint8Array(0));
    const r = await mlsurgeon('inspect', p);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`mlsurgeon: ${p}: empty file\n`);
  });

  it('a missing file exits 3', async () => {
    const r = await mlsurgeon('inspect', join(dir, 'missing.mlmodel'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/missing\.mlmodel: no such file or folder/);
  });

  it.skipIf(!sharedPresent)('resave writes a byte-identical file', async () => {
    const m = manifest().find((x) => x.file.endsWith('SqueezeNetInt8LUT.mlmodel'))!;
    const out = join(dir, 'resaved.mlmodel');
    const r = await mlsurgeon('resave', modelPath(m), out);
    expect(r.code).toBe(0);
    expect(Buffer.compare(await readFile(out), await readFile(modelPath(m)))).toBe(0);
  });

  it.skipIf(!sharedPresent)('an output in a missing folder exits 4 naming the output, not the temporary file', async () => {
    const m = manifest().find((x) => x.file.endsWith('SqueezeNetInt8LUT.mlmodel'))!;
    const out = join(dir, 'missing-dir', 'out.mlmodel');
    const r = await mlsurgeon('resave', modelPath(m), out);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`mlsurgeon: cannot write ${out}: its folder does not exist\n`);
  });

  it.skipIf(!sharedPresent)('inspect --json of a package names its format, weights and ML Program', async () => {
    const m = manifest().find((x) => x.file.endsWith('yolov8n.mlpackage'))!;
    const r = await mlsurgeon('inspect', modelPath(m), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { format: string; models: { modelType: string }[]; weights: { counts: Record<string, number> }; mlProgram: { opCount: number } };
    expect(j.format).toBe('mlpackage');
    expect(j.models.map((x) => x.modelType)).toEqual(['mlProgram', 'nonMaximumSuppression']);
    expect(j.weights.counts.blobFile).toBe(193);
    expect(j.mlProgram.opCount).toBe(647);
  });
});

describe.skipIf(!sharedPresent)('mlsurgeon validate', () => {
  it('exits 0 for a valid model and 1 for one with errors, one diagnostic per line with its path', async () => {
    const ok = await mlsurgeon('validate', modelPath(manifest().find((x) => x.file.endsWith('model_cpm.mlmodel'))!));
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n').at(-1)).toMatch(/model_cpm\.mlmodel: 0 errors/);
    const iris = await mlsurgeon('validate', modelPath(manifest().find((x) => x.file.endsWith('iris.mlmodel'))!), '--json');
    expect(iris.code).toBe(1);
    const j = JSON.parse(iris.stdout) as { errors: number; diagnostics: unknown[] };
    expect(j.errors).toBe(1);
    expect(j.diagnostics[0]).toMatchObject({ severity: 'error', path: ['description', 'input', 0, 'type', 'multiArrayType', 'dataType'] });
  });
});
