// Static shape inference: the layer table covers the schema, formulas match the examples in
// NeuralNetwork.proto, every conformance case's declared output shape is reproduced, and real
// models give the shapes their descriptions declare.
import * as fsp from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../shared/format/model';
import { MESSAGES } from '../../shared/format/schema/descriptors.generated';
import type { FeatureType, Model, NeuralNetworkLayer } from '../../shared/format/schema/types.generated';
import { formatPath } from '../../shared/format/walk';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile } from '../../shared/io/document';
import {
  LAYER_SHAPES, formatShape, inferShapes, knownDims, range, shapeOf, dim, UNKNOWN_DIM, UNKNOWN_SHAPE, type ShapeResult,
} from '../../shared/shapes';
import { LAYER_TYPES } from '../../shared/layers';
import { SHARED, isReadable, manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);
const FLOAT32 = 65568;

const arr = (shape: readonly number[]): FeatureType => ({ multiArrayType: { shape, dataType: FLOAT32 } });

/** A one-network model: inputs by shape, N-d (EXACT) or rank-5 mapping, the given layers. */
function net(inputs: Record<string, readonly number[]>, layers: NeuralNetworkLayer[], exact = true): Model {
  const last = layers[layers.length - 1];
  return {
    specificationVersion: exact ? 4 : 1,
    description: {
      input: Object.entries(inputs).map(([name, s]) => ({ name, type: arr(s) })),
      output: (last.output ?? []).map((name) => ({ name, type: { multiArrayType: { dataType: FLOAT32 } } })),
    },
    neuralNetwork: { layers, arrayInputShapeMapping: exact ? 1 : 0 },
  };
}

/** Shape of blob `name` after inferring `model`. */
function blob(model: Model, name: string, r: ShapeResult = inferShapes(model)): string {
  const s = r.blobs.get(name);
  return s ? formatShape(s) : 'missing';
}

describe('the layer shape table', () => {
  it('has a shape function for every layer type of the schema', () => {
    const schemaTypes = MESSAGES['CoreML.Specification.NeuralNetworkLayer'].oneofs.layer;
    expect(schemaTypes.length).toBeGreaterThan(150);
    expect(LAYER_TYPES).toEqual(schemaTypes);
    const missing = schemaTypes.filter((t) => typeof (LAYER_SHAPES as Record<string, unknown>)[t] !== 'function');
    expect(missing, `layer types without a shape function: ${missing.join(', ')}`).toEqual([]);
    const extra = Object.keys(LAYER_SHAPES).filter((k) => !schemaTypes.includes(k));
    expect(extra, `shape functions for unknown layer types: ${extra.join(', ')}`).toEqual([]);
  });
});

describe('formatShape', () => {
  it('writes known, unknown and ranged dimensions the way edges show them', () => {
    expect(formatShape(shapeOf([1, 3, 224, 224]))).toBe('1×3×224×224');
    expect(formatShape({ dims: [UNKNOWN_DIM, dim(80)] })).toBe('?×80');
    expect(formatShape({ dims: [range(1, Infinity), dim(4)] })).toBe('1..∞×4');
    expect(formatShape({ dims: [range(0, 8400), dim(4)] })).toBe('0..8400×4');
    expect(formatShape(UNKNOWN_SHAPE)).toBe('?');
    expect(formatShape({ dims: [] })).toBe('scalar');
  });
});

