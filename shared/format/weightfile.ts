// The ML Program weight file (`weights/weight.bin`), MIL blob storage format version 2
// (coremltools mlmodel/src/MILBlob/Blob/StorageFormat.hpp):
//   64-byte header: uint32 count, uint32 version (2), 56 reserved bytes;
//   then per blob a 64-byte record: uint32 sentinel 0xDEADBEEF, uint32 data type,
//   uint64 size in bytes, uint64 data offset, uint64 padding bits (sub-byte types), reserved;
//   every record and every data block starts on a 64-byte boundary.
// A MIL `BlobFileValue { fileName, offset }` points at a blob's 64-byte record.

export const BLOB_SENTINEL = 0xdeadbeef;
export const BLOB_ALIGNMENT = 64;

/** BlobDataType values of the storage format (MILBlob/Blob/BlobDataType.hpp). */
export const BLOB_DATA_TYPES: Readonly<Record<number, { name: string; bits: number }>> = {
  1: { name: 'float16', bits: 16 },
  2: { name: 'float32', bits: 32 },
  3: { name: 'uint8', bits: 8 },
  4: { name: 'int8', bits: 8 },
  5: { name: 'bfloat16', bits: 16 },
  6: { name: 'int16', bits: 16 },
  7: { name: 'uint16', bits: 16 },
  8: { name: 'int4', bits: 4 },
  9: { name: 'uint1', bits: 1 },
  10: { name: 'uint2', bits: 2 },
  11: { name: 'uint4', bits: 4 },
  12: { name: 'uint3', bits: 3 },
  13: { name: 'uint6', bits: 6 },
  14: { name: 'int32', bits: 32 },
  15: { name: 'uint32', bits: 32 },
  16: { name: 'float8e4m3fn', bits: 8 },
  17: { name: 'float8e5m2', bits: 8 },
};

export interface BlobRecord {
  /** Offset of the 64-byte metadata record: the value a BlobFileValue.offset names. */
  readonly metadataOffset: number;
  readonly dataType: number;
  readonly dataTypeName: string;
  readonly sizeInBytes: number;
  readonly dataOffset: number;
  readonly paddingBits: number;
}

export interface WeightFile {
  readonly version: number;
  readonly count: number;
  readonly blobs: readonly BlobRecord[];
}

export class WeightFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightFileError';
  }
}

function u64(dv: DataView, at: number): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WeightFileError(`64-bit value at byte ${at} is out of range`);
  return Number(v);
}

/** Reads the header and every blob record, checking each against the file's length. */
export function parseWeightFile(bytes: Uint8Array): WeightFile {
  if (bytes.length < BLOB_ALIGNMENT) throw new WeightFileError(`weight file is ${bytes.length} bytes, shorter than its 64-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = dv.getUint32(0, true);
  const version = dv.getUint32(4, true);
  if (version !== 2) throw new WeightFileError(`weight file version ${version} is not supported (expected 2)`);
  const blobs: BlobRecord[] = [];
  let at = BLOB_ALIGNMENT;
  for (let i = 0; i < count; i++) {
    if (at + BLOB_ALIGNMENT > bytes.length) throw new WeightFileError(`blob ${i} of ${count}: record at byte ${at} runs past the end of the file (${bytes.length} bytes)`);
    blobs.push(readBlobRecord(dv, at, bytes.length));
    const b = blobs[i];
    at = Math.ceil((b.dataOffset + b.sizeInBytes) / BLOB_ALIGNMENT) * BLOB_ALIGNMENT;
  }
  return { version, count, blobs };
}

/** The record a BlobFileValue.offset points at. */
export function readBlobRecord(dv: DataView, at: number, fileLength = dv.byteLength): BlobRecord {
  if (at + BLOB_ALIGNMENT > fileLength) throw new WeightFileError(`blob record at byte ${at} runs past the end of the file`);
  const sentinel = dv.getUint32(at, true);
  if (sentinel !== BLOB_SENTINEL) throw new WeightFileError(`no blob record at byte ${at} (sentinel ${sentinel.toString(16)}, expected deadbeef)`);
  const dataType = dv.getUint32(at + 4, true);
  const sizeInBytes = u64(dv, at + 8);
  const dataOffset = u64(dv, at + 16);
  const paddingBits = u64(dv, at + 24);
  if (dataOffset + sizeInBytes > fileLength) throw new WeightFileError(`blob at byte ${at}: data [${dataOffset}, ${dataOffset + sizeInBytes}) runs past the end of the file (${fileLength} bytes)`);
  return { metadataOffset: at, dataType, dataTypeName: BLOB_DATA_TYPES[dataType]?.name ?? `type ${dataType}`, sizeInBytes, dataOffset, paddingBits };
}

/** The bytes of the blob whose record is at `metadataOffset`. */
export function blobData(bytes: Uint8Array, metadataOffset: number): { record: BlobRecord; data: Uint8Array } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const record = readBlobRecord(dv, metadataOffset, bytes.length);
  return { record, data: bytes.subarray(record.dataOffset, record.dataOffset + record.sizeInBytes) };
}
