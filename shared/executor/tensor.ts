// Small tensor helpers for the kernels: sizes, strides, numpy broadcasting, transposes, axis
// normalisation. Everything is float32 in C order.
import type { Tensor } from './types';

export const sizeOf = (shape: readonly number[]): number => {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
};

/**
 * Where new tensors live while a network runs: the executor installs the run's BlobArena (kernel
 * heap) here, so every kernel's output lands in wasm memory without the kernel knowing. Outside a
 * run tensors are ordinary Float32Arrays.
 */
export interface TensorAllocator {
  /** A new tensor, zeroed when `zero`; undefined when the allocator is full (use a plain array). */
  tensor(shape: number[], length: number, zero: boolean): Tensor | undefined;
  /** A tensor of `shape` over `data` when `data` is the allocator's memory, else undefined. */
  alias(shape: number[], data: Float32Array, length: number): Tensor | undefined;
}

let allocator: TensorAllocator | undefined;

/** Installs `a` for the duration of `run` (nested runs restore the outer allocator). */
export function withTensorAllocator<T>(a: TensorAllocator | undefined, run: () => T): T {
  const outer = allocator;
  allocator = a;
  try {
    return run();
  } finally {
    allocator = outer;
  }
}

function checkedLength(shape: readonly number[], data?: Float32Array): number {
  const n = sizeOf(shape);
  if (data && data.length !== n) throw new Error(`a tensor of shape [${shape.join(', ')}] needs ${n} values, got ${data.length}`);
  return n;
}

/** A zeroed tensor of `shape`, or one over `data` (no copy). */
export const makeTensor = (shape: readonly number[], data?: Float32Array): Tensor => {
  if (data && allocator && data.length === 0 && sizeOf(shape) !== 0) {
    // A heap view detached by memory growth reports length 0; the allocator still knows its block.
    const a = allocator.alias([...shape], data, sizeOf(shape));
    if (a) return a;
  }
  const n = checkedLength(shape, data);
  if (allocator) {
    const t = data ? allocator.alias([...shape], data, n) : allocator.tensor([...shape], n, true);
    if (t) return t;
  }
  return { shape: [...shape], data: data ?? new Float32Array(n) };
};

/** A tensor whose contents are unspecified: for kernels that write every element. */
export const emptyTensor = (shape: readonly number[]): Tensor => {
  const n = sizeOf(shape);
  return allocator?.tensor([...shape], n, false) ?? { shape: [...shape], data: new Float32Array(n) };
};

/** Same data, another shape (no copy). */
export const reshaped = (t: Tensor, shape: readonly number[]): Tensor => makeTensor(shape, t.data);

export const stridesOf = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
};

/** Resolves a possibly negative axis; throws when out of range. */
export function axisOf(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

/** The last three axes as [C, H, W] with everything before as one batch (left-padded with 1s). */
export function chw(shape: readonly number[]): { batch: number; C: number; H: number; W: number; lead: number[] } {
  const r = shape.length;
  const W = r >= 1 ? shape[r - 1] : 1;
  const H = r >= 2 ? shape[r - 2] : 1;
  const C = r >= 3 ? shape[r - 3] : 1;
  const lead = shape.slice(0, Math.max(0, r - 3));
  return { batch: sizeOf(lead), C, H, W, lead };
}

/** numpy broadcasting of several shapes. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) throw new Error(`shapes [${shapes.map((x) => x.join(',')).join('] and [')}] do not broadcast`);
    }
  }
  return out;
}

/** Strides of `shape` seen through the broadcast `target` shape (0 on broadcast axes). */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const st = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const o = target.length - shape.length + i;
    out[o] = shape[i] === 1 ? 0 : st[i];
  }
  return out;
}

/** Materialises `t` broadcast to `target`. */
export function broadcastTo(t: Tensor, target: readonly number[]): Tensor {
  const shape = broadcastShapes(t.shape, target);
  if (shape.length !== target.length || shape.some((d, i) => d !== target[i])) throw new Error(`[${t.shape}] does not broadcast to [${target}]`);
  if (sizeOf(t.shape) === sizeOf(target)) return makeTensor(target, t.data);
  const out = emptyTensor(target);
  const st = broadcastStrides(t.shape, target);
  forEachIndex(target, st, (o, i) => { out.data[o] = t.data[i]; });
  return out;
}

