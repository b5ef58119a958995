// Every operation on real models: what it changes (shown by the schema-free wire diff), what it
// leaves byte-identical, and what it refuses, with the reason a user reads.
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { encodeModel, MODEL_TYPE } from '../../shared/format/model';
import type { Model } from '../../shared/format/schema/types.generated';
import { bytesEqual, diffWire, nameWirePath } from '../../shared/format/wirediff';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import { SurgeryError } from '../../shared/surgery/errors';
import { renameFeature, renameBlob, renameLayer } from '../../shared/surgery/rename';
import { setFeatureType } from '../../shared/surgery/features';
import { convertToFloat16, weightBytes } from '../../shared/surgery/weights';
import { deleteLayer, exposeBlob, insertLayer, rewireInput, sortLayers, replaceLayer } from '../../shared/surgery/layers';
import { setMetadata } from '../../shared/surgery/metadata';
import { setPreprocessing } from '../../shared/surgery/preprocessing';
import { walkMessages } from '../../shared/format/walk';
import { validateModel } from '../../shared/validate';
import { isReadable, manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);
const open = async (suffix: string) => (await openModelFile(fs, modelPath(manifest().find((m) => m.file.endsWith(suffix))!))).spec;
const changes = (a: Model, b: Model) => diffWire(encodeModel(a), encodeModel(b)).map((d) => `${d.kind} ${nameWirePath(MODEL_TYPE, d.path)}`);
const refusal = (f: () => unknown) => { try { f(); } catch (e) { if (e instanceof SurgeryError) return e.reason; throw e; } return 'not refused'; };

const networks = manifest().filter((m) => isReadable(m) && m.type?.startsWith('neuralNetwork'));