describe('classic (rank-5) layers', () => {
  const image = (c: number, h: number, w: number, layers: NeuralNetworkLayer[]): Model => net({ x: [c, h, w] }, layers, false);

  it('maps rank-1 and rank-3 inputs to [Seq, Batch, C, H, W] under RANK5_ARRAY_MAPPING', () => {
    const m = net({ v: [12], x: [3, 4, 5] }, [{ name: 'r', input: ['x'], output: ['y'], activation: { ReLU: {} } }], false);
    const r = inferShapes(m);
    expect(formatShape(r.blobs.get('v')!)).toBe('1×1×12×1×1');
    expect(formatShape(r.blobs.get('x')!)).toBe('1×1×3×4×5');
  });

  it('pooling with includeLastPixel follows the proto formula (H=7, k=3, s=2, p=1 gives 4)', () => {
    // Conformance README point 5: Apple's C++ shaper says 3 here; the proto formula says 4.
    const m = image(2, 7, 7, [{ name: 'p', input: ['x'], output: ['y'], pooling: { type: 0, kernelSize: [3, 3], stride: [2, 2], includeLastPixel: { paddingAmounts: [1, 1] } } }]);
    expect(blob(m, 'y')).toBe('1×1×2×4×4');
  });

  it('convolution: valid with padding and dilation, same with stride, deconvolution with outputShape', () => {
    const conv = (c: Record<string, unknown>): NeuralNetworkLayer => ({ name: 'c', input: ['x'], output: ['y'], convolution: { outputChannels: 8, kernelChannels: 3, kernelSize: [3, 3], ...c } });
    // ValidPadding: floor((H + pads - k_eff) / s) + 1 with k_eff = (k - 1) * d + 1:
    // H: (11 + 2 - 5) + 1 = 9, W: (10 - 3) + 1 = 8.
    expect(blob(image(3, 11, 10, [conv({ dilationFactor: [2, 1], valid: { paddingAmounts: { borderAmounts: [{ startEdgeSize: 1, endEdgeSize: 1 }, { startEdgeSize: 0, endEdgeSize: 0 }] } } })]), 'y')).toBe('1×1×8×9×8');
    // SamePadding: ceil(H / s).
    expect(blob(image(3, 9, 8, [conv({ stride: [2, 2], same: {} })]), 'y')).toBe('1×1×8×5×4');
    expect(blob(image(3, 4, 5, [conv({ isDeconvolution: true, outputShape: [9, 11], valid: {} })]), 'y')).toBe('1×1×8×9×11');
    // Deconvolution, valid: (H - 1) * s + k.
    expect(blob(image(3, 4, 5, [conv({ isDeconvolution: true, stride: [2, 2], valid: {} })]), 'y')).toBe('1×1×8×9×11');
  });

  it('reports input channels that do not match kernelChannels × nGroups, at the field', () => {
    const r = inferShapes(image(6, 7, 7, [{ name: 'c', input: ['x'], output: ['y'], convolution: { outputChannels: 4, kernelChannels: 2, nGroups: 2, kernelSize: [3, 3], valid: {} } }]));
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0].message).toContain('expected 4');
    expect(formatPath(r.issues[0].path)).toBe('neuralNetwork.layers[0].convolution.kernelChannels');
  });

  it('permute axis indices refer to [Seq, C, H, W] and never move the batch axis', () => {
    // Conformance README point 1: for [C, H, W], (0, 3, 2, 1) gives [W, H, C].
    expect(blob(image(2, 3, 4, [{ name: 'p', input: ['x'], output: ['y'], permute: { axis: [0, 3, 2, 1] } }]), 'y')).toBe('1×1×4×3×2');
  });

  it('slice end index is exclusive and -1 means N-1', () => {
    expect(blob(image(7, 8, 9, [{ name: 's', input: ['x'], output: ['y'], slice: { startIndex: 0, endIndex: -1, stride: 1, axis: 1 } }]), 'y')).toBe('1×1×7×7×9');
  });

  it('reshape infers -1 and keeps the sequence length for a 3-value target', () => {
    expect(blob(image(4, 3, 2, [{ name: 'r', input: ['x'], output: ['y'], reshape: { targetShape: [2, -1, 2] } }]), 'y')).toBe('1×1×2×6×2');
  });

  it('recurrent layers: sequence output or last step, and state outputs', () => {
    const m = net({ x: [5] }, [{ name: 'l', input: ['x'], output: ['y', 'h', 'c'], uniDirectionalLSTM: { inputVectorSize: 5, outputVectorSize: 7, params: { sequenceOutput: true } } }], false);
    const r = inferShapes(m, { inputs: { x: [10, 1, 5, 1, 1] } });
    expect(blob(m, 'y', r)).toBe('10×1×7×1×1');
    expect(blob(m, 'h', r)).toBe('1×1×7×1×1');
    expect(blob(m, 'c', r)).toBe('1×1×7×1×1');
  });

  it('a custom layer gives rank-5 outputs of unknown size', () => {
    expect(blob(image(3, 4, 5, [{ name: 'k', input: ['x'], output: ['y'], custom: { className: 'K' } }]), 'y')).toBe('?×?×?×?×?');
  });
});

