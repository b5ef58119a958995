// Gather/scatter family, masks, one-hot, ranges, random distributions and the N-d NMS layer
// (NeuralNetwork.proto, spec 4 and later).
import { around, axisOf, intsOf, makeTensor, sizeOf, stridesOf } from '../tensor';
import type { Tensor } from '../types';
import type { PartialKernelTable } from './types';

function idx(v: number, n: number, what: string): number {
  let i = Math.round(v);
  if (i < 0) i += n;
  if (!(i >= 0 && i < n)) throw new Error(`${what} ${v} is out of range for a dimension of ${n}`);
  return i;
}

/** ScatterMode: UPDATE, ADD, SUB, MUL, DIV, MAX, MIN. */
function scatterOp(mode: number): (old: number, u: number) => number {
  switch (mode) {
    case 0: return (_o, u) => u;
    case 1: return (o, u) => o + u;
    case 2: return (o, u) => o - u;
    case 3: return (o, u) => o * u;
    case 4: return (o, u) => o / u;
    case 5: return Math.max;
    case 6: return Math.min;
    default: throw new Error(`unknown scatter mode ${mode}`);
  }
}

/** A small deterministic generator (mulberry32) seeded from the layer's seed. */
function rng(seed: number): () => number {
  let a = (seed | 0) ^ 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const normal = (r: () => number) => (): number => {
  const u = Math.max(r(), 1e-12), v = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};

function fill(shape: readonly number[], f: () => number): Tensor {
  const out = makeTensor(shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f();
  return out;
}

function range(end: number, start: number, step: number): Tensor {
  if (!step) throw new Error('range step 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  return makeTensor([n], Float32Array.from({ length: n }, (_, i) => start + i * step));
}

function band(x: Tensor, keep: (m: number, n: number) => boolean): Tensor {
  const r = x.shape.length;
  if (r < 2) throw new Error(`needs rank 2 or more, got [${x.shape}]`);
  const M = x.shape[r - 2], N = x.shape[r - 1];
  const out = makeTensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    const n = i % N, m = Math.floor(i / N) % M;
    out.data[i] = keep(m, n) ? x.data[i] : 0;
  }
  return out;
}

/** IoU of two [x_center, y_center, width, height] boxes. */
function iou(a: Float32Array, ao: number, b: Float32Array, bo: number): number {
  const ax0 = a[ao] - a[ao + 2] / 2, ay0 = a[ao + 1] - a[ao + 3] / 2, ax1 = a[ao] + a[ao + 2] / 2, ay1 = a[ao + 1] + a[ao + 3] / 2;
  const bx0 = b[bo] - b[bo + 2] / 2, by0 = b[bo + 1] - b[bo + 3] / 2, bx1 = b[bo] + b[bo + 2] / 2, by1 = b[bo + 1] + b[bo + 3] / 2;
  const w = Math.max(0, Math.min(ax1, bx1) - Math.max(ax0, bx0)), h = Math.max(0, Math.min(ay1, by1) - Math.max(ay0, by0));
  const inter = w * h;
  const union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter;
  return union > 0 ? inter / union : 0;
}

export const INDEXING_KERNELS = {
  gather: (ctx) => {
    const [data, indices] = ctx.inputs;
    const axis = axisOf(Number(ctx.params.axis ?? 0), data.shape.length);
    const { outer, n, inner } = around(data.shape, axis);
    const k = indices.data.length;
    const out = makeTensor([...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)]);
    for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) {
      const i = idx(indices.data[j], n, 'index');
      out.data.set(data.data.subarray((o * n + i) * inner, (o * n + i + 1) * inner), (o * k + j) * inner);
    }
    return [out];
  },
  scatter: (ctx) => {
    const [container, indices, updates] = ctx.inputs;
    const axis = axisOf(Number(ctx.params.axis ?? 0), container.shape.length);
    const { outer, n, inner } = around(container.shape, axis);
    const k = indices.data.length;
    if (updates.data.length !== outer * k * inner) throw new Error(`updates [${updates.shape}] do not match ${outer}×${k}×${inner}`);
    const op = scatterOp(ctx.params.mode ?? 0);
    const out = makeTensor(container.shape, Float32Array.from(container.data));
    for (let o = 0; o < outer; o++) for (let j = 0; j < k; j++) {
      const i = idx(indices.data[j], n, 'index');
      for (let e = 0; e < inner; e++) {
        const at = (o * n + i) * inner + e;
        out.data[at] = op(out.data[at], updates.data[(o * k + j) * inner + e]);
      }
    }
    return [out];
  },
  gatherND: (ctx) => {
    const [params, indices] = ctx.inputs;
    const K = indices.shape[indices.shape.length - 1];
    const points = indices.data.length / K;
    const st = stridesOf(params.shape);
    const inner = sizeOf(params.shape.slice(K));
    const out = makeTensor([...indices.shape.slice(0, -1), ...params.shape.slice(K)]);
    for (let p = 0; p < points; p++) {
      let off = 0;
      for (let a = 0; a < K; a++) off += idx(indices.data[p * K + a], params.shape[a], 'index') * st[a];
      out.data.set(params.data.subarray(off, off + inner), p * inner);
    }
    return [out];
  },
  scatterND: (ctx) => {
    const [container, indices, updates] = ctx.inputs;
    const K = indices.shape[indices.shape.length - 1];
    const points = indices.data.length / K;
    const st = stridesOf(container.shape);
    const inner = sizeOf(container.shape.slice(K));
    const op = scatterOp(ctx.params.mode ?? 0);
    const out = makeTensor(container.shape, Float32Array.from(container.data));
    for (let p = 0; p < points; p++) {
      let off = 0;
      for (let a = 0; a < K; a++) off += idx(indices.data[p * K + a], container.shape[a], 'index') * st[a];
      for (let e = 0; e < inner; e++) out.data[off + e] = op(out.data[off + e], updates.data[p * inner + e]);
    }
    return [out];
  },
  gatherAlongAxis: (ctx) => {
    const [data, indices] = ctx.inputs;
    const r = data.shape.length;
    const axis = axisOf(Number(ctx.params.axis ?? 0), r);
    const dst = stridesOf(data.shape);
    const out = makeTensor(indices.shape);
    const pos = new Array<number>(r).fill(0);
    for (let o = 0; o < out.data.length; o++) {
      let off = 0;
      for (let a = 0; a < r; a++) off += (a === axis ? idx(indices.data[o], data.shape[axis], 'index') : pos[a]) * dst[a];
      out.data[o] = data.data[off];
      for (let a = r - 1; a >= 0; a--) { if (++pos[a] < indices.shape[a]) break; pos[a] = 0; }
    }
    return [out];
  },
  scatterAlongAxis: (ctx) => {
    const [container, indices, updates] = ctx.inputs;
    const r = container.shape.length;
    const axis = axisOf(Number(ctx.params.axis ?? 0), r);
    const cst = stridesOf(container.shape);
    const op = scatterOp(ctx.params.mode ?? 0);
    const out = makeTensor(container.shape, Float32Array.from(container.data));
    const pos = new Array<number>(r).fill(0);
    for (let o = 0; o < indices.data.length; o++) {
      let off = 0;
      for (let a = 0; a < r; a++) off += (a === axis ? idx(indices.data[o], container.shape[axis], 'index') : pos[a]) * cst[a];
      out.data[off] = op(out.data[off], updates.data[o]);
      for (let a = r - 1; a >= 0; a--) { if (++pos[a] < indices.shape[a]) break; pos[a] = 0; }
    }
    return [out];
  },
  whereNonZero: (ctx) => {
    const x = ctx.inputs[0];
    const r = x.shape.length;
    const hits: number[] = [];
    const pos = new Array<number>(r).fill(0);
    for (let i = 0; i < x.data.length; i++) {
      if (x.data[i] !== 0) hits.push(...pos);
      for (let a = r - 1; a >= 0; a--) { if (++pos[a] < x.shape[a]) break; pos[a] = 0; }
    }
    return [makeTensor([hits.length / r, r], Float32Array.from(hits))];
  },
  matrixBandPart: (ctx) => {
    const lo = Number(ctx.params.numLower ?? 0), hi = Number(ctx.params.numUpper ?? 0);
    return [band(ctx.inputs[0], (m, n) => (lo < 0 || m - n <= lo) && (hi < 0 || n - m <= hi))];
  },
  lowerTriangular: (ctx) => { const k = Number(ctx.params.k ?? 0); return [band(ctx.inputs[0], (m, n) => n - m <= k)]; },
  upperTriangular: (ctx) => { const k = Number(ctx.params.k ?? 0); return [band(ctx.inputs[0], (m, n) => n - m >= k)]; },
  oneHot: (ctx) => {
    const [x, sizeIn] = ctx.inputs;
    const depth = sizeIn ? Math.round(sizeIn.data[0]) : Number(ctx.params.oneHotVectorSize ?? 0);
    const r = x.shape.length + 1;
    const axis = axisOf(Number(ctx.params.axis ?? -1), r);
    const shape = [...x.shape.slice(0, axis), depth, ...x.shape.slice(axis)];
    const on = ctx.params.onValue ?? 0, off = ctx.params.offValue ?? 0;
    const out = makeTensor(shape, new Float32Array(sizeOf(shape)).fill(off));
    const { outer, inner } = around(shape, axis);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      const v = Math.round(x.data[o * inner + i]);
      if (v >= 0 && v < depth) out.data[(o * depth + v) * inner + i] = on;
    }
    return [out];
  },
  rangeStatic: (ctx) => [range(ctx.params.endValue ?? 0, ctx.params.startValue ?? 0, ctx.params.stepSizeValue ?? 0)],
  rangeDynamic: (ctx) => {
    const [end, start, step] = ctx.inputs;
    return [range(end.data[0], start ? start.data[0] : ctx.params.startValue ?? 0, step ? step.data[0] : ctx.params.stepSizeValue ?? 0)];
  },
  // Random layers draw from a seeded generator of our own: runs repeat, but the values are not
  // Core ML's.
  randomNormalLike: (ctx) => { const g = normal(rng(Number(ctx.params.seed ?? 0))); const { mean = 0, stdDev = 0 } = ctx.params; return [fill(ctx.inputs[0].shape, () => mean + stdDev * g())]; },
  randomNormalStatic: (ctx) => { const g = normal(rng(Number(ctx.params.seed ?? 0))); const { mean = 0, stdDev = 0 } = ctx.params; return [fill((ctx.params.outputShape ?? []).map(Number), () => mean + stdDev * g())]; },
  randomNormalDynamic: (ctx) => { const g = normal(rng(Number(ctx.params.seed ?? 0))); const { mean = 0, stdDev = 0 } = ctx.params; return [fill(intsOf(ctx.inputs[0]), () => mean + stdDev * g())]; },
  randomUniformLike: (ctx) => { const g = rng(Number(ctx.params.seed ?? 0)); const { minVal = 0, maxVal = 0 } = ctx.params; return [fill(ctx.inputs[0].shape, () => minVal + (maxVal - minVal) * g())]; },
  randomUniformStatic: (ctx) => { const g = rng(Number(ctx.params.seed ?? 0)); const { minVal = 0, maxVal = 0 } = ctx.params; return [fill((ctx.params.outputShape ?? []).map(Number), () => minVal + (maxVal - minVal) * g())]; },
  randomUniformDynamic: (ctx) => { const g = rng(Number(ctx.params.seed ?? 0)); const { minVal = 0, maxVal = 0 } = ctx.params; return [fill(intsOf(ctx.inputs[0]), () => minVal + (maxVal - minVal) * g())]; },
  randomBernoulliLike: (ctx) => { const g = rng(Number(ctx.params.seed ?? 0)); const p = ctx.params.prob ?? 0; return [fill(ctx.inputs[0].shape, () => (g() < p ? 1 : 0))]; },
  randomBernoulliStatic: (ctx) => { const g = rng(Number(ctx.params.seed ?? 0)); const p = ctx.params.prob ?? 0; return [fill((ctx.params.outputShape ?? []).map(Number), () => (g() < p ? 1 : 0))]; },
  randomBernoulliDynamic: (ctx) => { const g = rng(Number(ctx.params.seed ?? 0)); const p = ctx.params.prob ?? 0; return [fill(intsOf(ctx.inputs[0]), () => (g() < p ? 1 : 0))]; },
  categoricalDistribution: (ctx) => {
    const x = ctx.inputs[0];
    const p = ctx.params;
    const g = rng(Number(p.seed ?? 0));
    const samples = Number(p.numSamples ?? 1);
    const K = x.shape[x.shape.length - 1];
    const rows = x.data.length / K;
    const temp = p.temperature || 1, eps = p.eps || 1e-10;
    const out = makeTensor([...x.shape.slice(0, -1), samples]);
    const probs = new Float64Array(K);
    for (let r = 0; r < rows; r++) {
      let total = 0;
      if (p.isLogits) {
        let m = -Infinity;
        for (let k = 0; k < K; k++) m = Math.max(m, x.data[r * K + k] / temp);
        for (let k = 0; k < K; k++) { probs[k] = Math.exp(x.data[r * K + k] / temp - m); total += probs[k]; }
      } else {
        for (let k = 0; k < K; k++) { probs[k] = Math.max(0, x.data[r * K + k]) + eps; total += probs[k]; }
      }
      for (let s = 0; s < samples; s++) {
        let u = g() * total, k = 0;
        while (k < K - 1 && u >= probs[k]) { u -= probs[k]; k++; }
        out.data[r * samples + s] = k;
      }
    }
    return [out];
  },
  NonMaximumSuppression: (ctx) => {
    // NeuralNetwork.proto, NonMaximumSuppressionLayerParams: boxes (B,N,4) as [x, y, w, h] centres,
    // scores (B,N,C); optional IoU threshold, score threshold and maximum box count inputs.
    const p = ctx.params;
    const [boxes, scores, iouIn, scoreIn, maxIn] = ctx.inputs;
    if (!scores) throw new Error('needs at least 2 inputs (boxes, scores)');
    const r = boxes.shape.length;
    if (r < 2 || boxes.shape[r - 1] !== 4) throw new Error(`boxes [${boxes.shape}] must end in 4 coordinates`);
    const N = boxes.shape[r - 2], B = sizeOf(boxes.shape.slice(0, r - 2));
    const C = scores.shape[scores.shape.length - 1];
    const iouT = iouIn ? iouIn.data[0] : p.iouThreshold ?? 0;
    const scoreT = scoreIn ? scoreIn.data[0] : p.scoreThreshold ?? 0;
    const maxBoxes = maxIn ? Math.round(maxIn.data[0]) : Number(p.maxBoxes ?? 0);
    const outBoxes = makeTensor([B, maxBoxes, 4]), outScores = makeTensor([B, maxBoxes, C]);
    const outIdx = makeTensor([B, maxBoxes], new Float32Array(B * maxBoxes).fill(-1)), outCount = makeTensor([B]);
    for (let b = 0; b < B; b++) {
      const best = new Float32Array(N), cls = new Int32Array(N);
      for (let n = 0; n < N; n++) {
        let m = -Infinity, c = 0;
        for (let k = 0; k < C; k++) { const v = scores.data[(b * N + n) * C + k]; if (v > m) { m = v; c = k; } }
        best[n] = m; cls[n] = c;
      }
      const order = Array.from({ length: N }, (_, i) => i).sort((a, c) => best[c] - best[a] || a - c);
      const kept: number[] = [];
      for (const n of order) {
        if (kept.length >= maxBoxes) break;
        if (best[n] < scoreT) break;
        if (kept.some((k) => (!p.perClassSuppression || cls[k] === cls[n]) && iou(boxes.data, (b * N + k) * 4, boxes.data, (b * N + n) * 4) > iouT)) continue;
        kept.push(n);
      }
      // No survivor: the box with the highest score stands in, count 1 (the proto's rule).
      if (!kept.length && N > 0 && maxBoxes > 0) kept.push(order[0]);
      kept.forEach((n, j) => {
        outBoxes.data.set(boxes.data.subarray((b * N + n) * 4, (b * N + n + 1) * 4), (b * maxBoxes + j) * 4);
        outScores.data.set(scores.data.subarray((b * N + n) * C, (b * N + n + 1) * C), (b * maxBoxes + j) * C);
        outIdx.data[b * maxBoxes + j] = n;
      });
      outCount.data[b] = kept.length;
    }
    return [outBoxes, outScores, outIdx, outCount];
  },
} satisfies PartialKernelTable;
