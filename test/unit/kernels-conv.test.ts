// The SIMD kernels (kernels/assembly, shared/executor/wasm) against the plain TypeScript
// references in shared/executor/kernels/conv.ts, on random shapes chosen to hit every edge:
// widths not a multiple of the 8-wide panel, 7x7 maps, stride 2, dilation, groups, depthwise,
// asymmetric SAME padding, 1x1, 1x1 maps, one channel, with and without bias and clamp.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import {
  conv2d,
  conv2dReference,
  conv2dSimd,
  gemm,
  gemmGeneralReference,
  gemmSimd,
  isDepthwise3x3,
  type Clamp,
  type Conv2dArgs,
  type GemmArgs,
} from '../../shared/executor/kernels/conv';
import { createKernels, decodeBase64, setSimdKernelsForTesting, simdKernels, type KernelVariant, type WasmKernels } from '../../shared/executor/wasm/kernels';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from '../../shared/executor/wasm/kernels.generated';
import { KernelHeap } from '../../shared/executor/wasm/heap';
import { repoRoot } from '../support/shared-data';
import { seededRandom } from '../../shared/executor';

// Node 20 runs relaxed SIMD (the fused multiply-add build Chromium and Electron take) only behind
// this flag; set before any module is compiled, it lets both builds be checked here.
setFlagsFromString('--experimental-wasm-relaxed-simd');
const VARIANTS: [KernelVariant, WasmKernels | null][] = (['simd', 'relaxed-simd'] as const).map((v) => [v, createKernels(v)]);

const rng = seededRandom;

function randomArray(next: () => number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = next() * 2 - 1;
  return a;
}

interface ConvCase {
  inC: number;
  inH: number;
  inW: number;
  outC: number;
  k: [number, number];
  stride: [number, number];
  dilation?: [number, number];
  /** top, bottom, left, right */
  pad: [number, number, number, number];
  groups?: number;
  bias?: boolean;
  activation?: Clamp;
}

function makeArgs(c: ConvCase, seed: number): Conv2dArgs {
  const next = rng(seed);
  const groups = c.groups ?? 1;
  const [dY, dX] = c.dilation ?? [1, 1];
  const [pt, pb, pl, pr] = c.pad;
  const outH = Math.floor((c.inH + pt + pb - (dY * (c.k[0] - 1) + 1)) / c.stride[0]) + 1;
  const outW = Math.floor((c.inW + pl + pr - (dX * (c.k[1] - 1) + 1)) / c.stride[1]) + 1;
  return {
    input: randomArray(next, c.inC * c.inH * c.inW),
    inC: c.inC,
    inH: c.inH,
    inW: c.inW,
    weights: randomArray(next, c.outC * (c.inC / groups) * c.k[0] * c.k[1]),
    outC: c.outC,
    kH: c.k[0],
    kW: c.k[1],
    strideY: c.stride[0],
    strideX: c.stride[1],
    dilationY: dY,
    dilationX: dX,
    padTop: pt,
    padBottom: pb,
    padLeft: pl,
    padRight: pr,
    groups,
    bias: c.bias === false ? undefined : randomArray(next, c.outC),
    activation: c.activation,
    output: new Float32Array(c.outC * outH * outW).fill(NaN),
    outH,
    outW,
  };
}

/**
 * Each output within 1e-5 of the sum of the absolute values of its terms (the scale the float32
 * rounding error grows with), so a wrong tap or a missed edge is always far outside it.
 */
