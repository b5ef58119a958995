// Every operation keeps what the schema does not describe. A field number this schema does not
// know (9999) is added to EVERY message of a real model, each with its own value (the message's
// walk index), through our own encoder; after each operation and a save and reload, every message
// the operation kept, found where the operation left it, still carries its own unknown field.
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, MODEL_TYPE } from '../../shared/format/model';
import { copyUnknownFields, decodeMessage, unknownFieldsOf } from '../../shared/format/protobuf/codec';
import { MESSAGES } from '../../shared/format/schema/descriptors.generated';
import type { Model } from '../../shared/format/schema/types.generated';
import { formatPath, walkMessages, type PathStep } from '../../shared/format/walk';
import { OPERATIONS, type OperationArgs, type OperationName } from '../../shared/surgery/operations';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const UNKNOWN_NO = 9999;

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}

/** A message carrying only `UNKNOWN_NO = id`, to copy that unknown field from. */
function unknownCarrier(id: number): object {
  const bytes = Uint8Array.from([...varint(UNKNOWN_NO * 8), ...varint(id)]);
  return decodeMessage('CoreML.Specification.Int64FeatureType', bytes);
}

/** The value of the message's unknown field 9999, or why it has none. */
function unknownId(msg: object): number | string {
  const u = unknownFieldsOf(msg);
  if (u.length !== 1) return `${u.length} unknown fields`;
  const b = u[0];
  let i = varint(UNKNOWN_NO * 8).length, n = 0, scale = 1;
  for (; i < b.length; i++) { n += (b[i] & 0x7f) * scale; scale *= 128; if (b[i] < 0x80) break; }
  return n;
}

/** A copy of `msg` in which every message (this one included) carries unknown field 9999 = its walk index. */
function tagEveryMessage(typeName: string, msg: Record<string, unknown>, next: { id: number }): object {
  const id = next.id++;
  const copy: Record<string, unknown> = { ...msg };
  for (const f of [...MESSAGES[typeName].fields].sort((a, b) => a.no - b.no)) {
    const v = msg[f.name];
    if (v === undefined) continue;
    if (f.kind === 'message') {
      copy[f.name] = f.repeated
        ? (v as Record<string, unknown>[]).map((m) => tagEveryMessage(f.type, m, next))
        : tagEveryMessage(f.type, v as Record<string, unknown>, next);
    } else if (f.kind === 'map' && f.valueKind === 'message') {
      copy[f.name] = new Map([...(v as Map<unknown, Record<string, unknown>>)].map(([k, m]) => [k, tagEveryMessage(f.type, m, next)]));
    }
  }
  return copyUnknownFields(unknownCarrier(id), copy);
}

/** Where the operation put the message that was at `path`; null when the operation removed it. */
type PathMap = (path: readonly PathStep[]) => readonly PathStep[] | null;

interface Case<K extends OperationName = OperationName> {
  readonly op: K;
  readonly args: OperationArgs[K];
  readonly moved?: PathMap;
}
const c = <K extends OperationName>(op: K, args: OperationArgs[K], moved?: PathMap): Case => ({ op, args, moved });

const under = (p: readonly PathStep[], prefix: readonly PathStep[]) => prefix.every((s, i) => p[i] === s);
/** Layer indices of `net` renumbered by `index` (null: the layer is gone). */
const renumberLayers = (net: string, index: (i: number) => number | null, to = net): PathMap => (p) => {
  if (p[0] !== net) return p;
  if (p[1] !== 'layers') return [to, ...p.slice(1)];
  const i = index(p[2] as number);
  return i === null ? null : [to, 'layers', i, ...p.slice(3)];
};
const removing = (...prefixes: (readonly PathStep[])[]) => (p: readonly PathStep[]) => (prefixes.some((x) => under(p, x)) ? null : p);
const chain = (...maps: PathMap[]): PathMap => (p) => maps.reduce<readonly PathStep[] | null>((q, m) => (q === null ? null : m(q)), p);

const NNC = 'neuralNetworkClassifier';
const MNIST_LAYERS = 8;

