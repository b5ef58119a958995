// Static shape inference over a whole model: neural networks layer by layer (with nested
// branch/loop networks), pipelines feature by feature, ML Programs from their declared value
// types, other models from their parameters or description.
import {
  MESSAGES, NeuralNetworkImageShapeMapping, NeuralNetworkMultiArrayShapeMapping, modelTypeOf, networkOf, pipelineField, pipelineOf, type MILSpec_Block, type Model, type NeuralNetwork,
  type FieldDescriptor, type NeuralNetworkLayer, type PathStep,
} from '../format';
import { featureShape, networkTensor, type ArrayMapping, type ImageMapping } from './features';
import { ndOnlyReason } from './layerTypes';
import { layerParamsType, layerTypeOf } from '../layers';
import { LAYER_SHAPES } from './layers';
import type { LayerShapeFn, ShapeIssueKind } from './layers/types';
import { milValueShape, parameterOutputShapes } from './models';
import { UNKNOWN_SHAPE, dim, hasRank, sameShape, unionShapes, unknownDims, type Shape } from './shape';

export interface ShapeOptions {
  /**
   * Shapes to assume for the model's inputs, by name, instead of what the description declares
   * (the sizes of one prediction, say). Plain number arrays are exact sizes.
   */
  readonly inputs?: Readonly<Record<string, Shape | readonly number[]>>;
}

export interface ShapeIssue {
  readonly message: string;
  /** 'mismatch': the input's rank or a size the parameters fix provably disagree. */
  readonly kind?: ShapeIssueKind;
  /** Spec path of the layer parameter or feature the issue is about. */
  readonly path: readonly PathStep[];
}

export interface ShapeResult {
  /** Spec path of the model this result describes ([] for the top level). */
  readonly path: readonly PathStep[];
  readonly modelType?: string;
  /** Neural networks: whether the network runs with N-d tensors (spec ≥ 4 layers or mappings). */
  readonly nd?: boolean;
  /** Every named value: model inputs, each layer (or ML Program operation) output, model outputs. */
  readonly blobs: ReadonlyMap<string, Shape>;
  /** Spec path of what gives each blob its shape: a layer, an operation or a feature description. */
  readonly producers: ReadonlyMap<string, readonly PathStep[]>;
  /** The model's outputs as features, i.e. what a following pipeline model receives. */
  readonly outputs: ReadonlyMap<string, Shape>;
  /** Inconsistencies found on the way (they become warnings in validation). */
  readonly issues: readonly ShapeIssue[];
  /** Pipelines: one result per contained model, in order. */
  readonly models?: readonly ShapeResult[];
}

const NN_MESSAGE = 'CoreML.Specification.NeuralNetwork';

const toShape = (s: Shape | readonly number[]): Shape => (Array.isArray(s) ? { dims: (s as readonly number[]).map(dim) } : (s as Shape));

export function inferShapes(spec: Model, options: ShapeOptions = {}): ShapeResult {
  const given = new Map<string, Shape>();
  for (const [k, v] of Object.entries(options.inputs ?? {})) given.set(k, toShape(v));
  return inferModel(spec, [], given);
}

const byDefault = new WeakMap<Model, { readonly shapes: ShapeResult } | { readonly error: unknown }>();

/**
 * inferShapes(spec) with default options, inferred once per spec object: documents are immutable,
 * and validation, the check behind every edit, the canvas's edge labels and the model panel all
 * need the same shapes of the same revision. Throws what inference threw, every time.
 */
export function defaultShapes(spec: Model): ShapeResult {
  let hit = byDefault.get(spec);
  if (!hit) {
    try { hit = { shapes: inferShapes(spec) }; } catch (error) { hit = { error }; }
    byDefault.set(spec, hit);
  }
  if ('error' in hit) throw hit.error;
  return hit.shapes;
}

/** The default shapes of `spec` if they were inferred already (undefined: not yet, or inference failed). */
export function knownDefaultShapes(spec: Model): ShapeResult | undefined {
  const hit = byDefault.get(spec);
  return hit && 'shapes' in hit ? hit.shapes : undefined;
}

/** Default shapes inferred elsewhere (another thread) for this spec. */
export function adoptDefaultShapes(spec: Model, shapes: ShapeResult): void {
  if (!byDefault.has(spec)) byDefault.set(spec, { shapes });
}

