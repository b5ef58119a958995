// Large packed float payloads that no typed array can view (they do not start on a multiple of 4
// or 8 bytes in the file) are copied on first read rather than while decoding (codec.ts,
// LazyFloats). Opening a model must not copy them; reading one gives the exact values, always the
// same array; and every way a document leaves the codec (saves with and without the original
// bytes, spread, structured cloning) sees the values.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, forEachMessage, MODEL_TYPE, repeatedCount, type Model, type WeightParams } from '../../shared/format';
import { decodeMessage, encodeMessage, uncopiedFloatFields } from '../../shared/format/protobuf/codec';
import { analyze } from '../../renderer/src/document/analysis';
import { isReadable, manifest, modelPath, sharedPresent } from '../support/shared-data';

const WEIGHTS = 'CoreML.Specification.WeightParams';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * `encoded` placed `shift` bytes into a larger buffer. Its first field's payload starts after a
 * one-byte tag and a two- or three-byte length, so the shift is chosen per case to misalign it.
 */
function placedAt(encoded: Uint8Array, shift: number): Uint8Array {
  const buf = new Uint8Array(encoded.length + shift);
  buf.set(encoded, shift);
  return buf.subarray(shift);
}

const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => (i - n / 2) / 7);

function uncopied(spec: object): number {
  let n = 0;
  forEachMessage(MODEL_TYPE, spec, (m) => { n += uncopiedFloatFields(m).length; });
  return n;
}

describe('lazily copied float payloads', () => {
  it('a large unaligned payload is read exactly, once, as the same Float32Array', () => {
    const floats = ramp(5000);
    const input = placedAt(encodeMessage(WEIGHTS, { floatValue: floats }), 1); // payload at 1 + 4
    const w = decodeMessage<WeightParams>(WEIGHTS, input);
    expect(uncopiedFloatFields(w)).toEqual(['floatValue']);
    expect(repeatedCount(w, 'floatValue')).toBe(5000);
    expect(uncopiedFloatFields(w)).toEqual(['floatValue']); // counting copies nothing
    const first = w.floatValue!;
    expect(first).toBeInstanceOf(Float32Array);
    expect(first.buffer).not.toBe(input.buffer);
    expect(Array.from(first)).toEqual(Array.from(floats));
    expect(w.floatValue).toBe(first);
    expect(uncopiedFloatFields(w)).toEqual([]);
    expect(Object.keys(w)).toEqual(['floatValue']);
    expect(() => { (w as { floatValue?: Float32Array }).floatValue = new Float32Array(1); }).toThrow(TypeError);
  });

  it('saves write the payload unchanged, copied or not, with or without the original bytes', () => {
    const floats = ramp(3000);
    const encoded = encodeMessage(WEIGHTS, { floatValue: floats, quantization: { numberOfBits: 8 } });
    for (const touch of [false, true]) {
      const w = decodeMessage<WeightParams>(WEIGHTS, placedAt(encoded, 2)); // payload at 2 + 3
      if (touch) expect(w.floatValue!.length).toBe(3000);
      expect(uncopiedFloatFields(w)).toEqual(touch ? [] : ['floatValue']);
      expect(hex(encodeMessage(WEIGHTS, w))).toBe(hex(encoded));
      expect(hex(encodeMessage(WEIGHTS, w, { reuseRawEncoding: false }))).toBe(hex(encoded));
      // An edit of a sibling field re-encodes the message; the payload goes with it.
      const edited = { ...w, quantization: { numberOfBits: 4 } };
      const back = decodeMessage<WeightParams>(WEIGHTS, encodeMessage(WEIGHTS, edited));
      expect(Array.from(back.floatValue!)).toEqual(Array.from(floats));
      expect(back.quantization).toEqual({ numberOfBits: 4 });
    }
  });

  it('structured cloning and spread carry the values', () => {
    const floats = ramp(2048);
    const w = decodeMessage<WeightParams>(WEIGHTS, placedAt(encodeMessage(WEIGHTS, { floatValue: floats }), 2));
    const clone = structuredClone(w);
    expect(Object.getOwnPropertyDescriptor(clone, 'floatValue')?.value).toBeInstanceOf(Float32Array);
    expect(Array.from(clone.floatValue!)).toEqual(Array.from(floats));
    const w2 = decodeMessage<WeightParams>(WEIGHTS, placedAt(encodeMessage(WEIGHTS, { floatValue: floats }), 2));
    expect(Array.from({ ...w2 }.floatValue!)).toEqual(Array.from(floats));
  });

  it('a field given in two packed pieces is joined in wire order', () => {
    const a = ramp(1500), b = Float32Array.of(7, 8, 9);
    const one = encodeMessage(WEIGHTS, { floatValue: a }), two = encodeMessage(WEIGHTS, { floatValue: b });
    const both = new Uint8Array(one.length + two.length);
    both.set(one); both.set(two, one.length);
    const w = decodeMessage<WeightParams>(WEIGHTS, placedAt(both, 2));
    expect(uncopiedFloatFields(w)).toEqual([]);
    expect(Array.from(w.floatValue!)).toEqual([...Array.from(a), 7, 8, 9]);
    expect(repeatedCount(w, 'floatValue')).toBe(1503);
  });

  it('doubles too, and a payload whose length is not a whole number of values is refused while decoding', () => {
    const values = Float64Array.from({ length: 1000 }, (_, i) => i / 3);
    const encoded = encodeMessage('CoreML.Specification.DoubleVector', { vector: values });
    for (const shift of [0, 1, 2, 4]) {
      // The payload starts at shift + 3: shift 0 misaligns it, 1 makes it a multiple of 4 but not 8.
      const v = decodeMessage<{ vector: Float64Array }>('CoreML.Specification.DoubleVector', placedAt(encoded, shift));
      expect(uncopiedFloatFields(v)).toEqual(['vector']);
      expect(repeatedCount(v, 'vector')).toBe(1000);
      expect(Array.from(v.vector)).toEqual(Array.from(values));
    }
    // floatValue (field 1), a 4097-byte payload.
    const bad = new Uint8Array(1 + 3 + 4097);
    bad.set([0x0a, 0x81, 0x20], 1);
    expect(() => decodeMessage(WEIGHTS, bad.subarray(1))).toThrow(/not a multiple of 4/);
  });

  it.skipIf(!sharedPresent)('opening a real model (graph, shapes, findings, model panel) copies no weights', () => {
    let models = 0, lazyModels = 0;
    for (const m of manifest().filter((x) => isReadable(x) && x.kind === 'mlmodel')) {
      const bytes = new Uint8Array(readFileSync(modelPath(m)));
      const spec: Model = decodeModel(bytes, m.file);
      const before = uncopied(spec);
      analyze(spec, 'mlmodel', undefined, true);
      encodeModel(spec);
      expect(uncopied(spec), m.file).toBe(before);
      models++;
      if (before > 0) {
        lazyModels++;
        // Now read every payload: the copies hold what the file holds, and a full re-encode from them is the file.
        forEachMessage(MODEL_TYPE, spec, (msg) => { for (const f of uncopiedFloatFields(msg)) expect(ArrayBuffer.isView(msg[f])).toBe(true); });
        expect(uncopied(spec)).toBe(0);
        expect(Buffer.compare(encodeModel(spec, { reuseRawEncoding: false }), bytes), m.file).toBe(0);
      }
    }
    expect(models).toBeGreaterThan(10);
    expect(lazyModels).toBeGreaterThan(0);
  });
});
