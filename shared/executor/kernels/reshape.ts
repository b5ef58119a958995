// Layers that move data without arithmetic: reshapes, flattens, permutes, concatenation,
// splitting, slicing, cropping, padding, tiling, constants and fills (NeuralNetwork.proto).
import type { BorderAmounts } from '../../format';
import { around, axisOf, broadcastShapes, broadcastTo, chw, intsOf, makeTensor, reshaped, sizeOf, stridesOf, transpose } from '../tensor';
import type { Tensor } from '../types';
import type { PartialKernelTable } from './types';

/** Concatenates along `axis` (all other axes equal). */
export function concatAxis(inputs: readonly Tensor[], axis: number): Tensor {
  const first = inputs[0].shape;
  for (const t of inputs) {
    if (t.shape.length !== first.length || t.shape.some((d, i) => i !== axis && d !== first[i])) {
      throw new Error(`cannot concatenate [${inputs.map((x) => x.shape.join(',')).join('] and [')}] along axis ${axis}`);
    }
  }
  const total = inputs.reduce((s, t) => s + t.shape[axis], 0);
  const shape = [...first];
  shape[axis] = total;
  const { outer, inner } = around(shape, axis);
  const out = makeTensor(shape);
  let off = 0;
  for (const t of inputs) {
    const chunk = t.shape[axis] * inner;
    for (let o = 0; o < outer; o++) out.data.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * total * inner + off);
    off += chunk;
  }
  return out;
}

/** Splits along `axis` into pieces of the given sizes. */
export function splitAxis(x: Tensor, axis: number, sizes: readonly number[]): Tensor[] {
  const { outer, n, inner } = around(x.shape, axis);
  if (sizes.reduce((a, b) => a + b, 0) !== n) throw new Error(`split sizes [${sizes}] do not add up to ${n}`);
  let off = 0;
  return sizes.map((sz) => {
    const shape = [...x.shape];
    shape[axis] = sz;
    const out = makeTensor(shape);
    for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * n * inner + off * inner, o * n * inner + (off + sz) * inner), o * sz * inner);
    off += sz;
    return out;
  });
}

interface AxisSlice { start: number; step: number; count: number }

/** numpy slice bounds for one axis; undefined bounds are omitted ones. */
export function numpySlice(n: number, begin: number | undefined, end: number | undefined, step: number): AxisSlice {
  if (!step) throw new Error('slice stride 0');
  let start: number, stop: number;
  if (step > 0) {
    start = begin === undefined ? 0 : begin < 0 ? Math.max(0, begin + n) : Math.min(begin, n);
    stop = end === undefined ? n : end < 0 ? Math.max(0, end + n) : Math.min(end, n);
  } else {
    start = begin === undefined ? n - 1 : begin < 0 ? Math.max(-1, begin + n) : Math.min(begin, n - 1);
    stop = end === undefined ? -1 : end < 0 ? Math.max(-1, end + n) : Math.min(end, n - 1);
  }
  const count = Math.max(0, Math.ceil((stop - start) / step));
  return { start, step, count };
}

/** Gathers a strided box: one AxisSlice per axis. */
export function sliceBox(x: Tensor, slices: readonly AxisSlice[]): Tensor {
  const shape = slices.map((s) => s.count);
  const out = makeTensor(shape);
  const st = stridesOf(x.shape);
  const r = shape.length;
  const n = out.data.length;
  if (n === 0) return out;
  const idx = new Array<number>(r).fill(0);
  let base = 0;
  for (let a = 0; a < r; a++) base += slices[a].start * st[a];
  let off = base;
  for (let o = 0; o < n; o++) {
    out.data[o] = x.data[off];
    for (let a = r - 1; a >= 0; a--) {
      idx[a]++;
      off += slices[a].step * st[a];
      if (idx[a] < shape[a]) break;
      off -= slices[a].step * st[a] * shape[a];
      idx[a] = 0;
    }
  }
  return out;
}

const whole = (n: number): AxisSlice => ({ start: 0, step: 1, count: n });

