// The NeuralNetwork layer types as the schema defines them (the `layer` oneof of
// NeuralNetworkLayer), and which of them keep a network in the legacy rank-5 world.
import { ReorganizeDataLayerParams_ReorganizationType, type NeuralNetworkLayer } from '../format';
import { layerFieldNumber as fieldNumberOf, layerTypeOf, type LayerType } from '../layers';

/** Field number of each layer type in the oneof (NeuralNetwork.proto groups them by release). */
export function layerFieldNumber(type: LayerType): number | undefined {
  return fieldNumberOf(type);
}

// The layers Core ML 2 (spec 3, iOS 12) knows. NeuralNetwork.proto: layers from field 600 on
// are spec 4. Apple's validator treats a network that holds any other layer (or the spec-4/5
// variants of these) as N-d, which RANK5_ARRAY_MAPPING may not be used with.
const RANK5_LAYERS: ReadonlySet<LayerType> = new Set<LayerType>([
  'convolution', 'pooling', 'activation', 'innerProduct', 'embedding', 'batchnorm', 'mvn', 'l2normalize',
  'softmax', 'lrn', 'crop', 'padding', 'upsample', 'resizeBilinear', 'cropResize', 'unary', 'add', 'multiply',
  'average', 'scale', 'bias', 'max', 'min', 'dot', 'reduce', 'loadConstant', 'reshape', 'flatten', 'permute',
  'concat', 'split', 'sequenceRepeat', 'reorganizeData', 'slice', 'simpleRecurrent', 'gru',
  'uniDirectionalLSTM', 'biDirectionalLSTM', 'custom',
]);

/** Why a layer needs N-d (spec ≥ 4) interpretation, or undefined for a rank-5 layer. */
export function ndOnlyReason(layer: NeuralNetworkLayer): string | undefined {
  const type = layerTypeOf(layer);
  if (!type) return undefined;
  if (!RANK5_LAYERS.has(type)) return `layer type ${type}`;
  if (type === 'convolution' && (layer.input?.length ?? 0) > 1) return 'convolution with weights as a second input';
  if (type === 'innerProduct' && layer.innerProduct?.int8DynamicQuantize) return 'innerProduct with int8DynamicQuantize';
  if (type === 'upsample') {
    const u = layer.upsample!;
    if (u.linearUpsampleMode) return 'upsample with an align-corners mode';
    if (u.fractionalScalingFactor?.length) return 'upsample with fractional scaling factors';
  }
  if (type === 'reorganizeData' && layer.reorganizeData?.mode === ReorganizeDataLayerParams_ReorganizationType.PIXEL_SHUFFLE) return 'reorganizeData PIXEL_SHUFFLE';
  return undefined;
}
