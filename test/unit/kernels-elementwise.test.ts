// The element-wise helpers give the same floats on the SIMD path (arrays in the kernel heap) and
// the plain path (ordinary arrays), including lengths that are not a multiple of 4 and NaN.
import { describe, expect, it } from 'vitest';
import { addF32, clampF32, planeMeansF32 } from '../../shared/executor/wasm/elementwise';
import { simdKernels } from '../../shared/executor/wasm/kernels';

const values = (n: number, seed: number): Float32Array => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898 + seed) * 8;
  return a;
};

describe('element-wise kernels', () => {
  const heap = simdKernels()!.heap;

  it('clamp: heap and plain agree, NaN stays NaN, in place works', () => {
    for (const n of [0, 1, 3, 4, 7, 64, 1001]) {
      const x = values(n, 1);
      if (n > 2) x[2] = NaN;
      const plain = new Float32Array(n);
      clampF32(x, plain, 0, 6);
      const hx = heap.adopt(x);
      clampF32(hx.data, hx.data, 0, 6);
      expect(Array.from(hx.data), `n=${n}`).toEqual(Array.from(plain));
      expect(plain.every((v) => Number.isNaN(v) || (v >= 0 && v <= 6))).toBe(true);
      if (n > 2) expect(Number.isNaN(plain[2])).toBe(true);
      if (n > 10) expect(plain.some((v) => v === 6) && plain.some((v) => v === 0)).toBe(true);
      hx.free();
    }
  });

  it('add: heap and plain agree', () => {
    for (const n of [1, 5, 8, 333]) {
      const a = values(n, 2), b = values(n, 3);
      const plain = new Float32Array(n);
      addF32(a, b, plain);
      expect(plain[0]).toBe(Math.fround(a[0] + b[0]));
      const ha = heap.adopt(a), hb = heap.adopt(b), ho = heap.allocF32(n);
      addF32(ha.data, hb.data, ho.data);
      expect(Array.from(ho.data)).toEqual(Array.from(plain));
      for (const t of [ha, hb, ho]) t.free();
    }
  });

  it('plane means (global average pooling) agree within float rounding', () => {
    for (const [C, plane] of [[3, 1], [5, 7], [4, 49], [2, 12544]]) {
      const x = values(C * plane, 4);
      const plain = new Float32Array(C);
      planeMeansF32(x, plain, C, plane);
      const hx = heap.adopt(x), ho = heap.allocF32(C);
      planeMeansF32(hx.data, ho.data, C, plane);
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let i = 0; i < plane; i++) s += x[c * plane + i];
        expect(Math.abs(ho.data[c] - s / plane), `C=${C} plane=${plane}`).toBeLessThanOrEqual(1e-5 * 8);
        expect(Math.abs(plain[c] - s / plane)).toBeLessThanOrEqual(1e-6);
      }
      hx.free();
      ho.free();
    }
  });
});
