// Pipeline editing on small models built here: create (three kinds), add, remove, reorder, replace
// and extract stages; the interface follows the chain; stage mismatches come with fixes that
// work; packages from two sources keep both weight files.
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../shared/format/model';
import type { FeatureDescription, Model } from '../../shared/format/schema/types.generated';
import { readPackage, type MlPackage } from '../../shared/format/mlpackage';
import { runModel } from '../../shared/executor/index';
import { validateModel, formatDiagnostic } from '../../shared/validate';
import { SurgeryError } from '../../shared/surgery/errors';
import {
  addPipelineStage, applyFirstFixes, applyStageFix, createPipeline, extractPipelineStage, findStageMismatches, movePipelineStage,
  packagePipeline, pipelineInterface, removePipelineStage, replacePipelineStage, emptyPackage,
} from '../../shared/surgery/pipeline';
import { buildNms, labelsFromModel, parsePythonLabelDict } from '../../shared/surgery/nms-builder';

const DOUBLE = 65600, FLOAT32 = 65568;
const arr = (name: string, shape: number[], dataType = DOUBLE, shortDescription?: string): FeatureDescription =>
  ({ name, ...(shortDescription ? { shortDescription } : {}), type: { multiArrayType: { shape, dataType } } });
const errors = (m: Model) => validateModel(m).filter((d) => d.severity === 'error').map(formatDiagnostic);

// y = alpha·x + beta over a rank-1 array, from `from` to `to`.
const linear = (from: FeatureDescription, to: FeatureDescription, alpha: number, beta = 0): Model => ({
  specificationVersion: 1,
  description: { input: [from], output: [to] },
  neuralNetwork: { layers: [{ name: `${to.name}_layer`, input: [from.name!], output: [to.name!], activation: { linear: { alpha, beta } } }] },
});

const double3 = linear(arr('x', [3], DOUBLE, 'The input'), arr('h', [3], DOUBLE, 'Doubled'), 2);
const plus1 = linear(arr('h', [3]), arr('y', [3], DOUBLE, 'Doubled plus one'), 1, 1);
const times10 = linear(arr('y', [3]), arr('z', [3], DOUBLE, 'Times ten'), 10);

const runTo = (m: Model, name: string, x: number[]) => {
  const r = runModel(m, new Map([['x', { kind: 'tensor', tensor: { shape: [3], data: Float32Array.from(x) } }]]));
  const v = r.outputs.get(name);
  if (v?.kind !== 'tensor') throw new Error(`no output ${name}`);
  return Array.from(v.tensor.data);
};

