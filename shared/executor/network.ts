// Runs a NeuralNetwork, NeuralNetworkClassifier or NeuralNetworkRegressor on the CPU.
//
// Tensors: inputs are mapped as NeuralNetwork.proto says (RANK5_ARRAY_MAPPING [C] -> [1,1,C,1,1],
// [C,H,W] -> [1,1,C,H,W]; EXACT passes the shape through; images [1,1,C,H,W] or, under
// RANK4_IMAGE_MAPPING, [1,C,H,W]); a network holding a spec-4 layer or using EXACT/RANK4 mapping
// runs "N-d" (ctx.nd), otherwise every blob is rank 5.
//
// Memory: every blob is its own Float32Array. Unless the caller asks for every blob
// (blobs: 'all'), a blob is released as soon as the last layer that reads it has run (nested
// branch and loop networks count as reads by their layer), and names the caller asked for,
// model outputs and the classifier's probabilities are kept. So the peak is the working set of
// the widest point of the network, not the sum of all intermediates; with blobs: 'all' the peak
// is the sum, and a model whose intermediates do not fit fails with the engine's RangeError
// ("Array buffer allocation failed"), reported as an ExecutorError naming the layer: ask for
// fewer blobs, or stop after the layer of interest (stopAfter).
//
// Fusion: a convolution whose only reader is a ReLU or clip runs with that clamp applied in its
// store (one pass instead of two), unless the convolution's output was asked for; the profile
// lists the activation with 0 ms.
import type { CustomLayerParams, FeatureDescription, Model, NeuralNetwork, NeuralNetworkClassifier, NeuralNetworkLayer, WeightParams } from '../format/schema/types.generated';
import { layerTypeOf, type LayerType } from '../layers/types';
import { ndOnlyReason } from '../shapes/layerTypes';
import { readWeights, type ReadWeightsOptions } from '../weights';
import { BGR, imageToPlanes, preprocess } from './image';
import { KERNELS } from './kernels';
import { activationClamp } from './kernels/activation';
import { LoopSignal, type Kernel, type KernelContext, type NetworkRunner } from './kernels/types';
import { makeTensor, sizeOf } from './tensor';
import { ExecutorError, type FeatureValue, type LayerProfile, type RunOptions, type RunResult, type Tensor } from './types';

export type CustomKernel = Kernel<CustomLayerParams>;

const customKernels = new Map<string, CustomKernel>();

/** Registers a CPU replacement for a custom layer class (CustomLayerParams.className). */
export function registerCustomKernel(className: string, kernel: CustomKernel): void {
  customKernels.set(className, kernel);
}

export function unregisterCustomKernel(className: string): void {
  customKernels.delete(className);
}

/** Decoded weights, per WeightParams message (documents are immutable) and read options. */
const weightCache = new WeakMap<WeightParams, Map<string, Float32Array>>();
function cachedWeights(w: WeightParams | undefined, options: ReadWeightsOptions = {}): Float32Array {
  if (!w) return readWeights(w, options);
  const key = `${options.count ?? ''}|${options.channelStride ?? ''}`;
  let m = weightCache.get(w);
  const hit = m?.get(key);
  if (hit) return hit;
  const v = readWeights(w, options);
  if (!m) { m = new Map(); weightCache.set(w, m); }
  m.set(key, v);
  return v;
}

class StopSignal {}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Every blob name a layer reads, including those read inside its nested networks. */
function readsOf(layer: NeuralNetworkLayer, out: Set<string> = new Set()): Set<string> {
  for (const n of layer.input ?? []) out.add(n);
  const nested = [layer.branch?.ifBranch, layer.branch?.elseBranch, layer.loop?.conditionNetwork, layer.loop?.bodyNetwork];
  if (layer.loop?.conditionVar) out.add(layer.loop.conditionVar);
  for (const nn of nested) for (const l of nn?.layers ?? []) readsOf(l, out);
  return out;
}

function hasLayerNamed(layers: readonly NeuralNetworkLayer[], name: string): boolean {
  return layers.some((l) => l.name === name || [l.branch?.ifBranch, l.branch?.elseBranch, l.loop?.conditionNetwork, l.loop?.bodyNetwork]
    .some((nn) => nn && hasLayerNamed(nn.layers ?? [], name)));
}

export function isNdNetwork(nn: NeuralNetwork): boolean {
  return (nn.arrayInputShapeMapping ?? 0) === 1 || (nn.imageInputShapeMapping ?? 0) === 1 || (nn.layers ?? []).some((l) => ndOnlyReason(l) !== undefined);
}