function expectClose(args: Conv2dArgs, got: Float32Array, want: Float32Array, label: string): void {
  const scale = new Float32Array(want.length);
  conv2dReference({
    ...args,
    input: args.input.map(Math.abs),
    weights: args.weights.map(Math.abs),
    bias: args.bias?.map(Math.abs),
    activation: undefined,
    output: scale,
  });
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / (scale[i] + 1e-30);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${label}: output ${at} is ${got[at]}, reference ${want[at]}`).toBeLessThanOrEqual(1e-5);
}

const cases: [string, ConvCase][] = [
  ['3x3 32->32, width 13 (not a multiple of 8)', { inC: 32, inH: 11, inW: 13, outC: 32, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1] }],
  ['7x7 map, 3x3 stride 1', { inC: 5, inH: 7, inW: 7, outC: 9, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1] }],
  ['stride 2, width 17, valid', { inC: 6, inH: 15, inW: 17, outC: 10, k: [3, 3], stride: [2, 2], pad: [0, 0, 0, 0] }],
  ['stride 2, wide rows take the SIMD gather', { inC: 3, inH: 9, inW: 70, outC: 8, k: [3, 3], stride: [2, 2], pad: [0, 1, 0, 1] }],
  ['asymmetric SAME padding, stride 2 (TensorFlow: extra pad bottom/right)', { inC: 4, inH: 8, inW: 10, outC: 7, k: [3, 3], stride: [2, 2], pad: [0, 1, 0, 1] }],
  ['asymmetric padding top/left larger', { inC: 3, inH: 6, inW: 9, outC: 5, k: [4, 4], stride: [1, 1], pad: [2, 1, 2, 1] }],
  ['dilation 2', { inC: 4, inH: 12, inW: 19, outC: 6, k: [3, 3], stride: [1, 1], dilation: [2, 2], pad: [2, 2, 2, 2] }],
  ['dilation (2, 3), stride (1, 2), rectangular kernel', { inC: 3, inH: 14, inW: 21, outC: 5, k: [2, 3], stride: [1, 2], dilation: [2, 3], pad: [1, 0, 3, 2] }],
  ['groups 2', { inC: 8, inH: 9, inW: 11, outC: 6, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], groups: 2 }],
  ['groups 3, outC per group 5 (not a multiple of 4)', { inC: 9, inH: 7, inW: 7, outC: 15, k: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 3 }],
  ['depthwise 3x3 stride 1, 56x56 slice', { inC: 12, inH: 20, inW: 21, outC: 12, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], groups: 12 }],
  ['depthwise 3x3 stride 2, SAME asymmetric', { inC: 7, inH: 14, inW: 15, outC: 7, k: [3, 3], stride: [2, 2], pad: [0, 1, 0, 1], groups: 7 }],
  ['depthwise 3x3 stride 2, symmetric pad, odd map', { inC: 5, inH: 13, inW: 13, outC: 5, k: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 5 }],
  ['depthwise 3x3 stride 1, 7x7 map, no padding', { inC: 4, inH: 7, inW: 7, outC: 4, k: [3, 3], stride: [1, 1], pad: [0, 0, 0, 0], groups: 4 }],
  ['depthwise 3x3 on a 1x1 map', { inC: 3, inH: 1, inW: 1, outC: 3, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], groups: 3 }],
  ['depthwise 3x3, extra right/bottom padding only', { inC: 3, inH: 5, inW: 6, outC: 3, k: [3, 3], stride: [1, 1], pad: [0, 2, 0, 2], groups: 3 }],
  ['depthwise 5x5 (generic path)', { inC: 6, inH: 10, inW: 9, outC: 6, k: [5, 5], stride: [1, 1], pad: [2, 2, 2, 2], groups: 6 }],
  ['depthwise with channel multiplier 2 (generic path)', { inC: 4, inH: 8, inW: 8, outC: 8, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], groups: 4 }],
  ['1x1 96->24 (direct GEMM), 10x10', { inC: 96, inH: 10, inW: 10, outC: 24, k: [1, 1], stride: [1, 1], pad: [0, 0, 0, 0] }],
  ['1x1 with 3 outputs, 5x3 map', { inC: 7, inH: 5, inW: 3, outC: 3, k: [1, 1], stride: [1, 1], pad: [0, 0, 0, 0] }],
  ['1x1 stride 2 (not the direct path)', { inC: 5, inH: 9, inW: 11, outC: 6, k: [1, 1], stride: [2, 2], pad: [0, 0, 0, 0] }],
  ['1x1 with padding (not the direct path)', { inC: 3, inH: 4, inW: 4, outC: 5, k: [1, 1], stride: [1, 1], pad: [1, 0, 1, 0] }],
  ['1x1 map, 3x3 kernel, SAME', { inC: 6, inH: 1, inW: 1, outC: 10, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1] }],
  ['one channel in and out', { inC: 1, inH: 6, inW: 5, outC: 1, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1] }],
  ['kernel as large as the map (a fully connected layer)', { inC: 3, inH: 4, inW: 5, outC: 6, k: [4, 5], stride: [1, 1], pad: [0, 0, 0, 0] }],
  ['no bias', { inC: 5, inH: 9, inW: 10, outC: 9, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], bias: false }],
  ['depthwise, no bias', { inC: 5, inH: 9, inW: 10, outC: 5, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], groups: 5, bias: false }],
  ['fused ReLU', { inC: 6, inH: 9, inW: 9, outC: 8, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], activation: { min: 0, max: Infinity } }],
  ['fused ReLU6 (clamp [0, 0.5] to bite on small values), depthwise', { inC: 6, inH: 9, inW: 9, outC: 6, k: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 6, activation: { min: 0, max: 0.5 } }],
  ['7x7 kernel stride 2 (a ResNet stem), pad 3', { inC: 3, inH: 23, inW: 23, outC: 8, k: [7, 7], stride: [2, 2], pad: [3, 3, 3, 3] }],
];

describe.each(VARIANTS)('%s convolution agrees with the reference', (variant, kernels) => {
  it(`the ${variant} build runs in this Node`, () => {
    expect(kernels).not.toBeNull();
  });

  for (const [label, c] of cases) {
    it(label, () => {
      const args = makeArgs(c, label.length * 7919 + c.inC);
      const want = new Float32Array(args.output.length);
      conv2dReference({ ...args, output: want });
      conv2dSimd(kernels!, args);
      expect(Array.from(args.output).some(Number.isNaN), 'every output written').toBe(false);
      expectClose(args, args.output, want, label);
      if (c.activation) {
        expect(Math.min(...args.output)).toBeGreaterThanOrEqual(c.activation.min);
        expect(Math.max(...args.output)).toBeLessThanOrEqual(c.activation.max);
      }
    });
  }

  it('takes the depthwise kernel exactly for 3x3, stride 1 or 2, one output per channel, no dilation', () => {
    const dw = makeArgs({ inC: 4, inH: 5, inW: 5, outC: 4, k: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 4 }, 1);
    expect(isDepthwise3x3(dw)).toBe(true);
    expect(isDepthwise3x3({ ...dw, strideX: 1 })).toBe(false);
    expect(isDepthwise3x3({ ...dw, dilationY: 2 })).toBe(false);
    expect(isDepthwise3x3({ ...dw, outC: 8 })).toBe(false);
  });

  it('random shapes (200 seeded draws) agree', () => {
    const next = rng(20261127);
    const pick = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
    for (let n = 0; n < 200; n++) {
      const groups = next() < 0.3 ? pick(2, 4) : 1;
      const depthwise = next() < 0.2;
      const inC = depthwise ? pick(1, 9) : groups * pick(1, 6);
      const outC = depthwise ? inC : groups * pick(1, 9);
      const kH = pick(1, 4);
      const kW = depthwise ? kH : pick(1, 4);
      const stride: [number, number] = depthwise ? (next() < 0.5 ? [1, 1] : [2, 2]) : [pick(1, 3), pick(1, 3)];
      const dilation: [number, number] = next() < 0.2 ? [pick(1, 3), pick(1, 3)] : [1, 1];
      const inH = pick(1, 19);
      const inW = pick(1, 37);
      const pad: [number, number, number, number] = [pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 2)];
      const c: ConvCase = { inC, inH, inW, outC, k: [kH, kW], stride, dilation, pad, groups: depthwise ? inC : groups, bias: next() < 0.7 };
      const spanH = dilation[0] * (kH - 1) + 1;
      const spanW = dilation[1] * (kW - 1) + 1;
      if (inH + pad[0] + pad[1] < spanH || inW + pad[2] + pad[3] < spanW) continue;
      const label = `draw ${n}: ${JSON.stringify(c)}`;
      const args = makeArgs(c, n);
      const want = new Float32Array(args.output.length);
      conv2dReference({ ...args, output: want });
      conv2dSimd(kernels!, args);
      expectClose(args, args.output, want, label);
    }
  });
});

describe.each(VARIANTS)('%s GEMM agrees with the reference', (_variant, kernelsOrNull) => {
  const kernels = kernelsOrNull!;

  function gemmCase(M: number, N: number, K: number, seed: number, extra: Partial<GemmArgs> = {}): void {
    const next = rng(seed);
    const biasLen = extra.biasPer === 'row' ? M : N;
    const g: GemmArgs = { M, N, K, A: randomArray(next, M * K), B: randomArray(next, K * N), C: new Float32Array(M * N).fill(NaN), bias: randomArray(next, biasLen), ...extra };
    const want = new Float32Array(M * N);
    gemmGeneralReference({ ...g, C: want });
    gemmSimd(kernels, g);
    const scale = new Float32Array(M * N);
    gemmGeneralReference({ ...g, A: g.A.map(Math.abs), B: g.B.map(Math.abs), bias: g.bias?.map(Math.abs), activation: undefined, C: scale });
    for (let i = 0; i < M * N; i++) {
      expect(Math.abs(g.C[i] - want[i]), `${M}x${N}x${K} ${JSON.stringify({ ...extra, A: undefined, B: undefined })} at ${i}`).toBeLessThanOrEqual(1e-5 * scale[i] + 1e-30);
    }
  }

  it('square, tall, wide and tiny shapes with a bias on each row (the gemm contract)', () => {
    for (const [M, N, K] of [[1, 1, 1], [4, 8, 16], [5, 13, 11], [3, 7, 2], [17, 9, 33], [64, 40, 70], [1, 1000, 128], [33, 1, 5]]) gemmCase(M, N, K, M * 100 + N);
  });

  it('B transposed (innerProduct weights [outC, inC] as stored)', () => {
    for (const [M, N, K] of [[1, 10, 20], [3, 9, 7], [8, 16, 32], [5, 1, 3]]) gemmCase(M, N, K, K, { transB: true });
  });

  it('one or two rows with B transposed (the dot-product path): odd N and K, each bias kind, a clamp', () => {
    for (const [M, N, K] of [[1, 1, 1], [1, 1000, 1280], [2, 13, 7], [1, 5, 3], [2, 4, 4], [1, 9, 33]]) {
      gemmCase(M, N, K, N + K, { transB: true });
      gemmCase(M, N, K, N + K + 1, { transB: true, biasPer: 'row' });
      gemmCase(M, N, K, N + K + 2, { transB: true, bias: undefined });
      gemmCase(M, N, K, N + K + 3, { transB: true, activation: { min: -0.25, max: 0.5 } });
    }
  });

  it('bias per row, no bias, and a clamp', () => {
    gemmCase(7, 12, 9, 1, { biasPer: 'row' });
    gemmCase(6, 11, 4, 2, { bias: undefined });
    gemmCase(9, 10, 8, 3, { activation: { min: -0.25, max: 0.5 } });
  });

  it('K = 0 gives the bias alone', () => {
    const C = new Float32Array(6).fill(NaN);
    gemm(2, 3, 0, new Float32Array(0), new Float32Array(0), C, new Float32Array([1, 2, 3]));
    expect(Array.from(C)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('refuses arrays that are too short, naming the field', () => {
    expect(() => gemm(2, 2, 2, new Float32Array(3), new Float32Array(4), new Float32Array(4))).toThrow(/gemm: A has 3 values, needs 4/);
    const args = makeArgs({ inC: 4, inH: 5, inW: 5, outC: 2, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1] }, 1);
    expect(() => conv2d({ ...args, groups: 3 })).toThrow(/conv2d: groups \(3\) must divide inC \(4\)/);
    expect(() => conv2d({ ...args, output: new Float32Array(3) })).toThrow(/conv2d: output has 3 values, needs 50/);
  });
});

describe('kernel heap and dispatch', () => {
  afterEach(() => setSimdKernelsForTesting(undefined));

  it('conv2d falls back to the reference when SIMD is unavailable, with the same result', () => {
    const args = makeArgs({ inC: 3, inH: 6, inW: 7, outC: 4, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1] }, 5);
    const simd = new Float32Array(args.output.length);
    conv2d({ ...args, output: simd });
    setSimdKernelsForTesting(null);
    const plain = new Float32Array(args.output.length);
    conv2d({ ...args, output: plain });
    const want = new Float32Array(args.output.length);
    conv2dReference({ ...args, output: want });
    expect(Array.from(plain)).toEqual(Array.from(want));
    expectClose(args, simd, want, 'dispatch');
  });

  it('tensors in the heap are used in place, and survive the memory growing under their views', () => {
    const kernels = simdKernels()!;
    const heap = kernels.heap;
    const before = heap.bytesInUse - kernels.scratchSize;
    const args = makeArgs({ inC: 8, inH: 12, inW: 12, outC: 8, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1] }, 9);
    const want = new Float32Array(args.output.length);
    conv2dReference({ ...args, output: want });
    const input = heap.adopt(args.input);
    const weights = heap.adopt(args.weights);
    const bias = heap.adopt(args.bias!);
    const output = heap.allocF32(args.output.length);
    const staleView = output.data;
    // Force a growth: every view made before it is detached.
    const big = heap.alloc(heap.memory.buffer.byteLength);
    expect(staleView.length).toBe(0);
    conv2d({ ...args, input: input.data, weights: weights.data, bias: bias.data, output: output.data });
    expectClose(args, output.data, want, 'in heap');
    heap.release(big);
    for (const t of [input, weights, bias, output]) t.free();
    // Only the scratch block the kernels keep between calls remains.
    expect(heap.bytesInUse - kernels.scratchSize).toBe(before);
  });

  it('constant weights outside the heap are copied in once and reused; other arrays every call', () => {
    const kernels = createKernels('simd')!;
    const args = makeArgs({ inC: 6, inH: 9, inW: 10, outC: 8, k: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1] }, 11);
    const want = new Float32Array(args.output.length);
    conv2dReference({ ...args, output: want });
    conv2dSimd(kernels, { ...args, constantWeights: true });
    expectClose(args, args.output, want, 'first call');
    expect(kernels.constantSize).toBe((args.weights.length + args.bias!.length) * 4);
    const inUse = kernels.heap.bytesInUse;
    // Same arrays (or a view of the same range): no new copy.
    conv2dSimd(kernels, { ...args, weights: args.weights.subarray(0), constantWeights: true });
    expect(kernels.heap.bytesInUse).toBe(inUse);
    expect(kernels.constantSize).toBe((args.weights.length + args.bias!.length) * 4);
    expectClose(args, args.output, want, 'second call');
    // Without the promise nothing is remembered; with other weights, a second copy.
    conv2dSimd(kernels, args);
    expect(kernels.heap.bytesInUse).toBe(inUse);
    const other = { ...args, weights: args.weights.map((v) => -v) };
    conv2dSimd(kernels, { ...other, constantWeights: true });
    expect(kernels.constantSize).toBe((2 * args.weights.length + args.bias!.length) * 4);
    const wantOther = new Float32Array(args.output.length);
    conv2dReference({ ...other, output: wantOther });
    expectClose(other, args.output, wantOther, 'other weights');
  });

  it('reserve grows once so the allocations it covers keep every view alive', () => {
    const heap = new KernelHeap(1024);
    heap.reserve(10 * 65536);
    const grown = heap.growths;
    expect(grown).toBe(1);
    const first = heap.allocF32(1000);
    const view = first.data;
    for (let i = 0; i < 9; i++) heap.alloc(65536 - 64 * 2);
    expect(heap.growths).toBe(grown);
    view[0] = 42;
    expect(first.data[0]).toBe(42);
    expect(view.length).toBe(1000);
    // Beyond the reservation the memory grows and the old view is detached.
    heap.alloc(4 * 65536);
    expect(heap.growths).toBe(grown + 1);
    expect(view.length).toBe(0);
    expect(first.data[0]).toBe(42);
  });

  it('the allocator reuses released blocks and merges neighbours', () => {
    const heap = new KernelHeap(1024);
    const a = heap.alloc(100);
    const b = heap.alloc(100);
    const c = heap.alloc(100);
    expect([a, b, c]).toEqual([1024, 1152, 1280]);
    heap.release(a);
    heap.release(b);
    // a and b merged: a 200-byte request fits where they were.
    expect(heap.alloc(200)).toBe(1024);
    heap.release(c);
    expect(heap.alloc(64)).toBe(1280);
    expect(() => heap.release(7)).toThrow(/not an allocated block/);
    const small = new KernelHeap(0, 2);
    expect(() => small.alloc(3 * 65536)).toThrow(/cannot allocate 196608 bytes/);
  });

  it('the inlined wasm decodes to valid modules, and only the second uses relaxed SIMD', () => {
    for (const text of [KERNELS_WASM_BASE64, KERNELS_RELAXED_WASM_BASE64]) {
      const bytes = decodeBase64(text);
      expect(Buffer.from(bytes).equals(Buffer.from(text, 'base64'))).toBe(true);
      expect(WebAssembly.validate(bytes)).toBe(true);
    }
    // 0xfd 0x85 0x02 is f32x4.relaxed_madd (opcode 0x105 as a LEB128 after the SIMD prefix).
    const has = (text: string) => Buffer.from(text, 'base64').includes(Buffer.from([0xfd, 0x85, 0x02]));
    expect(has(KERNELS_RELAXED_WASM_BASE64)).toBe(true);
    expect(has(KERNELS_WASM_BASE64)).toBe(false);
    // With the flag set above, the process-wide kernels take the relaxed build.
    expect(simdKernels()!.variant).toBe('relaxed-simd');
  });

  it('kernels.generated.ts is up to date with kernels/assembly (node scripts/build-kernels.mjs)', () => {
    const out = execFileSync(process.execPath, [join(repoRoot, 'scripts/build-kernels.mjs'), '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(out).toContain('up to date');
  });
});
