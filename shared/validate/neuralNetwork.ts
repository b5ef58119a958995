// Rules for neural network models (NeuralNetwork.proto; Apple's NeuralNetworkValidator):
// interface types and ranks, array/image shape mappings, layer graph (defined inputs,
// topological order, cycles, single producers, produced outputs), tensor ranks, layer arity,
// preprocessing, weights, and shape findings from inference.
import {
  MESSAGES, NeuralNetworkImageShapeMapping, NeuralNetworkMultiArrayShapeMapping, formatPath, networkOf, type FeatureDescription, type Model, type NeuralNetwork,
  type NeuralNetworkClassifier, type NeuralNetworkLayer, type PathStep,
} from '../format';
import {
  declaredShapeFits, dim, featureShape, formatShape, imageChannels, inferShapes, knownDims, ndOnlyReason, type Shape,
  type ShapeResult,
} from '../shapes';
import { arityProblem, layerParamsType, layerTypeOf, type LayerType } from '../layers';
import { DiagnosticSink, tuple, type Diagnostic } from './diagnostic';
import { validateLayerParams } from './layerParams';
import { validateLayerWeights } from './weights';

const NN_MESSAGE = 'CoreML.Specification.NeuralNetwork';
const kindOf = (f: FeatureDescription): string => (f.type ? Object.keys(f.type).find((k) => k !== 'isOptional') ?? 'no type' : 'no type');

interface GraphContext {
  readonly out: DiagnosticSink;
  readonly nd: boolean;
  readonly layerNames: Map<string, readonly PathStep[]>;
  /** Ranks known for blobs: from the description (N-d) and from inputTensor/outputTensor. */
  readonly ranks: Map<string, number>;
  readonly ioRanks: ReadonlyMap<string, number>;
  /** Every blob some layer produces, in any network. */
  readonly produced: Set<string>;
  readonly modelInputs: readonly string[];
}

