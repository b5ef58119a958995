// Runs a NeuralNetwork, NeuralNetworkClassifier or NeuralNetworkRegressor on the CPU.
//
// Tensors: inputs are mapped as NeuralNetwork.proto says (RANK5_ARRAY_MAPPING [C] -> [1,1,C,1,1],
// [C,H,W] -> [1,1,C,H,W]; EXACT passes the shape through; images [1,1,C,H,W] or, under
// RANK4_IMAGE_MAPPING, [1,C,H,W]); a network holding a spec-4 layer or using EXACT/RANK4 mapping
// runs "N-d" (ctx.nd), otherwise every blob is rank 5.
//
// Memory: when the host has WebAssembly SIMD, every blob of a run lives in the kernel heap (one
// WebAssembly.Memory, see wasm/arena.ts), so a convolution reads and writes it in place. Before a
// run the working set is planned from the blob shapes (shared/shapes, cached per network and
// input shapes) and reserved at once, so the memory does not grow (and detach views) layer by
// layer; growth is still safe because a heap blob re-derives its view. Unless the caller asks for
// every blob (blobs: 'all'), a blob is freed as soon as the last layer that reads it has run
// (nested branch and loop networks count as reads by their layer), and names the caller asked
// for, model outputs and the classifier's probabilities are kept. So the peak is the working set
// of the widest point of the network; with blobs: 'all' it is the sum of every blob.
// What a run returns is copied out of the heap into ordinary Float32Arrays, valid forever. With
// `blobViews`, the intermediate blobs are returned as views into the heap instead (no copy; see
// RunOptions.blobViews): valid until RunResult.release() or until the result is collected.
// Measured on MobileNetV2 224² (bench/executor.ts, 101 blobs, 53 MB): keeping every blob costs
// about +30 ms of CPU copied out and +6 ms as views, over a ~25 ms run. A WebAssembly memory never
// shrinks: the heap stays at the largest working set a run needed.
// When the heap cannot grow (wasm32 stops at 4 GiB) the rest of the run uses ordinary arrays;
// when those do not fit either, the run fails with an ExecutorError saying "out of memory": ask
// for fewer blobs, or stop after the layer of interest (stopAfter).
//
// In place: a clip, an activation, a batchnorm or a two-input same-shape add whose input blob is
// read by nobody after it (and was not asked for) writes its result over that input instead of
// allocating; clip/ReLU, add and global average pooling use the SIMD kernels on heap blobs.
//
// Fusion: a convolution whose only reader is a batchnorm (without computeMeanVar) runs with the
// batchnorm folded into its weights and bias (computed once per layer pair and cached), and a
// convolution (or that pair) whose only reader is a ReLU or clip runs with that clamp applied in
// its store (one pass instead of two), unless an intermediate output was asked for; the profile
// lists the folded layers with 0 ms.
import type {
  CustomLayerParams, FeatureDescription, Model, NeuralNetwork, NeuralNetworkClassifier, NeuralNetworkLayer,
  WeightParams,
} from '../format';
import { layerTypeOf, type LayerType } from '../layers';
import { inferShapes, knownDims, ndOnlyReason } from '../shapes';
import { readWeights, type ReadWeightsOptions } from '../weights';
import { BGR, imageToPlanes, preprocess } from './image';
import { KERNELS } from './kernels';
import { activationClamp } from './kernels/activation';
import { LoopSignal, type Kernel, type KernelContext, type NetworkRunner } from './kernels/types';
import { makeTensor, sizeOf, withTensorAllocator } from './tensor';
import { ExecutorError, type FeatureValue, type LayerProfile, type RunOptions, type RunResult, type Tensor } from './types';
import { BlobArena, HeapTensor } from './wasm/arena';
import { simdKernels } from './wasm/kernels';

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

