// Non-neural models (GLM, SVM, tree ensembles, NMS, feature engineering, Apple's built-in text,
// vision and sound models, …) are one node each on the canvas. This table gives each model type
// a readable name and the handful of parameters worth reading on the node face.
import { enumValueName, repeatedCount, whichOneof, type ClassicModelType, type Model } from '../format';
import { AttributeList, formatList, formatNumber } from '../layers';
import type { NodeAttribute } from './types';

const SPEC = 'CoreML.Specification.';

export const MODEL_DISPLAY_NAMES: { readonly [T in ClassicModelType]: string } = {
  glmRegressor: 'GLM Regressor',
  supportVectorRegressor: 'Support Vector Regressor',
  treeEnsembleRegressor: 'Tree Ensemble Regressor',
  bayesianProbitRegressor: 'Bayesian Probit Regressor',
  glmClassifier: 'GLM Classifier',
  supportVectorClassifier: 'Support Vector Classifier',
  treeEnsembleClassifier: 'Tree Ensemble Classifier',
  kNearestNeighborsClassifier: 'k-Nearest Neighbors Classifier',
  itemSimilarityRecommender: 'Item Similarity Recommender',
  customModel: 'Custom Model',
  linkedModel: 'Linked Model',
  classConfidenceThresholding: 'Class Confidence Thresholding',
  oneHotEncoder: 'One-Hot Encoder',
  imputer: 'Imputer',
  featureVectorizer: 'Feature Vectorizer',
  dictVectorizer: 'Dictionary Vectorizer',
  scaler: 'Scaler',
  categoricalMapping: 'Categorical Mapping',
  normalizer: 'Normalizer',
  arrayFeatureExtractor: 'Array Feature Extractor',
  nonMaximumSuppression: 'Non-Maximum Suppression',
  identity: 'Identity',
  textClassifier: 'Text Classifier',
  wordTagger: 'Word Tagger',
  visionFeaturePrint: 'Vision Feature Print',
  soundAnalysisPreprocessing: 'Sound Analysis Preprocessing',
  gazetteer: 'Gazetteer',
  wordEmbedding: 'Word Embedding',
  audioFeaturePrint: 'Audio Feature Print',
  serializedModel: 'Serialized Model',
};

const enumName = (e: string, v: number | undefined): string => enumValueName(`${SPEC}${e}`, v ?? 0) ?? String(v);

interface Labelled {
  readonly stringClassLabels?: { readonly vector?: readonly string[] };
  readonly int64ClassLabels?: { readonly vector?: readonly number[] };
}

/** The class labels a model declares, as strings; undefined when it has none. */
export function classLabelsOf(params: object | undefined): readonly string[] | undefined {
  const p = params as Labelled | undefined;
  if (p?.stringClassLabels) return p.stringClassLabels.vector ?? [];
  if (p?.int64ClassLabels) return (p.int64ClassLabels.vector ?? []).map(String);
  return undefined;
}

const classCount = (p: object): number | undefined => classLabelsOf(p)?.length;

/** Language and revision of Apple's Natural Language models (an empty language is "any"). */
const nlModel = (p: { revision?: number; language?: string }): AttributeList =>
  new AttributeList().add('revision', p.revision ?? 0).add('language', p.language || undefined);

type Summaries = { readonly [T in ClassicModelType]?: (params: NonNullable<Model[T]>) => readonly NodeAttribute[] };

