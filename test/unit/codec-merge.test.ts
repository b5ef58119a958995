// Protobuf's parse rules for fields that occur more than once on the wire
// (https://protobuf.dev/programming-guides/encoding/#last-one-wins): a singular message field seen
// twice is MERGED (repeated fields concatenate, scalars last-one-wins, nested messages merge,
// maps merge by key, unknown fields are kept), and a repeated scalar field may mix packed and
// unpacked pieces, which must come back in wire order. Files written by other tools may do both.
import { describe, expect, it } from 'vitest';
import { adoptRawEncodings, decodeMessage, encodeMessage, rawEncodingOf, rawEncodingTable, unknownFieldsOf } from '../../shared/format/protobuf/codec';
import { decodeModel, encodeModel, MODEL_TYPE } from '../../shared/format/model';
import type { DoubleVector, Int64Vector, Model, ModelDescription, WeightParams } from '../../shared/format/schema/types.generated';
import { withFields } from '../../shared/surgery/tree';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}
/** Field `no` as a length-delimited value. */
const len = (no: number, payload: Uint8Array) => Uint8Array.from([...varint(no * 8 + 2), ...varint(payload.length), ...payload]);
/** Field `no` as a varint (with a number the schema does not know: an unknown field). */
const varintField = (no: number, v: number) => Uint8Array.from([...varint(no * 8), ...varint(v)]);
const description = (d: ModelDescription) => encodeMessage('CoreML.Specification.ModelDescription', d);
const f32 = (v: number) => new Uint8Array(new Float32Array([v]).buffer);
const f64 = (v: number) => new Uint8Array(new Float64Array([v]).buffer);

describe('a singular message field that occurs more than once is merged', () => {
  // Model.description (field 1) twice: {input a}, then {input b, unknown field 9999 = 5}.
  const unknown = varintField(9999, 5);
  const bytes = concat(
    varintField(1, 4), // Model.specificationVersion (field 1) = 4; description is field 2
    len(2, description({ input: [{ name: 'a' }] })),
    len(2, concat(description({ input: [{ name: 'b' }] }), unknown)),
  );

  it('concatenates repeated fields and keeps the unknown fields of every occurrence', () => {
    const spec = decodeModel(bytes);
    expect(spec.description!.input!.map((f) => f.name)).toEqual(['a', 'b']);
    expect(unknownFieldsOf(spec.description!).map(hex)).toEqual([hex(unknown)]);
  });

  it('a merged message has no single byte range; its parts and parents still do', () => {
    const spec = decodeModel(bytes);
    expect(rawEncodingOf(spec.description!)).toBeUndefined();
    expect(hex(rawEncodingOf(spec.description!.input![0])!)).toBe(hex(encodeMessage('CoreML.Specification.FeatureDescription', { name: 'a' })));
    expect(hex(rawEncodingOf(spec)!)).toBe(hex(bytes));
  });

  it('an untouched save is byte-identical, and an edit beside or inside the merged message loses nothing', () => {
    const spec = decodeModel(bytes);
    expect(hex(encodeModel(spec))).toBe(hex(bytes));
    for (const edited of [
      withFields(spec, { specificationVersion: 5 }),
      withFields(spec, { description: withFields(spec.description!, { predictedFeatureName: 'b' }) }),
      spec, // re-encoded from fields entirely
    ]) {
      const back = decodeModel(encodeModel(edited, { reuseRawEncoding: edited !== spec }));
      expect(back.description!.input!.map((f) => f.name)).toEqual(['a', 'b']);
      expect(unknownFieldsOf(back.description!).map(hex)).toEqual([hex(unknown)]);
    }
  });

  it('posted to another thread, it adopts the same byte ranges and saves the same', () => {
    const spec = decodeModel(bytes);
    const table = rawEncodingTable(MODEL_TYPE, spec, bytes);
    const clone = structuredClone(spec);
    adoptRawEncodings(MODEL_TYPE, clone, bytes.slice(), table);
    expect(rawEncodingOf(clone)).toBeDefined();
    expect(rawEncodingOf(clone.description!)).toBeUndefined();
    expect(unknownFieldsOf(clone.description!).map(hex)).toEqual([hex(unknown)]);
    expect(hex(encodeModel(clone))).toBe(hex(bytes));
    const edited = decodeModel(encodeModel(withFields(clone, { specificationVersion: 5 })));
    expect(unknownFieldsOf(edited.description!).map(hex)).toEqual([hex(unknown)]);
  });

  it('merges recursively: nested messages merge, scalars last-one-wins, maps merge by key', () => {
    const first = description({
      metadata: { author: 'first', versionString: '1', userDefined: new Map([['k1', 'v1'], ['k2', 'v2']]) },
      input: [{ name: 'x', type: { multiArrayType: { shape: [3] } } }],
    });
    const second = concat(
      description({ metadata: { author: 'second', shortDescription: 'kept', userDefined: new Map([['k2', 'v3'], ['k3', 'v4']]) } }),
      // ModelDescription.metadata (field 100) a third time, with only an unknown field.
      len(100, varintField(9998, 1)),
    );
    const d = decodeMessage<ModelDescription>('CoreML.Specification.ModelDescription', concat(first, second));
    expect(d.metadata!.author).toBe('second');
    expect(d.metadata!.versionString).toBe('1');
    expect(d.metadata!.shortDescription).toBe('kept');
    expect([...d.metadata!.userDefined!]).toEqual([['k1', 'v1'], ['k2', 'v3'], ['k3', 'v4']]);
    expect(unknownFieldsOf(d.metadata!).map(hex)).toEqual([hex(varintField(9998, 1))]);
    expect(d.input!.map((f) => f.name)).toEqual(['x']);
    expect(Object.isFrozen(d.metadata)).toBe(true);
    expect(Object.isFrozen(d.input)).toBe(true);
  });

  it('a oneof member seen again merges into itself; another member replaces it', () => {
    // FeatureDescription.type is field 3.
    const typeOf = (t: object) => len(3, encodeMessage('CoreML.Specification.FeatureType', t));
    const shape = { multiArrayType: { shape: [3, 4] } };
    const dataType = { multiArrayType: { dataType: 65568 } };
    const merged = decodeMessage<{ type: object }>('CoreML.Specification.FeatureDescription', concat(typeOf(shape), typeOf(dataType)));
    expect(merged.type).toEqual({ multiArrayType: { shape: [3, 4], dataType: 65568 } });
    const replaced = decodeMessage<{ type: object }>('CoreML.Specification.FeatureDescription', concat(typeOf(shape), typeOf({ int64Type: {} }), typeOf(dataType)));
    expect(replaced.type).toEqual({ multiArrayType: { dataType: 65568 } });
  });

  it('weights given twice concatenate into one Float32Array', () => {
    // InnerProductLayerParams.weights is field 20.
    const ip = decodeMessage<{ weights: WeightParams }>('CoreML.Specification.InnerProductLayerParams', concat(
      len(20, encodeMessage('CoreML.Specification.WeightParams', { floatValue: new Float32Array([1, 2]) })),
      len(20, encodeMessage('CoreML.Specification.WeightParams', { floatValue: new Float32Array([3]) })),
    ));
    expect(ip.weights.floatValue).toBeInstanceOf(Float32Array);
    expect([...ip.weights.floatValue!]).toEqual([1, 2, 3]);
  });
});