describe.skipIf(!sharedPresent)('fp16 on every readable NeuralNetwork model', () => {
  it.each(networks.map((m) => [m.file, m] as const))('%s', async (_f, m) => {
    const spec = (await openModelFile(fs, modelPath(m))).spec;
    const before = weightBytes(spec);
    // Updatable layers keep fp32 (on-device training needs it); everything else halves.
    const updatable = [...walkMessages(MODEL_TYPE, spec)]
      .filter((v) => v.typeName === 'CoreML.Specification.WeightParams' && v.message.isUpdatable)
      .reduce((s, v) => s + ((v.message.floatValue as Float32Array | undefined)?.byteLength ?? 0), 0);
    if (!before.byKind.float32 || before.byKind.float32 === updatable) {
      expect(refusal(() => convertToFloat16(spec))).toMatch(/^there are no fp32 weights to convert/);
      return;
    }
    const out = convertToFloat16(spec);
    const after = weightBytes(out);
    expect(after.byKind.float16 ?? 0).toBe((before.byKind.float16 ?? 0) + (before.byKind.float32 - updatable) / 2);
    expect(after.byKind.float32 ?? 0).toBe(updatable);
    expect(out.specificationVersion).toBeGreaterThanOrEqual(2);
    // The result validates: no error that the original did not already have.
    const errs = (x: Model) => validateModel(x).filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path.join('.')}`);
    expect(errs(out).filter((e) => !errs(spec).includes(e))).toEqual([]);
  });
});

describe.skipIf(!sharedPresent)('renaming every input and output and back gives the same bytes', () => {
  const all = manifest().filter(isReadable);
  it.each(all.map((m) => [m.file, m] as const))('%s', async (_f, m) => {
    const spec = (await openModelFile(fs, modelPath(m))).spec;
    const names = [...(spec.description?.input ?? []), ...(spec.description?.output ?? [])].map((f) => f.name!);
    let s = spec;
    names.forEach((n, i) => { s = renameFeature(s, { from: n, to: `renamed_${i}` }); });
    expect(s.description!.input!.map((f) => f.name)).toEqual(spec.description!.input!.map((_f, i) => `renamed_${i}`));
    names.forEach((n, i) => { s = renameFeature(s, { from: `renamed_${i}`, to: n }); });
    expect(bytesEqual(encodeModel(s), encodeModel(spec))).toBe(true);
  });
});

describe.skipIf(!sharedPresent)('operations change only what they name', () => {
  it('renameFeature on SqueezeNetFP16 updates the input and its reader only (its preprocessing names no feature)', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    expect(spec.neuralNetworkClassifier!.preprocessing![0].featureName).toBeUndefined();
    const out = renameFeature(spec, { from: 'image', to: 'photo' });
    expect(changes(spec, out).sort()).toEqual(['changed description.input[0].name', 'changed neuralNetworkClassifier.layers[0].input[0]']);
  });

  it('renameFeature updates a preprocessing featureName that names the input', async () => {
    const spec = await open('model_cpm.mlmodel');
    expect(spec.neuralNetwork!.preprocessing![0].featureName).toBe('image__0');
    const out = renameFeature(spec, { from: 'image__0', to: 'image' });
    expect(out.neuralNetwork!.preprocessing![0].featureName).toBe('image');
    expect(changes(spec, out)).toContain('changed neuralNetwork.preprocessing[0].featureName');
  });

  it('renameFeature of a pipeline output renames it in the sub-model that produces it (FruitClassifier)', async () => {
    const spec = await open('FruitClassifier.mlmodel');
    const out = renameFeature(spec, { from: 'classLabel', to: 'fruit' });
    const c = changes(spec, out);
    expect(c).toContain('changed description.output[1].name');
    expect(c).toContain('changed description.predictedFeatureName');
    expect(c.some((x) => x.startsWith('changed pipelineClassifier.pipeline.models[1].description.output'))).toBe(true);
    expect(c.every((x) => x.startsWith('changed'))).toBe(true);
  });

  it('renameFeature in an ML Program package renames the function input and the ops that read it', async () => {
    const spec = await open('ChineseClassifier.mlpackage');
    const out = renameFeature(spec, { from: 'text', to: 'tokens' });
    const c = changes(spec, out);
    expect(c).toContain('changed description.input[0].name');
    expect(c.some((x) => x.includes('mlProgram.functions[0]'))).toBe(true);
    // eslint-disable-next-line no-control-regex -- 0x04 "text" is the old name as a length-prefixed protobuf string
    expect(new TextDecoder('latin1').decode(encodeModel(out))).not.toMatch(/\x04text/);
  });

  it('renameLayer and renameBlob', async () => {
    const spec = await open('NeuralMcNeuralNet.mlmodel');
    const l0 = spec.neuralNetwork!.layers![0];
    expect(changes(spec, renameLayer(spec, { layerPath: ['neuralNetwork', 'layers', 0], to: 'first' }))).toEqual(['changed neuralNetwork.layers[0].name']);
    expect(refusal(() => renameLayer(spec, { layerPath: ['neuralNetwork', 'layers', 0], to: spec.neuralNetwork!.layers![1].name! }))).toBe(`a layer named "${spec.neuralNetwork!.layers![1].name}" already exists`);
    const blob = l0.output![0];
    const c = changes(spec, renameBlob(spec, { from: blob, to: 'conv_out' }));
    expect(c[0]).toBe('changed neuralNetwork.layers[0].output[0]');
    expect(c.length).toBeGreaterThanOrEqual(2);
  });

  it('setFeatureType and setMetadata touch one feature and the metadata', async () => {
    const spec = await open('TinyDrawingEmbedding.mlmodel');
    expect(changes(spec, setFeatureType(spec, { name: 'embedding', shape: [1, 128] }))).toEqual(['changed description.output[0].type.multiArrayType.shape[0]']);
    expect(setFeatureType(spec, { name: 'embedding', shape: [1, 128] }).description!.output![0].type!.multiArrayType!.shape).toEqual([1, 128]);
    const md = setMetadata(spec, { author: 'ML Surgeon', set: { 'com.example.k': 'v' } });
    expect(changes(spec, md).every((x) => x.includes('description.metadata'))).toBe(true);
    expect([...md.description!.metadata!.userDefined!]).toEqual([['com.example.k', 'v']]);
  });

  it('insertLayer on an edge, deleteLayer bridges it back to the same bytes', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const blob = spec.neuralNetworkClassifier!.layers![0].output![0];
    const { spec: withPermute, layerPath } = insertLayer(spec, { blob, type: 'permute', name: 'p' });
    expect(layerPath).toEqual(['neuralNetworkClassifier', 'layers', 1]);
    const layers = withPermute.neuralNetworkClassifier!.layers!;
    expect(layers[1]).toMatchObject({ name: 'p', input: [blob], permute: { axis: [0, 1, 2, 3] } });
    expect(layers[2].input).toEqual([layers[1].output![0]]);
    const back = deleteLayer(withPermute, { index: 1 });
    expect(bytesEqual(encodeModel(back), encodeModel(spec))).toBe(true);
  });

  it('exposeBlob adds one output; sortLayers restores a shuffled order', async () => {
    const spec = await open('NeuralMcNeuralNet.mlmodel');
    const blob = spec.neuralNetwork!.layers![1].output![0];
    expect(changes(spec, exposeBlob(spec, { blob }))).toEqual([`added description.output[${spec.description!.output!.length}]`]);
    const layers = spec.neuralNetwork!.layers!;
    const shuffled: Model = { ...spec, neuralNetwork: { ...spec.neuralNetwork!, layers: [...layers].reverse() } };
    expect(bytesEqual(encodeModel(sortLayers(shuffled)), encodeModel(spec))).toBe(true);
  });

  it('setPreprocessing with a per-channel std adds a scale layer after the input', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const out = setPreprocessing(spec, { input: 'image', preset: 'imagenet' });
    const nn = out.neuralNetworkClassifier!;
    expect(nn.preprocessing).toHaveLength(1);
    expect(nn.preprocessing![0].scaler).toMatchObject({ redBias: -0.485, greenBias: -0.456, blueBias: -0.406 });
    expect(nn.layers![0]).toMatchObject({ name: 'image_std', input: ['image'] });
    // The image is BGR, so the scale layer's channels are blue, green, red.
    expect([...nn.layers![0].scale!.scale!.floatValue!].map((x) => +x.toFixed(4))).toEqual([1 / 0.225, 1 / 0.224, 1 / 0.229].map((x) => +x.toFixed(4)));
    expect(nn.layers![1].input).toEqual([nn.layers![0].output![0]]);
  });

  it('replaceLayer swaps a custom layer for a built-in and back', async () => {
    const spec = await open('NeuralMcNeuralNet.mlmodel');
    const i = spec.neuralNetwork!.layers!.findIndex((l) => l.custom);
    expect(i).toBeGreaterThanOrEqual(0);
    const path = ['neuralNetwork', 'layers', i];
    const clip = replaceLayer(spec, { layerPath: path, type: 'clip', params: { minVal: -1, maxVal: 1 } });
    expect(clip.neuralNetwork!.layers![i]).toMatchObject({ clip: { minVal: -1, maxVal: 1 } });
    expect(clip.neuralNetwork!.layers![i].custom).toBeUndefined();
    expect(changes(spec, clip).every((x) => x.includes(`neuralNetwork.layers[${i}]`))).toBe(true);
  });
});

describe.skipIf(!sharedPresent)('refusals', () => {
  it('each operation refuses what would break the model, saying why', async () => {
    const spec = await open('NeuralMcNeuralNet.mlmodel');
    const inName = spec.description!.input![0].name!, outName = spec.description!.output![0].name!;
    expect(refusal(() => renameFeature(spec, { from: 'nope', to: 'x' }))).toBe('"nope" is not an input or output of this model');
    expect(refusal(() => renameFeature(spec, { from: inName, to: outName }))).toBe(`the name "${outName}" is already in use in this model`);
    expect(refusal(() => renameFeature(spec, { from: inName, to: '' }))).toBe('the new name is empty');
    expect(refusal(() => setFeatureType(spec, { name: outName, shape: [0, 3] }))).toMatch(/every dimension must be a positive integer/);
    expect(refusal(() => setFeatureType(spec, { name: inName, shape: [3] }))).toMatch(/is an image: shape and data type apply to multiArrays/);
    expect(refusal(() => insertLayer(spec, { blob: 'ghost', type: 'permute' }))).toBe('no layer or model input produces "ghost"');
    expect(refusal(() => insertLayer(spec, { blob: inName, type: 'notALayer' }))).toBe('"notALayer" is not a NeuralNetwork layer type');
    expect(refusal(() => rewireInput(spec, { index: 0, inputIndex: 0, blob: spec.neuralNetwork!.layers![2].output![0] }))).toMatch(/that would make a cycle/);
    expect(refusal(() => exposeBlob(spec, { blob: outName }))).toMatch(/no layer produces|already a model output/);
    expect(refusal(() => setMetadata(spec, { remove: ['missing'] }))).toBe('there is no user-defined metadata key "missing"');
    expect(refusal(() => setPreprocessing(spec, { input: inName, bias: [1, 2] }))).toMatch(/give three biases in red, green, blue order/);
    const glm = await open('PlotCVPredict.mlmodel');
    expect(refusal(() => insertLayer(glm, { blob: 'x', type: 'permute' }))).toBe('this model is not a neural network');
  });

  it('deleting a multi-input layer without rewiring is refused', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const i = spec.neuralNetworkClassifier!.layers!.findIndex((l) => l.concat);
    const l = spec.neuralNetworkClassifier!.layers![i];
    expect(refusal(() => deleteLayer(spec, { index: i }))).toBe(`"${l.name}" has 2 inputs and 1 outputs, and "${l.output![0]}" is still read; rewire the readers first`);
  });
});
