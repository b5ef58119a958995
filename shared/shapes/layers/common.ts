// Helpers shared by the per-layer shape functions.
import {
  UNKNOWN_SHAPE, dim, dimsOverlap, formatDim, formatShape, isKnownDim, normalizeAxis,
  type Dim, type Shape,
} from '../shape';
import type { LayerShapeInput } from './types';

export const first = <P>(x: LayerShapeInput<P>): Shape => x.inputs[0] ?? UNKNOWN_SHAPE;
export const input = <P>(x: LayerShapeInput<P>, i: number): Shape => x.inputs[i] ?? UNKNOWN_SHAPE;

/** Output shape equals the first input's. */
export const sameAsInput = <P>(x: LayerShapeInput<P>): readonly Shape[] => [first(x)];

/** Dims of the first input when its rank is at least `min`; otherwise reports and returns undefined. */
export function dimsAtLeast<P>(x: LayerShapeInput<P>, min: number, what: string, s: Shape = first(x)): readonly Dim[] | undefined {
  if (!s.dims) return undefined;
  if (s.dims.length < min) {
    x.issue(`${what} needs an input of rank ≥ ${min}, got rank ${s.dims.length} (${formatShape(s)})`, undefined, 'mismatch');
    return undefined;
  }
  return s.dims;
}

export function dimsExactly<P>(x: LayerShapeInput<P>, rank: number, what: string, s: Shape = first(x)): readonly Dim[] | undefined {
  if (!s.dims) return undefined;
  if (s.dims.length !== rank) {
    x.issue(`${what} needs an input of rank ${rank}, got rank ${s.dims.length} (${formatShape(s)})`, undefined, 'mismatch');
    return undefined;
  }
  return s.dims;
}

/** Replaces axes counted from the end (-1 = last): `withTail(dims, { [-3]: c })`. */
export function withTail(dims: readonly Dim[], tail: Readonly<Record<number, Dim>>): Shape {
  const out = [...dims];
  for (const [k, v] of Object.entries(tail)) out[out.length + Number(k)] = v;
  return { dims: out };
}

export const tail = (dims: readonly Dim[], k: number): Dim => dims[dims.length + k];

/** A repeated parameter of length 2 ([H, W]) with its proto default when unset. */
export function pair(values: readonly number[] | undefined, fallback: number): [number, number] {
  if (!values || values.length === 0) return [fallback, fallback];
  return [Number(values[0]), Number(values[1] ?? fallback)];
}

const BIG = 2 ** 40;

/**
 * Range of f over a dimension range for an f that is monotone (either direction) in n.
 * An unbounded end is probed with a very large size; results that large are unbounded.
 */
export function monotone(d: Dim, f: (n: number) => number): Dim {
  const a = f(d.min);
  const b = f(d.max === Infinity ? BIG : d.max);
  const fix = (v: number): number => (v >= BIG / 2 ? Infinity : Math.max(0, v));
  const lo = fix(Math.min(a, b));
  const hi = fix(Math.max(a, b));
  return { min: lo, max: hi };
}

/** numpy broadcasting (right-aligned; 1 stretches), over ranges. */
export function broadcast<P>(x: LayerShapeInput<P>, shapes: readonly Shape[]): Shape {
  if (shapes.some((s) => !s.dims)) return UNKNOWN_SHAPE;
  const rank = Math.max(...shapes.map((s) => s.dims!.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let acc: Dim | undefined;
    for (const s of shapes) {
      const d = s.dims![s.dims!.length - rank + i];
      if (d === undefined) continue;
      if (!acc) { acc = d; continue; }
      if (isKnownDim(d) && d.min === 1) continue;
      if (isKnownDim(acc) && acc.min === 1) { acc = d; continue; }
      if (!dimsOverlap(acc, d) && !(d.min <= 1) && !(acc.min <= 1)) {
        x.issue(`shapes ${shapes.map(formatShape).join(', ')} do not broadcast: axis ${i - rank} has sizes ${formatDim(acc)} and ${formatDim(d)}`);
        return UNKNOWN_SHAPE;
      }
      acc = { min: Math.max(acc.min, d.min), max: Math.max(acc.max, d.max) };
    }
    out.push(acc ?? dim(1));
  }
  return { dims: out };
}

/** Resolves an axis parameter against a rank, reporting when it is out of range. */
export function axisOf<P>(x: LayerShapeInput<P>, axis: number, rank: number, field: string = 'axis'): number | undefined {
  const a = normalizeAxis(axis, rank);
  if (a === undefined) x.issue(`${field} ${axis} is out of range for rank ${rank}`, [field]);
  return a;
}

/**
 * Checks that a dimension can equal a size the parameters fix (input channels of a convolution,
 * inputChannels of an inner product, …); a size outside the dimension's range is a proven mismatch.
 */
export function expectDim<P>(x: LayerShapeInput<P>, d: Dim, expected: number, what: string, field?: readonly (string | number)[]): void {
  if (expected < d.min || expected > d.max) x.issue(`${what}: expected ${expected}, the input has ${formatDim(d)}`, field, 'mismatch');
}
