// shared/weights: every WeightParams storage decodes to the float32 values it stands for. Codes
// are packed here with packCodes (what the quantizer writes with), bytes of float16 are IEEE 754
// bit patterns written out by hand.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MILSpec_DataType } from '../../shared/format/schema/types.generated';
import { parseWeightFile } from '../../shared/format/weightfile';
import {
  decodeBfloat16, decodeElements, decodeMilBytes, packCodes as packBits, readBlob, readWeights, unpackCodes, unpackCodesLsbFirst,
  weightsProblem, weightStorage, weightStorageKind, WeightsError,
} from '../../shared/weights';
import { SHARED, sharedPresent } from '../support/shared-data';

const f32 = (...v: number[]) => new Float32Array(v);

describe('readWeights', () => {
  it('returns floatValue as stored and checks the count', () => {
    const v = f32(1, -2, 3.5);
    expect(readWeights({ floatValue: v }, { count: 3 })).toBe(v);
    expect(() => readWeights({ floatValue: v }, { count: 4, what: 'bias' })).toThrow('bias hold 3 values, expected 4');
  });

  it('decodes float16Value little-endian', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x3555 ≈ 0.33325, 0x7c00 = +Infinity
    const bytes = new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x55, 0x35, 0x00, 0x7c]);
    expect(Array.from(readWeights({ float16Value: bytes }))).toEqual([1, -2, 0.333251953125, Infinity]);
    expect(() => readWeights({ float16Value: new Uint8Array(3) })).toThrow('odd number of bytes');
  });

  it('dequantizes linear 8-bit per tensor: w = q * scale + bias', () => {
    const w = { rawValue: new Uint8Array([0, 1, 255]), quantization: { numberOfBits: 8, linearQuantization: { scale: f32(0.5), bias: f32(-1) } } };
    expect(Array.from(readWeights(w, { count: 3 }))).toEqual([-1, -0.5, 126.5]);
  });

  it('dequantizes linear per output channel (outermost axis)', () => {
    const codes = [1, 2, 3, 1, 2, 3];
    const w = { rawValue: packBits(codes, 2), quantization: { numberOfBits: 2, linearQuantization: { scale: f32(1, 10), bias: f32(0, 100) } } };
    expect(Array.from(readWeights(w, { count: 6 }))).toEqual([1, 2, 3, 110, 120, 130]);
  });

  it('applies one bias to every channel when there are several scales (LinearQuantizationParams: each field is 1 or C long)', () => {
    const w = { rawValue: new Uint8Array([1, 1, 2, 2]), quantization: { numberOfBits: 8, linearQuantization: { scale: f32(1, 3), bias: f32(0.5) } } };
    expect(Array.from(readWeights(w, { count: 4 }))).toEqual([1.5, 1.5, 6.5, 6.5]);
  });

  it('takes the channel from axis 1 when told the stride (deconvolution weights [C_in, C_out/g, kH, kW])', () => {
    // [C_in = 2, C_out = 2, 1×1]: channel of value i is i mod 2.
    const w = { rawValue: new Uint8Array([1, 1, 2, 2]), quantization: { numberOfBits: 8, linearQuantization: { scale: f32(1, 10), bias: f32(0, 0) } } };
    expect(Array.from(readWeights(w, { count: 4, channelStride: 1 }))).toEqual([1, 10, 2, 20]);
  });

  it('refuses scale/bias counts that fit no channel layout', () => {
    const w = { rawValue: new Uint8Array(6), quantization: { numberOfBits: 8, linearQuantization: { scale: f32(1, 2), bias: f32(0, 0, 0) } } };
    expect(() => readWeights(w, { count: 6 })).toThrow(WeightsError);
  });

  it('looks up n-bit codes packed MSB-first across byte boundaries', () => {
    const lut = Float32Array.from({ length: 8 }, (_, i) => i * 1.5 - 3);
    const codes = [7, 0, 5, 2, 6, 1, 3, 4, 7];
    const raw = packBits(codes, 3); // 27 bits in 4 bytes
    expect(raw.length).toBe(4);
    const w = { rawValue: raw, quantization: { numberOfBits: 3, lookupTableQuantization: { floatValue: lut } } };
    expect(Array.from(readWeights(w, { count: 9 }))).toEqual(codes.map((c) => lut[c]));
    // 0b111_000_10 = 0xe2: the first code occupies the top bits of the first byte.
    expect(raw[0]).toBe(0xe2);
  });

  it('refuses a lookup table shorter than 2^bits and byte counts that do not fit', () => {
    expect(() => readWeights({ rawValue: new Uint8Array(1), quantization: { numberOfBits: 2, lookupTableQuantization: { floatValue: f32(1, 2) } } }, { count: 4 })).toThrow('2 entries, 2 bits need 4');
    expect(() => readWeights({ rawValue: new Uint8Array(2), quantization: { numberOfBits: 4, lookupTableQuantization: { floatValue: new Float32Array(16) } } }, { count: 6 })).toThrow('2 bytes, 6 4-bit values need 3');
    expect(() => readWeights({ rawValue: new Uint8Array(3), quantization: { numberOfBits: 9 } })).toThrow('numberOfBits must be 1 to 8');
  });

  it('reads int8RawValue as signed codes times the scale', () => {
    const w = { int8RawValue: new Uint8Array([0xff, 0x80, 0x7f]), quantization: { numberOfBits: 8, linearQuantization: { scale: f32(0.5) } } };
    expect(Array.from(readWeights(w))).toEqual([-0.5, -64, 63.5]);
  });

  it('reads rawValue without quantization as little-endian float32', () => {
    const raw = new Uint8Array(f32(1.25, -8).buffer);
    expect(Array.from(readWeights({ rawValue: raw }, { count: 2 }))).toEqual([1.25, -8]);
    expect(() => readWeights({ rawValue: new Uint8Array(5) })).toThrow('not a multiple of 4');
  });

  it('names empty weights', () => {
    expect(() => readWeights(undefined, { what: 'gamma' })).toThrow('gamma are empty');
    expect(readWeights({}, { count: 0 }).length).toBe(0);
    expect(weightStorageKind({ float16Value: new Uint8Array(2) })).toBe('float16');
  });

  it('unpacks 1-bit codes', () => {
    expect(Array.from(unpackCodes(new Uint8Array([0b10110000]), 1, 4))).toEqual([1, 0, 1, 1]);
  });
});