describe('N-d layers: the examples written in NeuralNetwork.proto', () => {
  const one = (inputs: Record<string, readonly number[]>, layer: Omit<NeuralNetworkLayer, 'name' | 'output'>): string =>
    blob(net(inputs, [{ name: 'l', output: ['y'], ...layer }]), 'y');

  it('sliceStatic: (5,5,5) with masks gives (2,2,3), with a squeeze mask (2,3)', () => {
    const p = { beginIds: [1, 2, 3], beginMasks: [true, false, true], endIds: [3, -3, 2], endMasks: [false, true, true], strides: [2, 2, 2] };
    expect(one({ x: [5, 5, 5] }, { input: ['x'], sliceStatic: p })).toBe('2×2×3');
    expect(one({ x: [5, 5, 5] }, { input: ['x'], sliceStatic: { ...p, squeezeMasks: [false, true, false] } })).toBe('2×3');
  });

  it('gather and gatherND', () => {
    expect(one({ d: [2, 3, 5], i: [6, 8] }, { input: ['d', 'i'], gather: { axis: 1 } })).toBe('2×6×8×5');
    expect(one({ d: [4, 2, 3, 4], i: [6, 2] }, { input: ['d', 'i'], gatherND: {} })).toBe('6×3×4');
    expect(one({ d: [5, 3, 2, 5], i: [2, 7, 3, 2] }, { input: ['d', 'i'], gatherND: {} })).toBe('2×7×3×2×5');
  });

  it('flattenTo2D, expandDims, squeeze', () => {
    expect(one({ x: [3] }, { input: ['x'], flattenTo2D: { axis: -1 } })).toBe('1×3');
    expect(one({ x: [3] }, { input: ['x'], flattenTo2D: { axis: 1 } })).toBe('3×1');
    expect(one({ x: [5, 5, 3] }, { input: ['x'], flattenTo2D: { axis: -2 } })).toBe('5×15');
    expect(one({ x: [10, 5] }, { input: ['x'], expandDims: { axes: [0, 2] } })).toBe('1×10×1×5');
    expect(one({ x: [10, 5] }, { input: ['x'], expandDims: { axes: [-2, -1] } })).toBe('10×5×1×1');
    expect(one({ x: [1, 10, 5, 1] }, { input: ['x'], squeeze: { axes: [0, 3] } })).toBe('10×5');
    expect(one({ x: [1] }, { input: ['x'], squeeze: { axes: [0] } })).toBe('1');
  });

  it('constantPad, rankPreservingReshape, tile, stack, topK, argMax', () => {
    expect(one({ x: [20, 10, 5] }, { input: ['x'], constantPad: { padAmounts: [0, 0, 3, 4, 0, 9] } })).toBe('20×17×14');
    expect(one({ x: [20, 10, 5] }, { input: ['x'], constantPad: { padAmounts: [0, 0, 17, 0, 0, 14], padToGivenOutputSizeMode: true } })).toBe('20×17×14');
    expect(one({ x: [10, 3, 5] }, { input: ['x'], rankPreservingReshape: { targetShape: [25, 0, -1] } })).toBe('25×3×2');
    expect(one({ x: [2, 4, 2] }, { input: ['x'], tile: { reps: [6] } })).toBe('2×4×12');
    expect(one({ a: [2, 4, 2], b: [2, 4, 2] }, { input: ['a', 'b'], stack: { axis: -2 } })).toBe('2×4×2×2');
    expect(one({ x: [45, 34, 10, 5] }, { input: ['x'], topK: { axis: 1, K: 3 } })).toBe('45×3×10×5');
    expect(one({ x: [45, 34, 10, 5] }, { input: ['x'], argMax: { axis: -2, removeDim: true } })).toBe('45×34×5');
  });

  it('broadcasting, batched matmul, reductions', () => {
    expect(one({ a: [2, 1, 4], b: [3, 1] }, { input: ['a', 'b'], addBroadcastable: {} })).toBe('2×3×4');
    expect(one({ a: [2, 3, 4], b: [4, 5] }, { input: ['a', 'b'], batchedMatmul: {} })).toBe('2×3×5');
    expect(one({ a: [4] , b: [4] }, { input: ['a', 'b'], batchedMatmul: {} })).toBe('1×1');
    expect(one({ x: [2, 3, 4, 5] }, { input: ['x'], reduceMean: { axes: [1, 3], keepDims: true } })).toBe('2×1×4×1');
    expect(one({ x: [3, 4, 5] }, { input: ['x'], reduceSum: { reduceAll: true } })).toBe('1');
  });

  it('reports shapes that cannot broadcast', () => {
    const r = inferShapes(net({ a: [2, 3], b: [4, 3] }, [{ name: 'l', input: ['a', 'b'], output: ['y'], addBroadcastable: {} }]));
    expect(r.issues.map((i) => i.message).join()).toContain('do not broadcast');
  });
});

