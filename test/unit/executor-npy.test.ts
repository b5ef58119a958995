// .npy reading and writing (numpy/lib/format.py). Files are built byte by byte here; the
// conformance test reads numpy-written float32 files from ../shared.
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, NpyError } from '../../shared/executor/npy';

function npy(descr: string, shape: string, data: Uint8Array, fortran = 'False', version = 1): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true); else dv.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(data, total);
  return out;
}

describe('.npy', () => {
  it('round-trips float32 tensors, including a rank-1 shape and a scalar-sized one', () => {
    for (const shape of [[3], [2, 3], [1, 1, 1]]) {
      const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 0.5 - 1);
      const back = decodeNpy(encodeNpy({ shape, data }));
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data)).toEqual(Array.from(data));
      expect(back.dtype).toBe('<f4');
    }
    expect(new TextDecoder().decode(encodeNpy({ shape: [3], data: new Float32Array(3) }).subarray(10, 120))).toContain("'shape': (3,)");
    expect(encodeNpy({ shape: [2], data: new Float32Array(2) }).length % 64).toBe(8);
  });

  it('reads float64, int64, int32, uint8 and big-endian float32 as float32', () => {
    expect(Array.from(decodeNpy(npy('<f8', '(2,)', new Uint8Array(new Float64Array([1.5, -2]).buffer))).data)).toEqual([1.5, -2]);
    expect(Array.from(decodeNpy(npy('<i8', '(2,)', new Uint8Array(new BigInt64Array([7n, -3n]).buffer))).data)).toEqual([7, -3]);
    expect(Array.from(decodeNpy(npy('<i4', '(1, 2)', new Uint8Array(new Int32Array([5, -6]).buffer))).data)).toEqual([5, -6]);
    expect(Array.from(decodeNpy(npy('|u1', '(3,)', new Uint8Array([0, 128, 255]))).data)).toEqual([0, 128, 255]);
    expect(Array.from(decodeNpy(npy('>f4', '(1,)', new Uint8Array([0x3f, 0xc0, 0, 0]))).data)).toEqual([1.5]);
    expect(decodeNpy(npy('<f4', '(1,)', new Uint8Array(4), 'False', 2)).shape).toEqual([1]);
  });

  it('refuses Fortran order, unknown dtypes, truncated data and non-.npy bytes', () => {
    expect(() => decodeNpy(npy('<f4', '(2, 2)', new Uint8Array(16), 'True'))).toThrow('Fortran-order');
    expect(() => decodeNpy(npy('<c8', '(1,)', new Uint8Array(8)))).toThrow('unsupported .npy dtype <c8');
    expect(() => decodeNpy(npy('<f4', '(4,)', new Uint8Array(8)))).toThrow('truncated .npy data');
    expect(() => decodeNpy(new Uint8Array([1, 2, 3]))).toThrow(NpyError);
  });
});
