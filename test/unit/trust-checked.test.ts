// The one check every edit goes through (UI and CLI): applyOperationChecked refuses an edit that
// introduces a validation error unless forced, reports new warnings, and labels history entries
// in the user's words.
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import { applyOperationChecked, diagnosticsOnSave, EditIntroducesErrors } from '../../shared/surgery/checked';
import { insertLayer } from '../../shared/surgery/layers';
import { applyOperation, operationLabel } from '../../shared/surgery/operations';
import { validateModel } from '../../shared/validate';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);
const open = async (suffix: string) => (await openModelFile(fs, modelPath(manifest().find((m) => m.file.endsWith(suffix))!))).spec;

describe.skipIf(!sharedPresent)('applyOperationChecked', () => {
  it('refuses a permute that breaks the next convolution, with the diagnostics; force applies it and says so', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const { spec: inserted, applied } = applyOperation(spec, 'insertLayer', { blob: 'conv1', type: 'permute', name: 'perm1' });
    expect(applied.label).toBe('Insert permute after blob conv1');
    const at = inserted.neuralNetworkClassifier!.layers!.findIndex((l) => l.name === 'perm1');
    const args = { path: ['neuralNetworkClassifier', 'layers', at, 'permute', 'axis'], value: [0, 3, 2, 1] };
    let refused: EditIntroducesErrors | undefined;
    try { applyOperationChecked(inserted, 'editField', args); } catch (e) { refused = e as EditIntroducesErrors; }
    expect(refused).toBeInstanceOf(EditIntroducesErrors);
    expect(refused!.introduced.map((d) => `${d.severity} ${d.code}`)).toEqual(['error shape-mismatch']);
    expect(refused!.reason).toMatch(/^Set Permute perm1 axis 0,3,2,1 would introduce 1 validation error: layer fire2\/squeeze1x1 \(convolution\): input channels .*expected 64, the input has 113$/);
    const forced = applyOperationChecked(inserted, 'editField', args, { force: true });
    expect(forced.applied).toMatchObject({ forced: true, label: 'Set Permute perm1 axis 0,3,2,1 (applied despite 1 validation error)' });
    expect(forced.introduced).toHaveLength(1);
    expect(forced.spec.neuralNetworkClassifier!.layers![at].permute!.axis).toEqual([0, 3, 2, 1]);
  });

  it('deleting the softmax before a classifier\'s probabilities applies, with the warning', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const index = spec.neuralNetworkClassifier!.layers!.findIndex((l) => l.name === 'prob');
    const r = applyOperationChecked(spec, 'deleteLayer', { index });
    expect(r.applied.label).toBe('Delete layer prob (softmax)');
    expect(r.introduced).toEqual([]);
    expect(r.newWarnings.map((d) => d.code)).toEqual(['classifier-not-softmax']);
  });

  it('errors the model already had do not block an unrelated edit (iris)', async () => {
    const spec = await open('iris.mlmodel');
    expect(validateModel(spec).filter((d) => d.severity === 'error')).toHaveLength(1);
    const r = applyOperationChecked(spec, 'setMetadata', { author: 'me' });
    expect(r.introduced).toEqual([]);
    expect(r.applied.label).toBe('Set author');
  });

  it('reports a raise of the specification version with its reasons', async () => {
    const spec = await open('TinyDrawingEmbedding.mlmodel');
    const r = applyOperationChecked(spec, 'convertToFloat16', {});
    expect(r.versionRaise).toEqual({ from: 1, to: 2, reasons: ['float16 weights (in 8 places) [2]'] });
  });

  it('is cheap enough to run on every edit in the UI (model_cpm, 757 layers)', async () => {
    const spec = await open('model_cpm.mlmodel');
    const t0 = performance.now();
    validateModel(spec);
    const validateMs = performance.now() - t0;
    const t1 = performance.now();
    const r = applyOperationChecked(spec, 'renameFeature', { from: 'image__0', to: 'image' });
    const firstMs = performance.now() - t1;
    const t2 = performance.now();
    applyOperationChecked(r.spec, 'renameFeature', { from: 'Convolutional_Pose_Machine__stage_5_out__0', to: 'heatmaps' });
    const nextMs = performance.now() - t2;
    // Figures for the record (no time limit in tests): the second edit reuses the first's findings.
    console.log(`model_cpm: validateModel ${validateMs.toFixed(0)} ms; first checked edit ${firstMs.toFixed(0)} ms; next ${nextMs.toFixed(0)} ms`);
    expect(diagnosticsOnSave(r.spec)).toBe(r.diagnostics);
  });
});

describe.skipIf(!sharedPresent)('history labels read like a person wrote them', () => {
  it('names features, layers and fields, never spec paths or bare indices', async () => {
    const cpm = await open('model_cpm.mlmodel');
    const sq = await open('SqueezeNetFP16.mlmodel');
    const conv = sq.neuralNetworkClassifier!.layers!.findIndex((l) => l.name === 'fire2/squeeze1x1');
    const { spec: withPermute, layerPath } = insertLayer(sq, { blob: 'conv1', type: 'permute', name: 'perm1' });
    expect(operationLabel(cpm, 'renameFeature', { from: 'image__0', to: 'image' })).toBe('Rename input image__0 → image');
    expect(operationLabel(cpm, 'renameFeature', { from: 'Convolutional_Pose_Machine__stage_5_out__0', to: 'heatmaps' })).toBe('Rename output Convolutional_Pose_Machine__stage_5_out__0 → heatmaps');
    expect(operationLabel(withPermute, 'editField', { path: [...layerPath, 'permute', 'axis'], value: [0, 3, 2, 1] })).toBe('Set Permute perm1 axis 0,3,2,1');
    expect(operationLabel(sq, 'deleteLayer', { index: conv })).toBe('Delete layer fire2/squeeze1x1 (convolution)');
    expect(operationLabel(sq, 'insertLayer', { blob: 'conv1', type: 'permute' })).toBe('Insert permute after blob conv1');
    expect(operationLabel(sq, 'editField', { path: ['neuralNetworkClassifier', 'layers', conv, 'convolution', 'stride', 0], value: 2 })).toBe('Set Convolution fire2/squeeze1x1 stride[0] 2');
    expect(operationLabel(sq, 'editField', { path: ['description', 'input', 0, 'type', 'imageType', 'width'], value: 300 })).toBe('Set input image width 300');
    expect(operationLabel(sq, 'editField', { path: ['description', 'metadata', 'author'], value: 'me' })).toBe('Set metadata author "me"');
    expect(operationLabel(sq, 'renameLayer', { layerPath: ['neuralNetworkClassifier', 'layers', conv], to: 'squeeze' })).toBe('Rename layer fire2/squeeze1x1 → squeeze');
    expect(operationLabel(sq, 'rewireInput', { index: 2, inputIndex: 0, blob: 'conv1_1relu_conv1' })).toBe('Rewire layer pool1 to read conv1_1relu_conv1 instead of conv1');
    expect(operationLabel(cpm, 'setFeatureType', { name: 'Convolutional_Pose_Machine__stage_5_out__0', shape: [14, 96, 96] })).toBe('Set output Convolutional_Pose_Machine__stage_5_out__0 shape 14×96×96');
    expect(operationLabel(sq, 'setPreprocessing', { input: 'image', preset: 'imagenet' })).toBe('Set preprocessing of image: preset imagenet');
    expect(operationLabel(sq, 'setMetadata', { set: { source: 'x' } })).toBe('Set metadata source');
  });
});