describe('creating and editing pipelines', () => {
  it('the interface follows the chain, with descriptions copied from the stages', () => {
    const p = createPipeline([double3, plus1]);
    expect(p.description!.input).toEqual([double3.description!.input![0]]);
    expect(p.description!.output!.map((f) => [f.name, f.shortDescription])).toEqual([['y', 'Doubled plus one']]);
    expect(errors(p)).toEqual([]);
    expect(runTo(decodeModel(encodeModel(p)), 'y', [1, 2, 3])).toEqual([3, 5, 7]);
    // Explicit outputs may expose an intermediate feature too.
    expect(pipelineInterface([double3, plus1], undefined, ['h', 'y']).output.map((f) => f.name)).toEqual(['h', 'y']);
    expect(() => pipelineInterface([double3, plus1], undefined, ['q'])).toThrow('no stage produces "q"');
  });

  it('add, move, replace, remove and extract stages; the pipeline\'s own descriptions are kept', () => {
    let p = createPipeline([double3, plus1]);
    p = { ...p, description: { ...p.description!, output: [{ ...p.description!.output![0], shortDescription: 'Renamed by the user' }] } };
    const appended = addPipelineStage(p, { model: times10 });
    expect(appended.description!.output!.map((f) => f.name)).toEqual(['z']);
    expect(runTo(appended, 'z', [1, 0, -1])).toEqual([30, 10, -10]);
    // Moving times10 to the front breaks the chain: y becomes a pipeline input, and h/z dangle.
    const moved = movePipelineStage(appended, { from: 2, to: 0 });
    expect(moved.description!.input!.map((f) => f.name)).toEqual(['y', 'x']);
    expect(moved.description!.output!.map((f) => f.name)).toEqual(['z', 'y']);
    const back = movePipelineStage(moved, { from: 0, to: 2 });
    expect(back.pipeline!.models).toEqual(appended.pipeline!.models);
    // The pipeline's own description of y stays while y is still its output.
    const swapped = replacePipelineStage(p, { index: 0, model: linear(arr('x', [3]), arr('h', [3]), 3) });
    expect(swapped.description!.output!.map((f) => [f.name, f.shortDescription])).toEqual([['y', 'Renamed by the user']]);
    expect(runTo(swapped, 'y', [1, 2, 3])).toEqual([4, 7, 10]);
    const removed = removePipelineStage(appended, { index: 2 });
    expect(removed.description!.output!.map((f) => [f.name, f.shortDescription])).toEqual([['y', 'Doubled plus one']]);
    const replaced = replacePipelineStage(appended, { index: 1, model: linear(arr('h', [3]), arr('y', [3]), -1) });
    expect(runTo(replaced, 'z', [1, 2, 3])).toEqual([-20, -40, -60]);
    expect(extractPipelineStage(appended, { index: 2 })).toBe(times10);
    expect(() => removePipelineStage(createPipeline([double3]), { index: 0 })).toThrow('only stage');
    expect(() => extractPipelineStage(appended, { index: 3 })).toThrow('there is no stage 4');
    expect(() => addPipelineStage(double3, { model: plus1 })).toThrow(SurgeryError);
  });

  it('named stages keep their names in step, and a duplicate name is refused', () => {
    const p = createPipeline([double3, plus1], { names: ['double', 'plus'] });
    const q = addPipelineStage(p, { model: times10, index: 1, name: 'times' });
    expect(q.pipeline!.names).toEqual(['double', 'times', 'plus']);
    expect(movePipelineStage(q, { from: 0, to: 2 }).pipeline!.names).toEqual(['times', 'plus', 'double']);
    expect(() => addPipelineStage(q, { model: times10, name: 'plus' })).toThrow('already exists');
    expect(addPipelineStage(q, { model: times10 }).pipeline!.names).toEqual(['double', 'times', 'plus', 'neuralNetwork']);
    expect(() => createPipeline([double3, plus1], { names: ['a', 'a'] })).toThrow('"a" is used twice');
  });

  it('PipelineClassifier takes the last stage\'s predicted feature names; a non-classifier end is refused', () => {
    const classifier: Model = {
      specificationVersion: 1,
      description: { input: [arr('y', [3])], output: [{ name: 'label', type: { stringType: {} } }, { name: 'probs', type: { dictionaryType: { stringKeyType: {} } } }], predictedFeatureName: 'label', predictedProbabilitiesName: 'probs' },
      glmClassifier: { weights: [{ value: Float64Array.of(1, -1, 0) }], offset: Float64Array.of(0), classEncoding: 1, stringClassLabels: { vector: ['no', 'yes'] } },
    };
    const p = createPipeline([double3, plus1, classifier], { kind: 'pipelineClassifier' });
    expect(p.pipelineClassifier!.pipeline!.models!.length).toBe(3);
    expect([p.description!.predictedFeatureName, p.description!.predictedProbabilitiesName]).toEqual(['label', 'probs']);
    expect(errors(p)).toEqual([]);
    expect(() => createPipeline([double3, plus1], { kind: 'pipelineClassifier' })).toThrow('predictedFeatureName');
    const r = createPipeline([double3, plus1], { kind: 'pipelineRegressor' });
    expect(r.pipelineRegressor!.pipeline!.models!.length).toBe(2);
  });
});

