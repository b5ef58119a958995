// Sliding-window layers: convolution and deconvolution (2-D and 3-D) and pooling (2-D and 3-D).
// Padding follows NeuralNetwork.proto (ValidPadding, SamePadding, ValidCompletePadding); the
// arithmetic of one 2-D convolution is helper kernels' conv2d / gemm (kernels/conv.ts).
import type { BatchnormLayerParams, BorderAmounts, ConvolutionLayerParams, PoolingLayerParams, SamePadding, ValidPadding } from '../../format';
import { emptyTensor, makeTensor, sizeOf } from '../tensor';
import { planeMeansF32 } from '../wasm/elementwise';
import type { Tensor } from '../types';
import { conv2d, gemm } from './conv';
import type { KernelContext, PartialKernelTable } from './types';

const pair = (v: readonly number[] | undefined, dflt: number): [number, number] => {
  const a = (v ?? []).map(Number);
  return a.length >= 2 ? [a[0] || dflt, a[1] || dflt] : a.length === 1 ? [a[0] || dflt, a[0] || dflt] : [dflt, dflt];
};

const borders = (b: BorderAmounts | undefined): { top: number; bottom: number; left: number; right: number } => {
  const e = b?.borderAmounts ?? [];
  return {
    top: Number(e[0]?.startEdgeSize ?? 0), bottom: Number(e[0]?.endEdgeSize ?? 0),
    left: Number(e[1]?.startEdgeSize ?? 0), right: Number(e[1]?.endEdgeSize ?? 0),
  };
};

interface Axis { out: number; before: number; after: number }

/** ValidPadding: floor((X + pads - K) / s) + 1 with the effective (dilated) kernel size K. */
function validAxis(x: number, k: number, s: number, before: number, after: number): Axis {
  const out = Math.floor((x + before + after - k) / s) + 1;
  if (out < 1) throw new Error(`the window (${k}) does not fit the padded input (${x} + ${before} + ${after})`);
  return { out, before, after };
}

/**
 * SamePadding: out = ceil(X / s); total = max(0, (out-1)*s + K - X); BOTTOM_RIGHT_HEAVY puts the
 * odd pixel after, TOP_LEFT_HEAVY before.
 */
function sameAxis(x: number, k: number, s: number, same: SamePadding): Axis {
  const out = Math.ceil(x / s);
  const total = Math.max(0, (out - 1) * s + k - x);
  const small = Math.floor(total / 2);
  return (same.asymmetryMode ?? 0) === 1 ? { out, before: total - small, after: small } : { out, before: small, after: total - small };
}

function convAxes(valid: ValidPadding | undefined, same: SamePadding | undefined, H: number, W: number, kH: number, kW: number, sH: number, sW: number): [Axis, Axis] {
  if (same) return [sameAxis(H, kH, sH, same), sameAxis(W, kW, sW, same)];
  const b = borders(valid?.paddingAmounts);
  return [validAxis(H, kH, sH, b.top, b.bottom), validAxis(W, kW, sW, b.left, b.right)];
}

/** The leading axes of a rank ≥ 4 input (or rank-5 blob) as one batch, then [C, H, W]. */
function spatial(x: Tensor, what: string): { batch: number; C: number; H: number; W: number } {
  const r = x.shape.length;
  if (r < 3) throw new Error(`${what} needs an input of rank 3 or more, got [${x.shape}]`);
  return { batch: sizeOf(x.shape.slice(0, r - 3)), C: x.shape[r - 3], H: x.shape[r - 2], W: x.shape[r - 1] };
}

const withCHW = (shape: readonly number[], C: number, H: number, W: number): number[] => [...shape.slice(0, shape.length - 3), C, H, W];

