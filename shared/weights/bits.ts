// Bit packing of integer codes, in the two orders Core ML uses:
// - NeuralNetwork QuantizationParams (rawValue): one bit stream, each code most significant bit
//   first, each byte filled from its most significant bit (coremltools quantization_utils.py,
//   _convert_array_to_nbit_quantized_bytes);
// - ML Program sub-byte blobs (int4, uint1 … uint6 in weight.bin): least significant bit first
//   (coremltools optimize/_utils.py, pack_elements_into_bits).

/** Packs n-bit codes (1..8) most significant bit first. */
export function packCodes(codes: ArrayLike<number>, bits: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((codes.length * bits) / 8));
  let bit = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    for (let b = bits - 1; b >= 0; b--, bit++) if ((c >> b) & 1) out[bit >> 3] |= 0x80 >> (bit & 7);
  }
  return out;
}

/** Unpacks `count` n-bit codes stored most significant bit first in one bit stream. */
export function unpackCodes(bytes: Uint8Array, bits: number, count: number): Uint8Array {
  if (bits === 8) return bytes.subarray(0, count);
  const out = new Uint8Array(count);
  let bit = 0;
  for (let i = 0; i < count; i++) {
    let c = 0;
    for (let b = 0; b < bits; b++, bit++) c = (c << 1) | ((bytes[bit >> 3] >> (7 - (bit & 7))) & 1);
    out[i] = c;
  }
  return out;
}

/**
 * Unpacks `count` n-bit codes stored least significant bit first; `signed` reads them as two's
 * complement (MIL int4).
 */
export function unpackCodesLsbFirst(bytes: Uint8Array, bits: number, count: number, signed = false): Int8Array | Uint8Array {
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  const sign = 1 << (bits - 1);
  let bit = 0;
  for (let i = 0; i < count; i++) {
    let c = 0;
    for (let b = 0; b < bits; b++, bit++) c |= ((bytes[bit >> 3] >> (bit & 7)) & 1) << b;
    out[i] = signed && c & sign ? c - (1 << bits) : c;
  }
  return out;
}