/** What a network's layer list implies, computed once per network (documents are immutable). */
interface NetworkFacts {
  /** Index of the last top-level layer reading each blob. */
  lastRead: Map<string, number>;
  /** How many top-level layers read each blob. */
  readers: Map<string, number>;
  /** Per top-level layer, the blobs it reads (nested networks included) and writes. */
  touches: string[][];
  /** Blob sizes in floats by input-shape key (from static shape inference). */
  sizes: Map<string, Map<string, number>>;
  /** Memory plans by input shapes, blobs kept and whether every blob is kept. */
  plans: Map<string, { layerBytes: number[]; peakBytes: number }>;
}

const networkFacts = new WeakMap<NeuralNetwork, NetworkFacts>();

function factsOf(nn: NeuralNetwork): NetworkFacts {
  let f = networkFacts.get(nn);
  if (f) return f;
  const lastRead = new Map<string, number>();
  const readers = new Map<string, number>();
  (nn.layers ?? []).forEach((l, i) => { for (const n of readsOf(l)) { lastRead.set(n, i); readers.set(n, (readers.get(n) ?? 0) + 1); } });
  const touches = (nn.layers ?? []).map((l) => [...new Set([...readsOf(l), ...(l.output ?? [])])]);
  f = { lastRead, readers, touches, sizes: new Map(), plans: new Map() };
  networkFacts.set(nn, f);
  return f;
}

/** Layers run as one: a convolution, then a batchnorm folded into it and/or a clamp fused into its store. */
interface Fusion {
  batchnorm?: NeuralNetworkLayer;
  clamp?: { min: number; max: number };
  /** The folded layers, in order; the last one names the output. */
  folded: NeuralNetworkLayer[];
}

class Runtime implements NetworkRunner {
  readonly scope = new Map<string, Tensor>();
  readonly profile: LayerProfile[] = [];
  readonly produced: string[] = [];
  stoppedAt?: NeuralNetworkLayer;

  constructor(
    readonly nd: boolean,
    readonly options: RunOptions,
    readonly keep: Set<string>,
    readonly facts: NetworkFacts,
    readonly arena?: BlobArena,
  ) {}

  blob(name: string): Tensor | undefined {
    return this.scope.get(name);
  }

  /** Binds a name; a heap block counts its names and is freed when the last one goes. */
  set(name: string, t: Tensor): void {
    const arena = this.arena;
    if (arena) {
      t = arena.adopt(t);
      arena.retain(t);
    }
    const prev = this.scope.get(name);
    this.scope.set(name, t);
    if (prev && arena) arena.release(prev);
  }

  drop(name: string): void {
    const t = this.scope.get(name);
    if (!t) return;
    this.scope.delete(name);
    this.arena?.release(t);
  }

  runNetwork(nn: NeuralNetwork): void {
    for (const layer of nn.layers ?? []) this.runLayer(layer);
  }

  runTop(nn: NeuralNetwork, layerBytes: number[]): void {
    const layers = nn.layers ?? [];
    const all = this.options.blobs === 'all';
    const { lastRead } = this.facts;
    const heap = this.arena?.heap;
    for (let i = 0; i < layers.length; i++) {
      if (this.options.signal?.aborted) throw new ExecutorError('cancelled');
      // Room for this layer's outputs and a kernel's scratch, so no kernel grows the memory midway.
      if (heap && layerBytes[i]) {
        try { heap.reserve(layerBytes[i] + 4 * 1024 * 1024); } catch { /* allocation falls back to arrays */ }
      }
      const fusion = all ? undefined : this.fusionAt(layers, i);
      const layer = layers[i];
      this.runLayer(layer, fusion, fusion ? undefined : this.overwritable(layer, i));
      const first = i;
      i += fusion ? fusion.folded.length : 0;
      if (!all) {
        for (let k = first; k <= i; k++) {
          for (const n of this.facts.touches[k]) if ((lastRead.get(n) ?? -1) <= i && !this.keep.has(n)) this.drop(n);
        }
      }
      for (let k = first; k <= i; k++) this.options.onProgress?.(k + 1, layers.length);
    }
  }

  /** Whether `b` alone reads `a`'s one output, and nobody asked for that output. */
  private soleReader(a: NeuralNetworkLayer, b: NeuralNetworkLayer | undefined): b is NeuralNetworkLayer {
    if (!b || a.output?.length !== 1 || b.input?.length !== 1 || b.output?.length !== 1) return false;
    const blob = a.output[0];
    return b.input[0] === blob && this.facts.readers.get(blob) === 1 && !this.keep.has(blob) &&
      this.options.stopAfter !== a.name && this.options.stopAfter !== b.name;
  }