describe('typed elements and ML Program blobs', () => {
  it('unpacks sub-byte codes least significant bit first, int4 as two’s complement', () => {
    // coremltools pack_elements_into_bits: -6 is 1010 in 4 bits; [3, -6] packs into 0b1010_0011.
    expect(Array.from(unpackCodesLsbFirst(new Uint8Array([0b10100011]), 4, 2, true))).toEqual([3, -6]);
    expect(Array.from(decodeElements('uint2', new Uint8Array([0b11100100]))!)).toEqual([0, 1, 2, 3]);
    expect(Array.from(decodeElements('uint3', new Uint8Array([0b10001101, 0b1]), 3)!)).toEqual([5, 1, 6]);
  });

  it('reads bfloat16 as the upper half of a float32 and refuses 8-bit floats', () => {
    expect(Array.from(decodeBfloat16(new Uint8Array([0x80, 0x3f, 0x00, 0xc0])))).toEqual([1, -2]);
    expect(decodeElements('float8e4m3fn', new Uint8Array(4))).toBeUndefined();
    expect(decodeMilBytes(MILSpec_DataType.INT8, new Uint8Array([0xff, 2]))).toEqual(new Float32Array([-1, 2]));
  });

  it('names the storage kind and its bytes', () => {
    expect(weightStorage({ rawValue: new Uint8Array(3), quantization: { numberOfBits: 6, lookupTableQuantization: { floatValue: new Float32Array(64) } } })).toEqual({ kind: 'quantized-lut-6bit', bytes: 3 });
    expect(weightStorage({ floatValue: f32(1, 2) })).toEqual({ kind: 'float32', bytes: 8 });
    expect(weightStorage({})).toBeUndefined();
  });

  it('checks without decoding: weightsProblem says what readWeights would refuse', () => {
    const w = { rawValue: packBits([1, 2, 3], 8), quantization: { numberOfBits: 8, linearQuantization: { scale: f32(1, 2) } } };
    expect(weightsProblem(w, { count: 3 })).toBe('weights: 3 values do not split into 2 channels');
    expect(weightsProblem({ floatValue: f32(1) }, { count: 1 })).toBeUndefined();
  });
});

describe.skipIf(!sharedPresent)('blobs of a real weight file (yolov8n.mlpackage)', () => {
  it('reads every blob with its element count and values', () => {
    const file = new Uint8Array(readFileSync(join(SHARED, 'models', 'saadiahl__cat_feeder_project', 'yolov8n.mlpackage', 'Data', 'com.apple.CoreML', 'weights', 'weight.bin')));
    const { blobs } = parseWeightFile(file);
    expect(blobs).toHaveLength(193);
    const first = readBlob(file, blobs[0].metadataOffset);
    // 864 bytes of float16: 432 values (the 16×3×3×3 kernel of the first convolution).
    expect(first.count).toBe(432);
    const values = first.decode()!;
    expect(values).toHaveLength(432);
    expect(values.every(Number.isFinite)).toBe(true);
    for (const b of blobs) {
      const blob = readBlob(file, b.metadataOffset);
      expect(blob.decode()!.length, `blob at ${b.metadataOffset}`).toBe(blob.count);
      expect(blob.count * (b.dataTypeName === 'float16' ? 2 : 1)).toBe(b.sizeInBytes);
    }
  });
});
