// Layers that cut, pad, join, split or index tensors along axes.
import { UNKNOWN_DIM, UNKNOWN_SHAPE, addDims, dim, formatDim, formatShape, isKnownDim, mapDim, type Dim, type Shape } from '../shape';
import { axisOf, dimsAtLeast, first, input, monotone, tail, withTail } from './common';
import type { LayerShapeInput, PartialLayerShapeTable } from './types';

/** Sum of a list of dimensions along a concatenation axis; other axes must agree. */
function join<P>(x: LayerShapeInput<P>, shapes: readonly Shape[], axisOfRank: (rank: number) => number | undefined, what: string): readonly Shape[] {
  if (shapes.length === 0 || shapes.some((s) => !s.dims)) return [];
  const rank = shapes[0].dims!.length;
  if (shapes.some((s) => s.dims!.length !== rank)) { x.issue(`${what} inputs have different ranks: ${shapes.map(formatShape).join(', ')}`); return []; }
  const axis = axisOfRank(rank);
  if (axis === undefined) return [];
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const ds = shapes.map((s) => s.dims![i]);
    if (i === axis) { out.push(ds.reduce(addDims)); continue; }
    const known = ds.filter(isKnownDim).map((d) => d.min);
    if (new Set(known).size > 1) x.issue(`${what} inputs differ on axis ${i - rank} (not the concatenation axis): ${shapes.map(formatShape).join(', ')}`);
    out.push(ds.find(isKnownDim) ?? ds[0]);
  }
  return [{ dims: out }];
}

/** Equal parts along an axis. */
function parts<P>(x: LayerShapeInput<P>, dims: readonly Dim[], axis: number, n: number, what: string): readonly Shape[] {
  const d = dims[axis];
  if (isKnownDim(d) && d.min % n !== 0) x.issue(`${what}: size ${d.min} does not split into ${n} equal parts`);
  const part = mapDim(d, (v) => Math.floor(v / n));
  return Array.from({ length: n }, () => ({ dims: dims.map((e, i) => (i === axis ? part : e)) }));
}

/** numpy slice length for one axis: begin/end already resolved against masks (undefined = omitted). */
function sliceLength(n: number, begin: number | undefined, end: number | undefined, stride: number): number {
  if (stride > 0) {
    const b = begin === undefined ? 0 : begin < 0 ? Math.max(0, begin + n) : Math.min(begin, n);
    const e = end === undefined ? n : end < 0 ? Math.max(0, end + n) : Math.min(end, n);
    return Math.max(0, Math.ceil((e - b) / stride));
  }
  const b = begin === undefined ? n - 1 : begin < 0 ? Math.max(-1, begin + n) : Math.min(begin, n - 1);
  const e = end === undefined ? -1 : end < 0 ? Math.max(-1, end + n) : Math.min(end, n - 1);
  return Math.max(0, Math.ceil((b - e) / -stride));
}

