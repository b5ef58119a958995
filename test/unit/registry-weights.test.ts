// The registry's weights column against the schema: for every layer type, the WeightParams
// fields its parameter message holds (walked from shared/format/schema/descriptors.generated.ts,
// through nested messages, repeated messages and every oneof member) are exactly the fields the
// row's weights(params) lists over parameters that set every flag one way and then the other. Then the shapes and channels of the rows
// against NeuralNetwork.proto on real layers, and the ports the rows name.
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../shared/format/schema/descriptors.generated';
import type { FieldDescriptor } from '../../shared/format/schema/descriptor';
import type { Model, NeuralNetworkLayer } from '../../shared/format/schema/types.generated';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import { ALL_LAYER_TYPES, arityProblem, layerEntry, layerWeights, portName, type LayerEntry } from '../../shared/layers/registry';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const LAYER = MESSAGES['CoreML.Specification.NeuralNetworkLayer'];
const WEIGHT = 'CoreML.Specification.WeightParams';
const NETWORK = 'CoreML.Specification.NeuralNetwork';

/** Every path from a message to a WeightParams field, repeated steps written "name[]". */
function schemaWeightFields(type: string, seen: ReadonlySet<string> = new Set([type])): string[] {
  const out: string[] = [];
  for (const f of MESSAGES[type]?.fields ?? []) {
    if (f.kind !== 'message' || f.type === NETWORK || seen.has(f.type)) continue;
    const step = f.repeated ? `${f.name}[]` : f.name;
    if (f.type === WEIGHT) out.push(step);
    else for (const below of schemaWeightFields(f.type, new Set([...seen, f.type]))) out.push(`${step}.${below}`);
  }
  return out;
}

/**
 * A parameter message with every flag set to `flag`, every size 2 and every repeated message
 * given twice; each oneof set to its `choice`-th member (mod its size), so that the choices
 * together reach every member and the two flag values every optional weight (hasBias on,
 * computeMeanVar off).
 */
function sampleMessage(type: string, choice: number, flag: boolean, depth = 0): Record<string, unknown> {
  const m = MESSAGES[type];
  const out: Record<string, unknown> = {};
  if (!m || depth > 6) return out;
  const chosen = new Set(Object.values(m.oneofs).map((members) => members[choice % members.length]));
  const value = (f: FieldDescriptor): unknown => {
    if (f.kind === 'enum') return 0;
    if (f.kind === 'message') return f.type === WEIGHT ? {} : sampleMessage(f.type, choice, flag, depth + 1);
    if (f.type === 'bool') return flag;
    if (f.type === 'string') return 'x';
    if (f.type === 'bytes') return new Uint8Array(0);
    return 2;
  };
  for (const f of m.fields) {
    if (f.oneof && !chosen.has(f.name)) continue;
    if (f.kind === 'map' || f.type === NETWORK) continue;
    out[f.name] = f.repeated ? [value(f), value(f)] : value(f);
  }
  return out;
}

const template = (field: readonly (string | number)[]): string =>
  field.reduce<string>((acc, step) => (typeof step === 'number' ? `${acc}[]` : acc ? `${acc}.${step}` : step), '');

