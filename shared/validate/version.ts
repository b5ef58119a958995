// The lowest specification version a model's contents need, with the reason for each step.
// Follows what Core ML Tools' downgradeSpecificationVersion checks (hasIOS11_2Features …
// hasIOS18Features in mlmodel/src/Utils.cpp), looking into pipelines and nested networks, plus
// what Model.proto and FeatureTypes.proto date: FLOAT16/INT8 arrays, ML Program opsets, states.
import {
  ArrayFeatureType_ArrayDataType, ImageFeatureType_ColorSpace, NeuralNetworkImageShapeMapping, NeuralNetworkMultiArrayShapeMapping,
  NEWEST_SPECIFICATION_VERSION, ReorganizeDataLayerParams_ReorganizationType, SPECIFICATION_RELEASES, modelTypeOf, networkOf, pipelineField, pipelineOf,
  walkMessages, type FeatureDescription, type Model, type NeuralNetwork, type NeuralNetworkLayer, type PathStep,
  type WeightParams,
} from '../format';
import { layerParamsType, layerTypeOf, type LayerType } from '../layers';
import { layerFieldNumber } from '../shapes';

export interface VersionReason {
  readonly version: number;
  readonly reason: string;
  /** Spec path of (the first instance of) the thing that needs the version. */
  readonly path: readonly PathStep[];
}

export interface MinimumVersion {
  readonly version: number;
  /** One entry per distinct reason, highest version first. */
  readonly reasons: readonly VersionReason[];
}

/** The iOS release of each specification version ("iOS 18"), from shared/format/model's table. */
export const SPEC_RELEASES: Readonly<Record<number, string>> = Object.freeze(Object.fromEntries(
  Object.entries(SPECIFICATION_RELEASES).map(([v, r]) => [v, r.ios]),
));

export { NEWEST_SPECIFICATION_VERSION };

class Reasons {
  private readonly byKey = new Map<string, { version: number; reason: string; path: readonly PathStep[]; count: number }>();
  add(version: number, reason: string, path: readonly PathStep[]): void {
    const key = `${version}\u0000${reason}`;
    const prev = this.byKey.get(key);
    if (prev) prev.count++;
    else this.byKey.set(key, { version, reason, path, count: 1 });
  }
  result(): MinimumVersion {
    const reasons = [...this.byKey.values()]
      .map((r) => ({ version: r.version, reason: r.count > 1 ? `${r.reason} (in ${r.count} places)` : r.reason, path: r.path }))
      .sort((a, b) => b.version - a.version);
    return { version: Math.max(1, ...reasons.map((r) => r.version)), reasons };
  }
}

function featureReasons(f: FeatureDescription, role: 'input' | 'output' | 'state', path: readonly PathStep[], out: Reasons): void {
  const t = f.type;
  if (!t) return;
  const a = t.multiArrayType ?? t.stateType?.arrayType;
  if (a?.dataType === ArrayFeatureType_ArrayDataType.FLOAT16) out.add(7, `${role} ${f.name} is a FLOAT16 multi-array`, [...path, 'type']);
  if (a?.dataType === ArrayFeatureType_ArrayDataType.INT8) out.add(10, `${role} ${f.name} is an INT8 multi-array`, [...path, 'type']);
  if (t.imageType?.colorSpace === ImageFeatureType_ColorSpace.GRAYSCALE_FLOAT16) out.add(7, `${role} ${f.name} is a GRAYSCALE_FLOAT16 image`, [...path, 'type', 'imageType', 'colorSpace']);
  if (t.sequenceType) out.add(3, `${role} ${f.name} is a sequence`, [...path, 'type', 'sequenceType']);
  if (t.stateType) out.add(9, `${f.name} is a state`, [...path, 'type', 'stateType']);
  // Utils.cpp hasFlexibleShapes looks at inputs only.
  if (role === 'input' && (t.multiArrayType?.shapeRange || t.multiArrayType?.enumeratedShapes || t.imageType?.imageSizeRange || t.imageType?.enumeratedSizes)) {
    out.add(3, `input ${f.name} has a flexible shape`, [...path, 'type']);
  }
  if (role === 'input' && t.isOptional && a && (a.intDefaultValue !== undefined || a.floatDefaultValue !== undefined || a.doubleDefaultValue !== undefined)) {
    out.add(5, `optional input ${f.name} has a default value`, [...path, 'type', 'multiArrayType']);
  }
}

/** What a layer needs, with paths from the layer: kept per layer object (see layerOwnReasons). */
interface LayerReason { readonly version: number; readonly reason: string; readonly path: readonly PathStep[] }
const ownReasons = new WeakMap<NeuralNetworkLayer, readonly LayerReason[]>();

/**
 * A layer's reasons (its nested networks' included), worked out once per layer object: documents
 * are immutable and an edit shares every layer it does not change, so the version check behind
 * each edit looks again only at the layers the edit replaced.
 */