class Runtime implements NetworkRunner {
  readonly scope = new Map<string, Tensor>();
  readonly profile: LayerProfile[] = [];
  readonly produced: string[] = [];
  stoppedAt?: NeuralNetworkLayer;

  constructor(readonly nd: boolean, readonly options: RunOptions, readonly keep: Set<string>) {}

  blob(name: string): Tensor | undefined {
    return this.scope.get(name);
  }

  runNetwork(nn: NeuralNetwork): void {
    for (const layer of nn.layers ?? []) this.runLayer(layer);
  }

  runTop(nn: NeuralNetwork): void {
    const layers = nn.layers ?? [];
    const all = this.options.blobs === 'all';
    const lastRead = new Map<string, number>();
    const readers = new Map<string, number>();
    layers.forEach((l, i) => { for (const n of readsOf(l)) { lastRead.set(n, i); readers.set(n, (readers.get(n) ?? 0) + 1); } });
    for (let i = 0; i < layers.length; i++) {
      if (this.options.signal?.aborted) throw new ExecutorError('cancelled');
      const clamp = all ? undefined : this.fusableClamp(layers[i], layers[i + 1], readers);
      this.runLayer(layers[i], clamp ? { clamp, into: layers[i + 1] } : undefined);
      const done = clamp ? [layers[i], layers[++i]] : [layers[i]];
      if (!all) {
        for (const l of done) {
          const names = new Set([...readsOf(l), ...(l.output ?? [])]);
          for (const n of names) if ((lastRead.get(n) ?? -1) <= i && !this.keep.has(n)) this.scope.delete(n);
        }
      }
      for (let k = i - done.length + 1; k <= i; k++) this.options.onProgress?.(k + 1, layers.length);
    }
  }

  /**
   * A convolution followed by a ReLU or clip that is the only reader of its output (and nobody
   * asked for that output) runs as one layer with the clamp fused into the convolution's store.
   */
  private fusableClamp(conv: NeuralNetworkLayer, next: NeuralNetworkLayer | undefined, readers: Map<string, number>): { min: number; max: number } | undefined {
    if (!next || !conv.convolution || conv.output?.length !== 1 || next.input?.length !== 1 || next.output?.length !== 1) return undefined;
    const blob = conv.output[0];
    if (next.input[0] !== blob || readers.get(blob) !== 1 || this.keep.has(blob) || this.options.stopAfter === conv.name || this.options.stopAfter === next.name) return undefined;
    if (next.clip) {
      const lo = next.clip.minVal ?? 0, hi = next.clip.maxVal ?? 0;
      return lo <= hi ? { min: lo, max: hi } : undefined;
    }
    return activationClamp(next.activation);
  }

  runLayer(layer: NeuralNetworkLayer, fused?: { clamp: { min: number; max: number }; into: NeuralNetworkLayer }): void {
    const name = layer.name ?? '';
    const type = layerTypeOf(layer);
    if (!type) throw new ExecutorError('the layer has no type (an empty or unknown `layer` oneof)', name);
    const params = layer[type] as object;
    let kernel: Kernel<object> = KERNELS[type] as Kernel<object>;
    if (type === 'custom') {
      const cls = layer.custom?.className ?? '';
      const k = customKernels.get(cls);
      if (!k) throw new ExecutorError(`custom layer ${name} (class ${cls}) has no CPU implementation`);
      kernel = k as Kernel<object>;
    }
    const inputs = (layer.input ?? []).map((n) => {
      const t = this.scope.get(n);
      if (!t) throw new ExecutorError(`input blob "${n}" is not available: no earlier layer or model input produces it`, name, type);
      return t;
    });
    const ctx: KernelContext<object> = { layer, name, type, params, inputs, nd: this.nd, weights: cachedWeights, run: this, ...(fused ? { clamp: fused.clamp } : {}) };
    const t0 = this.options.profile ? now() : 0;
    let outputs: Tensor[];
    try {
      outputs = kernel(ctx);
    } catch (e) {
      throw wrap(e, name, type);
    }
    const names = fused ? fused.into.output ?? [] : layer.output ?? [];
    if (outputs.length < names.length) throw new ExecutorError(`produced ${outputs.length} outputs for ${names.length} output names`, name, type);
    names.forEach((n, i) => { this.scope.set(n, outputs[i]); this.produced.push(n); });
    if (this.options.profile) {
      this.profile.push({ layer: name, type, ms: now() - t0 });
      if (fused) this.profile.push({ layer: fused.into.name ?? '', type: layerTypeOf(fused.into) ?? 'activation', ms: 0 });
    }
    if (this.options.stopAfter !== undefined && this.options.stopAfter === name) {
      this.stoppedAt = layer;
      throw new StopSignal();
    }
  }
}