function inferModel(spec: Model, path: readonly PathStep[], given: ReadonlyMap<string, Shape>): ShapeResult {
  const d = spec.description ?? {};
  const blobs = new Map<string, Shape>();
  const producers = new Map<string, readonly PathStep[]>();
  const issues: ShapeIssue[] = [];
  const inputs = new Map<string, Shape>();
  (d.input ?? []).forEach((f, i) => {
    const s = given.get(f.name ?? '') ?? featureShape(f.type);
    if (!f.name || !s) return;
    inputs.set(f.name, s);
    blobs.set(f.name, s);
    producers.set(f.name, [...path, 'description', 'input', i]);
  });
  const type = modelTypeOf(spec);
  const net = networkOf(spec);
  if (net) return inferNeuralNetworkModel(spec, net.nn, [...path, net.field], path, inputs, blobs, producers, issues);

  const outputs = new Map<string, Shape>();
  let models: ShapeResult[] | undefined;
  const pField = pipelineField(spec);
  if (pField) {
    // Pipeline.proto: each model reads the pipeline inputs and earlier models' outputs by name.
    const features = new Map(inputs);
    models = [];
    (pipelineOf(spec)?.models ?? []).forEach((m, i) => {
      const subPath = [...path, ...pField, 'models', i];
      const subGiven = new Map<string, Shape>();
      for (const f of m.description?.input ?? []) {
        const s = features.get(f.name ?? '');
        if (f.name && s) subGiven.set(f.name, s);
      }
      const r = inferModel(m, subPath, subGiven);
      models!.push(r);
      for (const f of m.description?.output ?? []) {
        const name = f.name ?? '';
        const s = r.outputs.get(name);
        // A later model may redefine a name (e.g. a one-hot encoder's dictionary output).
        if (!s) { features.delete(name); blobs.delete(name); producers.delete(name); continue; }
        features.set(name, s);
        blobs.set(name, s);
        producers.set(name, r.producers.get(name) ?? subPath);
      }
    });
    for (const f of d.output ?? []) {
      const s = features.get(f.name ?? '') ?? featureShape(f.type);
      if (f.name && s) outputs.set(f.name, s);
    }
  } else if (spec.mlProgram) {
    inferProgram(spec, path, blobs, producers);
    for (const f of d.output ?? []) {
      const s = blobs.get(f.name ?? '') ?? featureShape(f.type);
      if (f.name && s) outputs.set(f.name, s);
    }
  } else {
    const fromParams = parameterOutputShapes(spec, inputs);
    for (const f of d.output ?? []) {
      const s = fromParams.get(f.name ?? '') ?? featureShape(f.type);
      if (f.name && s) outputs.set(f.name, s);
    }
  }
  (d.output ?? []).forEach((f, i) => {
    const s = outputs.get(f.name ?? '');
    if (!f.name || !s || blobs.has(f.name)) return;
    blobs.set(f.name, s);
    producers.set(f.name, [...path, 'description', 'output', i]);
  });
  return { path, modelType: type, blobs, producers, outputs, issues, ...(models ? { models } : {}) };
}

/** ML Program: the main (or default) function's declared input, operation and output types. */
function inferProgram(spec: Model, path: readonly PathStep[], blobs: Map<string, Shape>, producers: Map<string, readonly PathStep[]>): void {
  const program = spec.mlProgram!;
  const name = spec.description?.defaultFunctionName || 'main';
  const fn = program.functions?.get(name);
  if (!fn) return;
  const fnPath = [...path, 'mlProgram', 'functions', name];
  for (const v of fn.inputs ?? []) {
    const s = milValueShape(v.type);
    if (v.name && s && !blobs.has(v.name)) { blobs.set(v.name, s); producers.set(v.name, fnPath); }
  }
  const block = fn.block_specializations?.get(fn.opset ?? '');
  if (!block) return;
  const visit = (b: MILSpec_Block, bPath: readonly PathStep[]): void => {
    (b.operations ?? []).forEach((op, i) => {
      const opPath = [...bPath, 'operations', i];
      for (const o of op.outputs ?? []) {
        const s = milValueShape(o.type);
        if (o.name && s) { blobs.set(o.name, s); producers.set(o.name, opPath); }
      }
      (op.blocks ?? []).forEach((inner, j) => visit(inner, [...opPath, 'blocks', j]));
    });
  };
  visit(block, [...fnPath, 'block_specializations', fn.opset ?? '']);
}

