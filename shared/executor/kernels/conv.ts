/**
 * Convolution and GEMM kernels for the executor.
 *
 * The `*Reference` functions are plain TypeScript, kept forever as the definition the SIMD
 * (WebAssembly) kernels are tested against. `conv2d` and `gemm` are what the layer kernels call:
 * they dispatch to the SIMD kernels when WebAssembly SIMD is available, else to the reference.
 *
 * Layouts follow Core ML (NeuralNetwork.proto, ConvolutionLayerParams): input [inC, inH, inW]
 * for one batch item, weights [outC, inC / groups, kH, kW], output [outC, outH, outW]; padding
 * is zeros. The caller computes outH / outW (valid, same or explicit padding are its business).
 */

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
  /** [outC, outH, outW], overwritten. */
  output: Float32Array;
  outH: number;
  outW: number;
}

export function checkConv2dArgs(a: Conv2dArgs): void {
  const fail = (field: string, why: string): never => {
    throw new RangeError(`conv2d: ${field} ${why}`);
  };
  for (const f of ['inC', 'inH', 'inW', 'outC', 'kH', 'kW', 'strideY', 'strideX', 'dilationY', 'dilationX', 'groups', 'outH', 'outW'] as const) {
    if (!Number.isInteger(a[f]) || a[f] < 1) fail(f, `must be a positive integer, got ${a[f]}`);
  }
  for (const f of ['padTop', 'padBottom', 'padLeft', 'padRight'] as const) {
    if (!Number.isInteger(a[f]) || a[f] < 0) fail(f, `must be a non-negative integer, got ${a[f]}`);
  }
  if (a.inC % a.groups !== 0) fail('groups', `(${a.groups}) must divide inC (${a.inC})`);
  if (a.outC % a.groups !== 0) fail('groups', `(${a.groups}) must divide outC (${a.outC})`);
  if (a.input.length < a.inC * a.inH * a.inW) fail('input', `has ${a.input.length} values, needs ${a.inC * a.inH * a.inW}`);
  const wLen = a.outC * (a.inC / a.groups) * a.kH * a.kW;
  if (a.weights.length < wLen) fail('weights', `has ${a.weights.length} values, needs ${wLen}`);
  if (a.output.length < a.outC * a.outH * a.outW) fail('output', `has ${a.output.length} values, needs ${a.outC * a.outH * a.outW}`);
  if (a.bias && a.bias.length < a.outC) fail('bias', `has ${a.bias.length} values, needs ${a.outC}`);
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

/** C[M x N] = A[M x K] * B[K x N] (+ bias[N] on each row), row-major; C is overwritten. */
export function gemmReference(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
  bias?: Float32Array,
  activation?: Clamp,
): void {
  checkGemmArgs(M, N, K, A, B, C, bias);
  const lo = activation ? activation.min : -Infinity;
  const hi = activation ? activation.max : Infinity;
  const row = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    row.fill(0);
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k];
      if (a === 0) continue;
      const bRow = k * N;
      for (let j = 0; j < N; j++) row[j] += a * B[bRow + j];
    }
    for (let j = 0; j < N; j++) {
      let v = row[j] + (bias ? bias[j] : 0);
      if (v < lo) v = lo;
      if (v > hi) v = hi;
      C[i * N + j] = v;
    }
  }
}

export function checkGemmArgs(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, bias?: Float32Array): void {
  const fail = (field: string, why: string): never => {
    throw new RangeError(`gemm: ${field} ${why}`);
  };
  for (const [f, v] of [['M', M], ['N', N], ['K', K]] as const) {
    if (!Number.isInteger(v) || v < 0) fail(f, `must be a non-negative integer, got ${v}`);
  }
  if (A.length < M * K) fail('A', `has ${A.length} values, needs ${M * K}`);
  if (B.length < K * N) fail('B', `has ${B.length} values, needs ${K * N}`);
  if (C.length < M * N) fail('C', `has ${C.length} values, needs ${M * N}`);
  if (bias && bias.length < N) fail('bias', `has ${bias.length} values, needs ${N}`);
}

/** Convolution for one batch item; SIMD when available (see the module comment). */
export function conv2d(args: Conv2dArgs): void {
  conv2dReference(args);
}

/** C = A * B (+ bias per column) (clamped); SIMD when available. */
export function gemm(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
  bias?: Float32Array,
  activation?: Clamp,
): void {
  gemmReference(M, N, K, A, B, C, bias, activation);
}