/** Which layer of a network produces each blob first, for order and cycle checks. */
function producersIn(layers: readonly NeuralNetworkLayer[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  layers.forEach((l, i) => (l.output ?? []).forEach((o) => m.set(o, [...(m.get(o) ?? []), i])));
  return m;
}

/** A cycle through layer `start` along "reads an output of" edges, as layer indices, or undefined. */
function cycleThrough(layers: readonly NeuralNetworkLayer[], producers: Map<string, number[]>, start: number): number[] | undefined {
  const seen = new Set<number>();
  const walk = (i: number, trail: number[]): number[] | undefined => {
    for (const inp of layers[i].input ?? []) {
      for (const j of producers.get(inp) ?? []) {
        if (j === start) return [...trail, i];
        if (seen.has(j)) continue;
        seen.add(j);
        const found = walk(j, [...trail, i]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(start, []);
}

function checkTensors(layer: NeuralNetworkLayer, layerPath: readonly PathStep[], ctx: GraphContext): void {
  const label = `layer ${layer.name ?? ''}`;
  for (const [field, names] of [['inputTensor', layer.input ?? []], ['outputTensor', layer.output ?? []]] as const) {
    const tensors = layer[field] ?? [];
    if (!tensors.length) continue;
    if (tensors.length !== names.length) {
      ctx.out.error('tensor-rank', `${label} has ${names.length} ${field === 'inputTensor' ? 'inputs' : 'outputs'} but ${tensors.length} ${field} entries; give one per blob`, [...layerPath, field]);
      continue;
    }
    tensors.forEach((t, k) => {
      const rank = Number(t.rank ?? 0);
      const p = [...layerPath, field, k];
      if ((t.dimValue?.length ?? 0) > 0 && t.dimValue!.length !== rank) ctx.out.error('tensor-rank', `${label} ${field}[${k}] has rank ${rank} but ${t.dimValue!.length} dimValue entries`, [...p, 'dimValue']);
      const name = names[k];
      const io = ctx.ioRanks.get(name);
      if (io !== undefined && io !== rank) ctx.out.error('tensor-rank', `${label} gives ${name} rank ${rank}, but the model description gives it rank ${io}`, [...p, 'rank']);
      const known = ctx.ranks.get(name);
      if (known !== undefined && known !== rank) ctx.out.error('tensor-rank', `blob ${name} has rank ${rank} here and rank ${known} elsewhere; a blob's rank cannot change`, [...p, 'rank']);
      else ctx.ranks.set(name, rank);
    });
  }
}

/** Per layer type, the fields of its parameters that hold a network (branch, loop; none for most). */
const networkFieldsOf = new Map<LayerType, readonly string[]>();

function nestedNetworks(type: LayerType, params: object): { field: string; nn: NeuralNetwork }[] {
  let fields = networkFieldsOf.get(type);
  if (!fields) {
    const message = layerParamsType(type);
    fields = (message ? MESSAGES[message]?.fields ?? [] : []).filter((f) => f.type === NN_MESSAGE).map((f) => f.name);
    networkFieldsOf.set(type, fields);
  }
  if (!fields.length) return [];
  const p = params as Record<string, NeuralNetwork | undefined>;
  return fields.filter((f) => p[f]).map((f) => ({ field: f, nn: p[f]! }));
}

/** Walks a network's layers in order with the blobs available so far. */
function checkNetwork(nn: NeuralNetwork, nnPath: readonly PathStep[], available: Map<string, string>, ctx: GraphContext): void {
  const layers = nn.layers ?? [];
  const producers = producersIn(layers);
  layers.forEach((layer, i) => {
    const lp = [...nnPath, 'layers', i];
    const name = layer.name ?? '';
    const type = layerTypeOf(layer);
    const label = `layer ${name || `#${i}`}`;
    if (name) {
      const prev = ctx.layerNames.get(name);
      if (prev) ctx.out.warning('layer-name-duplicate', `${label} has the same name as another layer; give layers unique names so messages and edits point at one layer`, [...lp, 'name']);
      else ctx.layerNames.set(name, lp);
    }
    if (!type) ctx.out.error('layer-type-missing', `${label} has no layer type (or one this schema does not know); set its parameters`, lp);
    else {
      const a = arityProblem(type, layer.input?.length ?? 0, layer.output?.length ?? 0);
      if (a) ctx.out.error(a.which === 'input' ? 'layer-input-count' : 'layer-output-count', `${label}: ${a.message}`, [...lp, a.which]);
    }
    if (ctx.nd) checkTensors(layer, lp, ctx);

    (layer.input ?? []).forEach((inp, k) => {
      if (available.has(inp)) return;
      const ip = [...lp, 'input', k];
      const later = (producers.get(inp) ?? []).filter((j) => j >= i);
      if (later.length) {
        const cycle = cycleThrough(layers, producers, i);
        if (cycle) {
          const names = cycle.map((j) => layers[j].name || `#${j}`);
          ctx.out.error('graph-cycle', `${label} reads ${inp}, which depends on this layer's own output: ${[...names, names[0]].join(' → ')}; a network must be acyclic`, ip);
        } else {
          const j = later[0];
          ctx.out.error('layer-order', `${label} reads ${inp}, which layer ${layers[j].name || `#${j}`} (index ${j}) produces later; move that layer before this one`, ip);
        }
        return;
      }
      const hint = ctx.modelInputs.length ? ` The model inputs are ${ctx.modelInputs.join(', ')}.` : '';
      ctx.out.error('layer-input-undefined', `${label} reads ${inp}, which no earlier layer produces and which is not a model input.${hint}`, ip);
    });

    if (type) for (const { field, nn: inner } of nestedNetworks(type, layer[type] as object)) {
      const scope = new Map(available);
      checkNetwork(inner, [...lp, type, field], scope, ctx);
      for (const [k, v] of scope) if (!available.has(k)) available.set(k, v);
    }

    (layer.output ?? []).forEach((o, k) => {
      const prev = available.get(o);
      if (prev !== undefined && type !== 'copy') {
        ctx.out.error('blob-produced-twice', `${label} produces ${o}, which ${prev} already produces; give the output a new name (only a copy layer may overwrite a blob)`, [...lp, 'output', k]);
      }
      available.set(o, `layer ${name || `#${i}`}`);
      ctx.produced.add(o);
    });
  });
}

function checkPreprocessing(spec: Model, nn: NeuralNetwork, nnPath: readonly PathStep[], out: DiagnosticSink): void {
  const inputs = spec.description?.input ?? [];
  const images = inputs.filter((f) => f.type?.imageType);
  const seen = new Map<string, number>();
  (nn.preprocessing ?? []).forEach((pre, k) => {
    const pp = [...nnPath, 'preprocessing', k];
    const fn = pre.featureName ?? '';
    let target: FeatureDescription | undefined;
    if (!fn) {
      // An empty featureName applies to "the" image input, which needs exactly one image input.
      if (images.length !== 1) {
        out.error('preprocessing-feature', `preprocessing ${k} has no featureName, which is only allowed when the model has exactly one image input; it has ${images.length}${images.length ? ` (${images.map((f) => f.name).join(', ')})` : ''}. Set featureName to an image input`, [...pp, 'featureName']);
        return;
      }
      target = images[0];
    } else {
      target = inputs.find((f) => f.name === fn);
      if (!target) {
        out.error('preprocessing-feature', `preprocessing ${k} applies to "${fn}", which is not an input of the model${images.length ? `; image inputs: ${images.map((f) => f.name).join(', ')}` : '; the model has no image input'}`, [...pp, 'featureName']);
        return;
      }
      if (!target.type?.imageType) {
        out.error('preprocessing-feature', `preprocessing ${k} applies to "${fn}", a ${kindOf(target)} input; preprocessing only applies to image inputs`, [...pp, 'featureName']);
        return;
      }
    }
    const key = target.name ?? '';
    if (seen.has(key)) out.warning('preprocessing-feature', `preprocessing ${seen.get(key)} and ${k} both apply to ${key}; only one takes effect`, [...pp, 'featureName']);
    else seen.set(key, k);
    const mean = pre.meanImage?.meanImage;
    const img = target.type!.imageType!;
    const c = imageChannels(img.colorSpace);
    if (mean && c !== undefined && !img.imageSizeRange && !img.enumeratedSizes) {
      const want = c * Number(img.width ?? 0) * Number(img.height ?? 0);
      if (want > 0 && mean.length !== want) out.error('preprocessing-mean-image', `preprocessing ${k}: the mean image has ${mean.length} values; ${key} (${c} × ${img.height} × ${img.width}) needs ${want}`, [...pp, 'meanImage', 'meanImage']);
    }
  });
}

function checkOutputShapes(spec: Model, path: readonly PathStep[], shapes: ShapeResult, out: DiagnosticSink): void {
  (spec.description?.output ?? []).forEach((f, i) => {
    const a = f.type?.multiArrayType;
    if (!a || a.shapeRange || a.enumeratedShapes || !(a.shape ?? []).length) return;
    const declared = (a.shape ?? []).map(Number);
    const blob = shapes.blobs.get(f.name ?? '');
    const got = blob ? knownDims(blob) : undefined;
    if (!got) return;
    const count = (d: readonly number[]): number => d.reduce((x, y) => x * y, 1);
    if (!declaredShapeFits(declared, got)) {
      const sameCount = count(declared) === count(got);
      out.warning('output-shape-mismatch', `output ${f.name} is declared ${tuple(declared)} but the network produces ${formatShape(blob!)}${sameCount ? ' (same number of elements, different layout)' : ''}; update the declared shape`, [...path, 'description', 'output', i, 'type', 'multiArrayType', 'shape']);
    }
  });
}

/**
 * Paths of the 'mismatch' issues that hold whatever the sequence length is. Under rank-5
 * interpretation a multi-array input of rank 1 or 3 is [Seq, 1, C, H, W] with Seq chosen by the
 * caller at prediction time (Keras-converted text models feed sequences this way and fold Seq into
 * the channels with a permute), so inference assumes Seq = 1. A mismatch found again, with the
 * same sizes, when Seq = 2 does not depend on that assumption. Keys are path and message.
 */
function provenMismatches(spec: Model, path: readonly PathStep[], nd: boolean, shapes: ShapeResult): Set<string> {
  const key = (p: readonly PathStep[], message: string) => `${formatPath(p)} ${message}`;
  const mismatches = shapes.issues.filter((i) => i.kind === 'mismatch').map((i) => key(i.path, i.message));
  if (nd || !mismatches.length) return new Set(mismatches);
  const seqInputs: Record<string, Shape> = {};
  for (const f of spec.description?.input ?? []) {
    const a = f.type?.multiArrayType;
    const s = a ? featureShape(f.type) : undefined;
    if (!f.name || !s?.dims || (s.dims.length !== 1 && s.dims.length !== 3)) continue;
    const chw = s.dims.length === 1 ? [s.dims[0], dim(1), dim(1)] : s.dims;
    seqInputs[f.name] = { dims: [dim(2), dim(1), ...chw] };
  }
  if (!Object.keys(seqInputs).length) return new Set(mismatches);
  const alt = inferShapes(spec, { inputs: seqInputs });
  const again = new Set(alt.issues.filter((i) => i.kind === 'mismatch').map((i) => key([...path, ...i.path], i.message)));
  return new Set(mismatches.filter((m) => again.has(m)));
}

/** Layers none of whose outputs anything reads: not a later layer, a nested network, nor the model. */
function checkDeadLayers(spec: Model, nn: NeuralNetwork, nnPath: readonly PathStep[], field: string, out: DiagnosticSink): void {
  const read = new Set<string>((spec.description?.output ?? []).map((f) => f.name ?? ''));
  const d = spec.description ?? {};
  for (const n of [d.predictedFeatureName, d.predictedProbabilitiesName, (nn as NeuralNetworkClassifier).labelProbabilityLayerName]) if (n) read.add(n);
  const layers: { layer: NeuralNetworkLayer; path: readonly PathStep[] }[] = [];
  const walk = (net: NeuralNetwork, p: readonly PathStep[]): void => {
    (net.layers ?? []).forEach((layer, i) => {
      const lp = [...p, 'layers', i];
      layers.push({ layer, path: lp });
      for (const inp of layer.input ?? []) read.add(inp);
      const type = layerTypeOf(layer);
      if (type) for (const { field: f, nn: inner } of nestedNetworks(type, layer[type] as object)) walk(inner, [...lp, type, f]);
    });
  };
  walk(nn, nnPath);
  // A classifier without labelProbabilityLayerName reads the last layer's output (NeuralNetwork.proto).
  if (field === 'neuralNetworkClassifier') {
    const last = (nn.layers ?? []).at(-1);
    for (const o of last?.output ?? []) read.add(o);
  }
  for (const { layer, path } of layers) {
    const outs = layer.output ?? [];
    if (!outs.length || outs.some((o) => read.has(o))) continue;
    const type = layerTypeOf(layer) ?? 'layer';
    out.warning('layer-output-unused', `layer ${layer.name ?? ''} (${type}): nothing reads ${outs.length > 1 ? `its outputs ${outs.join(', ')}` : `its output ${outs[0]}`}; it computes for nothing. Delete it, or expose ${outs[0]} as a model output`, [...path, 'output']);
  }
}

/** Layers that only move values around: the probabilities keep their meaning through them. */
const PASS_THROUGH = new Set(['flatten', 'flattenTo2D', 'reshape', 'reshapeStatic', 'reshapeDynamic', 'reshapeLike', 'squeeze', 'expandDims', 'permute', 'transpose', 'copy', 'rankPreservingReshape']);

function isSoftmaxLike(layer: NeuralNetworkLayer): boolean {
  const type = layerTypeOf(layer);
  return type === 'softmax' || type === 'softmaxND' || (type === 'activation' && (layer.activation?.sigmoid !== undefined || layer.activation?.sigmoidHard !== undefined));
}

/**
 * NeuralNetwork.proto NeuralNetworkClassifier: labelProbabilityLayerName (the last layer's output
 * when unset) holds "the probability of each class". Core ML reports whatever that blob holds as
 * probabilities, so a blob that no softmax (or sigmoid, for independent labels) produced gives
 * scores that do not add up to 1; it still loads, hence a warning.
 */
function checkProbabilitySource(nn: NeuralNetworkClassifier, nnPath: readonly PathStep[], out: DiagnosticSink): void {
  const layers = nn.layers ?? [];
  if (!layers.length) return;
  const blob = nn.labelProbabilityLayerName || layers[layers.length - 1].output?.[0];
  if (!blob) return;
  let i = layers.findIndex((l) => l.output?.includes(blob));
  const trail: string[] = [];
  while (i >= 0) {
    const l = layers[i];
    if (isSoftmaxLike(l)) return;
    const type = layerTypeOf(l) ?? 'layer';
    trail.push(`${l.name ?? `#${i}`} (${type})`);
    if (!PASS_THROUGH.has(type) || (l.input?.length ?? 0) !== 1) break;
    const src = l.input![0];
    let j = i - 1;
    while (j >= 0 && !layers[j].output?.includes(src)) j--;
    i = j;
  }
  if (!trail.length) return;
  const field = nn.labelProbabilityLayerName ? 'labelProbabilityLayerName' : 'layers';
  out.warning('classifier-not-softmax', `the class probabilities ${blob} come from ${trail.join(' ← ')}, not from a softmax: they are raw scores that do not add up to 1. Add a softmax layer before the probabilities (or restore the one that was removed)`, field === 'layers' ? [...nnPath, 'layers', layers.length - 1] : [...nnPath, field]);
}

function probabilityCount(s: Shape, nd: boolean): number | undefined {
  const dims = knownDims(s);
  if (!dims) return undefined;
  // Rank-5 blobs carry [Seq, Batch] in front; the classes are the rest.
  const body = !nd && dims.length === 5 ? dims.slice(2) : dims;
  return body.reduce((a, b) => a * b, 1);
}

function checkClassifier(spec: Model, nn: NeuralNetworkClassifier, nnPath: readonly PathStep[], shapes: ShapeResult | undefined, produced: ReadonlySet<string>, inputs: ReadonlySet<string>, out: DiagnosticSink): void {
  const prob = nn.labelProbabilityLayerName ?? '';
  if (prob && !produced.has(prob) && !inputs.has(prob)) {
    out.error('classifier-probability-blob', `labelProbabilityLayerName is "${prob}", which no layer of the network produces; name the blob that holds the class probabilities`, [...nnPath, 'labelProbabilityLayerName']);
    return;
  }
  const labels = nn.stringClassLabels?.vector?.length ?? nn.int64ClassLabels?.vector?.length;
  if (!labels || !shapes) return;
  const layers = nn.layers ?? [];
  const blobName = prob || (produced.has(spec.description?.predictedProbabilitiesName ?? '') ? spec.description!.predictedProbabilitiesName! : layers[layers.length - 1]?.output?.[0]);
  const blob = blobName ? shapes.blobs.get(blobName) : undefined;
  const n = blob ? probabilityCount(blob, !!shapes.nd) : undefined;
  if (n !== undefined && n !== labels) {
    const field = nn.stringClassLabels ? 'stringClassLabels' : 'int64ClassLabels';
    out.error('class-label-count', `the classifier has ${labels} class labels but its probabilities ${blobName} have ${n} values (${formatShape(blob!)}); the label list and the last layer must agree`, [...nnPath, field, 'vector']);
  }
}

/**
 * A layer's own findings (its parameters and weights), with paths from the layer. Documents are
 * immutable and an edit shares every layer it does not change, so after an edit only the layers
 * it replaced are checked again: the check behind each edit stays cheap on large networks.
 */
const ownFindings = new WeakMap<NeuralNetworkLayer, readonly Diagnostic[]>();

function layerOwnFindings(layer: NeuralNetworkLayer, type: LayerType): readonly Diagnostic[] {
  let found = ownFindings.get(layer);
  if (!found) {
    const sink = new DiagnosticSink();
    validateLayerParams(layer, type, [], sink);
    validateLayerWeights(layer, type, [], sink);
    found = Object.freeze(sink.list);
    ownFindings.set(layer, found);
  }
  return found;
}

/** Rules for the three neural network model types. */
export function validateNeuralNetwork(spec: Model, path: readonly PathStep[], out: DiagnosticSink, shapes: ShapeResult | undefined): void {
  const net = networkOf(spec);
  if (!net) return;
  const { nn, field } = net;
  const nnPath = [...path, field];
  const d = spec.description ?? {};
  const inputs = d.input ?? [];
  const dp = [...path, 'description'];
  const arraysExact = (nn.arrayInputShapeMapping ?? 0) === NeuralNetworkMultiArrayShapeMapping.EXACT_ARRAY_MAPPING;
  const imagesRank4 = (nn.imageInputShapeMapping ?? 0) === NeuralNetworkImageShapeMapping.RANK4_IMAGE_MAPPING;
  const layers = nn.layers ?? [];
  const ndLayer = layers.map((l, i) => ({ i, reason: ndOnlyReason(l) })).find((x) => x.reason !== undefined);
  const nd = arraysExact || imagesRank4 || ndLayer !== undefined;
  const hasArrayInput = inputs.some((f) => f.type?.multiArrayType);

  inputs.forEach((f, i) => {
    if (!f.type?.imageType && !f.type?.multiArrayType && !f.type?.stateType) out.error('nn-io-type', `input ${f.name} is ${kindOf(f)}; neural network inputs must be images or multi-arrays`, [...dp, 'input', i, 'type']);
  });
  if (field === 'neuralNetwork') {
    (d.output ?? []).forEach((f, i) => {
      if (!f.type?.imageType && !f.type?.multiArrayType) out.error('nn-io-type', `output ${f.name} is ${kindOf(f)}; neural network outputs must be images or multi-arrays`, [...dp, 'output', i, 'type']);
    });
  }

  if (!arraysExact && hasArrayInput && ndLayer) {
    out.error('nn-rank5-mapping', `layer ${layers[ndLayer.i].name ?? ndLayer.i} is a ${ndLayer.reason}, added in specification 4 or later, which RANK5_ARRAY_MAPPING cannot be used with; set arrayInputShapeMapping to EXACT_ARRAY_MAPPING (and give inputs their exact shapes)`, [...nnPath, 'layers', ndLayer.i]);
  }
  if (!arraysExact && imagesRank4 && hasArrayInput) {
    out.error('nn-rank5-mapping', 'RANK5_ARRAY_MAPPING cannot be combined with RANK4_IMAGE_MAPPING; set arrayInputShapeMapping to EXACT_ARRAY_MAPPING', [...nnPath, 'arrayInputShapeMapping']);
  }

  inputs.forEach((f, i) => {
    const a = f.type?.multiArrayType;
    if (!a) return;
    const rank = (a.shape ?? []).length;
    const ip = [...dp, 'input', i, 'type', 'multiArrayType'];
    if (!nd) {
      // RANK5_ARRAY_MAPPING: rank 1 ([C]) or rank 3 ([C, H, W]) only, by shape or by flexibility.
      const flexRanks = a.shapeRange ? [(a.shapeRange.sizeRanges ?? []).length] : a.enumeratedShapes ? (a.enumeratedShapes.shapes ?? []).map((s) => (s.shape ?? []).length) : [];
      const ok13 = (r: number): boolean => r === 1 || r === 3;
      const fine = (rank > 0 && ok13(rank)) || (flexRanks.length > 0 && flexRanks.every(ok13));
      if (!fine && (rank > 0 || flexRanks.length > 0)) out.error('nn-input-rank', `multi-array input ${f.name} has rank ${rank || flexRanks[0]}; under RANK5_ARRAY_MAPPING inputs must have rank 1 ([C]) or 3 ([C, H, W]). Reshape it (e.g. ${tuple([...(a.shape ?? []).map(Number), 1])}) or use EXACT_ARRAY_MAPPING`, [...ip, 'shape']);
    } else if (arraysExact) {
      if (rank === 0) out.error('nn-input-rank', `multi-array input ${f.name} has no shape; under EXACT_ARRAY_MAPPING inputs need at least one dimension`, [...ip, 'shape']);
    }
  });

  if (!layers.length) out.error('nn-no-layers', 'the neural network has no layers; add at least one', [...nnPath, 'layers']);

  // Ranks the description fixes for N-d networks (Apple: ModelIOBlobNameToRank).
  const ioRanks = new Map<string, number>();
  if (nd) {
    for (const f of inputs) {
      if (f.type?.multiArrayType) ioRanks.set(f.name ?? '', arraysExact ? (f.type.multiArrayType.shape ?? []).length : 5);
      else if (f.type?.imageType) ioRanks.set(f.name ?? '', imagesRank4 ? 4 : 5);
    }
    for (const f of d.output ?? []) {
      const r = (f.type?.multiArrayType?.shape ?? []).length;
      if (r) ioRanks.set(f.name ?? '', r);
    }
  }
  const available = new Map<string, string>(inputs.map((f) => [f.name ?? '', `model input ${f.name}`]));
  const ctx: GraphContext = { out, nd, layerNames: new Map(), ranks: new Map(ioRanks), ioRanks, produced: new Set(), modelInputs: inputs.map((f) => f.name ?? '') };
  checkNetwork(nn, nnPath, available, ctx);

  const exempt = field === 'neuralNetworkClassifier' ? new Set([d.predictedFeatureName, d.predictedProbabilitiesName].filter(Boolean)) : new Set<string | undefined>();
  (d.output ?? []).forEach((f, i) => {
    const name = f.name ?? '';
    if (!name || ctx.produced.has(name) || exempt.has(name)) return;
    const isInput = inputs.some((x) => x.name === name);
    out.error('output-not-produced', isInput
      ? `output ${name} is the model input of the same name passed through; Core ML needs a layer to produce every output (add a copy or linear activation layer that writes ${name} from a renamed input)`
      : `output ${name} is not produced by any layer; rename the output to a blob a layer produces, or make a layer produce ${name}`, [...dp, 'output', i, 'name']);
  });

  checkPreprocessing(spec, nn, nnPath, out);

  const layerChecks = (net2: NeuralNetwork, p: readonly PathStep[]): void => {
    (net2.layers ?? []).forEach((layer, i) => {
      const type = layerTypeOf(layer);
      if (!type) return;
      const lp = [...p, 'layers', i];
      out.addUnder(lp, layerOwnFindings(layer, type));
      for (const { field: f, nn: inner } of nestedNetworks(type, layer[type] as object)) layerChecks(inner, [...lp, type, f]);
    });
  };
  layerChecks(nn, nnPath);

  if (shapes) {
    // A parameter already reported as an error is not reported again as a shape finding.
    const errorAt = new Set(out.list.filter((x) => x.severity === 'error').map((x) => formatPath(x.path)));
    const proven = provenMismatches(spec, path, nd, shapes);
    for (const issue of shapes.issues) {
      const where = formatPath(issue.path);
      if (errorAt.has(where)) continue;
      const provenKey = `${where} ${issue.message}`;
      // Severity follows Core ML. A layer whose weights fix a size its input provably lacks (a
      // convolution's kernelChannels × nGroups, an inner product's inputChannels, batchnorm
      // channels, a [C] scale) or whose input has a rank it does not accept cannot run:
      // coremltools NeuralNetworkShapes.cpp shapeConvolutionLayer says "there is no flexibility in
      // the number of input channels", and although its compile-time validator reports such
      // conflicts only as POTENTIALLY_INVALID_NEURAL_NETWORK_SHAPES (Result::good() lets them
      // pass), the runtime builds the layer with those weights and refuses to load the model.
      // N-d networks: NeuralNetworkValidator's rank checks return INVALID_MODEL_PARAMETERS.
      // Everything else may depend on sizes known only at run time and stays a warning.
      if (issue.kind === 'mismatch' && proven.has(provenKey)) out.error('shape-mismatch', issue.message, issue.path);
      else out.warning('shape-inconsistent', issue.message, issue.path);
    }
    checkOutputShapes(spec, path, shapes, out);
  }
  checkDeadLayers(spec, nn, nnPath, field, out);
  if (field === 'neuralNetworkClassifier') {
    checkClassifier(spec, nn, nnPath, shapes, ctx.produced, new Set(inputs.map((f) => f.name ?? '')), out);
    checkProbabilitySource(nn, nnPath, out);
  }
}