function convolution(ctx: KernelContext<ConvolutionLayerParams>): Tensor[] {
  const p = ctx.params;
  const x = ctx.inputs[0];
  const { batch, C, H, W } = spatial(x, 'convolution');
  const groups = Number(p.nGroups ?? 0) || 1;
  const [kH, kW] = pair(p.kernelSize, 3);
  const [sH, sW] = pair(p.stride, 1);
  const outC = Number(p.outputChannels ?? 0);
  const kernelChannels = Number(p.kernelChannels ?? 0);
  if (p.isDeconvolution) {
    const y = deconvolution(ctx, x, batch, C, H, W, groups, kH, kW, sH, sW, outC, kernelChannels);
    if (ctx.clamp) { const { min, max } = ctx.clamp; for (let i = 0; i < y.data.length; i++) y.data[i] = Math.min(Math.max(y.data[i], min), max); }
    return [y];
  }
  const [dH, dW] = pair(p.dilationFactor, 1);
  if (C !== kernelChannels * groups) throw new Error(`input has ${C} channels; kernelChannels ${kernelChannels} × nGroups ${groups} = ${kernelChannels * groups}`);
  const weights = ctx.inputs[1]
    ? ctx.inputs[1].data
    : ctx.weights(p.weights, { count: outC * kernelChannels * kH * kW, what: 'weights' });
  if (weights.length !== outC * kernelChannels * kH * kW) throw new Error(`the weights input holds ${weights.length} values, expected ${outC * kernelChannels * kH * kW}`);
  let bias = p.hasBias ? ctx.weights(p.bias, { count: outC, what: 'bias' }) : undefined;
  let w = weights;
  if (ctx.batchnorm && !ctx.inputs[1]) ({ weights: w, bias } = foldedBatchnorm(ctx, weights, bias, outC));
  const [ay, ax] = convAxes(p.valid, p.same, H, W, (kH - 1) * dH + 1, (kW - 1) * dW + 1, sH, sW);
  // conv2d writes every output element.
  const out = emptyTensor(withCHW(x.shape, outC, ay.out, ax.out));
  const inSize = C * H * W, outSize = outC * ay.out * ax.out;
  for (let b = 0; b < batch; b++) {
    conv2d({
      input: x.data.subarray(b * inSize, (b + 1) * inSize), inC: C, inH: H, inW: W,
      weights: w, outC, kH, kW, strideY: sH, strideX: sW, dilationY: dH, dilationX: dW,
      padTop: ay.before, padBottom: ay.after, padLeft: ax.before, padRight: ax.after,
      groups, bias, output: out.data.subarray(b * outSize, (b + 1) * outSize), outH: ay.out, outW: ax.out,
      ...(ctx.clamp ? { activation: ctx.clamp } : {}),
      // Weights read from the layer are cached per model (ctx.weights): copied to the kernel heap once.
      constantWeights: !ctx.inputs[1],
    });
  }
  return [out];
}

const foldCache = new WeakMap<Float32Array, WeakMap<BatchnormLayerParams, { weights: Float32Array; bias: Float32Array }>>();

/**
 * A batchnorm y = gamma * (x - mean) / sqrt(variance + epsilon) + beta (NeuralNetwork.proto,
 * BatchnormLayerParams; epsilon 0 means 1e-5 as the batchnorm kernel reads it) applied to a
 * convolution's output is the convolution with each output channel's weights scaled by
 * k = gamma / sqrt(variance + epsilon) and bias k * (bias - mean) + beta. Cached per weights array
 * (itself cached per model) and batchnorm message.
 */
function foldedBatchnorm(
  ctx: KernelContext<ConvolutionLayerParams>, weights: Float32Array, bias: Float32Array | undefined, outC: number,
): { weights: Float32Array; bias: Float32Array } {
  const bn = ctx.batchnorm!;
  let byBn = foldCache.get(weights);
  const hit = byBn?.get(bn);
  if (hit && (bias === undefined) === !ctx.params.hasBias) return hit;
  const C = Number(bn.channels ?? 0);
  if (C !== outC) throw new Error(`the folded batchnorm has ${C} channels, the convolution ${outC} outputs`);
  const eps = bn.epsilon || 1e-5;
  const gamma = ctx.weights(bn.gamma, { count: C, what: 'batchnorm gamma' });
  const beta = ctx.weights(bn.beta, { count: C, what: 'batchnorm beta' });
  const mean = ctx.weights(bn.mean, { count: C, what: 'batchnorm mean' });
  const variance = ctx.weights(bn.variance, { count: C, what: 'batchnorm variance' });
  const per = weights.length / outC;
  const w = new Float32Array(weights.length);
  const b = new Float32Array(outC);
  for (let c = 0; c < outC; c++) {
    const k = gamma[c] / Math.sqrt(variance[c] + eps);
    for (let i = c * per; i < (c + 1) * per; i++) w[i] = weights[i] * k;
    b[c] = k * ((bias ? bias[c] : 0) - mean[c]) + beta[c];
  }
  const folded = { weights: w, bias: b };
  if (!byBn) { byBn = new WeakMap(); foldCache.set(weights, byBn); }
  byBn.set(bn, folded);
  return folded;
}

