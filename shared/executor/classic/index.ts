// The classic (non-neural) models of Model.proto's Type oneof. runModel dispatches here for
// every model type that is not a network, an ML Program, a pipeline or NonMaximumSuppression.
import { modelTypeOf, type Model } from '../../format';
import { ExecutorError, type FeatureValue, type RunResult } from '../types';
import { runGlmClassifier, runGlmRegressor } from './glm';
import { runKNearestNeighbors } from './knn';
import { runSvmClassifier, runSvmRegressor } from './svm';
import {
  runArrayFeatureExtractor, runCategoricalMapping, runDictVectorizer, runFeatureVectorizer, runIdentity, runImputer,
  runNormalizer, runOneHotEncoder, runScaler,
} from './transforms';
import { runTreeEnsembleClassifier, runTreeEnsembleRegressor } from './treeEnsemble';

/**
 * Model types whose implementation is Apple's and not described by the format (trained
 * embeddings, feature extractors, NLP models), or that call code outside the model.
 */
const NOT_ON_CPU: Record<string, string> = {
  textClassifier: 'a Create ML text classifier runs on Apple\'s Natural Language framework',
  wordTagger: 'a Create ML word tagger runs on Apple\'s Natural Language framework',
  gazetteer: 'a gazetteer runs on Apple\'s Natural Language framework',
  wordEmbedding: 'a word embedding runs on Apple\'s Natural Language framework',
  visionFeaturePrint: 'Vision feature print is a built-in Apple network whose weights are not in the model',
  audioFeaturePrint: 'audio feature print is a built-in Apple network whose weights are not in the model',
  soundAnalysisPreprocessing: 'sound analysis preprocessing is implemented by Apple\'s SoundAnalysis framework',
  customModel: 'a custom model calls a class compiled into the app',
  linkedModel: 'a linked model refers to a compiled model file outside this one',
  itemSimilarityRecommender: 'item similarity recommenders are not implemented',
  bayesianProbitRegressor: 'Bayesian probit regressors are not implemented',
  classConfidenceThresholding: 'class confidence thresholding is not implemented',
  serializedModel: 'a serialized model is an opaque blob for another runtime',
  mlProgram: 'the executor runs NeuralNetwork models; ML Programs are not implemented',
};

/** Runs a classic model on its inputs; throws ExecutorError for a type it cannot run. */
export function runClassicModel(model: Model, inputs: Map<string, FeatureValue>): RunResult {
  const type = modelTypeOf(model);
  switch (type) {
    case 'glmRegressor': return runGlmRegressor(model, model.glmRegressor!, inputs);
    case 'glmClassifier': return runGlmClassifier(model, model.glmClassifier!, inputs);
    case 'treeEnsembleRegressor': return runTreeEnsembleRegressor(model, model.treeEnsembleRegressor!, inputs);
    case 'treeEnsembleClassifier': return runTreeEnsembleClassifier(model, model.treeEnsembleClassifier!, inputs);
    case 'supportVectorRegressor': return runSvmRegressor(model, model.supportVectorRegressor!, inputs);
    case 'supportVectorClassifier': return runSvmClassifier(model, model.supportVectorClassifier!, inputs);
    case 'kNearestNeighborsClassifier': return runKNearestNeighbors(model, model.kNearestNeighborsClassifier!, inputs);
    case 'scaler': return runScaler(model, model.scaler!, inputs);
    case 'normalizer': return runNormalizer(model, model.normalizer!, inputs);
    case 'oneHotEncoder': return runOneHotEncoder(model, model.oneHotEncoder!, inputs);
    case 'imputer': return runImputer(model, model.imputer!, inputs);
    case 'arrayFeatureExtractor': return runArrayFeatureExtractor(model, model.arrayFeatureExtractor!, inputs);
    case 'featureVectorizer': return runFeatureVectorizer(model, model.featureVectorizer!, inputs);
    case 'dictVectorizer': return runDictVectorizer(model, model.dictVectorizer!, inputs);
    case 'categoricalMapping': return runCategoricalMapping(model, model.categoricalMapping!, inputs);
    case 'identity': return runIdentity(model, inputs);
    default: break;
  }
  if (type && NOT_ON_CPU[type]) throw new ExecutorError(`${type} is not supported on the CPU: ${NOT_ON_CPU[type]}`);
  throw new ExecutorError(`${type ?? 'a model with no type'} is not a classic model`);
}

/** Why a model type cannot run on the CPU, or undefined when it can (or is not a classic type). */
export function notOnCpuReason(type: string | undefined): string | undefined {
  return type ? NOT_ON_CPU[type] : undefined;
}