describe("registry weights against the schema's WeightParams fields", () => {
  it.each(ALL_LAYER_TYPES.map((t) => [t]))('%s: none missing, none extra', (type) => {
    const paramsType = LAYER.fields.find((f) => f.name === type)!.type;
    const inSchema = [...new Set(schemaWeightFields(paramsType))].sort();
    const entry: LayerEntry = layerEntry(type);
    const choices = Math.max(1, ...Object.values(MESSAGES).flatMap((m) => Object.values(m.oneofs).map((o) => o.length)));
    const listed = new Set<string>();
    for (let k = 0; k < choices; k++) {
      for (const flag of [true, false]) {
        for (const w of entry.weights(sampleMessage(paramsType, k, flag))) listed.add(template(w.field));
      }
    }
    expect([...listed].sort(), `${type}: weight fields the row lists vs. WeightParams fields of ${paramsType}`).toEqual(inSchema);
  });

  it('has weight-carrying rows for the layers Core ML stores weights in', () => {
    const carrying = ALL_LAYER_TYPES.filter((t) => schemaWeightFields(LAYER.fields.find((f) => f.name === t)!.type).length > 0);
    expect(carrying).toEqual([
      'convolution', 'activation', 'innerProduct', 'embedding', 'batchnorm', 'scale', 'bias', 'loadConstant',
      'simpleRecurrent', 'gru', 'uniDirectionalLSTM', 'biDirectionalLSTM', 'custom', 'embeddingND', 'batchedMatmul',
      'loadConstantND', 'layerNormalization', 'convolution3d',
    ]);
  });
});

describe('registry weights: shapes and channels (NeuralNetwork.proto)', () => {
  it('convolution: [C_out, kernelChannels, kH, kW], channels on axis 0; with 2 inputs none', () => {
    const [w, b] = layerEntry('convolution').weights({ outputChannels: 8, kernelChannels: 3, kernelSize: [5, 4], hasBias: true });
    expect(w).toEqual({ field: ['weights'], shape: [8, 3, 5, 4], channels: { axis: 0, count: 8, stride: 60 }, quantizable: true });
    expect(b).toEqual({ field: ['bias'], shape: [8], channels: { axis: 0, count: 1, stride: 1 }, quantizable: true });
    expect(layerEntry('convolution').weights({ outputChannels: 8, kernelChannels: 3 }, { inputs: 2 })).toEqual([]);
  });

  it('deconvolution: [kernelChannels, C_out / nGroups, kH, kW], quantized along axis 1', () => {
    const [w] = layerEntry('convolution').weights({ outputChannels: 6, kernelChannels: 4, nGroups: 2, kernelSize: [3, 3], isDeconvolution: true });
    expect(w.shape).toEqual([4, 3, 3, 3]);
    expect(w.channels).toEqual({ axis: 1, count: 6, stride: 9 });
  });

  it('batchedMatmul: the [X1, X2] matrix stored column-major is [X2, X1] row-major', () => {
    const [w] = layerEntry('batchedMatmul').weights({ weightMatrixFirstDimension: 5, weightMatrixSecondDimension: 7 });
    expect(w.shape).toEqual([7, 5]);
    expect(w.channels).toEqual({ axis: 0, count: 7, stride: 5 });
  });

  it('batchnorm stores mean and variance only without computeMeanVar', () => {
    expect(layerEntry('batchnorm').weights({ channels: 4 }).map((w) => w.field[0])).toEqual(['gamma', 'beta', 'mean', 'variance']);
    expect(layerEntry('batchnorm').weights({ channels: 4, computeMeanVar: true }).map((w) => w.field[0])).toEqual(['gamma', 'beta']);
  });

  it('scale: a [C, H, W] scale is quantized per channel, a [C] one per tensor', () => {
    expect(layerEntry('scale').weights({ shapeScale: [3, 2, 2] })[0].channels).toEqual({ axis: 0, count: 3, stride: 4 });
    expect(layerEntry('scale').weights({ shapeScale: [3] })[0].channels.count).toBe(1);
  });

  it('bidirectional LSTM: both directions, peepholes only when asked for', () => {
    const p = { inputVectorSize: 3, outputVectorSize: 4, params: { hasBiasVectors: true } };
    const fields = layerEntry('biDirectionalLSTM').weights(p).map((w) => w.field.join('.'));
    expect(fields).toHaveLength(24);
    expect(fields).toContain('weightParams.1.outputGateRecursionMatrix');
    expect(fields.some((f) => f.includes('Peephole'))).toBe(false);
    expect(layerEntry('biDirectionalLSTM').weights(p)[0].shape).toEqual([4, 3]);
  });
});

