// Layer kernels and run options on small networks built in code, with expectations worked out by
// hand from NeuralNetwork.proto's formulas (the conformance cases cover the rank-5 layers with
// independently computed data; these cover control flow, recurrent layers, classifiers, images
// and the N-d layers they do not).
import { describe, expect, it } from 'vitest';
import type { Model, NeuralNetworkLayer } from '../../shared/format/schema/types.generated';
import { KERNELS, registerCustomKernel, runModel, unregisterCustomKernel } from '../../shared/executor';
import { makeTensor } from '../../shared/executor/tensor';
import type { FeatureValue, Tensor } from '../../shared/executor/types';
import { ALL_LAYER_TYPES } from '../../shared/layers/registry';
import { LAYER_TYPES } from '../../shared/layers/types';

const f32 = (...v: number[]) => new Float32Array(v);
const T = (shape: number[], ...v: number[]): FeatureValue => ({ kind: 'tensor', tensor: makeTensor(shape, f32(...v)) });

/** An EXACT-mapping network over multi-array inputs. */
function net(layers: NeuralNetworkLayer[], inputs: Record<string, number[]>, outputs: string[], rank5 = false): Model {
  return {
    specificationVersion: rank5 ? 1 : 4,
    description: {
      input: Object.entries(inputs).map(([name, shape]) => ({ name, type: { multiArrayType: { shape, dataType: 65568 } } })),
      output: outputs.map((name) => ({ name, type: { multiArrayType: { dataType: 65568 } } })),
    },
    neuralNetwork: { layers, arrayInputShapeMapping: rank5 ? 0 : 1 },
  };
}

