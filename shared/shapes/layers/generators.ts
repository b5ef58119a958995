// Layers whose output shape comes from parameters or from another input's shape or values:
// constants, fills, ranges, random tensors, broadcastTo*, oneHot, sampling, selection, NMS.
import { UNKNOWN_DIM, UNKNOWN_SHAPE, dim, knownDims, productDims, unknownDims, type Shape } from '../shape';
import { axisOf, broadcast, dimsAtLeast, first, input, tail } from './common';
import type { LayerShapeInput, PartialLayerShapeTable } from './types';

const fromParam = (values: readonly number[] | undefined): Shape => ({ dims: (values ?? []).map((v) => dim(Number(v))) });

/** "Dynamic" layers: a rank-1 input holds the output shape, so its length is the output rank. */
function rankFromShapeInput<P>(x: LayerShapeInput<P>, i: number): readonly Shape[] {
  const n = knownDims(input(x, i));
  return [n && n.length === 1 ? unknownDims(n[0]) : UNKNOWN_SHAPE];
}

export const generatorShapes = {
  loadConstant: (x) => {
    // LoadConstantLayerParams: shape [C, H, W], output [1, 1, C, H, W].
    const s = (x.params.shape ?? []).map(Number);
    if (s.length !== 3) { x.issue(`shape must have 3 values [C, H, W], has ${s.length}`, ['shape']); return []; }
    return [{ dims: [dim(1), dim(1), ...s.map(dim)] }];
  },
  loadConstantND: (x) => [fromParam(x.params.shape)],
  fillStatic: (x) => [fromParam(x.params.targetShape)],
  fillDynamic: (x) => rankFromShapeInput(x, 0),
  randomNormalStatic: (x) => [fromParam(x.params.outputShape)],
  randomUniformStatic: (x) => [fromParam(x.params.outputShape)],
  randomBernoulliStatic: (x) => [fromParam(x.params.outputShape)],
  randomNormalDynamic: (x) => rankFromShapeInput(x, 0),
  randomUniformDynamic: (x) => rankFromShapeInput(x, 0),
  randomBernoulliDynamic: (x) => rankFromShapeInput(x, 0),

  rangeStatic: (x) => {
    const start = x.params.startValue ?? 0;
    const end = x.params.endValue ?? 0;
    const step = x.params.stepSizeValue ?? 0;
    if (step === 0) { x.issue('stepSizeValue must not be 0', ['stepSizeValue']); return [{ dims: [UNKNOWN_DIM] }]; }
    // Like numpy.arange: ceil((end - start) / step) values.
    return [{ dims: [dim(Math.max(0, Math.ceil((end - start) / step)))] }];
  },
  rangeDynamic: () => [{ dims: [UNKNOWN_DIM] }],

  broadcastToLike: (x) => [broadcast(x, [first(x), input(x, 1)])],
  broadcastToStatic: (x) => {
    const target = fromParam(x.params.targetShape);
    broadcast(x, [first(x), target]);
    return [target];
  },
  broadcastToDynamic: (x) => rankFromShapeInput(x, 1),

  oneHot: (x) => {
    const dims = first(x).dims;
    if (!dims) return [];
    const rank = dims.length + 1;
    const a = axisOf(x, Number(x.params.axis ?? 0), rank);
    if (a === undefined) return [];
    // OneHotLayerParams: a second input overrides oneHotVectorSize.
    const size = x.inputs.length >= 2 ? UNKNOWN_DIM : dim(Number(x.params.oneHotVectorSize ?? 0));
    const out = [...dims];
    out.splice(a, 0, size);
    return [{ dims: out }];
  },

  categoricalDistribution: (x) => {
    const dims = dimsAtLeast(x, 1, 'categoricalDistribution');
    if (!dims) return [];
    return [{ dims: [...dims.slice(0, -1), dim(Number(x.params.numSamples ?? 0))] }];
  },

  whereNonZero: (x) => {
    // WhereNonZeroLayerParams: [N, rank] with N between 0 and the number of elements.
    const dims = first(x).dims;
    if (!dims) return [{ dims: [UNKNOWN_DIM, UNKNOWN_DIM] }];
    const count = productDims(dims);
    return [{ dims: [{ min: 0, max: count.max }, dim(dims.length)] }];
  },

  NonMaximumSuppression: (x) => {
    // NonMaximumSuppressionLayerParams: boxes (B, N, 4), scores (B, N, C) give
    // (B, maxBoxes, 4), (B, maxBoxes, C), (B, maxBoxes), (B).
    const boxes = dimsAtLeast(x, 3, 'NonMaximumSuppression boxes');
    const scores = dimsAtLeast(x, 3, 'NonMaximumSuppression scores', input(x, 1));
    const b = boxes ? boxes[0] : UNKNOWN_DIM;
    const c = scores ? tail(scores, -1) : UNKNOWN_DIM;
    const m = x.inputs.length >= 5 ? UNKNOWN_DIM : dim(Number(x.params.maxBoxes ?? 0));
    return [{ dims: [b, m, dim(4)] }, { dims: [b, m, c] }, { dims: [b, m] }, { dims: [b] }];
  },

  // Control flow and custom layers: no shapes of their own. Branch and loop bodies are
  // inferred by the engine (their blobs join the enclosing scope); custom outputs are unknown.
  branch: () => [],
  loop: () => [],
  loopBreak: () => [],
  loopContinue: () => [],
  custom: () => [],
} satisfies PartialLayerShapeTable;
