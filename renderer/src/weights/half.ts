// binary16 (shared/numeric/float16) and bfloat16 to float32: Float16Array is not in Node 20 or in
// every browser Electron and the web build run in.

import { float16BytesToFloat32 } from '../../../shared/numeric/float16';


/** Little-endian binary16 values (the layout of WeightParams.float16Value and MIL blobs). */
export const decodeFloat16 = float16BytesToFloat32;

/** Little-endian bfloat16: the upper half of a float32. */
export function decodeBfloat16(bytes: Uint8Array): Float32Array {
  const n = bytes.length >> 1;
  const u = new Uint32Array(n);
  for (let i = 0; i < n; i++) u[i] = ((bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16) >>> 0;
  return new Float32Array(u.buffer);
}
