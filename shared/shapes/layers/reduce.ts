// Reductions: the classic reduce (keeps the rank, 1s on reduced axes) and the N-d reduce*
// layers (axes, keepDims, reduceAll).
import { dim, type Dim } from '../shape';
import { axisOf, dimsAtLeast, first, withTail } from './common';
import type { LayerShapeFn, LayerShapeInput, PartialLayerShapeTable } from './types';

interface ReduceNd { readonly axes?: readonly number[]; readonly keepDims?: boolean; readonly reduceAll?: boolean }

function reduceNd<P extends ReduceNd>(x: LayerShapeInput<P>) {
  const dims = first(x).dims;
  if (!dims) return [];
  const all = !!x.params.reduceAll || !(x.params.axes?.length);
  const reduced = new Set<number>();
  if (all) dims.forEach((_, i) => reduced.add(i));
  else for (const a of x.params.axes ?? []) {
    const n = axisOf(x, Number(a), dims.length, 'axes');
    if (n !== undefined) reduced.add(n);
  }
  if (x.params.keepDims) return [{ dims: dims.map((d, i) => (reduced.has(i) ? dim(1) : d)) }];
  const out: Dim[] = dims.filter((_, i) => !reduced.has(i));
  // Neural network tensors have rank ≥ 1: a full reduction gives [1].
  return [{ dims: out.length ? out : [dim(1)] }];
}

const nd: LayerShapeFn<ReduceNd> = reduceNd;

export const reduceShapes = {
  reduce: (x) => {
    // ReduceLayerParams.axis: CHW = [-3,-2,-1], HW = [-2,-1], C = -3, H = -2, W = -1.
    const axes = [[-3, -2, -1], [-2, -1], [-3], [-2], [-1]][x.params.axis ?? 0] ?? [-3, -2, -1];
    const dims = dimsAtLeast(x, -Math.min(...axes), 'reduce');
    if (!dims) return [];
    return [withTail(dims, Object.fromEntries(axes.map((a) => [a, dim(1)])))];
  },
  reduceL1: nd,
  reduceL2: nd,
  reduceMax: nd,
  reduceMin: nd,
  reduceSum: nd,
  reduceProd: nd,
  reduceMean: nd,
  reduceLogSum: nd,
  reduceSumSquare: nd,
  reduceLogSumExp: nd,
} satisfies PartialLayerShapeTable;