interface NetworkContext {
  readonly nd: boolean;
  readonly issues: ShapeIssue[];
  readonly producers: Map<string, readonly PathStep[]>;
}

function inferNeuralNetworkModel(
  spec: Model, nn: NeuralNetwork, nnPath: readonly PathStep[], path: readonly PathStep[],
  inputs: ReadonlyMap<string, Shape>, blobs: Map<string, Shape>, producers: Map<string, readonly PathStep[]>, issues: ShapeIssue[],
): ShapeResult {
  const arrays: ArrayMapping = (nn.arrayInputShapeMapping ?? 0) === NeuralNetworkMultiArrayShapeMapping.EXACT_ARRAY_MAPPING ? 'exact' : 'rank5';
  const images: ImageMapping = (nn.imageInputShapeMapping ?? 0) === NeuralNetworkImageShapeMapping.RANK4_IMAGE_MAPPING ? 'rank4' : 'rank5';
  // Apple's validator: any spec-4 layer or non-default mapping switches the network to N-d tensors.
  const nd = arrays === 'exact' || images === 'rank4' || (nn.layers ?? []).some((l) => ndOnlyReason(l) !== undefined);
  const d = spec.description ?? {};
  (d.input ?? []).forEach((f, i) => {
    const feature = inputs.get(f.name ?? '');
    if (!f.name || !feature) return;
    const kind = f.type?.imageType ? 'image' : f.type?.multiArrayType ? 'array' : undefined;
    if (!kind) return;
    const t = networkTensor(feature, kind, arrays, images);
    if (t.problem) issues.push({ message: `input ${f.name}: ${t.problem}`, path: [...path, 'description', 'input', i, 'type', 'multiArrayType', 'shape'] });
    blobs.set(f.name, t.shape);
  });
  const ctx: NetworkContext = { nd, issues, producers };
  inferNetwork(nn, nnPath, blobs, ctx);
  const outputs = new Map<string, Shape>();
  for (const f of d.output ?? []) {
    // Classifier outputs (labels, probability dictionaries) are not tensors.
    if (!f.name || !(f.type?.multiArrayType || f.type?.imageType)) continue;
    const declared = featureShape(f.type);
    const blob = blobs.get(f.name);
    outputs.set(f.name, blob ? outputFeatureShape(blob, declared, nd) : declared ?? UNKNOWN_SHAPE);
  }
  return { path, modelType: modelTypeOf(spec), nd, blobs, producers, outputs, issues };
}

/**
 * The feature a network output becomes. Under rank-5 interpretation Core ML hands out the
 * declared rank: [C, H, W] or [C] from [Seq, Batch, C, H, W] when the leading axes are 1.
 */
function outputFeatureShape(blob: Shape, declared: Shape | undefined, nd: boolean): Shape {
  if (!hasRank(blob)) return declared && hasRank(declared) ? declared : blob;
  if (nd || blob.dims.length !== 5 || !declared || !hasRank(declared)) return blob;
  const [s, b, c, h, w] = blob.dims;
  const isOne = (x: { min: number; max: number }): boolean => x.min <= 1 && x.max >= 1;
  if (!isOne(s) || !isOne(b)) return blob;
  if (declared.dims.length === 3) return { dims: [c, h, w] };
  if (declared.dims.length === 1 && isOne(h) && isOne(w)) return { dims: [c] };
  return blob;
}

/** Message type of a layer type's parameters, e.g. "CoreML.Specification.BranchLayerParams". */
function paramsMessage(type: string): string | undefined {
  return layerParamsType(type);
}

function inferNetwork(nn: NeuralNetwork, nnPath: readonly PathStep[], scope: Map<string, Shape>, ctx: NetworkContext): void {
  (nn.layers ?? []).forEach((layer, i) => inferLayer(layer, [...nnPath, 'layers', i], scope, ctx));
}

/**
 * What inference found for one layer, with issue paths from the layer. A layer's output shapes
 * depend only on the layer, its input shapes and the tensor mode; documents are immutable and an
 * edit shares every layer it leaves alone, so inferring an edited model again reuses every layer
 * whose inputs did not change (and hands on the same Shape objects).
 */
interface LayerShapes {
  readonly nd: boolean;
  readonly inputs: readonly Shape[];
  readonly outputs: readonly Shape[];
  readonly issues: readonly ShapeIssue[];
}
const shapesOfLayer = new WeakMap<NeuralNetworkLayer, LayerShapes>();

