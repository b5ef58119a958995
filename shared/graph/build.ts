// buildGraph: the canvas graph of a model spec. Every model contributes nodes for its input and
// output features; neural networks add a node per layer, ML Programs a node per operation,
// pipelines a group per sub-model chained by feature name, and every other model type one node.
// Nothing is renamed or invented: each node and edge keeps the spec path it came from.
import {
  describeFeatureType, featureTypeInfo, isClassicModelType, isNetworkField, isPipelineField, modelBodyOf, modelTypeOf,
  networkOf, pipelineField, pipelineOf, type ClassicModelType, type FeatureDescription, type Model, type ModelDescription,
  type NeuralNetwork, type PathStep,
} from '../format';
import { classLabelsOf, MODEL_DISPLAY_NAMES, summarizeClassicModel } from './classicModels';
import { GraphCollector, groupId, nodeId, type Producer, type Scope } from './collector';
import { buildNeuralNetwork } from './neuralNetwork';
import { classLabelNotes, preprocessingNotes } from './notes';
import { buildProgram } from './program';
import type { BuildGraphOptions, GraphNode, ModelGraph } from './types';

interface BuildContext {
  readonly c: GraphCollector;
  readonly foldConstants: boolean;
}

export function buildGraph(spec: Model, options: BuildGraphOptions = {}): ModelGraph {
  const ctx: BuildContext = { c: new GraphCollector(), foldConstants: options.foldConstants ?? true };
  buildModel(ctx, spec, [], undefined, undefined);
  return { nodes: ctx.c.nodes, edges: ctx.c.edges, groups: ctx.c.groups };
}

function featureNode(
  kind: 'input' | 'output', f: FeatureDescription, path: readonly PathStep[], group: string | undefined, notes: readonly string[],
): GraphNode {
  const name = f.name ?? '';
  const info = featureTypeInfo(f.type);
  return {
    id: nodeId(path),
    kind,
    label: name,
    type: info.kind,
    category: kind,
    attributes: [{ name: 'type', value: describeFeatureType(info) }],
    notes,
    path,
    ...(group ? { group } : {}),
    // A feature node passes its feature through: inside a pipeline it both receives it from the
    // previous stage and hands it on.
    inputs: [name],
    outputs: [name],
  };
}

/** Notes for the model's input and output features, by feature name. */
function featureNotes(model: Model, type: string | undefined, description: ModelDescription): { inputs: Map<string, string[]>; outputs: Map<string, string[]> } {
  const params = modelBodyOf(model)?.body;
  const inputs = isNetworkField(type)
    ? preprocessingNotes((params as NeuralNetwork | undefined)?.preprocessing, description.input ?? [])
    : new Map<string, string[]>();
  const outputs = new Map<string, string[]>();
  const labels = type === 'pipelineClassifier' ? pipelineClassLabels(model) : classLabelsOf(params);
  if (labels && description.predictedFeatureName) outputs.set(description.predictedFeatureName, classLabelNotes(labels));
  return { inputs, outputs };
}

/** A pipeline classifier's labels are those of its last stage that declares labels. */
function pipelineClassLabels(model: Model): readonly string[] | undefined {
  const stages = pipelineOf(model)?.models ?? [];
  for (let i = stages.length - 1; i >= 0; i--) {
    const type = modelTypeOf(stages[i]);
    const labels = type === 'pipelineClassifier' ? pipelineClassLabels(stages[i]) : classLabelsOf(modelBodyOf(stages[i])?.body);
    if (labels) return labels;
  }
  return undefined;
}

/**
 * Adds one model (the root or a pipeline stage at `path`) and returns its output nodes by feature
 * name. `upstream` holds the features earlier pipeline stages make available.
 */
