// Reductions and orderings: reduce (rank-5), reduceL1..reduceLogSumExp (N-d), argMax, argMin,
// topK, argSort, cumSum. Index outputs are float32 (README point 17).
import { around, axisOf, makeTensor, sizeOf, stridesOf } from '../tensor';
import type { Tensor } from '../types';
import type { PartialKernelTable } from './types';

type Reducer = (values: Float64Array | number[], n: number) => number;

/** Reduces over a set of axes; keepDims leaves 1s there. */
function reduceAxes(x: Tensor, axes: readonly number[], keepDims: boolean, f: Reducer): Tensor {
  const set = new Set(axes);
  const keptShape = x.shape.map((d, i) => (set.has(i) ? 1 : d));
  const outShape = keepDims ? keptShape : x.shape.filter((_, i) => !set.has(i));
  const out = makeTensor(outShape.length ? outShape : [1]);
  const n = sizeOf(axes.map((a) => x.shape[a]));
  const st = stridesOf(x.shape);
  const redAxes = [...set].sort((a, b) => a - b);
  const keepAxes = x.shape.map((_, i) => i).filter((i) => !set.has(i));
  const buf = new Float64Array(n);
  const kIdx = new Array<number>(keepAxes.length).fill(0);
  for (let o = 0; o < out.data.length; o++) {
    let base = 0;
    for (let j = 0; j < keepAxes.length; j++) base += kIdx[j] * st[keepAxes[j]];
    const rIdx = new Array<number>(redAxes.length).fill(0);
    for (let k = 0; k < n; k++) {
      let off = base;
      for (let j = 0; j < redAxes.length; j++) off += rIdx[j] * st[redAxes[j]];
      buf[k] = x.data[off];
      for (let j = redAxes.length - 1; j >= 0; j--) { if (++rIdx[j] < x.shape[redAxes[j]]) break; rIdx[j] = 0; }
    }
    out.data[o] = f(buf, n);
    for (let j = keepAxes.length - 1; j >= 0; j--) { if (++kIdx[j] < x.shape[keepAxes[j]]) break; kIdx[j] = 0; }
  }
  return out;
}

const sum: Reducer = (v, n) => { let s = 0; for (let i = 0; i < n; i++) s += v[i]; return s; };
const REDUCERS = {
  sum,
  mean: (v: Float64Array | number[], n: number) => sum(v, n) / n,
  prod: (v: Float64Array | number[], n: number) => { let s = 1; for (let i = 0; i < n; i++) s *= v[i]; return s; },
  sumSquare: (v: Float64Array | number[], n: number) => { let s = 0; for (let i = 0; i < n; i++) s += v[i] * v[i]; return s; },
  l1: (v: Float64Array | number[], n: number) => { let s = 0; for (let i = 0; i < n; i++) s += Math.abs(v[i]); return s; },
  l2: (v: Float64Array | number[], n: number) => { let s = 0; for (let i = 0; i < n; i++) s += v[i] * v[i]; return Math.sqrt(s); },
  max: (v: Float64Array | number[], n: number) => { let m = -Infinity; for (let i = 0; i < n; i++) if (v[i] > m) m = v[i]; return m; },
  min: (v: Float64Array | number[], n: number) => { let m = Infinity; for (let i = 0; i < n; i++) if (v[i] < m) m = v[i]; return m; },
  logSum: (v: Float64Array | number[], n: number) => Math.log(sum(v, n)),
  logSumExp: (v: Float64Array | number[], n: number) => {
    let m = -Infinity;
    for (let i = 0; i < n; i++) if (v[i] > m) m = v[i];
    if (m === -Infinity) return -Infinity;
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(v[i] - m);
    return m + Math.log(s);
  },
};

function ndReduce(f: Reducer) {
  return (ctx: { inputs: readonly Tensor[]; params: { axes?: readonly number[]; keepDims?: boolean; reduceAll?: boolean } }): Tensor[] => {
    const x = ctx.inputs[0];
    const r = x.shape.length;
    const axes = ctx.params.reduceAll || !(ctx.params.axes ?? []).length
      ? x.shape.map((_, i) => i)
      : (ctx.params.axes ?? []).map((a) => axisOf(Number(a), r));
    return [reduceAxes(x, axes, !!ctx.params.keepDims, f)];
  };
}

function argExtreme(x: Tensor, axis: number, removeDim: boolean, better: (a: number, b: number) => boolean): Tensor {
  const { outer, n, inner } = around(x.shape, axis);
  const shape = removeDim && x.shape.length > 1 ? x.shape.filter((_, i) => i !== axis) : x.shape.map((d, i) => (i === axis ? 1 : d));
  const out = makeTensor(shape);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    let best = 0, bv = x.data[o * n * inner + i];
    for (let k = 1; k < n; k++) { const v = x.data[(o * n + k) * inner + i]; if (better(v, bv)) { bv = v; best = k; } }
    out.data[o * inner + i] = best;
  }
  return out;
}

