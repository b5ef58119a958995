// The CPU executor: runModel dispatches on Model.Type. Neural networks (plain, classifier,
// regressor) run here; classic models, NonMaximumSuppression and pipelines have their own modules.
import { modelTypeOf } from '../format/model';
import type { Model } from '../format/schema/types.generated';
import { runClassicModel } from './classic/index';
import { runNeuralNetworkModel } from './network';
import { runNonMaximumSuppression } from './nms';
import { runPipeline } from './pipeline';
import { ExecutorError, type FeatureValue, type RunOptions, type RunResult } from './types';

export function runModel(model: Model, inputs: Map<string, FeatureValue>, options: RunOptions = {}): RunResult {
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
export { decodeNpy, encodeNpy } from './npy';
export { numericForm, seededRandom } from './compare';
export * from './types';
