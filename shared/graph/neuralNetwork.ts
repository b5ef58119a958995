// NeuralNetwork, NeuralNetworkClassifier and NeuralNetworkRegressor bodies: one node per layer in
// file order, edges by blob name. NeuralNetwork.proto: a layer may only read blobs defined before
// it, so each input is wired to the latest earlier producer of that name (a Copy layer may
// overwrite a blob, and later readers then see the copy).
import type { ModelDescription, NeuralNetwork, NeuralNetworkClassifier, NeuralNetworkLayer, PathStep } from '../format';
import { layerEntry, layerTypeOf } from '../layers';
import { groupId, nodeId, type GraphCollector, type Producer, type Scope } from './collector';
import type { GraphGroup, GraphNode } from './types';

type AnyNetwork = NeuralNetwork | NeuralNetworkClassifier;

/**
 * Adds the layers of `network` (at spec path `path`) and returns the blobs visible afterwards,
 * starting from `features` (the model inputs). For classifiers, the predicted label and
 * probabilities outputs are also mapped to the blob the probabilities come from.
 */
export function buildNeuralNetwork(
  c: GraphCollector,
  network: AnyNetwork,
  path: readonly PathStep[],
  group: string | undefined,
  features: Scope,
  description: ModelDescription | undefined,
  isClassifier: boolean,
): Scope {
  const scope: Scope = new Map(features);
  addLayers(c, network.layers ?? [], [...path, 'layers'], group, scope);
  if (isClassifier) linkClassifierOutputs(network, description, scope);
  return scope;
}

function addLayers(c: GraphCollector, layers: readonly NeuralNetworkLayer[], layersPath: readonly PathStep[], group: string | undefined, scope: Scope): void {
  for (let i = 0; i < layers.length; i++) addLayer(c, layers[i], [...layersPath, i], group, scope);
}

/**
 * The node each layer object was last drawn as. Documents are immutable and an edit shares every
 * layer it leaves alone: the graph of an edited model reuses those layers' nodes (same id, same
 * group), so whatever is derived from a node further on can be kept by identity.
 */
const nodeOfLayer = new WeakMap<NeuralNetworkLayer, GraphNode>();

function layerNode(layer: NeuralNetworkLayer, path: readonly PathStep[], group: string | undefined): GraphNode {
  const id = nodeId(path);
  const kept = nodeOfLayer.get(layer);
  if (kept && kept.id === id && kept.group === group) return kept;
  const type = layerTypeOf(layer);
  const entry = type ? layerEntry(type) : undefined;
  const node: GraphNode = Object.freeze({
    id,
    kind: 'layer',
    label: layer.name ?? '',
    // A layer with no oneof member set decodes from a file written with a newer schema, or a broken one.
    type: type ?? 'unknown',
    category: entry?.category ?? 'layer',
    attributes: entry && type ? entry.summarize(layer[type] as never) : [],
    notes: [],
    path,
    ...(group ? { group } : {}),
    inputs: layer.input ?? [],
    outputs: layer.output ?? [],
  });
  nodeOfLayer.set(layer, node);
  return node;
}

function addLayer(c: GraphCollector, layer: NeuralNetworkLayer, path: readonly PathStep[], group: string | undefined, scope: Scope): void {
  const node = layerNode(layer, path, group);
  const { id, inputs, outputs } = node;
  c.addNode(node);
  inputs.forEach((blob, j) => c.connect(scope.get(blob), id, j, blob, [...path, 'input', j]));

  if (layer.branch) addBranch(c, layer, path, group, scope);
  if (layer.loop) addLoop(c, layer, path, group, scope);

  outputs.forEach((blob, k) => scope.set(blob, [{ node: id, index: k }]));
}

function subGroup(c: GraphCollector, path: readonly PathStep[], kind: GraphGroup['kind'], label: string, parent: string | undefined): string {
  const id = groupId(path);
  c.addGroup({ id, kind, label, path, ...(parent ? { parent } : {}) });
  return id;
}

/**
 * Branch: each side starts from the blobs visible before the layer. Afterwards a blob written on
 * either side has the producers of both sides (the one before the branch for a side that leaves it
 * alone), so the canvas shows every path a value can take.
 */
function addBranch(c: GraphCollector, layer: NeuralNetworkLayer, path: readonly PathStep[], group: string | undefined, scope: Scope): void {
  const params = layer.branch!;
  const name = layer.name ?? '';
  const before = new Map(scope);
  const sides: Scope[] = [];
  for (const side of ['ifBranch', 'elseBranch'] as const) {
    const net = params[side];
    if (!net) continue;
    const sidePath = [...path, 'branch', side];
    const gid = subGroup(c, sidePath, 'branch', `${name}: ${side === 'ifBranch' ? 'if' : 'else'}`, group);
    const sideScope = new Map(before);
    addLayers(c, net.layers ?? [], [...sidePath, 'layers'], gid, sideScope);
    sides.push(sideScope);
  }
  if (sides.length === 1) sides.push(before); // no else branch: the condition may be false
  const changed = new Set<string>();
  for (const s of sides) for (const [blob, producers] of s) if (before.get(blob) !== producers) changed.add(blob);
  for (const blob of changed) {
    const merged: Producer[] = [];
    for (const s of sides) {
      for (const p of s.get(blob) ?? []) if (!merged.some((m) => m.node === p.node && m.index === p.index)) merged.push(p);
    }
    scope.set(blob, merged);
  }
}

/**
 * Loop: the condition network runs first and its blobs stay visible, then the body; blobs the
 * body writes are visible after the loop (NeuralNetwork.proto). Body-to-condition feedback across
 * iterations is not drawn.
 */
function addLoop(c: GraphCollector, layer: NeuralNetworkLayer, path: readonly PathStep[], group: string | undefined, scope: Scope): void {
  const params = layer.loop!;
  const name = layer.name ?? '';
  for (const [field, label] of [['conditionNetwork', 'condition'], ['bodyNetwork', 'body']] as const) {
    const net = params[field];
    if (!net) continue;
    const netPath = [...path, 'loop', field];
    const gid = subGroup(c, netPath, 'loop', `${name}: ${label}`, group);
    addLayers(c, net.layers ?? [], [...netPath, 'layers'], gid, scope);
  }
}

/**
 * A classifier's predicted label (and, when no layer writes it, its probability dictionary) is
 * computed by Core ML from the probabilities blob: `labelProbabilityLayerName`, or when that is
 * empty the blob no layer reads (coremltools NeuralNetwork.hpp, outputNames). The output nodes are
 * wired to that blob's producer so the graph stays connected without inventing a layer.
 */
function linkClassifierOutputs(network: NeuralNetworkClassifier, description: ModelDescription | undefined, scope: Scope): void {
  const layers = network.layers ?? [];
  let probabilities = network.labelProbabilityLayerName ?? '';
  if (!probabilities) {
    const read = new Set(layers.flatMap((l) => l.input ?? []));
    const unread = layers.flatMap((l) => l.output ?? []).filter((b) => !read.has(b));
    const predicted = description?.predictedProbabilitiesName;
    probabilities = predicted && unread.includes(predicted) ? predicted : unread[unread.length - 1] ?? '';
  }
  const producers = scope.get(probabilities);
  if (!producers) return;
  for (const name of [description?.predictedFeatureName, description?.predictedProbabilitiesName]) {
    if (name && !scope.has(name)) scope.set(name, producers.map((p) => ({ ...p, blob: probabilities })));
  }
}
