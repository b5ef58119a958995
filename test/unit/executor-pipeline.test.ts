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

describe('a detector pipeline: network then NonMaximumSuppression, through runModel', () => {
  it('the network\'s scores and boxes reach NMS by name and the pipeline returns the kept boxes', async () => {
    const { runModel } = await import('../../shared/executor/index');
    const FLOAT32 = 65568;
    const arr = (name: string, shape: number[]) => ({ name, type: { multiArrayType: { shape, dataType: FLOAT32 } } });
    const flexible = (name: string, cols: number) => ({ name, type: { multiArrayType: { dataType: FLOAT32, shapeRange: { sizeRanges: [{ lowerBound: 0, upperBound: -1 }, { lowerBound: cols, upperBound: cols }] } } } });
    const spec = decodeModel(encodeModel({
      specificationVersion: 4,
      description: { input: [arr('scores', [3, 3]), arr('boxes', [3, 4])], output: [flexible('confidence', 2), flexible('coordinates', 4)] },
      pipeline: { models: [
        {
          specificationVersion: 4,
          description: { input: [arr('scores', [3, 3]), arr('boxes', [3, 4])], output: [arr('raw_confidence', [3, 2]), arr('raw_coordinates', [3, 4])] },
          // The "network": drop the background column 0 of the scores (a slice), pass the boxes through.
          neuralNetwork: { arrayInputShapeMapping: 1, layers: [
            { name: 'drop_background', input: ['scores'], output: ['raw_confidence'], sliceStatic: { beginIds: [0, 1], endIds: [3, 3], strides: [1, 1], beginMasks: [true, false], endMasks: [true, true] } },
            { name: 'boxes_copy', input: ['boxes'], output: ['raw_coordinates'], activation: { linear: { alpha: 1, beta: 0 } } },
          ] },
        },
        {
          specificationVersion: 3,
          description: { input: [arr('raw_confidence', [3, 2]), arr('raw_coordinates', [3, 4])], output: [flexible('confidence', 2), flexible('coordinates', 4)] },
          nonMaximumSuppression: {
            pickTop: { perClass: true }, iouThreshold: 0.5, confidenceThreshold: 0.3, stringClassLabels: { vector: ['cat', 'dog'] },
            confidenceInputFeatureName: 'raw_confidence', coordinatesInputFeatureName: 'raw_coordinates',
            confidenceOutputFeatureName: 'confidence', coordinatesOutputFeatureName: 'coordinates',
          },
        },
      ] },
    }));
    // Box 0: cat 0.9; box 1: cat 0.8 overlapping box 0 (IoU 0.818, suppressed); box 2: dog 0.7 far away.
    const scores = Float32Array.of(0.05, 0.9, 0.05, 0.1, 0.8, 0.1, 0.2, 0.1, 0.7);
    const boxes = Float32Array.of(0.5, 0.5, 0.2, 0.2, 0.52, 0.5, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1);
    const r = runModel(spec, new Map<string, FeatureValue>([
      ['scores', { kind: 'tensor', tensor: { shape: [3, 3], data: scores } }],
      ['boxes', { kind: 'tensor', tensor: { shape: [3, 4], data: boxes } }],
    ]));
    const conf = r.outputs.get('confidence'), coords = r.outputs.get('coordinates');
    if (conf?.kind !== 'tensor' || coords?.kind !== 'tensor') throw new Error('detector outputs missing');
    expect(conf.tensor.shape).toEqual([2, 2]);
    expect(Array.from(conf.tensor.data)).toEqual([0.9, 0.05, 0.1, 0.7].map(Math.fround));
    expect(Array.from(coords.tensor.data)).toEqual([0.5, 0.5, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1].map(Math.fround));
  });
});