describe('registry ports', () => {
  it('names recurrent states as Netron does (h, c, and h_rev, c_rev backwards)', () => {
    expect(layerEntry('uniDirectionalLSTM').inputs.names).toEqual(['input', 'h', 'c']);
    expect(layerEntry('uniDirectionalLSTM').outputs.names).toEqual(['output', 'h', 'c']);
    expect(layerEntry('biDirectionalLSTM').outputs.names).toEqual(['output', 'h', 'c', 'h_rev', 'c_rev']);
    expect(layerEntry('gru').inputs).toEqual({ names: ['input', 'h'], required: 1, repeated: false });
    expect(portName(layerEntry('concat').inputs, 2)).toBe('inputs[2]');
    expect(portName(layerEntry('topK').outputs, 1)).toBe('indices');
  });

  it('gives every row ports whose count is its arity', () => {
    for (const type of ALL_LAYER_TYPES) {
      const e = layerEntry(type);
      for (const [list, min, max] of [[e.inputs, e.arity.minInputs, e.arity.maxInputs], [e.outputs, e.arity.minOutputs, e.arity.maxOutputs]] as const) {
        expect(list.required, type).toBe(min);
        expect(list.repeated ? Infinity : list.names.length, type).toBe(max);
        expect(new Set(list.names).size, `${type}: port names are distinct`).toBe(list.names.length);
      }
    }
  });

  it('takes a custom layer with 1 or more inputs and outputs, as Core ML validates it', () => {
    expect(arityProblem('custom', 1, 1)).toBeUndefined();
    expect(arityProblem('custom', 0, 1)?.message).toBe('custom takes at least 1 input, this layer has 0');
    expect(arityProblem('custom', 2, 0)?.message).toBe('custom gives at least 1 output, this layer has 0');
  });

  it('starts inserted layers with typed, frozen defaults', () => {
    expect(layerEntry('activation').defaults).toEqual({ linear: { alpha: 1 } });
    expect(Object.isFrozen(layerEntry('permute').defaults.axis)).toBe(true);
    expect(layerEntry('gelu').defaults).toEqual({});
  });
});

async function openSpec(suffix: string): Promise<Model> {
  const m = manifest().find((x) => x.file.endsWith(suffix));
  if (!m) throw new Error(`${suffix} is not in ../shared/models/manifest.json`);
  return (await openModelFile(nodeFileSystem(fsp), modelPath(m))).spec;
}

const storedCount = (layer: NeuralNetworkLayer, field: readonly (string | number)[]): number => {
  let cur: unknown = layer[Object.keys(layer).find((k) => !['name', 'input', 'output', 'inputTensor', 'outputTensor', 'isUpdatable'].includes(k)) as keyof NeuralNetworkLayer];
  for (const step of field) cur = (cur as Record<string | number, unknown> | undefined)?.[step];
  const w = cur as { floatValue?: Float32Array; float16Value?: Uint8Array } | undefined;
  return w?.floatValue?.length ?? (w?.float16Value?.length ?? 0) / 2;
};

describe.skipIf(!sharedPresent)('registry weights on real layers', () => {
  it.each([
    ['SqueezeNetFP16.mlmodel', 'neuralNetworkClassifier'],
    ['MNISTClassifier.mlmodel', 'neuralNetworkClassifier'],
    ['HandPoseClassifier.mlmodel', 'neuralNetworkClassifier'],
    ['TestGloVe/model.mlmodel', 'neuralNetwork'],
  ] as const)('%s: every float weight holds the count its shape implies', async (file, field) => {
    const layers = (await openSpec(file))[field]!.layers!;
    let checked = 0;
    for (const layer of layers) {
      for (const w of layerWeights(layer)) {
        if (!w.shape) continue;
        expect(storedCount(layer, w.field), `${layer.name} ${w.field.join('.')}`).toBe(w.shape.reduce((a, b) => a * b, 1));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
