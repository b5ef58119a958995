// Declared shapes never contradict the network (issue 8): setFeatureType refuses a shape the
// network provably does not produce or that leaves the declared flexibility, and exposeBlob
// declares the new output with the shape inference gives it.
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import { SurgeryError } from '../../shared/surgery/errors';
import { setFeatureType } from '../../shared/surgery/features';
import { exposeBlob } from '../../shared/surgery/layers';
import { renameFeature } from '../../shared/surgery/rename';
import { validateModel } from '../../shared/validate';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);
const open = async (suffix: string) => (await openModelFile(fs, modelPath(manifest().find((m) => m.file.endsWith(suffix))!))).spec;
const refusal = (f: () => unknown) => { try { f(); } catch (e) { if (e instanceof SurgeryError) return e.reason; throw e; } return 'not refused'; };

describe.skipIf(!sharedPresent)('setFeatureType refuses a shape the network contradicts', () => {
  it('model_cpm: heatmaps cannot be declared 14×96×97; 14×96×96 with or without a leading 1 is accepted', async () => {
    const spec = renameFeature(await open('model_cpm.mlmodel'), { from: 'Convolutional_Pose_Machine__stage_5_out__0', to: 'heatmaps' });
    const layer = spec.neuralNetwork!.layers!.find((l) => l.output?.includes('heatmaps'))!.name;
    expect(refusal(() => setFeatureType(spec, { name: 'heatmaps', shape: [14, 96, 97] })))
      .toBe(`shape of "heatmaps": the network produces 14×96×96 (layer ${layer}), not 14×96×97; declare 14,96,96 (size-1 dimensions may be added or dropped)`);
    expect(refusal(() => setFeatureType(spec, { name: 'heatmaps', shape: [96, 14, 96] }))).toMatch(/^shape of "heatmaps": the network produces 14×96×96/);
    for (const shape of [[14, 96, 96], [1, 14, 96, 96]]) {
      const out = setFeatureType(spec, { name: 'heatmaps', shape });
      expect([...out.description!.output![0].type!.multiArrayType!.shape!].map(Number)).toEqual(shape);
      expect(validateModel(out).filter((d) => d.code === 'output-shape-mismatch')).toEqual([]);
    }
  });

  it('an image output cannot change size unless the network does (Image2Image)', async () => {
    const spec = await open('Image2Image.mlmodel');
    expect(refusal(() => setFeatureType(spec, { name: 'generatedImage', width: 300, height: 300 }))).toMatch(/^size of "generatedImage": the network produces 256×256 images \(layer .*\), not 300×300$/);
    expect(refusal(() => setFeatureType(spec, { name: 'generatedImage', colorSpace: 'GRAYSCALE' }))).toMatch(/^colorSpace of "generatedImage": the network produces 3 channels/);
  });

  it('a shape outside enumerated shapes or an image size outside its range is refused', async () => {
    const lstsq = await open('test-model.mlmodel');
    expect(refusal(() => setFeatureType(lstsq, { name: 'a', shape: [1, 1, 1, 200] }))).toMatch(/^shape of "a": dimension 3 of the default shape \(200\) is outside its range 2\.\.100; give new ranges or remove them$/);
    const enumerated = setFeatureType(lstsq, { name: 'a', enumeratedShapes: [[1, 1, 1, 2], [1, 1, 1, 3]] });
    expect(setFeatureType(enumerated, { name: 'a', shape: [1, 1, 1, 3] }).description!.input![0].type!.multiArrayType!.shape!.map(Number)).toEqual([1, 1, 1, 3]);
    expect(refusal(() => setFeatureType(enumerated, { name: 'a', shape: [1, 1, 1, 5] }))).toBe('shape of "a": [1, 1, 1, 5] is not one of its enumerated shapes ([1, 1, 1, 2], [1, 1, 1, 3]); give new enumerated shapes or remove them');
    const fruit = await open('FruitClassifier.mlmodel');
    expect(refusal(() => setFeatureType(fruit, { name: 'image', width: 200, height: 299 }))).toBe('size of "image": width of the default shape (200) is outside its range 299..∞; give a new size range or remove it');
  });
});

describe.skipIf(!sharedPresent)('exposeBlob declares the inferred shape', () => {
  it('SqueezeNetFP16: a feature map is [C, H, W], a vector is [C], both FLOAT32, and the model validates as before', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const a = exposeBlob(spec, { blob: 'conv1' });
    expect(a.description!.output!.at(-1)).toEqual({ name: 'conv1', type: { multiArrayType: { shape: [64, 113, 113], dataType: 65568 } } });
    const b = exposeBlob(a, { blob: 'pool10' });
    expect(b.description!.output!.at(-1)!.type!.multiArrayType!.shape).toEqual([1000]);
    expect(validateModel(b)).toEqual(validateModel(spec));
    expect(refusal(() => exposeBlob(spec, { blob: 'pool10', shape: [999] }))).toBe('shape: the network produces 1000 for "pool10", not 999');
    expect(exposeBlob(spec, { blob: 'pool10', shape: [1000, 1, 1] }).description!.output!.at(-1)!.type!.multiArrayType!.shape).toEqual([1000, 1, 1]);
  });

  it('HandPoseClassifier (N-d): the exposed output keeps the full rank', async () => {
    const spec = await open('HandPoseClassifier.mlmodel');
    const layer = spec.neuralNetworkClassifier!.layers![0];
    const out = exposeBlob(spec, { blob: layer.output![0] });
    // poses [1, 3, 21] through expandDims(axes [0]).
    expect(layer.expandDims).toBeDefined();
    expect(out.description!.output!.at(-1)!.type!.multiArrayType!.shape).toEqual([1, 1, 3, 21]);
    expect(validateModel(out).filter((d) => d.severity === 'error')).toEqual([]);
  });
});
