// Parameters a newly inserted layer starts with: the neutral setting of each type where one
// exists (identity permute, linear activation with slope 1, multiply by 1), otherwise the
// commonest choice; the inspector edits them afterwards. Typed against the schema: a mistyped
// field is a compile error here instead of a field the encoder drops. Types without an entry
// start with empty parameters.
import { FlattenLayerParams_FlattenOrder, ReshapeLayerParams_ReshapeOrder, UnaryFunctionLayerParams_Operation } from '../format';
import type { LayerParams, LayerType } from './types';

export const LAYER_DEFAULTS: { readonly [T in LayerType]?: LayerParams<T> } = {
  permute: { axis: [0, 1, 2, 3] },
  slice: { startIndex: 0, endIndex: -1, stride: 1, axis: 0 },
  reshape: { targetShape: [1, 1, 1], mode: ReshapeLayerParams_ReshapeOrder.CHANNEL_FIRST },
  flatten: { mode: FlattenLayerParams_FlattenOrder.CHANNEL_FIRST },
  scale: { shapeScale: [1], scale: { floatValue: new Float32Array([1]) } },
  bias: { shape: [1], bias: { floatValue: new Float32Array([0]) } },
  activation: { linear: { alpha: 1 } },
  unary: { type: UnaryFunctionLayerParams_Operation.EXP, alpha: 1, scale: 1 },
  multiply: { alpha: 1 },
  add: { alpha: 0 },
  loadConstant: { shape: [1, 1, 1], data: { floatValue: new Float32Array([0]) } },
  concat: {},
  split: { nOutputs: 2 },
  softmax: {},
  padding: { constant: { value: 0 }, paddingAmounts: { borderAmounts: [{ startEdgeSize: 1, endEdgeSize: 1 }, { startEdgeSize: 1, endEdgeSize: 1 }] } },
  upsample: { scalingFactor: [2, 2] },
  clip: { minVal: 0, maxVal: 6 },
  custom: { className: 'CustomLayer' },
  expandDims: { axes: [0] },
  squeeze: { axes: [0] },
  transpose: { axes: [0, 1] },
  reshapeStatic: { targetShape: [1] },
  sliceStatic: { beginIds: [0], endIds: [1], strides: [1], beginMasks: [false], endMasks: [true] },
};
