// Weight quantization to n bits (1–8), as Core ML 2 stores it (NeuralNetwork.proto,
// QuantizationParams): `rawValue` holds the codes packed most-significant bit first, consecutive
// values crossing byte boundaries; linear quantization keeps w = scale * q + bias with one scale and
// bias, or one per output channel; a lookup table keeps w = lut[q] with 2^bits entries, chosen by
// k-means or spaced linearly between the minimum and the maximum.
import { MODEL_TYPE } from '../format/model';
import type { Model, NeuralNetworkLayer, WeightParams } from '../format/schema/types.generated';
import { walkMessages, type PathStep } from '../format/walk';
import { float16BytesToFloat32 } from '../numeric/float16';
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

/** Layer kinds whose weights Core ML accepts quantized, and the weight fields of each. */
const QUANTIZABLE: Readonly<Record<string, readonly string[]>> = {
  convolution: ['weights', 'bias'],
  innerProduct: ['weights', 'bias'],
  batchedMatmul: ['weights', 'bias'],
  embedding: ['weights', 'bias'],
  embeddingND: ['weights', 'bias'],
};

/** Packs n-bit codes most-significant bit first. */
export function packBits(codes: ArrayLike<number>, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((codes.length * bits) / 8));
  let bit = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    for (let b = bits - 1; b >= 0; b--, bit++) if ((c >> b) & 1) out[bit >> 3] |= 0x80 >> (bit & 7);
  }
  return out;
}

export function unpackBits(bytes: Uint8Array, bits: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  let bit = 0;
  for (let i = 0; i < count; i++) {
    let c = 0;
    for (let b = 0; b < bits; b++, bit++) c = (c << 1) | ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
    out[i] = c;
  }
  return out;
}

function floatsOf(w: WeightParams): Float32Array | undefined {
  if (w.floatValue?.length) return w.floatValue;
  if (w.float16Value?.length) return float16BytesToFloat32(w.float16Value);
  return undefined;
}

function linear(values: Float32Array, bits: number, channels: number): WeightParams {
  const levels = (1 << bits) - 1;
  const per = values.length / channels;
  const scale = new Float32Array(channels), bias = new Float32Array(channels);
  const codes = new Uint8Array(values.length);
  for (let c = 0; c < channels; c++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = c * per; i < (c + 1) * per; i++) { lo = Math.min(lo, values[i]); hi = Math.max(hi, values[i]); }
    const s = hi > lo ? (hi - lo) / levels : 1;
    scale[c] = s; bias[c] = lo;
    for (let i = c * per; i < (c + 1) * per; i++) codes[i] = Math.min(levels, Math.max(0, Math.round((values[i] - lo) / s)));
  }
  return { rawValue: packBits(codes, bits), quantization: { numberOfBits: bits, linearQuantization: { scale, bias } } };
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
  return { rawValue: packBits(codes, bits), quantization: { numberOfBits: bits, lookupTableQuantization: { floatValue: lut } } };
}

/** Output channels of a layer's weight tensor, for per-channel linear quantization. */
function outputChannels(layer: NeuralNetworkLayer, type: string): number {
  if (type === 'convolution') return Number(layer.convolution?.outputChannels ?? 1);
  if (type === 'innerProduct') return Number(layer.innerProduct?.outputChannels ?? 1);
  if (type === 'batchedMatmul') return Number(layer.batchedMatmul?.weightMatrixSecondDimension ?? 1);
  return 1;
}

const startsWith = (p: readonly PathStep[], prefix: readonly PathStep[]) => prefix.every((s, i) => p[i] === s);

export function quantizeWeights(spec: Model, args: QuantizeArgs): Model {
  if (!Number.isInteger(args.bits) || args.bits < 1 || args.bits > 8) throw new SurgeryError(`quantization takes 1 to 8 bits (got ${args.bits})`);
  if (args.perChannel && args.mode !== 'linear') throw new SurgeryError('per-channel quantization applies to linear mode only');
  const jobs: { path: PathStep[]; w: WeightParams; channels: number }[] = [];
  for (const v of walkMessages(MODEL_TYPE, spec)) {
    if (v.typeName !== 'CoreML.Specification.NeuralNetworkLayer') continue;
    const layer = v.message as NeuralNetworkLayer;
    const type = Object.keys(QUANTIZABLE).find((t) => (layer as Record<string, unknown>)[t] !== undefined);
    if (!type || (args.under && !args.under.some((p) => startsWith(v.path, p)))) continue;
    for (const field of QUANTIZABLE[type]) {
      const w = ((layer as Record<string, Record<string, WeightParams | undefined>>)[type])[field];
      if (!w || w.isUpdatable || !floatsOf(w)) continue;
      const n = floatsOf(w)!.length;
      const ch = args.perChannel ? outputChannels(layer, type) : 1;
      jobs.push({ path: [...v.path, type, field], w, channels: ch > 0 && n % ch === 0 ? ch : 1 });
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

/** The float values a quantized or float WeightParams stands for (for previews and checks). */
export function dequantize(w: WeightParams, count: number): Float32Array {
  const f = floatsOf(w);
  if (f) return f;
  const q = w.quantization;
  if (!w.rawValue || !q?.numberOfBits) throw new SurgeryError('these weights are neither float nor quantized');
  const codes = unpackBits(w.rawValue, Number(q.numberOfBits), count);
  const out = new Float32Array(count);
  if (q.lookupTableQuantization) {
    const lut = q.lookupTableQuantization.floatValue!;
    for (let i = 0; i < count; i++) out[i] = lut[codes[i]];
  } else if (q.linearQuantization) {
    const s = q.linearQuantization.scale!, b = q.linearQuantization.bias!;
    const per = s.length > 1 ? count / s.length : count;
    for (let i = 0; i < count; i++) { const c = s.length > 1 ? Math.floor(i / per) : 0; out[i] = codes[i] * s[c] + b[c]; }
  }
  return out;
}
