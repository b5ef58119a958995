// How a NeuralNetwork layer's weight field is laid out as its parameters imply it: the layer
// registry's weights column (shared/layers/weights.ts), for the inspector's weight views.
import { layerEntry, type LayerEntry, type LayerWeight } from '../../../shared/layers';

/** The registry row of one weight field: its shape and where its output channels run. */
export type WeightLayout = Pick<LayerWeight, 'shape' | 'channels'>;

/** The layout of `field` of a layer's parameters, when the proto implies a non-empty shape. */
export function nnWeightLayout(layerType: string, params: Readonly<Record<string, unknown>>, field: string): WeightLayout | undefined {
  const entry: LayerEntry | undefined = layerEntry(layerType);
  // A layer with its weights as a second input carries none in its parameters; the viewer only
  // needs the layout of weights that are there, so count the parameters' own weights (1 input).
  const row = entry?.weights(params, { inputs: 1 }).find((w) => w.field.length === 1 && w.field[0] === field);
  const shape = row?.shape;
  return row && shape?.length && shape.every((d) => Number.isFinite(d) && d > 0) ? { shape: [...shape], channels: row.channels } : undefined;
}
