/**
 * Convolution and GEMM kernels for the executor.
 *
 * The `*Reference` functions are plain TypeScript, kept forever as the definition the SIMD
 * (WebAssembly) kernels are tested against. `conv2d` and `gemm` are what the layer kernels call:
 * they dispatch to the SIMD kernels when WebAssembly SIMD is available, else to the reference.
 *
 * SIMD paths (shared/executor/wasm): convolution is im2col into 8-column panels + a 4x8 register-
 * tiled GEMM per group with bias and clamp fused; 1x1 stride-1 convolution is a direct GEMM on
 * the input planes; depthwise 3x3 with stride 1 or 2 has its own kernel. Arrays that live in the
 * kernel heap (`simdKernels().heap`) are used in place, others are copied in and out per call.
 * Where the host gives the executor a second thread (../parallel.ts), a large call is cut in two
 * blocks of its output computed at once, with results identical to one thread.
 *
 * Layouts follow Core ML (NeuralNetwork.proto, ConvolutionLayerParams): input [inC, inH, inW]
 * for one batch item, weights [outC, inC / groups, kH, kW], output [outC, outH, outW]; padding
 * is zeros. The caller computes outH / outW (valid, same or explicit padding are its business).
 */

import { runSplit } from '../parallel';
import { BIAS_NONE, BIAS_PER_COL, BIAS_PER_ROW, simdKernels, type WasmKernels } from '../wasm/kernels';

/** Clamp fused into the kernel's store: ReLU is { min: 0, max: Infinity }, ReLU6 { min: 0, max: 6 }. */
export interface Clamp {
  min: number;
  max: number;
}

export interface Conv2dArgs {
  /** [inC, inH, inW], one batch item. */
  input: Float32Array;
  inC: number;
  inH: number;
  inW: number;
  /** Core ML layout [outC, inC / groups, kH, kW]. */
  weights: Float32Array;
  outC: number;
  kH: number;
  kW: number;
  strideY: number;
  strideX: number;
  dilationY: number;
  dilationX: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  groups: number;
  /** Length outC. */
  bias?: Float32Array;
  /** Optional clamp applied after the bias (fused activation). */
  activation?: Clamp;
  /**
   * The caller promises `weights` and `bias` never change (an executor's cached model weights):
   * outside the kernel heap they are then copied in once and reused on later calls, instead of
   * on every call (MobileNetV2: ~9 MB of copying per run saved).
   */
  constantWeights?: boolean;
  /** [outC, outH, outW], overwritten. */
  output: Float32Array;
  outH: number;
  outW: number;
}

