// The weights each NeuralNetwork layer type carries: every WeightParams field of its parameter
// message, with the shape the other parameters imply (NeuralNetwork.proto, and the sizes Apple's
// NeuralNetworkLayerValidator checks), the output-channel axis for per-channel quantization, and
// whether ML Surgeon's quantizer converts it. test/unit/registry-weights.test.ts checks the fields
// against the schema: none missing, none extra.
import type { ActivationParams, LSTMParams, LSTMWeightParams, PathStep } from '../format';
import type { LayerParams, LayerType } from './types';

export interface WeightChannels {
  /** Axis of `shape` that indexes output channels. */
  readonly axis: number;
  /**
   * Output channels: a linear quantization scale or bias may have 1 value or this many
   * (NeuralNetwork.proto, LinearQuantizationParams). 1 means per tensor only.
   */
  readonly count: number;
  /** Values that share one channel before the channel advances (product of the axes after `axis`). */
  readonly stride: number;
}

export interface LayerWeight {
  /** Path below the layer's parameter message: ['weights'], ['weightParams', 1, 'inputGateBiasVector']. */
  readonly field: readonly PathStep[];
  /**
   * Row-major shape of the stored values, as the parameters imply it (its product is the value
   * count; [] is one value); undefined when they do not fix it (a custom layer's weights, a
   * PReLU's per-channel alpha), and then the field may also be left empty.
   */
  readonly shape?: readonly number[];
  readonly channels: WeightChannels;
  /**
   * The quantizer (shared/surgery/quantize.ts) converts it: the matrix weights and biases of the
   * layers coremltools' QuantizedLayerSelector quantizes by default. Core ML accepts quantized
   * values in more layers; those are left as they are.
   */
  readonly quantizable: boolean;
}

/** What the weights depend on besides the parameters. */
export interface WeightContext {
  /** Number of layer inputs: a convolution or batched matmul with 2 takes its weights as an input. */
  readonly inputs: number;
}

export type LayerWeightsFn<T extends LayerType> = (params: LayerParams<T>, context: WeightContext) => readonly LayerWeight[];

const n = (v: number | bigint | undefined): number => Number(v ?? 0);
const prod = (xs: readonly (number | bigint)[] | undefined): number => (xs ?? []).reduce<number>((a, b) => a * Number(b), 1);
const PER_TENSOR: WeightChannels = { axis: 0, count: 1, stride: 1 };

/** A weight tensor whose output channels run along `axis` of `shape`. */
function weight(field: readonly PathStep[], shape: readonly number[], axis: number | undefined, quantizable = false): LayerWeight {
  if (axis === undefined) return { field, shape, channels: PER_TENSOR, quantizable };
  return { field, shape, channels: { axis, count: shape[axis], stride: prod(shape.slice(axis + 1)) }, quantizable };
}

/** A bias or other vector: quantized per tensor only (Apple's validator passes 1 channel for biases). */
const vector = (field: readonly PathStep[], size: number, quantizable = false): LayerWeight => weight(field, [size], undefined, quantizable);

/** A [C, H, W] parameter of scale, bias and loadConstant may be quantized per channel (C scales). */
function chw(field: readonly PathStep[], shape: readonly (number | bigint)[] | undefined): LayerWeight {
  const s = (shape ?? []).map(Number);
  return weight(field, s, s.length === 3 && s[0] > 1 ? 0 : undefined);
}

/** PReLU's alpha and parametric softplus's alpha and beta: one value per channel, or one for all. */
function activationWeights(a: ActivationParams | undefined, prefix: readonly PathStep[]): LayerWeight[] {
  const free = (f: readonly PathStep[]): LayerWeight => ({ field: [...prefix, ...f], channels: PER_TENSOR, quantizable: false });
  if (a?.PReLU) return [free(['PReLU', 'alpha'])];
  if (a?.parametricSoftplus) return [free(['parametricSoftplus', 'alpha']), free(['parametricSoftplus', 'beta'])];
  return [];
}

const activationsWeights = (list: readonly ActivationParams[] | undefined, field: string): LayerWeight[] =>
  (list ?? []).flatMap((a, i) => activationWeights(a, [field, i]));

const GATES_LSTM = ['inputGate', 'forgetGate', 'blockInput', 'outputGate'] as const;

/** LSTMWeightParams: [out, in] input matrices, [out, out] recursion matrices, [out] vectors. */
function lstmWeights(prefix: readonly PathStep[], inSize: number, out: number, params: LSTMParams | undefined): LayerWeight[] {
  const f = (name: keyof LSTMWeightParams): PathStep[] => [...prefix, name];
  return [
    ...GATES_LSTM.map((g) => weight(f(`${g}WeightMatrix`), [out, inSize], 0)),
    ...GATES_LSTM.map((g) => weight(f(`${g}RecursionMatrix`), [out, out], 0)),
    ...(params?.hasBiasVectors ? GATES_LSTM.map((g) => vector(f(`${g}BiasVector`), out)) : []),
    ...(params?.hasPeepholeVectors ? (['inputGate', 'forgetGate', 'outputGate'] as const).map((g) => vector(f(`${g}PeepholeVector`), out)) : []),
  ];
}

/** Layers with a [out, in] matrix and an optional [out] bias, both quantizable. */
function matrixWithBias(weights: readonly number[], hasBias: boolean | undefined): LayerWeight[] {
  return [weight(['weights'], weights, 0, true), ...(hasBias ? [vector(['bias'], weights[0], true)] : [])];
}