describe('stage mismatches and their fixes', () => {
  it('a name that does not connect: rename the producer\'s output (or the reader\'s input)', () => {
    const reads = linear(arr('h2', [3]), arr('y', [3]), 1, 1);
    const p = createPipeline([double3, reads]);
    expect(p.description!.input!.map((f) => f.name)).toEqual(['x', 'h2']);
    const [m] = findStageMismatches(p);
    expect(m.kind).toBe('name');
    expect(m.fixes.map((f) => f.label)).toEqual(['Rename stage 1 (neuralNetwork) output h → h2', 'Rename stage 2 (neuralNetwork) input h2 → h']);
    for (const fix of m.fixes) {
      const fixed = applyStageFix(p, fix);
      expect(findStageMismatches(fixed)).toEqual([]);
      expect(fixed.description!.input!.map((f) => f.name)).toEqual(['x']);
      expect(runTo(fixed, 'y', [1, 2, 3])).toEqual([3, 5, 7]);
    }
  });

  it('the walkthrough\'s (91, 1917) vs (91, 1917, 1): add the size-1 dimension on either side', () => {
    const producer: Model = { ...double3, description: { input: [arr('x', [5, 7, 1])], output: [arr('h', [5, 7])] } };
    const reader: Model = { ...plus1, description: { input: [arr('h', [5, 7, 1])], output: [arr('y', [5, 7, 1])] } };
    const p = createPipeline([producer, reader]);
    expect(errors(p).join('\n')).toContain('pipeline-feature-mismatch');
    const [m] = findStageMismatches(p);
    expect(m.kind).toBe('rank');
    expect(m.fixes.map((f) => f.label)).toEqual([
      'Declare stage 1 (neuralNetwork) output h as (5, 7, 1) (add size-1 dimensions)',
      'Declare stage 2 (neuralNetwork) input h as (5, 7) (drop size-1 dimensions)',
    ]);
    const fixed = applyStageFix(p, m.fixes[0]);
    expect(errors(fixed)).toEqual([]);
    expect(fixed.pipeline!.models![0].description!.output![0].type!.multiArrayType!.shape).toEqual([5, 7, 1]);
    // A rank-2 network input is not allowed under RANK5 mapping: that fix leaves an error, which
    // the checked edit would refuse.
    const other = applyStageFix(p, m.fixes[1]);
    expect(findStageMismatches(other)).toEqual([]);
    expect(errors(other).length).toBeGreaterThan(0);
    expect(applyFirstFixes(p).spec).toEqual(fixed);
  });

  it('another element type: declare one side like the other', () => {
    const reader: Model = { ...plus1, description: { input: [arr('h', [3], FLOAT32)], output: [arr('y', [3], FLOAT32)] } };
    const p = createPipeline([double3, reader]);
    const [m] = findStageMismatches(p);
    expect(m.kind).toBe('dataType');
    expect(m.fixes.map((f) => f.label)).toEqual(['Declare stage 1 (neuralNetwork) output h as FLOAT32', 'Declare stage 2 (neuralNetwork) input h as DOUBLE']);
    expect(errors(applyStageFix(p, m.fixes[0]))).toEqual([]);
    expect(errors(applyStageFix(p, m.fixes[1]))).toEqual([]);
  });

  it('different non-unit dimensions have no automatic fix', () => {
    const reader: Model = { ...plus1, description: { input: [arr('h', [4])], output: [arr('y', [4])] } };
    const [m] = findStageMismatches(createPipeline([double3, reader]));
    expect(m.kind).toBe('shape');
    expect(m.fixes).toEqual([]);
  });
});

describe('NMS builder details', () => {
  it('labels from metadata: the walkthrough\'s "classes", Ultralytics\' "names" dict, an NMS stage', () => {
    expect(parsePythonLabelDict("{0: 'person', 1: \"traffic light\", 2: 'it\\'s'}")).toEqual(['person', 'traffic light', "it's"]);
    expect(parsePythonLabelDict('{1: \'a\'}')).toBeUndefined();
    expect(parsePythonLabelDict('not a dict')).toBeUndefined();
    const withClasses: Model = { description: { metadata: { userDefined: new Map([['classes', 'cat,dog']]) } } };
    expect(labelsFromModel(withClasses)).toEqual(['cat', 'dog']);
    const nms = buildNms({ labels: ['a', 'b'], iouThreshold: 0.5, confidenceThreshold: 0.5 });
    expect(labelsFromModel(createPipeline([nms]))).toEqual(['a', 'b']);
    expect(labelsFromModel(double3)).toBeUndefined();
  });

  it('refuses what would make an invalid model, naming the field', () => {
    expect(() => buildNms({ classes: 3, iouThreshold: 0.5, confidenceThreshold: -1 })).toThrow('confidenceThreshold');
    expect(() => buildNms({ labels: ['a', 'a'], iouThreshold: 0.5, confidenceThreshold: 0.5 })).toThrow('duplicates');
    expect(() => buildNms({ classes: 3, labels: ['a'], iouThreshold: 0.5, confidenceThreshold: 0.5 })).toThrow('1 class labels for 3 classes');
    expect(() => buildNms({ classes: 3, iouThreshold: 0.5, confidenceThreshold: 0.5, names: { confidenceOutput: 'raw_confidence' } })).toThrow('used twice');
    expect(() => buildNms({ iouThreshold: 0.5, confidenceThreshold: 0.5 })).toThrow('classes');
    const float = buildNms({ classes: 3, iouThreshold: 0.5, confidenceThreshold: 0.5, dataType: 'float32', boxes: 10 });
    expect(float.specificationVersion).toBe(5);
    expect(errors(float)).toEqual([]);
  });
});

