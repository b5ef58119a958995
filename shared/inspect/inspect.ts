// `mlsurgeon inspect` and the model panel: the facts of a model in one plain object.
import {
  MESSAGES, MODEL_TYPE, SPECIFICATION_RELEASES, describeRelease, featureInfo, forEachMessage, formatPath, isPipelineField, modelTypeOf,
  pipelineOf, repeatedCount, resolveModelPath, walkMessages, whichOneof, type FeatureInfo, type MILSpec_Operation, type MlPackage,
  type Model, type NeuralNetworkLayer, type PathStep,
} from '../format';
import { formatShape, inferShapes, type Shape, type ShapeResult } from '../shapes';
import { weightStorage } from '../weights';
import { isPlainLayer, LAYER_MESSAGE } from '../layers';

export interface LayerInfo {
  readonly name: string;
  /** The NeuralNetworkLayer `layer` oneof member ("convolution", …) or the MIL op type. */
  readonly type: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Spec path of the layer or operation. */
  readonly path: string;
  /** Inferred shape of each output ("1×3×224×224", "?" where it cannot be known). */
  readonly outputShapes?: readonly string[];
}

export interface ModelTreeNode {
  readonly modelType: string;
  readonly models?: readonly ModelTreeNode[];
}

export interface WeightsSummary {
  /** Bytes by storage kind. */
  readonly bytes: Readonly<Record<string, number>>;
  /** Number of weight tensors by storage kind. */
  readonly counts: Readonly<Record<string, number>>;
}

export interface InspectResult {
  readonly format: 'mlmodel' | 'mlpackage';
  readonly specificationVersion: number;
  readonly modelType: string | null;
  readonly models: readonly ModelTreeNode[];
  readonly isUpdatable: boolean;
  readonly inputs: readonly FeatureInfo[];
  readonly outputs: readonly FeatureInfo[];
  readonly trainingInputs: readonly FeatureInfo[];
  readonly predictedFeatureName?: string;
  readonly predictedProbabilitiesName?: string;
  readonly metadata: {
    readonly shortDescription: string;
    readonly author: string;
    readonly license: string;
    readonly versionString: string;
    readonly userDefined: Readonly<Record<string, string>>;
  };
  readonly classLabels?: readonly { readonly path: string; readonly kind: 'string' | 'int64'; readonly count: number; readonly first: readonly string[] }[];
  readonly preprocessing: readonly { readonly path: string; readonly featureName: string; readonly kind: string }[];
  readonly layers: readonly LayerInfo[];
  readonly layerCount: number;
  readonly layerTypes: Readonly<Record<string, number>>;
  readonly mlProgram?: { readonly functions: readonly string[]; readonly opsets: readonly string[]; readonly opCount: number };
  readonly weights: WeightsSummary;
  readonly warnings: readonly string[];
}

/** "iOS 18, macOS 15 (Core ML 8)" for each specification version (shared/format/model's table). */
export const SPEC_VERSION_OS: Readonly<Record<number, string>> = Object.freeze(Object.fromEntries(
  Object.keys(SPECIFICATION_RELEASES).map((v) => [v, describeRelease(Number(v))!]),
));

const QUANTIZATION_PARAMS = new Set(['CoreML.Specification.LinearQuantizationParams', 'CoreML.Specification.LookUpTableQuantizationParams']);


export function modelTree(spec: Model): ModelTreeNode[] {
  const p = pipelineOf(spec);
  if (!p) return [];
  return (p.models ?? []).map((m) => {
    const t = modelTypeOf(m) ?? 'none';
    return isPipelineField(t) ? { modelType: t, models: modelTree(m) } : { modelType: t };
  });
}

function layerType(layer: NeuralNetworkLayer): string {
  return whichOneof('CoreML.Specification.NeuralNetworkLayer', layer, 'layer') ?? 'none';
}

/** Names an operation's outputs, and its inputs as the names they bind (MIL arguments by name). */
function opInfo(op: MILSpec_Operation, path: readonly PathStep[]): LayerInfo {
  const inputs: string[] = [];
  for (const [, arg] of op.inputs ?? []) for (const b of arg.arguments ?? []) if (b.name !== undefined) inputs.push(b.name);
  const outputs = (op.outputs ?? []).map((o) => o.name ?? '');
  const nameAttr = op.attributes?.get('name')?.immediateValue?.tensor?.strings?.values?.[0];
  return { name: nameAttr ?? outputs[0] ?? '', type: op.type ?? '', inputs, outputs, path: formatPath(path) };
}