/** Throws a RangeError naming `kernel` and the field when a size is not an integer >= `min`. */
function requireIntegers<T extends object>(kernel: string, args: T, fields: readonly (keyof T & string)[], min: number): void {
  for (const f of fields) {
    const v = args[f] as unknown as number;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${kernel}: ${f} must be a ${min > 0 ? 'positive' : 'non-negative'} integer, got ${v}`);
  }
}

/** Throws a RangeError naming `kernel` and the array when it holds fewer than `needs` values. */
function requireLength(kernel: string, field: string, array: Float32Array | undefined, needs: number): void {
  if (array && array.length < needs) throw new RangeError(`${kernel}: ${field} has ${array.length} values, needs ${needs}`);
}

export function checkConv2dArgs(a: Conv2dArgs): void {
  requireIntegers('conv2d', a, ['inC', 'inH', 'inW', 'outC', 'kH', 'kW', 'strideY', 'strideX', 'dilationY', 'dilationX', 'groups', 'outH', 'outW'], 1);
  requireIntegers('conv2d', a, ['padTop', 'padBottom', 'padLeft', 'padRight'], 0);
  if (a.inC % a.groups !== 0) throw new RangeError(`conv2d: groups (${a.groups}) must divide inC (${a.inC})`);
  if (a.outC % a.groups !== 0) throw new RangeError(`conv2d: groups (${a.groups}) must divide outC (${a.outC})`);
  requireLength('conv2d', 'input', a.input, a.inC * a.inH * a.inW);
  requireLength('conv2d', 'weights', a.weights, a.outC * (a.inC / a.groups) * a.kH * a.kW);
  requireLength('conv2d', 'output', a.output, a.outC * a.outH * a.outW);
  requireLength('conv2d', 'bias', a.bias, a.outC);
}

/** Direct convolution, the definition. */
export function conv2dReference(a: Conv2dArgs): void {
  checkConv2dArgs(a);
  const { input, inH, inW, weights, kH, kW, strideY, strideX, dilationY, dilationX, padTop, padLeft, output, outH, outW, bias } = a;
  const cinG = a.inC / a.groups;
  const coutG = a.outC / a.groups;
  const lo = a.activation ? a.activation.min : -Infinity;
  const hi = a.activation ? a.activation.max : Infinity;
  for (let oc = 0; oc < a.outC; oc++) {
    const g = Math.floor(oc / coutG);
    const b = bias ? bias[oc] : 0;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let sum = 0;
        for (let ic = 0; ic < cinG; ic++) {
          const inBase = (g * cinG + ic) * inH * inW;
          const wBase = (oc * cinG + ic) * kH * kW;
          for (let ky = 0; ky < kH; ky++) {
            const iy = oy * strideY - padTop + ky * dilationY;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < kW; kx++) {
              const ix = ox * strideX - padLeft + kx * dilationX;
              if (ix < 0 || ix >= inW) continue;
              sum += input[inBase + iy * inW + ix] * weights[wBase + ky * kW + kx];
            }
          }
        }
        let v = sum + b;
        if (v < lo) v = lo;
        if (v > hi) v = hi;
        output[(oc * outH + oy) * outW + ox] = v;
      }
    }
  }
}

export interface GemmArgs {
  M: number;
  N: number;
  K: number;
  /** M x K row-major. */
  A: Float32Array;
  /** K x N row-major, or N x K when transB (an innerProduct weight matrix [outC, inC] as stored). */
  B: Float32Array;
  transB?: boolean;
  /** M x N row-major, overwritten. */
  C: Float32Array;
  /** Length N added to each row ('column', the default) or length M added to each column ('row'). */
  bias?: Float32Array;
  biasPer?: 'column' | 'row';
  activation?: Clamp;
  /** The caller promises `B` and `bias` never change (weights): copied into the heap once (see Conv2dArgs). */
  constantB?: boolean;
}

export function checkGemmArgs(g: GemmArgs): void {
  requireIntegers('gemm', g, ['M', 'N', 'K'], 0);
  const { M, N, K } = g;
  requireLength('gemm', 'A', g.A, M * K);
  requireLength('gemm', 'B', g.B, K * N);
  requireLength('gemm', 'C', g.C, M * N);
  requireLength('gemm', 'bias', g.bias, g.biasPer === 'row' ? M : N);
}

/** The general GEMM, the definition (accumulates in double). */
export function gemmGeneralReference(g: GemmArgs): void {
  checkGemmArgs(g);
  const { M, N, K, A, B, C, bias } = g;
  const lo = g.activation ? g.activation.min : -Infinity;
  const hi = g.activation ? g.activation.max : Infinity;
  const perRow = g.biasPer === 'row';
  const row = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    row.fill(0);
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k];
      if (g.transB) {
        for (let j = 0; j < N; j++) row[j] += a * B[j * K + k];
      } else {
        const bRow = k * N;
        for (let j = 0; j < N; j++) row[j] += a * B[bRow + j];
      }
    }
    for (let j = 0; j < N; j++) {
      let v = row[j] + (bias ? bias[perRow ? i : j] : 0);
      if (v < lo) v = lo;
      if (v > hi) v = hi;
      C[i * N + j] = v;
    }
  }
}

/** The positional form of a GEMM (callers that have no per-row bias or transposed B). */
export type PositionalGemm = (
  M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, bias?: Float32Array, activation?: Clamp,
) => void;

const positional = (run: (args: GemmArgs) => void): PositionalGemm =>
  (M, N, K, A, B, C, bias, activation) => run({ M, N, K, A, B, C, bias, activation });

/** C[M x N] = A[M x K] * B[K x N] (+ bias[N] on each row), row-major; C is overwritten. */
export const gemmReference: PositionalGemm = positional(gemmGeneralReference);

/** Convolution for one batch item; SIMD when available (see the module comment). */
export function conv2d(args: Conv2dArgs): void {
  const kernels = simdKernels();
  if (kernels) conv2dSimd(kernels, args);
  else conv2dReference(args);
}

/** C = A * B (+ bias[N] on each row) (clamped); SIMD when available. */
export const gemm: PositionalGemm = positional(gemmGeneral);

/** GEMM with a transposed B and/or a per-row bias (innerProduct, batchedMatMul); SIMD when available. */
export function gemmGeneral(args: GemmArgs): void {
  const kernels = simdKernels();
  if (kernels) gemmSimd(kernels, args);
  else gemmGeneralReference(args);
}

/** Whether conv2d takes the dedicated depthwise 3x3 kernel for these arguments. */
export function isDepthwise3x3(a: Conv2dArgs): boolean {
  return (
    a.groups === a.inC && a.outC === a.inC && a.kH === 3 && a.kW === 3 && a.dilationY === 1 && a.dilationX === 1 &&
    a.strideY === a.strideX && (a.strideY === 1 || a.strideY === 2)
  );
}

/**
 * SIMD convolution. A large call runs on two threads when the process has a helper thread
 * (../parallel.ts): depthwise by channels, the others by output pixels or output channels.
 */
export function conv2dSimd(kernels: WasmKernels, a: Conv2dArgs): void {
  checkConv2dArgs(a);
  const e = kernels.exports;
  const lo = a.activation ? a.activation.min : -Infinity;
  const hi = a.activation ? a.activation.max : Infinity;
  const hasBias = a.bias ? 1 : 0;
  const constant = a.constantWeights ? [1, 2] : [];
  const pixels = a.outH * a.outW;
  if (isDepthwise3x3(a)) {
    const scratch = e.depthwise3x3ScratchBytes(a.inH, a.inW, a.strideY, a.padTop, a.padLeft, a.outH, a.outW);
    const inPlane = a.inH * a.inW * 4, outPlane = pixels * 4;
    kernels.withArrays([a.input, a.weights, a.bias, a.output], 3, scratch, ([ip, wp, bp, op]) => {
      // Channels [m0, m1): the kernel's pointers moved to channel m0.
      runSplit(kernels, 'depthwise3x3', a.inC * pixels * 9, a.inC, 1, ({ m0, m1 }, s) => [
        m1 - m0, a.inH, a.inW, a.strideY, a.padTop, a.padLeft, ip + m0 * inPlane, wp + m0 * 36, hasBias ? bp + m0 * 4 : bp, hasBias,
        op + m0 * outPlane, a.outH, a.outW, lo, hi, s,
      ], 1, 1);
    }, constant);
    return;
  }
  const scratch = e.conv2dScratchBytes(a.inC, a.kH, a.kW, a.groups);
  const coutG = a.outC / a.groups;
  const macs = a.outC * pixels * (a.inC / a.groups) * a.kH * a.kW;
  kernels.withArrays([a.input, a.weights, a.bias, a.output], 3, scratch, ([ip, wp, bp, op]) => {
    runSplit(kernels, 'conv2d', macs, coutG, pixels, ({ m0, m1, n0, n1 }, s) => [
      a.inC, a.inH, a.inW, a.outC, a.kH, a.kW, a.strideY, a.strideX, a.dilationY, a.dilationX, a.padTop, a.padLeft, a.groups,
      ip, wp, bp, hasBias, op, a.outH, a.outW, lo, hi, s, m0, m1, n0, n1,
    ]);
  }, constant);
}

/** SIMD GEMM; a large call runs on two threads as conv2dSimd does. */
export function gemmSimd(kernels: WasmKernels, g: GemmArgs): void {
  checkGemmArgs(g);
  if (g.M === 0 || g.N === 0) return;
  const e = kernels.exports;
  const lo = g.activation ? g.activation.min : -Infinity;
  const hi = g.activation ? g.activation.max : Infinity;
  const biasMode = g.bias ? (g.biasPer === 'row' ? BIAS_PER_ROW : BIAS_PER_COL) : BIAS_NONE;
  const transB = g.transB ? 1 : 0;
  // One or two rows against a transposed B is a row of dot products (kernels/assembly/gemm.ts):
  // columns are cut in fours.
  const colUnit = transB && g.M <= 2 ? 4 : 8;
  kernels.withArrays([g.A, g.B, g.bias, g.C], 3, e.gemmScratchBytes(g.K), ([ap, bp, biasp, cp]) => {
    runSplit(kernels, 'gemm', g.M * g.N * g.K, g.M, g.N, ({ m0, m1, n0, n1 }, s) => [
      g.M, g.N, g.K, ap, bp, transB, cp, biasp, biasMode, lo, hi, s, m0, m1, n0, n1,
    ], 4, colUnit);
  }, g.constantB ? [1, 2] : []);
}
