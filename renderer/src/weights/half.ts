// IEEE 754 binary16 and bfloat16 to float32, by hand: Float16Array is not in Node 20 or in
// every browser Electron and the web build run in.

const HALF_TABLE = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24; // subnormal: frac × 2^-14 / 1024
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return t;
})();

export function halfToFloat(h: number): number {
  return HALF_TABLE[h & 0xffff];
}

/** Little-endian binary16 values (the layout of WeightParams.float16Value and MIL blobs). */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  const n = bytes.length >> 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = HALF_TABLE[bytes[2 * i] | (bytes[2 * i + 1] << 8)];
  return out;
}

/** Little-endian bfloat16: the upper half of a float32. */
export function decodeBfloat16(bytes: Uint8Array): Float32Array {
  const n = bytes.length >> 1;
  const u = new Uint32Array(n);
  for (let i = 0; i < n; i++) u[i] = ((bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16) >>> 0;
  return new Float32Array(u.buffer);
}