/** Calls f(outputOffset, inputOffset) for every element of `shape`, C order. */
export function forEachIndex(shape: readonly number[], strides: readonly number[], f: (o: number, i: number) => void): void {
  const r = shape.length;
  const n = sizeOf(shape);
  if (n === 0) return;
  if (r === 0) { f(0, 0); return; }
  const idx = new Array<number>(r).fill(0);
  let off = 0;
  const inner = shape[r - 1], innerStride = strides[r - 1];
  for (let o = 0; o < n; o += inner) {
    for (let j = 0; j < inner; j++) f(o + j, off + j * innerStride);
    for (let a = r - 2; a >= 0; a--) {
      idx[a]++;
      off += strides[a];
      if (idx[a] < shape[a]) break;
      off -= strides[a] * shape[a];
      idx[a] = 0;
    }
  }
}

/** Element-wise binary operation with numpy broadcasting. */
export function binary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const out = emptyTensor(shape);
  const n = out.data.length;
  const ad = a.data, bd = b.data, od = out.data;
  if (ad.length === n && bd.length === n) { for (let i = 0; i < n; i++) od[i] = f(ad[i], bd[i]); return out; }
  if (bd.length === 1 && ad.length === n) { const y = bd[0]; for (let i = 0; i < n; i++) od[i] = f(ad[i], y); return out; }
  if (ad.length === 1 && bd.length === n) { const x = ad[0]; for (let i = 0; i < n; i++) od[i] = f(x, bd[i]); return out; }
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const r = shape.length;
  const idx = new Array<number>(r).fill(0);
  let oa = 0, ob = 0;
  for (let o = 0; o < n; o++) {
    od[o] = f(ad[oa], bd[ob]);
    for (let k = r - 1; k >= 0; k--) {
      idx[k]++; oa += sa[k]; ob += sb[k];
      if (idx[k] < shape[k]) break;
      oa -= sa[k] * shape[k]; ob -= sb[k] * shape[k]; idx[k] = 0;
    }
  }
  return out;
}

export function unary(t: Tensor, f: (x: number) => number): Tensor {
  const out = emptyTensor(t.shape);
  const d = t.data, o = out.data;
  for (let i = 0; i < d.length; i++) o[i] = f(d[i]);
  return out;
}

/** numpy.transpose(t, perm). */
export function transpose(t: Tensor, perm: readonly number[]): Tensor {
  const r = t.shape.length;
  if (perm.length !== r) throw new Error(`a permutation of ${perm.length} axes for a rank-${r} tensor`);
  const seen = new Set(perm);
  if (seen.size !== r || perm.some((p) => p < 0 || p >= r)) throw new Error(`[${perm}] is not a permutation of 0..${r - 1}`);
  const shape = perm.map((p) => t.shape[p]);
  if (perm.every((p, i) => p === i)) return makeTensor(shape, t.data);
  const st = stridesOf(t.shape);
  const out = emptyTensor(shape);
  forEachIndex(shape, perm.map((p) => st[p]), (o, i) => { out.data[o] = t.data[i]; });
  return out;
}

/** Views the tensor as [outer, axisSize, inner] around `axis`. */
export function around(shape: readonly number[], axis: number): { outer: number; n: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), n: shape[axis], inner: sizeOf(shape.slice(axis + 1)) };
}

/** Integers from a tensor (shape vectors, indices). */
export const intsOf = (t: Tensor): number[] => Array.from(t.data, (v) => Math.trunc(v));

export const scalarOf = (t: Tensor, what: string): number => {
  if (t.data.length < 1) throw new Error(`${what} is empty`);
  return t.data[0];
};

export const copyTensor = (t: Tensor): Tensor => {
  const out = emptyTensor(t.shape);
  out.data.set(t.data);
  return out;
};
