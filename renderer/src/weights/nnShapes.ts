// The shape of a NeuralNetwork layer's weight field as its parameters imply it: the layer
// registry's weights column (shared/layers/weights.ts), for the inspector's weight views.
import { layerEntry, type LayerEntry } from '../../../shared/layers';

/** The shape of `field` of a layer's parameters, when the proto implies one and it is non-empty. */
export function nnWeightShape(layerType: string, params: Readonly<Record<string, unknown>>, field: string): number[] | undefined {
  const entry: LayerEntry | undefined = layerEntry(layerType);
  // A layer with its weights as a second input carries none in its parameters; the viewer only
  // needs the shape of weights that are there, so count the parameters' own weights (1 input).
  const shape = entry?.weights(params as never, { inputs: 1 }).find((w) => w.field.length === 1 && w.field[0] === field)?.shape;
  return shape && shape.length && shape.every((d) => Number.isFinite(d) && d > 0) ? [...shape] : undefined;
}