export const slicingShapes = {
  slice: (x) => {
    const p = x.params;
    // SliceLayerParams.axis: CHANNEL_AXIS = -3, HEIGHT_AXIS = -2, WIDTH_AXIS = -1.
    const k = [-3, -2, -1][p.axis ?? 0] ?? -3;
    const dims = dimsAtLeast(x, -k, 'slice');
    if (!dims) return [];
    let stride = Number(p.stride ?? 0);
    if (stride <= 0) { x.issue(`stride must be positive, got ${stride}`, ['stride']); stride = 1; }
    // NeuralNetwork.proto: start inclusive, end exclusive, negative indices count from the end (-1 = N-1).
    const start = Number(p.startIndex ?? 0);
    const end = Number(p.endIndex ?? 0);
    const d = monotone(tail(dims, k), (n) => sliceLength(n, start, end, stride));
    if (d.max === 0) x.issue(`slice [${start}, ${end}) with stride ${stride} is empty for an axis of size ${formatDim(tail(dims, k))}`, ['endIndex']);
    return [withTail(dims, { [k]: d })];
  },

  sliceStatic: (x) => {
    const p = x.params;
    const dims = first(x).dims;
    if (!dims) return [];
    const r = dims.length;
    const fields = ['beginIds', 'beginMasks', 'endIds', 'endMasks', 'strides'] as const;
    for (const f of fields) {
      const n = p[f]?.length ?? 0;
      if (n !== r) { x.issue(`${f} has ${n} values for an input of rank ${r}`, [f]); return []; }
    }
    const out: Dim[] = [];
    for (let i = 0; i < r; i++) {
      if (p.squeezeMasks?.[i]) continue;
      const stride = Number(p.strides![i]) || 1;
      const begin = p.beginMasks![i] ? undefined : Number(p.beginIds![i]);
      const end = p.endMasks![i] ? undefined : Number(p.endIds![i]);
      out.push(monotone(dims[i], (n) => sliceLength(n, begin, end, stride)));
    }
    return [{ dims: out.length ? out : [dim(1)] }];
  },

  sliceDynamic: (x) => {
    const dims = first(x).dims;
    if (!dims) return [];
    // Bounds arrive at run time; only the rank is known (minus squeezed axes, unless a 7th input overrides them).
    const squeezed = x.inputs.length < 7 ? (x.params.squeezeMasks ?? []).filter(Boolean).length : 0;
    const rank = dims.length - squeezed;
    return [{ dims: Array.from({ length: Math.max(1, rank) }, () => UNKNOWN_DIM) }];
  },

  sliceBySize: (x) => {
    const dims = first(x).dims;
    if (!dims) return [];
    const a = axisOf(x, Number(x.params.axis ?? 0), dims.length);
    if (a === undefined) return [];
    return [{ dims: dims.map((d, i) => (i === a ? dim(Number(x.params.size ?? 0)) : d)) }];
  },

  crop: (x) => {
    const dims = dimsAtLeast(x, 3, 'crop');
    if (!dims) return [];
    if (x.inputs.length >= 2) {
      // Two inputs: the second gives H_out and W_out, offset gives the corner.
      const ref = dimsAtLeast(x, 3, 'crop reference', input(x, 1));
      if (!ref) return [withTail(dims, { [-2]: UNKNOWN_DIM, [-1]: UNKNOWN_DIM })];
      return [withTail(dims, { [-2]: tail(ref, -2), [-1]: tail(ref, -1) })];
    }
    const b = x.params.cropAmounts?.borderAmounts ?? [];
    if (b.length !== 2) { x.issue(`cropAmounts must have 2 entries [H, W], has ${b.length}`, ['cropAmounts']); return []; }
    const cut = (i: number): number => Number(b[i].startEdgeSize ?? 0) + Number(b[i].endEdgeSize ?? 0);
    const h = mapDim(tail(dims, -2), (n) => n - cut(0));
    const w = mapDim(tail(dims, -1), (n) => n - cut(1));
    if (h.max === 0 || w.max === 0) x.issue(`cropAmounts remove the whole ${formatDim(tail(dims, -2))}×${formatDim(tail(dims, -1))} input`, ['cropAmounts']);
    return [withTail(dims, { [-2]: h, [-1]: w })];
  },

  padding: (x) => {
    const dims = dimsAtLeast(x, 2, 'padding');
    if (!dims) return [];
    const b = x.params.paddingAmounts?.borderAmounts ?? [];
    if (b.length !== 0 && b.length !== 2) { x.issue(`paddingAmounts must have 0 or 2 entries, has ${b.length}`, ['paddingAmounts']); return []; }
    const add = (i: number): number => Number(b[i]?.startEdgeSize ?? 0) + Number(b[i]?.endEdgeSize ?? 0);
    return [withTail(dims, { [-2]: mapDim(tail(dims, -2), (n) => n + add(0)), [-1]: mapDim(tail(dims, -1), (n) => n + add(1)) })];
  },

  constantPad: (x) => {
    const dims = first(x).dims;
    if (!dims) return [];
    if (x.inputs.length >= 2) return [{ dims: dims.map(() => UNKNOWN_DIM) }];
    const pads = (x.params.padAmounts ?? []).map(Number);
    if (pads.length !== 2 * dims.length) { x.issue(`padAmounts has ${pads.length} values; it needs 2 × rank = ${2 * dims.length}`, ['padAmounts']); return []; }
    const toSize = !!x.params.padToGivenOutputSizeMode;
    return [{
      dims: dims.map((d, i) => (toSize
        ? mapDim(d, (n) => Math.max(n, pads[2 * i], pads[2 * i + 1]))
        : mapDim(d, (n) => n + pads[2 * i] + pads[2 * i + 1]))),
    }];
  },

  concat: (x) => {
    // ConcatLayerParams: along axis -3, or -5 with sequenceConcat.
    const k = x.params.sequenceConcat ? 5 : 3;
    return join(x, x.inputs, (rank) => {
      if (rank < k) { x.issue(`concat along axis -${k} needs inputs of rank ≥ ${k}`); return undefined; }
      return rank - k;
    }, 'concat');
  },

  concatND: (x) => join(x, x.inputs, (rank) => axisOf(x, Number(x.params.axis ?? 0), rank), 'concatND'),

  split: (x) => {
    const dims = dimsAtLeast(x, 3, 'split');
    const n = Number(x.params.nOutputs ?? 0) || x.layer.output?.length || 1;
    if ((x.layer.output?.length ?? 0) !== n) x.issue(`nOutputs is ${n} but the layer has ${x.layer.output?.length ?? 0} outputs`, ['nOutputs']);
    if (!dims) return [];
    return parts(x, dims, dims.length - 3, n, 'split along C');
  },

  splitND: (x) => {
    const dims = first(x).dims;
    if (!dims) return [];
    const a = axisOf(x, Number(x.params.axis ?? 0), dims.length);
    if (a === undefined) return [];
    const sizes = (x.params.splitSizes ?? []).map(Number);
    if (sizes.length) {
      const total = sizes.reduce((s, v) => s + v, 0);
      const d = dims[a];
      if (isKnownDim(d) && d.min !== total) x.issue(`splitSizes add up to ${total} but the axis has size ${d.min}`, ['splitSizes']);
      return sizes.map((v) => ({ dims: dims.map((e, i) => (i === a ? dim(v) : e)) }));
    }
    const n = Number(x.params.numSplits ?? 0) || x.layer.output?.length || 1;
    return parts(x, dims, a, n, 'splitND');
  },

  stack: (x) => {
    const s = first(x);
    if (!s.dims) return [];
    const rank = s.dims.length + 1;
    const a = axisOf(x, Number(x.params.axis ?? 0), rank);
    if (a === undefined) return [];
    for (const other of x.inputs) if (other.dims && other.dims.length !== s.dims.length) x.issue(`stack inputs have different shapes: ${x.inputs.map(formatShape).join(', ')}`);
    const out = [...s.dims];
    out.splice(a, 0, dim(x.inputs.length));
    return [{ dims: out }];
  },

  tile: (x) => {
    const dims = first(x).dims;
    if (!dims) return [];
    if (x.inputs.length >= 2) return [{ dims: dims.map(() => UNKNOWN_DIM) }];
    const reps = (x.params.reps ?? []).map(Number);
    if (reps.length < 1 || reps.length > dims.length) { x.issue(`reps has ${reps.length} values; it needs 1 to rank = ${dims.length}`, ['reps']); return []; }
    // TileLayerParams: shorter reps are padded with leading 1s.
    const full = [...Array<number>(dims.length - reps.length).fill(1), ...reps];
    return [{ dims: dims.map((d, i) => mapDim(d, (n) => n * full[i])) }];
  },

  gather: (x) => {
    const data = first(x).dims;
    const idx = input(x, 1).dims;
    if (!data || !idx) return [];
    const a = axisOf(x, Number(x.params.axis ?? 0), data.length);
    if (a === undefined) return [];
    // GatherLayerParams: data[:axis] + indices.shape + data[axis+1:].
    return [{ dims: [...data.slice(0, a), ...idx, ...data.slice(a + 1)] }];
  },

  gatherND: (x) => {
    const params = first(x).dims;
    const idx = input(x, 1).dims;
    if (!params || !idx) return [];
    const k = tail(idx, -1);
    if (!isKnownDim(k)) return [UNKNOWN_SHAPE];
    if (k.min > params.length) { x.issue(`indices address ${k.min} axes of a rank-${params.length} input`); return []; }
    return [{ dims: [...idx.slice(0, -1), ...params.slice(k.min)] }];
  },

  gatherAlongAxis: (x) => [input(x, 1)],

  slidingWindows: (x) => {
    const dims = first(x).dims;
    if (!dims) return [];
    const a = axisOf(x, Number(x.params.axis ?? 0), dims.length);
    if (a === undefined) return [];
    const w = Number(x.params.windowSize ?? 0);
    const step = Number(x.params.step ?? 0) || 1;
    // SlidingWindowsLayerParams: M = (L - W) / step + 1 windows of size W.
    const m = mapDim(dims[a], (n) => (n < w ? 0 : Math.floor((n - w) / step) + 1));
    return [{ dims: [...dims.slice(0, a), m, dim(w), ...dims.slice(a + 1)] }];
  },

  topK: (x) => {
    const dims = first(x).dims;
    if (!dims) return [];
    const a = axisOf(x, Number(x.params.axis ?? 0), dims.length);
    if (a === undefined) return [];
    const k = x.inputs.length >= 2 ? UNKNOWN_DIM : dim(Number(x.params.K ?? 0));
    const s: Shape = { dims: dims.map((d, i) => (i === a ? k : d)) };
    return [s, s];
  },

  argMax: (x) => argReduce(x, Number(x.params.axis ?? 0), !!x.params.removeDim),
  argMin: (x) => argReduce(x, Number(x.params.axis ?? 0), !!x.params.removeDim),

  sequenceRepeat: (x) => {
    const dims = dimsAtLeast(x, 5, 'sequenceRepeat');
    if (!dims) return [];
    const n = Number(x.params.nRepetitions ?? 0) || 1;
    return [withTail(dims, { [-5]: mapDim(tail(dims, -5), (v) => v * n) })];
  },
} satisfies PartialLayerShapeTable;

function argReduce<P>(x: LayerShapeInput<P>, axis: number, removeDim: boolean): readonly Shape[] {
  const dims = first(x).dims;
  if (!dims) return [];
  const a = axisOf(x, axis, dims.length);
  if (a === undefined) return [];
  // ArgMaxLayerParams: removeDim drops the axis unless the input is rank 1.
  if (removeDim && dims.length > 1) return [{ dims: dims.filter((_, i) => i !== a) }];
  return [{ dims: dims.map((d, i) => (i === a ? dim(1) : d)) }];
}
