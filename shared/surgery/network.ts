// Finding the neural networks of a document: the top-level model, pipeline sub-models, and the
// networks nested in branch and loop layers, each with its spec path.
import {
  NETWORK_FIELDS, networkFieldOf, pipelineOf, type Model, type NetworkField, type NeuralNetwork,
  type NeuralNetworkLayer, type PathStep,
} from '../format';
import { getIn } from './tree';
import { SurgeryError } from './errors';

/** The Model fields that hold a network (shared/format/navigation). */
export const NETWORK_KEYS = NETWORK_FIELDS;
export type NetworkKey = NetworkField;

/** Structurally the three network kinds share `layers`, `preprocessing` and the shape mappings. */
export type AnyNetwork = NeuralNetwork;

export const networkKeyOf: (model: Model) => NetworkKey | undefined = networkFieldOf;

/** The model at `modelPath` (e.g. [] or ['pipeline', 'models', 1]). */
export function modelAt(spec: Model, modelPath: readonly PathStep[]): Model {
  const m = getIn(spec, modelPath) as Model | undefined;
  if (!m) throw new SurgeryError(`no model at ${modelPath.join('.') || 'the root'}`);
  return m;
}

/** Path of the network of the model at `modelPath`; refuses models that are not neural networks. */
export function networkPath(spec: Model, modelPath: readonly PathStep[] = []): PathStep[] {
  const key = networkKeyOf(modelAt(spec, modelPath));
  if (!key) throw new SurgeryError('this model is not a neural network');
  return [...modelPath, key];
}

export interface LayerRef {
  readonly layer: NeuralNetworkLayer;
  /** Path of the layer in the spec. */
  readonly path: readonly PathStep[];
}

/** Every layer of a network, nested branch/loop bodies included, in file order. */
export function allLayers(net: AnyNetwork, netPath: readonly PathStep[]): LayerRef[] {
  const out: LayerRef[] = [];
  const visit = (n: AnyNetwork | undefined, p: readonly PathStep[]) => {
    (n?.layers ?? []).forEach((layer, i) => {
      const lp = [...p, 'layers', i];
      out.push({ layer, path: lp });
      if (layer.branch) {
        visit(layer.branch.ifBranch, [...lp, 'branch', 'ifBranch']);
        visit(layer.branch.elseBranch, [...lp, 'branch', 'elseBranch']);
      }
      if (layer.loop) {
        visit(layer.loop.conditionNetwork, [...lp, 'loop', 'conditionNetwork']);
        visit(layer.loop.bodyNetwork, [...lp, 'loop', 'bodyNetwork']);
      }
    });
  };
  visit(net, netPath);
  return out;
}

/** Every blob and feature name a model uses (features, layer inputs and outputs, nested models). */
export function namesInUse(model: Model, modelPath: readonly PathStep[] = []): Set<string> {
  const names = new Set<string>();
  const d = model.description;
  for (const f of [...(d?.input ?? []), ...(d?.output ?? []), ...(d?.trainingInput ?? [])]) if (f.name) names.add(f.name);
  const key = networkKeyOf(model);
  if (key) for (const { layer } of allLayers(model[key]!, [...modelPath, key])) {
    for (const n of [...(layer.input ?? []), ...(layer.output ?? [])]) names.add(n);
  }
  for (const sub of pipelineOf(model)?.models ?? []) for (const n of namesInUse(sub)) names.add(n);
  return names;
}
