// The tensor viewer's computations and the Run panel's inputs, in Node: statistics with NaN and
// Inf apart, heatmap colours, labelled top-k (SqueezeNet's 1,000 ImageNet labels), detector
// boxes, and inputs built as `mlsurgeon run` builds them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/executor/compare';
import { encodeNpy } from '../../shared/executor/npy';
import type { FeatureValue } from '../../shared/executor/types';
import { decodeModel } from '../../shared/format/model';
import type { FeatureDescription } from '../../shared/format/schema/types.generated';
import { buildValue, choiceProblem, describePreprocessing, npyChoice, preprocessingFor } from '../../renderer/src/run/inputs';
import { blobStats, classLabelsOf, COLOUR_MAP, findDetections, heatmapInto, imageInto, isSpatial, planesOf, topK } from '../../renderer/src/run/tensorView';
import { SHARED, sharedPresent } from '../support/shared-data';

describe('blob statistics', () => {
  it('counts NaN and Inf apart and leaves them out of min/max/mean/std', () => {
    const s = blobStats(Float32Array.of(1, NaN, 3, Infinity, -Infinity, NaN, 5), 4);
    expect([s.count, s.nan, s.inf, s.min, s.max, s.mean]).toEqual([7, 2, 2, 1, 5, 3]);
    expect(s.std).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(s.histogram).toEqual([1, 0, 1, 1]);
  });

  it('a map of two or more rows is drawn as heatmaps; vectors are not', () => {
    expect(planesOf([1, 1, 64, 56, 56])).toEqual({ batch: 1, C: 64, H: 56, W: 56 });
    expect(isSpatial(planesOf([1, 1, 64, 56, 56]))).toBe(true);
    expect(isSpatial(planesOf([1, 1, 1000, 1, 1]))).toBe(false);
    expect(isSpatial(planesOf([997]))).toBe(false);
    expect(planesOf([2, 3, 4, 5])).toEqual({ batch: 2, C: 3, H: 4, W: 5 });
  });
});

describe('heatmaps and images', () => {
  it('maps lo to the first colour, hi to the last, NaN to magenta', () => {
    const out = new Uint8ClampedArray(4 * 4);
    heatmapInto(Float32Array.of(0, 10, 5, NaN), 0, 2, 2, 0, 10, out);
    expect([...out.subarray(0, 3)]).toEqual([...COLOUR_MAP.subarray(0, 3)]);
    expect([...out.subarray(4, 7)]).toEqual([...COLOUR_MAP.subarray(255 * 3, 256 * 3)]);
    expect([...out.subarray(12, 16)]).toEqual([255, 0, 255, 255]);
    expect(new Set([...Array(4).keys()].map((i) => out[i * 4 + 3]))).toEqual(new Set([255]));
  });

  it('draws B, G, R planes as a colour picture in R, G, B order', () => {
    // One pixel: B = 0, G = 5, R = 10.
    const out = new Uint8ClampedArray(4);
    imageInto(Float32Array.of(0, 5, 10), 0, 3, 1, 1, 0, 10, true, out);
    expect([...out]).toEqual([255, 128, 0, 255]);
  });
});

describe('top-k and detections', () => {
  it('labels a vector with one value per label, otherwise uses indices', () => {
    const v = Float32Array.of(0.1, 0.6, NaN, 0.3);
    expect(topK(v, 2, ['a', 'b', 'c', 'd'])).toEqual([{ index: 1, label: 'b', value: v[1] }, { index: 3, label: 'd', value: v[3] }]);
    expect(topK(v, 1, ['a'])[0].label).toBe('#1');
  });

  it('pairs (n, 4) boxes with (n, classes) confidences and drops weak boxes', () => {
    const outputs = new Map<string, FeatureValue>([
      ['confidence', { kind: 'tensor', tensor: { shape: [3, 2], data: Float32Array.of(0.9, 0.1, 0.2, 0.1, 0.05, 0.7) } }],
      ['coordinates', { kind: 'tensor', tensor: { shape: [3, 4], data: Float32Array.of(0.5, 0.5, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.7, 0.4, 0.2) } }],
    ]);
    const d = findDetections(outputs, ['cat', 'dog'])!;
    expect([d.coordinates, d.confidence]).toEqual(['coordinates', 'confidence']);
    expect(d.boxes.map((b) => [b.label, b.confidence, b.x, b.y])).toEqual([['cat', Math.fround(0.9), 0.5, 0.5], ['dog', Math.fround(0.7), Math.fround(0.3), Math.fround(0.7)]]);
    expect(findDetections(new Map([['x', outputs.get('coordinates')!]]))).toBeUndefined();
  });
});

describe('inputs', () => {
  const arrayInput: FeatureDescription = { name: 'x', type: { multiArrayType: { shape: [2, 3], dataType: 65600 } } };

  it('random arrays are uniform in [-1, 1] from the seed, as `mlsurgeon run --random` makes them', () => {
    const v = buildValue(arrayInput, { source: 'random', seed: 5 });
    const rand = seededRandom(5);
    expect(v).toEqual({ kind: 'tensor', tensor: { shape: [2, 3], data: Float32Array.from({ length: 6 }, () => rand() * 2 - 1) } });
    expect(buildValue(arrayInput, { source: 'constant', value: 2.5 })).toEqual({ kind: 'tensor', tensor: { shape: [2, 3], data: new Float32Array(6).fill(2.5) } });
  });

  it('a .npy file becomes the tensor; a picture is refused for an array and a .npy for an image', async () => {
    const bytes = encodeNpy({ shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) });
    const choice = await npyChoice(new File([bytes as Uint8Array<ArrayBuffer>], 'x.npy'));
    expect(buildValue(arrayInput, choice)).toEqual({ kind: 'tensor', tensor: { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) } });
    const image: FeatureDescription = { name: 'im', type: { imageType: { width: 4, height: 2, colorSpace: 20 } } };
    expect(choiceProblem(image, choice)).toBe('input im is an image: choose an image file');
    const px = buildValue(image, { source: 'random', seed: 1 });
    expect(px.kind === 'image' && [px.image.width, px.image.height, px.image.pixels.length]).toEqual([4, 2, 32]);
  });
});

describe.skipIf(!sharedPresent)('on SqueezeNetFP16', () => {
  const spec = decodeModel(new Uint8Array(readFileSync(`${SHARED}/models/tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel`)));

  it('finds its 1,000 ImageNet labels for the top-k', () => {
    const labels = classLabelsOf(spec)!;
    expect(labels.length).toBe(1000);
    expect(labels[1]).toBe('goldfish, Carassius auratus');
  });

  it('describes its preprocessing in BGR order', () => {
    const d = spec.description!.input![0];
    expect(describePreprocessing(d, preprocessingFor(spec, 'image'))).toEqual([
      '227×227 BGR, pixels 0…255 (planes B, G, R)',
      'scaler: y = 1 · x + (104, 117, 123) for B, G, R',
    ]);
  });
});