function buildModel(ctx: BuildContext, model: Model, path: readonly PathStep[], group: string | undefined, upstream: Scope | undefined): Scope {
  const { c } = ctx;
  const description = model.description ?? {};
  const type = modelTypeOf(model);
  const notes = featureNotes(model, type, description);

  const features: Scope = new Map();
  (description.input ?? []).forEach((f, i) => {
    const node = featureNode('input', f, [...path, 'description', 'input', i], group, notes.inputs.get(f.name ?? '') ?? []);
    c.addNode(node);
    // The consuming reference of a pipeline stage's input is its own feature description.
    if (upstream) c.connect(upstream.get(node.label), node.id, 0, node.label, node.path);
    features.set(node.label, [{ node: node.id, index: 0 }]);
  });

  // A model with no type set computes nothing we can draw: its outputs stay unconnected rather
  // than pretending to pass the inputs through.
  const produced = type ? buildBody(ctx, model, type, path, group, features, description) : new Map<string, readonly Producer[]>();

  const outputs: Scope = new Map();
  (description.output ?? []).forEach((f, i) => {
    const node = featureNode('output', f, [...path, 'description', 'output', i], group, notes.outputs.get(f.name ?? '') ?? []);
    c.addNode(node);
    c.connect(produced.get(node.label), node.id, 0, node.label, node.path);
    outputs.set(node.label, [{ node: node.id, index: 0 }]);
  });
  return outputs;
}

function buildBody(
  ctx: BuildContext, model: Model, type: string, path: readonly PathStep[], group: string | undefined,
  features: Scope, description: ModelDescription,
): Scope {
  if (isPipelineField(type)) return buildPipeline(ctx, model, [...path, ...pipelineField(model)!], group, features);
  const net = networkOf(model);
  if (net) return buildNeuralNetwork(ctx.c, net.nn, [...path, net.field], group, features, description, net.field === 'neuralNetworkClassifier');
  if (type === 'mlProgram') {
    return buildProgram(ctx.c, model.mlProgram!, [...path, 'mlProgram'], group, features, description, ctx.foldConstants);
  }
  if (isClassicModelType(type)) return buildClassicModel(ctx, model, type, path, group, features, description);
  return new Map();
}

/**
 * Pipeline stages run in order; a stage's input takes the latest earlier feature of that name (a
 * pipeline input or an earlier stage's output), and the pipeline's outputs take the last ones.
 */
function buildPipeline(ctx: BuildContext, model: Model, pipelinePath: readonly PathStep[], group: string | undefined, features: Scope): Scope {
  const pipeline = pipelineOf(model);
  const scope: Scope = new Map(features);
  (pipeline?.models ?? []).forEach((sub, i) => {
    const subPath = [...pipelinePath, 'models', i];
    const id = groupId(subPath);
    const name = pipeline?.names?.[i];
    const label = `${i + 1}. ${modelTypeOf(sub) ?? 'empty model'}${name ? ` (${name})` : ''}`;
    ctx.c.addGroup({ id, kind: 'pipelineModel', label, path: subPath, ...(group ? { parent: group } : {}) });
    for (const [feature, producers] of buildModel(ctx, sub, subPath, id, scope)) scope.set(feature, producers);
  });
  return scope;
}

/** A non-neural model is one node reading all the model's inputs and writing all its outputs. */
function buildClassicModel(
  ctx: BuildContext, model: Model, type: ClassicModelType, path: readonly PathStep[],
  group: string | undefined, features: Scope, description: ModelDescription,
): Scope {
  const params = model[type]!;
  const nodePath = [...path, type];
  const id = nodeId(nodePath);
  const inputs = (description.input ?? []).map((f) => f.name ?? '');
  const outputs = (description.output ?? []).map((f) => f.name ?? '');
  ctx.c.addNode({
    id, kind: 'model', label: MODEL_DISPLAY_NAMES[type], type, category: 'model',
    attributes: summarizeClassicModel(type, params), notes: [], path: nodePath,
    ...(group ? { group } : {}), inputs, outputs,
  });
  // The model reads each input by the name in its own description.
  inputs.forEach((name, i) => ctx.c.connect(features.get(name), id, i, name, [...path, 'description', 'input', i, 'name']));
  return new Map(outputs.map((name, k) => [name, [{ node: id, index: k }]]));
}
