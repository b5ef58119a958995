// The comparison behind the Compare view and `mlsurgeon compare`: exact metrics on small
// tensors, then SqueezeNetFP16 against its 8-bit quantization on the same input, per blob.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accumulate, argmax, formatSnr, newAccumulator, RunComparison, seededRandom, snrDb, top1, type Comparison } from '../../shared/executor/compare';
import { runModel } from '../../shared/executor/index';
import { defaultArrayShape, defaultImageSize, inputMismatches } from '../../shared/executor/inputs';
import type { FeatureValue, RunResult } from '../../shared/executor/types';
import { transferableResult } from '../../shared/executor/worker-protocol';
import { decodeModel } from '../../shared/format/model';
import { ArrayFeatureType_ArrayDataType, ImageFeatureType_ColorSpace, type FeatureDescription, type Model } from '../../shared/format/schema/types.generated';
import { quantizeWeights } from '../../shared/surgery/quantize';
import { SHARED, sharedPresent } from '../support/shared-data';

const t = (data: number[], shape = [data.length]): FeatureValue => ({ kind: 'tensor', tensor: { shape, data: Float32Array.from(data) } });

describe('compare metrics', () => {
  it('max |A−B|, SNR 10·log10(Σa²/Σ(a−b)²) and top-1 over runs', () => {
    const acc = newAccumulator();
    accumulate(acc, t([3, 4]), t([3, 4.5]));
    accumulate(acc, t([1, 0]), t([0.5, 0]));
    expect(acc.maxAbs).toBe(0.5);
    expect(acc.signal).toBe(9 + 16 + 1);
    expect(acc.noise).toBe(0.25 + 0.25);
    expect(snrDb(acc.signal, acc.noise)).toBeCloseTo(10 * Math.log10(26 / 0.5), 12);
    expect([acc.agree, acc.runs]).toEqual([2, 2]);
    accumulate(acc, t([1, 2]), t([2, 1]));
    expect([acc.agree, acc.runs]).toEqual([2, 3]);
  });

  it('equal values have infinite SNR; shape mismatches and labels are not numeric', () => {
    const same = newAccumulator();
    accumulate(same, t([1, 2, 3]), t([1, 2, 3]));
    expect(formatSnr(snrDb(same.signal, same.noise))).toBe('inf');
    const r = new RunComparison();
    const run = (outputs: [string, FeatureValue][]): RunResult => ({ outputs: new Map(outputs), blobs: new Map() });
    r.add(run([['y', t([1, 2, 3])], ['label', { kind: 'string', value: 'cat' }], ['only', t([1])]]), run([['y', t([1, 2])], ['label', { kind: 'string', value: 'cat' }]]));
    const res = r.result();
    const y = res.rows.find((x) => x.name === 'y')!;
    expect(y.note).toBe('shapes differ: [3] vs [2]');
    expect(formatSnr(y.snrDb)).toBe('n/a');
    const label = res.rows.find((x) => x.name === 'label')!;
    expect([label.numeric, label.agree, label.runs, formatSnr(label.snrDb)]).toEqual([false, 1, 1, 'n/a']);
    expect(res.onlyInA).toEqual(['only']);
  });

  it('top-1 of a dictionary is its best key; argmax skips NaN', () => {
    expect(top1({ kind: 'dictionary', value: new Map([['a', 0.2], ['b', 0.7], ['c', 0.1]]) })).toBe('b');
    expect(argmax(Float32Array.of(NaN, 1, 3, 3))).toBe(2);
    expect(argmax(new Float32Array(0))).toBe(-1);
  });
});

