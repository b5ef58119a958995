// Two kernel threads (shared/executor/parallel.ts): a helper worker thread over the shared kernel
// heap computes part of each large gemm / conv2d / depthwise call. The results must be exactly
// (bit for bit) what one thread computes, on awkward shapes and on a whole network, and the calls
// must really have been split.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModel, seededRandom } from '../../shared/executor';
import { conv2dSimd, gemmSimd, isDepthwise3x3, type Conv2dArgs, type GemmArgs } from '../../shared/executor/kernels/conv';
import { decodeNpy } from '../../shared/executor/npy';
import { KernelThreads, MIN_SPLIT_MACS, kernelThreadCount, splitBlocks, startKernelThreads, stopKernelThreadsForTesting } from '../../shared/executor/parallel';
import type { FeatureValue } from '../../shared/executor/types';
import { createKernels, setSimdKernelsForTesting, simdKernels, type WasmKernels } from '../../shared/executor/wasm/kernels';
import { decodeModel } from '../../shared/format/model';
import { SHARED, sharedPresent } from '../support/shared-data';
import { spawnKernelHelper } from '../../cli/run';

/** The helper as the CLI starts it: a worker thread running the source. */
const spawnNodeHelper = spawnKernelHelper;

function randomArray(next: () => number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = next() * 2 - 1;
  return a;
}

interface ConvCase {
  inC: number; inH: number; inW: number; outC: number; k: number; stride: number;
  pad: [number, number, number, number]; groups?: number; bias?: boolean; clamp?: boolean; dilation?: number;
}

function convArgs(c: ConvCase, seed: number): Conv2dArgs {
  const next = seededRandom(seed);
  const groups = c.groups ?? 1;
  const d = c.dilation ?? 1;
  const [pt, pb, pl, pr] = c.pad;
  const outH = Math.floor((c.inH + pt + pb - (d * (c.k - 1) + 1)) / c.stride) + 1;
  const outW = Math.floor((c.inW + pl + pr - (d * (c.k - 1) + 1)) / c.stride) + 1;
  return {
    input: randomArray(next, c.inC * c.inH * c.inW), inC: c.inC, inH: c.inH, inW: c.inW,
    weights: randomArray(next, c.outC * (c.inC / groups) * c.k * c.k), outC: c.outC, kH: c.k, kW: c.k,
    strideY: c.stride, strideX: c.stride, dilationY: d, dilationX: d, padTop: pt, padBottom: pb, padLeft: pl, padRight: pr, groups,
    ...(c.bias === false ? {} : { bias: randomArray(next, c.outC) }),
    ...(c.clamp ? { activation: { min: 0, max: 6 } } : {}),
    output: new Float32Array(c.outC * outH * outW), outH, outW,
  };
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** The first element where two results differ in any bit, or 'identical'. */
function firstDifference(a: Float32Array, b: Float32Array): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  const x = bits(a), y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `element ${i}: ${a[i]} vs ${b[i]}`;
  return 'identical';
}

const CONV_CASES: [string, ConvCase][] = [
  ['3x3 32->32 at 56x56 (split by pixels)', { inC: 32, inH: 56, inW: 56, outC: 32, k: 3, stride: 1, pad: [1, 1, 1, 1], clamp: true }],
  ['3x3 stride 2 at 57x45, SAME padding bottom/right only', { inC: 24, inH: 57, inW: 45, outC: 40, k: 3, stride: 2, pad: [0, 1, 0, 1] }],
  ['1x1 160->960 at 7x7 (split by output channels)', { inC: 160, inH: 7, inW: 7, outC: 960, k: 1, stride: 1, pad: [0, 0, 0, 0], clamp: true }],
  ['1x1 96->27 at 29x31, no bias (odd channels and pixels)', { inC: 96, inH: 29, inW: 31, outC: 27, k: 1, stride: 1, pad: [0, 0, 0, 0], bias: false }],
  ['5x5 dilated 2, 13 channels out, 33x35', { inC: 16, inH: 33, inW: 35, outC: 13, k: 5, stride: 1, pad: [4, 4, 4, 4], dilation: 2 }],
  ['grouped 3x3, 4 groups of 12->10', { inC: 48, inH: 30, inW: 22, outC: 40, k: 3, stride: 1, pad: [1, 1, 1, 1], groups: 4 }],
  ['7x7 stride 2 first layer, 3 channels', { inC: 3, inH: 113, inW: 97, outC: 17, k: 7, stride: 2, pad: [3, 3, 3, 3] }],
  ['depthwise 3x3 stride 1 at 56x56', { inC: 144, inH: 56, inW: 56, outC: 144, k: 3, stride: 1, pad: [1, 1, 1, 1], groups: 144, clamp: true }],
  ['depthwise 3x3 stride 2 at 113x87, 37 channels', { inC: 37, inH: 113, inW: 87, outC: 37, k: 3, stride: 2, pad: [0, 1, 0, 1], groups: 37 }],
  ['depthwise 5x5 (through conv2d) at 30x30', { inC: 64, inH: 30, inW: 30, outC: 64, k: 5, stride: 1, pad: [2, 2, 2, 2], groups: 64 }],
];