  private fusionAt(layers: readonly NeuralNetworkLayer[], i: number): Fusion | undefined {
    const conv = layers[i];
    const p = conv.convolution;
    if (!p) return undefined;
    const folded: NeuralNetworkLayer[] = [];
    let last = conv;
    let batchnorm: NeuralNetworkLayer | undefined;
    const bn = layers[i + 1];
    if (!p.isDeconvolution && (conv.input?.length ?? 0) === 1 && this.soleReader(conv, bn) && bn.batchnorm && !bn.batchnorm.computeMeanVar &&
        Number(bn.batchnorm.channels ?? 0) === Number(p.outputChannels ?? 0)) {
      batchnorm = bn;
      folded.push(bn);
      last = bn;
    }
    const next = layers[i + 1 + folded.length];
    let clamp: { min: number; max: number } | undefined;
    if (this.soleReader(last, next)) {
      if (next.clip) {
        const lo = next.clip.minVal ?? 0, hi = next.clip.maxVal ?? 0;
        if (lo <= hi) clamp = { min: lo, max: hi };
      } else {
        clamp = activationClamp(next.activation);
      }
      if (clamp) folded.push(next);
    }
    return folded.length ? { batchnorm, clamp, folded } : undefined;
  }

  /** Inputs of layer i that it may overwrite: heap blobs nobody reads after it and nobody asked for. */
  private overwritable(layer: NeuralNetworkLayer, i: number): boolean[] | undefined {
    if (!this.arena || this.options.blobs === 'all') return undefined;
    const ins = layer.input ?? [];
    let any = false;
    const flags = ins.map((n, k) => {
      const t = this.scope.get(n);
      const ok = t instanceof HeapTensor && t.block.refs === 1 && this.facts.lastRead.get(n) === i && !this.keep.has(n) &&
        ins.indexOf(n) === k && ins.lastIndexOf(n) === k;
      any ||= ok;
      return ok;
    });
    return any ? flags : undefined;
  }