/** Resolves -1 (inferred) and 0 (copy the input's size at that axis) in a target shape. */
function resolveShape(target: readonly number[], input: readonly number[], total: number): number[] {
  const out = target.map((d, i) => (d === 0 && i < input.length ? input[i] : d));
  const unknown = out.filter((d) => d < 0);
  if (unknown.length > 1) throw new Error(`target shape [${target}] has more than one -1`);
  if (unknown.length === 1) {
    const known = out.filter((d) => d >= 0).reduce((a, b) => a * b, 1);
    if (known === 0 || total % known) throw new Error(`cannot infer the -1 in [${target}] for ${total} values`);
    out[out.indexOf(unknown[0])] = total / known;
  }
  if (sizeOf(out) !== total) throw new Error(`cannot reshape ${total} values to [${out}]`);
  return out;
}

function pad2d(x: Tensor, top: number, bottom: number, left: number, right: number, mode: 'constant' | 'reflect' | 'edge', value: number): Tensor {
  const r = x.shape.length;
  if (r < 2) throw new Error(`padding needs rank 2 or more, got [${x.shape}]`);
  const H = x.shape[r - 2], W = x.shape[r - 1];
  const oH = H + top + bottom, oW = W + left + right;
  if (mode === 'reflect' && (top >= H || bottom >= H || left >= W || right >= W)) throw new Error(`reflection padding must be smaller than the input (${H}×${W})`);
  const out = makeTensor([...x.shape.slice(0, r - 2), oH, oW]);
  const planes = x.data.length / (H * W);
  const src = (i: number, n: number): number => {
    if (i >= 0 && i < n) return i;
    if (mode === 'edge') return i < 0 ? 0 : n - 1;
    if (mode === 'reflect') return i < 0 ? -i : 2 * (n - 1) - i;
    return -1;
  };
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < oH; y++) {
      const sy = src(y - top, H);
      for (let xx = 0; xx < oW; xx++) {
        const sx = src(xx - left, W);
        out.data[(p * oH + y) * oW + xx] = sy < 0 || sx < 0 ? value : x.data[(p * H + sy) * W + sx];
      }
    }
  }
  return out;
}

const edges = (b: BorderAmounts | undefined): [number, number, number, number] => {
  const e = b?.borderAmounts ?? [];
  return [Number(e[0]?.startEdgeSize ?? 0), Number(e[0]?.endEdgeSize ?? 0), Number(e[1]?.startEdgeSize ?? 0), Number(e[1]?.endEdgeSize ?? 0)];
};

/** Pads a shape on the left with 1s to rank 5 (the rank-5 layers on a smaller blob). */
const toRank5 = (shape: readonly number[]): number[] => [...new Array<number>(Math.max(0, 5 - shape.length)).fill(1), ...shape];

function tile(x: Tensor, reps: readonly number[]): Tensor {
  const r = x.shape.length;
  const full = [...new Array<number>(Math.max(0, r - reps.length)).fill(1), ...reps];
  if (full.length !== r) throw new Error(`reps [${reps}] are longer than the rank ${r}`);
  const shape = x.shape.map((d, i) => d * full[i]);
  const out = makeTensor(shape);
  const st = stridesOf(x.shape);
  const n = out.data.length;
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < n; o++) {
    let off = 0;
    for (let a = 0; a < r; a++) off += (idx[a] % x.shape[a]) * st[a];
    out.data[o] = x.data[off];
    for (let a = r - 1; a >= 0; a--) { if (++idx[a] < shape[a]) break; idx[a] = 0; }
  }
  return out;
}

/** sliceStatic / sliceDynamic (numpy slicing, README point 2: a mask omits the bound). */
function sliceND(x: Tensor, begin: readonly number[], end: readonly number[], strides: readonly number[], beginMasks: readonly boolean[], endMasks: readonly boolean[], squeeze: readonly boolean[]): Tensor {
  const r = x.shape.length;
  if (begin.length !== r) throw new Error(`beginIds has ${begin.length} entries for a rank-${r} input`);
  const slices: AxisSlice[] = [];
  const keep: number[] = [];
  for (let a = 0; a < r; a++) {
    const n = x.shape[a];
    if (squeeze[a]) {
      const i = begin[a] < 0 ? begin[a] + n : begin[a];
      if (i < 0 || i >= n) throw new Error(`index ${begin[a]} is out of range for axis ${a} of size ${n}`);
      slices.push({ start: i, step: 1, count: 1 });
      continue;
    }
    keep.push(a);
    slices.push(numpySlice(n, beginMasks[a] ? undefined : begin[a], endMasks[a] ? undefined : end[a] ?? n, strides[a] || 1));
  }
  const out = sliceBox(x, slices);
  if (keep.length === r) return out;
  return reshaped(out, keep.length ? keep.map((a) => slices[a].count) : [1]);
}

