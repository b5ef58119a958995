// Half precision against values whose bit patterns are fixed by IEEE 754.
import { describe, expect, it } from 'vitest';
import { float16BytesToFloat32, float32ToFloat16Bytes, fromFloat16Bits, toFloat16Bits } from '../../shared/numeric/float16';

describe('float16', () => {
  it('encodes known values exactly', () => {
    const cases: [number, number][] = [[1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [2 ** -24, 0x0001], [0.333251953125, 0x3555], [Infinity, 0x7c00], [1e6, 0x7c00], [0, 0], [2 ** -25, 0]];
    for (const [v, bits] of cases) expect(toFloat16Bits(v)).toBe(bits);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    // Ties round to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10.
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });
  it('every half value survives a round trip', () => {
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) continue; // NaN payloads
      expect(toFloat16Bits(fromFloat16Bits(h))).toBe(h);
    }
    const bytes = float32ToFloat16Bytes([1.5, -0.25, 3]);
    expect([...float16BytesToFloat32(bytes)]).toEqual([1.5, -0.25, 3]);
  });
});
