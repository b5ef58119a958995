// From what the user points at on the canvas (a node, an edge) to the arguments of a surgery
// operation. Node and edge spec paths say exactly which layer, feature and reference they are.
import type { PathStep } from '../../../shared/format';
import type { GraphEdge, GraphNode, ModelGraph } from '../../../shared/graph';
import { NETWORK_KEYS, type OperationArgs, type OperationName } from '../../../shared/surgery';

/** One operation with its arguments, typed together. */
export type Operation = { [K in OperationName]: { readonly name: K; readonly args: OperationArgs[K] } }[OperationName];

/** An operation, or the reason the request cannot become one. */
export type Planned = { readonly op: Operation } | { readonly refused: string };

export interface LayerRef {
  /** Path of the model holding the network ([] for the top level, else a pipeline stage). */
  readonly model: readonly PathStep[];
  readonly index: number;
  readonly path: readonly PathStep[];
}

const NESTED = 'layers inside branch and loop bodies cannot be edited here yet';

/**
 * A layer of a model's top-level network: its path is [...model, network, 'layers', index]. Layers
 * of branch and loop bodies are not addressable by the index-based layer operations.
 */
export function layerRef(node: GraphNode): LayerRef | undefined {
  if (node.kind !== 'layer') return undefined;
  const p = node.path;
  const n = p.length;
  if (n < 3 || p[n - 2] !== 'layers' || typeof p[n - 1] !== 'number') return undefined;
  if (!(NETWORK_KEYS as readonly PathStep[]).includes(p[n - 3])) return undefined;
  const model = p.slice(0, n - 3);
  if (model.includes('layers')) return undefined;
  return { model, index: p[n - 1] as number, path: p };
}

export interface FeatureRef {
  readonly model: readonly PathStep[];
  readonly kind: 'input' | 'output';
  readonly index: number;
  readonly name: string;
}

export function featureRef(node: GraphNode): FeatureRef | undefined {
  if (node.kind !== 'input' && node.kind !== 'output') return undefined;
  const p = node.path;
  const n = p.length;
  if (n < 3 || p[n - 3] !== 'description' || typeof p[n - 1] !== 'number') return undefined;
  return { model: p.slice(0, n - 3), kind: node.kind, index: p[n - 1] as number, name: node.label };
}

/** Renaming what a node names: a layer, a model input or output, or a pipeline stage's feature. */
export function planRename(node: GraphNode, to: string): Planned {
  if (node.kind === 'layer') return { op: { name: 'renameLayer', args: { layerPath: node.path, to } } };
  const f = featureRef(node);
  if (f) {
    // The top-level model's features are its interface; a stage's feature is a name inside the
    // pipeline, renamed wherever it is used.
    return f.model.length === 0
      ? { op: { name: 'renameFeature', args: { from: f.name, to } } }
      : { op: { name: 'renameBlob', args: { from: f.name, to } } };
  }
  if (node.kind === 'operation') return { refused: 'ML Program operations cannot be renamed here yet' };
  return { refused: `a ${node.kind} node has no name to edit` };
}

export function canRename(node: GraphNode): boolean {
  return 'op' in planRename(node, 'x');
}

export function planDelete(node: GraphNode, removeDangling = false): Planned {
  const ref = layerRef(node);
  if (!ref) return { refused: node.kind === 'layer' ? NESTED : `only neural network layers can be deleted (this is ${articleFor(node.kind)} ${node.kind})` };
  return { op: { name: 'deleteLayer', args: { ...(ref.model.length ? { model: ref.model } : {}), index: ref.index, ...(removeDangling ? { removeDangling: true } : {}) } } };
}

const articleFor = (kind: string): string => (/^[aeiou]/.test(kind) ? 'an' : 'a');

/**
 * Inserting a layer of `type` on an edge: the new layer reads the edge's blob and the edge's
 * consumer (that layer only, or the model output) reads the new layer's output.
 */
export function planInsert(graph: ModelGraph, edgeId: string, type: string): Planned {
  const edge = graph.edges.find((e) => e.id === edgeId);
  if (!edge) return { refused: 'that connection is no longer in the model' };
  const target = graph.nodes.find((n) => n.id === edge.target);
  if (!target) return { refused: 'expand the group to insert on one of its connections' };
  const ref = layerRef(target);
  if (ref) return { op: { name: 'insertLayer', args: { ...(ref.model.length ? { model: ref.model } : {}), blob: edge.blob, consumer: ref.index, type } } };
  const f = featureRef(target);
  if (f && f.kind === 'output' && isNetworkModelPath(graph, f.model, edge)) {
    return { op: { name: 'insertLayer', args: { ...(f.model.length ? { model: f.model } : {}), blob: edge.blob, consumer: 'output', type } } };
  }
  if (target.kind === 'layer') return { refused: NESTED };
  return { refused: 'layers can be inserted only on connections into a neural network layer or a neural network’s output' };
}

/** Whether the edge's producer is a layer of the network of the model at `model` (not a pipeline stage boundary). */
function isNetworkModelPath(graph: ModelGraph, model: readonly PathStep[], edge: GraphEdge): boolean {
  const source = graph.nodes.find((n) => n.id === edge.source);
  const ref = source ? layerRef(source) : undefined;
  return !!ref && ref.model.length === model.length && ref.model.every((s, i) => model[i] === s);
}

/** Inserting after a node (keyboard insert with a node selected): on its first outgoing edge into a layer or output. */
export function edgeAfter(graph: ModelGraph, nodeId: string): GraphEdge | undefined {
  const out = graph.edges.filter((e) => e.source === nodeId);
  return out.find((e) => 'op' in planInsert(graph, e.id, 'activation')) ?? out[0];
}

/**
 * Rewiring one input of a layer to what another node produces (dragging the producer end of an
 * edge onto another node): the consumer keeps its place, its input `targetIndex` reads the new
 * node's first output.
 */
export function planRewire(graph: ModelGraph, edgeId: string, newSourceId: string): Planned {
  const edge = graph.edges.find((e) => e.id === edgeId);
  const target = edge ? graph.nodes.find((n) => n.id === edge.target) : undefined;
  const source = graph.nodes.find((n) => n.id === newSourceId);
  if (!edge || !target || !source) return { refused: 'that connection is no longer in the model' };
  const ref = layerRef(target);
  if (!ref) return { refused: target.kind === 'layer' ? NESTED : 'only the inputs of neural network layers can be rewired' };
  if (source.kind === 'output') return { refused: `"${source.label}" is a model output; connect a layer or a model input` };
  const blob = source.outputs[0];
  if (blob === undefined) return { refused: `"${source.label}" produces nothing to read` };
  if (blob === edge.blob) return { refused: `"${target.label}" already reads "${blob}"` };
  return { op: { name: 'rewireInput', args: { ...(ref.model.length ? { model: ref.model } : {}), index: ref.index, inputIndex: edge.targetIndex, blob } } };
}
