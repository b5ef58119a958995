// NumPy .npy files, format versions 1.0 to 3.0 (numpy/lib/format.py): the magic "\x93NUMPY", a
// version, a little-endian header length (uint16 for 1.x, uint32 for 2.x/3.x), a Python dict
// literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}, then the raw data. Reading
// accepts float16/32/64, signed and unsigned integers of 1 to 8 bytes and bool, in either byte
// order, C order only, and converts to float32 (the executor's one element type). Writing
// produces version 1.0 float32 little-endian, C order. It lives below surgery and the executor
// because both read .npy files: the executor its inputs, surgery a detector's anchor boxes.
import { fromFloat16Bits } from './float16';

/** A dense float32 array in C order (the executor's Tensor has this shape). */
export interface NpyTensor {
  shape: number[];
  data: Float32Array;
}

export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

export interface NpyArray extends NpyTensor {
  /** The stored dtype, e.g. "<f4", "<i8". */
  dtype: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, headerStart: number;
  if (major === 1) { headerLen = view.getUint16(8, true); headerStart = 10; }
  else if (major === 2 || major === 3) { headerLen = view.getUint32(8, true); headerStart = 12; }
  else throw new NpyError(`unsupported .npy version ${major}.${bytes[7]}`);
  if (headerStart + headerLen > bytes.length) throw new NpyError('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new NpyError(`unreadable .npy header: ${header.trim()}`);
  if (fortran === 'True') throw new NpyError('Fortran-order .npy arrays are not supported (save with C order)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(`bad .npy shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) throw new NpyError(`unsupported .npy dtype ${descr}`);
  const little = m[1] !== '>';
  const kind = m[2];
  const size = Number(m[3]);
  const dataStart = headerStart + headerLen;
  if (dataStart + count * size > bytes.length) throw new NpyError(`truncated .npy data: ${count} values of ${size} bytes need ${count * size}, the file has ${bytes.length - dataStart}`);
  const data = new Float32Array(count);
  const read = reader(kind, size, little, descr);
  for (let i = 0; i < count; i++) data[i] = read(view, dataStart + i * size);
  return { shape, data, dtype: descr };
}

function reader(kind: string, size: number, le: boolean, descr: string): (v: DataView, o: number) => number {
  if (kind === 'f' && size === 4) return (v, o) => v.getFloat32(o, le);
  if (kind === 'f' && size === 8) return (v, o) => v.getFloat64(o, le);
  if (kind === 'f' && size === 2) return (v, o) => fromFloat16Bits(v.getUint16(o, le));
  if (kind === 'i' && size === 1) return (v, o) => v.getInt8(o);
  if (kind === 'i' && size === 2) return (v, o) => v.getInt16(o, le);
  if (kind === 'i' && size === 4) return (v, o) => v.getInt32(o, le);
  if (kind === 'i' && size === 8) return (v, o) => Number(v.getBigInt64(o, le));
  if ((kind === 'u' || kind === 'b') && size === 1) return (v, o) => v.getUint8(o);
  if (kind === 'u' && size === 2) return (v, o) => v.getUint16(o, le);
  if (kind === 'u' && size === 4) return (v, o) => v.getUint32(o, le);
  if (kind === 'u' && size === 8) return (v, o) => Number(v.getBigUint64(o, le));
  throw new NpyError(`unsupported .npy dtype ${descr}`);
}

/** A float32, C-order, version 1.0 .npy file. */
export function encodeNpy(t: NpyTensor): Uint8Array {
  const dims = t.shape.length === 1 ? `${t.shape[0]},` : t.shape.join(', ');
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const preamble = 10;
  // The header ends in "\n" and the data starts on a 64-byte boundary (format.py, ARRAY_ALIGN).
  const total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - preamble - 1, ' ') + '\n';
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) throw new NpyError(`tensor has ${t.data.length} values, its shape [${t.shape}] needs ${count}`);
  const out = new Uint8Array(total + count * 4);
  out.set([...MAGIC, 1, 0], 0);
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  const dv = new DataView(out.buffer, total);
  for (let i = 0; i < count; i++) dv.setFloat32(i * 4, t.data[i], true);
  return out;
}