describe('packages from several sources', () => {
  // Two "ML Program" stages are not needed to test the file bookkeeping: any stage whose spec
  // refers to a weight file will do. A minimal program with one blob-file constant each.
  const program = (input: string, output: string): Model => ({
    specificationVersion: 7,
    description: { input: [arr(input, [3], FLOAT32)], output: [arr(output, [3], FLOAT32)] },
    mlProgram: { version: 1, functions: new Map([['main', {
      inputs: [{ name: input, type: { tensorType: { dataType: 13, rank: 1, dimensions: [{ constant: { size: 3 } }] } } }],
      opset: 'CoreML6',
      block_specializations: new Map([['CoreML6', { outputs: [output], operations: [
        { type: 'const', outputs: [{ name: `${output}_w`, type: { tensorType: { dataType: 13, rank: 1, dimensions: [{ constant: { size: 3 } }] } } }], attributes: new Map([['val', { blobFileValue: { fileName: '@model_path/weights/weight.bin', offset: 64 } }]]) },
        { type: 'mul', inputs: new Map([['x', { arguments: [{ name: input }] }], ['y', { arguments: [{ name: `${output}_w` }] }]]), outputs: [{ name: output, type: { tensorType: { dataType: 13, rank: 1, dimensions: [{ constant: { size: 3 } }] } } }] },
      ] }]]),
    }]]) },
  });
  const withWeights = (spec: Model, fill: number): MlPackage => {
    const base = emptyPackage(`pkg${fill}`);
    const files = new Map(base.contents.files);
    files.set('Data/com.apple.CoreML/weights/weight.bin', new Uint8Array(192).fill(fill));
    files.set(base.modelPath, encodeModel(spec));
    return readPackage({ files, directories: base.contents.directories }, `pkg${fill}`).pkg;
  };

  it('two packages with different weight.bin files: the second stage\'s references move to weight_2.bin', () => {
    const a = program('x', 'h'), b = program('h', 'y');
    const pa = withWeights(a, 1), pb = withWeights(b, 2);
    const p = createPipeline([a, b]);
    const { contents, spec } = packagePipeline(p, [{ spec: a, package: pa }, { spec: b, package: pb }]);
    expect(contents.files.get('Data/com.apple.CoreML/weights/weight.bin')![0]).toBe(1);
    expect(contents.files.get('Data/com.apple.CoreML/weights/weight_2.bin')![0]).toBe(2);
    const back = readPackage(contents, 'joined');
    expect(back.pkg.weightFiles.map((w) => [w.path, w.referencedAs, w.present])).toEqual([
      ['Data/com.apple.CoreML/weights/weight.bin', '@model_path/weights/weight.bin', true],
      ['Data/com.apple.CoreML/weights/weight_2.bin', '@model_path/weights/weight_2.bin', true],
    ]);
    expect(spec.pipeline!.models![0]).toBe(a);
    // Identical files are shared, not duplicated.
    const same = packagePipeline(p, [{ spec: a, package: pa }, { spec: b, package: withWeights(b, 1) }]);
    expect([...same.contents.files.keys()].filter((k) => k.includes('weight'))).toEqual(['Data/com.apple.CoreML/weights/weight.bin']);
    // A stage with weights but no package cannot be saved.
    expect(() => packagePipeline(p, [{ spec: a, package: pa }, { spec: b }])).toThrow('did not come from a package');
  });
});
