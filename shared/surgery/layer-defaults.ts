// A new NeuralNetwork layer: its parameters are the caller's or the registry's insertion
// defaults for its type (shared/layers/defaults.ts).
import type { NeuralNetworkLayer } from '../format';
import { layerEntry, type LayerParams, type LayerType } from '../layers';

/** A layer of `type` with the given parameters, or its registry defaults. */
export function newLayer<T extends LayerType>(type: T, name: string, input: readonly string[], output: readonly string[], params?: LayerParams<T>): NeuralNetworkLayer;
/** Callers holding a type name from outside (the palette, the CLI) check it first; unknown names get empty parameters. */
export function newLayer(type: string, name: string, input: readonly string[], output: readonly string[], params?: object): NeuralNetworkLayer;
export function newLayer(type: string, name: string, input: readonly string[], output: readonly string[], params?: object): NeuralNetworkLayer {
  return Object.freeze({ name, input: Object.freeze([...input]), output: Object.freeze([...output]), [type]: params ?? layerEntry(type)?.defaults ?? {} });
}
