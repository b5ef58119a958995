// Layers whose output has exactly the shape of their (first) input: activations, unary math,
// normalizations, masks, and the layers that only read an input's shape ("like" layers).
import { repeatedCount } from '../../format';
import { formatDim, formatShape, isKnownDim } from '../shape';
import { dimsAtLeast, expectDim, first, sameAsInput, tail } from './common';
import type { LayerShapeInput, PartialLayerShapeTable } from './types';

/** Per-channel parameter vectors must have 1 or C entries (ActivationPReLU, ActivationParametricSoftplus). */
function channelsParam<P>(x: LayerShapeInput<P>, length: number, field: string): void {
  const dims = first(x).dims;
  if (!dims || dims.length < 3 || length <= 1) return;
  const c = tail(dims, -3);
  if (isKnownDim(c) && c.min !== length) x.issue(`${field} has ${length} values; it needs 1 or C = ${formatDim(c)}`, [field], 'mismatch');
}

/** ScaleLayerParams / BiasLayerParams: a parameter shape is [1], [C], [1, H, W] or [C, H, W]. */
function fitsChw<P>(x: LayerShapeInput<P>, shape: readonly number[] | undefined, field: string): void {
  const ps = (shape ?? []).map(Number);
  const dims = first(x).dims;
  if (ps.length !== 1 && ps.length !== 3) { x.issue(`${field} must be [1], [C], [1, H, W] or [C, H, W], got [${ps.join(', ')}]`, [field]); return; }
  if (!dims || dims.length < 3) return;
  const chw = ps.length === 1 ? [ps[0], 1, 1] : ps;
  const want = [tail(dims, -3), tail(dims, -2), tail(dims, -1)];
  const bad = chw.some((v, i) => {
    const d = want[i];
    if (i === 0 && v === 1) return false;
    if (ps.length === 1 && i > 0) return false;
    return isKnownDim(d) && d.min !== v;
  });
  if (bad) x.issue(`${field} [${ps.join(', ')}] does not fit the input ${formatShape(first(x))}`, [field], 'mismatch');
}

const weightCount = (w: { floatValue?: Float32Array; float16Value?: Uint8Array } | undefined): number =>
  !w ? 0 : repeatedCount(w, 'floatValue') || (w.float16Value?.length ?? 0) / 2;

export const elementwiseShapes = {
  activation: (x) => {
    const a = x.params;
    if (a.PReLU) { dimsAtLeast(x, 3, 'PReLU'); channelsParam(x, weightCount(a.PReLU.alpha), 'PReLU.alpha'); }
    if (a.parametricSoftplus) {
      dimsAtLeast(x, 3, 'parametricSoftplus');
      channelsParam(x, weightCount(a.parametricSoftplus.alpha), 'parametricSoftplus.alpha');
      channelsParam(x, weightCount(a.parametricSoftplus.beta), 'parametricSoftplus.beta');
    }
    return [first(x)];
  },
  unary: sameAsInput,
  clip: sameAsInput,
  ceil: sameAsInput,
  floor: sameAsInput,
  sign: sameAsInput,
  round: sameAsInput,
  exp2: sameAsInput,
  sin: sameAsInput,
  cos: sameAsInput,
  tan: sameAsInput,
  asin: sameAsInput,
  acos: sameAsInput,
  atan: sameAsInput,
  sinh: sameAsInput,
  cosh: sameAsInput,
  tanh: sameAsInput,
  asinh: sameAsInput,
  acosh: sameAsInput,
  atanh: sameAsInput,
  erf: sameAsInput,
  gelu: sameAsInput,
  clampedReLU: sameAsInput,
  logicalNot: sameAsInput,
  copy: sameAsInput,
  cumSum: sameAsInput,
  argSort: (x) => {
    const dims = first(x).dims;
    const axis = Number(x.params.axis ?? 0);
    if (dims && (axis < 0 || axis >= dims.length)) x.issue(`axis ${axis} must be in [0, ${dims.length - 1}]`, ['axis']);
    return [first(x)];
  },
  reverse: (x) => {
    const dims = first(x).dims;
    const n = x.params.reverseDim?.length ?? 0;
    if (dims && n !== dims.length) x.issue(`reverseDim has ${n} flags for an input of rank ${dims.length}`, ['reverseDim']);
    return [first(x)];
  },
  reverseSeq: sameAsInput,
  matrixBandPart: (x) => { dimsAtLeast(x, 2, 'matrixBandPart'); return [first(x)]; },
  lowerTriangular: (x) => { dimsAtLeast(x, 2, 'lowerTriangular'); return [first(x)]; },
  upperTriangular: (x) => { dimsAtLeast(x, 2, 'upperTriangular'); return [first(x)]; },
  softmaxND: sameAsInput,
  fillLike: sameAsInput,
  randomNormalLike: sameAsInput,
  randomUniformLike: sameAsInput,
  randomBernoulliLike: sameAsInput,
  // Scatter layers write into a copy of their first input ("container").
  scatter: sameAsInput,
  scatterND: sameAsInput,
  scatterAlongAxis: sameAsInput,

  batchnorm: (x) => {
    const dims = dimsAtLeast(x, 3, 'batchnorm');
    const channels = Number(x.params.channels ?? 0);
    if (dims && channels > 0) expectDim(x, tail(dims, -3), channels, 'channels', ['channels']);
    return [first(x)];
  },
  mvn: (x) => { dimsAtLeast(x, 3, 'mvn'); return [first(x)]; },
  l2normalize: (x) => { dimsAtLeast(x, 3, 'l2normalize'); return [first(x)]; },
  softmax: (x) => { dimsAtLeast(x, 3, 'softmax'); return [first(x)]; },
  lrn: (x) => { dimsAtLeast(x, 3, 'lrn'); return [first(x)]; },
  layerNormalization: (x) => {
    const dims = first(x).dims;
    const ns = (x.params.normalizedShape ?? []).map(Number);
    if (dims) {
      // LayerNormalizationLayerParams.normalizedShape: the trailing axes of the input.
      const t = dims.slice(dims.length - ns.length);
      if (ns.length > dims.length || t.some((d, i) => isKnownDim(d) && d.min !== ns[i])) {
        x.issue(`normalizedShape [${ns.join(', ')}] is not the trailing part of the input shape ${formatShape(first(x))}`, ['normalizedShape']);
      }
    }
    return [first(x)];
  },
  scale: (x) => {
    dimsAtLeast(x, 3, 'scale');
    fitsChw(x, x.params.shapeScale, 'shapeScale');
    if (x.params.hasBias) fitsChw(x, x.params.shapeBias, 'shapeBias');
    return [first(x)];
  },
  bias: (x) => { dimsAtLeast(x, 3, 'bias'); fitsChw(x, x.params.shape, 'shape'); return [first(x)]; },
} satisfies PartialLayerShapeTable;