  runLayer(layer: NeuralNetworkLayer, fusion?: Fusion, overwritable?: boolean[]): void {
    const name = layer.name ?? '';
    const type = layerTypeOf(layer);
    if (!type) throw new ExecutorError('the layer has no type (an empty or unknown `layer` oneof)', name);
    const params = layer[type] as object;
    let kernel: Kernel<object> = KERNELS[type];
    if (type === 'custom') {
      const cls = layer.custom?.className ?? '';
      const k = customKernels.get(cls);
      if (!k) throw new ExecutorError(`custom layer ${name} (class ${cls}) has no CPU implementation`);
      kernel = k;
    }
    const inputs = (layer.input ?? []).map((n) => {
      const t = this.scope.get(n);
      if (!t) throw new ExecutorError(`input blob "${n}" is not available: no earlier layer or model input produces it`, name, type);
      return t;
    });
    const ctx: KernelContext<object> = {
      layer, name, type, params, inputs, nd: this.nd, weights: cachedWeights, run: this,
      ...(fusion?.clamp ? { clamp: fusion.clamp } : {}),
      ...(fusion?.batchnorm?.batchnorm ? { batchnorm: fusion.batchnorm.batchnorm } : {}),
      ...(overwritable ? { overwritable } : {}),
    };
    const mark = this.arena?.allocated.length ?? 0;
    const t0 = this.options.profile ? now() : 0;
    let outputs: Tensor[];
    try {
      outputs = kernel(ctx);
    } catch (e) {
      throw wrap(e, name, type);
    }
    const into = fusion ? fusion.folded[fusion.folded.length - 1] : layer;
    const names = into.output ?? [];
    if (outputs.length < names.length) throw new ExecutorError(`produced ${outputs.length} outputs for ${names.length} output names`, name, type);
    names.forEach((n, i) => { this.set(n, outputs[i]); this.produced.push(n); });
    // Blocks the kernel allocated and did not hand out (temporaries) are free again.
    this.arena?.sweep(mark);
    if (this.options.profile) {
      this.profile.push({ layer: name, type, ms: now() - t0 });
      for (const f of fusion?.folded ?? []) this.profile.push({ layer: f.name ?? '', type: layerTypeOf(f) ?? 'activation', ms: 0 });
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
  if (model.neuralNetworkRegressor) return { nn: model.neuralNetworkRegressor };
  if (model.neuralNetworkClassifier) return { nn: model.neuralNetworkClassifier, classifier: model.neuralNetworkClassifier };
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
  const facts = factsOf(nn);
  const kernels = simdKernels();
  const arena = kernels ? new BlobArena(kernels.heap) : undefined;
  const rt = new Runtime(nd, options, keep, facts, arena);
  const feed = new Map<string, Tensor>();
  for (const f of d.input ?? []) {
    const name = f.name ?? '';
    const v = inputs.get(name);
    if (!v) {
      if (f.type?.isOptional) continue;
      throw new ExecutorError(`input ${name} is missing`);
    }
    try {
      feed.set(name, inputTensor(f, v, nn, nd));
    } catch (e) {
      throw new ExecutorError(e instanceof Error ? e.message : String(e));
    }
  }
  try {
    return withTensorAllocator(arena, () => runPlanned(model, nn, classifier, nd, inputs, feed, options, rt, keep, outputsWanted, probName));
  } finally {
    arena?.freeAll();
  }
}

/** Frees a result's leased heap blocks when the caller forgot to call release(). */
const leases = new FinalizationRegistry<() => void>((release) => release());

function runPlanned(
  model: Model, nn: NeuralNetwork, classifier: NeuralNetworkClassifier | undefined, nd: boolean, given: Map<string, FeatureValue>,
  feed: Map<string, Tensor>, options: RunOptions, rt: Runtime, keep: Set<string>, outputsWanted: Set<string>, probName: string,
): RunResult {
  const d = model.description ?? {};
  const arena = rt.arena;
  let layerBytes: number[] = [];
  if (arena) {
    const plan = planRun(model, nn, given, feed, rt.facts, options, keep);
    layerBytes = plan.layerBytes;
    try { arena.heap.reserve(plan.peakBytes); } catch { /* too big for the heap: tensors fall back to arrays */ }
  }
  // Inputs are copied into the heap: the kernels then read them in place, and a layer that
  // overwrites its input never touches the caller's array.
  for (const [name, t] of feed) rt.set(name, arena ? arena.copyIn(t) : t);
  const inputNames = new Set(feed.keys());
  try {
    rt.runTop(nn, layerBytes);
  } catch (e) {
    if (!(e instanceof StopSignal)) {
      if (e instanceof LoopSignal) throw new ExecutorError(`loop${e.kind === 'break' ? 'Break' : 'Continue'} outside a loop body`);
      if (e instanceof RangeError && /allocation|allocate|Invalid typed array length|Array buffer|kernel heap/i.test(e.message)) {
        throw new ExecutorError(`out of memory (${e.message}); ask for fewer blobs or stop after an earlier layer`);
      }
      throw e;
    }
  }
  // What is returned leaves the heap (copied), except intermediate blobs under blobViews.
  const views = !!options.blobViews && !!arena;
  const blobs = new Map<string, Tensor>();
  const wanted = options.blobs;
  const addBlob = (n: string) => { const t = rt.scope.get(n); if (t) blobs.set(n, t); };
  if (wanted === 'all') for (const n of rt.produced) addBlob(n);
  else if (wanted) for (const n of wanted) addBlob(n);
  if (rt.stoppedAt) for (const n of rt.stoppedAt.output ?? []) addBlob(n);
  if (wanted === 'all') for (const n of inputNames) addBlob(n);
  const copyOut = copier();
  if (!views) for (const [n, t] of blobs) blobs.set(n, copyOut(t));

  const outputs = new Map<string, FeatureValue>();
  const labels = classifier?.stringClassLabels?.vector ?? classifier?.int64ClassLabels?.vector?.map(Number);
  for (const f of d.output ?? []) {
    const name = f.name ?? '';
    if (!outputsWanted.has(name)) continue;
    if (classifier && (name === d.predictedFeatureName || name === d.predictedProbabilitiesName)) {
      const probs = rt.scope.get(probName);
      if (!probs) continue;
      const p = probs.data;
      if (!labels) throw new ExecutorError('the classifier has no class labels');
      if (p.length !== labels.length) throw new ExecutorError(`the probabilities blob ${probName} holds ${p.length} values for ${labels.length} class labels`);
      if (name === d.predictedProbabilitiesName && f.type?.dictionaryType) {
        outputs.set(name, { kind: 'dictionary', value: new Map(labels.map((l, i) => [l, p[i]])) });
        continue;
      }
      if (name === d.predictedFeatureName) {
        let best = 0;
        for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        const label = labels[best];
        outputs.set(name, typeof label === 'string' ? { kind: 'string', value: label } : { kind: 'int64', value: label });
        continue;
      }
    }
    const t = rt.scope.get(name);
    if (t) outputs.set(name, outputValue(f, copyOut(t), nd));
  }
  const result: RunResult = { outputs, blobs, ...(options.profile ? { profile: rt.profile } : {}) };
  if (views && arena) {
    const release = arena.lease([...blobs.values()]);
    result.release = release;
    leases.register(blobs, release);
  }
  return result;
}

/**
 * Copies heap tensors out, each once however many names it has, into its own ArrayBuffer (one
 * buffer for all of them measured ten times slower here: a single allocation of tens of MB is
 * page-faulted in whole on every run).
 */
function copier(): (t: Tensor) => Tensor {
  const copies = new Map<Tensor, Tensor>();
  return (t) => {
    if (!(t instanceof HeapTensor)) return t;
    let c = copies.get(t);
    if (!c) { c = { shape: [...t.shape], data: t.data.slice() }; copies.set(t, c); }
    return c;
  };
}

/** A run's memory plan: bytes of each top-level layer's outputs and the peak of live blobs. */
function planRun(
  model: Model, nn: NeuralNetwork, given: Map<string, FeatureValue>, feed: Map<string, Tensor>, facts: NetworkFacts,
  options: RunOptions, keep: Set<string>,
): { layerBytes: number[]; peakBytes: number } {
  const shapes: Record<string, number[]> = {};
  for (const [name, v] of given) if (v.kind === 'tensor') shapes[name] = v.tensor.shape;
  const key = JSON.stringify(shapes);
  const all = options.blobs === 'all';
  const planKey = `${key}|${all}|${[...keep].sort().join('\u0000')}`;
  const planned = facts.plans.get(planKey);
  if (planned) return planned;
  let sizes = facts.sizes.get(key);
  if (!sizes) {
    sizes = new Map();
    try {
      for (const [name, shape] of inferShapes(model, { inputs: shapes }).blobs) {
        const dims = knownDims(shape);
        if (dims) sizes.set(name, sizeOf(dims));
      }
    } catch {
      // No plan: the heap grows as the run needs.
    }
    facts.sizes.set(key, sizes);
  }
  const live = new Map<string, number>();
  let bytes = 0, peak = 0;
  for (const [name, t] of feed) { live.set(name, t.data.length * 4); bytes += t.data.length * 4; }
  const layerBytes = (nn.layers ?? []).map((l, i) => {
    let out = 0;
    for (const n of l.output ?? []) {
      const b = (sizes.get(n) ?? 0) * 4;
      out += b;
      bytes += b - (live.get(n) ?? 0);
      live.set(n, b);
    }
    peak = Math.max(peak, bytes);
    if (!all) {
      for (const n of facts.touches[i]) {
        if ((facts.lastRead.get(n) ?? -1) <= i && !keep.has(n) && live.has(n)) { bytes -= live.get(n)!; live.delete(n); }
      }
    }
    return out;
  });
  const plan = { layerBytes, peakBytes: peak };
  facts.plans.set(planKey, plan);
  return plan;
}
