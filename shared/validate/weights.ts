// Weight checks for NeuralNetwork layers (NeuralNetwork.proto WeightParams, QuantizationParams;
// Apple's NeuralNetworkLayerValidator and QuantizationValidationUtils): one storage field,
// counts implied by the layer parameters, quantization parameters and packed byte counts.
import type { NeuralNetworkLayer, WeightParams } from '../format/schema/types.generated';
import { walkMessages, type PathStep } from '../format/walk';
import { MESSAGES } from '../format/schema/descriptors.generated';
import { LAYER_MESSAGE, type LayerType } from '../shapes/layerTypes';
import type { DiagnosticSink } from './diagnostic';

const WEIGHT_MESSAGE = 'CoreML.Specification.WeightParams';
const STORAGE = ['floatValue', 'float16Value', 'rawValue', 'int8RawValue'] as const;
type Storage = (typeof STORAGE)[number];

function storageOf(w: WeightParams): Storage[] {
  return STORAGE.filter((k) => (w[k]?.length ?? 0) > 0);
}

interface Expected {
  /** Path below the layer's parameters message. */
  readonly field: readonly PathStep[];
  readonly count: number;
  /** Output channels: a linear quantization scale may have 1 or this many values. */
  readonly channels: number;
  readonly required: boolean;
}

const n = (v: number | undefined): number => Number(v ?? 0);
const prod = (xs: readonly number[] | undefined): number => (xs ?? []).reduce((a, b) => a * Number(b), 1);
const pairOr = (xs: readonly number[] | undefined, d: number): [number, number] => (xs?.length ? [n(xs[0]), n(xs[1] ?? d)] : [d, d]);

/** Apple's layer validator: a [C, H, W] parameter may be quantized per channel (C scales). */
const chwChannels = (shape: readonly number[] | undefined): number => (shape?.length === 3 && n(shape[0]) > 1 ? n(shape[0]) : 1);

const LSTM_MATRICES = ['inputGateWeightMatrix', 'forgetGateWeightMatrix', 'blockInputWeightMatrix', 'outputGateWeightMatrix'] as const;
const LSTM_RECURSION = ['inputGateRecursionMatrix', 'forgetGateRecursionMatrix', 'blockInputRecursionMatrix', 'outputGateRecursionMatrix'] as const;
const LSTM_BIAS = ['inputGateBiasVector', 'forgetGateBiasVector', 'blockInputBiasVector', 'outputGateBiasVector'] as const;
const LSTM_PEEPHOLE = ['inputGatePeepholeVector', 'forgetGatePeepholeVector', 'outputGatePeepholeVector'] as const;

function lstm(prefix: readonly PathStep[], inSize: number, out: number, bias: boolean, peephole: boolean): Expected[] {
  return [
    ...LSTM_MATRICES.map((f) => ({ field: [...prefix, f], count: out * inSize, channels: out, required: true })),
    ...LSTM_RECURSION.map((f) => ({ field: [...prefix, f], count: out * out, channels: out, required: true })),
    ...(bias ? LSTM_BIAS.map((f) => ({ field: [...prefix, f], count: out, channels: 1, required: true })) : []),
    ...(peephole ? LSTM_PEEPHOLE.map((f) => ({ field: [...prefix, f], count: out, channels: 1, required: true })) : []),
  ];
}

