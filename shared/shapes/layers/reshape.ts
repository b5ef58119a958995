// Layers that rearrange or reinterpret data without computing on it: reshape (classic and
// N-d), flatten, permute/transpose, reorganizeData, squeeze/expandDims, getShape.
import { ReorganizeDataLayerParams_ReorganizationType } from '../../format';
import { UNKNOWN_DIM, dim, formatDim, isKnownDim, knownDims, mapDim, mulDims, productDims, unknownDims, type Dim } from '../shape';
import { axisOf, dimsAtLeast, dimsExactly, first, input, tail, withTail } from './common';
import type { LayerShapeInput, PartialLayerShapeTable } from './types';

/** Fills a target shape's -1 from the element count; 0 entries stay unknown. */
function resolveTarget<P>(x: LayerShapeInput<P>, target: readonly number[], count: Dim | undefined, field: string): Dim[] {
  const minusOnes = target.filter((v) => v === -1).length;
  if (minusOnes > 1) x.issue(`${field} has more than one -1`, [field]);
  const fixed = target.filter((v) => v > 0).reduce((a, b) => a * b, 1);
  return target.map((v) => {
    if (v > 0) return dim(v);
    if (v === -1 && minusOnes === 1 && count && isKnownDim(count)) {
      if (count.min % fixed !== 0) { x.issue(`${field} [${target.join(', ')}] cannot hold ${count.min} elements`, [field]); return UNKNOWN_DIM; }
      return dim(count.min / fixed);
    }
    if (v === -1 && minusOnes === 1 && count) return mapDim(count, (n) => Math.floor(n / fixed));
    return UNKNOWN_DIM;
  });
}

/** Reports when a reshape cannot keep the number of elements. */
function checkCount<P>(x: LayerShapeInput<P>, from: Dim, to: readonly Dim[], field: string): void {
  const n = productDims(to);
  if (isKnownDim(from) && isKnownDim(n) && from.min !== n.min) {
    x.issue(`reshape to ${to.map(formatDim).join('×')} (${n.min} elements) from an input with ${from.min} elements`, [field]);
  }
}