/**
 * Deconvolution (NeuralNetwork.proto, ConvolutionLayerParams with isDeconvolution): weights
 * [C_in, C_out / groups, kH, kW]; the full output is (X - 1) * s + k; padding amounts are what is
 * cropped from it (ValidPadding "With Deconvolution"); SAME gives X * s; `outputShape`, when set,
 * wins over the padding type. Dilation is ignored for deconvolution.
 */
function deconvolution(
  ctx: KernelContext<ConvolutionLayerParams>, x: Tensor, batch: number, C: number, H: number, W: number,
  groups: number, kH: number, kW: number, sH: number, sW: number, outC: number, kernelChannels: number,
): Tensor {
  const p = ctx.params;
  if (kernelChannels !== C) throw new Error(`input has ${C} channels; a deconvolution's kernelChannels (${kernelChannels}) must equal them`);
  const cinG = C / groups, coutG = outC / groups;
  if (!Number.isInteger(cinG) || !Number.isInteger(coutG)) throw new Error(`nGroups ${groups} does not divide ${C} input and ${outC} output channels`);
  const weights = ctx.weights(p.weights, { count: C * coutG * kH * kW, channelStride: kH * kW, what: 'weights' });
  const bias = p.hasBias ? ctx.weights(p.bias, { count: outC, what: 'bias' }) : undefined;
  const fullH = (H - 1) * sH + kH, fullW = (W - 1) * sW + kW;
  let outH: number, outW: number, top: number, left: number;
  const os = (p.outputShape ?? []).map(Number);
  if (os.length === 2 && os[0] > 0 && os[1] > 0) {
    // An explicit output size: crop the top/left padding amounts when the padding is valid (what
    // coremltools writes for torch's conv_transpose with output_padding), else split the excess
    // as SAME does (TensorFlow's conv2d_transpose: the smaller half on top).
    [outH, outW] = os;
    const b = borders(p.valid?.paddingAmounts);
    const tl = (p.same?.asymmetryMode ?? 0) === 1;
    const split = (excess: number) => (tl ? excess - Math.floor(excess / 2) : Math.floor(excess / 2));
    top = p.valid ? b.top : split(Math.max(0, fullH - outH));
    left = p.valid ? b.left : split(Math.max(0, fullW - outW));
  } else if (p.same) {
    outH = H * sH; outW = W * sW;
    const tH = Math.max(0, fullH - outH), tW = Math.max(0, fullW - outW);
    const tl = (p.same.asymmetryMode ?? 0) === 1;
    top = tl ? tH - Math.floor(tH / 2) : Math.floor(tH / 2);
    left = tl ? tW - Math.floor(tW / 2) : Math.floor(tW / 2);
  } else {
    const b = borders(p.valid?.paddingAmounts);
    outH = fullH - b.top - b.bottom; outW = fullW - b.left - b.right;
    top = b.top; left = b.left;
  }
  if (outH < 1 || outW < 1) throw new Error(`the output would be ${outH}×${outW}`);
  // Per group: cols[(oc, ky, kx), (iy, ix)] = Wᵀ · x, then scatter-add into the output (col2im).
  const M = coutG * kH * kW, N = H * W, K = cinG;
  const wT = transposedGroups(weights, groups, cinG, M);
  const cols = new Float32Array(M * N);
  const out = makeTensor(withCHW(x.shape, outC, outH, outW));
  const inSize = C * H * W, outSize = outC * outH * outW;
  for (let b = 0; b < batch; b++) {
    const o = out.data.subarray(b * outSize, (b + 1) * outSize);
    if (bias) for (let oc = 0; oc < outC; oc++) o.fill(bias[oc], oc * outH * outW, (oc + 1) * outH * outW);
    for (let g = 0; g < groups; g++) {
      const xg = x.data.subarray(b * inSize + g * cinG * N, b * inSize + (g + 1) * cinG * N);
      gemm(M, N, K, wT.subarray(g * M * K, (g + 1) * M * K), xg, cols);
      for (let ocg = 0; ocg < coutG; ocg++) {
        const oBase = (g * coutG + ocg) * outH * outW;
        for (let ky = 0; ky < kH; ky++) {
          for (let kx = 0; kx < kW; kx++) {
            const row = ((ocg * kH + ky) * kW + kx) * N;
            for (let iy = 0; iy < H; iy++) {
              const oy = iy * sH + ky - top;
              if (oy < 0 || oy >= outH) continue;
              for (let ix = 0; ix < W; ix++) {
                const ox = ix * sW + kx - left;
                if (ox < 0 || ox >= outW) continue;
                o[oBase + oy * outW + ox] += cols[row + iy * W + ix];
              }
            }
          }
        }
      }
    }
  }
  return out;
}