function layerOwnReasons(layer: NeuralNetworkLayer, type: LayerType): readonly LayerReason[] {
  let found = ownReasons.get(layer);
  if (!found) {
    const list: LayerReason[] = [];
    layerReasons(layer, type, [], { add: (version, reason, path) => list.push({ version, reason, path }) });
    found = Object.freeze(list);
    ownReasons.set(layer, found);
  }
  return found;
}

/** The version a layer's own type and options need. */
function layerReasons(layer: NeuralNetworkLayer, type: LayerType, path: readonly PathStep[], out: Pick<Reasons, 'add'>): void {
  const no = layerFieldNumber(type) ?? 0;
  const tp = [...path, type];
  // NeuralNetwork.proto: layer fields from 600 arrived in spec 4, from 1450 in spec 5.
  if (no >= 1450) out.add(5, `layer type ${type}`, tp);
  else if (no >= 600) out.add(4, `layer type ${type} (an N-d layer)`, tp);
  switch (type) {
    case 'custom': out.add(2, 'custom layer', tp); break;
    case 'resizeBilinear': case 'cropResize': out.add(3, `layer type ${type}`, tp); break;
    case 'convolution': if ((layer.input?.length ?? 0) > 1) out.add(4, 'convolution with weights as a second input', [...path, 'input']); break;
    case 'upsample':
      if (layer.upsample?.linearUpsampleMode) out.add(5, 'upsample with an align-corners mode', [...tp, 'linearUpsampleMode']);
      if (layer.upsample?.fractionalScalingFactor?.length) out.add(5, 'upsample with fractional scaling factors', [...tp, 'fractionalScalingFactor']);
      break;
    case 'reorganizeData': if (layer.reorganizeData?.mode === ReorganizeDataLayerParams_ReorganizationType.PIXEL_SHUFFLE) out.add(5, 'reorganizeData PIXEL_SHUFFLE', [...tp, 'mode']); break;
    case 'innerProduct': if (layer.innerProduct?.int8DynamicQuantize) out.add(5, 'innerProduct with int8DynamicQuantize', [...tp, 'int8DynamicQuantize']); break;
    case 'batchedMatmul': if (layer.batchedMatmul?.int8DynamicQuantize) out.add(5, 'batchedMatmul with int8DynamicQuantize', [...tp, 'int8DynamicQuantize']); break;
    case 'concatND': if (layer.concatND?.interleave) out.add(5, 'concatND with interleave', [...tp, 'interleave']); break;
    case 'sliceDynamic':
      if ((layer.input?.length ?? 0) === 7 || layer.sliceDynamic?.squeezeMasks?.length) out.add(5, 'sliceDynamic with squeeze masks', tp);
      break;
    default: break;
  }
  const message = layerParamsType(type);
  const params = layer[type];
  if (!message || !params) return;
  for (const v of walkMessages(message, params, [...tp])) {
    if (v.typeName === 'CoreML.Specification.WeightParams') {
      const w = v.message as WeightParams;
      if (w.float16Value?.length) out.add(2, 'float16 weights', v.path);
      if (w.rawValue?.length && w.quantization) out.add(3, 'quantized weights', v.path);
      if (w.int8RawValue?.length) out.add(5, 'int8 weights', v.path);
    } else if (v.typeName === 'CoreML.Specification.NeuralNetwork' && v.path.length > tp.length) {
      networkReasons(v.message, v.path, out, false);
    }
  }
}

function networkReasons(nn: NeuralNetwork, path: readonly PathStep[], out: Pick<Reasons, 'add'>, top: boolean): void {
  if (top) {
    if (nn.arrayInputShapeMapping === NeuralNetworkMultiArrayShapeMapping.EXACT_ARRAY_MAPPING) out.add(4, 'EXACT_ARRAY_MAPPING', [...path, 'arrayInputShapeMapping']);
    if (nn.imageInputShapeMapping === NeuralNetworkImageShapeMapping.RANK4_IMAGE_MAPPING) out.add(4, 'RANK4_IMAGE_MAPPING', [...path, 'imageInputShapeMapping']);
    if (nn.updateParams) out.add(4, 'on-device update parameters', [...path, 'updateParams']);
  }
  (nn.layers ?? []).forEach((layer, i) => {
    const lp = [...path, 'layers', i];
    const type = layerTypeOf(layer);
    if (type) for (const r of layerOwnReasons(layer, type)) out.add(r.version, r.reason, [...lp, ...r.path]);
    if (layer.isUpdatable) out.add(4, 'updatable layer', [...lp, 'isUpdatable']);
  });
}

// Utils.cpp: text classifier revision 2 is iOS 13, word tagger revision 3 is iOS 14; revision 4
// (BERT embeddings) is iOS 17 and revision 5 (multilingual) iOS 18 for both.
const REVISIONS: Readonly<Record<'textClassifier' | 'wordTagger', Readonly<Record<number, number>>>> = {
  textClassifier: { 2: 4, 4: 8, 5: 9 },
  wordTagger: { 3: 5, 4: 8, 5: 9 },
};