const SUMMARIES: Summaries = {
  glmRegressor: (p) => new AttributeList()
    .add('weights', `${p.weights?.length ?? 0}×${p.weights?.[0] ? repeatedCount(p.weights[0], 'value') : 0}`)
    .add('transform', enumName('GLMRegressor.PostEvaluationTransform', p.postEvaluationTransform))
    .list,
  glmClassifier: (p) => new AttributeList()
    .add('weights', `${p.weights?.length ?? 0}×${p.weights?.[0] ? repeatedCount(p.weights[0], 'value') : 0}`)
    .add('transform', enumName('GLMClassifier.PostEvaluationTransform', p.postEvaluationTransform))
    .add('encoding', enumName('GLMClassifier.ClassEncoding', p.classEncoding))
    .add('classes', classCount(p))
    .list,
  supportVectorRegressor: (p) => svm(p).list,
  supportVectorClassifier: (p) => svm(p).add('classes', classCount(p)).list,
  treeEnsembleRegressor: (p) => trees(p).list,
  treeEnsembleClassifier: (p) => trees(p).add('classes', classCount(p)).list,
  bayesianProbitRegressor: (p) => new AttributeList().add('features', p.numberOfFeatures ?? 0).add('weights', p.features?.length ?? 0).list,
  kNearestNeighborsClassifier: (p) => {
    const index = p.nearestNeighborsIndex;
    return new AttributeList()
      .add('k', p.numberOfNeighbors?.defaultValue)
      .add('dimensions', index?.numberOfDimensions ?? 0)
      .add('samples', index?.floatSamples?.length ?? 0)
      .add('index', index ? whichOneof(`${SPEC}NearestNeighborsIndex`, index, 'IndexType') : undefined)
      .add('weighting', whichOneof(`${SPEC}KNearestNeighborsClassifier`, p, 'WeightingScheme'))
      .add('classes', classCount(p))
      .list;
  },
  itemSimilarityRecommender: (p) => new AttributeList()
    .add('items', p.itemItemSimilarities?.length ?? 0)
    .add('item input', p.itemInputFeatureName || undefined)
    .add('recommendations output', p.recommendedItemListOutputFeatureName || undefined)
    .list,
  customModel: (p) => new AttributeList().add('class', p.className ?? '').add('parameters', p.parameters?.size || undefined).list,
  linkedModel: (p) => new AttributeList()
    .add('file', p.linkedModelFile?.linkedModelFileName?.defaultValue)
    .add('search path', p.linkedModelFile?.linkedModelSearchPath?.defaultValue)
    .list,
  classConfidenceThresholding: (p) => new AttributeList().add('curves', p.precisionRecallCurves?.length ?? 0).list,
  oneHotEncoder: (p) => new AttributeList()
    .add('categories', p.stringCategories?.vector?.length ?? p.int64Categories?.vector?.length ?? 0)
    .add('unknown', enumName('OneHotEncoder.HandleUnknown', p.handleUnknown))
    .flag('sparse', p.outputSparse)
    .list,
  imputer: (p) => {
    const imputed = whichOneof(`${SPEC}Imputer`, p, 'ImputedValue');
    const replaced = whichOneof(`${SPEC}Imputer`, p, 'ReplaceValue');
    const value = (k: string | undefined): string | undefined => {
      const v = k ? (p as Record<string, unknown>)[k] : undefined;
      if (typeof v === 'number') return formatNumber(v);
      if (typeof v === 'string') return JSON.stringify(v);
      return k;
    };
    return new AttributeList().add('imputed', value(imputed)).add('replaces', value(replaced)).list;
  },
  featureVectorizer: (p) => new AttributeList()
    .add('inputs', p.inputList?.length ?? 0)
    .add('dimensions', (p.inputList ?? []).reduce((n, c) => n + Number(c.inputDimensions ?? 0), 0))
    .list,
  dictVectorizer: (p) => new AttributeList().add('keys', p.stringToIndex?.vector?.length ?? p.int64ToIndex?.vector?.length ?? 0).list,
  scaler: (p) => new AttributeList().add('shift', p.shiftValue?.length ?? 0).add('scale', p.scaleValue?.length ?? 0).list,
  categoricalMapping: (p) => new AttributeList()
    .add('mapping', p.stringToInt64Map ? 'string → int64' : p.int64ToStringMap ? 'int64 → string' : undefined)
    .add('entries', p.stringToInt64Map?.map?.size ?? p.int64ToStringMap?.map?.size)
    .add('unknown', p.strValue !== undefined ? JSON.stringify(p.strValue) : p.int64Value)
    .list,
  normalizer: (p) => new AttributeList().add('norm', enumName('Normalizer.NormType', p.normType)).list,
  arrayFeatureExtractor: (p) => new AttributeList()
    .add('indices', (p.extractIndex?.length ?? 0) <= 8 ? formatList((p.extractIndex ?? []).map(Number)) : `${p.extractIndex!.length} indices`)
    .list,
  nonMaximumSuppression: (p) => new AttributeList()
    .add('IoU threshold', p.iouThreshold ?? 0)
    .add('confidence threshold', p.confidenceThreshold ?? 0)
    .add('method', p.pickTop ? `pickTop${p.pickTop.perClass ? ' per class' : ''}` : undefined)
    .add('classes', classCount(p))
    .add('confidence', `${p.confidenceInputFeatureName ?? ''} → ${p.confidenceOutputFeatureName ?? ''}`)
    .add('coordinates', `${p.coordinatesInputFeatureName ?? ''} → ${p.coordinatesOutputFeatureName ?? ''}`)
    .add('IoU threshold input', p.iouThresholdInputFeatureName || undefined)
    .add('confidence threshold input', p.confidenceThresholdInputFeatureName || undefined)
    .list,
  textClassifier: (p) => nlModel(p).add('classes', classCount(p)).list,
  wordTagger: (p) => nlModel(p).add('tags', p.stringTags?.vector?.length).list,
  gazetteer: (p) => nlModel(p).add('classes', classCount(p)).list,
  wordEmbedding: (p) => nlModel(p).list,
  visionFeaturePrint: (p) => {
    if (p.scene) return new AttributeList().add('scene', enumName('CoreMLModels.VisionFeaturePrint.Scene.SceneVersion', p.scene.version)).list;
    if (p.objects) {
      return new AttributeList()
        .add('objects', enumName('CoreMLModels.VisionFeaturePrint.Objects.ObjectsVersion', p.objects.version))
        .add('outputs', (p.objects.output ?? []).join(', ') || undefined)
        .list;
    }
    return [];
  },
  audioFeaturePrint: (p) => new AttributeList()
    .add('sound', p.sound ? enumName('CoreMLModels.AudioFeaturePrint.Sound.SoundVersion', p.sound.version) : undefined)
    .list,
  soundAnalysisPreprocessing: (p) => new AttributeList().add('type', whichOneof(`${SPEC}CoreMLModels.SoundAnalysisPreprocessing`, p, 'SoundAnalysisPreprocessingType')).list,
  serializedModel: (p) => new AttributeList().add('identifier', p.identifier ?? '').add('bytes', p.model?.length ?? 0).list,
};