/** Indices along `axis` in sorted order (stable). */
function sortedIndices(x: Tensor, axis: number, descending: boolean, k: number): { values: Tensor; indices: Tensor } {
  const { outer, n, inner } = around(x.shape, axis);
  const shape = x.shape.map((d, i) => (i === axis ? k : d));
  const values = makeTensor(shape), indices = makeTensor(shape);
  const idx = new Array<number>(n);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    for (let j = 0; j < n; j++) idx[j] = j;
    const at = (j: number) => x.data[(o * n + j) * inner + i];
    idx.sort((a, b) => (descending ? at(b) - at(a) : at(a) - at(b)) || a - b);
    for (let j = 0; j < k; j++) {
      values.data[(o * k + j) * inner + i] = at(idx[j]);
      indices.data[(o * k + j) * inner + i] = idx[j];
    }
  }
  return { values, indices };
}

export const REDUCE_KERNELS = {
  reduce: (ctx) => {
    // ReduceLayerParams: CHW, HW, C, H, W = axes [-3,-2,-1], [-2,-1], [-3], [-2], [-1]; rank kept.
    const x = ctx.inputs[0];
    const r = x.shape.length;
    const axes = ([[-3, -2, -1], [-2, -1], [-3], [-2], [-1]][ctx.params.axis ?? 0] ?? []).map((a) => axisOf(a, r));
    const mode = ctx.params.mode ?? 0;
    const eps = ctx.params.epsilon || 1e-6;
    if (mode === 9) {
      if (axes.length !== 1) throw new Error('ARGMAX reduces one axis (C, H or W)');
      return [argExtreme(x, axes[0], false, (a, b) => a > b)];
    }
    const f: Reducer = [
      REDUCERS.sum, REDUCERS.mean, REDUCERS.prod,
      (v: Float64Array | number[], n: number) => { let s = 0; for (let i = 0; i < n; i++) s += Math.log(v[i] + eps); return s; },
      REDUCERS.sumSquare, REDUCERS.l1, REDUCERS.l2, REDUCERS.max, REDUCERS.min,
    ][mode];
    if (!f) throw new Error(`unknown reduce mode ${mode}`);
    return [reduceAxes(x, axes, true, f)];
  },
  reduceL1: ndReduce(REDUCERS.l1),
  reduceL2: ndReduce(REDUCERS.l2),
  reduceMax: ndReduce(REDUCERS.max),
  reduceMin: ndReduce(REDUCERS.min),
  reduceSum: ndReduce(REDUCERS.sum),
  reduceProd: ndReduce(REDUCERS.prod),
  reduceMean: ndReduce(REDUCERS.mean),
  reduceLogSum: ndReduce(REDUCERS.logSum),
  reduceSumSquare: ndReduce(REDUCERS.sumSquare),
  reduceLogSumExp: ndReduce(REDUCERS.logSumExp),
  argMax: (ctx) => {
    const x = ctx.inputs[0];
    return [argExtreme(x, axisOf(Number(ctx.params.axis ?? 0), x.shape.length), !!ctx.params.removeDim, (a, b) => a > b)];
  },
  argMin: (ctx) => {
    const x = ctx.inputs[0];
    return [argExtreme(x, axisOf(Number(ctx.params.axis ?? 0), x.shape.length), !!ctx.params.removeDim, (a, b) => a < b)];
  },
  topK: (ctx) => {
    const [x, kIn] = ctx.inputs;
    const axis = axisOf(Number(ctx.params.axis ?? 0), x.shape.length);
    const k = kIn ? Math.round(kIn.data[0]) : Number(ctx.params.K ?? 0);
    if (k < 1 || k > x.shape[axis]) throw new Error(`K ${k} is outside 1..${x.shape[axis]}`);
    const { values, indices } = sortedIndices(x, axis, !ctx.params.useBottomK, k);
    return [values, indices];
  },
  argSort: (ctx) => {
    const x = ctx.inputs[0];
    const axis = axisOf(Number(ctx.params.axis ?? 0), x.shape.length);
    return [sortedIndices(x, axis, !!ctx.params.descending, x.shape[axis]).indices];
  },
  cumSum: (ctx) => {
    const [x, axisIn] = ctx.inputs;
    const axis = axisOf(axisIn ? Math.round(axisIn.data[0]) : Number(ctx.params.axis ?? 0), x.shape.length);
    const { outer, n, inner } = around(x.shape, axis);
    const out = makeTensor(x.shape);
    const rev = !!ctx.params.reverse, excl = !!ctx.params.excludeFinalSum;
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) {
        const k = rev ? n - 1 - j : j;
        const at = (o * n + k) * inner + i;
        if (excl) { out.data[at] = s; s += x.data[at]; } else { s += x.data[at]; out.data[at] = s; }
      }
    }
    return [out];
  },
} satisfies PartialKernelTable;