function modelReasons(spec: Model, path: readonly PathStep[], out: Reasons): void {
  const d = spec.description ?? {};
  const dp = [...path, 'description'];
  (d.input ?? []).forEach((f, i) => featureReasons(f, 'input', [...dp, 'input', i], out));
  (d.output ?? []).forEach((f, i) => featureReasons(f, 'output', [...dp, 'output', i], out));
  (d.state ?? []).forEach((f, i) => featureReasons(f, 'state', [...dp, 'state', i], out));
  if (d.functions?.length || d.defaultFunctionName) out.add(9, 'several functions (multi-function model)', [...dp, 'functions']);
  else if (!(d.input ?? []).length) out.add(9, 'no inputs', [...dp, 'input']);
  if (spec.isUpdatable) out.add(4, 'updatable model', [...path, 'isUpdatable']);
  const type = modelTypeOf(spec);
  const tp = type ? [...path, type] : path;
  switch (type) {
    case 'customModel': out.add(3, 'custom model', tp); break;
    case 'bayesianProbitRegressor': out.add(3, 'Bayesian probit regressor', tp); break;
    case 'nonMaximumSuppression': {
      out.add(3, 'NonMaximumSuppression model', tp);
      // Utils.cpp hasFloat32InputsOrOutputsForNonmaxSuppression: FLOAT32 arrays are spec 5.
      const f32 = [...(d.input ?? []).map((f, i) => ({ f, p: [...dp, 'input', i] })), ...(d.output ?? []).map((f, i) => ({ f, p: [...dp, 'output', i] }))]
        .find((x) => x.f.type?.multiArrayType?.dataType === ArrayFeatureType_ArrayDataType.FLOAT32);
      if (f32) out.add(5, 'NonMaximumSuppression with FLOAT32 arrays', [...f32.p, 'type', 'multiArrayType', 'dataType']);
      break;
    }
    case 'textClassifier':
    case 'wordTagger': {
      const rev = Number(spec[type]?.revision ?? 0);
      out.add(3, type === 'textClassifier' ? 'Apple text classifier' : 'Apple word tagger', tp);
      const v = REVISIONS[type][rev];
      if (v) out.add(v, `${type} revision ${rev}`, [...tp, 'revision']);
      break;
    }
    case 'visionFeaturePrint': {
      const v = spec.visionFeaturePrint!;
      if (v.scene) out.add(3, 'Vision scene feature print', [...tp, 'scene']);
      if (v.scene?.version === 2) out.add(8, 'Vision scene feature print version 2', [...tp, 'scene', 'version']);
      if (v.objects) out.add(5, 'Vision object feature print', [...tp, 'objects']);
      if (v.objects?.version === 2) out.add(8, 'Vision object feature print version 2', [...tp, 'objects', 'version']);
      break;
    }
    case 'kNearestNeighborsClassifier': out.add(4, 'k-nearest-neighbors classifier', tp); break;
    case 'linkedModel': out.add(4, 'linked model', tp); break;
    case 'itemSimilarityRecommender': out.add(4, 'item similarity recommender', tp); break;
    case 'soundAnalysisPreprocessing': out.add(4, 'sound analysis preprocessing', tp); break;
    case 'gazetteer': out.add(4, 'Apple gazetteer', tp); break;
    case 'wordEmbedding': out.add(4, 'Apple word embedding', tp); break;
    case 'serializedModel': out.add(5, 'serialized model', tp); break;
    case 'audioFeaturePrint': out.add(6, 'audio feature print', tp); break;
    case 'classConfidenceThresholding': out.add(8, 'class confidence thresholding', tp); break;
    case 'mlProgram': {
      out.add(6, 'ML Program', tp);
      for (const [name, fn] of spec.mlProgram!.functions ?? []) {
        // Opset CoreMLn ships with iOS 10+n, which is specification version n+1.
        const m = /^CoreML(\d+)$/.exec(fn.opset ?? '');
        if (m && Number(m[1]) + 1 > 6) out.add(Number(m[1]) + 1, `ML Program opset ${fn.opset}`, [...tp, 'functions', name, 'opset']);
      }
      break;
    }
    default: break;
  }
  const net = networkOf(spec);
  if (net) networkReasons(net.nn, [...path, net.field], out, true);
  const pField = pipelineField(spec);
  if (pField) (pipelineOf(spec)?.models ?? []).forEach((m, i) => modelReasons(m, [...path, ...pField, 'models', i], out));
}

const minimumOf = new WeakMap<Model, MinimumVersion>();

/** The lowest specification version this model (and every model it contains) needs. */
export function minimumSpecificationVersion(spec: Model): MinimumVersion {
  let found = minimumOf.get(spec);
  if (!found) {
    const out = new Reasons();
    modelReasons(spec, [], out);
    const r = out.result();
    found = Object.freeze({ version: r.version, reasons: Object.freeze(r.reasons) });
    minimumOf.set(spec, found);
  }
  return found;
}
