// Classifier and regressor interfaces (Apple's validateClassifierInterface /
// validateRegressorInterface): the predicted feature names must name outputs of the right type.
import { modelTypeOf, type Model, type PathStep } from '../format';
import type { DiagnosticSink } from './diagnostic';

const CLASSIFIERS = new Set(['glmClassifier', 'supportVectorClassifier', 'treeEnsembleClassifier', 'neuralNetworkClassifier', 'kNearestNeighborsClassifier']);
const REGRESSORS = new Set(['glmRegressor', 'supportVectorRegressor', 'treeEnsembleRegressor', 'neuralNetworkRegressor']);

interface Labelled {
  readonly stringClassLabels?: { readonly vector?: readonly string[] };
  readonly int64ClassLabels?: { readonly vector?: readonly number[] };
}

export function validateInterface(spec: Model, path: readonly PathStep[], out: DiagnosticSink): void {
  const type = modelTypeOf(spec) ?? '';
  const d = spec.description ?? {};
  const outputs = d.output ?? [];
  const dp = [...path, 'description'];
  const typeOfOutput = (name: string): string | undefined => {
    const f = outputs.find((o) => o.name === name);
    return f ? (f.type ? Object.keys(f.type).find((k) => k !== 'isOptional') ?? 'no type' : 'no type') : undefined;
  };
  if (CLASSIFIERS.has(type)) {
    const params = (spec as Record<string, unknown>)[type] as Labelled;
    const labels = params.stringClassLabels ?? params.int64ClassLabels;
    const int64 = !!params.int64ClassLabels;
    // GLM and tree classifiers may leave labels out (Apple allows empty labels for them).
    if (!labels?.vector?.length && (type === 'neuralNetworkClassifier' || type === 'supportVectorClassifier')) {
      out.error('class-labels-missing', `a ${type} needs class labels (stringClassLabels or int64ClassLabels)`, [...path, type]);
    }
    const pf = d.predictedFeatureName ?? '';
    const want = int64 ? 'int64Type' : 'stringType';
    if (!pf) out.error('predicted-feature', `a classifier needs predictedFeatureName: the output that holds the predicted class label`, [...dp, 'predictedFeatureName']);
    else {
      const t = typeOfOutput(pf);
      if (!t) out.error('predicted-feature', `predictedFeatureName "${pf}" is not an output of the model`, [...dp, 'predictedFeatureName']);
      else if (t !== want) out.error('predicted-feature', `predictedFeatureName "${pf}" is a ${t} output; with ${int64 ? 'int64' : 'string'} class labels it must be ${want}`, [...dp, 'predictedFeatureName']);
    }
    const pp = d.predictedProbabilitiesName ?? '';
    if (pp) {
      const t = typeOfOutput(pp);
      if (!t) out.error('predicted-probabilities', `predictedProbabilitiesName "${pp}" is not an output of the model`, [...dp, 'predictedProbabilitiesName']);
      else if (t !== 'dictionaryType' && t !== 'multiArrayType') out.error('predicted-probabilities', `predictedProbabilitiesName "${pp}" is a ${t} output; class probabilities are a dictionary`, [...dp, 'predictedProbabilitiesName']);
    }
  } else if (REGRESSORS.has(type)) {
    const pf = d.predictedFeatureName ?? '';
    if (!pf) out.error('predicted-feature', 'a regressor needs predictedFeatureName: the output that holds the prediction', [...dp, 'predictedFeatureName']);
    else {
      const t = typeOfOutput(pf);
      if (!t) out.error('predicted-feature', `predictedFeatureName "${pf}" is not an output of the model`, [...dp, 'predictedFeatureName']);
      else if (t !== 'doubleType' && t !== 'multiArrayType') out.error('predicted-feature', `predictedFeatureName "${pf}" is a ${t} output; a regressor predicts a double or a multi-array`, [...dp, 'predictedFeatureName']);
    }
  }
}