function add(rec: Record<string, number>, k: string, n: number): void {
  rec[k] = (rec[k] ?? 0) + n;
}

/** Weight bytes and tensor counts by storage kind. */
interface Tally { readonly bytes: Record<string, number>; readonly counts: Record<string, number> }

/** What a message adds to the weight tally (the parameters of classic models included). */
function tallyMessage(typeName: string, m: Readonly<Record<string, unknown>>, t: Tally): void {
  if (typeName === 'CoreML.Specification.WeightParams') {
    const s = weightStorage(m);
    if (s) { add(t.bytes, s.kind, s.bytes); add(t.counts, s.kind, 1); }
    return;
  }
  // Classic models keep their parameters as repeated doubles (GLM, SVM, tree ensembles, …);
  // quantization scales, biases and lookup tables are counted apart from the weights.
  const kind = QUANTIZATION_PARAMS.has(typeName) ? 'quantizationParams' : undefined;
  for (const f of MESSAGES[typeName]?.fields ?? []) {
    if (f.repeated && (f.type === 'double' || f.type === 'float')) {
      const n = repeatedCount(m, f.name);
      if (n) add(t.bytes, kind ?? (f.type === 'double' ? 'float64' : 'float32'), n * (f.type === 'double' ? 8 : 4));
    }
  }
}

/**
 * The tally of everything below a plain layer, once per layer object: documents are immutable and
 * an edit shares the layers it leaves alone, so after a rename on a model of 800 layers only the
 * layers it touched are walked again (the model panel's facts are worked out on every edit).
 */
const tallyOfLayer = new WeakMap<object, Tally>();

function layerTally(layer: NeuralNetworkLayer): Tally {
  let t = tallyOfLayer.get(layer);
  if (!t) {
    const found: Tally = { bytes: {}, counts: {} };
    forEachMessage(LAYER_MESSAGE, layer, (m, typeName) => { if (m !== layer) tallyMessage(typeName, m, found); });
    tallyOfLayer.set(layer, t = found);
  }
  return t;
}

/**
 * `inferred`: the spec's shapes when the caller has inferred them already (the editor infers once
 * per revision and hands the same result to validation and the canvas); null when inference
 * failed. Omitted, they are inferred here.
 */
