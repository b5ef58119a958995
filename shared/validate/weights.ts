// Weight checks for NeuralNetwork layers (NeuralNetwork.proto WeightParams, QuantizationParams;
// Apple's NeuralNetworkLayerValidator and QuantizationValidationUtils): one storage field,
// counts implied by the layer parameters (the layer registry's weights column), quantization
// parameters and packed byte counts.
import { repeatedCount, walkMessages, type NeuralNetworkLayer, type PathStep, type WeightParams } from '../format';
import { layerParamsType, layerWeights, type LayerType, type LayerWeight } from '../layers';
import type { DiagnosticSink } from './diagnostic';

const WEIGHT_MESSAGE = 'CoreML.Specification.WeightParams';
const STORAGE = ['floatValue', 'float16Value', 'rawValue', 'int8RawValue'] as const;
type Storage = (typeof STORAGE)[number];

function storageOf(w: WeightParams): Storage[] {
  return STORAGE.filter((k) => repeatedCount(w, k) > 0);
}

function get(obj: unknown, path: readonly PathStep[]): unknown {
  let cur = obj as Record<string | number, unknown> | undefined;
  for (const k of path) cur = cur?.[k] as Record<string | number, unknown> | undefined;
  return cur;
}

/** Structural rules for any WeightParams: one storage field, valid quantization parameters. */
function checkWeightStructure(w: WeightParams, what: string, path: readonly PathStep[], out: DiagnosticSink): void {
  const kinds = storageOf(w);
  if (kinds.length > 1) out.error('weight-storage', `${what} has values in ${kinds.join(' and ')}; keep exactly one of floatValue, float16Value, rawValue, int8RawValue`, path);
  if ((w.float16Value?.length ?? 0) % 2 !== 0) out.error('weight-storage', `${what} has ${w.float16Value!.length} bytes of float16 values; half-precision values take 2 bytes each`, [...path, 'float16Value']);
  const q = w.quantization;
  if ((kinds.includes('rawValue') || kinds.includes('int8RawValue')) && !q) {
    out.error('quantization-missing', `${what} has quantized bytes but no quantization parameters; add quantization (bits and linear or lookup-table parameters)`, [...path, 'quantization']);
  }
  if (!q) return;
  const qp = [...path, 'quantization'];
  const bits = Number(q.numberOfBits ?? 0);
  if (bits < 1 || bits > 8) out.error('quantization-bits', `${what} is quantized with ${bits} bits; numberOfBits must be between 1 and 8`, [...qp, 'numberOfBits']);
  if (!q.linearQuantization && !q.lookupTableQuantization) out.error('quantization-type', `${what} has quantization parameters without linearQuantization or lookupTableQuantization`, qp);
  if (q.linearQuantization) {
    const s = q.linearQuantization.scale?.length ?? 0;
    const b = q.linearQuantization.bias?.length ?? 0;
    if (b !== 0 && b !== s) out.error('quantization-bias-length', `${what}: linear quantization has ${b} bias values for ${s} scale values; give none or as many as the scale`, [...qp, 'linearQuantization', 'bias']);
  }
  if (q.lookupTableQuantization && bits >= 1 && bits <= 8) {
    const len = repeatedCount(q.lookupTableQuantization, 'floatValue');
    if (len !== 2 ** bits) out.error('quantization-lut-length', `${what}: a ${bits}-bit lookup table needs ${2 ** bits} entries, has ${len}`, [...qp, 'lookupTableQuantization', 'floatValue']);
  }
}

