// The layer registry against the schema (every `layer` oneof member has exactly one entry with the
// right parameter message) and its summaries against layers read from real models in
// ../shared/models. Expected attribute values were read from those files' layer parameters.
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../shared/format/schema/descriptors.generated';
import type { Model, NeuralNetworkLayer, SliceStaticLayerParams } from '../../shared/format/schema/types.generated';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import { ALL_LAYER_TYPES, layerEntry, layerTypeOf, summarizeLayer, type LayerArity } from '../../shared/layers/registry';
import { milOpCategory } from '../../shared/layers/milOps';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const LAYER = MESSAGES['CoreML.Specification.NeuralNetworkLayer'];
const schemaTypes = LAYER.oneofs.layer;
const CATEGORIES = ['layer', 'convolution', 'activation', 'pooling', 'normalization', 'shape', 'data', 'control', 'recurrent', 'custom'];

describe('registry covers the schema', () => {
  it('has an entry for every layer type in NeuralNetworkLayer.layer, and nothing else', () => {
    const registered = new Set<string>(ALL_LAYER_TYPES);
    const inSchema = new Set(schemaTypes);
    expect(schemaTypes.filter((t) => !registered.has(t)), 'layer types in the schema without a registry entry').toEqual([]);
    expect(ALL_LAYER_TYPES.filter((t) => !inSchema.has(t)), 'registry entries that are not layer types in the schema').toEqual([]);
    expect(ALL_LAYER_TYPES).toEqual(schemaTypes); // schema order
    expect(ALL_LAYER_TYPES).toHaveLength(158);
  });

  it("gives each entry the schema's parameter message", () => {
    const mismatches: string[] = [];
    for (const type of schemaTypes) {
      const field = LAYER.fields.find((f) => f.name === type)!;
      const entry = layerEntry(type);
      if (entry?.paramsType !== field.type) mismatches.push(`${type}: registry ${entry?.paramsType}, schema ${field.type}`);
      if (!MESSAGES[entry?.paramsType ?? '']) mismatches.push(`${type}: ${entry?.paramsType} is not a message`);
    }
    expect(mismatches).toEqual([]);
  });

  it('has a unique display name, a known category and a consistent arity per entry', () => {
    const names = ALL_LAYER_TYPES.map((t) => layerEntry(t).displayName);
    expect(new Set(names).size).toBe(names.length);
    for (const type of ALL_LAYER_TYPES) {
      const e = layerEntry(type);
      expect(e.type).toBe(type);
      expect(e.displayName, type).toMatch(/\S/);
      expect(CATEGORIES, type).toContain(e.category);
      expect(e.arity.minInputs, type).toBeLessThanOrEqual(e.arity.maxInputs);
      expect(e.arity.minOutputs, type).toBeLessThanOrEqual(e.arity.maxOutputs);
    }
  });

  it('answers undefined for names that are not layer types', () => {
    expect(layerEntry('conv')).toBeUndefined();
    expect(layerEntry('toString')).toBeUndefined();
    expect(layerEntry('name')).toBeUndefined();
  });
});

describe('registry facts from NeuralNetwork.proto', () => {
  const arity = (minInputs: number, maxInputs: number, minOutputs: number, maxOutputs: number): LayerArity => ({ minInputs, maxInputs, minOutputs, maxOutputs });
  it.each([
    // type, display name, category, arity: "Requires 1 or 2 inputs and produces 1 output" etc.
    ['convolution', 'Convolution', 'convolution', arity(1, 2, 1, 1)],
    ['innerProduct', 'Inner Product', 'layer', arity(1, 1, 1, 1)],
    ['batchedMatmul', 'Batched MatMul', 'layer', arity(1, 2, 1, 1)],
    ['pooling', 'Pooling', 'pooling', arity(1, 1, 1, 1)],
    ['activation', 'Activation', 'activation', arity(1, 1, 1, 1)],
    ['batchnorm', 'Batch Normalization', 'normalization', arity(1, 1, 1, 1)],
    ['concat', 'Concat', 'shape', arity(2, Infinity, 1, 1)],
    ['split', 'Split', 'shape', arity(1, 1, 2, Infinity)],
    ['add', 'Add', 'layer', arity(1, Infinity, 1, 1)],
    ['loadConstant', 'Load Constant', 'data', arity(0, 0, 1, 1)],
    ['gather', 'Gather', 'data', arity(2, 2, 1, 1)],
    ['branch', 'Branch', 'control', arity(1, 1, 0, 0)],
    ['loop', 'Loop', 'control', arity(0, 1, 0, 0)],
    ['loopBreak', 'Loop Break', 'control', arity(0, 0, 0, 0)],
    ['uniDirectionalLSTM', 'Unidirectional LSTM', 'recurrent', arity(1, 3, 3, 3)],
    ['biDirectionalLSTM', 'Bidirectional LSTM', 'recurrent', arity(1, 5, 5, 5)],
    ['custom', 'Custom', 'custom', arity(1, Infinity, 1, Infinity)],
    ['whereBroadcastable', 'Where Broadcastable', 'layer', arity(3, 3, 1, 1)],
    ['sliceDynamic', 'Slice Dynamic', 'shape', arity(2, 7, 1, 1)],
    ['NonMaximumSuppression', 'Non-Maximum Suppression', 'layer', arity(2, 5, 4, 4)],
    ['topK', 'Top K', 'layer', arity(1, 2, 2, 2)],
  ] as const)('%s', (type, displayName, category, expected) => {
    const e = layerEntry(type);
    expect(e.displayName).toBe(displayName);
    expect(e.category).toBe(category);
    expect(e.arity).toEqual(expected);
  });
});

