// Converting between NeuralNetwork, NeuralNetworkClassifier and NeuralNetworkRegressor, class
// labels, and cutting a network down to a sub-graph (truncate at a blob, extract between blobs).
// The three network messages share field numbers 1–10 (layers, preprocessing, shape mappings,
// update parameters), so a conversion moves those and adds or drops the classifier's own fields.
import {
  ArrayFeatureType_ArrayDataType, MESSAGES, type FeatureDescription, type FeatureType, type Model, type ModelDescription, type NeuralNetwork,
  type NeuralNetworkClassifier, type PathStep,
} from '../format';
import { SurgeryError } from './errors';
import { allLayers, modelAt, networkKeyOf, type NetworkKey } from './network';
import { setIn, withFields } from './tree';

const SHARED_NETWORK_FIELDS: ReadonlySet<string> = new Set(['layers', 'preprocessing', 'arrayInputShapeMapping', 'imageInputShapeMapping', 'updateParams']);
const { FLOAT32 } = ArrayFeatureType_ArrayDataType;
const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The network with only the fields the three network messages share, plus `fields`: a copy made
 * with withFields, so the network's unknown fields travel to the converted message.
 */
function networkBody(net: Record<string, unknown>, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const drop: Record<string, unknown> = {};
  for (const k of Object.keys(net)) if (!SHARED_NETWORK_FIELDS.has(k)) drop[k] = undefined;
  return withFields(net, { ...drop, ...fields });
}

/**
 * A feature's type changed to `member` of FeatureType's `Type` oneof, keeping what else the old
 * type message holds (isOptional, unknown fields).
 */
function featureType(old: FeatureType | undefined, member: string, value: object): FeatureType {
  const clear: Record<string, unknown> = {};
  for (const m of MESSAGES['CoreML.Specification.FeatureType'].oneofs.Type) clear[m] = undefined;
  return withFields(old ?? EMPTY, { ...clear, [member]: value });
}

/** A new message (no unknown fields to carry), frozen like every message of a document. */
function message<T extends object>(fields: T): T {
  return withFields(EMPTY, fields as Record<string, unknown>) as T;
}

export interface ConvertModelKindArgs {
  readonly model?: readonly PathStep[];
  readonly to: NetworkKey;
  /** Classifier: the labels, one per probability. */
  readonly labels?: readonly string[] | readonly number[];
  /** Classifier: the blob holding the probabilities (default: the model's only multiArray output). */
  readonly probabilities?: string;
  /** Classifier: the name of the predicted-label output (default "classLabel"). */
  readonly labelName?: string;
}

export function convertModelKind(spec: Model, args: ConvertModelKindArgs): Model {
  const path = args.model ?? [];
  const model = modelAt(spec, path);
  const from = networkKeyOf(model);
  if (!from) throw new SurgeryError('this model is not a neural network');
  if (from === args.to) return spec;
  const net = model[from] as Record<string, unknown>;
  const d: ModelDescription = model.description ?? EMPTY;
  let outputs = [...(d.output ?? [])];
  const descFields: Record<string, unknown> = { predictedFeatureName: undefined, predictedProbabilitiesName: undefined };
  let body = networkBody(net);

  if (args.to === 'neuralNetworkClassifier') {
    const arrays = outputs.filter((o) => o.type?.multiArrayType);
    const probs = args.probabilities ?? (arrays.length === 1 ? arrays[0].name : undefined);
    if (!probs) throw new SurgeryError('name the blob holding the class probabilities (the model has no single array output)');
    const labels = args.labels ?? [];
    if (labels.length === 0) throw new SurgeryError('a classifier needs class labels');
    const labelName = args.labelName ?? 'classLabel';
    if (outputs.some((o) => o.name === labelName) || allLayers(net, []).some((l) => l.layer.output?.includes(labelName))) {
      throw new SurgeryError(`the name "${labelName}" is already in use in this model`);
    }
    const strings = typeof labels[0] === 'string';
    const old = outputs.find((o) => o.name === probs);
    // The probabilities output keeps its description and unknown fields; its type becomes a dictionary.
    const dict = withFields(old ?? message<FeatureDescription>({ name: probs }), {
      type: featureType(old?.type, 'dictionaryType', message(strings ? { stringKeyType: EMPTY } : { int64KeyType: EMPTY })),
    });
    const label = message<FeatureDescription>({ name: labelName, type: message(strings ? { stringType: EMPTY } : { int64Type: EMPTY }) });
    outputs = [...outputs.filter((o) => o.name !== probs), dict, label];
    body = networkBody(net, {
      [strings ? 'stringClassLabels' : 'int64ClassLabels']: message({ vector: Object.freeze([...labels]) }),
      labelProbabilityLayerName: probs,
    });
    descFields.predictedFeatureName = labelName;
    descFields.predictedProbabilitiesName = probs;
  } else if (from === 'neuralNetworkClassifier') {
    // Back to plain outputs: the probabilities as an array, the label output dropped.
    const c = net as NeuralNetworkClassifier;
    const probs = d.predictedProbabilitiesName || c.labelProbabilityLayerName;
    const count = (c.stringClassLabels?.vector ?? c.int64ClassLabels?.vector ?? []).length;
    outputs = outputs.filter((o) => o.name !== d.predictedFeatureName).map((o) => (o.name === probs
      ? withFields(o, { type: featureType(o.type, 'multiArrayType', message({ shape: count ? Object.freeze([count]) : undefined, dataType: FLOAT32 })) })
      : o));
    if (args.to === 'neuralNetworkRegressor') descFields.predictedFeatureName = outputs[0]?.name;
  } else if (args.to === 'neuralNetworkRegressor') {
    descFields.predictedFeatureName = outputs.find((o) => o.type?.multiArrayType || o.type?.doubleType)?.name;
  }
  const next = withFields(model, { [from]: undefined, [args.to]: body, description: withFields(d, { ...descFields, output: Object.freeze(outputs) }) });
  return path.length ? setIn(spec, path, next) : next;
}