describe('results posted from the executor worker', () => {
  it('transfers each buffer once and copies views into larger buffers', () => {
    const heap = new Float32Array(100);
    const view = heap.subarray(10, 20);
    const own = Float32Array.of(1, 2, 3);
    const { blobs, outputs, transfer } = transferableResult({
      blobs: new Map([['v', { shape: [10], data: view }], ['o', { shape: [3], data: own }], ['o2', { shape: [3], data: own }]]),
      outputs: new Map<string, FeatureValue>([['o', { kind: 'tensor', tensor: { shape: [3], data: own } }], ['s', { kind: 'string', value: 'x' }]]),
    });
    expect(transfer.length).toBe(2);
    expect(new Set(transfer).size).toBe(2);
    expect(transfer).not.toContain(heap.buffer);
    expect(blobs.get('v')!.data.buffer.byteLength).toBe(40);
    expect(blobs.get('o')!.data).toBe(own);
    expect(blobs.get('o2')!.data).toBe(own);
    expect((outputs.get('o') as { tensor: { data: Float32Array } }).tensor.data).toBe(own);
    expect(outputs.get('s')).toEqual({ kind: 'string', value: 'x' });
  });
});

/** SqueezeNet's 227×227 image input given seeded random pixels, through A and B, every blob compared. */
function compareOnRandomPicture(a: Model, b: Model, seed: number): Comparison {
  const rand = seededRandom(seed);
  const pixels = Uint8Array.from({ length: 227 * 227 * 4 }, () => Math.floor(rand() * 256));
  const inputs = new Map<string, FeatureValue>([['image', { kind: 'image', image: { width: 227, height: 227, layout: 'rgba', pixels } }]]);
  const cmp = new RunComparison();
  cmp.add(runModel(a, inputs, { blobs: 'all' }), runModel(b, inputs, { blobs: 'all' }));
  return cmp.result();
}

describe.skipIf(!sharedPresent)('SqueezeNetFP16 against its 8-bit linear quantization', () => {
  it('agrees on the class, and every blob has a finite SNR that falls from the input towards the output', () => {
    const spec = decodeModel(new Uint8Array(readFileSync(`${SHARED}/models/tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel`)));
    const quantized = quantizeWeights(spec, { bits: 8, mode: 'linear' });
    const { rows, onlyInA, onlyInB } = compareOnRandomPicture(spec, quantized, 3);
    expect(onlyInA).toEqual([]);
    expect(onlyInB).toEqual([]);
    // The preprocessed input, the 65 layers' outputs (the last is the probabilities output) and the label.
    expect(rows.filter((r) => r.kind === 'output').map((r) => r.name).sort()).toEqual(['classLabel', 'classLabelProbs']);
    expect(rows.length).toBe(1 + 65 + 1);
    const image = rows.find((r) => r.name === 'image')!;
    expect([image.maxAbs, formatSnr(image.snrDb)]).toEqual([0, 'inf']);
    const label = rows.find((r) => r.name === 'classLabel')!;
    expect([label.agree, label.runs]).toEqual([1, 1]);
    const conv1 = rows.find((r) => r.name === 'conv1')!;
    expect(conv1.maxAbs).toBeGreaterThan(0);
    for (const r of rows.filter((x) => x.numeric && x.name !== 'image')) expect(Number.isFinite(r.snrDb), r.name).toBe(true);
    // Quantization error accumulates: the first convolution is closer to A than the last.
    expect(conv1.snrDb).toBeGreaterThan(rows.find((r) => r.name === 'conv10')!.snrDb);
  });
});

