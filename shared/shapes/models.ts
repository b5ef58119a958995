// Output shapes of the models that are not neural networks, from their parameters where the
// format defines them (FeatureVectorizer, OneHotEncoder, NonMaximumSuppression, …). Features
// that are not tensors (strings, dictionaries) have no shape; everything else falls back to
// what the model description declares.
import { modelTypeOf, type FeatureDescription, type MILSpec_ValueType, type Model } from '../format';
import { featureShape } from './features';
import { UNKNOWN_DIM, UNKNOWN_SHAPE, dim, type Shape } from './shape';

/** Vector output [n] when the feature is a multi-array; a scalar feature keeps rank 0. */
function vectorOr(f: FeatureDescription, n: number): Shape | undefined {
  if (f.type?.multiArrayType) return { dims: [dim(n)] };
  return featureShape(f.type);
}

/**
 * Output shapes computed from a model's parameters and its input shapes. Outputs the
 * parameters say nothing about are absent (the caller uses the description).
 */
export function parameterOutputShapes(spec: Model, inputs: ReadonlyMap<string, Shape>): Map<string, Shape> {
  const out = new Map<string, Shape>();
  const d = spec.description ?? {};
  const outputs = d.output ?? [];
  const ins = d.input ?? [];
  const firstInput = ins[0]?.name !== undefined ? inputs.get(ins[0].name) : undefined;
  const set = (f: FeatureDescription | undefined, s: Shape | undefined): void => { if (f?.name && s) out.set(f.name, s); };
  switch (modelTypeOf(spec)) {
    case 'featureVectorizer': {
      // FeatureVectorizer: the inputs' dimensions concatenated, in inputList order.
      const n = (spec.featureVectorizer!.inputList ?? []).reduce((s, c) => s + Number(c.inputDimensions ?? 0), 0);
      set(outputs[0], vectorOr(outputs[0], n));
      break;
    }
    case 'oneHotEncoder': {
      const e = spec.oneHotEncoder!;
      const n = e.stringCategories?.vector?.length ?? e.int64Categories?.vector?.length ?? 0;
      if (!e.outputSparse && outputs[0]?.type?.multiArrayType) set(outputs[0], { dims: [dim(n)] });
      break;
    }
    case 'dictVectorizer': {
      const v = spec.dictVectorizer!;
      set(outputs[0], vectorOr(outputs[0], v.stringToIndex?.vector?.length ?? v.int64ToIndex?.vector?.length ?? 0));
      break;
    }
    case 'arrayFeatureExtractor':
      set(outputs[0], vectorOr(outputs[0], spec.arrayFeatureExtractor!.extractIndex?.length ?? 0));
      break;
    case 'glmRegressor': {
      const target = outputs.find((o) => o.name === d.predictedFeatureName) ?? outputs[0];
      set(target, vectorOr(target, spec.glmRegressor!.weights?.length ?? 0));
      break;
    }
    case 'treeEnsembleRegressor': {
      const target = outputs.find((o) => o.name === d.predictedFeatureName) ?? outputs[0];
      set(target, vectorOr(target, Number(spec.treeEnsembleRegressor!.treeEnsemble?.numPredictionDimensions ?? 0)));
      break;
    }
    case 'scaler':
    case 'normalizer':
    case 'imputer':
      // Element-wise transforms: the output has the input's shape.
      if (firstInput && outputs[0]?.type?.multiArrayType) set(outputs[0], firstInput);
      break;
    case 'identity':
      outputs.forEach((o, i) => set(o, inputs.get(o.name ?? '') ?? (ins[i]?.name ? inputs.get(ins[i].name) : undefined)));
      break;
    case 'nonMaximumSuppression': {
      // NonMaximumSuppression.proto: confidence (boxes × classes) and coordinates (boxes × 4) in;
      // the same out, keeping between 0 and all of the boxes.
      const n = spec.nonMaximumSuppression!;
      const conf = inputs.get(n.confidenceInputFeatureName ?? '');
      const boxes = conf?.dims?.length === 2 ? { min: 0, max: conf.dims[0].max } : { min: 0, max: Infinity };
      const classes = conf?.dims?.length === 2 ? conf.dims[1] : UNKNOWN_DIM;
      const byName = (name: string | undefined) => outputs.find((o) => o.name === name);
      set(byName(n.confidenceOutputFeatureName), { dims: [boxes, classes] });
      set(byName(n.coordinatesOutputFeatureName), { dims: [boxes, dim(4)] });
      break;
    }
    default:
      break;
  }
  return out;
}

/** Shape of an ML Program value type: constant and unknown dimensions, or unknown rank. */
export function milValueShape(t: MILSpec_ValueType | undefined): Shape | undefined {
  const tt = t?.tensorType ?? t?.stateType?.wrappedType?.tensorType;
  if (!tt) return undefined;
  const rank = Number(tt.rank ?? 0);
  if (rank < 0) return UNKNOWN_SHAPE;
  const dims = (tt.dimensions ?? []).map((d) => (d.constant ? dim(Number(d.constant.size ?? 0)) : UNKNOWN_DIM));
  if (dims.length !== rank) return { dims: Array.from({ length: rank }, (_, i) => dims[i] ?? UNKNOWN_DIM) };
  return { dims };
}
