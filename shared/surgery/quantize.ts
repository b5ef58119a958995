// Weight quantization to n bits (1–8), as Core ML 2 stores it (NeuralNetwork.proto,
// QuantizationParams): `rawValue` holds the codes packed most-significant bit first, consecutive
// values crossing byte boundaries; linear quantization keeps w = scale * q + bias with one scale and
// bias, or one per output channel; a lookup table keeps w = lut[q] with 2^bits entries, chosen by
// k-means or spaced linearly between the minimum and the maximum.
import { MODEL_TYPE, walkMessages, type Model, type NeuralNetworkLayer, type PathStep, type WeightParams } from '../format';
import { layerTypeOf, layerWeights, type WeightChannels } from '../layers';
import { decodeFloat16, packCodes, readWeights, WeightsError } from '../weights';
import { SurgeryError } from './errors';
import { setIn, updateIn, withFields } from './tree';

export type QuantizationMode = 'linear' | 'kmeansLut' | 'linearLut';

export interface QuantizeArgs {
  readonly bits: number;
  readonly mode: QuantizationMode;
  /** Linear mode: a scale and bias per output channel instead of one for the tensor. */
  readonly perChannel?: boolean;
  readonly under?: readonly (readonly PathStep[])[];
}

function floatsOf(w: WeightParams): Float32Array | undefined {
  if (w.floatValue?.length) return w.floatValue;
  if (w.float16Value?.length) return decodeFloat16(w.float16Value);
  return undefined;
}

/**
 * Linear quantization with one scale and bias per channel; value i belongs to channel
 * floor(i / stride) mod count (the registry's output-channel axis, axis 1 for deconvolution).
 */
function linear(values: Float32Array, bits: number, channels: WeightChannels): WeightParams {
  const levels = (1 << bits) - 1;
  const { count, stride } = channels;
  const channelOf = (i: number): number => (count > 1 ? Math.floor(i / stride) % count : 0);
  const lo = new Float32Array(count).fill(Infinity), hi = new Float32Array(count).fill(-Infinity);
  for (let i = 0; i < values.length; i++) { const c = channelOf(i); lo[c] = Math.min(lo[c], values[i]); hi[c] = Math.max(hi[c], values[i]); }
  const scale = new Float32Array(count), bias = new Float32Array(count);
  for (let c = 0; c < count; c++) { scale[c] = hi[c] > lo[c] ? (hi[c] - lo[c]) / levels : 1; bias[c] = lo[c]; }
  const codes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    codes[i] = Math.min(levels, Math.max(0, Math.round((values[i] - bias[c]) / scale[c])));
  }
  return { rawValue: packCodes(codes, bits), quantization: { numberOfBits: bits, linearQuantization: { scale, bias } } };
}

function lookupTable(values: Float32Array, bits: number, kmeans: boolean): WeightParams {
  const k = 1 << bits;
  const sorted = Float32Array.from(values).sort();
  const lo = sorted[0], hi = sorted[sorted.length - 1];
  let lut = new Float32Array(k);
  // Both start from an even spacing; Lloyd's iterations never raise the squared error, so the
  // k-means table is at least as good as the linear one.
  for (let j = 0; j < k; j++) lut[j] = lo + ((hi - lo) * j) / Math.max(1, k - 1);
  const nearest = (x: number, table: Float32Array) => {
    let a = 0, b = table.length - 1;
    while (b - a > 1) { const m = (a + b) >> 1; if (table[m] <= x) a = m; else b = m; }
    return Math.abs(x - table[a]) <= Math.abs(x - table[b]) ? a : b;
  };
  if (kmeans) {
    // Lloyd's iterations on the sorted values: each cluster is a contiguous run.
    for (let iter = 0; iter < 20; iter++) {
      lut = Float32Array.from(lut).sort();
      const sum = new Float64Array(k), count = new Float64Array(k);
      for (let i = 0; i < sorted.length; i++) { const j = nearest(sorted[i], lut); sum[j] += sorted[i]; count[j]++; }
      let moved = false;
      for (let j = 0; j < k; j++) if (count[j]) { const c = sum[j] / count[j]; if (Math.fround(c) !== lut[j]) moved = true; lut[j] = c; }
      if (!moved) break;
    }
    lut = Float32Array.from(lut).sort();
  }
  const codes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = nearest(values[i], lut);
  return { rawValue: packCodes(codes, bits), quantization: { numberOfBits: bits, lookupTableQuantization: { floatValue: lut } } };
}

