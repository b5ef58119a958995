// Pipelines: stages run in order and connect by feature name. Real Create ML and onnxmltools
// pipelines from ../shared/models, with expected values worked out from their parameters.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, modelTypeOf } from '../../shared/format/model';
import type { Model } from '../../shared/format/schema/types.generated';
import { runClassicModel } from '../../shared/executor/classic';
import { runNonMaximumSuppression } from '../../shared/executor/nms';
import { pipelineOf, runPipeline } from '../../shared/executor/pipeline';
import type { FeatureValue, RunModel } from '../../shared/executor/types';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

// The dispatch runModel does, restricted to the model kinds these pipelines hold.
const runAny: RunModel = (model, inputs, options) => {
  if (pipelineOf(model)) return runPipeline(model, inputs, options, runAny);
  if (modelTypeOf(model) === 'nonMaximumSuppression') return runNonMaximumSuppression(model, inputs);
  return runClassicModel(model, inputs);
};
const load = (file: string): Model => decodeModel(readFileSync(modelPath(manifest().find((e) => e.file === file)!)));
const vec = (...v: number[]): FeatureValue => ({ kind: 'tensor', tensor: { shape: [v.length], data: Float32Array.from(v) } });
const DOUBLE = 65600;

describe('pipelines built here', () => {
  // scaler (x → x·2) then a binary GLM classifier on the scaled value.
  const spec = decodeModel(encodeModel({
    specificationVersion: 1,
    description: {
      input: [{ name: 'x', type: { multiArrayType: { shape: [1], dataType: DOUBLE } } }],
      output: [{ name: 'label', type: { int64Type: {} } }, { name: 'probs', type: { dictionaryType: { int64KeyType: {} } } }],
      predictedFeatureName: 'label', predictedProbabilitiesName: 'probs',
    },
    pipelineClassifier: { pipeline: { names: ['scale', 'classify'], models: [
      { specificationVersion: 1, description: { input: [{ name: 'x', type: { multiArrayType: { shape: [1], dataType: DOUBLE } } }], output: [{ name: 'scaled', type: { multiArrayType: { shape: [1], dataType: DOUBLE } } }] }, scaler: { scaleValue: Float64Array.of(2) } },
      {
        specificationVersion: 1,
        description: { input: [{ name: 'scaled', type: { multiArrayType: { shape: [1], dataType: DOUBLE } } }], output: [{ name: 'label', type: { int64Type: {} } }, { name: 'probs', type: { dictionaryType: { int64KeyType: {} } } }], predictedFeatureName: 'label', predictedProbabilitiesName: 'probs' },
        glmClassifier: { weights: [{ value: Float64Array.of(1) }], offset: Float64Array.of(-1), classEncoding: 1, int64ClassLabels: { vector: [0, 1] } },
      },
    ] } },
  }));

  it('connects stages by name and returns only the declared outputs', () => {
    const r = runPipeline(spec, new Map([['x', vec(1.5)]]), {}, runAny); // z = 3 - 1 = 2
    expect([...r.outputs.keys()]).toEqual(['label', 'probs']);
    expect(r.outputs.get('label')).toEqual({ kind: 'int64', value: 1 });
    const p = r.outputs.get('probs');
    expect(p?.kind === 'dictionary' && p.value.get(1)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
  });

  it('profiles each stage by its name, reports progress, and can be cancelled', () => {
    const progress: number[] = [];
    const r = runPipeline(spec, new Map([['x', vec(0)]]), { profile: true, onProgress: (d) => progress.push(d) }, runAny);
    expect(r.profile?.map((p) => [p.layer, p.type])).toEqual([['scale', 'scaler'], ['classify', 'glmClassifier']]);
    expect(progress).toEqual([1, 2]);
    expect(() => runPipeline(spec, new Map([['x', vec(0)]]), { signal: { aborted: true } }, runAny)).toThrow('cancelled');
  });

  it('a missing input names the stage and the feature', () => {
    expect(() => runPipeline(spec, new Map(), {}, runAny)).toThrow('pipeline scale: input "x" is neither a pipeline input nor an earlier stage\'s output');
  });
});

describe.skipIf(!sharedPresent)('real pipelines', () => {
  it('MRT (Create ML regressor: three one-hot encoders, a vectorizer, a GLM) equals the sum of the chosen weights', () => {
    const spec = load('Appletone__iPlayground-CreateML/MRT.mlmodel');
    const stages = spec.pipelineRegressor!.pipeline!.models!;
    const [date, inbound, outbound] = [0, 1, 2].map((i) => [...stages[i].oneHotEncoder!.stringCategories!.vector!]);
    const glm = stages[4].glmRegressor!;
    const w = glm.weights![0].value!;
    expect(w.length).toBe(24 + 1 + 108 + 108);
    const cases: [string, number, string, string][] = [[date[3], 8, inbound[10], outbound[0]], [date[0], 17.5, inbound[107], outbound[50]]];
    for (const [d, hour, i, o] of cases) {
      const r = runPipeline(spec, new Map<string, FeatureValue>([
        ['Date', { kind: 'string', value: d }], ['Hour', { kind: 'double', value: hour }],
        ['Inbound', { kind: 'string', value: i }], ['Outbound', { kind: 'string', value: o }],
      ]), {}, runAny);
      const expected = glm.offset![0] + w[date.indexOf(d)] + w[24] * hour + w[25 + inbound.indexOf(i)] + w[133 + outbound.indexOf(o)];
      const y = r.outputs.get('Passenger');
      expect(y?.kind).toBe('double');
      expect(y?.kind === 'double' && y.value).toBeCloseTo(expected, 10);
    }
    // An unknown station is ignored (handleUnknown = IgnoreUnknown): its block contributes nothing.
    const r = runPipeline(spec, new Map<string, FeatureValue>([
      ['Date', { kind: 'string', value: date[1] }], ['Hour', { kind: 'double', value: 0 }],
      ['Inbound', { kind: 'string', value: 'nowhere' }], ['Outbound', { kind: 'string', value: 'nowhere' }],
    ]), {}, runAny);
    const y = r.outputs.get('Passenger');
    expect(y?.kind === 'double' && y.value).toBeCloseTo(glm.offset![0] + w[date.indexOf(date[1])], 10);
  });

  it('onehot_simple (array feature extractors, one-hot encoders reusing names, a vectorizer) one-hot codes each column', () => {
    const spec = load('onnx__onnxmltools/onehot_simple.mlmodel');
    const stages = spec.pipeline!.models!;
    const encoders = stages.filter((s) => s.oneHotEncoder).map((s) => (s.oneHotEncoder!.int64Categories!.vector ?? []).map(Number));
    expect(encoders.length).toBe(8);
    const x = encoders.map((cats, i) => cats[(i * 3) % cats.length]);
    const r = runPipeline(spec, new Map([['input', vec(...x)]]), {}, runAny);
    const out = r.outputs.get('transformed_features');
    if (out?.kind !== 'tensor') throw new Error('no array output');
    expect(out.tensor.shape).toEqual([102]);
    const expected = encoders.flatMap((cats, i) => cats.map((c) => (c === x[i] ? 1 : 0)));
    expect(expected.length).toBe(102);
    expect(Array.from(out.tensor.data)).toEqual(expected);
  });

  it('MyTabularClassifier (vectorizer + 30 boosted trees, softmax) names the bit for each depth band of its splits', () => {
    const spec = load('Nehanth__EOG/MyTabularClassifier 1.mlmodel');
    const trees = spec.pipelineClassifier!.pipeline!.models![1].treeEnsembleClassifier!;
    const labels = trees.stringClassLabels!.vector!;
    // Every branch of every tree splits BIT_DEPTH (feature 0) at one of two thresholds, so the
    // prediction depends on the depth band alone.
    const branches = trees.treeEnsemble!.nodes!.filter((n) => (n.nodeBehavior ?? 0) !== 6);
    expect(new Set(branches.map((n) => Number(n.branchFeatureIndex ?? 0)))).toEqual(new Set([0]));
    expect([...new Set(branches.map((n) => n.branchFeatureValue))].sort((a, b) => a! - b!)).toEqual([6399.81982421875, 14319.509765625]);
    const inputs = (v: number[]) => new Map<string, FeatureValue>(
      ['BIT_DEPTH', 'RATE_OF_PENETRATION', 'HOOK_LOAD', 'DIFFERENTIAL_PRESSURE', 'WEIGHT_ON_BIT'].map((n, i) => [n, { kind: 'double', value: v[i] }]),
    );
    const cases: [number[], string][] = [
      [[1000, 20, 100, 300, 10], 'Buzz Drilldrin'], [[6399.8, 1, 1, 1, 1], 'Buzz Drilldrin'],
      [[8000, 5, 150, 100, 5], 'AstroBit'], [[14319, 500, 0, 0, 0], 'AstroBit'],
      [[15000, 50, 200, 500, 30], 'ChallengDriller'], [[20000, 100, 250, 800, 40], 'ChallengDriller'],
    ];
    for (const [v, expected] of cases) {
      const r = runPipeline(spec, inputs(v), {}, runAny);
      const label = r.outputs.get('DRILL_BIT_NAME');
      const probs = r.outputs.get('DRILL_BIT_NAMEProbability');
      if (label?.kind !== 'string' || probs?.kind !== 'dictionary') throw new Error('classifier outputs missing');
      expect([...probs.value.keys()]).toEqual(labels);
      expect([...probs.value.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(label.value).toBe(expected);
      expect(probs.value.get(expected)).toBeGreaterThan(0.9);
    }
  });

  it('FruitClassifier stops at its Vision feature print stage with one clear reason', () => {
    const spec = load('MoonAndEye__CreateMLDemo/FruitClassifier.mlmodel');
    const image: FeatureValue = { kind: 'image', image: { width: 299, height: 299, layout: 'rgba', pixels: new Uint8Array(299 * 299 * 4) } };
    expect(() => runPipeline(spec, new Map([['image', image]]), {}, runAny))
      .toThrow(/^pipeline stage 0 \(visionFeaturePrint\): visionFeaturePrint is not supported on the CPU: /);
  });
});
