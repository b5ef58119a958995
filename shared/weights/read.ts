// NeuralNetwork weight storages to float32 values
// (NeuralNetwork.proto, WeightParams and QuantizationParams):
// - floatValue: float32 as stored;
// - float16Value: IEEE half precision, little-endian (shared/numeric/float16);
// - rawValue + QuantizationParams: uintN codes (N = numberOfBits, 1..8) packed in one bit stream,
//   each code most significant bit first (coremltools quantization_utils.py,
//   _convert_array_to_nbit_quantized_bytes), then either
//     linear:        W = q * scale + bias
//     lookup table:  W = lut[q]
// - int8RawValue (int8DynamicQuantize layers): signed int8 codes, W = q * scale;
// - rawValue without quantization parameters: little-endian float32 bytes.
//
// Linear quantization, per channel. NeuralNetwork.proto, LinearQuantizationParams: scale and bias
// each "must be an array of 1 element, or an array of C elements, where C is number of output
// channels". The two lengths are independent, so one bias with several scales applies that bias
// to every channel (coremltools' builder checks each length on its own in
// _verify_quantization_arguments). An empty bias means 0 (int8RawValue requires it empty).
// The output channel is the outermost axis of the weights except for deconvolution, whose
// weights are [C_in, C_out / groups, kH, kW] and are quantized along axis 1 (coremltools
// _quantize_nn_spec, axis=1): callers pass `channelStride` for that case.
import type { WeightParams } from '../format';
import { float16BytesToFloat32 } from '../numeric';
import { unpackCodes } from './bits';
import { weightStorageKind } from './storage';

export class WeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsError';
  }
}

export interface ReadWeightsOptions {
  /** How many values the weights must hold (required for sub-byte codes to know where to stop). */
  count?: number;
  /**
   * Per-channel linear quantization: how many consecutive values share one channel before the
   * channel index advances (the product of the axes after the channel axis). The channel of value
   * i is floor(i / channelStride) mod C. Defaults to count / C (channel = outermost axis).
   */
  channelStride?: number;
  /** Names the weights in error messages ("weights", "bias", …). */
  what?: string;
}

/**
 * The float32 values of a WeightParams. floatValue comes back as the stored view (do not write
 * to it); every other storage is decoded into a new array. Throws WeightsError when the weights
 * are missing, hold the wrong number of values, or their quantization parameters are unusable.
 */
export function readWeights(w: WeightParams | undefined, options: ReadWeightsOptions = {}): Float32Array {
  return prepareRead(w, options)();
}

/**
 * Why readWeights would refuse these weights, without decoding them (cheap for any size);
 * undefined when they read.
 */
export function weightsProblem(w: WeightParams | undefined, options: ReadWeightsOptions = {}): string | undefined {
  try {
    prepareRead(w, options);
    return undefined;
  } catch (e) {
    if (e instanceof WeightsError) return e.message;
    throw e;
  }
}

/** Every check readWeights makes, then the decoding as a function. */
function prepareRead(w: WeightParams | undefined, options: ReadWeightsOptions): () => Float32Array {
  const what = options.what ?? 'weights';
  const count = options.count;
  const checkCount = (n: number): void => {
    if (count !== undefined && n !== count) throw new WeightsError(`${what} hold ${n} values, expected ${count}`);
  };
  const kind = weightStorageKind(w);
  if (kind === 'empty') {
    if (count === 0) return () => new Float32Array(0);
    throw new WeightsError(`${what} are empty`);
  }
  if (kind === 'float32') {
    checkCount(w!.floatValue!.length);
    return () => w!.floatValue!;
  }
  if (kind === 'float16') {
    if (w!.float16Value!.length % 2) throw new WeightsError(`${what}: float16Value has an odd number of bytes (${w!.float16Value!.length})`);
    checkCount(w!.float16Value!.length / 2);
    return () => float16BytesToFloat32(w!.float16Value!);
  }
  if (kind === 'raw') {
    const raw = w!.rawValue!;
    if (raw.length % 4) throw new WeightsError(`${what}: rawValue without quantization parameters must be float32 bytes, ${raw.length} bytes is not a multiple of 4`);
    checkCount(raw.length / 4);
    return () => {
      const out = new Float32Array(raw.length / 4);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    };
  }
  const q = w!.quantization;
  if (kind === 'int8') {
    const raw = w!.int8RawValue!;
    checkCount(raw.length);
    const lin = q?.linearQuantization;
    const apply = linearDequantizer(lin?.scale, lin?.bias, raw.length, options, what);
    return () => apply(Float32Array.from(new Int8Array(raw.buffer, raw.byteOffset, raw.length)));
  }
  // rawValue with quantization parameters.
  const raw = w!.rawValue!;
  const bits = Number(q!.numberOfBits ?? 0);
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new WeightsError(`${what}: numberOfBits must be 1 to 8, got ${bits}`);
  const n = count ?? Math.floor((raw.length * 8) / bits);
  const needed = Math.ceil((n * bits) / 8);
  if (raw.length < needed) throw new WeightsError(`${what}: rawValue has ${raw.length} bytes, ${n} ${bits}-bit values need ${needed}`);
  if (count !== undefined && raw.length > needed) throw new WeightsError(`${what}: rawValue has ${raw.length} bytes, ${n} ${bits}-bit values fill ${needed}`);
  if (q!.lookupTableQuantization) {
    const lut = q!.lookupTableQuantization.floatValue ?? new Float32Array(0);
    if (lut.length < 1 << bits) throw new WeightsError(`${what}: the lookup table has ${lut.length} entries, ${bits} bits need ${1 << bits}`);
    return () => {
      const codes = unpackCodes(raw, bits, n);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = lut[codes[i]];
      return out;
    };
  }
  if (q!.linearQuantization) {
    const apply = linearDequantizer(q!.linearQuantization.scale, q!.linearQuantization.bias, n, options, what);
    return () => apply(Float32Array.from(unpackCodes(raw, bits, n)));
  }
  throw new WeightsError(`${what}: rawValue with quantization parameters that name no type (linear or lookup table)`);
}

/** Checks scale and bias lengths against the values, then maps codes to q * scale + bias in place. */
function linearDequantizer(
  scale: Float32Array | undefined, bias: Float32Array | undefined, n: number, options: ReadWeightsOptions, what: string,
): (codes: Float32Array) => Float32Array {
  const s = scale?.length ? scale : new Float32Array([1]);
  const b = bias ?? new Float32Array(0);
  const channels = Math.max(s.length, b.length);
  if (s.length !== 1 && s.length !== channels) throw new WeightsError(`${what}: ${s.length} scales and ${b.length} biases: each must be 1 or one per output channel`);
  if (b.length > 1 && b.length !== channels) throw new WeightsError(`${what}: ${s.length} scales and ${b.length} biases: each must be 1 or one per output channel`);
  const stride = options.channelStride ?? (channels > 1 ? n / channels : n);
  if (channels > 1 && (!Number.isInteger(stride) || stride < 1)) throw new WeightsError(`${what}: ${n} values do not split into ${channels} channels`);
  return (codes) => {
    for (let i = 0; i < n; i++) {
      const c = channels > 1 ? Math.floor(i / stride) % channels : 0;
      codes[i] = codes[i] * (s.length > 1 ? s[c] : s[0]) + (b.length > 1 ? b[c] : b.length ? b[0] : 0);
    }
    return codes;
  };
}
