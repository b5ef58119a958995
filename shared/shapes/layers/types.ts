// The contract of a per-layer shape function: input shapes and parameters in, one shape per
// output out. Each family file fills part of the table; shared/shapes/layers/index.ts joins them
// and the type checker insists that every layer type of the schema has an entry.
import type { NeuralNetworkLayer, PathStep } from '../../format';
import type { LayerParams, LayerType } from '../../layers';
import type { Shape } from '../shape';

export interface LayerShapeInput<P> {
  /** The layer's parameters message (the member of the `layer` oneof). */
  readonly params: P;
  readonly layer: NeuralNetworkLayer;
  /** Shapes of `layer.input` in order; unknown where a blob is not (yet) produced. */
  readonly inputs: readonly Shape[];
  /** True when the network uses N-d interpretation (spec ≥ 4 layers or mappings). */
  readonly nd: boolean;
  /**
   * Records an inconsistency; `field` is a path below the parameters message. `kind` 'mismatch'
   * marks a proven conflict between the input's rank or size and what the parameters (weights)
   * fix, which Core ML cannot run; other findings may depend on sizes only known at run time.
   */
  readonly issue: (message: string, field?: readonly PathStep[], kind?: ShapeIssueKind) => void;
}

export type ShapeIssueKind = 'mismatch';

/** Returns one shape per output; missing entries mean unknown. */
export type LayerShapeFn<P> = (x: LayerShapeInput<P>) => readonly Shape[];

export type LayerShapeTable = { readonly [K in LayerType]: LayerShapeFn<LayerParams<K>> };
export type PartialLayerShapeTable = Partial<LayerShapeTable>;
