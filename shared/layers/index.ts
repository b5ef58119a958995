// shared/layers: the layer registry, one row per NeuralNetwork layer type (display, category,
// ports, arity, insertion defaults, weights, summary), the ML Program op categories, and the
// number formatting the summaries share with the views.
export {
  ALL_LAYER_TYPES, arityProblem, layerEntry, layerWeights, portName, summarizeLayer, type LayerArity, type LayerEntry,
  type PortList,
} from './registry';
export {
  LAYER_MESSAGE, LAYER_TYPES, isPlainLayer, layerFieldNumber, layerParamsType, layerTypeOf, type LayerCategory, type LayerParams, type LayerType, type NodeAttribute,
} from './types';
export type { LayerWeight, WeightChannels, WeightContext } from './weights';
export { AttributeList, enumLabel, formatDims, formatList, formatNumber, weightCount } from './format';
export { milOpCategory } from './milOps';
