// Validation: real models and conformance models validate clean (two real models have defects,
// documented below with the bytes that show them), broken variants built from real models give
// the expected diagnostic at the expected spec path, and minimum specification versions hold.
import * as fsp from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/format/model';
import type { Model, WeightParams } from '../../shared/format/schema/types.generated';
import { formatPath, type PathStep } from '../../shared/format/walk';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import {
  DIAGNOSTIC_CODES, formatDiagnostic, minimumSpecificationVersion, validateModel, type Diagnostic,
} from '../../shared/validate';
import { buildDecoderPipeline } from '../support/decoder-pipeline-fixture';
import { SHARED, isReadable, manifest, modelPath, sharedPresent } from '../support/shared-data';
import { setAt, updateAt } from '../support/variants';

const fs = nodeFileSystem(fsp);
const errors = (ds: readonly Diagnostic[]): Diagnostic[] => ds.filter((d) => d.severity === 'error');
const show = (ds: readonly Diagnostic[]): string => ds.map(formatDiagnostic).join('\n');

async function open(file: string): Promise<Model> {
  return (await openModelFile(fs, join(SHARED, 'models', file))).spec;
}

/**
 * Real defects, with the evidence:
 * - iris.mlmodel: input "data" is `1a 05 2a 03 0a 01 04` on the wire, i.e. type { multiArrayType
 *   { shape: [4] } } with no dataType. Every version of Apple's InterfaceValidators rejects a
 *   multi-array feature whose dataType is not DOUBLE, FLOAT32 or INT32 ("invalid or unspecified").
 * - newcoreml.mlmodel: isUpdatable with specificationVersion 1; Apple's Model.cpp validateGeneric
 *   requires version 4 for updatable models ("must be '4' or above").
 */
const KNOWN_DEFECTS: Readonly<Record<string, readonly string[]>> = {
  'gavi__Iris/iris.mlmodel': ['array-data-type description.input[0].type.multiArrayType.dataType'],
  'archdanny__mlmodels/newcoreml.mlmodel': ['updatable-version specificationVersion'],
};

describe.skipIf(!sharedPresent)('real models validate', () => {
  it('every readable model has zero errors, apart from the two documented defects', async () => {
    const readable = manifest().filter(isReadable);
    expect(readable).toHaveLength(24);
    let clean = 0;
    for (const m of readable) {
      const ds = validateModel((await openModelFile(fs, modelPath(m))).spec);
      const found = errors(ds).map((d) => `${d.code} ${formatPath(d.path)}`);
      expect(found, `${m.file}\n${show(errors(ds))}`).toEqual(KNOWN_DEFECTS[m.file] ?? []);
      if (!found.length) clean++;
      for (const d of ds) expect(DIAGNOSTIC_CODES[d.code], d.code).toBeDefined();
    }
    expect(clean).toBe(22);
  });

  it('the iris defect is in the file itself', () => {
    const bytes = readFileSync(join(SHARED, 'models', 'gavi__Iris/iris.mlmodel'));
    // FeatureDescription: name (field 1) "data", then type (field 3, 5 bytes) = { multiArrayType
    // (field 5, 3 bytes) = { shape (field 1) = [4] } }: no dataType (field 2) anywhere.
    expect([...bytes.subarray(0x07, 0x14)]).toEqual([0x0a, 0x04, 0x64, 0x61, 0x74, 0x61, 0x1a, 0x05, 0x2a, 0x03, 0x0a, 0x01, 0x04]);
  });

  it('flags what it cannot prove wrong as warnings, not errors', async () => {
    const glove = validateModel(await open('JacopoMangiavacchi__TestGloVe/model.mlmodel'));
    expect(glove.map((d) => `${d.severity} ${d.code} ${formatPath(d.path)}`)).toEqual([
      'warning shape-inconsistent neuralNetwork.layers[3].innerProduct.inputChannels',
    ]);
    const yolo = validateModel(await open('saadiahl__cat_feeder_project/yolov8n.mlpackage'));
    expect(yolo.filter((d) => d.severity === 'warning').map((d) => d.code)).toEqual(['spec-version-too-low']);
    // Ultralytics' pipeline declares threshold inputs that its NMS model does not read.
    expect(yolo.filter((d) => d.severity === 'info').map((d) => `${d.code} ${formatPath(d.path)}`)).toEqual([
      'pipeline-input-unused description.input[1]',
      'pipeline-input-unused description.input[2]',
      'nms-threshold-input pipeline.models[1].nonMaximumSuppression.iouThresholdInputFeatureName',
      'nms-threshold-input pipeline.models[1].nonMaximumSuppression.confidenceThresholdInputFeatureName',
    ]);
  });
});