export interface SetClassLabelsArgs {
  readonly model?: readonly PathStep[];
  readonly labels: readonly string[] | readonly number[];
}

/** Replaces a classifier's labels (e.g. loaded from a text file, one per line). */
export function setClassLabels(spec: Model, args: SetClassLabelsArgs): Model {
  const path = args.model ?? [];
  const model = modelAt(spec, path);
  const holderKey = (['neuralNetworkClassifier', 'glmClassifier', 'supportVectorClassifier', 'treeEnsembleClassifier', 'kNearestNeighborsClassifier'] as const)
    .find((k) => model[k] !== undefined);
  if (!holderKey) throw new SurgeryError('this model is not a classifier');
  const holder = model[holderKey] as Record<string, { vector?: readonly unknown[] } | undefined>;
  const old = holder.stringClassLabels?.vector ?? holder.int64ClassLabels?.vector ?? [];
  if (args.labels.length === 0) throw new SurgeryError('the label list is empty');
  if (old.length && old.length !== args.labels.length) {
    throw new SurgeryError(`the model has ${old.length} classes but ${args.labels.length} labels were given`);
  }
  const strings = typeof args.labels[0] === 'string';
  const vector = Object.freeze([...args.labels]);
  // The label vector message of the same kind is edited in place (keeping its unknown fields).
  const next = withFields(holder as object, strings
    ? { stringClassLabels: withFields(holder.stringClassLabels ?? EMPTY, { vector }), int64ClassLabels: undefined }
    : { int64ClassLabels: withFields(holder.int64ClassLabels ?? EMPTY, { vector }), stringClassLabels: undefined });
  return setIn(spec, [...path, holderKey], next);
}

/** Labels from a text file: one per line, blank lines dropped. */
export function parseLabelFile(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

export interface ExtractSubgraphArgs {
  readonly model?: readonly PathStep[];
  /** Blobs that become the model's inputs (default: the model's own inputs). */
  readonly inputs?: readonly string[];
  /** Blobs that become the model's outputs. */
  readonly outputs: readonly string[];
  /** Declared shapes for new array features, by blob name (unknown shapes are left empty). */
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
}

/**
 * Keeps only the layers that compute `outputs` from `inputs`. The result is a plain NeuralNetwork
 * (a classifier cut in the middle has no probabilities left to label).
 */
export function extractSubgraph(spec: Model, args: ExtractSubgraphArgs): Model {
  const path = args.model ?? [];
  const model = modelAt(spec, path);
  const key = networkKeyOf(model);
  if (!key) throw new SurgeryError('this model is not a neural network');
  if (args.outputs.length === 0) throw new SurgeryError('name at least one output blob');
  const net = model[key] as NeuralNetwork;
  const layers = net.layers ?? [];
  const oldInputs = model.description?.input ?? [];
  const inputs = new Set(args.inputs ?? oldInputs.map((f) => f.name!));
  const producer = new Map<string, number>();
  layers.forEach((l, i) => l.output?.forEach((b) => producer.set(b, i)));
  for (const b of [...args.outputs, ...inputs]) {
    if (!producer.has(b) && !oldInputs.some((f) => f.name === b)) throw new SurgeryError(`no layer or model input produces "${b}"`);
  }
  const keep = new Set<number>();
  const need = [...args.outputs];
  while (need.length) {
    const b = need.pop()!;
    if (inputs.has(b)) continue;
    const p = producer.get(b);
    if (p === undefined) throw new SurgeryError(`"${b}" is needed but is neither produced by a kept layer nor one of the new inputs`);
    if (keep.has(p)) continue;
    keep.add(p);
    need.push(...(layers[p].input ?? []));
  }
  const arrayFeature = (name: string): FeatureDescription =>
    oldInputs.find((f) => f.name === name) ?? model.description?.output?.find((f) => f.name === name && f.type?.multiArrayType) ??
    message<FeatureDescription>({ name, type: message({ multiArrayType: message({ shape: args.shapes?.[name] ? Object.freeze([...args.shapes[name]]) : undefined, dataType: FLOAT32 }) }) });
  const newInputs = [...inputs].map(arrayFeature);
  const imageInputs = new Set(newInputs.filter((f) => f.type?.imageType).map((f) => f.name));
  const preprocessing = (net.preprocessing ?? []).filter((p) => (p.featureName ? imageInputs.has(p.featureName) : imageInputs.size === 1));
  const next: Model = withFields(model, {
    neuralNetworkClassifier: undefined, neuralNetworkRegressor: undefined,
    neuralNetwork: networkBody(net as Record<string, unknown>, {
      layers: Object.freeze(layers.filter((_, i) => keep.has(i))),
      preprocessing: preprocessing.length ? Object.freeze(preprocessing) : undefined,
    }),
    description: withFields(model.description ?? EMPTY, {
      input: Object.freeze(newInputs),
      output: Object.freeze(args.outputs.map(arrayFeature)),
      predictedFeatureName: undefined, predictedProbabilitiesName: undefined,
    }),
  });
  return path.length ? setIn(spec, path, next) : next;
}

/** Everything after `blob` is cut off; `blob` becomes the only output. */
export function truncateAt(spec: Model, args: { model?: readonly PathStep[]; blob: string; shape?: readonly number[] }): Model {
  return extractSubgraph(spec, { model: args.model, outputs: [args.blob], shapes: args.shape ? { [args.blob]: args.shape } : undefined });
}