const transposeCache = new WeakMap<Float32Array, Float32Array>();
/** Per group g, the [cinG, M] block of the weights transposed to [M, cinG]. */
function transposedGroups(w: Float32Array, groups: number, cinG: number, M: number): Float32Array {
  const hit = transposeCache.get(w);
  if (hit) return hit;
  const t = new Float32Array(w.length);
  for (let g = 0; g < groups; g++) {
    const base = g * cinG * M;
    for (let k = 0; k < cinG; k++) for (let m = 0; m < M; m++) t[base + m * cinG + k] = w[base + k * M + m];
  }
  transposeCache.set(w, t);
  return t;
}

function pooling(ctx: KernelContext<PoolingLayerParams>): Tensor[] {
  const p = ctx.params;
  const x = ctx.inputs[0];
  const { batch, C, H, W } = spatial(x, 'pooling');
  let [kH, kW] = pair(p.kernelSize, 3);
  let [sH, sW] = pair(p.stride, 1);
  let ay: Axis, ax: Axis;
  if (p.globalPooling) {
    kH = H; kW = W; sH = 1; sW = 1;
    ay = { out: 1, before: 0, after: 0 }; ax = { out: 1, before: 0, after: 0 };
  } else if (p.includeLastPixel) {
    // ValidCompletePadding: H_out = ceil((H + 2p - k) / s) + 1, minus 1 when p > 0 and the last
    // window would start at or beyond H + p (NeuralNetwork.proto, PoolingLayerParams).
    const pads = (p.includeLastPixel.paddingAmounts ?? []).map(Number);
    const padH = pads[0] ?? 0, padW = pads[1] ?? 0;
    const complete = (X: number, k: number, s: number, pad: number): Axis => {
      let out = Math.ceil((X + 2 * pad - k) / s) + 1;
      if (pad > 0 && (out - 1) * s >= X + pad) out--;
      return { out, before: pad, after: pad };
    };
    ay = complete(H, kH, sH, padH); ax = complete(W, kW, sW, padW);
  } else {
    [ay, ax] = convAxes(p.valid, p.same, H, W, kH, kW, sH, sW);
  }
  const type = p.type ?? 0;
  const exclude = !!p.avgPoolExcludePadding;
  if (p.globalPooling && type === 1) {
    // Global average pooling: one mean per plane (SIMD when the blob is in the kernel heap).
    const out = emptyTensor(withCHW(x.shape, C, 1, 1));
    planeMeansF32(x.data, out.data, batch * C, H * W);
    return [out];
  }
  const out = emptyTensor(withCHW(x.shape, C, ay.out, ax.out));
  const od = out.data, xd = x.data;
  let o = 0;
  for (let bc = 0; bc < batch * C; bc++) {
    const base = bc * H * W;
    for (let oy = 0; oy < ay.out; oy++) {
      const y0 = oy * sH - ay.before, y1 = y0 + kH;
      const ry0 = Math.max(0, y0), ry1 = Math.min(H, y1);
      // The part of a window beyond the padded border never counts (README point 5).
      const py = Math.min(y1, H + ay.after) - Math.max(y0, -ay.before);
      for (let ox = 0; ox < ax.out; ox++) {
        const x0 = ox * sW - ax.before, x1 = x0 + kW;
        const rx0 = Math.max(0, x0), rx1 = Math.min(W, x1);
        if (type === 0) {
          // Padded cells never win a max (they behave as -inf).
          let m = -Infinity;
          for (let yy = ry0; yy < ry1; yy++) for (let xx = rx0; xx < rx1; xx++) { const v = xd[base + yy * W + xx]; if (v > m || Number.isNaN(v)) m = v; }
          od[o++] = m;
        } else if (type === 1) {
          let s = 0;
          for (let yy = ry0; yy < ry1; yy++) for (let xx = rx0; xx < rx1; xx++) s += xd[base + yy * W + xx];
          const n = exclude ? Math.max(0, ry1 - ry0) * Math.max(0, rx1 - rx0) : py * (Math.min(x1, W + ax.after) - Math.max(x0, -ax.before));
          od[o++] = n > 0 ? s / n : 0;
        } else {
          let s = 0;
          for (let yy = ry0; yy < ry1; yy++) for (let xx = rx0; xx < rx1; xx++) { const v = xd[base + yy * W + xx]; s += v * v; }
          od[o++] = Math.sqrt(s);
        }
      }
    }
  }
  return [out];
}