function svm(p: NonNullable<Model['supportVectorRegressor' | 'supportVectorClassifier']>): AttributeList {
  const kernelName = p.kernel ? whichOneof(`${SPEC}Kernel`, p.kernel, 'kernel') : undefined;
  const out = new AttributeList().add('kernel', kernelName ?? 'unset');
  const k = p.kernel;
  if (k?.rbfKernel) out.add('gamma', k.rbfKernel.gamma ?? 0);
  if (k?.polyKernel) out.add('degree', k.polyKernel.degree ?? 0).add('gamma', k.polyKernel.gamma ?? 0).add('c', k.polyKernel.c ?? 0);
  if (k?.sigmoidKernel) out.add('gamma', k.sigmoidKernel.gamma ?? 0).add('c', k.sigmoidKernel.c ?? 0);
  const vectors = p.denseSupportVectors?.vectors?.length ?? p.sparseSupportVectors?.vectors?.length;
  return out.add('support vectors', vectors ?? 0);
}

function trees(p: NonNullable<Model['treeEnsembleRegressor' | 'treeEnsembleClassifier']>): AttributeList {
  const nodes = p.treeEnsemble?.nodes ?? [];
  const treeIds = new Set(nodes.map((n) => Number(n.treeId ?? 0)));
  return new AttributeList()
    .add('trees', treeIds.size)
    .add('nodes', nodes.length)
    .add('outputs', Number(p.treeEnsemble?.numPredictionDimensions ?? 0))
    .add('transform', enumName('TreeEnsemblePostEvaluationTransform', p.postEvaluationTransform));
}

/** Node-face attributes of a non-neural model. */
export function summarizeClassicModel<T extends ClassicModelType>(type: T, params: NonNullable<Model[T]>): readonly NodeAttribute[] {
  const f = SUMMARIES[type];
  return f ? f(params) : [];
}