describe('inputs two models can share', () => {
  const { FLOAT32, INT32 } = ArrayFeatureType_ArrayDataType;
  const model = (...input: FeatureDescription[]): Model => ({ specificationVersion: 4, description: { input, output: [] } });
  const image = (name: string, width: number, height: number, colorSpace: number = ImageFeatureType_ColorSpace.RGB): FeatureDescription => ({ name, type: { imageType: { width, height, colorSpace } } });
  const array = (name: string, shape: number[], dataType: number = FLOAT32): FeatureDescription => ({ name, type: { multiArrayType: { shape, dataType } } });

  it('default sizes: the declared one, else the first enumerated, else the ranges\' lower bounds', () => {
    expect(defaultArrayShape(array('x', [3, 4]))).toEqual([3, 4]);
    expect(defaultArrayShape({ name: 'x', type: { multiArrayType: { enumeratedShapes: { shapes: [{ shape: [2, 5] }, { shape: [9] }] } } } })).toEqual([2, 5]);
    expect(defaultArrayShape({ name: 'x', type: { multiArrayType: { shapeRange: { sizeRanges: [{ lowerBound: 0, upperBound: 4 }, { lowerBound: 7, upperBound: -1 }] } } } })).toEqual([1, 7]);
    expect(defaultArrayShape({ name: 'x', type: { multiArrayType: {} } })).toBeUndefined();
    expect(defaultArrayShape(image('im', 4, 4))).toBeUndefined();
    expect(defaultImageSize(image('im', 227, 200))).toEqual([227, 200]);
    expect(defaultImageSize({ name: 'im', type: { imageType: { enumeratedSizes: { sizes: [{ width: 64, height: 32 }] } } } })).toEqual([64, 32]);
    expect(defaultImageSize({ name: 'im', type: { imageType: { imageSizeRange: { widthRange: { lowerBound: 16, upperBound: 64 }, heightRange: { lowerBound: 8, upperBound: -1 } } } } })).toEqual([16, 8]);
    expect(defaultImageSize({ name: 'im', type: { imageType: {} } })).toBeUndefined();
  });

  it('refuses other names, kinds, sizes and shapes with the input named; colour spaces and element types may differ', () => {
    expect(inputMismatches(model(image('image', 227, 227, ImageFeatureType_ColorSpace.BGR), array('x', [3])), model(image('image', 227, 227, ImageFeatureType_ColorSpace.RGB), array('x', [3], INT32)))).toEqual([]);
    expect(inputMismatches(model(image('image', 227, 227)), model(image('image', 224, 224)), { a: 'SqueezeNet.mlmodel', b: 'MobileNet.mlmodel' }))
      .toEqual(['input image is an image of 227×227 in SqueezeNet.mlmodel but an image of 224×224 in MobileNet.mlmodel']);
    expect(inputMismatches(model(array('x', [1, 3])), model(array('x', [3, 1])))).toEqual(['input x is an array of shape (1, 3) in A but an array of shape (3, 1) in B']);
    expect(inputMismatches(model(image('x', 8, 8)), model(array('x', [3, 8, 8])))).toEqual(['input x is an image of 8×8 in A but an array of shape (3, 8, 8) in B']);
    expect(inputMismatches(model(image('image', 8, 8)), model(image('photo', 8, 8)))).toEqual([
      "input image of A is not an input of B (B's inputs: photo)",
      "input photo of B is not an input of A (A's inputs: image)",
    ]);
    // An optional input the other model lacks is left out, not refused.
    const optional: FeatureDescription = { name: 'iouThreshold', type: { doubleType: {}, isOptional: true } };
    expect(inputMismatches(model(array('x', [4]), optional), model(array('x', [4])))).toEqual([]);
  });
});

describe.skipIf(!sharedPresent)('two files: SqueezeNetFP16 against SqueezeNetInt8LUT', () => {
  it('take the same inputs, match every blob by name and agree on the class of a random picture', () => {
    const dir = `${SHARED}/models/tucan9389__ImageClassification-CoreML`;
    const fp16 = decodeModel(new Uint8Array(readFileSync(`${dir}/SqueezeNetFP16.mlmodel`)));
    const lut = decodeModel(new Uint8Array(readFileSync(`${dir}/SqueezeNetInt8LUT.mlmodel`)));
    expect(inputMismatches(fp16, lut)).toEqual([]);
    const { rows, onlyInA, onlyInB } = compareOnRandomPicture(fp16, lut, 11);
    expect([onlyInA, onlyInB]).toEqual([[], []]);
    expect(rows.length).toBe(1 + 65 + 1);
    const probs = rows.find((r) => r.name === 'classLabelProbs')!;
    expect(Number.isFinite(probs.snrDb)).toBe(true);
    expect(probs.maxAbs).toBeGreaterThan(0);
    const label = rows.find((r) => r.name === 'classLabel')!;
    expect([label.agree, label.runs]).toEqual([1, 1]);
  });
});