const startsWith = (p: readonly PathStep[], prefix: readonly PathStep[]) => prefix.every((s, i) => p[i] === s);
const PER_TENSOR: WeightChannels = { axis: 0, count: 1, stride: 1 };

function getBelow(params: unknown, field: readonly PathStep[]): WeightParams | undefined {
  let cur = params as Record<PathStep, unknown> | undefined;
  for (const k of field) cur = cur?.[k] as Record<PathStep, unknown> | undefined;
  return cur;
}

export function quantizeWeights(spec: Model, args: QuantizeArgs): Model {
  if (!Number.isInteger(args.bits) || args.bits < 1 || args.bits > 8) throw new SurgeryError(`quantization takes 1 to 8 bits (got ${args.bits})`);
  if (args.perChannel && args.mode !== 'linear') throw new SurgeryError('per-channel quantization applies to linear mode only');
  const jobs: { path: PathStep[]; w: WeightParams; channels: WeightChannels }[] = [];
  for (const v of walkMessages(MODEL_TYPE, spec)) {
    if (v.typeName !== 'CoreML.Specification.NeuralNetworkLayer') continue;
    const layer = v.message as NeuralNetworkLayer;
    const type = layerTypeOf(layer);
    if (!type || (args.under && !args.under.some((p) => startsWith(v.path, p)))) continue;
    for (const e of layerWeights(layer)) {
      if (!e.quantizable) continue;
      const w = getBelow(layer[type], e.field);
      if (!w || w.isUpdatable || !floatsOf(w)) continue;
      const n = floatsOf(w)!.length;
      // Per channel only when the values fill the shape the parameters imply; else one scale.
      const fits = e.shape !== undefined && e.shape.reduce((a, b) => a * b, 1) === n;
      const channels = args.perChannel && fits && e.channels.count > 1 ? e.channels : PER_TENSOR;
      jobs.push({ path: [...v.path, type, ...e.field], w, channels });
    }
  }
  if (!jobs.length) throw new SurgeryError('there are no float weights in layers that Core ML can quantize (convolution, innerProduct, batchedMatmul, embedding)');
  let out = spec;
  for (const { path, w, channels } of jobs) {
    const values = floatsOf(w)!;
    const q = args.mode === 'linear' ? linear(values, args.bits, channels) : lookupTable(values, args.bits, args.mode === 'kmeansLut');
    out = updateIn(out, path, () => withFields(w, { floatValue: undefined, float16Value: undefined, rawValue: q.rawValue, quantization: q.quantization }));
  }
  // Quantized weights arrived with Core ML 2 (specification version 3).
  if ((out.specificationVersion ?? 0) < 3) out = setIn(out, ['specificationVersion'], 3);
  return out;
}

/**
 * The float values a quantized or float WeightParams stands for (for previews and checks), read
 * by shared/weights: scale and bias each hold 1 value or one per channel, independently.
 * `channelStride` places the channel axis (see readWeights); the outermost axis by default.
 */
export function dequantize(w: WeightParams, count: number, channelStride?: number): Float32Array {
  try {
    return readWeights(w, { count, ...(channelStride !== undefined ? { channelStride } : {}) });
  } catch (e) {
    if (e instanceof WeightsError) throw new SurgeryError(e.message);
    throw e;
  }
}