describe('summaries of synthetic layers', () => {
  it('writes a static slice the way Python would (NeuralNetwork.proto example input[:3:2, 2::2, ::2])', () => {
    const p: SliceStaticLayerParams = {
      beginIds: [1, 2, 3], beginMasks: [true, false, true],
      endIds: [3, -3, 2], endMasks: [false, true, true], strides: [2, 2, 2],
    };
    expect(layerEntry('sliceStatic').summarize(p)).toEqual([{ name: 'slice', value: '[:3:2, 2::2, ::2]' }]);
    expect(layerEntry('sliceStatic').summarize({ ...p, squeezeMasks: [false, true, false] })).toEqual([{ name: 'slice', value: '[:3:2, 2, ::2]' }]);
  });

  it('uses the proto defaults for absent fields (kernel 3×3, stride 1×1, one group)', () => {
    expect(layerEntry('convolution').summarize({ outputChannels: 8, same: {} })).toEqual([
      { name: 'kernel', value: '3×3' }, { name: 'stride', value: '1×1' }, { name: 'padding', value: 'same' }, { name: 'out', value: '8' },
    ]);
  });

  it('falls back to scalar fields for types without a hand-written summary', () => {
    expect(layerEntry('rangeStatic').summarize({ endValue: 10, startValue: 2, stepSizeValue: 0.5 })).toEqual([
      { name: 'endValue', value: '10' }, { name: 'startValue', value: '2' }, { name: 'stepSizeValue', value: '0.5' },
    ]);
    expect(layerEntry('randomNormalStatic').summarize({ seed: 7, mean: 0, stdDev: 1, outputShape: [2, 3] })).toEqual([
      { name: 'seed', value: '7' }, { name: 'mean', value: '0' }, { name: 'stdDev', value: '1' }, { name: 'outputShape', value: '[2, 3]' },
    ]);
    expect(layerEntry('copy').summarize({})).toEqual([]);
  });

  it('names activation functions with their parameters', () => {
    expect(layerEntry('activation').summarize({ leakyReLU: { alpha: 0.25 } })).toEqual([{ name: 'function', value: 'leakyReLU' }, { name: 'alpha', value: '0.25' }]);
    expect(layerEntry('activation').summarize({ PReLU: { alpha: { floatValue: new Float32Array(4) } } })).toEqual([{ name: 'function', value: 'PReLU' }, { name: 'alpha', value: '4 values' }]);
  });

  it('finds the layer type of a layer', () => {
    const layer: NeuralNetworkLayer = { name: 'l', input: ['a'], output: ['b'], softmax: {} };
    expect(layerTypeOf(layer)).toBe('softmax');
    expect(layerTypeOf({ name: 'empty' })).toBeUndefined();
  });

  it('colours MIL operations like their NeuralNetwork counterparts', () => {
    expect(milOpCategory('conv')).toBe('convolution');
    expect(milOpCategory('max_pool')).toBe('pooling');
    expect(milOpCategory('silu')).toBe('activation');
    expect(milOpCategory('constexpr_lut_to_dense')).toBe('data');
    expect(milOpCategory('add')).toBe('layer');
  });
});

async function openSpec(suffix: string): Promise<Model> {
  const m = manifest().find((x) => x.file.endsWith(suffix));
  if (!m) throw new Error(`${suffix} is not in ../shared/models/manifest.json`);
  return (await openModelFile(nodeFileSystem(fsp), modelPath(m))).spec;
}

const attrs = (layer: NeuralNetworkLayer): Record<string, string> => Object.fromEntries(summarizeLayer(layer).map((a) => [a.name, a.value]));

