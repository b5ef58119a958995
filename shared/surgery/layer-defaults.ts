// Parameters a newly inserted layer starts with: the neutral setting of each kind where one
// exists (identity permute, linear activation with slope 1, multiply by 1), otherwise the
// commonest choice; the inspector edits them afterwards.
import type { NeuralNetworkLayer } from '../format/schema/types.generated';

export const LAYER_DEFAULTS: Readonly<Record<string, object>> = {
  permute: { axis: [0, 1, 2, 3] },
  slice: { startIndex: 0, endIndex: -1, stride: 1, axis: 0 },
  reshape: { targetShape: [1, 1, 1], mode: 0 },
  flatten: { mode: 0 },
  scale: { shapeScale: [1], scale: { floatValue: new Float32Array([1]) } },
  bias: { shape: [1], bias: { floatValue: new Float32Array([0]) } },
  activation: { linear: { alpha: 1 } },
  unary: { type: 4, alpha: 1, scale: 1 },
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

/** A layer of `type` with its default parameters; other types start with empty parameters. */
export function newLayer(type: string, name: string, input: readonly string[], output: readonly string[], params?: object): NeuralNetworkLayer {
  return Object.freeze({ name, input: Object.freeze([...input]), output: Object.freeze([...output]), [type]: params ?? LAYER_DEFAULTS[type] ?? {} }) as NeuralNetworkLayer;
}
