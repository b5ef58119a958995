// Static shape inference for Core ML models: `inferShapes(spec)` gives the shape of every blob.
export { adoptDefaultShapes, defaultShapes, inferShapes, knownDefaultShapes, type ShapeIssue, type ShapeOptions, type ShapeResult } from './infer';
export {
  UNKNOWN_DIM, UNKNOWN_SHAPE, dim, range, shapeOf, formatDim, formatShape, knownDims, isKnownDim, isFullyKnown,
  hasRank, sameDim, sameShape, type Dim, type Shape,
} from './shape';
export { arrayShape, featureShape, imageChannels, networkTensor } from './features';
export { layerFieldNumber, ndOnlyReason } from './layerTypes';
export { LAYER_SHAPES } from './layers';
export { blobFeatureDims, declaredShapeFits, producedDims } from './outputs';
