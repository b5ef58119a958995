// Classifier <-> network conversion, class labels, and cutting networks down, on SqueezeNet.
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../shared/format/model';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import { convertModelKind, extractSubgraph, parseLabelFile, setClassLabels, truncateAt } from '../../shared/surgery/model-kind';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);

/**
 * toEqual walks a typed array element by element through its generic equality: over SqueezeNet's
 * fp16 weights that took ~20 s. Compare typed arrays as bytes instead, which is the same verdict
 * or a stricter one (same class and length required; -0/0 and NaN payloads count as different).
 */
function typedArraysEqual(a: unknown, b: unknown): boolean | undefined {
  if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return undefined;
  if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false;
  const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return bytes(a).equals(bytes(b));
}
expect.addEqualityTesters([typedArraysEqual]);
const squeezeNet = async () => (await openModelFile(fs, modelPath(manifest().find((m) => m.file.endsWith('SqueezeNetFP16.mlmodel'))!))).spec;

it('typed arrays in toEqual compare by content, class and length', () => {
  const base = new Uint8Array([9, 1, 2, 3]);
  expect({ w: base.subarray(1) }).toEqual({ w: new Uint8Array([1, 2, 3]) });
  expect({ w: base.subarray(1) }).not.toEqual({ w: new Uint8Array([1, 2, 4]) });
  expect({ w: new Uint8Array([1, 2, 3]) }).not.toEqual({ w: new Uint8Array([1, 2]) });
  expect({ w: new Uint8Array([1, 2, 3]) }).not.toEqual({ w: new Int8Array([1, 2, 3]) });
  expect(new Float32Array([0.5, 0])).not.toEqual(new Float32Array([0.5, -0]));
});

describe.skipIf(!sharedPresent)('model kind and sub-graphs (SqueezeNetFP16)', () => {
  it('classifier -> network -> classifier keeps layers and labels', async () => {
    const spec = await squeezeNet();
    const labels = spec.neuralNetworkClassifier!.stringClassLabels!.vector!;
    const net = decodeModel(encodeModel(convertModelKind(spec, { to: 'neuralNetwork' })));
    expect(net.neuralNetworkClassifier).toBeUndefined();
    expect(net.neuralNetwork!.layers).toHaveLength(65);
    expect(net.description!.output!.map((o) => [o.name, o.type?.multiArrayType?.shape])).toEqual([['classLabelProbs', [1000]]]);
    expect(net.description!.predictedFeatureName).toBeUndefined();
    const back = decodeModel(encodeModel(convertModelKind(net, { to: 'neuralNetworkClassifier', labels, probabilities: 'classLabelProbs' })));
    expect(back.neuralNetworkClassifier!.stringClassLabels!.vector).toEqual(labels);
    expect(back.description!.predictedFeatureName).toBe('classLabel');
    expect(back.description!.predictedProbabilitiesName).toBe('classLabelProbs');
    expect(back.description!.output!.map((o) => o.name).sort()).toEqual(['classLabel', 'classLabelProbs']);
    expect(back.neuralNetworkClassifier!.layers).toEqual(spec.neuralNetworkClassifier!.layers);
  });

  it('class labels from a text file must match the class count', async () => {
    const spec = await squeezeNet();
    const ok = setClassLabels(spec, { labels: parseLabelFile(Array.from({ length: 1000 }, (_, i) => `class ${i}`).join('\n') + '\n\n') });
    expect(ok.neuralNetworkClassifier!.stringClassLabels!.vector![999]).toBe('class 999');
    expect(() => setClassLabels(spec, { labels: ['a', 'b'] })).toThrow('the model has 1000 classes but 2 labels were given');
  });

  it('truncateAt keeps exactly the layers that compute the blob', async () => {
    const spec = await squeezeNet();
    const layers = spec.neuralNetworkClassifier!.layers!;
    const blob = layers[3].output![0];
    const cut = truncateAt(spec, { blob, shape: [64, 56, 56] });
    expect(cut.neuralNetwork!.layers!.map((l) => l.name)).toEqual(layers.slice(0, 4).map((l) => l.name));
    expect(cut.description!.output).toEqual([{ name: blob, type: { multiArrayType: { shape: [64, 56, 56], dataType: 65568 } } }]);
    expect(cut.neuralNetwork!.preprocessing).toEqual(spec.neuralNetworkClassifier!.preprocessing);
  });

  it('extractSubgraph between two blobs, and refuses an unreachable cut', async () => {
    const spec = await squeezeNet();
    const layers = spec.neuralNetworkClassifier!.layers!;
    const from = layers[1].output![0], to = layers[3].output![0];
    const sub = extractSubgraph(spec, { inputs: [from], outputs: [to] });
    expect(sub.neuralNetwork!.layers!.map((l) => l.name)).toEqual([layers[2].name, layers[3].name]);
    expect(sub.description!.input!.map((f) => f.name)).toEqual([from]);
    expect(sub.neuralNetwork!.preprocessing).toBeUndefined();
    expect(() => extractSubgraph(spec, { inputs: [to], outputs: [from] })).toThrow(/is needed but is neither produced by a kept layer nor one of the new inputs/);
  });
});
