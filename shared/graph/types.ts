// The graph model the canvas draws: built from a spec by buildGraph (shared/graph/build.ts).
// Every node and edge keeps the spec path it came from, so an edit in the view is an edit of
// exactly that field.
import type { PathStep } from '../format';
import type { LayerCategory, NodeAttribute } from '../layers';

// Defined with the layer registry, which produces them; re-exported for the graph's users.
export type { LayerCategory, NodeAttribute } from '../layers';

export type GraphNodeKind = 'input' | 'output' | 'layer' | 'operation' | 'model';

export interface GraphNode {
  /** Unique and stable for a given spec: derived from the spec path. */
  readonly id: string;
  readonly kind: GraphNodeKind;
  /** Layer name, operation output name, feature name or model label. */
  readonly label: string;
  /** Layer type ("convolution"), MIL op type ("conv"), model type ("glmClassifier") or feature kind. */
  readonly type: string;
  readonly category: LayerCategory | 'input' | 'output';
  /** Compact key attributes for the node face, Netron-style ("kernel 3×3", "stride 2", …). */
  readonly attributes: readonly NodeAttribute[];
  /** Extra lines shown on the node: preprocessing on an image input, class labels on a classifier output. */
  readonly notes: readonly string[];
  /** Spec path of the element (layer, operation, feature description or model). */
  readonly path: readonly PathStep[];
  /** Group that contains the node (pipeline sub-model, ML Program function/block), if any. */
  readonly group?: string;
  /** Blob/feature names consumed and produced, in order. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** The blob or feature name the edge carries. */
  readonly blob: string;
  /** Index in the source's outputs and the target's inputs. */
  readonly sourceIndex: number;
  readonly targetIndex: number;
  /** Spec path of the consumer's reference to the blob (e.g. [..., 'layers', 3, 'input', 0]). */
  readonly path: readonly PathStep[];
}

export interface GraphGroup {
  readonly id: string;
  readonly label: string;
  readonly kind: 'pipelineModel' | 'function' | 'block' | 'branch' | 'loop';
  readonly path: readonly PathStep[];
  readonly parent?: string;
}

export interface ModelGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly groups: readonly GraphGroup[];
}

export interface BuildGraphOptions {
  /** ML Programs: fold const operations into their consumers' attributes (default true). */
  readonly foldConstants?: boolean;
}
