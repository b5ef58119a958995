// One view over the weight tensors the inspector shows, whatever their storage: NeuralNetwork
// WeightParams (float32, float16, n-bit linear or lookup-table quantized, int8) and ML Program
// values (immediate tensors, or blobs in the package's weight file). `decode` dequantizes to
// float32 for statistics, the histogram and .npy export.
import { resolveModelPath, type MlPackage } from '../../../shared/format/mlpackage';
import { enumValueName } from '../../../shared/format/protobuf/codec';
import type { MILSpec_TensorType, MILSpec_Value, WeightParams } from '../../../shared/format/schema/types.generated';
import { blobData } from '../../../shared/format/weightfile';
import { weightStorage } from '../../../shared/inspect/inspect';
import { decodeBfloat16, decodeFloat16 } from './half';

export interface TensorView {
  /** For people: "float16", "8-bit lookup table (256 entries)", "blob file, float16". */
  readonly storage: string;
  /** Stable kind for tests and styling: weightStorage's kind, or "blob-<type>", "immediate-<type>". */
  readonly storageKind: string;
  readonly shape?: readonly number[];
  readonly count: number;
  readonly bytes: number;
  /** Where the data lives, for blobs: "Data/com.apple.CoreML/weights/weight.bin @ 64". */
  readonly location?: string;
  /** Why values cannot be shown, when they cannot. */
  readonly problem?: string;
  decode(): Float32Array | undefined;
}

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * n-bit quantized values as coremltools writes them (neural_network/quantization_utils.py,
 * _convert_array_to_nbit_quantized_bytes): one bit stream, each value's bits most significant
 * first, each byte filled from its most significant bit.
 */
export function unpackBits(bytes: Uint8Array, bits: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  if (bits === 8) { out.set(bytes.subarray(0, count)); return out; }
  let bit = 0;
  for (let i = 0; i < count; i++) {
    let v = 0;
    for (let k = 0; k < bits; k++, bit++) v = (v << 1) | ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
    out[i] = v;
  }
  return out;
}

export function tensorFromWeightParams(w: WeightParams, shape?: readonly number[]): TensorView | undefined {
  const s = weightStorage(w);
  if (!s) return undefined;
  const known = shape && shape.length ? product(shape) : undefined;
  const base = { storageKind: s.kind, bytes: s.bytes, ...(shape && shape.length ? { shape } : {}) };
  if (w.floatValue?.length) {
    const v = w.floatValue;
    return { ...base, storage: 'float32', count: v.length, decode: () => Float32Array.from(v) };
  }
  if (w.float16Value?.length) {
    const b = w.float16Value;
    return { ...base, storage: 'float16', count: b.length / 2, decode: () => decodeFloat16(b) };
  }
  if (w.rawValue?.length) {
    const q = w.quantization;
    const bits = Number(q?.numberOfBits ?? 0);
    const raw = w.rawValue;
    if (!q || bits < 1 || bits > 8) {
      return { ...base, storage: `raw bytes${q ? `, ${bits}-bit` : ''}`, count: known ?? raw.length, problem: 'raw weights without usable quantization parameters', decode: () => undefined };
    }
    const count = known ?? Math.floor((raw.length * 8) / bits);
    const lut = q.lookupTableQuantization?.floatValue;
    if (lut) {
      return {
        ...base, storage: `${bits}-bit lookup table (${lut.length} entries)`, count,
        decode: () => { const idx = unpackBits(raw, bits, count); const out = new Float32Array(count); for (let i = 0; i < count; i++) out[i] = lut[idx[i]] ?? NaN; return out; },
      };
    }
    const lin = q.linearQuantization;
    if (lin) {
      const scale = lin.scale ?? new Float32Array([1]);
      const bias = lin.bias ?? new Float32Array([0]);
      const channels = Math.max(scale.length, bias.length, 1);
      return {
        ...base, storage: `${bits}-bit linear (${channels === 1 ? 'per tensor' : `${channels} channels`})`, count,
        decode: () => {
          // NeuralNetwork.proto: scale and bias have one entry, or one per output channel (the
          // outermost axis of the weights).
          const idx = unpackBits(raw, bits, count);
          const per = Math.max(1, Math.floor(count / channels));
          const out = new Float32Array(count);
          for (let i = 0; i < count; i++) {
            const c = Math.min(channels - 1, Math.floor(i / per));
            out[i] = (scale.length > 1 ? scale[c] : scale[0]) * idx[i] + (bias.length > 1 ? bias[c] : bias[0] ?? 0);
          }
          return out;
        },
      };
    }
    return { ...base, storage: `${bits}-bit, no quantization type`, count, problem: 'quantization parameters name no type', decode: () => undefined };
  }
  if (w.int8RawValue?.length) {
    const b = w.int8RawValue;
    return { ...base, storage: 'int8', count: b.length, decode: () => Float32Array.from(new Int8Array(b.buffer, b.byteOffset, b.length)) };
  }
  return undefined;
}