const bools = (t: Tensor | undefined, p: readonly boolean[] | undefined): boolean[] => (t ? Array.from(t.data, (v) => v !== 0) : [...(p ?? [])]);

export const RESHAPE_KERNELS = {
  reshape: (ctx) => {
    // Rank-5 reshape: a 3-entry target keeps each [Seq, Batch] item; 4 entries set a new Seq.
    const x = ctx.inputs[0];
    const target = (ctx.params.targetShape ?? []).map(Number);
    const s5 = toRank5(x.shape);
    const channelLast = (ctx.params.mode ?? 0) === 1;
    let items: number, outShape: number[], chwOut: number[];
    if (target.length === 3) { items = s5[0] * s5[1]; chwOut = target; outShape = [s5[0], s5[1], ...target]; }
    else if (target.length === 4) { items = target[0]; chwOut = target.slice(1); outShape = [target[0], 1, ...target.slice(1)]; }
    else throw new Error(`targetShape must have 3 or 4 entries, has ${target.length}`);
    if (sizeOf(outShape) !== x.data.length) throw new Error(`cannot reshape [${x.shape}] to [${outShape}]`);
    if (!channelLast) return [makeTensor(outShape, x.data)];
    // CHANNEL_LAST: each input item [C, H, W] flattened in (H, W, C) order, the whole read as
    // items [H', W', C'], each permuted to [C', H', W'] (README point 20).
    const [C, H, W] = s5.slice(2);
    const [C2, H2, W2] = chwOut;
    const inItems = x.data.length / (C * H * W);
    const hwc = new Float32Array(x.data.length);
    for (let it = 0; it < inItems; it++) {
      const n = C * H * W;
      hwc.set(transpose(makeTensor([C, H, W], x.data.subarray(it * n, (it + 1) * n)), [1, 2, 0]).data, it * n);
    }
    const out = makeTensor(outShape);
    const per = C2 * H2 * W2;
    for (let it = 0; it < items; it++) {
      out.data.set(transpose(makeTensor([H2, W2, C2], hwc.subarray(it * per, (it + 1) * per)), [2, 0, 1]).data, it * per);
    }
    return [out];
  },
  flatten: (ctx) => {
    const x = ctx.inputs[0];
    const { batch, C, H, W, lead } = chw(x.shape);
    const out = makeTensor([...lead, C * H * W, 1, 1]);
    if ((ctx.params.mode ?? 0) === 0) return [makeTensor(out.shape, x.data)];
    const n = C * H * W;
    for (let b = 0; b < batch; b++) out.data.set(transpose(makeTensor([C, H, W], x.data.subarray(b * n, (b + 1) * n)), [1, 2, 0]).data, b * n);
    return [out];
  },
  permute: (ctx) => {
    // PermuteLayerParams.axis indexes [Seq, C, H, W]; the batch axis (1 of 5) never moves.
    const x = ctx.inputs[0];
    const axis = (ctx.params.axis ?? []).map(Number);
    const perm4 = axis.length ? axis : [0, 1, 2, 3];
    if (perm4.length !== 4) throw new Error(`axis must have 4 entries, has ${perm4.length}`);
    const map = [0, 2, 3, 4];
    const perm5 = [map[perm4[0]], 1, map[perm4[1]], map[perm4[2]], map[perm4[3]]];
    const s5 = toRank5(x.shape);
    const y = transpose(makeTensor(s5, x.data), perm5);
    return [x.shape.length === 5 ? y : reshaped(y, y.shape.slice(5 - x.shape.length))];
  },
  concat: (ctx) => {
    const r = ctx.inputs[0].shape.length;
    return [concatAxis(ctx.inputs, ctx.params.sequenceConcat ? axisOf(-5, r) : axisOf(-3, r))];
  },
  split: (ctx) => {
    const x = ctx.inputs[0];
    const n = Number(ctx.params.nOutputs ?? 0) || ctx.layer.output?.length || 1;
    const axis = axisOf(-3, x.shape.length);
    if (x.shape[axis] % n) throw new Error(`${x.shape[axis]} channels do not split into ${n} equal parts`);
    return splitAxis(x, axis, new Array(n).fill(x.shape[axis] / n));
  },
  sequenceRepeat: (ctx) => {
    const x = ctx.inputs[0];
    const n = Number(ctx.params.nRepetitions ?? 0) || 1;
    const s5 = toRank5(x.shape);
    return [tile(makeTensor(s5, x.data), [n, 1, 1, 1, 1])];
  },
  reorganizeData: (ctx) => {
    const x = ctx.inputs[0];
    const { batch, C, H, W, lead } = chw(x.shape);
    const b = Number(ctx.params.blockSize ?? 0);
    if (b < 2) throw new Error(`blockSize must be at least 2, is ${b}`);
    const mode = ctx.params.mode ?? 0;
    const n = C * H * W;
    if (mode === 0) {
      // SPACE_TO_DEPTH, the inverse of DEPTH_TO_SPACE: out[(i*b+j)*C + c, h, w] = in[c, h*b+i, w*b+j].
      if (H % b || W % b) throw new Error(`blockSize ${b} does not divide ${H}×${W}`);
      const Ho = H / b, Wo = W / b, Co = C * b * b;
      const out = makeTensor([...lead, Co, Ho, Wo]);
      for (let k = 0; k < batch; k++) for (let c = 0; c < C; c++) for (let h = 0; h < Ho; h++) for (let i = 0; i < b; i++) for (let w = 0; w < Wo; w++) for (let j = 0; j < b; j++) {
        out.data[k * n + (((i * b + j) * C + c) * Ho + h) * Wo + w] = x.data[k * n + (c * H + h * b + i) * W + w * b + j];
      }
      return [out];
    }
    if (C % (b * b)) throw new Error(`blockSize² (${b * b}) does not divide ${C} channels`);
    const Co = C / (b * b), Ho = H * b, Wo = W * b;
    const out = makeTensor([...lead, Co, Ho, Wo]);
    for (let k = 0; k < batch; k++) for (let c = 0; c < Co; c++) for (let h = 0; h < H; h++) for (let i = 0; i < b; i++) for (let w = 0; w < W; w++) for (let j = 0; j < b; j++) {
      // DEPTH_TO_SPACE: in[(i*b+j)*C_out + c]; PIXEL_SHUFFLE: in[c*b*b + i*b + j] (README point 21).
      const ic = mode === 1 ? (i * b + j) * Co + c : c * b * b + i * b + j;
      out.data[k * n + (c * Ho + h * b + i) * Wo + w * b + j] = x.data[k * n + (ic * H + h) * W + w];
    }
    return [out];
  },
  slice: (ctx) => {
    // SliceLayerParams: axis CHANNEL/HEIGHT/WIDTH = -3/-2/-1; start inclusive, end exclusive,
    // negative indices count from the end (-1 is N-1), numpy style (README point 2).
    const x = ctx.inputs[0];
    const p = ctx.params;
    const r = x.shape.length;
    const axis = axisOf([-3, -2, -1][p.axis ?? 0], r);
    const stride = Number(p.stride ?? 1) || 1;
    const s = numpySlice(x.shape[axis], Number(p.startIndex ?? 0), Number(p.endIndex ?? 0), stride);
    if (s.count < 1) throw new Error(`slice [${p.startIndex ?? 0}, ${p.endIndex ?? 0}) stride ${stride} of an axis of ${x.shape[axis]} is empty`);
    return [sliceBox(x, x.shape.map((n, a) => (a === axis ? s : whole(n))))];
  },
  crop: (ctx) => {
    const [x, ref] = ctx.inputs;
    const r = x.shape.length;
    const H = x.shape[r - 2], W = x.shape[r - 1];
    let top: number, left: number, oH: number, oW: number;
    if (ref) {
      const off = (ctx.params.offset ?? []).map(Number);
      top = off[0] ?? 0; left = off[1] ?? 0;
      oH = ref.shape[ref.shape.length - 2]; oW = ref.shape[ref.shape.length - 1];
    } else {
      const [t, b, l, rr] = edges(ctx.params.cropAmounts);
      top = t; left = l; oH = H - t - b; oW = W - l - rr;
    }
    if (oH < 1 || oW < 1 || top + oH > H || left + oW > W) throw new Error(`the crop does not fit the input ${H}×${W}`);
    return [sliceBox(x, x.shape.map((n, a) => (a === r - 2 ? { start: top, step: 1, count: oH } : a === r - 1 ? { start: left, step: 1, count: oW } : whole(n))))];
  },
  padding: (ctx) => {
    const p = ctx.params;
    const [t, b, l, r] = edges(p.paddingAmounts);
    const mode = p.reflection ? 'reflect' : p.replication ? 'edge' : 'constant';
    return [pad2d(ctx.inputs[0], t, b, l, r, mode, p.constant?.value ?? 0)];
  },
  loadConstant: (ctx) => {
    const shape = (ctx.params.shape ?? []).map(Number);
    if (shape.length !== 3) throw new Error(`shape must be [C, H, W], is [${shape}]`);
    const data = ctx.weights(ctx.params.data, { count: sizeOf(shape), what: 'data' });
    return [makeTensor([1, 1, ...shape], Float32Array.from(data))];
  },
  loadConstantND: (ctx) => {
    const shape = (ctx.params.shape ?? []).map(Number);
    const data = ctx.weights(ctx.params.data, { count: sizeOf(shape), what: 'data' });
    return [makeTensor(shape, Float32Array.from(data))];
  },
  transpose: (ctx) => [transpose(ctx.inputs[0], (ctx.params.axes ?? []).map(Number))],
  concatND: (ctx) => {
    const r = ctx.inputs[0].shape.length;
    const axis = axisOf(Number(ctx.params.axis ?? 0), r);
    if (!ctx.params.interleave) return [concatAxis(ctx.inputs, axis)];
    // interleave: output[i::k] = input_i along the axis.
    const k = ctx.inputs.length;
    const shape = [...ctx.inputs[0].shape];
    if (ctx.inputs.some((t) => t.shape.some((d, i) => d !== shape[i]))) throw new Error('interleaved inputs must have the same shape');
    const { outer, n, inner } = around(shape, axis);
    shape[axis] = n * k;
    const out = makeTensor(shape);
    for (let o = 0; o < outer; o++) for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) {
      out.data.set(ctx.inputs[j].data.subarray((o * n + i) * inner, (o * n + i + 1) * inner), ((o * n + i) * k + j) * inner);
    }
    return [out];
  },
  splitND: (ctx) => {
    const x = ctx.inputs[0];
    const axis = axisOf(Number(ctx.params.axis ?? 0), x.shape.length);
    let sizes = (ctx.params.splitSizes ?? []).map(Number);
    if (!sizes.length) {
      const n = Number(ctx.params.numSplits ?? 0) || ctx.layer.output?.length || 1;
      if (x.shape[axis] % n) throw new Error(`axis of ${x.shape[axis]} does not split into ${n} equal parts`);
      sizes = new Array<number>(n).fill(x.shape[axis] / n);
    }
    return splitAxis(x, axis, sizes);
  },
  squeeze: (ctx) => {
    const x = ctx.inputs[0];
    const r = x.shape.length;
    let shape: number[];
    if (ctx.params.squeezeAll) shape = x.shape.filter((d) => d !== 1);
    else {
      const axes = new Set((ctx.params.axes ?? []).map((a) => axisOf(Number(a), r)));
      for (const a of axes) if (x.shape[a] !== 1) throw new Error(`axis ${a} has size ${x.shape[a]}, not 1`);
      shape = x.shape.filter((_, i) => !axes.has(i));
    }
    return [makeTensor(shape.length ? shape : [1], x.data)];
  },
  expandDims: (ctx) => {
    const x = ctx.inputs[0];
    const axes = (ctx.params.axes ?? []).map(Number);
    const r = x.shape.length + axes.length;
    const set = new Set(axes.map((a) => axisOf(a, r)));
    const shape: number[] = [];
    let k = 0;
    for (let i = 0; i < r; i++) shape.push(set.has(i) ? 1 : x.shape[k++]);
    return [makeTensor(shape, x.data)];
  },
  flattenTo2D: (ctx) => {
    const x = ctx.inputs[0];
    const r = x.shape.length;
    let a = Number(ctx.params.axis ?? 0);
    if (a < 0) a += r;
    if (a < 0 || a > r) throw new Error(`axis ${ctx.params.axis} is out of range for rank ${r}`);
    return [makeTensor([sizeOf(x.shape.slice(0, a)), sizeOf(x.shape.slice(a))], x.data)];
  },
  reshapeStatic: (ctx) => {
    const x = ctx.inputs[0];
    return [makeTensor(resolveShape((ctx.params.targetShape ?? []).map(Number), x.shape, x.data.length), x.data)];
  },
  reshapeLike: (ctx) => [makeTensor(ctx.inputs[1].shape, ctx.inputs[0].data)],
  reshapeDynamic: (ctx) => {
    const x = ctx.inputs[0];
    return [makeTensor(resolveShape(intsOf(ctx.inputs[1]), x.shape, x.data.length), x.data)];
  },
  rankPreservingReshape: (ctx) => {
    const x = ctx.inputs[0];
    const t = (ctx.params.targetShape ?? []).map(Number);
    if (t.length !== x.shape.length) throw new Error(`targetShape [${t}] must have the input's rank ${x.shape.length}`);
    return [makeTensor(resolveShape(t, x.shape, x.data.length), x.data)];
  },
  tile: (ctx) => [tile(ctx.inputs[0], ctx.inputs[1] ? intsOf(ctx.inputs[1]) : (ctx.params.reps ?? []).map(Number))],
  stack: (ctx) => {
    const first = ctx.inputs[0].shape;
    const axis = axisOf(Number(ctx.params.axis ?? 0), first.length + 1);
    const expanded = ctx.inputs.map((t) => makeTensor([...t.shape.slice(0, axis), 1, ...t.shape.slice(axis)], t.data));
    return [concatAxis(expanded, axis)];
  },
  reverse: (ctx) => {
    const x = ctx.inputs[0];
    const dims = ctx.params.reverseDim ?? [];
    return [sliceBox(x, x.shape.map((n, a) => (dims[a] ? { start: n - 1, step: -1, count: n } : whole(n))))];
  },
  reverseSeq: (ctx) => {
    const [x, lens] = ctx.inputs;
    const r = x.shape.length;
    const ba = axisOf(Number(ctx.params.batchAxis ?? 0), r), sa = axisOf(Number(ctx.params.sequenceAxis ?? 0), r);
    const st = stridesOf(x.shape);
    const out = makeTensor(x.shape, Float32Array.from(x.data));
    const idx = new Array<number>(r).fill(0);
    for (let o = 0; o < x.data.length; o++) {
      const L = Math.min(x.shape[sa], Math.max(0, Math.round(lens.data[idx[ba]])));
      const s = idx[sa];
      if (s < L) {
        const src = o + (L - 1 - s - s) * st[sa];
        out.data[o] = x.data[src];
      }
      for (let a = r - 1; a >= 0; a--) { if (++idx[a] < x.shape[a]) break; idx[a] = 0; }
    }
    return [out];
  },
  getShape: (ctx) => [makeTensor([ctx.inputs[0].shape.length], Float32Array.from(ctx.inputs[0].shape))],
  fillLike: (ctx) => [makeTensor(ctx.inputs[0].shape, new Float32Array(ctx.inputs[0].data.length).fill(ctx.params.value ?? 0))],
  fillStatic: (ctx) => {
    const shape = (ctx.params.targetShape ?? []).map(Number);
    return [makeTensor(shape, new Float32Array(sizeOf(shape)).fill(ctx.params.value ?? 0))];
  },
  fillDynamic: (ctx) => {
    const shape = intsOf(ctx.inputs[0]);
    return [makeTensor(shape, new Float32Array(sizeOf(shape)).fill(ctx.params.value ?? 0))];
  },
  broadcastToLike: (ctx) => [broadcastTo(ctx.inputs[0], broadcastShapes(ctx.inputs[0].shape, ctx.inputs[1].shape))],
  broadcastToStatic: (ctx) => [broadcastTo(ctx.inputs[0], broadcastShapes(ctx.inputs[0].shape, (ctx.params.targetShape ?? []).map(Number)))],
  broadcastToDynamic: (ctx) => [broadcastTo(ctx.inputs[0], broadcastShapes(ctx.inputs[0].shape, intsOf(ctx.inputs[1])))],
  constantPad: (ctx) => {
    const x = ctx.inputs[0];
    const r = x.shape.length;
    const pads = ctx.inputs[1] ? intsOf(ctx.inputs[1]) : (ctx.params.padAmounts ?? []).map(Number);
    if (pads.length !== 2 * r) throw new Error(`padAmounts has ${pads.length} entries, a rank-${r} input needs ${2 * r}`);
    const before: number[] = [], after: number[] = [];
    for (let a = 0; a < r; a++) {
      let b = pads[2 * a], e = pads[2 * a + 1];
      if (ctx.params.padToGivenOutputSizeMode) {
        // A positive amount is the output size; pad on the side it is given for.
        const target = Math.max(x.shape[a], b, e);
        if (b > 0) { b = target - x.shape[a]; e = 0; } else { e = target - x.shape[a]; b = 0; }
      }
      before.push(b); after.push(e);
    }
    const shape = x.shape.map((d, a) => d + before[a] + after[a]);
    const out = makeTensor(shape, new Float32Array(sizeOf(shape)).fill(ctx.params.value ?? 0));
    const ost = stridesOf(shape);
    const idx = new Array<number>(r).fill(0);
    for (let i = 0; i < x.data.length; i++) {
      let o = 0;
      for (let a = 0; a < r; a++) o += (idx[a] + before[a]) * ost[a];
      out.data[o] = x.data[i];
      for (let a = r - 1; a >= 0; a--) { if (++idx[a] < x.shape[a]) break; idx[a] = 0; }
    }
    return [out];
  },
  sliceStatic: (ctx) => {
    const p = ctx.params;
    return [sliceND(ctx.inputs[0], (p.beginIds ?? []).map(Number), (p.endIds ?? []).map(Number), (p.strides ?? []).map(Number), p.beginMasks ?? [], p.endMasks ?? [], p.squeezeMasks ?? [])];
  },
  sliceDynamic: (ctx) => {
    const p = ctx.params;
    const [x, begin, end, strides, bm, em, sm] = ctx.inputs;
    return [sliceND(
      x, intsOf(begin), end ? intsOf(end) : (p.endIds ?? []).map(Number), strides ? intsOf(strides) : (p.strides ?? []).map(Number),
      bools(bm, p.beginMasks), bools(em, p.endMasks), bools(sm, p.squeezeMasks),
    )];
  },
  sliceBySize: (ctx) => {
    const [x, begin] = ctx.inputs;
    const axis = axisOf(Number(ctx.params.axis ?? 0), x.shape.length);
    const size = Number(ctx.params.size ?? 0);
    let b = Math.round(begin.data[0]);
    if (b < 0) b += x.shape[axis];
    if (b < 0 || b + size > x.shape[axis]) throw new Error(`[${b}, ${b + size}) is outside axis ${axis} of size ${x.shape[axis]}`);
    return [sliceBox(x, x.shape.map((n, a) => (a === axis ? { start: b, step: 1, count: size } : whole(n))))];
  },
  slidingWindows: (ctx) => {
    const x = ctx.inputs[0];
    const axis = axisOf(Number(ctx.params.axis ?? 0), x.shape.length);
    const size = Number(ctx.params.windowSize ?? 0), step = Number(ctx.params.step ?? 1) || 1;
    const { outer, n, inner } = around(x.shape, axis);
    const M = Math.floor((n - size) / step) + 1;
    if (M < 1) throw new Error(`window ${size} is longer than the axis (${n})`);
    const out = makeTensor([...x.shape.slice(0, axis), M, size, ...x.shape.slice(axis + 1)]);
    let o = 0;
    for (let b = 0; b < outer; b++) for (let m = 0; m < M; m++) for (let w = 0; w < size; w++) {
      const src = (b * n + m * step + w) * inner;
      out.data.set(x.data.subarray(src, src + inner), o);
      o += inner;
    }
    return [out];
  },
} satisfies PartialKernelTable;
