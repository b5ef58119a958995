// The codec's contract on hand-made messages: wire-level facts that real files rarely exercise.
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, rawEncodingOf, unknownFieldsOf, copyUnknownFields } from '../../shared/format/protobuf/codec';
import { decodeModel, encodeModel } from '../../shared/format/model';
import { diffWire, formatWirePath } from '../../shared/format/wirediff';
import { whichOneof } from '../../shared/format/walk';
import type { Model, WeightParams, ArrayFeatureType, Metadata, NeuralNetworkLayer } from '../../shared/format/schema/types.generated';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('codec', () => {
  it('a field given again later in its message adds to what came before (repeated, map, singular message past the 32nd field)', () => {
    // Concatenated encodings are one message on the wire: protobuf merges them field by field.
    const LAYER = 'CoreML.Specification.NeuralNetworkLayer';
    const joined = (...parts: object[]) => {
      const bytes = parts.map((p) => encodeMessage(LAYER, p));
      const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
      bytes.reduce((at, b) => { out.set(b, at); return at + b.length; }, 0);
      return out;
    };
    const layer = decodeMessage<NeuralNetworkLayer>(LAYER, joined(
      { name: 'n', input: ['a'], custom: { className: 'A', parameters: new Map([['k', { intValue: 1 }]]), weights: [{ floatValue: new Float32Array([1]) }] } },
      { input: ['b'], output: ['c'] },
      { custom: { description: 'd', parameters: new Map([['j', { stringValue: 's' }]]), weights: [{ floatValue: new Float32Array([2]) }] } },
      { input: ['e'] },
    ));
    expect(layer.name).toBe('n');
    expect(layer.input).toEqual(['a', 'b', 'e']);
    expect(layer.output).toEqual(['c']);
    // custom is the 45th field of a layer: in the decoder's mask of fields set, it shares its bit
    // with the 13th (bits repeat every 32 fields), which this layer never sets.
    expect(layer.custom?.className).toBe('A');
    expect(layer.custom?.description).toBe('d');
    expect([...layer.custom!.parameters!.entries()]).toEqual([['k', { intValue: 1 }], ['j', { stringValue: 's' }]]);
    expect(layer.custom?.weights?.map((w) => [...w.floatValue!])).toEqual([[1], [2]]);
    for (const x of [layer, layer.input, layer.output, layer.custom, layer.custom!.weights]) expect(Object.isFrozen(x)).toBe(true);
    // A singular message among the first fields of its type (Model.description) merges the same way.
    const MODEL = 'CoreML.Specification.Model';
    const a = encodeMessage(MODEL, { description: { input: [{ name: 'x' }] } });
    const b = encodeMessage(MODEL, { specificationVersion: 4, description: { output: [{ name: 'y' }] } });
    const m = decodeMessage<Model>(MODEL, new Uint8Array([...a, ...b]));
    expect(m.specificationVersion).toBe(4);
    expect(m.description?.input?.map((f) => f.name)).toEqual(['x']);
    expect(m.description?.output?.map((f) => f.name)).toEqual(['y']);
  });

  it('int64 -1 (an unbounded range) takes ten bytes and comes back as -1', () => {
    const bytes = encodeMessage('CoreML.Specification.SizeRange', { lowerBound: 1, upperBound: -1 });
    expect(hex(bytes)).toBe('080110ffffffffffffffffff01');
    expect(decodeMessage('CoreML.Specification.SizeRange', bytes)).toEqual({ lowerBound: 1, upperBound: -1 });
  });

  it('uint64 beyond 2^53 round-trips as a bigint', () => {
    const bytes = new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    const m = decodeMessage<{ lowerBound: unknown }>('CoreML.Specification.SizeRange', bytes);
    expect(m.lowerBound).toBe(2n ** 64n - 1n);
    expect(hex(encodeMessage('CoreML.Specification.SizeRange', m, { reuseRawEncoding: false }))).toBe(hex(bytes));
  });

  it('packed floats become a Float32Array, unaligned input is copied once, values exact', () => {
    const floats = new Float32Array([1.5, -2.25, 3e-8]);
    const encoded = encodeMessage('CoreML.Specification.WeightParams', { floatValue: floats });
    const shifted = new Uint8Array(encoded.length + 1);
    shifted.set(encoded, 1);
    const w = decodeMessage<WeightParams>('CoreML.Specification.WeightParams', shifted.subarray(1));
    expect(w.floatValue).toBeInstanceOf(Float32Array);
    expect([...w.floatValue!]).toEqual([...floats]);
  });

  it('small packed floats and doubles at every misalignment come back exact, each array its own copy', () => {
    const floats = new Float32Array([1.5, -2.25, 3e-8, Math.fround(Math.PI)]);
    const doubles = new Float64Array([1 / 3, -0, 1e300, Number.MIN_VALUE]);
    for (let shift = 0; shift < 8; shift++) {
      const place = (b: Uint8Array) => { const out = new Uint8Array(b.length + shift); out.set(b, shift); return out.subarray(shift); };
      const w = decodeMessage<WeightParams>('CoreML.Specification.WeightParams', place(encodeMessage('CoreML.Specification.WeightParams', { floatValue: floats })));
      expect([...w.floatValue!], `floats shifted by ${shift}`).toEqual([...floats]);
      const d = decodeMessage<{ vector: Float64Array }>('CoreML.Specification.DoubleVector', place(encodeMessage('CoreML.Specification.DoubleVector', { vector: doubles })));
      expect(d.vector).toBeInstanceOf(Float64Array);
      expect([...d.vector], `doubles shifted by ${shift}`).toEqual([...doubles]);
      expect(Object.is(d.vector[1], -0)).toBe(true);
    }
  });

  it('unpacked floats (legal on the wire) decode too', () => {
    const bytes = new Uint8Array([0x0d, 0, 0, 0x80, 0x3f, 0x0d, 0, 0, 0, 0x40]);
    const w = decodeMessage<WeightParams>('CoreML.Specification.WeightParams', bytes);
    expect([...w.floatValue!]).toEqual([1, 2]);
    // Untouched, it is written back as it was; re-encoded, it is packed.
    expect(hex(encodeMessage('CoreML.Specification.WeightParams', w))).toBe(hex(bytes));
    expect(hex(encodeMessage('CoreML.Specification.WeightParams', w, { reuseRawEncoding: false }))).toBe('0a080000803f00000040');
  });

  it('bytes fields are views of the input, not copies', () => {
    const input = encodeMessage('CoreML.Specification.WeightParams', { float16Value: new Uint8Array([1, 2, 3, 4]) });
    const w = decodeMessage<WeightParams>('CoreML.Specification.WeightParams', input);
    expect(w.float16Value!.buffer).toBe(input.buffer);
  });

  it('map entries keep their file order', () => {
    const md: Metadata = { userDefined: new Map([['z', '1'], ['10', '2'], ['a', '3']]) };
    const back = decodeMessage<Metadata>('CoreML.Specification.Metadata', encodeMessage('CoreML.Specification.Metadata', md));
    expect([...back.userDefined!.keys()]).toEqual(['z', '10', 'a']);
  });

  it('a map entry whose message value is given twice merges the two, like any singular message field', () => {
    const fn = (input: string) => encodeMessage('CoreML.Specification.MILSpec.Function', { inputs: [{ name: input }] });
    const value = (b: Uint8Array) => [0x12, b.length, ...b];
    const entry = [0x0a, 0x01, 0x66, ...value(fn('a')), ...value(fn('b'))]; // key "f", value, value
    const program = decodeMessage<{ functions: Map<string, { inputs: { name: string }[] }> }>('CoreML.Specification.MILSpec.Program', Uint8Array.from([0x12, entry.length, ...entry]));
    expect(program.functions.get('f')!.inputs.map((i) => i.name)).toEqual(['a', 'b']);
  });

  it('a string keeps a leading byte order mark', () => {
    const md = decodeMessage<Metadata>('CoreML.Specification.Metadata', encodeMessage('CoreML.Specification.Metadata', { author: '\uFEFFa' }));
    expect(md.author).toBe('\uFEFFa');
  });

  it('strings: short ASCII, accented and long ones decode exactly; invalid UTF-8 is refused', () => {
    const type = 'CoreML.Specification.Metadata';
    for (const author of ['', 'a', 'layer_12/conv\u0000x', 'Élodie', '名前', 'x'.repeat(48), 'y'.repeat(49) + 'é', '\u{1F600}']) {
      expect(decodeMessage<Metadata>(type, encodeMessage(type, { author })).author).toBe(author);
    }
    // Every length the short path takes, and the first it does not, one after another (each
    // length has its own scratch array: a longer string must not leave characters in a shorter).
    for (let n = 60; n >= 0; n--) {
      const author = Array.from({ length: n }, (_, i) => String.fromCharCode(0x21 + ((i * 7 + n) % 90))).join('');
      expect(decodeMessage<Metadata>(type, encodeMessage(type, { author })).author).toBe(author);
    }
    // author (field 3) holding the single byte 0xff, then a 60-byte run ending in a lone 0xc3.
    expect(() => decodeMessage(type, new Uint8Array([0x1a, 0x01, 0xff]))).toThrow(/not valid UTF-8/);
    expect(() => decodeMessage(type, new Uint8Array([0x1a, 60, ...new Array<number>(59).fill(0x61), 0xc3]))).toThrow(/not valid UTF-8/);
  });

  it('a later oneof member replaces an earlier one, as protobuf requires', () => {
    // enumeratedShapes (21) then shapeRange (31) in one ArrayFeatureType.
    const bytes = new Uint8Array([0xaa, 0x01, 0x00, 0xfa, 0x01, 0x00]);
    const a = decodeMessage<ArrayFeatureType>('CoreML.Specification.ArrayFeatureType', bytes);
    expect(a.enumeratedShapes).toBeUndefined();
    expect(a.shapeRange).toEqual({});
  });

  it('whichOneof names the member set, the first declared when a message in memory sets two', () => {
    const L = 'CoreML.Specification.NeuralNetworkLayer';
    expect(whichOneof(L, { name: 'a', input: ['x'], activation: {} }, 'layer')).toBe('activation');
    expect(whichOneof(L, { name: 'a', activation: undefined }, 'layer')).toBeUndefined();
    expect(whichOneof(L, {}, 'layer')).toBeUndefined();
    // convolution (100) is declared before activation (130) and innerProduct (140).
    expect(whichOneof(L, { innerProduct: {}, activation: {}, convolution: {} }, 'layer')).toBe('convolution');
    expect(() => whichOneof(L, {}, 'nope')).toThrow(/has no oneof nope/);
  });

  it('oneof groups are tracked apart: a member of one group leaves the other group alone', () => {
    // ArrayFeatureType: shapeRange (31, ShapeFlexibility) then intDefaultValue (41, defaultOptionalValue),
    // then enumeratedShapes (21, ShapeFlexibility again): only the shape member is replaced.
    const bytes = new Uint8Array([0xfa, 0x01, 0x00, 0xc8, 0x02, 0x07, 0xaa, 0x01, 0x00]);
    const a = decodeMessage<ArrayFeatureType>('CoreML.Specification.ArrayFeatureType', bytes);
    expect(a.shapeRange).toBeUndefined();
    expect(a.enumeratedShapes).toEqual({});
    expect(a.intDefaultValue).toBe(7);
  });

  it('unknown fields survive decoding, untouched saves and edits that carry them over', () => {
    // Metadata with author "a" and an unknown field 7 (varint 5).
    const bytes = new Uint8Array([0x1a, 0x01, 0x61, 0x38, 0x05]);
    const md = decodeMessage<Metadata>('CoreML.Specification.Metadata', bytes);
    expect(unknownFieldsOf(md).map(hex)).toEqual(['3805']);
    expect(hex(encodeMessage('CoreML.Specification.Metadata', md, { reuseRawEncoding: false }))).toBe('1a01613805');
    const edited = copyUnknownFields(md, { ...md, author: 'b' });
    expect(hex(encodeMessage('CoreML.Specification.Metadata', edited))).toBe('1a01623805');
  });

  it('an edit re-encodes only the path to the change; siblings are copied from the original bytes', () => {
    const spec: Model = {
      specificationVersion: 4,
      description: { input: [{ name: 'a' }, { name: 'b', shortDescription: 'kept' }], metadata: { author: 'x' } },
      neuralNetwork: { layers: [{ name: 'l', input: ['a'], output: ['y'] }] },
    };
    const decoded = decodeModel(encodeModel(spec));
    expect(rawEncodingOf(decoded.description!.input![1])).toBeDefined();
    const edited: Model = { ...decoded, description: { ...decoded.description!, input: [{ ...decoded.description!.input![0], name: 'A' }, decoded.description!.input![1]] } };
    const diffs = diffWire(encodeModel(decoded), encodeModel(edited));
    expect(diffs.map((d) => `${formatWirePath(d.path)} ${d.before} -> ${d.after}`)).toEqual(['2.1.1 "a" -> "A"']);
  });

  it('decoded documents are frozen: an accidental mutation throws instead of corrupting a save', () => {
    const decoded = decodeModel(encodeModel({ specificationVersion: 1, neuralNetwork: { layers: [{ name: 'l' }] } }));
    expect(() => { (decoded as { specificationVersion: number }).specificationVersion = 2; }).toThrow(TypeError);
    expect(() => { (decoded.neuralNetwork!.layers as unknown[]).push({}); }).toThrow(TypeError);
  });
});
