/**
 * Element-wise helpers that take the SIMD path only when every array already lives in the kernel
 * heap (`simdKernels().heap`, or the `kernels` passed); otherwise a plain monomorphic loop, which beats copying in and out.
 * Prefer fusing a clip or ReLU into the convolution before it (Conv2dArgs.activation): free.
 */
import { simdKernels, type WasmKernels } from './kernels';

function inHeap(k: WasmKernels | null, ...arrays: Float32Array[]): k is WasmKernels {
  return !!k && arrays.every((a) => k.heap.holds(a));
}

/** out[i] = min(max(x[i], lo), hi); out may be x. */
export function clampF32(x: Float32Array, out: Float32Array, lo: number, hi: number, kernels = simdKernels()): void {
  const n = Math.min(x.length, out.length);
  if (inHeap(kernels, x, out)) {
    kernels.exports.clamp(x.byteOffset, out.byteOffset, n, lo, hi);
    return;
  }
  for (let i = 0; i < n; i++) {
    let v = x[i];
    if (hi < v) v = hi;
    if (v < lo) v = lo;
    out[i] = v;
  }
}

/** out[i] = a[i] + b[i] (same lengths, no broadcasting); out may be a or b. */
export function addF32(a: Float32Array, b: Float32Array, out: Float32Array, kernels = simdKernels()): void {
  const n = Math.min(a.length, b.length, out.length);
  if (inHeap(kernels, a, b, out)) {
    kernels.exports.add(a.byteOffset, b.byteOffset, out.byteOffset, n);
    return;
  }
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
}

/** out[c] = the mean of plane c of x ([C, plane]): global average pooling. */
export function planeMeansF32(x: Float32Array, out: Float32Array, C: number, plane: number, kernels = simdKernels()): void {
  if (x.length < C * plane || out.length < C) throw new RangeError(`planeMeans: needs ${C * plane} inputs and ${C} outputs`);
  if (inHeap(kernels, x, out)) {
    kernels.exports.planeMeans(x.byteOffset, out.byteOffset, C, plane);
    return;
  }
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) s += x[i];
    out[c] = s / plane;
  }
}