function wrap(e: unknown, name: string, type: LayerType): unknown {
  if (e instanceof LoopSignal || e instanceof StopSignal || e instanceof ExecutorError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new ExecutorError(msg, name, type);
}

interface NetworkModel {
  nn: NeuralNetwork;
  classifier?: NeuralNetworkClassifier;
}

export function networkOfModel(model: Model): NetworkModel | undefined {
  if (model.neuralNetwork) return { nn: model.neuralNetwork };
  if (model.neuralNetworkRegressor) return { nn: model.neuralNetworkRegressor as NeuralNetwork };
  if (model.neuralNetworkClassifier) return { nn: model.neuralNetworkClassifier as NeuralNetwork, classifier: model.neuralNetworkClassifier };
  return undefined;
}

/** The input tensor a network sees for a feature value. */
function inputTensor(f: FeatureDescription, v: FeatureValue, nn: NeuralNetwork, nd: boolean): Tensor {
  const name = f.name ?? '';
  const t = f.type ?? {};
  if (t.imageType) {
    if (v.kind !== 'image') throw new Error(`input ${name} is an image, got a ${v.kind}`);
    const img = v.image;
    const w = Number(t.imageType.width ?? 0), h = Number(t.imageType.height ?? 0);
    const flexible = !!t.imageType.imageSizeRange || !!t.imageType.enumeratedSizes?.sizes?.length;
    if (!flexible && w > 0 && h > 0 && (img.width !== w || img.height !== h)) {
      throw new Error(`input ${name} takes ${w}×${h} images, got ${img.width}×${img.height} (resize it first)`);
    }
    const planes = imageToPlanes(img, t.imageType);
    const entries = (nn.preprocessing ?? []).filter((p) => (p.featureName ?? '') === name || !p.featureName);
    preprocess(planes, entries, t.imageType.colorSpace);
    const rank4 = (nn.imageInputShapeMapping ?? 0) === 1;
    return makeTensor(rank4 ? [1, ...planes.shape] : [1, 1, ...planes.shape], planes.data);
  }
  let tensor: Tensor;
  if (v.kind === 'tensor') tensor = v.tensor;
  else if (v.kind === 'double' || v.kind === 'int64') tensor = makeTensor([1], new Float32Array([v.value]));
  else throw new Error(`input ${name} takes a multi-array, got a ${v.kind}`);
  if (sizeOf(tensor.shape) !== tensor.data.length) throw new Error(`input ${name}: shape [${tensor.shape}] needs ${sizeOf(tensor.shape)} values, got ${tensor.data.length}`);
  if ((nn.arrayInputShapeMapping ?? 0) === 1) return tensor;
  // RANK5_ARRAY_MAPPING: [C] -> [1,1,C,1,1], [C,H,W] -> [1,1,C,H,W], rank 5 as given.
  const s = tensor.shape;
  if (s.length === 1) return makeTensor([1, 1, s[0], 1, 1], tensor.data);
  if (s.length === 3) return makeTensor([1, 1, ...s], tensor.data);
  if (s.length === 5) return tensor;
  if (nd) return tensor;
  throw new Error(`input ${name} has rank ${s.length}; under RANK5_ARRAY_MAPPING a multi-array has rank 1, 3 or 5`);
}

/** What a network blob becomes as a model output of the declared type. */
function outputValue(f: FeatureDescription, t: Tensor, nd: boolean): FeatureValue {
  const type = f.type ?? {};
  if (type.doubleType) return { kind: 'double', value: t.data[0] };
  if (type.int64Type) return { kind: 'int64', value: Math.round(t.data[0]) };
  if (type.imageType) {
    // An image output: [C, H, W] planes handed out as planar pixels in R, G, B (or gray) order.
    const r = t.shape.length;
    const C = t.shape[r - 3] ?? 1, H = t.shape[r - 2] ?? 1, W = t.shape[r - 1] ?? 1;
    if ((C === 1 || C === 3) && C * H * W === t.data.length) {
      let pixels = t.data;
      if (C === 3 && type.imageType.colorSpace === BGR) {
        const n = H * W;
        pixels = new Float32Array(t.data.length);
        pixels.set(t.data.subarray(2 * n, 3 * n), 0);
        pixels.set(t.data.subarray(n, 2 * n), n);
        pixels.set(t.data.subarray(0, n), 2 * n);
      }
      return { kind: 'image', image: { width: W, height: H, layout: 'planar', pixels } };
    }
  }
  const declared = (type.multiArrayType?.shape ?? []).map(Number);
  // Under rank-5 interpretation Core ML hands out the declared rank ([C, H, W] or [C]) when the
  // elements are the same (README: the declared shape or its rank-5 form).
  if (!nd && declared.length && declared.length !== t.shape.length && sizeOf(declared) === t.data.length) {
    return { kind: 'tensor', tensor: makeTensor(declared, t.data) };
  }
  return { kind: 'tensor', tensor: t };
}

export function runNeuralNetworkModel(model: Model, inputs: Map<string, FeatureValue>, options: RunOptions = {}): RunResult {
  const net = networkOfModel(model);
  if (!net) throw new ExecutorError('the model is not a neural network');
  const { nn, classifier } = net;
  const nd = isNdNetwork(nn);
  const d = model.description ?? {};
  const outputsWanted = new Set(options.outputs ?? (d.output ?? []).map((o) => o.name ?? ''));
  const layers = nn.layers ?? [];
  const probName = classifier
    ? classifier.labelProbabilityLayerName || layers[layers.length - 1]?.output?.[0] || ''
    : '';
  const keep = new Set<string>([...outputsWanted, ...(Array.isArray(options.blobs) ? options.blobs : []), ...(probName ? [probName] : [])]);
  if (options.stopAfter !== undefined && !hasLayerNamed(layers, options.stopAfter)) {
    throw new ExecutorError(`stopAfter: the network has no layer named "${options.stopAfter}"`);
  }
  const rt = new Runtime(nd, options, keep);
  for (const f of d.input ?? []) {
    const name = f.name ?? '';
    const v = inputs.get(name);
    if (!v) {
      if (f.type?.isOptional) continue;
      throw new ExecutorError(`input ${name} is missing`);
    }
    try {
      rt.scope.set(name, inputTensor(f, v, nn, nd));
    } catch (e) {
      throw new ExecutorError(e instanceof Error ? e.message : String(e));
    }
  }
  const inputNames = new Set(rt.scope.keys());
  try {
    rt.runTop(nn);
  } catch (e) {
    if (!(e instanceof StopSignal)) {
      if (e instanceof LoopSignal) throw new ExecutorError(`loop${e.kind === 'break' ? 'Break' : 'Continue'} outside a loop body`);
      if (e instanceof RangeError && /allocation|Invalid typed array length|Array buffer/i.test(e.message)) {
        throw new ExecutorError(`out of memory (${e.message}); ask for fewer blobs or stop after an earlier layer`);
      }
      throw e;
    }
  }
  const blobs = new Map<string, Tensor>();
  const wanted = options.blobs;
  if (wanted === 'all') {
    for (const n of rt.produced) { const t = rt.scope.get(n); if (t) blobs.set(n, t); }
  } else if (wanted) {
    for (const n of wanted) { const t = rt.scope.get(n); if (t) blobs.set(n, t); }
  }
  if (rt.stoppedAt) for (const n of rt.stoppedAt.output ?? []) { const t = rt.scope.get(n); if (t) blobs.set(n, t); }
  for (const n of inputNames) if (wanted === 'all') { const t = rt.scope.get(n); if (t) blobs.set(n, t); }

  const outputs = new Map<string, FeatureValue>();
  const labels = classifier?.stringClassLabels?.vector ?? classifier?.int64ClassLabels?.vector?.map(Number);
  for (const f of d.output ?? []) {
    const name = f.name ?? '';
    if (!outputsWanted.has(name)) continue;
    if (classifier && (name === d.predictedFeatureName || name === d.predictedProbabilitiesName)) {
      const probs = rt.scope.get(probName);
      if (!probs) continue;
      if (!labels) throw new ExecutorError('the classifier has no class labels');
      if (probs.data.length !== labels.length) throw new ExecutorError(`the probabilities blob ${probName} holds ${probs.data.length} values for ${labels.length} class labels`);
      if (name === d.predictedProbabilitiesName && f.type?.dictionaryType) {
        outputs.set(name, { kind: 'dictionary', value: new Map(labels.map((l, i) => [l, probs.data[i]])) });
        continue;
      }
      if (name === d.predictedFeatureName) {
        let best = 0;
        for (let i = 1; i < probs.data.length; i++) if (probs.data[i] > probs.data[best]) best = i;
        const label = labels[best];
        outputs.set(name, typeof label === 'string' ? { kind: 'string', value: label } : { kind: 'int64', value: label });
        continue;
      }
    }
    const t = rt.scope.get(name);
    if (t) outputs.set(name, outputValue(f, t, nd));
  }
  return { outputs, blobs, ...(options.profile ? { profile: rt.profile } : {}) };
}
