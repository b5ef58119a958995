// Bad input gets a clean, precise error within bounded work: never a hang, a crash, a stack
// overflow or an out-of-memory. The fuzz part mutates real models with a fixed seed.
import { mkdtemp, mkdir, readFile, rm, writeFile, cp } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, ModelReadError } from '../../shared/format/model';
import { PackageWriteError } from '../../shared/format/mlpackage';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile, serializeModel } from '../../shared/io/document';
import { isReadable, manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);

function reasonOf(bytes: Uint8Array): string {
  try {
    decodeModel(bytes, 'x.mlmodel');
    return 'decoded';
  } catch (e) {
    if (e instanceof ModelReadError) return e.reason;
    throw e;
  }
}

/** Deterministic PRNG (mulberry32) so a failing case can be reproduced from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const varint = (n: number): number[] => { const out: number[] = []; while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; } out.push(n); return out; };

/**
 * A Model whose pipeline's first model is a Model whose pipeline's first model is … `depth` times,
 * around an innermost Model { specificationVersion: 1 }. The lengths are worked out from the
 * inside out first and the bytes written from the outside in, so this is linear in the depth
 * (wrapping the inner bytes level by level copies them at every level: quadratic).
 */
function nestedPipelines(depth: number): Uint8Array {
  const innermost = [0x08, 0x01]; // Model.specificationVersion = 1
  const headers: number[][] = [];
  let length = innermost.length;
  for (let i = 0; i < depth; i++) {
    const models = [0x0a, ...varint(length)]; // Pipeline.models = 1, holding the level inside
    const pipelineLength = models.length + length;
    const pipeline = [0xd2, 0x0c, ...varint(pipelineLength)]; // Model.pipeline = 202
    headers.push([...pipeline, ...models]);
    length = pipeline.length + pipelineLength;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (let i = headers.length - 1; i >= 0; i--) { out.set(headers[i], at); at += headers[i].length; }
  out.set(innermost, at);
  return out;
}

describe('bad input gives a precise reason', () => {
  it('empty file', () => expect(reasonOf(new Uint8Array(0))).toBe('empty file'));
  it('text file', () => expect(reasonOf(new TextEncoder().encode('hello, this is not a model\n'))).toBe('text file, not a protobuf message'));
  it('JSON', () => expect(reasonOf(new TextEncoder().encode('{"a": 1}'))).toBe('JSON text, not a protobuf message'));
  it('zip archive', () => expect(reasonOf(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toMatch(/^zip archive/));
  it('absurd length prefix', () => {
    // field 2 (description), length 2^31: far past the end of the input.
    expect(reasonOf(new Uint8Array([0x08, 0x04, 0x12, ...varint(2 ** 31 - 1), 0x0a]))).toBe('truncated at byte 9 in description');
  });
  it('field number 0', () => expect(reasonOf(new Uint8Array([0x00, 0x01]))).toMatch(/^not a protobuf message: field number 0/));
  it('invalid wire type', () => expect(reasonOf(new Uint8Array([0x0f, 0x01]))).toMatch(/^not a protobuf message: invalid wire type 7 for field 1 at byte 1$/));
  it('decodes to nothing', () => // Only an unknown field 50: valid protobuf, but nothing of a model.
    expect(reasonOf(new Uint8Array([0x90, 0x03, 0x01]))).toBe('decodes but has no model type and specification version 0'));
  it('nesting deeper than the limit is refused, not a stack overflow', () => {
    // Pipeline.models[0] -> Model.pipeline -> … 5,000 levels deep.
    const bytes = nestedPipelines(5000);
    expect(bytes.length).toBe(40_255);
    expect(reasonOf(bytes)).toMatch(/messages nested deeper than 100 levels/);
    // The builder writes what nesting by hand writes, and within the limit it decodes.
    expect([...nestedPipelines(2)]).toEqual([
      0xd2, 0x0c, 9, 0x0a, 7, 0xd2, 0x0c, 4, 0x0a, 2, 0x08, 0x01,
    ]);
    let model = decodeModel(nestedPipelines(40), 'x.mlmodel');
    for (let depth = 0; depth < 40; depth++) model = model.pipeline!.models![0];
    expect(model.specificationVersion).toBe(1);
  });
  it('random bytes never crash', () => {
    const rand = rng(1);
    for (let i = 0; i < 500; i++) {
      const b = new Uint8Array(1 + Math.floor(rand() * 300));
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256);
      expect(typeof reasonOf(b)).toBe('string');
    }
  });
});

describe('folders', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mlsurgeon-bad-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('a folder that is not a package', async () => {
    await mkdir(join(dir, 'plain'));
    await writeFile(join(dir, 'plain', 'readme.txt'), 'hi');
    await expect(openModelFile(fs, join(dir, 'plain'))).rejects.toThrow(/plain: folder is not a model package: package has no Manifest.json$/);
  });
  it('a manifest that is not JSON', async () => {
    await mkdir(join(dir, 'broken.mlpackage'));
    await writeFile(join(dir, 'broken.mlpackage', 'Manifest.json'), '{ nope');
    await expect(openModelFile(fs, join(dir, 'broken.mlpackage'))).rejects.toThrow(/broken.mlpackage: Manifest.json is not valid JSON/);
  });
  it('a missing path', async () => {
    await expect(openModelFile(fs, join(dir, 'nothing.mlmodel'))).rejects.toThrow(/nothing.mlmodel: no such file or folder/);
  });

  it.skipIf(!sharedPresent)('a package whose weights file is missing opens with a warning and refuses to save', async () => {
    const m = manifest().find((x) => x.file.endsWith('ChineseClassifier.mlpackage'))!;
    const copy = join(dir, 'NoWeights.mlpackage');
    await cp(modelPath(m), copy, { recursive: true });
    await rm(join(copy, 'Data/com.apple.CoreML/weights/weight.bin'));
    const o = await openModelFile(fs, copy);
    expect(o.warnings).toContain('weight file Data/com.apple.CoreML/weights/weight.bin is missing (the model refers to it as @model_path/weights/weight.bin); the model can be inspected but not saved');
    expect(() => serializeModel(o, o.spec)).toThrow(PackageWriteError);
    expect(() => serializeModel(o, o.spec)).toThrow('cannot save: the model needs Data/com.apple.CoreML/weights/weight.bin, which is missing from the package');
  });
});

describe.skipIf(!sharedPresent)('fuzz: mutations of real models decode or fail cleanly', () => {
  const models = manifest().filter((m) => isReadable(m) && m.kind === 'mlmodel' && m.bytes < 700_000);
  it.each(models.map((m) => [m.file, m] as const))('%s', async (_f, m) => {
    const original = new Uint8Array(await readFile(modelPath(m)));
    const rand = rng(original.length);
    const outcomes = { decoded: 0, refused: 0 };
    for (let i = 0; i < 150; i++) {
      const b = original.slice();
      const kind = i % 3;
      if (kind === 0) { for (let k = 0; k < 1 + (i % 8); k++) b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8); }
      else if (kind === 1) { b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256); }
      const input = kind === 2 ? b.subarray(0, Math.floor(rand() * b.length)) : b;
      let spec;
      try {
        spec = decodeModel(input, m.file);
      } catch (e) {
        expect(e).toBeInstanceOf(ModelReadError);
        expect((e as ModelReadError).message.startsWith(`${m.file}: `)).toBe(true);
        outcomes.refused++;
        continue;
      }
      // A mutation that still decodes must encode again (possibly to different bytes).
      expect(encodeModel(spec)).toBeInstanceOf(Uint8Array);
      outcomes.decoded++;
    }
    expect(outcomes.decoded + outcomes.refused).toBe(150);
  });

  it('every truncation of a small model is refused with the byte where it ends', async () => {
    const m = manifest().find((x) => x.file.endsWith('NeuralMcNeuralNet.mlmodel'))!;
    const b = new Uint8Array(await readFile(modelPath(m)));
    let truncated = 0;
    for (let n = 1; n < b.length; n++) {
      const r = reasonOf(b.subarray(0, n));
      if (r === `truncated at byte ${n}` || r.startsWith('truncated at byte')) truncated++;
      else expect(r).toMatch(/^(not a protobuf message|decoded|decodes but)/);
    }
    expect(truncated).toBeGreaterThan(b.length * 0.9);
  });
});