/** The weights a layer must carry and how many values each must have. */
function expectedWeights(type: LayerType, layer: NeuralNetworkLayer): Expected[] {
  switch (type) {
    case 'convolution': {
      const p = layer.convolution!;
      if ((layer.input?.length ?? 0) > 1) return []; // weights arrive as the second input
      const out = n(p.outputChannels);
      const kc = n(p.kernelChannels);
      const groups = n(p.nGroups) || 1;
      const [kh, kw] = pairOr(p.kernelSize, 3);
      // ConvolutionLayerParams.weights: [C_out, kernelChannels, kH, kW]; deconvolution [kernelChannels, C_out / nGroups, kH, kW].
      const count = p.isDeconvolution ? kc * Math.floor(out / groups) * kh * kw : out * kc * kh * kw;
      return [
        { field: ['weights'], count, channels: out, required: true },
        ...(p.hasBias ? [{ field: ['bias'], count: out, channels: 1, required: true }] : []),
      ];
    }
    case 'convolution3d': {
      const p = layer.convolution3d!;
      const out = n(p.outputChannels);
      const inC = n(p.inputChannels);
      const groups = n(p.nGroups) || 1;
      const k = n(p.kernelDepth) * n(p.kernelHeight) * n(p.kernelWidth);
      const count = p.isDeconvolution ? Math.floor(out / groups) * inC * k : out * Math.floor(inC / groups) * k;
      return [
        { field: ['weights'], count, channels: out, required: true },
        ...(p.hasBias ? [{ field: ['bias'], count: out, channels: 1, required: true }] : []),
      ];
    }
    case 'innerProduct': {
      const p = layer.innerProduct!;
      const out = n(p.outputChannels);
      return [
        { field: ['weights'], count: n(p.inputChannels) * out, channels: out, required: true },
        ...(p.hasBias ? [{ field: ['bias'], count: out, channels: 1, required: true }] : []),
      ];
    }
    case 'batchedMatmul': {
      const p = layer.batchedMatmul!;
      if ((layer.input?.length ?? 0) > 1) return [];
      const x2 = n(p.weightMatrixSecondDimension);
      return [
        { field: ['weights'], count: n(p.weightMatrixFirstDimension) * x2, channels: x2, required: true },
        ...(p.hasBias ? [{ field: ['bias'], count: x2, channels: 1, required: true }] : []),
      ];
    }
    case 'embedding': {
      const p = layer.embedding!;
      const out = n(p.outputChannels);
      return [
        { field: ['weights'], count: n(p.inputDim) * out, channels: out, required: true },
        ...(p.hasBias ? [{ field: ['bias'], count: out, channels: 1, required: true }] : []),
      ];
    }
    case 'embeddingND': {
      const p = layer.embeddingND!;
      const out = n(p.embeddingSize);
      return [
        { field: ['weights'], count: n(p.vocabSize) * out, channels: out, required: true },
        ...(p.hasBias ? [{ field: ['bias'], count: out, channels: 1, required: true }] : []),
      ];
    }
    case 'batchnorm': {
      const p = layer.batchnorm!;
      const c = n(p.channels);
      const fields = p.computeMeanVar ? ['gamma', 'beta'] : ['gamma', 'beta', 'mean', 'variance'];
      return fields.map((f) => ({ field: [f], count: c, channels: 1, required: true }));
    }
    case 'scale': {
      const p = layer.scale!;
      return [
        { field: ['scale'], count: prod(p.shapeScale), channels: chwChannels(p.shapeScale), required: true },
        ...(p.hasBias ? [{ field: ['bias'], count: prod(p.shapeBias), channels: chwChannels(p.shapeBias), required: true }] : []),
      ];
    }
    case 'bias':
      return [{ field: ['bias'], count: prod(layer.bias!.shape), channels: chwChannels(layer.bias!.shape), required: true }];
    case 'loadConstant':
      return [{ field: ['data'], count: prod(layer.loadConstant!.shape), channels: chwChannels(layer.loadConstant!.shape), required: true }];
    case 'loadConstantND':
      return [{ field: ['data'], count: prod(layer.loadConstantND!.shape), channels: 1, required: true }];
    case 'layerNormalization': {
      const c = prod(layer.layerNormalization!.normalizedShape);
      return [{ field: ['gamma'], count: c, channels: 1, required: true }, { field: ['beta'], count: c, channels: 1, required: true }];
    }
    case 'simpleRecurrent': {
      const p = layer.simpleRecurrent!;
      const out = n(p.outputVectorSize);
      return [
        { field: ['weightMatrix'], count: out * n(p.inputVectorSize), channels: out, required: true },
        { field: ['recursionMatrix'], count: out * out, channels: out, required: true },
        ...(p.hasBiasVector ? [{ field: ['biasVector'], count: out, channels: 1, required: true }] : []),
      ];
    }
    case 'gru': {
      const p = layer.gru!;
      const out = n(p.outputVectorSize);
      const inSize = n(p.inputVectorSize);
      const gates = ['update', 'reset', 'output'];
      return [
        ...gates.map((g) => ({ field: [`${g}GateWeightMatrix`], count: out * inSize, channels: out, required: true })),
        ...gates.map((g) => ({ field: [`${g}GateRecursionMatrix`], count: out * out, channels: out, required: true })),
        ...(p.hasBiasVectors ? gates.map((g) => ({ field: [`${g}GateBiasVector`], count: out, channels: 1, required: true })) : []),
      ];
    }
    case 'uniDirectionalLSTM': {
      const p = layer.uniDirectionalLSTM!;
      return lstm(['weightParams'], n(p.inputVectorSize), n(p.outputVectorSize), !!p.params?.hasBiasVectors, !!p.params?.hasPeepholeVectors);
    }
    case 'biDirectionalLSTM': {
      const p = layer.biDirectionalLSTM!;
      const args = [n(p.inputVectorSize), n(p.outputVectorSize), !!p.params?.hasBiasVectors, !!p.params?.hasPeepholeVectors] as const;
      return [...lstm(['weightParams', 0], ...args), ...lstm(['weightParams', 1], ...args)];
    }
    default:
      return [];
  }
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
    const len = q.lookupTableQuantization.floatValue?.length ?? 0;
    if (len !== 2 ** bits) out.error('quantization-lut-length', `${what}: a ${bits}-bit lookup table needs ${2 ** bits} entries, has ${len}`, [...qp, 'lookupTableQuantization', 'floatValue']);
  }
}

