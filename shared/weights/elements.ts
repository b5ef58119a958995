// Typed element bytes to float32: the element types of ML Program tensors and of the blobs in an
// .mlpackage's weight file (MILBlob BlobDataType, shared/format/weightfile.ts). All little-endian.
import { MILSpec_DataType, blobData, type BlobRecord } from '../format';
import { float16BytesToFloat32 } from '../numeric';
import { unpackCodesLsbFirst } from './bits';

/** binary16, little-endian (WeightParams.float16Value and fp16 blobs). */
export const decodeFloat16 = float16BytesToFloat32;

/** bfloat16, little-endian: the upper half of a float32. */
export function decodeBfloat16(bytes: Uint8Array): Float32Array {
  const n = bytes.length >> 1;
  const u = new Uint32Array(n);
  for (let i = 0; i < n; i++) u[i] = ((bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16) >>> 0;
  return new Float32Array(u.buffer);
}

/** Sub-byte element types: bits per element and whether they are signed. */
const SUB_BYTE: Readonly<Record<string, { bits: number; signed: boolean }>> = {
  int4: { bits: 4, signed: true }, uint1: { bits: 1, signed: false }, uint2: { bits: 2, signed: false },
  uint3: { bits: 3, signed: false }, uint4: { bits: 4, signed: false }, uint6: { bits: 6, signed: false },
};

const BYTES: Readonly<Record<string, number>> = {
  float16: 2, bfloat16: 2, float32: 4, float64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4,
};

/** Bits per element of an element type name ("float16" → 16, "uint4" → 4); undefined when unknown. */
export function elementBits(type: string): number | undefined {
  return SUB_BYTE[type]?.bits ?? (BYTES[type] !== undefined ? BYTES[type] * 8 : undefined);
}

/**
 * The float32 values of `data` holding elements of `type` (a BlobDataType or MIL DataType name in
 * lower case: "float16", "int8", "uint4" …). `count` bounds sub-byte types, whose last byte may be
 * padding. Undefined for types with no numeric reading here (8-bit floats, strings).
 */
export function decodeElements(type: string, data: Uint8Array, count?: number): Float32Array | undefined {
  const sub = SUB_BYTE[type];
  if (sub) return Float32Array.from(unpackCodesLsbFirst(data, sub.bits, count ?? Math.floor((data.length * 8) / sub.bits), sub.signed));
  const size = BYTES[type];
  if (size === undefined) return undefined;
  // Copy into an aligned buffer: blob data sits at 64-byte offsets, immediate bytes anywhere.
  const aligned = data.slice(0, data.length - (data.length % size)).buffer;
  switch (type) {
    case 'float16': return decodeFloat16(data);
    case 'bfloat16': return decodeBfloat16(data);
    case 'float32': return new Float32Array(aligned);
    case 'float64': return Float32Array.from(new Float64Array(aligned));
    case 'int8': return Float32Array.from(new Int8Array(data.buffer, data.byteOffset, data.length));
    case 'uint8': return Float32Array.from(data);
    case 'int16': return Float32Array.from(new Int16Array(aligned));
    case 'uint16': return Float32Array.from(new Uint16Array(aligned));
    case 'int32': return Float32Array.from(new Int32Array(aligned));
    case 'uint32': return Float32Array.from(new Uint32Array(aligned));
    default: return undefined;
  }
}

/** MIL DataType values to the element type names above (MILSpec.DataType, MIL.proto). */
const MIL_ELEMENT_TYPES: ReadonlyMap<number, string> = new Map([
  [MILSpec_DataType.FLOAT16, 'float16'], [MILSpec_DataType.BFLOAT16, 'bfloat16'], [MILSpec_DataType.FLOAT32, 'float32'],
  [MILSpec_DataType.FLOAT64, 'float64'], [MILSpec_DataType.INT8, 'int8'], [MILSpec_DataType.UINT8, 'uint8'],
  [MILSpec_DataType.INT16, 'int16'], [MILSpec_DataType.UINT16, 'uint16'], [MILSpec_DataType.INT32, 'int32'],
  [MILSpec_DataType.UINT32, 'uint32'], [MILSpec_DataType.INT4, 'int4'], [MILSpec_DataType.UINT1, 'uint1'],
  [MILSpec_DataType.UINT2, 'uint2'], [MILSpec_DataType.UINT3, 'uint3'], [MILSpec_DataType.UINT4, 'uint4'],
  [MILSpec_DataType.UINT6, 'uint6'],
]);

/** The float32 values of a MIL tensor's raw bytes (TensorValue.bytes) of a MIL DataType. */
export function decodeMilBytes(dataType: number | undefined, data: Uint8Array, count?: number): Float32Array | undefined {
  const type = MIL_ELEMENT_TYPES.get(dataType ?? 0);
  return type ? decodeElements(type, data, count) : undefined;
}

export interface Blob {
  readonly record: BlobRecord;
  /** How many elements the blob holds (a sub-byte blob's padding bits left out). */
  readonly count: number;
  /** Whether its element type has a numeric reading here (not the 8-bit floats). */
  readonly decodable: boolean;
  /** The float32 values (decoded on each call; undefined when not decodable). */
  decode(): Float32Array | undefined;
}

/** The blob whose 64-byte record starts at `offset` of a weight file. Throws WeightFileError. */
export function readBlob(file: Uint8Array, offset: number): Blob {
  const { record, data } = blobData(file, offset);
  const type = record.dataTypeName;
  const bits = elementBits(type);
  // Padding bits only mean something for sub-byte types; older writers leave the field unset.
  const padding = bits !== undefined && bits < 8 && record.paddingBits < 8 ? record.paddingBits : 0;
  const count = Math.floor((data.length * 8 - padding) / (bits ?? 8));
  return { record, count, decodable: bits !== undefined, decode: () => decodeElements(type, data, count) };
}
