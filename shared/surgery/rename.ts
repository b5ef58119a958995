// Renaming features, blobs and layers everywhere they are referenced. Core ML refers to data by
// name in many places (layer inputs/outputs, preprocessing featureName, predicted feature names,
// NMS and recommender feature-name fields, pipeline sub-model descriptions, ML Program function
// inputs, operation outputs and argument bindings); renaming only the feature description is what
// breaks models edited by hand (the preprocessing featureName is the classic miss).
import {
  MESSAGES, MODEL_TYPE, copyUnknownFields, forEachMessageWithin, typesReaching, type FieldDescriptor, type Model, type NeuralNetwork, type NeuralNetworkLayer,
  type PathStep,
} from '../format';
import { SurgeryError } from './errors';
import { allLayers, namesInUse, networkPath, NETWORK_KEYS } from './network';
import { getIn, setIn } from './tree';

/** Fields that hold a feature or blob name, by message type. */
const NAME_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'CoreML.Specification.FeatureDescription': ['name'],
  'CoreML.Specification.ModelDescription': ['predictedFeatureName', 'predictedProbabilitiesName'],
  'CoreML.Specification.NeuralNetworkLayer': ['input', 'output'],
  'CoreML.Specification.NeuralNetworkPreprocessing': ['featureName'],
  'CoreML.Specification.NeuralNetworkClassifier': ['labelProbabilityLayerName'],
  'CoreML.Specification.CategoricalCrossEntropyLossLayer': ['input', 'target'],
  'CoreML.Specification.MeanSquaredErrorLossLayer': ['input', 'target'],
  'CoreML.Specification.FeatureVectorizer.InputColumn': ['inputColumn'],
  'CoreML.Specification.MILSpec.NamedValueType': ['name'],
  'CoreML.Specification.MILSpec.Block': ['outputs'],
  'CoreML.Specification.MILSpec.Argument.Binding': ['name'],
};

function isNameField(typeName: string, field: string, type: string): boolean {
  return (NAME_FIELDS[typeName]?.includes(field) ?? false) || (type === 'string' && field.endsWith('FeatureName'));
}

const holdsNames = (typeName: string): boolean =>
  MESSAGES[typeName]?.fields.some((f) => f.kind === 'scalar' && f.type === 'string' && isNameField(typeName, f.name, f.type)) ?? false;

const relevantFields = new Map<string, readonly FieldDescriptor[]>();
/**
 * The fields of a message type that mapNames must look at: its name fields, and the fields whose
 * messages can hold one further down. A layer's parameters and weights never do, so a rename
 * looks at a layer's inputs and outputs only.
 */
function fieldsToMap(typeName: string): readonly FieldDescriptor[] {
  let fields = relevantFields.get(typeName);
  if (!fields) {
    const reaching = typesReaching('name fields', holdsNames);
    fields = (MESSAGES[typeName]?.fields ?? []).filter((f) =>
      (f.kind === 'scalar' && f.type === 'string' && isNameField(typeName, f.name, f.type))
      || ((f.kind === 'message' || (f.kind === 'map' && f.valueKind === 'message')) && reaching.has(f.type)));
    relevantFields.set(typeName, fields);
  }
  return fields;
}

