// NumPy .npy format version 1.0 (numpy/lib/format.py): magic "\x93NUMPY", version 1.0, a
// little-endian uint16 header length, then a Python dict literal padded with spaces and ending
// in "\n" so that the data starts on a 64-byte boundary, then the raw little-endian data.

export function encodeNpy(values: Float32Array, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const preamble = 10; // magic (6) + version (2) + header length (2)
  const total = Math.ceil((preamble + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - preamble - 1, ' ') + '\n';
  const out = new Uint8Array(total + values.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  const dv = new DataView(out.buffer, total);
  for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i], true);
  return out;
}
