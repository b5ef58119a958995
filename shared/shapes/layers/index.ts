// The shape function of every NeuralNetwork layer type, keyed by the `layer` oneof member.
// `satisfies LayerShapeTable` makes a layer type added to the schema without an entry a type
// error; test/unit/shapes.test.ts checks the same against the generated descriptors.
import { broadcastShapes } from './broadcast';
import { convolutionShapes } from './convolution';
import { denseShapes } from './dense';
import { elementwiseShapes } from './elementwise';
import { generatorShapes } from './generators';
import { recurrentShapes } from './recurrent';
import { reduceShapes } from './reduce';
import { resamplingShapes } from './resampling';
import { reshapeShapes } from './reshape';
import { slicingShapes } from './slicing';
import type { LayerShapeTable } from './types';

export const LAYER_SHAPES = {
  ...convolutionShapes,
  ...denseShapes,
  ...elementwiseShapes,
  ...broadcastShapes,
  ...reshapeShapes,
  ...slicingShapes,
  ...resamplingShapes,
  ...reduceShapes,
  ...recurrentShapes,
  ...generatorShapes,
} satisfies LayerShapeTable;

export type { LayerShapeFn, LayerShapeInput, LayerShapeTable } from './types';