/** Rewrites every name reference below `msg` through `rename`; unchanged subtrees are shared. */
export function mapNames<T>(typeName: string, msg: T, rename: (name: string) => string): T {
  if (msg === null || typeof msg !== 'object') return msg;
  const src = msg as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  const put = (k: string, v: unknown) => { (out ??= { ...src })[k] = v; };
  for (const f of fieldsToMap(typeName)) {
    const v = src[f.name];
    if (v === undefined) continue;
    if (f.kind === 'scalar') {
      if (f.repeated) {
        const arr = v as string[];
        const next = arr.map(rename);
        if (next.some((x, i) => x !== arr[i])) put(f.name, Object.freeze(next));
      } else {
        const next = rename(v as string);
        if (next !== v) put(f.name, next);
      }
    } else if (f.kind === 'message') {
      if (f.repeated) {
        const arr = v as object[];
        const next = arr.map((x) => mapNames(f.type, x, rename));
        if (next.some((x, i) => x !== arr[i])) put(f.name, Object.freeze(next));
      } else {
        const next = mapNames(f.type, v, rename);
        if (next !== v) put(f.name, next);
      }
    } else {
      const m = v as Map<unknown, object>;
      let changed = false;
      const next = new Map<unknown, object>();
      for (const [k, val] of m) {
        const nv = mapNames(f.type, val, rename);
        if (nv !== val) changed = true;
        next.set(k, nv);
      }
      if (changed) put(f.name, next);
    }
  }
  return out ? (Object.freeze(copyUnknownFields(src, out)) as T) : msg;
}

/** Every feature, blob and ML Program value name in a document. */
export function allNames(spec: Model): Set<string> {
  const names = namesInUse(spec);
  const NAMED_VALUE = 'CoreML.Specification.MILSpec.NamedValueType';
  forEachMessageWithin(MODEL_TYPE, spec, typesReaching(NAMED_VALUE, (t) => t === NAMED_VALUE), (message, typeName) => {
    if (typeName === NAMED_VALUE && typeof message.name === 'string') names.add(message.name);
  });
  return names;
}

function checkNewName(spec: Model, to: string): void {
  if (!to || !to.trim()) throw new SurgeryError('the new name is empty');
  if (to !== to.trim()) throw new SurgeryError(`the new name "${to}" has leading or trailing spaces`);
  if (allNames(spec).has(to)) throw new SurgeryError(`the name "${to}" is already in use in this model`);
}

export interface RenameArgs {
  readonly from: string;
  readonly to: string;
}

/** Renames a model input or output and every reference to it, pipelines and ML Programs included. */
export function renameFeature(spec: Model, { from, to }: RenameArgs): Model {
  const d = spec.description;
  const isFeature = [...(d?.input ?? []), ...(d?.output ?? [])].some((f) => f.name === from);
  if (!isFeature) throw new SurgeryError(`"${from}" is not an input or output of this model`);
  if (from === to) return spec;
  checkNewName(spec, to);
  return mapNames(MODEL_TYPE, spec, (n) => (n === from ? to : n));
}

/** Renames any blob (an intermediate tensor, or a feature) everywhere it is referenced. */
export function renameBlob(spec: Model, { from, to }: RenameArgs): Model {
  if (!allNames(spec).has(from)) throw new SurgeryError(`no blob or feature is named "${from}"`);
  if (from === to) return spec;
  checkNewName(spec, to);
  return mapNames(MODEL_TYPE, spec, (n) => (n === from ? to : n));
}

export interface RenameLayerArgs {
  /** Path of the layer, e.g. ['neuralNetwork', 'layers', 3]. */
  readonly layerPath: readonly PathStep[];
  readonly to: string;
}

/** Layer names are unique within a network; nothing else refers to them by name. */
export function renameLayer(spec: Model, { layerPath, to }: RenameLayerArgs): Model {
  const layer = getIn(spec, layerPath) as NeuralNetworkLayer | undefined;
  if (!layer || typeof layer !== 'object' || !('name' in layer || 'input' in layer)) throw new SurgeryError(`no layer at ${layerPath.join('.')}`);
  if (!to || !to.trim()) throw new SurgeryError('the new layer name is empty');
  if (layer.name === to) return spec;
  const modelPath = layerPath.slice(0, Math.max(0, layerPath.findIndex((p) => (NETWORK_KEYS as readonly PathStep[]).includes(p))));
  const np = networkPath(spec, modelPath);
  const net = getIn(spec, np) as NeuralNetwork;
  if (allLayers(net, np).some((l) => l.layer.name === to)) throw new SurgeryError(`a layer named "${to}" already exists`);
  return setIn(spec, [...layerPath, 'name'], to);
}
