// The synthetic benchmark models are what they promise: they encode, decode back, and have the
// layer counts, layer types and weight bytes the benchmarks report. No timing here.
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, modelTypeOf } from '../../shared/format/model';
import type { Model, NeuralNetworkLayer } from '../../shared/format/schema/types.generated';
import { buildChainModel, buildLargeModel } from '../../bench/synthetic';

function layersOf(spec: Model): readonly NeuralNetworkLayer[] {
  return spec.neuralNetwork?.layers ?? [];
}

function fp32Bytes(layers: readonly NeuralNetworkLayer[]): number {
  let n = 0;
  for (const l of layers) {
    n += (l.innerProduct?.weights?.floatValue?.length ?? 0) * 4;
    n += (l.innerProduct?.bias?.floatValue?.length ?? 0) * 4;
  }
  return n;
}

/** Every layer reads the previous layer's output: input → … → output, nothing dangling. */
function expectChain(layers: readonly NeuralNetworkLayer[]): void {
  let blob = 'input';
  for (const l of layers) {
    expect(l.input, `${l.name} input`).toEqual([blob]);
    expect(l.output).toHaveLength(1);
    blob = l.output![0];
  }
  expect(blob).toBe('output');
}

describe('buildLargeModel', () => {
  const bytes = encodeModel(buildLargeModel());
  const spec = decodeModel(bytes, 'synthetic-large.mlmodel');
  const layers = layersOf(spec);

  it('decodes as a NeuralNetwork of 25 innerProduct layers 1024×1024', () => {
    expect(modelTypeOf(spec)).toBe('neuralNetwork');
    expect(layers).toHaveLength(25);
    for (const l of layers) {
      expect(l.innerProduct?.inputChannels).toBe(1024);
      expect(l.innerProduct?.outputChannels).toBe(1024);
      expect(l.innerProduct?.weights?.floatValue).toBeInstanceOf(Float32Array);
      expect(l.innerProduct?.weights?.floatValue).toHaveLength(1024 * 1024);
      expect(l.innerProduct?.bias?.floatValue).toHaveLength(1024);
    }
    expectChain(layers);
    expect(spec.description?.input?.map((f) => f.name)).toEqual(['input']);
    expect(spec.description?.output?.map((f) => f.name)).toEqual(['output']);
  });

  it('holds over 100 MB of fp32 weights: 25 × (1024² + 1024) × 4 bytes', () => {
    expect(fp32Bytes(layers)).toBe(25 * (1024 * 1024 + 1024) * 4);
    expect(fp32Bytes(layers)).toBe(104_960_000);
    expect(bytes.length).toBeGreaterThan(100_000_000);
  });

  it('builds the same weights every time (deterministic)', () => {
    const again = layersOf(buildLargeModel(2, 16));
    const first = layersOf(buildLargeModel(2, 16));
    expect(again[1].innerProduct?.weights?.floatValue).toEqual(first[1].innerProduct?.weights?.floatValue);
    const w = first[0].innerProduct!.weights!.floatValue!;
    expect(new Set(w).size).toBeGreaterThan(200);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.05);
  });
});

describe('buildChainModel', () => {
  it.each([1, 2, 7, 3000])('%i layers decode with that many layers, alternating innerProduct and ReLU', (n) => {
    const spec = decodeModel(encodeModel(buildChainModel(n)), `chain-${n}.mlmodel`);
    const layers = layersOf(spec);
    expect(layers).toHaveLength(n);
    layers.forEach((l, i) => {
      expect(l.name).toBe(`layer_${i}`);
      if (i % 2 === 0) expect(l.innerProduct?.weights?.floatValue).toHaveLength(16);
      else expect(l.activation?.ReLU).toBeDefined();
    });
    expectChain(layers);
    expect(fp32Bytes(layers)).toBe(Math.ceil(n / 2) * (16 + 4) * 4);
    expect(new Set(layers.map((l) => l.name)).size).toBe(n);
  });

  it('refuses a layer count that is not a positive integer', () => {
    expect(() => buildChainModel(0)).toThrow(/positive integer/);
    expect(() => buildChainModel(2.5)).toThrow(/positive integer/);
  });
});
