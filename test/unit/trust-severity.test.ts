// Severities follow Core ML (issue 8): what Core ML cannot load is an error (a rank or channel
// mismatch shape inference proves), a classifier whose probabilities lost their softmax and a
// layer nobody reads are warnings, and none of these findings appears on a real model that loads.
import * as fsp from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Model } from '../../shared/format/schema/types.generated';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import { deleteLayer, editField, insertLayer, rewireInput } from '../../shared/surgery/layers';
import { validateModel, type Diagnostic } from '../../shared/validate';
import { isReadable, manifest, modelPath, SHARED, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);
const open = async (suffix: string) => (await openModelFile(fs, modelPath(manifest().find((m) => m.file.endsWith(suffix))!))).spec;
const brief = (ds: Diagnostic[]) => ds.map((d) => `${d.severity} ${d.code} ${d.path.join('.')}: ${d.message}`);
const NEW_CODES = new Set(['shape-mismatch', 'layer-output-unused', 'classifier-not-softmax']);

describe.skipIf(!sharedPresent)('a mismatch shape inference proves is an error', () => {
  it('a permute that moves width into channels: the next convolution expects 64 channels and gets 113 (SqueezeNetFP16)', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const { spec: inserted, layerPath } = insertLayer(spec, { blob: 'conv1', type: 'permute', name: 'perm1' });
    expect(validateModel(inserted).filter((d) => d.severity === 'error')).toEqual([]);
    const swapped = editField(inserted, { path: [...layerPath, 'permute', 'axis'], value: [0, 3, 2, 1] });
    const errors = validateModel(swapped).filter((d) => d.severity === 'error');
    expect(brief(errors)).toEqual([
      'error shape-mismatch neuralNetworkClassifier.layers.4.convolution.kernelChannels: layer fire2/squeeze1x1 (convolution): input channels (kernelChannels 64 × nGroups 1): expected 64, the input has 113',
    ]);
  });

  it('N-d: a transpose whose input lost an axis is an error (HandPoseClassifier)', async () => {
    const spec = await open('HandPoseClassifier.mlmodel');
    const layers = spec.neuralNetworkClassifier!.layers!;
    // x.4 (expandDims) gives input.1's transpose its 4th axis; bridging it leaves rank 3.
    const out = deleteLayer(spec, { index: layers.findIndex((l) => l.name === 'x.4') });
    const at = out.neuralNetworkClassifier!.layers!.findIndex((l) => l.name === 'input.1');
    expect(brief(validateModel(out).filter((d) => d.code === 'shape-mismatch'))).toEqual([
      `error shape-mismatch neuralNetworkClassifier.layers.${at}.transpose.axes: layer input.1 (transpose): axes [0, 2, 1, 3] is not a permutation of the input's 3 axes`,
    ]);
  });

  it('a size that depends on the sequence length Core ML leaves to the caller stays a warning (TestGloVe)', async () => {
    // The Keras text model folds its sequence (4 tokens at run time) into channels with a permute.
    const ds = validateModel(await open('TestGloVe/model.mlmodel'));
    expect(brief(ds)).toEqual([
      'warning shape-inconsistent neuralNetwork.layers.3.innerProduct.inputChannels: layer dense_1 (innerProduct): input size C×H×W (inputChannels): expected 400, the input has 100',
    ]);
  });
});

describe.skipIf(!sharedPresent)('warnings Core ML would not give but a user needs', () => {
  it('deleting the softmax that feeds a classifier\'s probabilities is not silent (SqueezeNetFP16)', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    const layers = spec.neuralNetworkClassifier!.layers!;
    const out = deleteLayer(spec, { index: layers.findIndex((l) => l.name === 'prob') });
    const found = validateModel(out).filter((d) => NEW_CODES.has(d.code));
    expect(brief(found)).toEqual([
      `warning classifier-not-softmax neuralNetworkClassifier.layers.${layers.length - 2}: the class probabilities classLabelProbs come from pool10 (pooling), not from a softmax: they are raw scores that do not add up to 1. Add a softmax layer before the probabilities (or restore the one that was removed)`,
    ]);
    expect(out.neuralNetworkClassifier!.layers!.at(-1)!.output).toEqual(['classLabelProbs']);
  });

  it('a layer whose output nothing reads is reported (SqueezeNetFP16)', async () => {
    const spec = await open('SqueezeNetFP16.mlmodel');
    // pool1 reads conv1's raw output instead of the ReLU's: relu_conv1 now computes for nothing.
    const out = rewireInput(spec, { index: 2, inputIndex: 0, blob: 'conv1_1relu_conv1' });
    expect(brief(validateModel(out))).toEqual([
      'warning layer-output-unused neuralNetworkClassifier.layers.1.output: layer relu_conv1 (activation): nothing reads its output conv1; it computes for nothing. Delete it, or expose conv1 as a model output',
    ]);
  });
});

describe.skipIf(!sharedPresent)('no false alarms on models that load', () => {
  const conformance = sharedPresent ? readdirSync(join(SHARED, 'conformance'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(SHARED, 'conformance', d.name, 'model.mlmodel')) : [];
  const real = manifest().filter(isReadable).map(modelPath);
  it(`none of the new findings on ${real.length} real models and ${conformance.length} conformance models`, async () => {
    expect(conformance.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of [...real, ...conformance]) {
      const spec: Model = (await openModelFile(fs, file)).spec;
      for (const d of validateModel(spec)) if (NEW_CODES.has(d.code)) found.push(`${file}: ${d.code} ${d.message}`);
    }
    expect(found).toEqual([]);
  });
});