/** Counts a weight against what the layer parameters imply. */
function checkWeightCount(w: WeightParams | undefined, e: LayerWeight, what: string, path: readonly PathStep[], out: DiagnosticSink): void {
  // A weight whose shape the parameters do not fix (custom layers, PReLU alpha) has no count to check.
  if (!e.shape) return;
  const count = e.shape.reduce((a, b) => a * b, 1);
  const channels = e.channels.count;
  const kinds = w ? storageOf(w) : [];
  if (!w || kinds.length === 0) {
    out.error('weight-missing', `${what} has no values; the layer needs ${count}`, path);
    return;
  }
  if (kinds.length > 1) return; // reported as weight-storage
  const kind = kinds[0];
  const q = w.quantization;
  const bits = Number(q?.numberOfBits ?? 0);
  switch (kind) {
    case 'floatValue':
    case 'float16Value': {
      const have = kind === 'floatValue' ? repeatedCount(w, 'floatValue') : Math.floor(w.float16Value!.length / 2);
      if (have !== count) out.error('weight-count', `${what} has ${have} values; the layer parameters imply ${count}`, [...path, kind]);
      break;
    }
    case 'rawValue': {
      if (!q || bits < 1 || bits > 8) break;
      const need = Math.ceil((count * bits) / 8);
      const have = w.rawValue!.length;
      if (have < need) out.error('quantized-byte-count', `${what} has ${have} bytes; ${count} values of ${bits} bits need ${need}`, [...path, 'rawValue']);
      else if (have > need) out.warning('quantized-byte-count', `${what} has ${have} bytes; ${count} values of ${bits} bits need only ${need} (the rest is ignored)`, [...path, 'rawValue']);
      break;
    }
    case 'int8RawValue':
      if (w.int8RawValue!.length !== count) out.error('weight-count', `${what} has ${w.int8RawValue!.length} int8 values; the layer parameters imply ${count}`, [...path, 'int8RawValue']);
      break;
  }
  const s = q?.linearQuantization?.scale?.length;
  if (s !== undefined && s !== 1 && s !== channels) {
    out.error('quantization-scale-length', `${what}: linear quantization has ${s} scale values; give 1 or one per output channel (${channels})`, [...path, 'quantization', 'linearQuantization', 'scale']);
  }
}

function checkInt8(w: WeightParams | undefined, what: string, path: readonly PathStep[], out: DiagnosticSink): void {
  // InnerProduct/BatchedMatMul int8DynamicQuantize: int8RawValue, 8 bits, linear, 1 scale, no bias.
  const q = w?.quantization;
  const problems: string[] = [];
  if (!w?.int8RawValue?.length) problems.push('weights stored in int8RawValue');
  if (Number(q?.numberOfBits ?? 0) !== 8) problems.push('numberOfBits 8');
  if (!q?.linearQuantization) problems.push('linear quantization');
  else {
    if ((q.linearQuantization.scale?.length ?? 0) !== 1) problems.push('exactly 1 scale value');
    if (q.linearQuantization.bias?.length) problems.push('no quantization bias');
  }
  if (problems.length) out.error('int8-quantization', `${what}: int8DynamicQuantize needs ${problems.join(', ')}`, path);
}

const layerLabel = (layer: NeuralNetworkLayer, type: string): string => `layer ${layer.name ?? ''} (${type})`;

/** All weight rules for one layer; `layerPath` points at the NeuralNetworkLayer. */
export function validateLayerWeights(layer: NeuralNetworkLayer, type: LayerType, layerPath: readonly PathStep[], out: DiagnosticSink): void {
  const params = layer[type];
  if (!params) return;
  const paramsPath = [...layerPath, type];
  const paramsType = layerParamsType(type);
  const label = layerLabel(layer, type);
  const precisions = new Set<string>();
  if (paramsType) {
    for (const v of walkMessages(paramsType, params, [...paramsPath])) {
      if (v.typeName !== WEIGHT_MESSAGE) continue;
      const w = v.message as WeightParams;
      const rel = v.path.slice(paramsPath.length).join('.');
      checkWeightStructure(w, `${label} ${rel}`, v.path, out);
      for (const k of storageOf(w)) if (k === 'floatValue' || k === 'float16Value') precisions.add(k);
    }
  }
  if (precisions.size > 1 && type !== 'custom') {
    out.error('weight-precision-mixed', `${label} mixes float32 and float16 weights; store all of its weights in one precision`, paramsPath);
  }
  if (type === 'biDirectionalLSTM' && (layer.biDirectionalLSTM?.weightParams?.length ?? 0) !== 2) {
    out.error('weight-missing', `${label} needs 2 weightParams (forward and backward), has ${layer.biDirectionalLSTM?.weightParams?.length ?? 0}`, [...paramsPath, 'weightParams']);
    return;
  }
  const int8 = (type === 'innerProduct' && layer.innerProduct?.int8DynamicQuantize) || (type === 'batchedMatmul' && layer.batchedMatmul?.int8DynamicQuantize);
  if (int8) {
    checkInt8((params as { weights?: WeightParams }).weights, label, [...paramsPath, 'weights'], out);
    if ((params as { hasBias?: boolean }).hasBias) out.error('int8-quantization', `${label}: int8DynamicQuantize needs hasBias = false`, [...paramsPath, 'hasBias']);
  }
  for (const e of layerWeights(layer)) {
    const w = get(params, e.field) as WeightParams | undefined;
    checkWeightCount(w, e, `${label} ${e.field.join('.')}`, [...paramsPath, ...e.field], out);
  }
}
