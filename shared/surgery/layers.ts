// Layer surgery on a neural network: insert on an edge or after a blob, delete and rewire,
// rewire one input, sort into topological order, replace with a custom layer and back, edit
// parameters, and expose an intermediate blob as a model output.
import {
  ArrayFeatureType_ArrayDataType, formatPath, type FeatureDescription, type Model, type NeuralNetwork,
  type NeuralNetworkLayer, type PathStep,
} from '../format';
import { blobFeatureDims, declaredShapeFits, inferShapes, type ShapeResult } from '../shapes';
import { LAYER_TYPES as ALL_LAYER_TYPES, layerTypeOf } from '../layers';
import { SurgeryError } from './errors';
import { newLayer } from './layer-defaults';
import { networkPath, modelAt } from './network';
import { allNames } from './rename';
import { getIn, setIn, updateIn, withFields } from './tree';

const LAYER_TYPES = new Set<string>(ALL_LAYER_TYPES);

/** A fresh name based on `base` that is used nowhere in the document. */
export function uniqueName(spec: Model, base: string, taken: Set<string> = allNames(spec)): string {
  if (!taken.has(base)) return base;
  for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

function layerNames(net: NeuralNetwork): Set<string> {
  return new Set((net.layers ?? []).map((l) => l.name ?? ''));
}

function uniqueLayerName(net: NeuralNetwork, base: string): string {
  const taken = layerNames(net);
  if (!taken.has(base)) return base;
  for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

interface NetCtx { readonly netPath: PathStep[]; readonly net: NeuralNetwork; readonly model: Model; readonly modelPath: readonly PathStep[] }

function ctx(spec: Model, modelPath: readonly PathStep[] = []): NetCtx {
  const netPath = networkPath(spec, modelPath);
  return { netPath, net: getIn(spec, netPath) as NeuralNetwork, model: modelAt(spec, modelPath), modelPath };
}

const modelInputs = (m: Model) => new Set((m.description?.input ?? []).map((f) => f.name ?? ''));
const modelOutputs = (m: Model) => new Set((m.description?.output ?? []).map((f) => f.name ?? ''));
const producerIndex = (net: NeuralNetwork, blob: string) => (net.layers ?? []).findIndex((l) => l.output?.includes(blob));

function setLayers(spec: Model, c: NetCtx, layers: NeuralNetworkLayer[]): Model {
  return setIn(spec, [...c.netPath, 'layers'], Object.freeze(layers));
}

const replaceName = (list: readonly string[] | undefined, from: string, to: string) => Object.freeze((list ?? []).map((n) => (n === from ? to : n)));

export interface InsertLayerArgs {
  readonly model?: readonly PathStep[];
  /** The blob the new layer reads. */
  readonly blob: string;
  /** Only this consumer (a layer index in the network, or 'output' for the model output named blob); all consumers when absent. */
  readonly consumer?: number | 'output';
  readonly type: string;
  readonly name?: string;
  readonly params?: object;
}

/**
 * Inserts a one-input, one-output layer on a blob: the new layer reads the blob and every consumer
 * (or just `consumer`) reads the new layer's output instead. When a model output is among the
 * consumers, the new layer takes over the output's name so the model's interface is unchanged.
 */
export function insertLayer(spec: Model, args: InsertLayerArgs): { spec: Model; layerPath: PathStep[]; output: string } {
  if (!LAYER_TYPES.has(args.type)) throw new SurgeryError(`"${args.type}" is not a NeuralNetwork layer type`);
  const c = ctx(spec, args.model);
  const layers = [...(c.net.layers ?? [])];
  const inputs = modelInputs(c.model), outputs = modelOutputs(c.model);
  const producer = producerIndex(c.net, args.blob);
  if (producer < 0 && !inputs.has(args.blob)) throw new SurgeryError(`no layer or model input produces "${args.blob}"`);
  const name = uniqueLayerName(c.net, args.name ?? `${args.type}_${args.blob}`);
  const toOutput = args.consumer === 'output' || (args.consumer === undefined && outputs.has(args.blob));
  if (args.consumer === 'output' && !outputs.has(args.blob)) throw new SurgeryError(`"${args.blob}" is not a model output`);
  if (typeof args.consumer === 'number' && !layers[args.consumer]?.input?.includes(args.blob)) {
    throw new SurgeryError(`layer ${args.consumer} does not read "${args.blob}"`);
  }
  const at = producer + 1;
  let newOut: string;
  let inserted: NeuralNetworkLayer;
  if (toOutput) {
    if (producer < 0) throw new SurgeryError(`"${args.blob}" is both a model input and a model output; nothing can be inserted between them`);
    // The producer now writes a fresh blob; the new layer writes the model output's name.
    const fresh = uniqueName(spec, `${args.blob}_pre`);
    layers[producer] = withFields(layers[producer], { output: replaceName(layers[producer].output, args.blob, fresh) });
    inserted = newLayer(args.type, name, [fresh], [args.blob], args.params);
    newOut = args.blob;
    if (args.consumer === 'output') {
      // Other consumers keep reading the value before the new layer.
      for (let i = at; i < layers.length; i++) layers[i] = withFields(layers[i], { input: replaceName(layers[i].input, args.blob, fresh) });
    }
  } else {
    newOut = uniqueName(spec, `${name}_output`);
    inserted = newLayer(args.type, name, [args.blob], [newOut], args.params);
    for (let i = 0; i < layers.length; i++) {
      if (args.consumer !== undefined && i !== args.consumer) continue;
      if (layers[i].input?.includes(args.blob) && i >= at) layers[i] = withFields(layers[i], { input: replaceName(layers[i].input, args.blob, newOut) });
    }
  }
  layers.splice(at, 0, inserted);
  return { spec: setLayers(spec, c, layers), layerPath: [...c.netPath, 'layers', at], output: newOut };
}

export interface DeleteLayerArgs {
  readonly model?: readonly PathStep[];
  readonly index: number;
  /** Also remove the layers that only fed this one (they would be left computing nothing). */
  readonly removeDangling?: boolean;
}

/**
 * Deletes a layer. A one-input, one-output layer is bridged (its consumers read its input).
 * Any other layer is refused unless nothing reads its outputs and removeDangling is set, in which
 * case the layers left feeding nothing are removed with it.
 */
export function deleteLayer(spec: Model, args: DeleteLayerArgs): Model {
  const c = ctx(spec, args.model);
  const layers = [...(c.net.layers ?? [])];
  const layer = layers[args.index];
  if (!layer) throw new SurgeryError(`there is no layer ${args.index}`);
  const outputs = modelOutputs(c.model), inputs = modelInputs(c.model);
  const ins = layer.input ?? [], outs = layer.output ?? [];
  const consumed = (blob: string) => outputs.has(blob) || layers.some((l, i) => i !== args.index && l.input?.includes(blob));
  if (ins.length === 1 && outs.length === 1) {
    const [inp] = ins, [out] = outs;
    layers.splice(args.index, 1);
    if (outputs.has(out)) {
      if (inputs.has(inp)) throw new SurgeryError(`deleting "${layer.name}" would connect model input "${inp}" straight to model output "${out}", which Core ML does not allow`);
      // The producer of the input now writes the output's name; readers of the input follow it.
      return setLayers(spec, c, layers.map((l) => withFields(l, { input: replaceName(l.input, inp, out), output: replaceName(l.output, inp, out) })));
    }
    return setLayers(spec, c, layers.map((l) => (l.input?.includes(out) ? withFields(l, { input: replaceName(l.input, out, inp) }) : l)));
  }
  const used = outs.filter(consumed);
  if (used.length) {
    throw new SurgeryError(`"${layer.name}" has ${ins.length} inputs and ${outs.length} outputs, and ${used.map((b) => `"${b}"`).join(', ')} ${used.length > 1 ? 'are' : 'is'} still read; rewire the readers first`);
  }
  if (!args.removeDangling) {
    throw new SurgeryError(`"${layer.name}" has ${ins.length} inputs and ${outs.length} outputs; it cannot be bridged. Delete it with its dangling inputs (removeDangling) or rewire first`);
  }
  layers.splice(args.index, 1);
  // Remove layers whose every output is now read by nothing, until none is left.
  for (let changed = true; changed;) {
    changed = false;
    for (let i = layers.length - 1; i >= 0; i--) {
      const o = layers[i].output ?? [];
      if (o.length && o.every((b) => !outputs.has(b) && !layers.some((l, j) => j !== i && l.input?.includes(b)))) { layers.splice(i, 1); changed = true; }
    }
  }
  return setLayers(spec, c, layers);
}

export interface RewireInputArgs {
  readonly model?: readonly PathStep[];
  readonly index: number;
  readonly inputIndex: number;
  readonly blob: string;
}

/** Points one input of a layer at another blob, which must be produced before the layer. */
export function rewireInput(spec: Model, args: RewireInputArgs): Model {
  const c = ctx(spec, args.model);
  const layer = c.net.layers?.[args.index];
  if (!layer) throw new SurgeryError(`there is no layer ${args.index}`);
  if (!layer.input || args.inputIndex >= layer.input.length) throw new SurgeryError(`"${layer.name}" has no input ${args.inputIndex}`);
  const p = producerIndex(c.net, args.blob);
  if (p < 0 && !modelInputs(c.model).has(args.blob)) throw new SurgeryError(`no layer or model input produces "${args.blob}"`);
  if (p >= args.index) throw new SurgeryError(`"${args.blob}" is produced after "${layer.name}" (or by it); that would make a cycle`);
  return setIn(spec, [...c.netPath, 'layers', args.index, 'input', args.inputIndex], args.blob);
}

/** Reorders layers so that each comes after the producers of its inputs (stable for valid order). */
export function sortLayers(spec: Model, args: { model?: readonly PathStep[] } = {}): Model {
  const c = ctx(spec, args.model);
  const layers = c.net.layers ?? [];
  const available = new Set(modelInputs(c.model));
  const placed: NeuralNetworkLayer[] = [];
  const pending = [...layers];
  while (pending.length) {
    const i = pending.findIndex((l) => (l.input ?? []).every((b) => available.has(b) || !layers.some((x) => x.output?.includes(b))));
    if (i < 0) throw new SurgeryError(`the layers form a cycle through ${pending.map((l) => `"${l.name}"`).slice(0, 5).join(', ')}`);
    const [l] = pending.splice(i, 1);
    for (const o of l.output ?? []) available.add(o);
    placed.push(l);
  }
  if (placed.every((l, i) => l === layers[i])) return spec;
  return setLayers(spec, c, placed);
}

export interface ReplaceLayerArgs {
  readonly layerPath: readonly PathStep[];
  readonly type: string;
  readonly params?: object;
}

/** Swaps a layer's kind and parameters, keeping its name, inputs and outputs (custom <-> built-in). */
export function replaceLayer(spec: Model, args: ReplaceLayerArgs): Model {
  if (!LAYER_TYPES.has(args.type)) throw new SurgeryError(`"${args.type}" is not a NeuralNetwork layer type`);
  const layer = getIn(spec, args.layerPath) as NeuralNetworkLayer | undefined;
  if (!layer || !layerTypeOf(layer)) throw new SurgeryError(`no layer at ${args.layerPath.join('.')}`);
  const old = layerTypeOf(layer)!;
  const fresh = newLayer(args.type, layer.name ?? '', layer.input ?? [], layer.output ?? [], args.params);
  return setIn(spec, args.layerPath, withFields(layer, { [old]: undefined, [args.type]: (fresh as Record<string, unknown>)[args.type] }));
}

export interface EditFieldArgs {
  /** Path of any field in the document, e.g. [...layerPath, 'convolution', 'stride', 0]. */
  readonly path: readonly PathStep[];
  readonly value: unknown;
}

/** Sets one field anywhere in the document (the inspector's edits); undefined clears it. */
export function editField(spec: Model, args: EditFieldArgs): Model {
  if (args.path.length === 0) throw new SurgeryError('no field given');
  return updateIn(spec, args.path, () => args.value);
}

export interface ExposeBlobArgs {
  readonly model?: readonly PathStep[];
  readonly blob: string;
  readonly shape?: readonly number[];
}

/** The shape result of the model at `modelPath` (a pipeline's sub-model has its own). */
function shapesAt(result: ShapeResult, modelPath: readonly PathStep[]): ShapeResult | undefined {
  const key = formatPath(modelPath);
  if (formatPath(result.path) === key) return result;
  for (const r of result.models ?? []) {
    const found = shapesAt(r, modelPath);
    if (found) return found;
  }
  return undefined;
}

/**
 * Makes an intermediate blob an extra model output (to look at it on a device), declared with the
 * shape inference gives it ([C] or [C, H, W] for rank-5 networks, the full shape for N-d ones) so
 * the output is usable as saved. The type is FLOAT32: network blobs are float tensors, and
 * FLOAT32 is valid for every specification version (FeatureTypes.proto ArrayDataType).
 */
export function exposeBlob(spec: Model, args: ExposeBlobArgs): Model {
  const c = ctx(spec, args.model);
  if (producerIndex(c.net, args.blob) < 0) throw new SurgeryError(`blob: no layer produces "${args.blob}"`);
  if (modelOutputs(c.model).has(args.blob)) throw new SurgeryError(`blob: "${args.blob}" is already a model output`);
  const shapes = shapesAt(inferShapes(spec), c.modelPath);
  const inferred = shapes ? blobFeatureDims(shapes.blobs.get(args.blob), !!shapes.nd) : undefined;
  if (args.shape) {
    if (args.shape.some((d) => !Number.isInteger(d) || d <= 0)) throw new SurgeryError(`shape: every dimension must be a positive integer (got ${args.shape.join(', ')})`);
    if (inferred && !declaredShapeFits(args.shape, inferred)) throw new SurgeryError(`shape: the network produces ${inferred.join('×')} for "${args.blob}", not ${args.shape.join('×')}`);
  }
  const shape = args.shape ?? inferred;
  const feature: FeatureDescription = { name: args.blob, type: { multiArrayType: { ...(shape ? { shape: Object.freeze([...shape]) } : {}), dataType: ArrayFeatureType_ArrayDataType.FLOAT32 } } };
  return updateIn(spec, [...c.modelPath, 'description', 'output'], (old) => Object.freeze([...((old as FeatureDescription[]) ?? []), feature]));
}