/** Counts a weight against what the layer parameters imply. */
function checkWeightCount(w: WeightParams | undefined, e: Expected, what: string, path: readonly PathStep[], out: DiagnosticSink): void {
  const kinds = w ? storageOf(w) : [];
  if (!w || kinds.length === 0) {
    if (e.required) out.error('weight-missing', `${what} has no values; the layer needs ${e.count}`, path);
    return;
  }
  if (kinds.length > 1) return; // reported as weight-storage
  const kind = kinds[0];
  const q = w.quantization;
  const bits = Number(q?.numberOfBits ?? 0);
  switch (kind) {
    case 'floatValue':
    case 'float16Value': {
      const have = kind === 'floatValue' ? w.floatValue!.length : Math.floor(w.float16Value!.length / 2);
      if (have !== e.count) out.error('weight-count', `${what} has ${have} values; the layer parameters imply ${e.count}`, [...path, kind]);
      break;
    }
    case 'rawValue': {
      if (!q || bits < 1 || bits > 8) break;
      const need = Math.ceil((e.count * bits) / 8);
      const have = w.rawValue!.length;
      if (have < need) out.error('quantized-byte-count', `${what} has ${have} bytes; ${e.count} values of ${bits} bits need ${need}`, [...path, 'rawValue']);
      else if (have > need) out.warning('quantized-byte-count', `${what} has ${have} bytes; ${e.count} values of ${bits} bits need only ${need} (the rest is ignored)`, [...path, 'rawValue']);
      break;
    }
    case 'int8RawValue':
      if (w.int8RawValue!.length !== e.count) out.error('weight-count', `${what} has ${w.int8RawValue!.length} int8 values; the layer parameters imply ${e.count}`, [...path, 'int8RawValue']);
      break;
  }
  const s = q?.linearQuantization?.scale?.length;
  if (s !== undefined && s !== 1 && s !== e.channels) {
    out.error('quantization-scale-length', `${what}: linear quantization has ${s} scale values; give 1 or one per output channel (${e.channels})`, [...path, 'quantization', 'linearQuantization', 'scale']);
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
  const params = layer[type] as object | undefined;
  if (!params) return;
  const paramsPath = [...layerPath, type];
  const paramsType = MESSAGES[LAYER_MESSAGE]?.fields.find((f) => f.name === type)?.type;
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
  for (const e of expectedWeights(type, layer)) {
    const w = get(params, e.field) as WeightParams | undefined;
    checkWeightCount(w, e, `${label} ${e.field.join('.')}`, [...paramsPath, ...e.field], out);
  }
}