describe('a repeated scalar field mixing packed and unpacked pieces keeps wire order', () => {
  it('float (WeightParams.floatValue)', () => {
    const bytes = concat(
      Uint8Array.from([0x0d]), f32(1), // unpacked 1
      len(1, concat(f32(2), f32(3))), // packed 2, 3
      Uint8Array.from([0x0d]), f32(4), // unpacked 4
      len(1, f32(5)),
    );
    const w = decodeMessage<WeightParams>('CoreML.Specification.WeightParams', bytes);
    expect(w.floatValue).toBeInstanceOf(Float32Array);
    expect([...w.floatValue!]).toEqual([1, 2, 3, 4, 5]);
    expect(hex(encodeMessage('CoreML.Specification.WeightParams', w))).toBe(hex(bytes));
  });

  it('double (DoubleVector.vector)', () => {
    const bytes = concat(len(1, f64(1.5)), Uint8Array.from([0x09]), f64(2.5), len(1, concat(f64(3.5), f64(4.5))));
    const v = decodeMessage<DoubleVector>('CoreML.Specification.DoubleVector', bytes);
    expect(v.vector).toBeInstanceOf(Float64Array);
    expect([...v.vector!]).toEqual([1.5, 2.5, 3.5, 4.5]);
  });

  it('int64 (Int64Vector.vector)', () => {
    const bytes = concat(Uint8Array.from([0x08, 7]), len(1, Uint8Array.from([1, 2])), Uint8Array.from([0x08, 9]));
    const v = decodeMessage<Int64Vector>('CoreML.Specification.Int64Vector', bytes);
    expect(v.vector).toEqual([7, 1, 2, 9]);
  });
});

describe('merged models edited by surgery', () => {
  it('renaming a feature of a merged description keeps both occurrences\' contents', async () => {
    const { renameFeature } = await import('../../shared/surgery/rename');
    const spec: Model = decodeModel(concat(
      varintField(1, 4),
      len(2, description({ input: [{ name: 'a' }], output: [{ name: 'y' }] })),
      len(2, concat(description({ input: [{ name: 'b' }] }), varintField(9999, 1))),
    ));
    const back = decodeModel(encodeModel(renameFeature(spec, { from: 'b', to: 'c' })));
    expect(back.description!.input!.map((f) => f.name)).toEqual(['a', 'c']);
    expect(back.description!.output!.map((f) => f.name)).toEqual(['y']);
    expect(unknownFieldsOf(back.description!).map(hex)).toEqual([hex(varintField(9999, 1))]);
  });
});