function run(model: Model, inputs: Record<string, FeatureValue>, options = {}) {
  return runModel(model, new Map(Object.entries(inputs)), options);
}
const out = (r: ReturnType<typeof run>, name: string): Tensor => {
  const v = r.outputs.get(name);
  if (v?.kind !== 'tensor') throw new Error(`${name} is ${v?.kind}`);
  return v.tensor;
};
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `element ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol);
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('kernel table', () => {
  it('has a kernel for every layer type of the schema and of the registry, and nothing else', () => {
    const kernelTypes = Object.keys(KERNELS).sort();
    expect(kernelTypes).toEqual([...LAYER_TYPES].sort());
    expect(kernelTypes).toEqual([...ALL_LAYER_TYPES].sort());
    for (const t of LAYER_TYPES) expect(typeof KERNELS[t], t).toBe('function');
  });
});

describe('recurrent layers', () => {
  const x = T([2, 1, 1, 1, 1], 1, 2);
  it('simpleRecurrent: y_t = tanh(W x_t + R y_{t-1} + b)', () => {
    const m = net([{ name: 'rnn', input: ['x'], output: ['y', 'h'], simpleRecurrent: {
      inputVectorSize: 1, outputVectorSize: 1, activation: { tanh: {} }, sequenceOutput: true, hasBiasVector: true,
      weightMatrix: { floatValue: f32(0.5) }, recursionMatrix: { floatValue: f32(0.25) }, biasVector: { floatValue: f32(0.1) },
    } }], { x: [2, 1, 1, 1, 1] }, ['y', 'h']);
    const r = run(m, { x });
    const y1 = Math.tanh(0.5 + 0.1), y2 = Math.tanh(1.0 + 0.25 * y1 + 0.1);
    close(out(r, 'y').data, [y1, y2]);
    expect(out(r, 'y').shape).toEqual([2, 1, 1, 1, 1]);
    close(out(r, 'h').data, [y2]);
  });

  it('reverseInput hands out outputs in the order computed (coremltools recurrent op tests: torch on the flipped sequence)', () => {
    const m = net([{ name: 'rnn', input: ['x'], output: ['y'], simpleRecurrent: {
      inputVectorSize: 1, outputVectorSize: 1, activation: { tanh: {} }, sequenceOutput: true, hasBiasVector: true, reverseInput: true,
      weightMatrix: { floatValue: f32(0.5) }, recursionMatrix: { floatValue: f32(0.25) }, biasVector: { floatValue: f32(0.1) },
    } }], { x: [2, 1, 1, 1, 1] }, ['y']);
    const y1 = Math.tanh(0.5 * 2 + 0.1), y2 = Math.tanh(0.5 * 1 + 0.25 * y1 + 0.1);
    close(out(run(m, { x }), 'y').data, [y1, y2]);
  });

  it('gru: z, r gates, c = h ⊙ r, o = tanh(W_o x + R_o c + b_o), h = (1-z) o + z h', () => {
    const w = (v: number) => ({ floatValue: f32(v) });
    const m = net([{ name: 'gru', input: ['x', 'h0'], output: ['y'], gru: {
      inputVectorSize: 1, outputVectorSize: 1, activations: [{ sigmoid: {} }, { tanh: {} }], sequenceOutput: false, hasBiasVectors: true,
      updateGateWeightMatrix: w(0.3), resetGateWeightMatrix: w(-0.2), outputGateWeightMatrix: w(0.7),
      updateGateRecursionMatrix: w(0.1), resetGateRecursionMatrix: w(0.4), outputGateRecursionMatrix: w(-0.5),
      updateGateBiasVector: w(0.05), resetGateBiasVector: w(-0.1), outputGateBiasVector: w(0.2),
    } }], { x: [2, 1, 1, 1, 1], h0: [1, 1, 1, 1, 1] }, ['y']);
    let h = 0.3;
    for (const xt of [1, 2]) {
      const z = sigmoid(0.3 * xt + 0.1 * h + 0.05), rr = sigmoid(-0.2 * xt + 0.4 * h - 0.1);
      const o = Math.tanh(0.7 * xt - 0.5 * (h * rr) + 0.2);
      h = (1 - z) * o + z * h;
    }
    const r = run(m, { x, h0: T([1, 1, 1, 1, 1], 0.3) });
    close(out(r, 'y').data, [h]);
  });

  function lstmWeights(s: number) {
    const w = (v: number) => ({ floatValue: f32(v * s) });
    return {
      inputGateWeightMatrix: w(0.5), forgetGateWeightMatrix: w(-0.3), blockInputWeightMatrix: w(0.8), outputGateWeightMatrix: w(0.2),
      inputGateRecursionMatrix: w(0.1), forgetGateRecursionMatrix: w(0.2), blockInputRecursionMatrix: w(-0.4), outputGateRecursionMatrix: w(0.3),
      inputGateBiasVector: w(0.1), forgetGateBiasVector: w(0), blockInputBiasVector: w(-0.2), outputGateBiasVector: w(0.05),
    };
  }
  /** The proto's LSTM equations, one unit, no peepholes, forget bias +1. */
  function lstmRef(xs: number[], s: number): { y: number[]; c: number } {
    let h = 0, c = 0;
    const y: number[] = [];
    for (const xt of xs) {
      const i = sigmoid(s * (0.5 * xt + 0.1 * h + 0.1));
      const f = sigmoid(s * (-0.3 * xt + 0.2 * h + 0) + 1);
      const z = Math.tanh(s * (0.8 * xt - 0.4 * h - 0.2));
      c = c * f + i * z;
      const o = sigmoid(s * (0.2 * xt + 0.3 * h + 0.05));
      h = Math.tanh(c) * o;
      y.push(h);
    }
    return { y, c };
  }
  const params = { sequenceOutput: true, hasBiasVectors: true, forgetBias: true };

  it('uniDirectionalLSTM follows the proto equations (forget bias adds 1 to b_f)', () => {
    const m = net([{ name: 'lstm', input: ['x'], output: ['y', 'h', 'c'], uniDirectionalLSTM: {
      inputVectorSize: 1, outputVectorSize: 1, activations: [{ sigmoid: {} }, { tanh: {} }, { tanh: {} }], params, weightParams: lstmWeights(1),
    } }], { x: [2, 1, 1, 1, 1] }, ['y', 'h', 'c']);
    const r = run(m, { x });
    const ref = lstmRef([1, 2], 1);
    close(out(r, 'y').data, ref.y);
    close(out(r, 'h').data, [ref.y[1]]);
    close(out(r, 'c').data, [ref.c]);
  });

  it('biDirectionalLSTM: the backward half at time t is the output after reading x_T … x_t', () => {
    const xs = [1, 2, -1];
    const m = net([{ name: 'bi', input: ['x'], output: ['y'], biDirectionalLSTM: {
      inputVectorSize: 1, outputVectorSize: 1, activationsForwardLSTM: [{ sigmoid: {} }, { tanh: {} }, { tanh: {} }],
      activationsBackwardLSTM: [{ sigmoid: {} }, { tanh: {} }, { tanh: {} }], params, weightParams: [lstmWeights(1), lstmWeights(0.5)],
    } }], { x: [3, 1, 1, 1, 1] }, ['y']);
    const y = out(run(m, { x: T([3, 1, 1, 1, 1], ...xs) }), 'y');
    expect(y.shape).toEqual([3, 1, 2, 1, 1]);
    const fwd = lstmRef(xs, 1).y;
    const bwd = lstmRef([...xs].reverse(), 0.5).y.reverse();
    close(y.data, [fwd[0], bwd[0], fwd[1], bwd[1], fwd[2], bwd[2]]);
  });
});

describe('control flow', () => {
  const one = (name: string, value: number): NeuralNetworkLayer => ({ name, output: [name], loadConstantND: { shape: [1], data: { floatValue: f32(value) } } });

  it('branch runs ifBranch when |condition| > 1e-6, else elseBranch; blobs stay in scope', () => {
    const m = net([
      { name: 'if', input: ['c'], branch: {
        ifBranch: { layers: [{ name: 'a', input: ['x'], output: ['y'], activation: { linear: { alpha: 2, beta: 0 } } }] },
        elseBranch: { layers: [{ name: 'b', input: ['x'], output: ['y'], activation: { linear: { alpha: -1, beta: 0 } } }] },
      } },
    ], { c: [1], x: [2] }, ['y']);
    close(out(run(m, { c: T([1], 1), x: T([2], 3, 4) }), 'y').data, [6, 8]);
    close(out(run(m, { c: T([1], 1e-7), x: T([2], 3, 4) }), 'y').data, [-3, -4]);
  });

  it('loop with a condition network counts while the condition holds; copy overwrites the counter', () => {
    // i = 0; while (i < 5) i = i + 1
    const m = net([
      one('i', 0),
      { name: 'loop', loop: {
        conditionVar: 'cond',
        conditionNetwork: { layers: [{ name: 'lt', input: ['i'], output: ['cond'], lessThan: { alpha: 5 } }] },
        bodyNetwork: { layers: [
          { name: 'inc', input: ['i'], output: ['i1'], add: { alpha: 1 } },
          { name: 'cp', input: ['i1'], output: ['i'], copy: {} },
        ] },
      } },
      { name: 'done', input: ['i'], output: ['y'], activation: { linear: { alpha: 1, beta: 0 } } },
    ], {}, ['y']);
    close(out(run(m, {}), 'y').data, [5]);
  });

  it('loop for maxLoopIterations; loopBreak ends it early', () => {
    const body = (withBreak: boolean): NeuralNetworkLayer[] => [
      { name: 'inc', input: ['i'], output: ['i1'], add: { alpha: 1 } },
      { name: 'cp', input: ['i1'], output: ['i'], copy: {} },
      ...(withBreak ? [
        { name: 'ge', input: ['i'], output: ['stop'], greaterEqual: { alpha: 2 } },
        { name: 'br', input: ['stop'], branch: { ifBranch: { layers: [{ name: 'brk', loopBreak: {} }] } } },
      ] : []),
    ];
    const model = (withBreak: boolean) => net([one('i', 0), { name: 'loop', loop: { maxLoopIterations: 7, bodyNetwork: { layers: body(withBreak) } } },
      { name: 'done', input: ['i'], output: ['y'], activation: { linear: { alpha: 1, beta: 0 } } }], {}, ['y']);
    close(out(run(model(false), {}), 'y').data, [7]);
    close(out(run(model(true), {}), 'y').data, [2]);
  });

  it('rangeStatic and rangeDynamic follow numpy.arange', () => {
    const m = net([
      { name: 'r1', output: ['a'], rangeStatic: { startValue: 1, endValue: 2, stepSizeValue: 0.25 } },
      { name: 'r2', input: ['e', 's'], output: ['b'], rangeDynamic: { stepSizeValue: 3 } },
    ], { e: [1], s: [1] }, ['a', 'b']);
    const r = run(m, { e: T([1], 10), s: T([1], 2) });
    close(out(r, 'a').data, [1, 1.25, 1.5, 1.75]);
    close(out(r, 'b').data, [2, 5, 8]);
  });
});

describe('custom layers', () => {
  const m = net([{ name: 'sw', input: ['x'], output: ['y'], custom: { className: 'MySwish' } }], { x: [2] }, ['y']);
  it('refuse by name and class unless a replacement kernel is registered', () => {
    expect(() => run(m, { x: T([2], 0, 1) })).toThrow('custom layer sw (class MySwish) has no CPU implementation');
    registerCustomKernel('MySwish', (ctx) => [makeTensor(ctx.inputs[0].shape, ctx.inputs[0].data.map((v) => v * sigmoid(v)))]);
    try {
      close(out(run(m, { x: T([2], 0, 1) }), 'y').data, [0, sigmoid(1)]);
    } finally {
      unregisterCustomKernel('MySwish');
    }
  });
});

describe('run options', () => {
  const chain = net([
    { name: 'l1', input: ['x'], output: ['a'], add: { alpha: 1 } },
    { name: 'l2', input: ['a'], output: ['b'], multiply: { alpha: 3 } },
    { name: 'l3', input: ['b'], output: ['y'], add: { alpha: -2 } },
  ], { x: [2] }, ['y']);

  it('returns every blob with blobs: all, the requested ones otherwise, and frees the rest', () => {
    const all = run(chain, { x: T([2], 1, 2) }, { blobs: 'all' });
    expect([...all.blobs.keys()].sort()).toEqual(['a', 'b', 'x', 'y']);
    close(all.blobs.get('b')!.data, [6, 9]);
    const some = run(chain, { x: T([2], 1, 2) }, { blobs: ['a'] });
    expect([...some.blobs.keys()]).toEqual(['a']);
    close(out(some, 'y').data, [4, 7]);
  });

  it('stops after a chosen layer and hands out its outputs', () => {
    const r = run(chain, { x: T([2], 1, 2) }, { stopAfter: 'l2' });
    close(r.blobs.get('b')!.data, [6, 9]);
    expect(r.outputs.has('y')).toBe(false);
    expect(() => run(chain, { x: T([2], 1, 2) }, { stopAfter: 'l9' })).toThrow('stopAfter: the network has no layer named "l9"');
  });

  it('reports time per layer, progress, and cancels', () => {
    const seen: string[] = [];
    const r = run(chain, { x: T([2], 1, 2) }, { profile: true, onProgress: (d: number, t: number) => seen.push(`${d}/${t}`) });
    expect(r.profile!.map((p) => `${p.layer}:${p.type}`)).toEqual(['l1:add', 'l2:multiply', 'l3:add']);
    expect(r.profile!.every((p) => p.ms >= 0)).toBe(true);
    expect(seen).toEqual(['1/3', '2/3', '3/3']);
    const signal = { aborted: false };
    expect(() => run(chain, { x: T([2], 1, 2) }, { signal, onProgress: () => { signal.aborted = true; } })).toThrow('cancelled');
  });

  it('fuses a ReLU into the convolution before it unless the convolution output is asked for', () => {
    const m = net([
      { name: 'conv', input: ['x'], output: ['c'], convolution: { outputChannels: 1, kernelChannels: 1, kernelSize: [1, 1], hasBias: true, weights: { floatValue: f32(2) }, bias: { floatValue: f32(-1) } } },
      { name: 'relu', input: ['c'], output: ['y'], activation: { ReLU: {} } },
    ], { x: [1, 1, 1, 3] }, ['y']);
    const x = T([1, 1, 1, 3], -1, 0.25, 2);
    const fused = run(m, { x }, { profile: true });
    close(out(fused, 'y').data, [0, 0, 3]);
    expect(fused.profile!.map((p) => p.layer)).toEqual(['conv', 'relu']);
    expect(fused.profile![1].ms).toBe(0);
    const apart = run(m, { x }, { blobs: ['c'] });
    close(apart.blobs.get('c')!.data, [-3, -0.5, 3]);
    close(out(apart, 'y').data, [0, 0, 3]);
  });

  it('a deconvolution with outputShape and valid padding crops the top/left amounts (torch output_padding)', () => {
    // Full output of [1, 2] with kernel [1, 10, 100], stride 2: [1, 10, 102, 20, 200]; crop 1 on the left, keep 4.
    const m = net([{ name: 'de', input: ['x'], output: ['y'], convolution: {
      outputChannels: 1, kernelChannels: 1, kernelSize: [1, 3], stride: [1, 2], isDeconvolution: true, outputShape: [1, 4],
      valid: { paddingAmounts: { borderAmounts: [{ startEdgeSize: 0, endEdgeSize: 0 }, { startEdgeSize: 1, endEdgeSize: 1 }] } },
      weights: { floatValue: f32(1, 10, 100) },
    } }], { x: [1, 1, 1, 2] }, ['y']);
    const y = out(run(m, { x: T([1, 1, 1, 2], 1, 2) }), 'y');
    expect(y.shape).toEqual([1, 1, 1, 4]);
    close(y.data, [10, 102, 20, 200]);
  });

  it('names the layer and the problem when a kernel fails', () => {
    const bad = net([{ name: 'fc', input: ['x'], output: ['y'], innerProduct: { inputChannels: 3, outputChannels: 1, weights: { floatValue: f32(1, 2) } } }], { x: [3] }, ['y']);
    expect(() => run(bad, { x: T([3], 1, 2, 3) })).toThrow('layer fc (innerProduct): weights hold 2 values, expected 3');
    const missing = net([{ name: 'l', input: ['nope'], output: ['y'], add: {} }], { x: [1] }, ['y']);
    expect(() => run(missing, { x: T([1], 1) })).toThrow('input blob "nope" is not available');
  });
});

describe('images and classifiers', () => {
  // A 2×1 image: pixel 0 = (R 10, G 20, B 30), pixel 1 = (R 40, G 50, B 60).
  const pixels = new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 255]);
  const image: FeatureValue = { kind: 'image', image: { width: 2, height: 1, layout: 'rgba', pixels } };
  const imageModel = (colorSpace: number, preprocessing: object[]): Model => ({
    specificationVersion: 1,
    description: {
      input: [{ name: 'img', type: { imageType: { width: 2, height: 1, colorSpace } } }],
      output: [{ name: 'y', type: { multiArrayType: { shape: [colorSpace === 10 ? 1 : 3, 1, 2], dataType: 65568 } } }],
    },
    neuralNetwork: { layers: [{ name: 'id', input: ['img'], output: ['y'], activation: { linear: { alpha: 1, beta: 0 } } }], preprocessing },
  });

  it('lays out RGB planes, scaled with red/green/blue biases', () => {
    const r = run(imageModel(20, [{ featureName: 'img', scaler: { channelScale: 0.5, redBias: 1, greenBias: 2, blueBias: 3 } }]), { img: image });
    expect(out(r, 'y').shape).toEqual([3, 1, 2]);
    close(out(r, 'y').data, [6, 21, 12, 27, 18, 33]);
  });

  it('lays out BGR planes with blue first, and subtracts a mean image', () => {
    const r = run(imageModel(30, [{ featureName: 'img', meanImage: { meanImage: f32(1, 2, 3, 4, 5, 6) } }]), { img: image });
    close(out(r, 'y').data, [29, 58, 17, 46, 5, 34]);
  });

  it('turns colour into one gray plane (BT.601) with the gray bias', () => {
    const r = run(imageModel(10, [{ scaler: { channelScale: 1, grayBias: -100 } }]), { img: image });
    close(out(r, 'y').data, [0.299 * 10 + 0.587 * 20 + 0.114 * 30 - 100, 0.299 * 40 + 0.587 * 50 + 0.114 * 60 - 100], 1e-4);
  });

  it('a classifier gives the top label and the probabilities dictionary', () => {
    const model: Model = {
      specificationVersion: 1,
      description: {
        input: [{ name: 'x', type: { multiArrayType: { shape: [3], dataType: 65568 } } }],
        output: [
          { name: 'probs', type: { dictionaryType: { stringKeyType: {} } } },
          { name: 'label', type: { stringType: {} } },
        ],
        predictedFeatureName: 'label',
        predictedProbabilitiesName: 'probs',
      },
      neuralNetworkClassifier: {
        layers: [{ name: 'sm', input: ['x'], output: ['p'], softmax: {} }],
        stringClassLabels: { vector: ['cat', 'dog', 'fish'] },
      },
    };
    const r = run(model, { x: T([3], 0, 2, 1) });
    expect(r.outputs.get('label')).toEqual({ kind: 'string', value: 'dog' });
    const probs = r.outputs.get('probs');
    expect(probs?.kind).toBe('dictionary');
    const d = (probs as Extract<FeatureValue, { kind: 'dictionary' }>).value;
    const e = [1, Math.exp(2), Math.exp(1)], s = e[0] + e[1] + e[2];
    close([d.get('cat')!, d.get('dog')!, d.get('fish')!], e.map((v) => v / s));
  });

  it('a regressor hands out a double where the description declares one', () => {
    const model: Model = {
      specificationVersion: 1,
      description: {
        input: [{ name: 'x', type: { multiArrayType: { shape: [2], dataType: 65568 } } }],
        output: [{ name: 'y', type: { doubleType: {} } }],
      },
      neuralNetworkRegressor: { layers: [{ name: 'fc', input: ['x'], output: ['y'], innerProduct: { inputChannels: 2, outputChannels: 1, hasBias: true, weights: { floatValue: f32(2, -1) }, bias: { floatValue: f32(0.5) } } }] },
    };
    expect(run(model, { x: T([2], 3, 4) }).outputs.get('y')).toEqual({ kind: 'double', value: 2.5 });
  });
});

describe('N-d layers the conformance cases leave out', () => {
  it('gather, gatherND, scatter (add), gatherAlongAxis', () => {
    const m = net([
      { name: 'g', input: ['d', 'i'], output: ['g'], gather: { axis: 1 } },
      { name: 'gn', input: ['d', 'ij'], output: ['gn'], gatherND: {} },
      { name: 's', input: ['d', 'i', 'u'], output: ['s'], scatter: { axis: 1, mode: 1 } },
      { name: 'ga', input: ['d', 'k'], output: ['ga'], gatherAlongAxis: { axis: 1 } },
    ], { d: [2, 3], i: [2], ij: [2, 2], u: [2, 2], k: [2, 1] }, ['g', 'gn', 's', 'ga']);
    const r = run(m, { d: T([2, 3], 1, 2, 3, 4, 5, 6), i: T([2], 2, -3), ij: T([2, 2], 1, 0, 0, 2), u: T([2, 2], 10, 20, 30, 40), k: T([2, 1], 1, 2) });
    close(out(r, 'g').data, [3, 1, 6, 4]);
    expect(out(r, 'g').shape).toEqual([2, 2]);
    close(out(r, 'gn').data, [4, 3]);
    close(out(r, 's').data, [21, 2, 13, 44, 5, 36]);
    close(out(r, 'ga').data, [2, 6]);
  });

  it('topK, argSort, cumSum, oneHot', () => {
    const m = net([
      { name: 't', input: ['x'], output: ['v', 'i'], topK: { axis: -1, K: 2 } },
      { name: 'a', input: ['x'], output: ['s'], argSort: { axis: 0, descending: false } },
      { name: 'c', input: ['x'], output: ['c'], cumSum: { axis: 0, excludeFinalSum: true, reverse: true } },
      { name: 'o', input: ['k'], output: ['o'], oneHot: { oneHotVectorSize: 3, axis: -1, onValue: 5, offValue: -1 } },
    ], { x: [4], k: [2] }, ['v', 'i', 's', 'c', 'o']);
    const r = run(m, { x: T([4], 3, 9, 1, 4), k: T([2], 2, 7) });
    close(out(r, 'v').data, [9, 4]);
    close(out(r, 'i').data, [1, 3]);
    close(out(r, 's').data, [2, 0, 3, 1]);
    close(out(r, 'c').data, [14, 5, 4, 0]);
    close(out(r, 'o').data, [-1, -1, 5, -1, -1, -1]);
  });

  it('batchedMatmul of two inputs broadcasts and transposes', () => {
    const m = net([{ name: 'mm', input: ['a', 'b'], output: ['y'], batchedMatmul: { transposeB: true } }], { a: [2, 1, 2], b: [2, 2] }, ['y']);
    const r = run(m, { a: T([2, 1, 2], 1, 2, 3, 4), b: T([2, 2], 1, 0, 1, 1) });
    // b transposed = [[1, 1], [0, 1]]
    close(out(r, 'y').data, [1, 3, 3, 7]);
    expect(out(r, 'y').shape).toEqual([2, 1, 2]);
  });

  it('layerNormalization, whereBroadcastable, constantPad to a given size, sliceBySize', () => {
    const m = net([
      { name: 'ln', input: ['x'], output: ['ln'], layerNormalization: { normalizedShape: [2], eps: 0, gamma: { floatValue: f32(1, 2) }, beta: { floatValue: f32(0, 1) } } },
      { name: 'w', input: ['c', 'x', 'z'], output: ['w'], whereBroadcastable: {} },
      { name: 'p', input: ['x'], output: ['p'], constantPad: { value: 9, padAmounts: [0, 3, 4, 0], padToGivenOutputSizeMode: true } },
      { name: 'sb', input: ['x', 'b'], output: ['sb'], sliceBySize: { axis: 1, size: 1 } },
    ], { x: [2, 2], c: [2, 1], z: [1] , b: [1] }, ['ln', 'w', 'p', 'sb']);
    const r = run(m, { x: T([2, 2], 1, 3, 5, 7), c: T([2, 1], 1, 0), z: T([1], -7), b: T([1], 1) });
    close(out(r, 'ln').data, [-1, 3, -1, 3]);
    close(out(r, 'w').data, [1, 3, -7, -7]);
    expect(out(r, 'p').shape).toEqual([3, 4]);
    close(out(r, 'p').data, [9, 9, 1, 3, 9, 9, 5, 7, 9, 9, 9, 9]);
    close(out(r, 'sb').data, [3, 7]);
  });
});

describe('more N-d layers, by hand', () => {
  /** Runs one layer on the given inputs (EXACT mapping) and returns its outputs in order. */
  function one(layer: Omit<NeuralNetworkLayer, 'name' | 'input' | 'output'>, inputs: Record<string, FeatureValue>, outputs = ['y']): Tensor[] {
    const shapes = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, (v as Extract<FeatureValue, { kind: 'tensor' }>).tensor.shape]));
    const m = net([{ name: 'l', input: Object.keys(inputs), output: outputs, ...layer }], shapes, outputs);
    const r = run(m, inputs);
    return outputs.map((o) => out(r, o));
  }
  const x = T([2, 3], 1, -2, 3, -4, 5, -6);

  it('element-wise functions and comparisons', () => {
    close(one({ exp2: {} }, { x: T([2], 3, -1) })[0].data, [8, 0.5]);
    close(one({ atan: {} }, { x: T([1], 1) })[0].data, [Math.PI / 4]);
    close(one({ acosh: {} }, { x: T([1], 1) })[0].data, [0]);
    close(one({ unary: { type: 2, epsilon: 0.5 } }, { x: T([2], 1.5, 0.5) })[0].data, [0.5, 1]);
    close(one({ unary: { type: 6, scale: -2, shift: 1 } }, { x: T([2], 3, -1) })[0].data, [5, 3]);
    close(one({ equal: { alpha: -2 } }, { x })[0].data, [0, 1, 0, 0, 0, 0]);
    close(one({ notEqual: {} }, { a: T([2], 1, 2), b: T([1], 2) })[0].data, [1, 0]);
    close(one({ greaterThan: {} }, { a: T([2], 1, 2), b: T([2, 1], 1.5, 0) })[0].data, [0, 1, 1, 1]);
    close(one({ logicalXor: {} }, { a: T([3], 0, 1, 2), b: T([3], 1, 1, 0) })[0].data, [1, 0, 1]);
    close(one({ logicalNot: {} }, { a: T([2], 0, 3) })[0].data, [1, 0]);
    close(one({ modBroadcastable: {} }, { a: T([2], -7, 7), b: T([1], 3) })[0].data, [2, 1]);
    close(one({ floorDivBroadcastable: {} }, { a: T([2], -7, 7), b: T([1], 2) })[0].data, [-4, 3]);
    close(one({ powBroadcastable: {} }, { a: T([2], 2, 3), b: T([2], 3, 0.5) })[0].data, [8, Math.sqrt(3)]);
    close(one({ activation: { softsign: {} } }, { x: T([2], 1, -3) })[0].data, [0.5, -0.75]);
  });

  it('shape layers: expandDims, getShape, reshapeDynamic, rankPreservingReshape, broadcastToStatic, fillDynamic, stack', () => {
    expect(one({ expandDims: { axes: [0, -1] } }, { x })[0].shape).toEqual([1, 2, 3, 1]);
    close(one({ getShape: {} }, { x })[0].data, [2, 3]);
    expect(one({ reshapeDynamic: {} }, { x, s: T([2], 3, -1) })[0].shape).toEqual([3, 2]);
    expect(one({ rankPreservingReshape: { targetShape: [0, 1, 3] } }, { x: T([2, 3, 1], 1, 2, 3, 4, 5, 6) })[0].shape).toEqual([2, 1, 3]);
    const b = one({ broadcastToStatic: { targetShape: [2, 2, 3] } }, { x })[0];
    expect(b.shape).toEqual([2, 2, 3]);
    close(b.data.subarray(6), x.kind === 'tensor' ? x.tensor.data : []);
    close(one({ fillDynamic: { value: 7 } }, { s: T([2], 1, 2) })[0].data, [7, 7]);
    const st = one({ stack: { axis: -1 } }, { a: T([2], 1, 2), b: T([2], 3, 4) })[0];
    expect(st.shape).toEqual([2, 2]);
    close(st.data, [1, 3, 2, 4]);
  });

  it('concatND interleaved, splitND by count, reverse, reverseSeq, slidingWindows, sliceDynamic', () => {
    close(one({ concatND: { axis: 0, interleave: true } }, { a: T([2], 1, 2), b: T([2], 3, 4) })[0].data, [1, 3, 2, 4]);
    const [p, q] = one({ splitND: { axis: 1, numSplits: 3 } }, { x }, ['p', 'q', 'r']);
    close(p.data, [1, -4]);
    close(q.data, [-2, 5]);
    close(one({ reverse: { reverseDim: [false, true] } }, { x })[0].data, [3, -2, 1, -6, 5, -4]);
    // The proto's example: lengths [3, 0] along axis 1 of [[0 1 2 3] [4 5 6 7]].
    close(one({ reverseSeq: { batchAxis: 0, sequenceAxis: 1 } }, { d: T([2, 4], 0, 1, 2, 3, 4, 5, 6, 7), l: T([2], 3, 0) })[0].data, [2, 1, 0, 3, 4, 5, 6, 7]);
    const sw = one({ slidingWindows: { axis: 0, windowSize: 2, step: 2 } }, { x: T([5], 1, 2, 3, 4, 5) })[0];
    expect(sw.shape).toEqual([2, 2]);
    close(sw.data, [1, 2, 3, 4]);
    close(one({ sliceDynamic: { endIds: [2, 3], strides: [1, 2] } }, { x, b: T([2], 1, 0) })[0].data, [-4, -6]);
  });

  it('reductions keep or drop axes; argMin removes the axis', () => {
    const s = one({ reduceSum: { axes: [1], keepDims: false } }, { x })[0];
    expect(s.shape).toEqual([2]);
    close(s.data, [2, -5]);
    close(one({ reduceMax: { reduceAll: true, keepDims: true } }, { x })[0].data, [5]);
    close(one({ reduceL1: { axes: [0], keepDims: true } }, { x })[0].data, [5, 7, 9]);
    close(one({ reduceLogSum: { axes: [-1] } }, { x: T([1, 2], 1, Math.E - 1) })[0].data, [1]);
    const a = one({ argMin: { axis: -1, removeDim: true } }, { x })[0];
    expect(a.shape).toEqual([2]);
    close(a.data, [1, 2]);
  });

  it('scatterND, scatterAlongAxis, whereNonZero, matrixBandPart', () => {
    close(one({ scatterND: { mode: 0 } }, { c: T([2, 2], 0, 0, 0, 0), i: T([1, 2], 1, 0), u: T([1], 9) })[0].data, [0, 0, 9, 0]);
    close(one({ scatterAlongAxis: { axis: 1, mode: 5 } }, { c: T([1, 3], 5, 5, 5), i: T([1, 2], 2, 0), u: T([1, 2], 9, 1) })[0].data, [5, 5, 9]);
    const nz = one({ whereNonZero: {} }, { x: T([2, 2], 0, 3, 4, 0) })[0];
    expect(nz.shape).toEqual([2, 2]);
    close(nz.data, [0, 1, 1, 0]);
    close(one({ matrixBandPart: { numLower: 0, numUpper: 1 } }, { x: T([3, 3], 1, 2, 3, 4, 5, 6, 7, 8, 9) })[0].data, [1, 2, 0, 0, 5, 6, 0, 0, 9]);
  });

  it('the NonMaximumSuppression layer keeps the best box of an overlapping pair and pads', () => {
    // Boxes [x, y, w, h]: 0 and 1 overlap with IoU 0.6, 2 is apart.
    const boxes = T([1, 3, 4], 0, 0, 2, 2, 0.5, 0, 2, 2, 10, 10, 2, 2);
    const scores = T([1, 3, 1], 0.6, 0.9, 0.5);
    const [b, s, i, n] = one({ NonMaximumSuppression: { iouThreshold: 0.5, scoreThreshold: 0.1, maxBoxes: 3 } }, { boxes, scores }, ['b', 's', 'i', 'n']);
    close(i.data, [1, 2, -1]);
    close(n.data, [2]);
    close(s.data, [0.9, 0.5, 0]);
    close(b.data.subarray(0, 4), [0.5, 0, 2, 2]);
  });

  it('random layers are reproducible for a seed and within their ranges', () => {
    const u1 = one({ randomUniformStatic: { seed: 7, minVal: 2, maxVal: 3, outputShape: [100] } }, {})[0];
    const u2 = one({ randomUniformStatic: { seed: 7, minVal: 2, maxVal: 3, outputShape: [100] } }, {})[0];
    expect(Array.from(u1.data)).toEqual(Array.from(u2.data));
    expect(u1.data.every((v) => v >= 2 && v < 3)).toBe(true);
    const bern = one({ randomBernoulliLike: { seed: 1, prob: 1 } }, { x })[0];
    close(bern.data, [1, 1, 1, 1, 1, 1]);
    const cat = one({ categoricalDistribution: { seed: 3, numSamples: 4, isLogits: false } }, { p: T([1, 3], 0, 0, 1) })[0];
    close(cat.data, [2, 2, 2, 2]);
  });

  it('the remaining element-wise, fill, broadcast and reduce layers', () => {
    const a = T([2], 0.5, -0.25);
    const fns: [string, (v: number) => number][] = [['sin', Math.sin], ['cos', Math.cos], ['tan', Math.tan], ['asin', Math.asin], ['acos', Math.acos],
      ['sinh', Math.sinh], ['cosh', Math.cosh], ['asinh', Math.asinh], ['atanh', Math.atanh]];
    for (const [t, f] of fns) close(one({ [t]: {} }, { a })[0].data, [f(0.5), f(-0.25)]);
    close(one({ min: {} }, { a: T([3], 1, 5, -2), b: T([3], 2, 4, -3), c: T([3], 0, 9, 9) })[0].data, [0, 4, -3]);
    close(one({ lessEqual: {} }, { a: T([3], 1, 2, 3), b: T([1], 2) })[0].data, [1, 1, 0]);
    close(one({ logicalOr: {} }, { a: T([3], 0, 0, 2), b: T([3], 0, 1, 0) })[0].data, [0, 1, 1]);
    close(one({ logicalAnd: {} }, { a: T([3], 0, 3, 2), b: T([3], 1, 1, 0) })[0].data, [0, 1, 0]);
    close(one({ maxBroadcastable: {} }, { a: T([2, 1], 1, 5), b: T([2], 3, 4) })[0].data, [3, 4, 5, 5]);
    close(one({ divideBroadcastable: {} }, { a: T([2], 3, -4), b: T([1], 2) })[0].data, [1.5, -2]);
    close(one({ fillLike: { value: 2 } }, { x })[0].data, [2, 2, 2, 2, 2, 2]);
    expect(one({ fillStatic: { value: 1, targetShape: [2, 1, 2] } }, {})[0].shape).toEqual([2, 1, 2]);
    close(one({ broadcastToLike: {} }, { a: T([2, 1], 1, 2), b: T([2, 2], 0, 0, 0, 0) })[0].data, [1, 1, 2, 2]);
    close(one({ broadcastToDynamic: {} }, { a: T([1], 7), s: T([2], 1, 3) })[0].data, [7, 7, 7]);
    expect(one({ reshapeLike: {} }, { x, s: T([3, 2], 0, 0, 0, 0, 0, 0) })[0].shape).toEqual([3, 2]);
    close(one({ reduceMin: { axes: [0] } }, { x })[0].data, [-4, -2, -6]);
    close(one({ reduceSumSquare: { axes: [-1], keepDims: true } }, { x })[0].data, [14, 77]);
    close(one({ randomNormalLike: { seed: 2, mean: 3, stdDev: 0 } }, { x })[0].data, [3, 3, 3, 3, 3, 3]);
    close(one({ randomNormalStatic: { seed: 2, mean: -1, stdDev: 0, outputShape: [2] } }, {})[0].data, [-1, -1]);
    close(one({ randomNormalDynamic: { seed: 2, mean: 5, stdDev: 0 } }, { s: T([1], 2) })[0].data, [5, 5]);
    expect(one({ randomUniformLike: { seed: 4, minVal: 0, maxVal: 1 } }, { x })[0].data.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(one({ randomUniformDynamic: { seed: 4, minVal: 0, maxVal: 1 } }, { s: T([2], 2, 2) })[0].shape).toEqual([2, 2]);
    close(one({ randomBernoulliStatic: { seed: 1, prob: 0, outputShape: [3] } }, {})[0].data, [0, 0, 0]);
    close(one({ randomBernoulliDynamic: { seed: 1, prob: 1 } }, { s: T([1], 2) })[0].data, [1, 1]);
  });

  it('loopContinue skips the rest of the body', () => {
    // for 4 iterations: i += 1; if i >= 2 continue; j += 1  → j = 1
    const c = (name: string): NeuralNetworkLayer => ({ name, output: [name], loadConstantND: { shape: [1], data: { floatValue: f32(0) } } });
    const m = net([c('i'), c('j'), { name: 'loop', loop: { maxLoopIterations: 4, bodyNetwork: { layers: [
      { name: 'inc', input: ['i'], output: ['i1'], add: { alpha: 1 } },
      { name: 'cpi', input: ['i1'], output: ['i'], copy: {} },
      { name: 'ge', input: ['i'], output: ['skip'], greaterEqual: { alpha: 2 } },
      { name: 'br', input: ['skip'], branch: { ifBranch: { layers: [{ name: 'cont', loopContinue: {} }] } } },
      { name: 'incj', input: ['j'], output: ['j1'], add: { alpha: 1 } },
      { name: 'cpj', input: ['j1'], output: ['j'], copy: {} },
    ] } } }, { name: 'out', input: ['j'], output: ['y'], activation: { linear: { alpha: 1, beta: 0 } } }], {}, ['y']);
    close(out(run(m, {}), 'y').data, [1]);
  });

  it('3-D convolution and pooling on [B, C, D, H, W]', () => {
    // The proto's pooling example: max over 2×2×2 of a 2×3×3 volume.
    const vol = T([1, 1, 2, 3, 3], 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18);
    close(one({ pooling3d: { type: 0, kernelDepth: 2, kernelHeight: 2, kernelWidth: 2, strideDepth: 1, strideHeight: 1, strideWidth: 1, paddingType: 1 } }, { vol })[0].data, [14, 15, 17, 18]);
    close(one({ globalPooling3d: { type: 1 } }, { vol })[0].data, [9.5]);
    const c = one({ convolution3d: { outputChannels: 1, inputChannels: 1, nGroups: 1, kernelDepth: 2, kernelHeight: 1, kernelWidth: 1, paddingType: 1, weights: { floatValue: f32(1, -1) } } }, { vol })[0];
    expect(c.shape).toEqual([1, 1, 1, 3, 3]);
    close(c.data, new Array(9).fill(-9));
  });

  it('reorganizeData SPACE_TO_DEPTH inverts DEPTH_TO_SPACE on the proto example', () => {
    const m = net([
      { name: 'd2s', input: ['x'], output: ['s'], reorganizeData: { mode: 1, blockSize: 2 } },
      { name: 's2d', input: ['s'], output: ['y'], reorganizeData: { mode: 0, blockSize: 2 } },
    ], { x: [1, 1, 8, 1, 2] }, ['s', 'y'], true);
    const data = Array.from({ length: 16 }, (_, i) => i + 1);
    const r = run(m, { x: T([1, 1, 8, 1, 2], ...data) });
    close(out(r, 's').data, [1, 5, 2, 6, 9, 13, 10, 14, 3, 7, 4, 8, 11, 15, 12, 16]);
    close(out(r, 'y').data, data);
  });
});
