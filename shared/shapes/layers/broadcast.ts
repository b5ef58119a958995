// Layers that combine several inputs element by element: the classic add/multiply/average/
// max/min (limited broadcasting), the *Broadcastable layers, comparisons and logic (numpy
// broadcasting), where, and the dot product.
import { dim, isKnownDim, formatShape } from '../shape';
import { broadcast, dimsAtLeast, first, input } from './common';
import type { LayerShapeInput, PartialLayerShapeTable } from './types';

/** One input: same shape (scalar alpha operand); several: their broadcast. */
const combine = <P>(x: LayerShapeInput<P>) => [x.inputs.length <= 1 ? first(x) : broadcast(x, x.inputs)];

/** Exactly two inputs broadcast together. */
const binary = <P>(x: LayerShapeInput<P>) => {
  if (x.inputs.length !== 2) x.issue(`needs 2 inputs, has ${x.inputs.length}`);
  return [broadcast(x, x.inputs.slice(0, 2))];
};

export const broadcastShapes = {
  add: combine,
  multiply: combine,
  average: combine,
  max: combine,
  min: combine,

  addBroadcastable: binary,
  subtractBroadcastable: binary,
  multiplyBroadcastable: binary,
  divideBroadcastable: binary,
  floorDivBroadcastable: binary,
  modBroadcastable: binary,
  maxBroadcastable: binary,
  minBroadcastable: binary,
  powBroadcastable: binary,

  // Comparisons take a second input or compare with alpha.
  greaterThan: combine,
  greaterEqual: combine,
  lessThan: combine,
  lessEqual: combine,
  equal: combine,
  notEqual: combine,
  logicalAnd: binary,
  logicalOr: binary,
  logicalXor: binary,

  whereBroadcastable: (x) => {
    if (x.inputs.length !== 3) x.issue(`needs 3 inputs (condition, x, y), has ${x.inputs.length}`);
    return [broadcast(x, x.inputs)];
  },

  dot: (x) => {
    // DotProductLayerParams: inputs [.., C, 1, 1]; output [.., 1, 1, 1].
    const a = dimsAtLeast(x, 3, 'dot');
    const b = input(x, 1).dims;
    if (!a) return [];
    for (const k of [2, 1]) {
      const d = a[a.length - k];
      if (isKnownDim(d) && d.min !== 1) x.issue(`dot needs inputs shaped [.., C, 1, 1], got ${formatShape(first(x))}`);
    }
    if (b && b.length === a.length) {
      const ca = a[a.length - 3];
      const cb = b[b.length - 3];
      if (isKnownDim(ca) && isKnownDim(cb) && ca.min !== cb.min) x.issue(`dot inputs have different vector lengths: ${formatShape(first(x))} and ${formatShape(input(x, 1))}`);
    }
    return [{ dims: [...a.slice(0, -3), dim(1), dim(1), dim(1)] }];
  },
} satisfies PartialLayerShapeTable;
