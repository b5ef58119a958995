// Quantization: bit packing against conformance models quantized by coremltools, and the error
// bound of each mode on real weights.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../shared/format/model';
import type { WeightParams } from '../../shared/format/schema/types.generated';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import { SurgeryError } from '../../shared/surgery/errors';
import { dequantize, quantizeWeights } from '../../shared/surgery/quantize';
import { weightBytes } from '../../shared/surgery/weights';
import { packCodes as packBits, unpackCodes as unpackBits } from '../../shared/weights';
import { SHARED, manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);

describe('bit packing', () => {
  it('packs most-significant bit first across byte boundaries', () => {
    expect([...packBits([0b101, 0b011, 0b111], 3)]).toEqual([0b10101111, 0b10000000]);
    for (const bits of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const codes = Uint8Array.from({ length: 37 }, (_, i) => (i * 7 + 3) % (1 << bits));
      expect([...unpackBits(packBits(codes, bits), bits, codes.length)]).toEqual([...codes]);
    }
  });
});

describe('dequantize', () => {
  // NeuralNetwork.proto, LinearQuantizationParams: scale and bias are each "an array of 1 element,
  // or an array of C elements": one bias with several scales applies that bias to every channel.
  it('applies a single bias to every channel of a per-channel scale', () => {
    const w: WeightParams = { rawValue: packBits([1, 2, 3, 4], 8), quantization: { numberOfBits: 8, linearQuantization: { scale: new Float32Array([1, 10]), bias: new Float32Array([0.5]) } } };
    expect([...dequantize(w, 4)]).toEqual([1.5, 2.5, 30.5, 40.5]);
  });

  it('applies per-channel biases with a single scale', () => {
    const w: WeightParams = { rawValue: packBits([1, 2, 3, 4], 8), quantization: { numberOfBits: 8, linearQuantization: { scale: new Float32Array([2]), bias: new Float32Array([0, 100]) } } };
    expect([...dequantize(w, 4)]).toEqual([2, 4, 106, 108]);
  });

  it('refuses scales that do not split the values into channels', () => {
    const w: WeightParams = { rawValue: packBits([1, 2, 3], 8), quantization: { numberOfBits: 8, linearQuantization: { scale: new Float32Array([1, 2]) } } };
    expect(() => dequantize(w, 3)).toThrow(SurgeryError);
  });
});

describe.skipIf(!sharedPresent)('conformance models quantized by coremltools', () => {
  it.each(['conv_quant_linear8_per_channel', 'conv_quant_linear_lut6'])('%s: our packing reproduces the stored bytes', async (name) => {
    const spec = decodeModel(new Uint8Array(await readFile(join(SHARED, 'conformance', name, 'model.mlmodel'))));
    const conv = spec.neuralNetwork!.layers!.find((l) => l.convolution)!.convolution!;
    const w = conv.weights as WeightParams;
    const bits = Number(w.quantization!.numberOfBits);
    const count = Number(conv.outputChannels) * Number(conv.kernelChannels) * conv.kernelSize!.reduce((a, b) => a * Number(b), 1);
    expect(Math.ceil((count * bits) / 8)).toBe(w.rawValue!.length);
    const codes = unpackBits(w.rawValue!, bits, count);
    expect([...packBits(codes, bits)]).toEqual([...w.rawValue!]);
    const values = dequantize(w, count);
    expect(values.every(Number.isFinite)).toBe(true);
    if (w.quantization!.linearQuantization) expect(w.quantization!.linearQuantization.scale!.length).toBe(Number(conv.outputChannels));
    else expect(w.quantization!.lookupTableQuantization!.floatValue!.length).toBe(1 << bits);
  });
});

describe.skipIf(!sharedPresent)('quantizing a real model (MNISTClassifier)', () => {
  const file = () => modelPath(manifest().find((m) => m.file.endsWith('MNISTClassifier.mlmodel'))!);

  it.each([
    ['linear', false],
    ['linear', true],
    ['kmeansLut', false],
    ['linearLut', false],
  ] as const)('%s 8-bit (per channel: %s): a quarter of the bytes, error bounded by the step', async (mode, perChannel) => {
    const spec = (await openModelFile(fs, file())).spec;
    const out = decodeModel(encodeModel(quantizeWeights(spec, { bits: 8, mode, perChannel })));
    expect(out.specificationVersion).toBe(3);
    const before = weightBytes(spec).byKind.float32;
    const after = weightBytes(out);
    expect(after.byKind.float32).toBeUndefined();
    expect(Object.values(after.byKind).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(before / 4 + 64);
    const layers = spec.neuralNetworkClassifier!.layers!;
    layers.forEach((l, i) => {
      const conv = l.convolution ?? l.innerProduct;
      if (!conv?.weights?.floatValue) return;
      const orig = conv.weights.floatValue;
      const q = (out.neuralNetworkClassifier!.layers![i].convolution ?? out.neuralNetworkClassifier!.layers![i].innerProduct)!.weights!;
      const back = dequantize(q, orig.length);
      let lo = Infinity, hi = -Infinity, maxErr = 0, sq = 0;
      for (let k = 0; k < orig.length; k++) {
        lo = Math.min(lo, orig[k]); hi = Math.max(hi, orig[k]);
        maxErr = Math.max(maxErr, Math.abs(orig[k] - back[k])); sq += (orig[k] - back[k]) ** 2;
      }
      const step = (hi - lo) / 255;
      // k-means spends its levels where the weights are: a sparse tail may round coarsely, but the
      // mean squared error beats uniform quantization's step²/12.
      if (mode === 'kmeansLut') expect(Math.sqrt(sq / orig.length)).toBeLessThanOrEqual(step / Math.sqrt(12));
      else expect(maxErr).toBeLessThanOrEqual(step / 2 + 1e-6);
    });
  });

  it('refuses 9 bits and per-channel lookup tables', async () => {
    const spec = (await openModelFile(fs, file())).spec;
    expect(() => quantizeWeights(spec, { bits: 9, mode: 'linear' })).toThrow(new SurgeryError('quantization takes 1 to 8 bits (got 9)'));
    expect(() => quantizeWeights(spec, { bits: 4, mode: 'kmeansLut', perChannel: true })).toThrow('per-channel quantization applies to linear mode only');
  });
});
