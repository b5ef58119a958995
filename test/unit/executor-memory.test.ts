// Where a run's tensors live (shared/executor/wasm/arena.ts): blobs in the kernel heap, freed after
// their last reader, returned tensors copied out (or leased views with blobViews), batchnorm
// folded into the convolution before it, clip/ReLU/add written over dead inputs, and the fall
// back to ordinary arrays when the heap is full. A small residual network built here in code.
import { describe, expect, it } from 'vitest';
import { runModel, seededRandom } from '../../shared/executor';
import { emptyTensor, makeTensor, withTensorAllocator } from '../../shared/executor/tensor';
import type { FeatureValue, RunOptions, Tensor } from '../../shared/executor/types';
import { BlobArena, HeapTensor } from '../../shared/executor/wasm/arena';
import { KernelHeap } from '../../shared/executor/wasm/heap';
import { simdKernels } from '../../shared/executor/wasm/kernels';
import type { Model, NeuralNetworkLayer } from '../../shared/format/schema/types.generated';

/** The executor's seeded generator (mulberry32) mapped to [-1, 1), so the weights are the same on every run. */
function random(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() * 2 - 1;
}
const rand = random(7);
const values = (n: number, scale = 1, offset = 0) => ({ floatValue: Float32Array.from({ length: n }, () => offset + scale * rand()) });

const C = 8, H = 10, W = 9, K = 16;
// x -> conv 3x3 (same) -> batchnorm -> ReLU -> r1; r1 -> conv 1x1 -> c2; r1 + c2 -> clip [0, 6] -> global average.
const layers: NeuralNetworkLayer[] = [
  { name: 'conv1', input: ['x'], output: ['c1'], convolution: { outputChannels: K, kernelChannels: C, kernelSize: [3, 3], stride: [1, 1], same: {}, hasBias: true, weights: values(K * C * 9, 0.3), bias: values(K, 0.1) } },
  { name: 'bn1', input: ['c1'], output: ['b1'], batchnorm: { channels: K, epsilon: 1e-3, gamma: values(K, 0.5, 1), beta: values(K, 0.2), mean: values(K, 0.3), variance: values(K, 0.4, 1) } },
  { name: 'relu1', input: ['b1'], output: ['r1'], activation: { ReLU: {} } },
  { name: 'conv2', input: ['r1'], output: ['c2'], convolution: { outputChannels: K, kernelChannels: K, kernelSize: [1, 1], stride: [1, 1], valid: {}, hasBias: false, weights: values(K * K, 0.3) } },
  { name: 'sum', input: ['r1', 'c2'], output: ['s'], add: {} },
  { name: 'clip', input: ['s'], output: ['z'], clip: { minVal: 0, maxVal: 6 } },
  { name: 'pool', input: ['z'], output: ['y'], pooling: { type: 1, globalPooling: true, valid: {} } },
];
const model: Model = {
  specificationVersion: 1,
  description: {
    input: [{ name: 'x', type: { multiArrayType: { shape: [C, H, W], dataType: 65568 } } }],
    output: [{ name: 'y', type: { multiArrayType: { shape: [K], dataType: 65568 } } }],
  },
  neuralNetwork: { layers },
};

