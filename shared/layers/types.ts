// The NeuralNetwork layer types as the schema defines them: the members of the `layer` oneof of
// NeuralNetworkLayer. The registry, shape inference and surgery all name layers through this.
import { MESSAGES, whichOneof, type NeuralNetworkLayer } from '../format';

export const LAYER_MESSAGE = 'CoreML.Specification.NeuralNetworkLayer';

type CommonLayerField = 'name' | 'input' | 'output' | 'inputTensor' | 'outputTensor' | 'isUpdatable';
/** A member of the NeuralNetworkLayer `layer` oneof: "convolution", "reshapeStatic", … */
export type LayerType = Exclude<keyof NeuralNetworkLayer, CommonLayerField>;
/** The parameter message of a layer type, e.g. ConvolutionLayerParams for "convolution". */
export type LayerParams<T extends LayerType> = NonNullable<NeuralNetworkLayer[T]>;

/** Every layer type in schema order, read from the generated descriptors. */
export const LAYER_TYPES: readonly LayerType[] = (MESSAGES[LAYER_MESSAGE]?.oneofs.layer ?? []) as readonly LayerType[];

const layerFields = new Map((MESSAGES[LAYER_MESSAGE]?.fields ?? []).map((f) => [f.name, f]));

/** The parameter message type of a layer type ("CoreML.Specification.ConvolutionLayerParams"). */
export function layerParamsType(type: string): string | undefined {
  return layerFields.get(type)?.type;
}

/** The field number of a layer type in the oneof (NeuralNetwork.proto groups them by release). */
export function layerFieldNumber(type: string): number | undefined {
  return layerFields.get(type)?.no;
}

/**
 * Whether a message of type `typeName` is a layer with no network inside it (not a branch or a
 * loop): below it are only its parameters and weights, so a pass that keeps what it found below a
 * layer by the layer object's identity can skip walking it (walkMessages' `descend`).
 */
export function isPlainLayer(typeName: string, message: Readonly<Record<string, unknown>>): boolean {
  return typeName === LAYER_MESSAGE && message.branch === undefined && message.loop === undefined;
}

/** Which layer type a layer is (the `layer` oneof member that is set); undefined when none is. */
export function layerTypeOf(layer: NeuralNetworkLayer): LayerType | undefined {
  return whichOneof(LAYER_MESSAGE, layer, 'layer') as LayerType | undefined;
}

/** Colour families of the canvas (NeuralNetwork layers, MIL operations and whole models). */
export type LayerCategory =
  | 'layer' | 'convolution' | 'activation' | 'pooling' | 'normalization' | 'shape'
  | 'data' | 'control' | 'recurrent' | 'custom' | 'model';

/** One key attribute of a node face, Netron-style: "kernel" and "3×3". */
export interface NodeAttribute {
  readonly name: string;
  readonly value: string;
}