export const reshapeShapes = {
  reshape: (x) => {
    // ReshapeLayerParams: rank-5 in and out; a 3-value target keeps the input's sequence length.
    const dims = dimsAtLeast(x, 5, 'reshape');
    const target = (x.params.targetShape ?? []).map(Number);
    if (target.length !== 3 && target.length !== 4) { x.issue(`targetShape must have 3 or 4 values, has ${target.length}`, ['targetShape']); return []; }
    if (!dims) return [];
    const seq = tail(dims, -5);
    const perSeq = productDims(dims.slice(-3));
    if (target.length === 3) {
      const t = resolveTarget(x, target, perSeq, 'targetShape');
      checkCount(x, perSeq, t, 'targetShape');
      return [{ dims: [...dims.slice(0, -5), seq, tail(dims, -4), ...t] }];
    }
    const total = mulDims(seq, perSeq);
    const t = resolveTarget(x, target, total, 'targetShape');
    checkCount(x, total, t, 'targetShape');
    return [{ dims: [...dims.slice(0, -5), t[0], tail(dims, -4), t[1], t[2], t[3]] }];
  },

  flatten: (x) => {
    // FlattenLayerParams: [.., C, H, W] -> [.., C*H*W, 1, 1] (either order has this shape).
    const dims = dimsAtLeast(x, 3, 'flatten');
    if (!dims) return [];
    return [withTail(dims, { [-3]: productDims(dims.slice(-3)), [-2]: dim(1), [-1]: dim(1) })];
  },

  permute: (x) => {
    // PermuteLayerParams: the 4 indices refer to [Seq, C, H, W]; batch (axis 1) never moves.
    const dims = dimsExactly(x, 5, 'permute');
    const axis = (x.params.axis ?? []).map(Number);
    const perm = axis.length ? axis : [0, 1, 2, 3];
    if (perm.length !== 4 || [...perm].sort().join() !== '0,1,2,3') { x.issue(`axis must be a permutation of [0, 1, 2, 3], got [${axis.join(', ')}]`, ['axis']); return []; }
    if (!dims) return [];
    const scwh = [dims[0], dims[2], dims[3], dims[4]];
    const o = perm.map((a) => scwh[a]);
    return [{ dims: [o[0], dims[1], o[1], o[2], o[3]] }];
  },

  transpose: (x) => {
    const dims = first(x).dims;
    const axes = (x.params.axes ?? []).map(Number);
    if (!dims) return [];
    if (axes.length !== dims.length || [...axes].sort((a, b) => a - b).some((v, i) => v !== i)) {
      // A permutation of the wrong length is a rank mismatch: the input provably has another rank.
      const ownPermutation = [...axes].sort((a, b) => a - b).every((v, i) => v === i);
      x.issue(`axes [${axes.join(', ')}] is not a permutation of the input's ${dims.length} axes`, ['axes'], ownPermutation ? 'mismatch' : undefined);
      return [];
    }
    return [{ dims: axes.map((a) => dims[a]) }];
  },

  reorganizeData: (x) => {
    const dims = dimsAtLeast(x, 3, 'reorganizeData');
    const b = Number(x.params.blockSize ?? 0);
    if (b < 2) { x.issue(`blockSize must be greater than 1, got ${b}`, ['blockSize']); return []; }
    if (!dims) return [];
    const c = tail(dims, -3);
    const h = tail(dims, -2);
    const w = tail(dims, -1);
    if ((x.params.mode ?? 0) === ReorganizeDataLayerParams_ReorganizationType.SPACE_TO_DEPTH) {
      // SPACE_TO_DEPTH: [C*b*b, H/b, W/b]; b must divide H and W.
      for (const [d, n] of [[h, 'H'], [w, 'W']] as const) if (isKnownDim(d) && d.min % b !== 0) x.issue(`blockSize ${b} does not divide ${n} = ${d.min}`, ['blockSize']);
      return [withTail(dims, { [-3]: mapDim(c, (n) => n * b * b), [-2]: mapDim(h, (n) => Math.floor(n / b)), [-1]: mapDim(w, (n) => Math.floor(n / b)) })];
    }
    // DEPTH_TO_SPACE and PIXEL_SHUFFLE: [C/(b*b), H*b, W*b]; b*b must divide C.
    if (isKnownDim(c) && c.min % (b * b) !== 0) x.issue(`blockSize² = ${b * b} does not divide C = ${c.min}`, ['blockSize']);
    return [withTail(dims, { [-3]: mapDim(c, (n) => Math.floor(n / (b * b))), [-2]: mapDim(h, (n) => n * b), [-1]: mapDim(w, (n) => n * b) })];
  },

  reshapeStatic: (x) => {
    const target = (x.params.targetShape ?? []).map(Number);
    const s = first(x);
    const count = s.dims ? productDims(s.dims) : undefined;
    const t = resolveTarget(x, target, count, 'targetShape');
    if (count) checkCount(x, count, t, 'targetShape');
    return [{ dims: t }];
  },

  reshapeLike: (x) => {
    const a = first(x);
    const b = input(x, 1);
    if (a.dims && b.dims) checkCount(x, productDims(a.dims), b.dims, 'input');
    return [b];
  },

  reshapeDynamic: (x) => {
    // The second input is the target shape as a rank-1 tensor: its length is the output rank.
    const n = knownDims(input(x, 1));
    return [n && n.length === 1 ? unknownDims(n[0]) : {}];
  },

  rankPreservingReshape: (x) => {
    const dims = first(x).dims;
    const target = (x.params.targetShape ?? []).map(Number);
    if (!dims) return [{ dims: target.map((v) => (v > 0 ? dim(v) : UNKNOWN_DIM)) }];
    if (target.length !== dims.length) { x.issue(`targetShape has ${target.length} values for an input of rank ${dims.length}`, ['targetShape']); return []; }
    // RankPreservingReshapeLayerParams: 0 keeps the input dimension, one -1 is inferred.
    const kept = target.map((v, i) => (v === 0 ? dims[i] : undefined));
    const known: Dim[] = target.map((v, i) => (v > 0 ? dim(v) : kept[i] ?? dim(1)));
    const count = productDims(dims);
    const others = productDims(known.filter((_, i) => target[i] !== -1));
    const out = target.map((v, i) => {
      if (v !== -1) return known[i];
      if (isKnownDim(count) && isKnownDim(others) && others.min > 0) return dim(count.min / others.min);
      return UNKNOWN_DIM;
    });
    checkCount(x, count, out, 'targetShape');
    return [{ dims: out }];
  },

  flattenTo2D: (x) => {
    const dims = first(x).dims;
    if (!dims) return [{ dims: [UNKNOWN_DIM, UNKNOWN_DIM] }];
    // FlattenTo2DLayerParams: axis may be in [-rank, rank].
    const raw = Number(x.params.axis ?? 0);
    const axis = raw < 0 ? raw + dims.length : raw;
    if (axis < 0 || axis > dims.length) { x.issue(`axis ${raw} is out of range for rank ${dims.length}`, ['axis']); return [{ dims: [UNKNOWN_DIM, UNKNOWN_DIM] }]; }
    return [{ dims: [productDims(dims.slice(0, axis)), productDims(dims.slice(axis))] }];
  },

  squeeze: (x) => {
    const dims = first(x).dims;
    if (!dims) return [];
    if (x.params.squeezeAll) {
      // Only dimensions known to be 1 can be removed with certainty.
      if (dims.some((d) => !isKnownDim(d) && d.min <= 1)) return [{}];
      const out = dims.filter((d) => !(isKnownDim(d) && d.min === 1));
      return [{ dims: out.length ? out : [dim(1)] }];
    }
    const axes = new Set<number>();
    for (const a of x.params.axes ?? []) {
      const n = axisOf(x, Number(a), dims.length, 'axes');
      if (n === undefined) continue;
      const d = dims[n];
      if (isKnownDim(d) && d.min !== 1) x.issue(`axis ${a} has size ${d.min}; only size-1 axes can be squeezed`, ['axes']);
      axes.add(n);
    }
    const out = dims.filter((_, i) => !axes.has(i));
    // SqueezeLayerParams: a rank-1 input stays rank 1.
    return [{ dims: out.length ? out : [dim(1)] }];
  },

  expandDims: (x) => {
    const dims = first(x).dims;
    if (!dims) return [];
    const axes = (x.params.axes ?? []).map(Number);
    const rank = dims.length + axes.length;
    const ones = new Set<number>();
    for (const a of axes) {
      const n = axisOf(x, a, rank, 'axes');
      if (n !== undefined) ones.add(n);
    }
    const out: Dim[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) out.push(ones.has(i) ? dim(1) : dims[k++] ?? UNKNOWN_DIM);
    return [{ dims: out }];
  },

  getShape: (x) => {
    const r = first(x).dims?.length;
    return [{ dims: [r === undefined ? UNKNOWN_DIM : dim(r)] }];
  },
} satisfies PartialLayerShapeTable;