/** MIL data type names as the proto spells them (MILSpec.DataType). */
export function milDataTypeName(t: number | undefined): string {
  return enumValueName('CoreML.Specification.MILSpec.DataType', t ?? 0) ?? `type ${t}`;
}

/** Constant dimensions of a MIL tensor type (unknown dimensions are -1). */
export function milShape(t: MILSpec_TensorType | undefined): number[] | undefined {
  if (!t?.dimensions) return undefined;
  return t.dimensions.map((d) => (d.constant ? Number(d.constant.size ?? 0) : -1));
}

function decodeTyped(type: string, data: Uint8Array): Float32Array | undefined {
  const aligned = (n: number): ArrayBuffer => data.slice(0, data.length - (data.length % n)).buffer as ArrayBuffer;
  switch (type) {
    case 'float16': return decodeFloat16(data);
    case 'bfloat16': return decodeBfloat16(data);
    case 'float32': return new Float32Array(aligned(4));
    case 'float64': return Float32Array.from(new Float64Array(aligned(8)));
    case 'int8': return Float32Array.from(new Int8Array(data.buffer, data.byteOffset, data.length));
    case 'uint8': return Float32Array.from(data);
    case 'int16': return Float32Array.from(new Int16Array(aligned(2)));
    case 'uint16': return Float32Array.from(new Uint16Array(aligned(2)));
    case 'int32': return Float32Array.from(new Int32Array(aligned(4)));
    case 'uint32': return Float32Array.from(new Uint32Array(aligned(4)));
    default: return undefined;
  }
}

/** A const operation's value: an immediate tensor or a blob in the package's weight file. */
export function tensorFromMilValue(value: MILSpec_Value, pkg: MlPackage | undefined): TensorView | undefined {
  const tt = value.type?.tensorType;
  const shape = milShape(tt);
  const dtype = milDataTypeName(tt?.dataType).toLowerCase();
  const count = shape && shape.every((d) => d >= 0) ? product(shape) : undefined;
  const withShape = shape ? { shape } : {};
  if (value.blobFileValue) {
    const { fileName = '', offset = 0 } = value.blobFileValue;
    const path = pkg ? resolveModelPath(pkg.modelPath, fileName) : fileName;
    const file = pkg?.contents.files.get(path);
    const location = `${path} @ ${offset}`;
    if (!file) return { storage: `blob file, ${dtype}`, storageKind: `blob-${dtype}`, ...withShape, count: count ?? 0, bytes: 0, location, problem: `${path} is not in the package`, decode: () => undefined };
    try {
      const { record, data } = blobData(file, Number(offset));
      return {
        storage: `blob file, ${record.dataTypeName}`, storageKind: `blob-${record.dataTypeName}`, ...withShape,
        count: count ?? Math.floor((data.length * 8) / (record.dataTypeName.match(/\d+/) ? Number(record.dataTypeName.match(/\d+/)![0]) : 8)),
        bytes: record.sizeInBytes, location,
        decode: () => decodeTyped(record.dataTypeName, data),
      };
    } catch (e) {
      return { storage: `blob file, ${dtype}`, storageKind: `blob-${dtype}`, ...withShape, count: count ?? 0, bytes: 0, location, problem: (e as Error).message, decode: () => undefined };
    }
  }
  const t = value.immediateValue?.tensor;
  if (!t) return undefined;
  const base = { storageKind: `immediate-${dtype}`, storage: `immediate, ${dtype}`, ...withShape };
  if (t.floats?.values) { const v = t.floats.values; return { ...base, count: v.length, bytes: v.byteLength, decode: () => Float32Array.from(v) }; }
  if (t.doubles?.values) { const v = t.doubles.values; return { ...base, count: v.length, bytes: v.byteLength, decode: () => Float32Array.from(v) }; }
  if (t.ints?.values) { const v = t.ints.values; return { ...base, count: v.length, bytes: v.length * 4, decode: () => Float32Array.from(v) }; }
  if (t.longInts?.values) { const v = t.longInts.values; return { ...base, count: v.length, bytes: v.length * 8, decode: () => Float32Array.from(v, Number) }; }
  if (t.bools?.values) { const v = t.bools.values; return { ...base, count: v.length, bytes: v.length, decode: () => Float32Array.from(v, (b) => (b ? 1 : 0)) }; }
  if (t.bytes?.values) { const v = t.bytes.values; return { ...base, count: count ?? v.length, bytes: v.length, decode: () => decodeTyped(dtype, v) }; }
  return undefined;
}
