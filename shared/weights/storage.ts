// Which storage a NeuralNetwork WeightParams uses and how many bytes it takes
// (NeuralNetwork.proto, WeightParams: floatValue, float16Value, rawValue with
// QuantizationParams, int8RawValue).
import { repeatedCount, type WeightParams } from '../format';

export type WeightStorageKind = 'float32' | 'float16' | 'quantized' | 'int8' | 'raw' | 'empty';

/** Which storage a WeightParams uses, in words. */
export function weightStorageKind(w: WeightParams | undefined): WeightStorageKind {
  if (!w) return 'empty';
  if (repeatedCount(w, 'floatValue')) return 'float32';
  if (w.float16Value?.length) return 'float16';
  if (w.rawValue?.length) return w.quantization ? 'quantized' : 'raw';
  if (w.int8RawValue?.length) return 'int8';
  return 'empty';
}

/**
 * Storage kind and byte size of one weight tensor, the kind naming the quantization
 * ("quantized-lut-6bit", "quantized-linear-8bit"): the keys of inspect's byte counts.
 */
export function weightStorage(w: WeightParams): { kind: string; bytes: number } | undefined {
  const floats = repeatedCount(w, 'floatValue');
  if (floats) return { kind: 'float32', bytes: floats * 4 };
  if (w.float16Value?.length) return { kind: 'float16', bytes: w.float16Value.length };
  if (w.rawValue?.length) {
    const q = w.quantization;
    const bits = q?.numberOfBits ?? 0;
    const kind = q?.lookupTableQuantization ? `quantized-lut-${bits}bit` : q?.linearQuantization ? `quantized-linear-${bits}bit` : 'raw';
    return { kind, bytes: w.rawValue.length };
  }
  if (w.int8RawValue?.length) return { kind: 'int8', bytes: w.int8RawValue.length };
  return undefined;
}