describe('flexible inputs propagate as ranges', () => {
  it('an image size range flows through a convolution', () => {
    const m: Model = {
      specificationVersion: 3,
      description: {
        input: [{ name: 'image', type: { imageType: { width: 299, height: 299, colorSpace: 30, imageSizeRange: { widthRange: { lowerBound: 299, upperBound: -1 }, heightRange: { lowerBound: 100, upperBound: 600 } } } } }],
        output: [{ name: 'y', type: { multiArrayType: { dataType: FLOAT32 } } }],
      },
      neuralNetwork: { layers: [{ name: 'c', input: ['image'], output: ['y'], convolution: { outputChannels: 16, kernelChannels: 3, kernelSize: [3, 3], stride: [2, 2], same: {} } }] },
    };
    const r = inferShapes(m);
    expect(formatShape(r.blobs.get('image')!)).toBe('1×1×3×100..600×299..∞');
    expect(formatShape(r.blobs.get('y')!)).toBe('1×1×16×50..300×150..∞');
  });

  it('input shapes given for one prediction override the description', () => {
    const m = net({ x: [1, 3] }, [{ name: 'l', input: ['x'], output: ['y'], transpose: { axes: [1, 0] } }]);
    expect(blob(m, 'y', inferShapes(m, { inputs: { x: [7, 3] } }))).toBe('3×7');
  });
});

interface CaseJson {
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[]; rank5_shape?: number[] }[];
}

