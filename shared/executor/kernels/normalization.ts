// Normalisation layers: batchnorm (and instance norm), mvn, l2normalize, lrn, softmax,
// softmaxND, layerNormalization (NeuralNetwork.proto and the conformance README points 12-15).
import { around, axisOf, chw, emptyTensor, makeTensor, sizeOf } from '../tensor';
import type { Tensor } from '../types';
import type { PartialKernelTable } from './types';

function softmaxAxis(x: Tensor, axis: number): Tensor {
  const { outer, n, inner } = around(x.shape, axis);
  const out = makeTensor(x.shape);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, x.data[base + k * inner]);
      let s = 0;
      for (let k = 0; k < n; k++) { const e = Math.exp(x.data[base + k * inner] - m); out.data[base + k * inner] = e; s += e; }
      for (let k = 0; k < n; k++) out.data[base + k * inner] /= s;
    }
  }
  return out;
}

export const NORMALIZATION_KERNELS = {
  batchnorm: (ctx) => {
    const p = ctx.params;
    const x = ctx.inputs[0];
    const { batch, C, H, W } = chw(x.shape);
    const channels = Number(p.channels ?? 0);
    if (channels !== C) throw new Error(`input has ${C} channels, the layer ${channels}`);
    const eps = p.epsilon || 1e-5;
    const gamma = ctx.weights(p.gamma, { count: C, what: 'gamma' });
    const beta = ctx.weights(p.beta, { count: C, what: 'beta' });
    const hw = H * W;
    if (!p.computeMeanVar) {
      const mean = ctx.weights(p.mean, { count: C, what: 'mean' });
      const variance = ctx.weights(p.variance, { count: C, what: 'variance' });
      const out = ctx.overwritable?.[0] ? x : emptyTensor(x.shape);
      const xd = x.data, od = out.data;
      for (let c = 0; c < C; c++) {
        const k = gamma[c] / Math.sqrt(variance[c] + eps);
        const b = beta[c] - k * mean[c];
        for (let n = 0; n < batch; n++) {
          const base = (n * C + c) * hw;
          for (let i = base; i < base + hw; i++) od[i] = k * xd[i] + b;
        }
      }
      return [out];
    }
    const out = makeTensor(x.shape);
    // computeMeanVar: statistics of each instance (instanceNormalization) or of the whole batch;
    // biased variance, eps inside the square root.
    const groups = p.instanceNormalization ? batch : 1;
    const per = batch / groups;
    for (let g = 0; g < groups; g++) {
      for (let c = 0; c < C; c++) {
        let s = 0, s2 = 0;
        for (let n = g * per; n < (g + 1) * per; n++) {
          const base = (n * C + c) * hw;
          for (let i = 0; i < hw; i++) s += x.data[base + i];
        }
        const count = per * hw;
        const mean = s / count;
        for (let n = g * per; n < (g + 1) * per; n++) {
          const base = (n * C + c) * hw;
          for (let i = 0; i < hw; i++) { const d = x.data[base + i] - mean; s2 += d * d; }
        }
        const k = gamma[c] / Math.sqrt(s2 / count + eps);
        for (let n = g * per; n < (g + 1) * per; n++) {
          const base = (n * C + c) * hw;
          for (let i = 0; i < hw; i++) out.data[base + i] = k * (x.data[base + i] - mean) + beta[c];
        }
      }
    }
    return [out];
  },
  mvn: (ctx) => {
    const p = ctx.params;
    const x = ctx.inputs[0];
    const { batch, C, H, W } = chw(x.shape);
    const eps = p.epsilon || 1e-6;
    // acrossChannels: one group per instance over C, H, W; else one per channel over H, W.
    const groupSize = p.acrossChannels ? C * H * W : H * W;
    const groups = (batch * C * H * W) / groupSize;
    const out = makeTensor(x.shape);
    for (let g = 0; g < groups; g++) {
      const base = g * groupSize;
      let s = 0;
      for (let i = 0; i < groupSize; i++) s += x.data[base + i];
      const mean = s / groupSize;
      let v = 0;
      for (let i = 0; i < groupSize; i++) { const d = x.data[base + i] - mean; v += d * d; }
      const k = p.normalizeVariance ? 1 / Math.sqrt(v / groupSize + eps) : 1;
      for (let i = 0; i < groupSize; i++) out.data[base + i] = (x.data[base + i] - mean) * k;
    }
    return [out];
  },
  l2normalize: (ctx) => {
    // Over the whole [C, H, W] of each instance (README point 13).
    const x = ctx.inputs[0];
    const { batch, C, H, W } = chw(x.shape);
    const eps = ctx.params.epsilon || 1e-6;
    const n = C * H * W;
    const out = makeTensor(x.shape);
    for (let b = 0; b < batch; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x.data[b * n + i] ** 2;
      const k = 1 / Math.sqrt(s + eps);
      for (let i = 0; i < n; i++) out.data[b * n + i] = x.data[b * n + i] * k;
    }
    return [out];
  },
  lrn: (ctx) => {
    // x / (k + alpha/localSize * Σ x²)^beta over a channel window centred on c, clipped.
    const p = ctx.params;
    const x = ctx.inputs[0];
    const { batch, C, H, W } = chw(x.shape);
    const size = Number(p.localSize ?? 1) || 1;
    const alpha = p.alpha ?? 0, beta = p.beta ?? 0, k = p.k || 1;
    const hw = H * W;
    const lo = Math.floor((size - 1) / 2), hi = size - 1 - lo;
    const out = makeTensor(x.shape);
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < C; c++) {
        const c0 = Math.max(0, c - lo), c1 = Math.min(C - 1, c + hi);
        for (let i = 0; i < hw; i++) {
          let s = 0;
          for (let j = c0; j <= c1; j++) s += x.data[(b * C + j) * hw + i] ** 2;
          const idx = (b * C + c) * hw + i;
          out.data[idx] = x.data[idx] / (k + (alpha / size) * s) ** beta;
        }
      }
    }
    return [out];
  },
  softmax: (ctx) => {
    const x = ctx.inputs[0];
    if (x.shape.length < 3) return [softmaxAxis(x, 0)];
    return [softmaxAxis(x, x.shape.length - 3)];
  },
  softmaxND: (ctx) => {
    const x = ctx.inputs[0];
    return [softmaxAxis(x, axisOf(Number(ctx.params.axis ?? 0), x.shape.length))];
  },
  layerNormalization: (ctx) => {
    const p = ctx.params;
    const x = ctx.inputs[0];
    const ns = (p.normalizedShape ?? []).map(Number);
    const n = sizeOf(ns);
    if (ns.length > x.shape.length || ns.some((d, i) => d !== x.shape[x.shape.length - ns.length + i])) throw new Error(`normalizedShape [${ns}] is not the end of the input shape [${x.shape}]`);
    const gamma = ctx.weights(p.gamma, { count: n, what: 'gamma' });
    const beta = ctx.weights(p.beta, { count: n, what: 'beta' });
    const eps = p.eps ?? 0;
    const out = makeTensor(x.shape);
    for (let g = 0; g < x.data.length / n; g++) {
      const base = g * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += x.data[base + i];
      const mean = s / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (x.data[base + i] - mean) ** 2;
      const k = 1 / Math.sqrt(v / n + eps);
      for (let i = 0; i < n; i++) out.data[base + i] = gamma[i] * (x.data[base + i] - mean) * k + beta[i];
    }
    return [out];
  },
} satisfies PartialKernelTable;
