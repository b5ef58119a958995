// How a network blob looks as a model output, and whether a declared output shape fits what the
// network produces. Shared by validation (a finding), setFeatureType (a refusal) and exposeBlob
// (the shape a new output is declared with).
import type { ShapeResult } from './infer';
import { knownDims, type Shape } from './shape';

/**
 * The feature shape of a blob. Under rank-5 interpretation (NeuralNetwork.proto, RANK5 mapping)
 * a blob is [Seq, Batch, C, H, W] and an output is declared [C] or [C, H, W]: [C] when H and W are
 * 1, else [C, H, W], provided Seq and Batch are 1. N-d blobs are declared as they are. Undefined
 * when a size is not known.
 */
export function blobFeatureDims(blob: Shape | undefined, nd: boolean): number[] | undefined {
  const dims = blob ? knownDims(blob) : undefined;
  if (!dims) return undefined;
  if (nd || dims.length !== 5 || dims[0] !== 1 || dims[1] !== 1) return dims;
  const [, , c, h, w] = dims;
  return h === 1 && w === 1 ? [c] : [c, h, w];
}

const withoutOnes = (dims: readonly number[]): string => dims.filter((d) => d !== 1).join(',');

/** A declared multi-array shape fits a produced one when they agree up to size-1 dimensions. */
export function declaredShapeFits(declared: readonly number[], produced: readonly number[]): boolean {
  return withoutOnes(declared) === withoutOnes(produced);
}

/** The exact sizes the network of `shapes` produces for blob `name`, or undefined. */
export function producedDims(shapes: ShapeResult, name: string): number[] | undefined {
  const blob = shapes.blobs.get(name);
  return blob ? knownDims(blob) : undefined;
}