/** Convolution3DLayerParams / Pooling3DLayerParams padding: CUSTOM = 0, VALID = 1, SAME = 2. */
function axis3(type: number, X: number, k: number, s: number, before: number, after: number): Axis {
  if (type === 2) {
    const out = Math.ceil(X / s);
    const total = Math.max(0, (out - 1) * s + k - X);
    return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  if (type === 1) return validAxis(X, k, s, 0, 0);
  return validAxis(X, k, s, before, after);
}

function rank5(x: Tensor, what: string): [number, number, number, number, number] {
  if (x.shape.length !== 5) throw new Error(`${what} needs a rank-5 input [B, C, D, H, W], got [${x.shape}]`);
  return x.shape as [number, number, number, number, number];
}

export const SLIDING_KERNELS = {
  convolution,
  pooling,
  convolution3d: (ctx) => {
    const p = ctx.params;
    const x = ctx.inputs[0];
    const [B, C, D, H, W] = rank5(x, 'convolution3d');
    const outC = p.outputChannels ?? 0, groups = p.nGroups || 1;
    const kD = p.kernelDepth || 1, kH = p.kernelHeight || 1, kW = p.kernelWidth || 1;
    const sD = p.strideDepth || 1, sH = p.strideHeight || 1, sW = p.strideWidth || 1;
    const dD = p.dilationDepth || 1, dH = p.dilationHeight || 1, dW = p.dilationWidth || 1;
    const cinG = C / groups, coutG = outC / groups;
    if (!Number.isInteger(cinG) || !Number.isInteger(coutG)) throw new Error(`nGroups ${groups} does not divide ${C} input and ${outC} output channels`);
    const bias = p.hasBias ? ctx.weights(p.bias, { count: outC, what: 'bias' }) : undefined;
    const t = p.paddingType ?? 0;
    if (p.isDeconvolution) {
      if (groups !== 1) throw new Error('3-D deconvolution with nGroups > 1 is not supported');
      // Weights [C_out, C_in, kD, kH, kW] (NeuralNetwork.proto, Convolution3DLayerParams).
      const w = ctx.weights(p.weights, { count: outC * C * kD * kH * kW, what: 'weights' });
      const full = [(D - 1) * sD + kD, (H - 1) * sH + kH, (W - 1) * sW + kW];
      const os = (p.outputShape ?? []).map(Number);
      let outs: number[], starts: number[];
      if (os.length === 3 && os.every((v) => v > 0)) { outs = os; starts = full.map((f, i) => Math.floor(Math.max(0, f - os[i]) / 2)); }
      else if (t === 2) { outs = [D * sD, H * sH, W * sW]; starts = full.map((f, i) => Math.floor(Math.max(0, f - outs[i]) / 2)); }
      else if (t === 1) { outs = full; starts = [0, 0, 0]; }
      else {
        starts = [p.customPaddingFront ?? 0, p.customPaddingTop ?? 0, p.customPaddingLeft ?? 0];
        const ends = [p.customPaddingBack ?? 0, p.customPaddingBottom ?? 0, p.customPaddingRight ?? 0];
        outs = full.map((f, i) => f - starts[i] - ends[i]);
      }
      const [oD, oH, oW] = outs;
      const out = makeTensor([B, outC, oD, oH, oW]);
      for (let b = 0; b < B; b++) for (let oc = 0; oc < outC; oc++) {
        const ob = ((b * outC + oc) * oD) * oH * oW;
        if (bias) out.data.fill(bias[oc], ob, ob + oD * oH * oW);
        for (let ic = 0; ic < C; ic++) for (let z = 0; z < D; z++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
          const v = x.data[(((b * C + ic) * D + z) * H + y) * W + xx];
          if (v === 0) continue;
          for (let a = 0; a < kD; a++) {
            const oz = z * sD + a - starts[0]; if (oz < 0 || oz >= oD) continue;
            for (let c = 0; c < kH; c++) {
              const oy = y * sH + c - starts[1]; if (oy < 0 || oy >= oH) continue;
              for (let e = 0; e < kW; e++) {
                const ox = xx * sW + e - starts[2]; if (ox < 0 || ox >= oW) continue;
                out.data[ob + (oz * oH + oy) * oW + ox] += v * w[(((oc * C + ic) * kD + a) * kH + c) * kW + e];
              }
            }
          }
        }
      }
      return [out];
    }
    const w = ctx.weights(p.weights, { count: outC * cinG * kD * kH * kW, what: 'weights' });
    const az = axis3(t, D, (kD - 1) * dD + 1, sD, p.customPaddingFront ?? 0, p.customPaddingBack ?? 0);
    const ay = axis3(t, H, (kH - 1) * dH + 1, sH, p.customPaddingTop ?? 0, p.customPaddingBottom ?? 0);
    const ax = axis3(t, W, (kW - 1) * dW + 1, sW, p.customPaddingLeft ?? 0, p.customPaddingRight ?? 0);
    const out = makeTensor([B, outC, az.out, ay.out, ax.out]);
    let o = 0;
    for (let b = 0; b < B; b++) for (let oc = 0; oc < outC; oc++) {
      const g = Math.floor(oc / coutG);
      for (let oz = 0; oz < az.out; oz++) for (let oy = 0; oy < ay.out; oy++) for (let ox = 0; ox < ax.out; ox++) {
        let s = bias ? bias[oc] : 0;
        for (let ic = 0; ic < cinG; ic++) {
          const inBase = (b * C + g * cinG + ic) * D * H * W;
          const wBase = (oc * cinG + ic) * kD * kH * kW;
          for (let a = 0; a < kD; a++) {
            const z = oz * sD - az.before + a * dD; if (z < 0 || z >= D) continue;
            for (let c = 0; c < kH; c++) {
              const y = oy * sH - ay.before + c * dH; if (y < 0 || y >= H) continue;
              for (let e = 0; e < kW; e++) {
                const xx = ox * sW - ax.before + e * dW; if (xx < 0 || xx >= W) continue;
                s += x.data[inBase + (z * H + y) * W + xx] * w[wBase + (a * kH + c) * kW + e];
              }
            }
          }
        }
        out.data[o++] = s;
      }
    }
    return [out];
  },
  pooling3d: (ctx) => {
    const p = ctx.params;
    const x = ctx.inputs[0];
    const [B, C, D, H, W] = rank5(x, 'pooling3d');
    const kD = p.kernelDepth || 1, kH = p.kernelHeight || 1, kW = p.kernelWidth || 1;
    const sD = p.strideDepth || 1, sH = p.strideHeight || 1, sW = p.strideWidth || 1;
    const t = p.paddingType ?? 0;
    const az = axis3(t, D, kD, sD, p.customPaddingFront ?? 0, p.customPaddingBack ?? 0);
    const ay = axis3(t, H, kH, sH, p.customPaddingTop ?? 0, p.customPaddingBottom ?? 0);
    const ax = axis3(t, W, kW, sW, p.customPaddingLeft ?? 0, p.customPaddingRight ?? 0);
    const isMax = (p.type ?? 0) === 0;
    const out = makeTensor([B, C, az.out, ay.out, ax.out]);
    let o = 0;
    for (let bc = 0; bc < B * C; bc++) {
      const base = bc * D * H * W;
      for (let oz = 0; oz < az.out; oz++) for (let oy = 0; oy < ay.out; oy++) for (let ox = 0; ox < ax.out; ox++) {
        const z0 = oz * sD - az.before, y0 = oy * sH - ay.before, x0 = ox * sW - ax.before;
        let m = -Infinity, s = 0, n = 0;
        for (let z = Math.max(0, z0); z < Math.min(D, z0 + kD); z++)
          for (let y = Math.max(0, y0); y < Math.min(H, y0 + kH); y++)
            for (let xx = Math.max(0, x0); xx < Math.min(W, x0 + kW); xx++) {
              const v = x.data[base + (z * H + y) * W + xx];
              if (v > m) m = v;
              s += v; n++;
            }
        out.data[o++] = isMax ? m : s / (p.countExcludePadding ? Math.max(1, n) : kD * kH * kW);
      }
    }
    return [out];
  },
  globalPooling3d: (ctx) => {
    const x = ctx.inputs[0];
    const [B, C, D, H, W] = rank5(x, 'globalPooling3d');
    const isMax = (ctx.params.type ?? 0) === 0;
    const n = D * H * W;
    const out = makeTensor([B, C, 1, 1, 1]);
    for (let bc = 0; bc < B * C; bc++) {
      let m = -Infinity, s = 0;
      for (let i = 0; i < n; i++) { const v = x.data[bc * n + i]; if (v > m) m = v; s += v; }
      out.data[bc] = isMax ? m : s / n;
    }
    return [out];
  },
} satisfies PartialKernelTable;