const GEMM_CASES: [string, Omit<GemmArgs, 'A' | 'B' | 'C' | 'bias'> & { bias?: boolean }][] = [
  ['square 256', { M: 256, N: 256, K: 256 }],
  ['tall 1001x13, K 37, bias per row, clamp', { M: 1001, N: 13, K: 37, bias: true, biasPer: 'row', activation: { min: -0.5, max: 0.5 } }],
  ['wide 9x2051, K 129, bias per column', { M: 9, N: 2051, K: 129, bias: true }],
  ['innerProduct of one vector: 1x1000, K 1280, transposed B', { M: 1, N: 1000, K: 1280, transB: true, bias: true }],
  ['two vectors: 2x1003, K 517, transposed B', { M: 2, N: 1003, K: 517, transB: true }],
  ['batch of 6 against a transposed B, 6x700, K 300', { M: 6, N: 700, K: 300, transB: true, bias: true }],
];

function gemmArgs(c: (typeof GEMM_CASES)[number][1], seed: number): GemmArgs {
  const next = seededRandom(seed);
  const { bias, ...rest } = c;
  return {
    ...rest, A: randomArray(next, c.M * c.K), B: randomArray(next, c.K * c.N), C: new Float32Array(c.M * c.N),
    ...(bias ? { bias: randomArray(next, c.biasPer === 'row' ? c.M : c.N) } : {}),
  };
}

let single: WasmKernels;
let threaded: WasmKernels;

beforeAll(async () => {
  single = createKernels(simdKernels()!.variant)!;
  expect(await startKernelThreads(spawnNodeHelper)).toBe(2);
  threaded = simdKernels()!;
});

afterAll(() => {
  stopKernelThreadsForTesting();
  setSimdKernelsForTesting(undefined);
});