const conformanceCases = sharedPresent
  ? readdirSync(join(SHARED, 'conformance'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  : [];

describe.skipIf(!sharedPresent)('conformance models (all pass Apple\'s validator) validate', () => {
  it('with zero errors', () => {
    let checked = 0;
    for (const name of conformanceCases) {
      const spec = decodeModel(new Uint8Array(readFileSync(join(SHARED, 'conformance', name, 'model.mlmodel'))));
      const ds = validateModel(spec);
      expect(errors(ds), `${name}\n${show(ds)}`).toEqual([]);
      checked++;
    }
    expect(checked).toBe(138);
  });
});

interface Variant {
  readonly name: string;
  readonly file: string;
  readonly build: (spec: Model) => Model;
  readonly code: string;
  readonly path: readonly PathStep[];
  /** Words the message must contain, so a person can act on it. */
  readonly mentions: readonly string[];
}

const MNIST = 'umerzia-7001__CoreML-Keras_Digit_recognition_app/MNISTClassifier.mlmodel';
const NNC = 'neuralNetworkClassifier';

const VARIANTS: readonly Variant[] = [
  {
    name: 'an input renamed without updating the layers',
    file: MNIST,
    build: (s) => setAt(s, ['description', 'input', 0, 'name'], 'digit'),
    code: 'layer-input-undefined', path: [NNC, 'layers', 0, 'input', 0], mentions: ['imageInput', 'digit'],
  },
  {
    name: 'the output of the last layer removed',
    file: 'apple__coremltools/TinyDrawingEmbedding.mlmodel',
    build: (s) => setAt(s, ['neuralNetwork', 'layers', 11, 'output'], []),
    code: 'output-not-produced', path: ['description', 'output', 0, 'name'], mentions: ['embedding'],
  },
  {
    name: 'a cycle: the first layer reads the third layer\'s output',
    file: MNIST,
    build: (s) => setAt(s, [NNC, 'layers', 0, 'input'], ['maxpooling2d_1_output']),
    code: 'graph-cycle', path: [NNC, 'layers', 0, 'input', 0], mentions: ['convolution2d_1', 'maxpooling2d_1', 'acyclic'],
  },
  {
    name: 'layers out of order',
    file: MNIST,
    build: (s) => updateAt(s, [NNC, 'layers'], (ls) => { const a = [...(ls as unknown[])]; [a[4], a[5]] = [a[5], a[4]]; return a; }),
    code: 'layer-order', path: [NNC, 'layers', 4, 'input', 0], mentions: ['dense_1', 'later'],
  },
  {
    name: 'preprocessing naming a missing input',
    file: 'hollance__coreml-survival-guide/Image2Image.mlmodel',
    build: (s) => setAt(s, ['neuralNetwork', 'preprocessing', 0, 'featureName'], 'img'),
    code: 'preprocessing-feature', path: ['neuralNetwork', 'preprocessing', 0, 'featureName'], mentions: ['img', 'image'],
  },
  {
    name: 'a weight count that does not match the layer',
    file: MNIST,
    build: (s) => updateAt(s, [NNC, 'layers', 0, 'convolution', 'weights', 'floatValue'], (w) => (w as Float32Array).subarray(0, 799)),
    code: 'weight-count', path: [NNC, 'layers', 0, 'convolution', 'weights', 'floatValue'], mentions: ['799', '800'],
  },
  {
    name: 'quantization with 9 bits',
    file: 'tucan9389__ImageClassification-CoreML/SqueezeNetInt8LUT.mlmodel',
    build: (s) => setAt(s, [NNC, 'layers', 0, 'convolution', 'weights', 'quantization', 'numberOfBits'], 9),
    code: 'quantization-bits', path: [NNC, 'layers', 0, 'convolution', 'weights', 'quantization', 'numberOfBits'], mentions: ['9 bits', '1 and 8'],
  },
  {
    name: 'a lookup table with the wrong number of entries',
    file: 'tucan9389__ImageClassification-CoreML/SqueezeNetInt8LUT.mlmodel',
    build: (s) => updateAt(s, [NNC, 'layers', 0, 'convolution', 'weights', 'quantization', 'lookupTableQuantization', 'floatValue'], (t) => (t as Float32Array).subarray(0, 128)),
    code: 'quantization-lut-length', path: [NNC, 'layers', 0, 'convolution', 'weights', 'quantization', 'lookupTableQuantization', 'floatValue'], mentions: ['256', '128'],
  },
  {
    name: 'quantized bytes cut short',
    file: 'tucan9389__ImageClassification-CoreML/SqueezeNetInt8LUT.mlmodel',
    build: (s) => updateAt(s, [NNC, 'layers', 0, 'convolution', 'weights', 'rawValue'], (b) => (b as Uint8Array).subarray(0, 1000)),
    code: 'quantized-byte-count', path: [NNC, 'layers', 0, 'convolution', 'weights', 'rawValue'], mentions: ['1000', '1728'],
  },
  {
    name: 'an NMS feature name that does not exist',
    file: 'saadiahl__cat_feeder_project/yolov8n.mlpackage',
    build: (s) => setAt(s, ['pipeline', 'models', 1, 'nonMaximumSuppression', 'confidenceInputFeatureName'], 'scores'),
    code: 'nms-feature-missing', path: ['pipeline', 'models', 1, 'nonMaximumSuppression', 'confidenceInputFeatureName'], mentions: ['scores', 'var_841_1'],
  },
  {
    name: 'an NMS IoU threshold above 1',
    file: 'saadiahl__cat_feeder_project/yolov8n.mlpackage',
    build: (s) => setAt(s, ['pipeline', 'models', 1, 'nonMaximumSuppression', 'iouThreshold'], 1.5),
    code: 'nms-threshold', path: ['pipeline', 'models', 1, 'nonMaximumSuppression', 'iouThreshold'], mentions: ['1.5', 'between 0 and 1'],
  },
  {
    name: 'a pipeline model reading a feature nobody provides',
    file: 'Appletone__iPlayground-CreateML/MRT.mlmodel',
    build: (s) => setAt(s, ['pipelineRegressor', 'pipeline', 'models', 4, 'description', 'input', 0, 'name'], 'features'),
    code: 'pipeline-input-missing', path: ['pipelineRegressor', 'pipeline', 'models', 4, 'description', 'input', 0], mentions: ['features', '__vectorized_features__'],
  },
  {
    name: 'a FLOAT16 output in a specification-2 model',
    file: 'tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel',
    build: (s) => setAt(s, ['description', 'input', 0, 'type'], { multiArrayType: { shape: [3, 227, 227], dataType: 65552 } }),
    code: 'array-data-type', path: ['description', 'input', 0, 'type', 'multiArrayType', 'dataType'], mentions: ['FLOAT16', '7'],
  },
  {
    name: 'an image of width 0',
    file: MNIST,
    build: (s) => setAt(s, ['description', 'input', 0, 'type', 'imageType', 'width'], 0),
    code: 'image-size', path: ['description', 'input', 0, 'type', 'imageType', 'width'], mentions: ['width'],
  },
  {
    name: 'a default image size outside its flexible range',
    file: 'MoonAndEye__CreateMLDemo/FruitClassifier.mlmodel',
    build: (s) => setAt(s, ['description', 'input', 0, 'type', 'imageType', 'width'], 100),
    code: 'shape-default-outside', path: ['description', 'input', 0, 'type', 'imageType', 'width'], mentions: ['100', '299'],
  },
  {
    name: 'a blob produced twice',
    file: MNIST,
    build: (s) => setAt(s, [NNC, 'layers', 1, 'output', 0], 'convolution2d_1_output'),
    code: 'blob-produced-twice', path: [NNC, 'layers', 1, 'output', 0], mentions: ['convolution2d_1_output'],
  },
  {
    name: 'class labels that do not match the last layer',
    file: MNIST,
    build: (s) => updateAt(s, [NNC, 'stringClassLabels', 'vector'], (v) => (v as string[]).slice(0, 9)),
    code: 'class-label-count', path: [NNC, 'stringClassLabels', 'vector'], mentions: ['9', '10'],
  },
  {
    name: 'a rank-2 multi-array input under RANK5_ARRAY_MAPPING',
    file: 'findit-studio__coremlit/identity.mlmodel',
    build: (s) => setAt(s, ['description', 'input', 0, 'type', 'multiArrayType', 'shape'], [2, 1]),
    code: 'nn-input-rank', path: ['description', 'input', 0, 'type', 'multiArrayType', 'shape'], mentions: ['rank 2', 'EXACT_ARRAY_MAPPING'],
  },
];

describe.skipIf(!sharedPresent)('broken variants of real models', () => {
  it.each(VARIANTS.map((v) => [v.name, v] as const))('%s', async (_, v) => {
    const original = await open(v.file);
    expect(errors(validateModel(original)), `${v.file} must start clean`).toEqual([]);
    const broken = v.build(original);
    expect(errors(validateModel(original)), 'the original spec is untouched').toEqual([]);
    const ds = validateModel(broken);
    const hit = ds.find((d) => d.code === v.code && formatPath(d.path) === formatPath(v.path));
    expect(hit, `expected ${v.code} at ${formatPath(v.path)}, got:\n${show(ds)}`).toBeDefined();
    expect(hit!.severity).toBe('error');
    for (const m of v.mentions) expect(hit!.message).toContain(m);
  });
});

describe('a pipeline built like the SSDLite walkthrough', () => {
  it('connects when SSD declares scores (91, 1917, 1)', () => {
    expect(validateModel(buildDecoderPipeline())).toEqual([]);
  });

  it('reports (91, 1917) against (91, 1917, 1), naming both', () => {
    const ds = validateModel(buildDecoderPipeline({ ssdScoresShape: [91, 1917] }));
    expect(errors(ds).map((d) => `${d.code} ${formatPath(d.path)}`)).toEqual(['pipeline-feature-mismatch pipeline.models[1].description.input[0].type']);
    const msg = errors(ds)[0].message;
    expect(msg).toContain('(91, 1917, 1)');
    expect(msg).toContain('(91, 1917)');
    expect(msg).toContain('scores');
  });

  it('validates contained models with their own paths', () => {
    const broken = setAt(buildDecoderPipeline(), ['pipeline', 'models', 1, 'neuralNetwork', 'layers', 1, 'input', 0], 'permuted');
    const ds = validateModel(broken);
    expect(errors(ds).map((d) => `${d.code} ${formatPath(d.path)}`)).toContain('layer-input-undefined pipeline.models[1].neuralNetwork.layers[1].input[0]');
  });
});

describe('formatDiagnostic', () => {
  it('prints severity, code, path and message on one line', () => {
    expect(formatDiagnostic({ severity: 'error', code: 'weight-count', message: 'layer c (convolution) weights has 3 values; the layer parameters imply 4', path: ['neuralNetwork', 'layers', 3, 'convolution', 'weights'] }))
      .toBe('error weight-count neuralNetwork.layers[3].convolution.weights: layer c (convolution) weights has 3 values; the layer parameters imply 4');
    expect(formatDiagnostic({ severity: 'warning', code: 'spec-version-too-low', message: 'm', path: [] })).toBe('warning spec-version-too-low (model): m');
  });
});

/**
 * Models whose contents need a newer specification version than they declare, with evidence:
 * - FruitClassifier declares 1, but its flexible image input and Vision scene print are spec 3;
 *   the two models it contains declare 3 themselves.
 * - newcoreml declares 1 but is updatable (spec 4; Apple's validator rejects it, see above).
 * - yolov8n's pipeline declares 5, but contains an ML Program with opset CoreML6 (spec 7),
 *   which declares 7 itself.
 */
const UNDER_DECLARED: Readonly<Record<string, number>> = {
  'MoonAndEye__CreateMLDemo/FruitClassifier.mlmodel': 3,
  'archdanny__mlmodels/newcoreml.mlmodel': 4,
  'saadiahl__cat_feeder_project/yolov8n.mlpackage': 7,
};

describe.skipIf(!sharedPresent)('minimumSpecificationVersion', () => {
  it('is at most the declared version of every model (three documented exceptions), with a reason for each step', async () => {
    for (const m of manifest().filter(isReadable)) {
      const spec = (await openModelFile(fs, modelPath(m))).spec;
      const min = minimumSpecificationVersion(spec);
      const declared = spec.specificationVersion ?? 0;
      if (UNDER_DECLARED[m.file] !== undefined) expect(min.version, m.file).toBe(UNDER_DECLARED[m.file]);
      else expect(min.version, `${m.file}: ${min.reasons.map((r) => `${r.version} ${r.reason}`).join('; ')}`).toBeLessThanOrEqual(declared);
      // Every version above 1 that is needed has at least one reason, and the top one sets the version.
      if (min.version > 1) expect(min.reasons[0].version).toBe(min.version);
      for (const r of min.reasons) {
        expect(r.reason.length, m.file).toBeGreaterThan(3);
        expect(r.version).toBeGreaterThan(1);
        expect(r.version).toBeLessThanOrEqual(min.version);
      }
    }
  });

  it('the under-declared pipelines contain models that declare the higher version', async () => {
    const fruit = await open('MoonAndEye__CreateMLDemo/FruitClassifier.mlmodel');
    expect(fruit.pipelineClassifier!.pipeline!.models!.map((m) => m.specificationVersion)).toEqual([3, 3]);
    const yolo = await open('saadiahl__cat_feeder_project/yolov8n.mlpackage');
    expect(yolo.pipeline!.models!.map((m) => m.specificationVersion)).toEqual([7, 5]);
  });

  it('names the features that set each version', async () => {
    const at = async (file: string): Promise<string[]> =>
      minimumSpecificationVersion(await open(file)).reasons.map((r) => `${r.version} ${r.reason} @ ${formatPath(r.path)}`);
    expect(await at('tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel')).toEqual([
      '2 float16 weights (in 52 places) @ neuralNetworkClassifier.layers[0].convolution.weights',
    ]);
    expect((await at('tucan9389__ImageClassification-CoreML/SqueezeNetInt8LUT.mlmodel'))[0]).toBe('3 quantized weights (in 52 places) @ neuralNetworkClassifier.layers[0].convolution.weights');
    expect(await at('saadiahl__cat_feeder_project/yolov8n.mlpackage')).toEqual([
      '7 ML Program opset CoreML6 @ pipeline.models[0].mlProgram.functions.main.opset',
      '6 ML Program @ pipeline.models[0].mlProgram',
      '5 NonMaximumSuppression with FLOAT32 arrays @ pipeline.models[1].description.input[0].type.multiArrayType.dataType',
      '3 NonMaximumSuppression model @ pipeline.models[1].nonMaximumSuppression',
    ]);
    expect(minimumSpecificationVersion(await open('Appletone__iPlayground-CreateML/MRT.mlmodel'))).toEqual({ version: 1, reasons: [] });
  });

  it('dates single features: FLOAT16 arrays 7, states 9, INT8 arrays 10, spec-5 layers 5', () => {
    const base: Model = buildDecoderPipeline().pipeline!.models![1];
    const v = (m: Model): number => minimumSpecificationVersion(m).version;
    expect(v(base)).toBe(1);
    expect(v(setAt(base, ['description', 'output', 0, 'type', 'multiArrayType', 'dataType'], 65552))).toBe(7);
    expect(v(setAt(base, ['description', 'output', 0, 'type', 'multiArrayType', 'dataType'], 131080))).toBe(10);
    expect(v(setAt(base, ['description', 'state'], [{ name: 's', type: { stateType: { arrayType: { shape: [1], dataType: 65552 } } } }]))).toBe(9);
    expect(v(setAt(base, ['neuralNetwork', 'layers', 1], { name: 'c', input: ['permute_scores_output'], output: ['raw_confidence'], cumSum: { axis: -1 } }))).toBe(5);
    expect(v(setAt(base, ['neuralNetwork', 'arrayInputShapeMapping'], 1))).toBe(4);
  });
});

describe.skipIf(!sharedPresent)('rules the specification version controls', () => {
  it('FLOAT16 arrays are an error below version 7 and fine from 7', async () => {
    const spec = await open('findit-studio__coremlit/identity.mlmodel');
    const f16 = setAt(setAt(spec, ['description', 'input', 0, 'type', 'multiArrayType', 'dataType'], 65552), ['description', 'output', 0, 'type', 'multiArrayType', 'dataType'], 65552);
    expect(errors(validateModel(f16)).map((d) => d.code)).toEqual(['array-data-type', 'array-data-type']);
    expect(errors(validateModel(setAt(f16, ['specificationVersion'], 7)))).toEqual([]);
  });

  it('weights shared by reference: a variant never copies weight buffers', async () => {
    const spec = await open(MNIST);
    const v = setAt(spec, ['description', 'input', 0, 'name'], 'x');
    const w = (m: Model): WeightParams => m.neuralNetworkClassifier!.layers![4].innerProduct!.weights!;
    expect(w(v).floatValue).toBe(w(spec).floatValue);
  });
});

describe('bad input gives diagnostics, never an exception', () => {
  it('an empty spec', () => {
    expect(validateModel({}).map((d) => `${d.severity} ${d.code}`)).toEqual(['error spec-version-range', 'error model-type-missing']);
  });

  it('a network with a layer of no type, odd parameters and a missing blob', () => {
    const spec: Model = {
      specificationVersion: 1,
      description: {
        input: [{ name: 'x', type: { multiArrayType: { shape: [3, 8, 8], dataType: 65568 } } }],
        output: [{ name: 'y', type: { multiArrayType: { shape: [3, 8, 8], dataType: 65568 } } }],
      },
      neuralNetwork: {
        layers: [
          { name: 'nothing', input: ['x'], output: ['a'] },
          { name: 'zero', input: ['a'], output: ['b'], convolution: { outputChannels: 3, kernelChannels: 3, kernelSize: [0, 0], stride: [0, 0], valid: {} } },
          { name: 'late', input: ['ghost'], output: ['y'], activation: { ReLU: {} } },
        ],
      },
    };
    const ds = validateModel(spec);
    const codes = errors(ds).map((d) => `${d.code} ${formatPath(d.path)}`);
    expect(codes).toContain('layer-type-missing neuralNetwork.layers[0]');
    expect(codes).toContain('weight-missing neuralNetwork.layers[1].convolution.weights');
    expect(codes).toContain('layer-input-undefined neuralNetwork.layers[2].input[0]');
    expect(ds.find((d) => d.code === 'layer-input-undefined')!.message).toContain('The model inputs are x');
  });

  it('an empty NMS model and an empty pipeline', () => {
    const nms = validateModel({ specificationVersion: 3, description: { input: [], output: [] }, nonMaximumSuppression: {} });
    expect(errors(nms).map((d) => d.code)).toEqual(expect.arrayContaining(['inputs-missing', 'outputs-missing', 'nms-feature-missing']));
    const pipe = validateModel({ specificationVersion: 1, description: { input: [{ name: 'a', type: { doubleType: {} } }], output: [{ name: 'a', type: { doubleType: {} } }] }, pipeline: {} });
    expect(errors(pipe).map((d) => d.code)).toEqual(['pipeline-empty']);
  });
});
