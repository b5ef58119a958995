// Pipelines (Model.proto: Pipeline, PipelineClassifier, PipelineRegressor): the stages run in
// order; each takes the features its own description names as inputs from the pipeline's inputs
// and the earlier stages' outputs, and a later stage's output replaces an earlier feature of the
// same name (converters reuse names, e.g. an int64 feature re-emitted as its one-hot dictionary).
// The pipeline's outputs are the features its description declares.
import { modelTypeOf, type Model, type Pipeline } from '../format';
import { ExecutorError, type FeatureValue, type LayerProfile, type RunModel, type RunOptions, type RunResult, type Tensor } from './types';

export function pipelineOf(model: Model): Pipeline | undefined {
  return model.pipeline ?? model.pipelineClassifier?.pipeline ?? model.pipelineRegressor?.pipeline;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export function runPipeline(model: Model, inputs: Map<string, FeatureValue>, options: RunOptions = {}, runModel: RunModel): RunResult {
  const pipeline = pipelineOf(model);
  if (!pipeline) throw new ExecutorError('the model is not a pipeline');
  const stages = pipeline.models ?? [];
  const features = new Map(inputs);
  const blobs = new Map<string, Tensor>();
  const profile: LayerProfile[] = [];
  const { outputs: wanted, onProgress, stopAfter, ...stageOptions } = options;
  let stopped = false;
  for (let s = 0; s < stages.length && !stopped; s++) {
    if (options.signal?.aborted) throw new ExecutorError('cancelled');
    const stage = stages[s];
    const stageName = pipeline.names?.[s] || `stage ${s} (${modelTypeOf(stage) ?? 'unknown'})`;
    const stageInputs = new Map<string, FeatureValue>();
    for (const d of stage.description?.input ?? []) {
      const name = d.name ?? '';
      const v = features.get(name);
      if (v) stageInputs.set(name, v);
      else if (!d.type?.isOptional) throw new ExecutorError(`pipeline ${stageName}: input "${name}" is neither a pipeline input nor an earlier stage's output`);
    }
    // NonMaximumSuppression's threshold overrides are optional inputs that converters declare on
    // the pipeline but not on the NMS stage (Ultralytics' yolov8n does this): pass them along.
    const nms = stage.nonMaximumSuppression;
    for (const name of [nms?.iouThresholdInputFeatureName, nms?.confidenceThresholdInputFeatureName]) {
      const v = name ? features.get(name) : undefined;
      if (name && v && !stageInputs.has(name)) stageInputs.set(name, v);
    }
    const started = now();
    let r: RunResult;
    try {
      // Only the stage that holds the stopAfter layer is told to stop; it is the last to run.
      stopped = stopAfter !== undefined && stageHasLayer(stage, stopAfter);
      r = runModel(stage, stageInputs, stopped ? { ...stageOptions, stopAfter } : stageOptions);
    } catch (e) {
      // The stage's message (with its layer, if any) follows the stage's name.
      if (e instanceof ExecutorError && !e.message.startsWith('pipeline ')) throw new ExecutorError(`pipeline ${stageName}: ${e.message}`);
      throw e;
    }
    const ms = now() - started;
    for (const [k, v] of r.outputs) features.set(k, v);
    for (const [k, v] of r.blobs) blobs.set(k, v);
    if (options.profile) {
      if (r.profile?.length) for (const p of r.profile) profile.push({ ...p, layer: `${stageName}/${p.layer}` });
      else profile.push({ layer: stageName, type: modelTypeOf(stage) ?? 'model', ms });
    }
    onProgress?.(s + 1, stages.length);
  }
  const outputs = new Map<string, FeatureValue>();
  const declared = (model.description?.output ?? []).map((o) => o.name ?? '');
  for (const name of wanted ?? declared) {
    const v = features.get(name);
    if (v) outputs.set(name, v);
    else if (!stopped) throw new ExecutorError(`pipeline: output "${name}" is produced by no stage`);
  }
  return { outputs, blobs, ...(options.profile ? { profile } : {}) };
}

function stageHasLayer(stage: Model, layer: string): boolean {
  const inner = pipelineOf(stage);
  if (inner) return (inner.models ?? []).some((m) => stageHasLayer(m, layer));
  const nn = stage.neuralNetwork ?? stage.neuralNetworkClassifier ?? stage.neuralNetworkRegressor;
  return (nn?.layers ?? []).some((l) => l.name === layer);
}