describe('two kernel threads', () => {
  it('run over a shared heap, with a helper that has started', () => {
    expect(threaded).not.toBe(single);
    expect(threaded.heap.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(threaded.helper).toBeInstanceOf(KernelThreads);
    expect(kernelThreadCount()).toBe(2);
  });

  it('cut outputs at tile multiples, by pixels for large maps and by channels for 7x7 ones', () => {
    const cols = (...n: number[]) => n.slice(1).map((n1, i) => ({ m0: 0, m1: 32, n0: n[i], n1 }));
    expect(splitBlocks(32, 3136)).toEqual(cols(0, 784, 1568, 2352, 3136));
    expect(splitBlocks(960, 49)).toEqual([0, 240, 480, 720].map((m0) => ({ m0, m1: m0 + 240, n0: 0, n1: 49 })));
    expect(splitBlocks(4, 8)).toBeNull();
    expect(splitBlocks(37, 1, 1, 1)).toEqual([[0, 9], [9, 18], [18, 27], [27, 37]].map(([m0, m1]) => ({ m0, m1, n0: 0, n1: 1 })));
    // Every block boundary is a whole tile, and the blocks cover the output once.
    const blocks = splitBlocks(1001, 13)!;
    expect(blocks.map((b) => b.m0 % 4)).toEqual([0, 0, 0, 0]);
    expect(blocks.reduce((s, b) => s + (b.m1 - b.m0) * (b.n1 - b.n0), 0)).toBe(1001 * 13);
  });

  CONV_CASES.forEach(([name, c], i) => {
    it(`conv2d ${name}: identical to one thread`, () => {
      const args = convArgs(c, 100 + i);
      const one = new Float32Array(args.output.length);
      conv2dSimd(single, { ...args, output: one });
      const helper = threaded.helper as KernelThreads;
      const before = helper.splits;
      const two = new Float32Array(args.output.length);
      conv2dSimd(threaded, { ...args, output: two });
      expect(helper.splits, 'the call was split between the threads').toBe(before + 1);
      expect(firstDifference(two, one)).toBe('identical');
      if (c.groups === c.inC && c.k === 3) expect(isDepthwise3x3(args)).toBe(true);
    });
  });

  GEMM_CASES.forEach(([name, c], i) => {
    it(`gemm ${name}: identical to one thread`, () => {
      const args = gemmArgs(c, 200 + i);
      const one = new Float32Array(args.C.length);
      gemmSimd(single, { ...args, C: one });
      const helper = threaded.helper as KernelThreads;
      const before = helper.splits;
      const two = new Float32Array(args.C.length);
      gemmSimd(threaded, { ...args, C: two });
      expect(helper.splits, 'the call was split between the threads').toBe(before + (c.M * c.N * c.K >= MIN_SPLIT_MACS ? 1 : 0));
      expect(firstDifference(two, one)).toBe('identical');
    });
  });

  it('a small call stays on one thread', () => {
    const args = convArgs({ inC: 8, inH: 10, inW: 10, outC: 8, k: 3, stride: 1, pad: [1, 1, 1, 1] }, 7);
    const helper = threaded.helper as KernelThreads;
    const before = helper.splits;
    conv2dSimd(threaded, args);
    expect(helper.splits).toBe(before);
  });
});

const MOBILENET = join(SHARED, 'conformance', 'convert_mobilenet_v2');

describe.skipIf(!sharedPresent || !existsSync(MOBILENET))('two kernel threads on a whole network', () => {
  it('convert_mobilenet_v2: every blob identical to one thread, and within the case tolerance', () => {
    const spec = JSON.parse(readFileSync(join(MOBILENET, 'case.json'), 'utf8')) as {
      inputs: { name: string; file: string }[]; outputs: { name: string; file: string; atol: number; rtol: number }[];
    };
    const model = decodeModel(new Uint8Array(readFileSync(join(MOBILENET, 'model.mlmodel'))));
    const inputs = new Map<string, FeatureValue>();
    for (const i of spec.inputs) {
      const a = decodeNpy(new Uint8Array(readFileSync(join(MOBILENET, i.file))));
      inputs.set(i.name, { kind: 'tensor', tensor: { shape: a.shape, data: a.data } });
    }
    const helper = threaded.helper as KernelThreads;
    const before = helper.splits, helped = helper.helperBlocks;
    const two = runModel(model, inputs, { blobs: 'all' });
    const splits = helper.splits - before;
    expect(helper.helperBlocks - helped, 'the helper computed some of the blocks').toBeGreaterThan(0);
    expect(two.threads).toBe(2);
    setSimdKernelsForTesting(single);
    let one;
    try {
      one = runModel(model, inputs, { blobs: 'all' });
    } finally {
      setSimdKernelsForTesting(threaded);
    }
    expect(one.threads).toBe(1);
    // MobileNetV2 has 52 convolutions (17 of them depthwise) and a classifier: most are split.
    expect(splits).toBeGreaterThan(40);
    expect(two.blobs.size).toBe(one.blobs.size);
    for (const [name, t] of one.blobs) expect(firstDifference(two.blobs.get(name)!.data, t.data), `blob ${name}`).toBe('identical');
    for (const o of spec.outputs) {
      const expected = decodeNpy(new Uint8Array(readFileSync(join(MOBILENET, o.file)))).data;
      const v = two.outputs.get(o.name) as Extract<FeatureValue, { kind: 'tensor' }>;
      let worst = 0;
      for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(v.tensor.data[k] - expected[k]) - (o.atol + o.rtol * Math.abs(expected[k])));
      expect(worst).toBeLessThanOrEqual(0);
    }
  });
});
