// Static tensor shapes with ranges. A dimension is an inclusive range {min, max}: known when
// min === max, bounded by a flexible input when min < max, and max = Infinity when nothing
// bounds it. A shape whose rank is not known has no `dims` at all: inference never guesses.

export interface Dim {
  readonly min: number;
  readonly max: number;
}

export interface Shape {
  /** One range per axis, outermost first; absent when even the rank is unknown. */
  readonly dims?: readonly Dim[];
}

/** A dimension about which nothing is known. */
export const UNKNOWN_DIM: Dim = Object.freeze({ min: 0, max: Infinity });
/** A shape whose rank is not known. */
export const UNKNOWN_SHAPE: Shape = Object.freeze({});

export const dim = (n: number): Dim => ({ min: n, max: n });
export const range = (min: number, max: number): Dim => ({ min, max });
export const shapeOf = (dims: readonly (number | Dim)[]): Shape => ({ dims: dims.map((d) => (typeof d === 'number' ? dim(d) : d)) });
export const unknownDims = (rank: number): Shape => ({ dims: Array.from({ length: rank }, () => UNKNOWN_DIM) });

export const isKnownDim = (d: Dim): boolean => d.min === d.max;
export const isUnknownDim = (d: Dim): boolean => d.min <= 0 && d.max === Infinity;
export const hasRank = (s: Shape): s is Shape & { readonly dims: readonly Dim[] } => s.dims !== undefined;
export const rankOf = (s: Shape): number | undefined => s.dims?.length;

/** The exact sizes when every dimension is known, else undefined. */
export function knownDims(s: Shape): number[] | undefined {
  if (!s.dims) return undefined;
  const out: number[] = [];
  for (const d of s.dims) {
    if (d.min !== d.max) return undefined;
    out.push(d.min);
  }
  return out;
}

export const isFullyKnown = (s: Shape): boolean => knownDims(s) !== undefined;

/** Applies a non-decreasing function to both ends of a range; negative results clamp to 0. */
export function mapDim(d: Dim, f: (n: number) => number): Dim {
  const lo = Math.max(0, f(d.min));
  const hi = d.max === Infinity ? Infinity : Math.max(0, f(d.max));
  return { min: lo, max: Math.max(lo, hi) };
}

export function addDims(a: Dim, b: Dim): Dim {
  return { min: a.min + b.min, max: a.max + b.max };
}

export function mulDims(a: Dim, b: Dim): Dim {
  const hi = a.max === 0 || b.max === 0 ? 0 : a.max * b.max;
  return { min: a.min * b.min, max: hi };
}

export function productDims(ds: readonly Dim[]): Dim {
  return ds.reduce(mulDims, dim(1));
}

/** The smallest range holding both: for values that may come from either branch. */
export function unionDims(a: Dim, b: Dim): Dim {
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

export function unionShapes(a: Shape, b: Shape): Shape {
  if (!a.dims || !b.dims || a.dims.length !== b.dims.length) return UNKNOWN_SHAPE;
  return { dims: a.dims.map((d, i) => unionDims(d, b.dims![i])) };
}

export const sameDim = (a: Dim, b: Dim): boolean => a.min === b.min && a.max === b.max;

export function sameShape(a: Shape, b: Shape): boolean {
  if (!a.dims || !b.dims) return a.dims === b.dims;
  return a.dims.length === b.dims.length && a.dims.every((d, i) => sameDim(d, b.dims![i]));
}

/** Whether two dimensions could hold the same size. */
export const dimsOverlap = (a: Dim, b: Dim): boolean => a.min <= b.max && b.min <= a.max;

/** Resolves a possibly negative axis against a rank; undefined when out of range. */
export function normalizeAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

const fmtBound = (n: number): string => (n === Infinity ? '∞' : String(n));

export function formatDim(d: Dim): string {
  if (d.min === d.max) return String(d.min);
  if (isUnknownDim(d)) return '?';
  return `${fmtBound(d.min)}..${fmtBound(d.max)}`;
}

/** For edge labels: "1×3×224×224", "?×80" (unknown dimension), "1..∞×4" (range), "?" (unknown rank), "scalar". */
export function formatShape(s: Shape): string {
  if (!s.dims) return '?';
  if (s.dims.length === 0) return 'scalar';
  return s.dims.map(formatDim).join('×');
}
