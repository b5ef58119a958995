// The damage cases of issue 8 from the command line, run in-process through `main` (the same
// code the installed binary runs): refusals name the field, nothing is written on a refusal,
// specification-version raises say why, and an unwritable output is not "unreadable input".
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../cli/main';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

async function cli(...args: string[]) {
  let out = '', err = '';
  const io: Io = { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } };
  return { code: await main(args, io), out, err };
}
const model = (suffix: string) => modelPath(manifest().find((m) => m.file.endsWith(suffix))!);
const exists = async (p: string) => !!(await stat(p).catch(() => undefined));

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mlsurgeon-trust-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe.skipIf(!sharedPresent)('mlsurgeon edit refuses what would damage the model', () => {
  it('an unknown preset is a usage error naming it; nothing is written', async () => {
    const out = join(dir, 'foo.mlmodel');
    const r = await cli('edit', model('SqueezeNetFP16.mlmodel'), '-o', out, '--preprocess', 'image:preset=foo');
    expect(r.code).toBe(2);
    expect(r.err).toBe('--preprocess preset: "foo" is not a preset; use zeroToOne, minusOneToOne, caffe, imagenet\n');
    expect(await exists(out)).toBe(false);
  });

  it('the imagenet preset writes a model that validates with no finding at all', async () => {
    const out = join(dir, 'imagenet.mlmodel');
    const r = await cli('edit', model('SqueezeNetFP16.mlmodel'), '-o', out, '--preprocess', 'image:preset=imagenet');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('  Set preprocessing of image: preset imagenet\n');
    const v = await cli('validate', out);
    expect(v.out).toBe(`${out}: 0 errors, 0 other findings\n`);
  });

  it('model_cpm: a heatmaps shape the network does not produce is refused; nothing is written', async () => {
    const out = join(dir, 'cpm.mlmodel');
    const r = await cli('edit', model('model_cpm.mlmodel'), '-o', out, '--rename-output', 'Convolutional_Pose_Machine__stage_5_out__0=heatmaps', '--set-shape', 'heatmaps=14,96,97');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^mlsurgeon: refused: shape of "heatmaps": the network produces 14×96×96 \(layer .+\), not 14×96×97; declare 14,96,96/);
    expect(await exists(out)).toBe(false);
  });

  it('an edit that introduces a validation error is refused with the error, and written with --force', async () => {
    const out = join(dir, 'optional.mlmodel');
    const args = ['edit', model('SqueezeNetFP16.mlmodel'), '-o', out, '--optional', 'image=true'];
    const r = await cli(...args);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error all-inputs-optional description.input: every input is optional; make at least one input required\nmlsurgeon: refused: Set input image optional would introduce 1 validation error; nothing written (--force writes anyway)\n');
    expect(await exists(out)).toBe(false);
    const forced = await cli(...args, '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('  Set input image optional (applied despite 1 validation error)\n');
    expect(forced.err).toContain('error all-inputs-optional');
    expect(await exists(out)).toBe(true);
  });

  it('a flag value the edit cannot mean is a usage error, never a silent default', async () => {
    const out = join(dir, 'flags.mlmodel');
    const opt = await cli('edit', model('SqueezeNetFP16.mlmodel'), '-o', out, '--optional', 'image=yes');
    expect([opt.code, opt.err]).toEqual([2, '--optional image: give true or false (got "yes")\n']);
    const q = await cli('edit', model('SqueezeNetFP16.mlmodel'), '-o', out, '--quantize', 'eight');
    expect([q.code, q.err]).toEqual([2, '--quantize: "eight" is not a number of bits (1 to 8)\n']);
    expect(await exists(out)).toBe(false);
  });

  it('exposing a blob writes an output with its shape; the model validates clean', async () => {
    const out = join(dir, 'expose.mlmodel');
    const r = await cli('edit', model('SqueezeNetFP16.mlmodel'), '-o', out, '--expose', 'pool10');
    expect(r.code).toBe(0);
    expect(r.out).toContain('  Expose blob pool10 as an output\n');
    const j: unknown = JSON.parse((await cli('inspect', out, '--json')).out);
    expect(JSON.stringify(j)).toContain('pool10');
    expect((await cli('validate', out)).out).toBe(`${out}: 0 errors, 0 other findings\n`);
  });
});

describe.skipIf(!sharedPresent)('every raise of the specification version says why', () => {
  it('--fp16 on a version-1 model', async () => {
    const out = join(dir, 'fp16.mlmodel');
    const r = await cli('edit', model('TinyDrawingEmbedding.mlmodel'), '-o', out, '--fp16');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}Convert weights to fp16\n {4}specification version 1 → 2: float16 weights \(in 8 places\) \[2\]\n/);
  });

  it('--quantize on a version-1 model', async () => {
    const out = join(dir, 'q8.mlmodel');
    const r = await cli('edit', model('TinyDrawingEmbedding.mlmodel'), '-o', out, '--quantize', '8');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}Quantize weights to 8 bits \(linear\)\n {4}specification version 1 → 3: .*quantized weights.* \[3\]\n/);
  });
});

describe.skipIf(!sharedPresent)('an output that cannot be written', () => {
  it('exits 4 with one line naming the output path, never the temporary file', async () => {
    const out = join(dir, 'missing-dir', 'out.mlmodel');
    for (const args of [['resave', model('SqueezeNetFP16.mlmodel'), out], ['edit', model('SqueezeNetFP16.mlmodel'), '-o', out, '--author', 'me']]) {
      const r = await cli(...args);
      expect(r.code).toBe(4);
      expect(r.err).toBe(`mlsurgeon: cannot write ${out}: its folder does not exist\n`);
    }
  });

  it('an output that is a folder is named too', async () => {
    const r = await cli('resave', model('SqueezeNetFP16.mlmodel'), dir);
    expect(r.code).toBe(4);
    expect(r.err).toBe(`mlsurgeon: cannot write ${dir}: is a folder; save a .mlmodel file to a file path\n`);
    expect(await readFile(model('SqueezeNetFP16.mlmodel'))).toBeTruthy();
  });
});
