// The CPU executor: runModel dispatches on Model.Type. Neural networks (plain, classifier,
// regressor) run here; classic models, NonMaximumSuppression and pipelines have their own modules.
import { modelTypeOf, type Model } from '../format';
import { runClassicModel } from './classic/index';
import { runNeuralNetworkModel } from './network';
import { runNonMaximumSuppression } from './nms';
import { kernelThreadCount } from './parallel';
import { runPipeline } from './pipeline';
import { ExecutorError, type FeatureValue, type RunOptions, type RunResult } from './types';

export function runModel(model: Model, inputs: Map<string, FeatureValue>, options: RunOptions = {}): RunResult {
  const result = runByType(model, inputs, options);
  result.threads = kernelThreadCount();
  return result;
}

function runByType(model: Model, inputs: Map<string, FeatureValue>, options: RunOptions): RunResult {
  const type = modelTypeOf(model);
  switch (type) {
    case 'neuralNetwork':
    case 'neuralNetworkClassifier':
    case 'neuralNetworkRegressor':
      return runNeuralNetworkModel(model, inputs, options);
    case 'pipeline':
    case 'pipelineClassifier':
    case 'pipelineRegressor':
      return runPipeline(model, inputs, options, runModel);
    case 'nonMaximumSuppression':
      return runNonMaximumSuppression(model, inputs);
    case undefined:
      throw new ExecutorError('the model has no type');
    default:
      return runClassicModel(model, inputs);
  }
}

export { registerCustomKernel, unregisterCustomKernel, type CustomKernel } from './network';
export { KERNELS } from './kernels';
export { NpyError, decodeNpy, encodeNpy, type NpyArray } from './npy';
export {
  RunComparison, accumulate, formatSnr, newAccumulator, numericForm, seededRandom, snrDb, type Accumulator, type Comparison,
  type ComparisonRow,
} from './compare';
export { defaultArrayShape, defaultImageSize, inputMismatches } from './inputs';
export { chw } from './tensor';
export { HELPER_SOURCE, kernelThreadCount, startKernelThreads, type HelperWorker, type SpawnHelper } from './parallel';
export {
  transferableResult, type ExecutorRequest, type ExecutorResponse, type ModelRef, type WorkerRunOptions,
} from './worker-protocol';
export * from './types';
