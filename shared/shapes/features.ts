// Shapes of model features (inputs and outputs as the description declares them) and how a
// neural network turns an input feature into its first tensor.
import { ImageFeatureType_ColorSpace, type ArrayFeatureType, type FeatureType, type ImageFeatureType, type SizeRange } from '../format';
import { UNKNOWN_DIM, UNKNOWN_SHAPE, dim, hasRank, type Dim, type Shape } from './shape';

/** SizeRange: a negative upper bound means unbounded (FeatureTypes.proto). */
export const sizeRangeDim = (r: SizeRange | undefined): Dim => {
  const lo = Number(r?.lowerBound ?? 0);
  const hi = Number(r?.upperBound ?? 0);
  return { min: lo, max: hi < 0 ? Infinity : Math.max(lo, hi) };
};

/** Channels of an image by color space: 1 for grayscale, 3 for RGB/BGR (NeuralNetworkImageScaler). */
export function imageChannels(colorSpace: number | undefined): number | undefined {
  switch (colorSpace) {
    case ImageFeatureType_ColorSpace.GRAYSCALE:
    case ImageFeatureType_ColorSpace.GRAYSCALE_FLOAT16:
      return 1;
    case ImageFeatureType_ColorSpace.RGB:
    case ImageFeatureType_ColorSpace.BGR:
      return 3;
    default:
      return undefined;
  }
}

function hull(values: readonly number[]): Dim {
  return values.length ? { min: Math.min(...values), max: Math.max(...values) } : UNKNOWN_DIM;
}

/** [C, H, W] of an image feature, with flexible sizes as ranges. */
export function imageShape(i: ImageFeatureType): Shape {
  const c = imageChannels(i.colorSpace);
  let h: Dim = dim(Number(i.height ?? 0));
  let w: Dim = dim(Number(i.width ?? 0));
  if (i.imageSizeRange) {
    h = sizeRangeDim(i.imageSizeRange.heightRange);
    w = sizeRangeDim(i.imageSizeRange.widthRange);
  } else if (i.enumeratedSizes?.sizes?.length) {
    h = hull(i.enumeratedSizes.sizes.map((s) => Number(s.height ?? 0)));
    w = hull(i.enumeratedSizes.sizes.map((s) => Number(s.width ?? 0)));
  }
  return { dims: [c === undefined ? UNKNOWN_DIM : dim(c), h, w] };
}

/** Shape of a multi-array feature: fixed, a range per axis, or the hull of enumerated shapes. */
export function arrayShape(a: ArrayFeatureType): Shape {
  if (a.shapeRange?.sizeRanges?.length) return { dims: a.shapeRange.sizeRanges.map(sizeRangeDim) };
  const shapes = a.enumeratedShapes?.shapes?.map((s) => (s.shape ?? []).map(Number)) ?? [];
  if (shapes.length) {
    const rank = shapes[0].length;
    if (shapes.some((s) => s.length !== rank)) return UNKNOWN_SHAPE;
    return { dims: Array.from({ length: rank }, (_, i) => hull(shapes.map((s) => s[i]))) };
  }
  const s = (a.shape ?? []).map(Number);
  return s.length ? { dims: s.map(dim) } : UNKNOWN_SHAPE;
}

/**
 * Shape a feature declares: arrays and images as tensors, double and int64 as scalars (rank 0).
 * undefined for features that are not tensors (strings, dictionaries, sequences).
 */
export function featureShape(t: FeatureType | undefined): Shape | undefined {
  if (!t) return undefined;
  if (t.multiArrayType) return arrayShape(t.multiArrayType);
  if (t.imageType) return imageShape(t.imageType);
  if (t.stateType?.arrayType) return arrayShape(t.stateType.arrayType);
  if (t.doubleType || t.int64Type) return { dims: [] };
  return undefined;
}

export type ArrayMapping = 'rank5' | 'exact';
export type ImageMapping = 'rank5' | 'rank4';

/**
 * The tensor a neural network sees for an input feature (NeuralNetwork.proto,
 * NeuralNetworkMultiArrayShapeMapping / NeuralNetworkImageShapeMapping):
 * RANK5 arrays [C] -> [1,1,C,1,1] and [C,H,W] -> [1,1,C,H,W]; images [1,1,C,H,W] (RANK5) or
 * [1,C,H,W] (RANK4); EXACT arrays pass through. A rank-5 array given under RANK5 is taken as
 * [Seq, Batch, C, H, W] as is, since the runtime may present other sequence and batch sizes.
 */
export function networkTensor(feature: Shape, kind: 'array' | 'image', arrays: ArrayMapping, images: ImageMapping): { shape: Shape; problem?: string } {
  if (!hasRank(feature)) return { shape: arrays === 'rank5' || kind === 'image' ? { dims: Array.from({ length: images === 'rank4' && kind === 'image' ? 4 : 5 }, () => UNKNOWN_DIM) } : UNKNOWN_SHAPE };
  const d = feature.dims;
  if (kind === 'image') return { shape: { dims: images === 'rank4' ? [dim(1), ...d] : [dim(1), dim(1), ...d] } };
  if (arrays === 'exact') return { shape: feature };
  if (d.length === 1) return { shape: { dims: [dim(1), dim(1), d[0], dim(1), dim(1)] } };
  if (d.length === 3) return { shape: { dims: [dim(1), dim(1), ...d] } };
  if (d.length === 5) return { shape: feature };
  return {
    shape: { dims: Array.from({ length: 5 }, () => UNKNOWN_DIM) },
    problem: `a multi-array input must have rank 1 or 3 under RANK5_ARRAY_MAPPING, this one has rank ${d.length}`,
  };
}
