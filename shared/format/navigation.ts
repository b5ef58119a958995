// Where things sit in a Model (Model.proto): which member of the `Type` oneof is set, which of
// them hold a neural network or a pipeline, and the path from a model to its network or to its
// pipeline's stages. Shape inference, the graph, validation and surgery all navigate with these.
import type { Model, NeuralNetwork, Pipeline } from './schema/types.generated';
import { MESSAGES } from './schema/descriptors.generated';
import { MODEL_TYPE, modelTypeOf } from './model';
import type { PathStep } from './walk';

/** Model.Type members holding a NeuralNetwork; the classifier and regressor share its layers. */
export const NETWORK_FIELDS = ['neuralNetwork', 'neuralNetworkClassifier', 'neuralNetworkRegressor'] as const;
export type NetworkField = (typeof NETWORK_FIELDS)[number];

/**
 * Model.Type members holding a pipeline: `pipeline` is the Pipeline itself, the classifier and
 * regressor wrap one in their own `pipeline` field (PipelineClassifier.pipeline).
 */
export const PIPELINE_FIELDS = ['pipeline', 'pipelineClassifier', 'pipelineRegressor'] as const;
export type PipelineField = (typeof PIPELINE_FIELDS)[number];

export const isNetworkField = (type: string | undefined): type is NetworkField => (NETWORK_FIELDS as readonly (string | undefined)[]).includes(type);
export const isPipelineField = (type: string | undefined): type is PipelineField => (PIPELINE_FIELDS as readonly (string | undefined)[]).includes(type);

/**
 * Model.Type members that are one model with its own parameters (GLM, tree ensembles, SVM, the
 * feature transforms, NonMaximumSuppression, Apple's built-in text, vision and sound models, …):
 * every member but the networks, the pipelines and the ML Program. The graph draws each as one node.
 */
export type ClassicModelType = Exclude<keyof Model, 'specificationVersion' | 'description' | 'isUpdatable' | NetworkField | PipelineField | 'mlProgram'>;

const CLASSIC_MODEL_TYPES: ReadonlySet<string> = new Set(
  MESSAGES[MODEL_TYPE].oneofs.Type.filter((t) => !isNetworkField(t) && !isPipelineField(t) && t !== 'mlProgram'),
);

export const isClassicModelType = (type: string | undefined): type is ClassicModelType => type !== undefined && CLASSIC_MODEL_TYPES.has(type);

/** The Model.Type member that holds a neural network, when one does. */
export function networkFieldOf(model: Model): NetworkField | undefined {
  return NETWORK_FIELDS.find((f) => model[f] !== undefined);
}

/** The model's neural network and the field holding it. */
export function networkOf(model: Model): { nn: NeuralNetwork; field: NetworkField } | undefined {
  const field = networkFieldOf(model);
  return field ? { nn: model[field] as NeuralNetwork, field } : undefined;
}

/** The model's pipeline (of any of the three pipeline kinds). */
export function pipelineOf(model: Model): Pipeline | undefined {
  return model.pipeline ?? model.pipelineClassifier?.pipeline ?? model.pipelineRegressor?.pipeline;
}

/** Path from the model to its Pipeline message: ['pipeline'] or ['pipelineClassifier', 'pipeline'] … */
export function pipelineField(model: Model): PathStep[] | undefined {
  if (model.pipeline) return ['pipeline'];
  if (model.pipelineClassifier) return ['pipelineClassifier', 'pipeline'];
  if (model.pipelineRegressor) return ['pipelineRegressor', 'pipeline'];
  return undefined;
}

/** The pipeline's stages with the path of each from the model: [..., 'models', i]. */
export function pipelineStages(model: Model): { model: Model; path: PathStep[] }[] {
  const field = pipelineField(model);
  if (!field) return [];
  return (pipelineOf(model)?.models ?? []).map((m, i) => ({ model: m, path: [...field, 'models', i] }));
}

/**
 * The set Model.Type member and its message: the network, the pipeline wrapper, the ML Program,
 * or a classic model's parameters (GLMClassifier, TreeEnsembleRegressor, …).
 */
export function modelBodyOf(model: Model): { type: string; body: object } | undefined {
  const type = modelTypeOf(model);
  const body = type ? (model as Readonly<Record<string, unknown>>)[type] : undefined;
  return type && body && typeof body === 'object' ? { type, body } : undefined;
}