/** The weight-carrying layer types; every other type carries none. */
export const LAYER_WEIGHTS: { readonly [T in LayerType]?: LayerWeightsFn<T> } = {
  // ConvolutionLayerParams.weights: [C_out, kernelChannels, kH, kW]; deconvolution
  // [kernelChannels, C_out / nGroups, kH, kW], quantized along axis 1 (coremltools _quantize_nn_spec).
  // Apple's validator accepts 1 or outputChannels scales for either. With a second input the
  // weights arrive as that input (spec ≥ 4) and the parameters carry none.
  convolution: (p, { inputs }) => {
    if (inputs > 1) return [];
    const out = n(p.outputChannels), kc = n(p.kernelChannels), groups = n(p.nGroups) || 1;
    const [kh, kw] = p.kernelSize?.length ? [n(p.kernelSize[0]), n(p.kernelSize[1] ?? 3)] : [3, 3];
    const w = p.isDeconvolution
      ? { field: ['weights'], shape: [kc, Math.floor(out / groups), kh, kw], channels: { axis: 1, count: out, stride: kh * kw }, quantizable: true }
      : weight(['weights'], [out, kc, kh, kw], 0, true);
    return [w, ...(p.hasBias ? [vector(['bias'], out, true)] : [])];
  },
  // Convolution3DLayerParams.weights: [C_out, C_in / nGroups, kD, kH, kW]; deconvolution
  // [C_out / nGroups, C_in, kD, kH, kW].
  convolution3d: (p) => {
    const out = n(p.outputChannels), inC = n(p.inputChannels), groups = n(p.nGroups) || 1;
    const k = [n(p.kernelDepth), n(p.kernelHeight), n(p.kernelWidth)];
    const shape = p.isDeconvolution ? [Math.floor(out / groups), inC, ...k] : [out, Math.floor(inC / groups), ...k];
    return [weight(['weights'], shape, 0), ...(p.hasBias ? [vector(['bias'], out)] : [])];
  },
  innerProduct: (p) => matrixWithBias([n(p.outputChannels), n(p.inputChannels)], p.hasBias),
  // BatchedMatMulLayerParams.weights: the [X1, X2] matrix stored column-major, i.e. [X2, X1] row-major.
  batchedMatmul: (p, { inputs }) => (inputs > 1 ? [] : matrixWithBias([n(p.weightMatrixSecondDimension), n(p.weightMatrixFirstDimension)], p.hasBias)),
  embedding: (p) => matrixWithBias([n(p.outputChannels), n(p.inputDim)], p.hasBias),
  // EmbeddingNDLayerParams: "The weights matrix is stored with dimensions [embeddingSize, vocabSize]".
  embeddingND: (p) => matrixWithBias([n(p.embeddingSize), n(p.vocabSize)], p.hasBias),
  // With computeMeanVar the mean and variance come from the input and are not stored.
  batchnorm: (p) => (p.computeMeanVar ? ['gamma', 'beta'] : ['gamma', 'beta', 'mean', 'variance']).map((f) => vector([f], n(p.channels))),
  scale: (p) => [chw(['scale'], p.shapeScale), ...(p.hasBias ? [chw(['bias'], p.shapeBias)] : [])],
  bias: (p) => [chw(['bias'], p.shape)],
  loadConstant: (p) => [chw(['data'], p.shape)],
  loadConstantND: (p) => [weight(['data'], (p.shape ?? []).map(Number), undefined)],
  layerNormalization: (p) => ['gamma', 'beta'].map((f) => vector([f], prod(p.normalizedShape))),
  activation: (p) => activationWeights(p, []),
  simpleRecurrent: (p) => {
    const out = n(p.outputVectorSize);
    return [
      ...activationWeights(p.activation, ['activation']),
      weight(['weightMatrix'], [out, n(p.inputVectorSize)], 0),
      weight(['recursionMatrix'], [out, out], 0),
      ...(p.hasBiasVector ? [vector(['biasVector'], out)] : []),
    ];
  },
  gru: (p) => {
    const out = n(p.outputVectorSize), inSize = n(p.inputVectorSize);
    const gates = ['updateGate', 'resetGate', 'outputGate'] as const;
    return [
      ...activationsWeights(p.activations, 'activations'),
      ...gates.map((g) => weight([`${g}WeightMatrix`], [out, inSize], 0)),
      ...gates.map((g) => weight([`${g}RecursionMatrix`], [out, out], 0)),
      ...(p.hasBiasVectors ? gates.map((g) => vector([`${g}BiasVector`], out)) : []),
    ];
  },
  uniDirectionalLSTM: (p) => [
    ...activationsWeights(p.activations, 'activations'),
    ...lstmWeights(['weightParams'], n(p.inputVectorSize), n(p.outputVectorSize), p.params),
  ],
  // BiDirectionalLSTMLayerParams.weightParams: "Must be a length 2 message, for the forward and
  // backward LSTM respectively".
  biDirectionalLSTM: (p) => [
    ...activationsWeights(p.activationsForwardLSTM, 'activationsForwardLSTM'),
    ...activationsWeights(p.activationsBackwardLSTM, 'activationsBackwardLSTM'),
    ...[0, 1].flatMap((i) => lstmWeights(['weightParams', i], n(p.inputVectorSize), n(p.outputVectorSize), p.params)),
  ],
  // CustomLayerParams.weights: "Any weights": their meaning belongs to the custom class.
  custom: (p) => (p.weights ?? []).map((_, i) => ({ field: ['weights', i], channels: PER_TENSOR, quantizable: false })),
};