/** MNISTClassifier: a classifier, an image input with a scaler, fp32 convolution and dense weights. */
const MNIST_CASES: Case[] = [
  c('renameFeature', { from: 'imageInput', to: 'image' }),
  c('renameBlob', { from: 'dense_1_output', to: 'hidden' }),
  c('renameLayer', { layerPath: [NNC, 'layers', 4], to: 'fc1' }),
  c('setFeatureType', { name: 'imageInput', shortDescription: 'a digit', optional: true }),
  c('insertLayer', { blob: 'flatten_1_output', type: 'activation' }, renumberLayers(NNC, (i) => (i >= 4 ? i + 1 : i))),
  c('deleteLayer', { index: 5 }, renumberLayers(NNC, (i) => (i === 5 ? null : i > 5 ? i - 1 : i))),
  c('rewireInput', { index: 6, inputIndex: 0, blob: 'dense_1_output' }),
  c('replaceLayer', { layerPath: [NNC, 'layers', 1], type: 'softmax' }, removing([NNC, 'layers', 1, 'activation'])),
  c('editField', { path: [NNC, 'layers', 2, 'pooling', 'stride', 0], value: 1 }),
  c('exposeBlob', { blob: 'dense_1_output' }),
  c('setMetadata', { author: 'someone', set: { origin: 'test' } }),
  // The input's preprocessing entry and its scaler are replaced in place, keeping their unknown fields.
  c('setPreprocessing', { input: 'imageInput', preset: 'minusOneToOne' }),
  c('convertToFloat16', {}),
  c('quantizeWeights', { bits: 8, mode: 'linear' }),
  c('setClassLabels', { labels: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] }),
  c('setSpecificationVersion', { version: 4 }),
  // Back to a plain network: the classifier's labels, the label output and the dictionary type go.
  c('convertModelKind', { to: 'neuralNetwork' }, chain(
    removing([NNC, 'stringClassLabels'], ['description', 'output', 1], ['description', 'output', 0, 'type', 'dictionaryType']),
    renumberLayers(NNC, (i) => i, 'neuralNetwork'),
  )),
  // Both cut to a plain network computing only what the new outputs need; the old outputs go.
  c('extractSubgraph', { outputs: ['dense_1_output'] }, chain(
    removing([NNC, 'stringClassLabels'], ['description', 'output']),
    renumberLayers(NNC, (i) => (i <= 4 ? i : null), 'neuralNetwork'),
  )),
  c('truncateAt', { blob: 'maxpooling2d_1_output' }, chain(
    removing([NNC, 'stringClassLabels'], ['description', 'output']),
    renumberLayers(NNC, (i) => (i <= 2 ? i : null), 'neuralNetwork'),
  )),
];

/** TinyDrawingEmbedding: a plain network with one array output. */
const TINY_CASES: Case[] = [
  c('setFeatureType', { name: 'embedding', dataType: 'DOUBLE' }),
  c('convertModelKind', { to: 'neuralNetworkClassifier', labels: Array.from({ length: 128 }, (_, i) => `c${i}`) }, chain(
    removing(['description', 'output', 0, 'type', 'multiArrayType']),
    renumberLayers('neuralNetwork', (i) => i, NNC),
  )),
  c('convertModelKind', { to: 'neuralNetworkRegressor' }, renumberLayers('neuralNetwork', (i) => i, 'neuralNetworkRegressor')),
];

const MODELS: readonly (readonly [string, readonly Case[]])[] = [
  ['umerzia-7001__CoreML-Keras_Digit_recognition_app/MNISTClassifier.mlmodel', MNIST_CASES],
  ['apple__coremltools/TinyDrawingEmbedding.mlmodel', TINY_CASES],
];

async function taggedModel(file: string): Promise<{ spec: Model; count: number }> {
  const m = manifest().find((x) => x.file === file);
  if (!m) throw new Error(`${file} is not in the manifest`);
  const plain = decodeModel(new Uint8Array(await fsp.readFile(modelPath(m))));
  const next = { id: 0 };
  const tagged = tagEveryMessage(MODEL_TYPE, plain as Record<string, unknown>, next) as Model;
  return { spec: decodeModel(encodeModel(tagged)), count: next.id };
}

describe.skipIf(!sharedPresent)('unknown fields survive every operation', () => {
  it('the operations under test are every operation there is', () => {
    const tested = new Set([...MNIST_CASES, ...TINY_CASES].map((x) => x.op));
    // sortLayers leaves a model in valid order untouched; it is exercised after insertLayer below.
    expect(Object.keys(OPERATIONS).filter((k) => !tested.has(k as OperationName)).sort()).toEqual(['sortLayers']);
  });

  for (const [file, cases] of MODELS) {
    describe(file.split('/').pop()!, () => {
      it('every message of the tagged model carries its own unknown field after a save and reload', async () => {
        const { spec, count } = await taggedModel(file);
        const visits = [...walkMessages(MODEL_TYPE, spec)];
        expect(visits).toHaveLength(count);
        expect(visits.map((v) => unknownId(v.message))).toEqual(visits.map((_, i) => i));
        if (file.includes('MNIST')) expect(visits.filter((v) => v.path[1] === 'layers' && v.path.length === 3)).toHaveLength(MNIST_LAYERS);
      });

      it.each(cases.map((x, i) => [`${x.op} ${JSON.stringify(x.args).slice(0, 60)}`, i] as const))('%s', async (_label, i) => {
        const x = cases[i];
        const { spec } = await taggedModel(file);
        let edited = (OPERATIONS[x.op].apply as (s: Model, a: unknown) => Model)(spec, x.args);
        if (x.op === 'insertLayer') edited = OPERATIONS.sortLayers.apply(edited, {});
        expect(edited).not.toBe(spec);
        const after = new Map([...walkMessages(MODEL_TYPE, decodeModel(encodeModel(edited)))].map((v) => [formatPath(v.path), v.message]));
        const lost: string[] = [];
        for (const [index, v] of [...walkMessages(MODEL_TYPE, spec)].entries()) {
          const to = x.moved ? x.moved(v.path) : v.path;
          if (to === null) continue;
          const m = after.get(formatPath(to));
          const id = m === undefined ? 'message gone' : unknownId(m);
          if (id !== index) lost.push(`${formatPath(v.path)}${formatPath(to) !== formatPath(v.path) ? ` → ${formatPath(to)}` : ''}: ${typeof id === 'number' ? `carries field of message ${id}` : id}`);
        }
        expect(lost).toEqual([]);
      });
    });
  }
});