const conformanceCases = sharedPresent
  ? readdirSync(join(SHARED, 'conformance'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  : [];

function declaredInputShape(m: Model, name: string): number[] | undefined {
  return m.description?.input?.find((f) => f.name === name)?.type?.multiArrayType?.shape?.map(Number);
}

describe.skipIf(!sharedPresent)('conformance cases: inferred output shapes equal the declared ones', () => {
  const load = (name: string): { spec: Model; c: CaseJson } => ({
    spec: decodeModel(new Uint8Array(readFileSync(join(SHARED, 'conformance', name, 'model.mlmodel')))),
    c: JSON.parse(readFileSync(join(SHARED, 'conformance', name, 'case.json'), 'utf8')) as CaseJson,
  });

  it('there are 138 cases', () => {
    expect(conformanceCases).toHaveLength(138);
  });

  it.each(conformanceCases)('%s', (name) => {
    const { spec, c } = load(name);
    const inputs = Object.fromEntries(c.inputs.map((i) => [i.name, i.shape]));
    const r = inferShapes(spec, { inputs });
    for (const o of c.outputs) {
      const want = o.rank5_shape ?? o.shape;
      const got = r.blobs.get(o.name);
      expect(got && formatShape(got), `output ${o.name}`).toBe(formatShape(shapeOf(want)));
    }
    expect(r.issues.map((i) => i.message)).toEqual([]);
  });

  it('the description alone gives the same shapes wherever the case feeds the declared input shapes', () => {
    const differing: string[] = [];
    let agree = 0;
    for (const name of conformanceCases) {
      const { spec, c } = load(name);
      const same = c.inputs.every((i) => {
        const d = declaredInputShape(spec, i.name);
        return d !== undefined && d.join() === i.shape.join();
      });
      if (!same) { differing.push(name); continue; }
      const r = inferShapes(spec);
      for (const o of c.outputs) {
        expect(knownDims(r.blobs.get(o.name) ?? UNKNOWN_SHAPE), `${name} ${o.name}`).toEqual(o.rank5_shape ?? o.shape);
        agree++;
      }
    }
    // embedding_sequence declares x as [1, 1, 1] and is run with a sequence of 5 ([5, 1, 1, 1, 1]):
    // NeuralNetwork.proto lets the runtime present Seq and Batch sizes the description omits.
    expect(differing).toEqual(['embedding_sequence']);
    expect(agree).toBe(174);
  });
});

async function open(file: string): Promise<Model> {
  return (await openModelFile(fs, join(SHARED, 'models', file))).spec;
}

describe.skipIf(!sharedPresent)('real models', () => {
  it('every readable model infers without throwing', async () => {
    const readable = manifest().filter(isReadable);
    expect(readable).toHaveLength(24);
    for (const m of readable) {
      const spec = (await openModelFile(fs, modelPath(m))).spec;
      const r = inferShapes(spec);
      for (const f of spec.description?.input ?? []) {
        const tensor = !!(f.type?.multiArrayType || f.type?.imageType || f.type?.doubleType || f.type?.int64Type);
        expect(r.blobs.has(f.name!), `${m.file} input ${f.name}`).toBe(tensor);
      }
    }
  });

  it('networks reproduce their declared output shapes', async () => {
    const cases: [string, string, string][] = [
      ['tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel', 'Convolutional_Pose_Machine__stage_5_out__0', '1×1×14×96×96'],
      ['tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel', 'classLabelProbs', '1×1×1000×1×1'],
      ['vincecloutier__asl-models/HandPoseClassifier.mlmodel', 'labelProbabilities', '1×29'],
      ['apple__coremltools/TinyDrawingEmbedding.mlmodel', 'embedding', '1×1×128×1×1'],
      ['hollance__coreml-survival-guide/Image2Image.mlmodel', 'generatedImage', '1×1×3×256×256'],
      ['onnx__onnxmltools/keras2coreml_Dense_ImageNet_small.mlmodel', 'output1', '1×1×2×1×1'],
    ];
    for (const [file, out, want] of cases) {
      const r = inferShapes(await open(file));
      expect(formatShape(r.blobs.get(out)!), `${file} ${out}`).toBe(want);
      expect(r.issues, file).toEqual([]);
    }
    // As features, rank-5 outputs take the declared rank: model_cpm declares (14, 96, 96).
    const cpm = inferShapes(await open('tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel'));
    expect(formatShape(cpm.outputs.get('Convolutional_Pose_Machine__stage_5_out__0')!)).toBe('14×96×96');
  });

  it('pipelines pass features from model to model; NMS keeps 0 to all boxes', async () => {
    const r = inferShapes(await open('saadiahl__cat_feeder_project/yolov8n.mlpackage'));
    expect(r.models).toHaveLength(2);
    // ML Program values carry their declared types.
    expect(formatShape(r.models![0].blobs.get('var_841_1')!)).toBe('8400×80');
    expect(formatShape(r.outputs.get('confidence')!)).toBe('0..8400×80');
    expect(formatShape(r.outputs.get('coordinates')!)).toBe('0..8400×4');
    const mrt = inferShapes(await open('Appletone__iPlayground-CreateML/MRT.mlmodel'));
    expect(formatShape(mrt.models![3].outputs.get('__vectorized_features__')!)).toBe('241');
    const fruit = inferShapes(await open('MoonAndEye__CreateMLDemo/FruitClassifier.mlmodel'));
    expect(formatShape(fruit.models![0].blobs.get('image')!)).toBe('3×299..∞×299..∞');
  });

  it('TestGloVe needs a sequence of 4 words: the declared [1] leaves its dense layer 300 inputs short', async () => {
    // The embedding is permuted from Seq into H and flattened: 100 × Seq values reach an
    // innerProduct with 400 inputs, so only Seq = 4 fits.
    const spec = await open('JacopoMangiavacchi__TestGloVe/model.mlmodel');
    const declared = inferShapes(spec);
    expect(declared.issues.map((i) => formatPath(i.path))).toEqual(['neuralNetwork.layers[3].innerProduct.inputChannels']);
    const four = inferShapes(spec, { inputs: { input1: [4, 1, 1, 1, 1] } });
    expect(four.issues).toEqual([]);
    expect(formatShape(four.blobs.get('flatten_1_output')!)).toBe('1×1×400×1×1');
  });

  it('flexible multi-array ranges flow through N-d layers', async () => {
    const r = inferShapes(await open('dneprDroid__Lstsq-CoreML/test-model.mlmodel'));
    expect(formatShape(r.blobs.get('a')!)).toBe('1..100×1..100×1..100×2..100');
    expect(formatShape(r.blobs.get('transpose_0')!)).toBe('1..100×1..100×2..100×1..100');
    // The custom layer's outputs are unknown, never guessed.
    expect(formatShape(r.blobs.get('solution')!)).toBe('?');
  });
});