export function inspectModel(spec: Model, format: 'mlmodel' | 'mlpackage', pkg?: MlPackage, inferred?: ShapeResult | null): InspectResult {
  const d = spec.description ?? {};
  const md = d.metadata ?? {};
  const layers: LayerInfo[] = [];
  const layerTypes: Record<string, number> = {};
  const bytes: Record<string, number> = {};
  const counts: Record<string, number> = {};
  const classLabels: { path: string; kind: 'string' | 'int64'; count: number; first: string[] }[] = [];
  const preprocessing: { path: string; featureName: string; kind: string }[] = [];
  const functions: string[] = [];
  const opsets = new Set<string>();
  const weightRecords = new Map<string, Map<number, number>>();
  for (const wf of pkg?.weightFiles ?? []) {
    weightRecords.set(wf.path, new Map((wf.parsed?.blobs ?? []).map((b) => [b.metadataOffset, b.sizeInBytes])));
  }
  let opCount = 0;
  let hasProgram = false;

  const tally: Tally = { bytes, counts };
  // A plain layer's subtree is not walked: its tally is kept per layer object.
  for (const v of walkMessages(MODEL_TYPE, spec, [], (typeName, m) => !isPlainLayer(typeName, m))) {
    const m = v.message;
    switch (v.typeName) {
      case LAYER_MESSAGE: {
        const l = m as NeuralNetworkLayer;
        const type = layerType(l);
        layers.push({ name: l.name ?? '', type, inputs: l.input ?? [], outputs: l.output ?? [], path: formatPath(v.path) });
        add(layerTypes, type, 1);
        if (isPlainLayer(LAYER_MESSAGE, m)) {
          const t = layerTally(l);
          for (const k in t.bytes) add(bytes, k, t.bytes[k]);
          for (const k in t.counts) add(counts, k, t.counts[k]);
        }
        break;
      }
      case 'CoreML.Specification.WeightParams':
        tallyMessage(v.typeName, m, tally);
        break;
      case 'CoreML.Specification.NeuralNetworkPreprocessing': {
        const kind = whichOneof(v.typeName, m, 'preprocessor') ?? 'none';
        preprocessing.push({ path: formatPath(v.path), featureName: (m.featureName as string) ?? '', kind });
        break;
      }
      case 'CoreML.Specification.MILSpec.Program': {
        hasProgram = true;
        for (const [name, fn] of (m.functions as Map<string, { opset?: string }>) ?? []) { functions.push(name); if (fn.opset) opsets.add(fn.opset); }
        break;
      }
      case 'CoreML.Specification.MILSpec.Operation': {
        const info = opInfo(m, v.path);
        layers.push(info);
        add(layerTypes, info.type, 1);
        opCount++;
        break;
      }
      case 'CoreML.Specification.MILSpec.Value.BlobFileValue': {
        const file = pkg ? resolveModelPath(pkg.modelPath, (m.fileName as string) ?? '') : '';
        const size = weightRecords.get(file)?.get(Number(m.offset ?? 0));
        add(bytes, 'blobFile', size ?? 0);
        add(counts, 'blobFile', 1);
        break;
      }
      case 'CoreML.Specification.MILSpec.TensorValue.RepeatedFloats':
        add(bytes, 'immediate', ((m.values as Float32Array | undefined)?.length ?? 0) * 4);
        break;
      default: {
        if ('stringClassLabels' in m || 'int64ClassLabels' in m) {
          const s = m.stringClassLabels as { vector?: readonly string[] } | undefined;
          const i = m.int64ClassLabels as { vector?: readonly number[] } | undefined;
          const list = s ? s.vector ?? [] : (i?.vector ?? []).map(String);
          classLabels.push({ path: formatPath(v.path), kind: s ? 'string' : 'int64', count: list.length, first: list.slice(0, 10) });
        }
        tallyMessage(v.typeName, m, tally);
      }
    }
  }

  // Every blob's inferred shape, pipeline sub-models included.
  const shapes = new Map<string, Shape>();
  const collect = (r: ShapeResult) => { for (const [k, v] of r.blobs) if (!shapes.has(k)) shapes.set(k, v); r.models?.forEach(collect); };
  if (inferred) collect(inferred);
  else if (inferred === undefined) {
    try { collect(inferShapes(spec)); } catch { /* shapes are a convenience here; validation reports why they fail */ }
  }
  const withShapes = layers.map((l) => ({ ...l, outputShapes: l.outputs.map((o) => { const sh = shapes.get(o); return sh ? formatShape(sh) : '?'; }) }));

  const userDefined: Record<string, string> = {};
  for (const [k, val] of md.userDefined ?? new Map<string, string>()) userDefined[k] = val;
  return {
    format,
    specificationVersion: spec.specificationVersion ?? 0,
    modelType: modelTypeOf(spec) ?? null,
    models: modelTree(spec),
    isUpdatable: !!spec.isUpdatable,
    inputs: (d.input ?? []).map(featureInfo),
    outputs: (d.output ?? []).map(featureInfo),
    trainingInputs: (d.trainingInput ?? []).map(featureInfo),
    ...(d.predictedFeatureName ? { predictedFeatureName: d.predictedFeatureName } : {}),
    ...(d.predictedProbabilitiesName ? { predictedProbabilitiesName: d.predictedProbabilitiesName } : {}),
    metadata: {
      shortDescription: md.shortDescription ?? '',
      author: md.author ?? '',
      license: md.license ?? '',
      versionString: md.versionString ?? '',
      userDefined,
    },
    ...(classLabels.length ? { classLabels } : {}),
    preprocessing,
    layers: withShapes,
    layerCount: layers.length,
    layerTypes,
    ...(hasProgram ? { mlProgram: { functions, opsets: [...opsets], opCount } } : {}),
    weights: { bytes, counts },
    warnings: pkg?.warnings ?? [],
  };
}