const input = (seed: number): Map<string, FeatureValue> => {
  const r = random(seed);
  return new Map([['x', { kind: 'tensor', tensor: makeTensor([C, H, W], Float32Array.from({ length: C * H * W }, () => 2 * r())) }]]);
};
const run = (seed: number, options: RunOptions = {}) => runModel(model, input(seed), options);
const y = (r: ReturnType<typeof run>): Tensor => {
  const v = r.outputs.get('y');
  if (v?.kind !== 'tensor') throw new Error('y is not a tensor');
  return v.tensor;
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** The network worked in plain loops (NeuralNetwork.proto's formulas), one layer at a time. */
function reference(x: Float32Array): Float32Array {
  const w = (l: NeuralNetworkLayer, k: 'weights' | 'bias') => l.convolution![k]!.floatValue!;
  const c1 = new Float64Array(K * H * W);
  const [l1, lbn, , l2] = layers;
  for (let o = 0; o < K; o++) for (let yy = 0; yy < H; yy++) for (let xx = 0; xx < W; xx++) {
    // SAME padding with a 3x3 kernel and stride 1: one pixel on each side.
    let s = w(l1, 'bias')[o];
    for (let i = 0; i < C; i++) for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
      const iy = yy + ky - 1, ix = xx + kx - 1;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += x[(i * H + iy) * W + ix] * w(l1, 'weights')[((o * C + i) * 3 + ky) * 3 + kx];
    }
    c1[(o * H + yy) * W + xx] = s;
  }
  const bn = lbn.batchnorm!;
  const r1 = c1.map((v, i) => {
    const c = Math.floor(i / (H * W));
    const b = (bn.gamma!.floatValue![c] * (v - bn.mean!.floatValue![c])) / Math.sqrt(bn.variance!.floatValue![c] + 1e-3) + bn.beta!.floatValue![c];
    return Math.max(0, b);
  });
  const out = new Float32Array(K);
  for (let o = 0; o < K; o++) {
    let sum = 0;
    for (let p = 0; p < H * W; p++) {
      let c2 = 0;
      for (let i = 0; i < K; i++) c2 += r1[i * H * W + p] * w(l2, 'weights')[o * K + i];
      sum += Math.min(6, Math.max(0, r1[o * H * W + p] + c2));
    }
    out[o] = sum / (H * W);
  }
  return out;
}

const kernels = simdKernels();
const heap = kernels?.heap;

describe('a residual network whose blobs live in the kernel heap', () => {
  it('agrees with plain loops, fused (batchnorm folded, clamps fused, add and clip in place) or not (every blob kept)', () => {
    const x = input(1).get('x')!;
    const expected = reference((x as { tensor: Tensor }).tensor.data);
    expect(maxDiff(y(run(1)).data, expected)).toBeLessThan(1e-4);
    expect(maxDiff(y(run(1, { blobs: 'all' })).data, expected)).toBeLessThan(1e-4);
    // Asking for the convolution's output keeps the batchnorm as its own layer.
    expect(maxDiff(y(run(1, { blobs: ['c1'] })).data, expected)).toBeLessThan(1e-4);
  });

  it('folds the batchnorm and the ReLU into conv1 (0 ms in the profile) unless c1 is asked for', () => {
    const folded = run(2, { profile: true }).profile!;
    expect(folded.map((p) => p.layer)).toEqual(['conv1', 'bn1', 'relu1', 'conv2', 'sum', 'clip', 'pool']);
    expect(folded.filter((p) => p.ms === 0).map((p) => p.layer)).toEqual(expect.arrayContaining(['bn1', 'relu1']));
    const r = run(2, { profile: true, blobs: ['c1'] });
    expect(r.blobs.get('c1')!.shape).toEqual([1, 1, K, H, W]);
    const bnRow = r.profile!.find((p) => p.layer === 'bn1')!;
    expect(bnRow.type).toBe('batchnorm');
  });

  it('leaves the caller\'s input untouched even where a layer overwrites its input', () => {
    const inputs = input(3);
    const before = Float32Array.from((inputs.get('x') as { tensor: Tensor }).tensor.data);
    runModel({ ...model, neuralNetwork: { layers: [{ name: 'relu', input: ['x'], output: ['y'], activation: { ReLU: {} } }] } }, inputs);
    expect((inputs.get('x') as { tensor: Tensor }).tensor.data).toEqual(before);
  });

  it.skipIf(!heap)('returns copies: outputs and blobs are ordinary arrays that later runs do not change', () => {
    const first = run(4, { blobs: 'all' });
    const kept = Float32Array.from(y(first).data);
    const r1 = first.blobs.get('r1')!;
    const r1Kept = Float32Array.from(r1.data);
    run(5, { blobs: 'all' });
    expect(heap!.holds(y(first).data)).toBe(false);
    expect(heap!.holds(r1.data)).toBe(false);
    expect(y(first).data).toEqual(kept);
    expect(r1.data).toEqual(r1Kept);
    expect([...first.blobs.keys()]).toEqual(['c1', 'b1', 'r1', 'c2', 's', 'z', 'y', 'x']);
  });

  it.skipIf(!heap)('frees every blob of a run: the heap holds after a run what it held before', () => {
    run(6);
    const before = heap!.bytesInUse;
    run(7);
    run(8, { blobs: 'all' });
    run(9, { blobs: ['r1', 'c2'], stopAfter: 'sum' });
    expect(() => run(9, { stopAfter: 'nope' })).toThrow('no layer named');
    expect(heap!.bytesInUse).toBe(before);
  });

  it.skipIf(!heap)('blobViews: intermediates are heap views with the copied values, valid across growth until release()', () => {
    const copied = run(10, { blobs: 'all' });
    const before = heap!.bytesInUse;
    const viewed = run(10, { blobs: 'all', blobViews: true });
    expect(heap!.bytesInUse).toBeGreaterThan(before);
    const c2 = viewed.blobs.get('c2')!;
    expect(c2).toBeInstanceOf(HeapTensor);
    expect(heap!.holds(c2.data)).toBe(true);
    expect(heap!.holds(y(viewed).data)).toBe(false);
    for (const [name, t] of copied.blobs) expect(viewed.blobs.get(name)!.data, name).toEqual(t.data);
    // Growth detaches every earlier view; a heap tensor hands out a live one.
    const stale = c2.data;
    const growths = heap!.growths;
    heap!.reserve(heap!.memory.buffer.byteLength + 65536);
    expect(heap!.growths).toBe(growths + 1);
    expect(stale.length).toBe(0);
    expect(c2.data).toEqual(copied.blobs.get('c2')!.data);
    viewed.release!();
    viewed.release!();
    expect(heap!.bytesInUse).toBe(before);
  });
});

describe('BlobArena', () => {
  it('counts holders per block, sweeps temporaries, and falls back to plain arrays when the heap is full', () => {
    // Two pages at most: 128 KiB.
    const small = new KernelHeap(0, 2);
    const arena = new BlobArena(small);
    const a = withTensorAllocator(arena, () => emptyTensor([1000]));
    expect(a).toBeInstanceOf(HeapTensor);
    // A reshape shares the block.
    const alias = withTensorAllocator(arena, () => makeTensor([10, 100], a.data));
    expect(alias).toBeInstanceOf(HeapTensor);
    expect((alias as HeapTensor).block).toBe((a as HeapTensor).block);
    arena.retain(a);
    arena.retain(alias);
    const mark = arena.allocated.length;
    const temp = withTensorAllocator(arena, () => makeTensor([500]));
    expect(temp.data.every((v) => v === 0)).toBe(true);
    arena.sweep(mark);
    expect(arena.bytesInUse).toBe(4000);
    // More than the heap can hold: an ordinary array, and from then on for the rest of the run.
    const big = withTensorAllocator(arena, () => emptyTensor([40000]));
    expect(big).not.toBeInstanceOf(HeapTensor);
    expect(big.data.length).toBe(40000);
    expect(withTensorAllocator(arena, () => emptyTensor([10]))).not.toBeInstanceOf(HeapTensor);
    arena.release(a);
    expect(arena.bytesInUse).toBe(4000);
    arena.release(alias);
    expect(arena.bytesInUse).toBe(0);
    expect(small.bytesInUse).toBe(0);
  });
});