describe.skipIf(!sharedPresent)('summaries of real layers', () => {
  it('SqueezeNetFP16: first convolution, ReLU, max pooling and global average pooling', async () => {
    const layers = (await openSpec('SqueezeNetFP16.mlmodel')).neuralNetworkClassifier!.layers!;
    expect(layers[0].name).toBe('conv1');
    expect(summarizeLayer(layers[0])).toEqual([
      { name: 'kernel', value: '3×3' },
      { name: 'stride', value: '2×2' },
      { name: 'padding', value: 'valid' },
      { name: 'out', value: '64' },
      { name: 'bias', value: 'true' },
    ]);
    expect(summarizeLayer(layers[1])).toEqual([{ name: 'function', value: 'ReLU' }]);
    expect(layers[2].name).toBe('pool1');
    expect(summarizeLayer(layers[2])).toEqual([
      { name: 'type', value: 'max' },
      { name: 'kernel', value: '3×3' },
      { name: 'stride', value: '2×2' },
      { name: 'padding', value: 'include last pixel [0, 0]' },
    ]);
    expect(layers[63].name).toBe('pool10');
    expect(summarizeLayer(layers[63])).toEqual([{ name: 'type', value: 'average' }, { name: 'global', value: 'true' }]);
    // Every layer of the model has a summary its registry entry produced.
    for (const l of layers) expect(layerEntry(layerTypeOf(l)!)).toBeDefined();
  });

  it('model_cpm: depthwise convolution, same padding, clipped ReLU6 pieces, bilinear upsampling', async () => {
    const layers = (await openSpec('model_cpm.mlmodel')).neuralNetwork!.layers!;
    expect(attrs(layers[0])).toEqual({ kernel: '3×3', stride: '2×2', padding: 'same', out: '16' });
    expect(attrs(layers[13])).toEqual({ kernel: '3×3', stride: '1×1', padding: 'same', out: '16', groups: '16' });
    expect(attrs(layers[1])).toEqual({ channels: '16', epsilon: '0.001' });
    expect(attrs(layers[3])).toEqual({ function: 'linear', alpha: '-1' });
    expect(attrs(layers[4])).toEqual({ function: 'threshold', alpha: '-6' });
    expect(attrs(layers[37])).toEqual({ type: 'max', kernel: '4×4', stride: '4×4', padding: 'same', 'exclude padding': 'true' });
    expect(attrs(layers[276])).toEqual({ scale: '2×2', mode: 'bilinear' });
  });

  it('HandPoseClassifier: ND shape layers', async () => {
    const layers = (await openSpec('HandPoseClassifier.mlmodel')).neuralNetworkClassifier!.layers!;
    expect(attrs(layers[0])).toEqual({ axes: '[0]' }); // expandDims
    expect(attrs(layers[1])).toEqual({ axes: '[0, 1, 3, 2]' }); // transpose
    expect(attrs(layers[2])).toEqual({ shape: '[1, 1, -1]' }); // reshapeStatic
    expect(attrs(layers[7])).toEqual({ axes: '[1]' }); // squeeze
    expect(attrs(layers[8])).toEqual({ in: '63', out: '704' }); // innerProduct
    expect(attrs(layers[70])).toEqual({ axis: '1' }); // softmaxND
  });

  it('TestGloVe and Lstsq: embedding, permute, flatten order, custom layer parameters', async () => {
    const glove = (await openSpec('TestGloVe/model.mlmodel')).neuralNetwork!.layers!;
    expect(attrs(glove[0])).toEqual({ vocabulary: '15', out: '100' });
    expect(attrs(glove[1])).toEqual({ axes: '[2, 1, 0, 3]' });
    expect(attrs(glove[2])).toEqual({ order: 'channel_last' });
    const lstsq = (await openSpec('Lstsq-CoreML/test-model.mlmodel')).neuralNetwork!.layers!;
    expect(attrs(lstsq[1])).toEqual({ class: 'dneprDroid_lstsq', driver: 'gelsd' });
  });
});

// No model in ../shared/models has a recurrent layer, so these are built in code.
describe('summaries of recurrent layers', () => {
  const sigmoid = { sigmoid: {} };
  const tanh = { tanh: {} };
  it('simple recurrent, GRU, unidirectional and bidirectional LSTM show sizes, activations and set flags in one order', () => {
    expect(summarizeLayer({ name: 'rnn', simpleRecurrent: { inputVectorSize: 8, outputVectorSize: 4, activation: tanh, reverseInput: true } })).toEqual([
      { name: 'in', value: '8' },
      { name: 'out', value: '4' },
      { name: 'activation', value: 'tanh' },
      { name: 'reverse', value: 'true' },
    ]);
    expect(attrs({ name: 'gru', gru: { inputVectorSize: 3, outputVectorSize: 5, activations: [sigmoid, tanh], sequenceOutput: true } })).toEqual({
      in: '3', out: '5', activations: 'sigmoid, tanh', 'sequence output': 'true',
    });
    expect(summarizeLayer({
      name: 'lstm',
      uniDirectionalLSTM: { inputVectorSize: 2, outputVectorSize: 6, activations: [sigmoid, tanh, tanh], params: { hasPeepholeVectors: true }, reverseInput: true },
    }).map((a) => a.name)).toEqual(['in', 'out', 'activations', 'peepholes', 'reverse']);
    // NeuralNetwork.proto: a bidirectional LSTM's output is the forward and backward outputs concatenated.
    expect(attrs({
      name: 'bi', biDirectionalLSTM: { inputVectorSize: 2, outputVectorSize: 6, activationsForwardLSTM: [sigmoid, tanh, tanh], params: { sequenceOutput: true } },
    })).toEqual({ in: '2', out: '2×6', activations: 'sigmoid, tanh, tanh', 'sequence output': 'true' });
    expect(attrs({ name: 'empty', gru: {} })).toEqual({ in: '0', out: '0' });
  });
});