const sameShapes = (a: readonly Shape[], b: readonly Shape[]): boolean => a.length === b.length && a.every((x, i) => x === b[i] || sameShape(x, b[i]));

const nestedFieldsOf = new Map<string, readonly FieldDescriptor[]>();
/** The fields of a layer type's parameters that hold a network (branch and loop bodies). */
function nestedFields(type: string): readonly FieldDescriptor[] {
  let fields = nestedFieldsOf.get(type);
  if (!fields) {
    const message = paramsMessage(type);
    fields = (message ? MESSAGES[message]?.fields ?? [] : []).filter((f) => f.type === NN_MESSAGE && !f.repeated);
    nestedFieldsOf.set(type, fields);
  }
  return fields;
}

function inferLayer(layer: NeuralNetworkLayer, layerPath: readonly PathStep[], scope: Map<string, Shape>, ctx: NetworkContext): void {
  const type = layerTypeOf(layer);
  const outNames = layer.output ?? [];
  const inputs = (layer.input ?? []).map((n) => scope.get(n) ?? UNKNOWN_SHAPE);
  const cacheable = type !== undefined && nestedFields(type).length === 0;
  const hit = cacheable ? shapesOfLayer.get(layer) : undefined;
  if (hit && hit.nd === ctx.nd && sameShapes(hit.inputs, inputs)) {
    for (const issue of hit.issues) ctx.issues.push({ ...issue, path: [...layerPath, ...issue.path] });
    outNames.forEach((name, j) => { scope.set(name, hit.outputs[j]); ctx.producers.set(name, layerPath); });
    return;
  }
  let shapes: readonly Shape[] = [];
  const issues: ShapeIssue[] = [];
  if (type) {
    const params = layer[type] as object;
    const fn = LAYER_SHAPES[type] as LayerShapeFn<object>;
    try {
      shapes = fn({
        params, layer, inputs, nd: ctx.nd,
        issue: (message, field = [], kind) => issues.push({ message: `layer ${layer.name ?? ''} (${type}): ${message}`, path: [type, ...field], ...(kind ? { kind } : {}) }),
      });
    } catch (e) {
      // Malformed parameters must become a finding, never an exception out of inference.
      issues.push({ message: `layer ${layer.name ?? ''} (${type}): shape inference failed: ${(e as Error).message}`, path: [type] });
      shapes = [];
    }
    for (const issue of issues) ctx.issues.push({ ...issue, path: [...layerPath, ...issue.path] });
    inferNested(params, type, [...layerPath, type], scope, ctx);
  }
  const outputs = outNames.map((name, j) => {
    const s = shapes[j] ?? (ctx.nd ? UNKNOWN_SHAPE : unknownDims(5));
    // Rank-5 interpretation: every blob is [Seq, Batch, C, H, W] even when sizes are unknown.
    const out = !ctx.nd && !hasRank(s) ? unknownDims(5) : s;
    scope.set(name, out);
    ctx.producers.set(name, layerPath);
    return out;
  });
  if (cacheable) shapesOfLayer.set(layer, { nd: ctx.nd, inputs, outputs, issues });
}

/** Branch and loop bodies: their blobs become visible in the enclosing network. */
function inferNested(params: object, type: string, paramsPath: readonly PathStep[], scope: Map<string, Shape>, ctx: NetworkContext): void {
  const fields = nestedFields(type);
  if (!fields.length) return;
  const p = params as Record<string, NeuralNetwork | undefined>;
  if (type === 'branch') {
    // Either branch may run: a blob both produce gets the union of the two shapes.
    const results = fields.filter((f) => p[f.name]).map((f) => {
      const child = new Map(scope);
      inferNetwork(p[f.name]!, [...paramsPath, f.name], child, ctx);
      return child;
    });
    const produced = new Set(results.flatMap((r) => [...r.keys()].filter((k) => !scope.has(k) || r.get(k) !== scope.get(k))));
    for (const name of produced) {
      const shapes = results.map((r) => r.get(name)).filter((s): s is Shape => s !== undefined);
      scope.set(name, shapes.length === results.length ? shapes.reduce(unionShapes) : shapes[0] ?? UNKNOWN_SHAPE);
    }
    return;
  }
  // Loops: condition then body, in one scope; sizes that change per iteration are not tracked.
  for (const f of fields) if (p[f.name]) inferNetwork(p[f.name]!, [...paramsPath, f.name], scope, ctx);
}
