// How many inputs and outputs each layer type takes: [min inputs, max inputs, min outputs,
// max outputs], -1 for no upper bound. From the layer descriptions in NeuralNetwork.proto and
// the counts Apple's NeuralNetworkLayerValidator enforces.
import type { LayerType } from '../shapes/layerTypes';

type Arity = readonly [number, number, number, number];

const ONE: Arity = [1, 1, 1, 1];
const TWO_IN: Arity = [2, 2, 1, 1];
const THREE_IN: Arity = [3, 3, 1, 1];
const ONE_OR_TWO: Arity = [1, 2, 1, 1];
const ANY_IN: Arity = [1, -1, 1, 1];
const NO_IN: Arity = [0, 0, 1, 1];

export const LAYER_ARITY: { readonly [K in LayerType]: Arity } = {
  convolution: ONE_OR_TWO, pooling: ONE, activation: ONE, innerProduct: ONE, embedding: ONE,
  batchnorm: ONE, mvn: ONE, l2normalize: ONE, softmax: ONE, lrn: ONE,
  crop: ONE_OR_TWO, padding: ONE, upsample: ONE, resizeBilinear: ONE, cropResize: TWO_IN, unary: ONE,
  add: ANY_IN, multiply: ANY_IN, average: ANY_IN, scale: ONE, bias: ONE, max: ANY_IN, min: ANY_IN,
  dot: TWO_IN, reduce: ONE, loadConstant: NO_IN,
  reshape: ONE, flatten: ONE, permute: ONE, concat: [2, -1, 1, 1], split: [1, 1, 2, -1], sequenceRepeat: ONE,
  reorganizeData: ONE, slice: ONE,
  // Recurrent layers take optional initial states and must name their final states.
  simpleRecurrent: [2, 2, 2, 2], gru: [1, 2, 2, 2], uniDirectionalLSTM: [1, 3, 3, 3], biDirectionalLSTM: [1, 5, 5, 5],
  custom: [0, -1, 0, -1],
  copy: ONE, branch: [1, 1, 0, 0], loop: [0, 1, 0, 0], loopBreak: [0, 0, 0, 0], loopContinue: [0, 0, 0, 0],
  rangeStatic: NO_IN, rangeDynamic: [1, 3, 1, 1],
  clip: ONE, ceil: ONE, floor: ONE, sign: ONE, round: ONE, exp2: ONE,
  sin: ONE, cos: ONE, tan: ONE, asin: ONE, acos: ONE, atan: ONE, sinh: ONE, cosh: ONE, tanh: ONE,
  asinh: ONE, acosh: ONE, atanh: ONE, erf: ONE, gelu: ONE,
  equal: ONE_OR_TWO, notEqual: ONE_OR_TWO, lessThan: ONE_OR_TWO, lessEqual: ONE_OR_TWO, greaterThan: ONE_OR_TWO, greaterEqual: ONE_OR_TWO,
  logicalOr: TWO_IN, logicalXor: TWO_IN, logicalNot: ONE, logicalAnd: TWO_IN,
  modBroadcastable: TWO_IN, minBroadcastable: TWO_IN, maxBroadcastable: TWO_IN, addBroadcastable: TWO_IN,
  powBroadcastable: TWO_IN, divideBroadcastable: TWO_IN, floorDivBroadcastable: TWO_IN,
  multiplyBroadcastable: TWO_IN, subtractBroadcastable: TWO_IN,
  tile: ONE_OR_TWO, stack: [2, -1, 1, 1], gather: TWO_IN, scatter: THREE_IN, gatherND: TWO_IN, scatterND: THREE_IN,
  softmaxND: ONE, gatherAlongAxis: TWO_IN, scatterAlongAxis: THREE_IN, reverse: ONE, reverseSeq: TWO_IN,
  splitND: [1, 1, 2, -1], concatND: [2, -1, 1, 1], transpose: ONE,
  sliceStatic: ONE, sliceDynamic: [2, 7, 1, 1], slidingWindows: ONE,
  topK: [1, 2, 2, 2], argMin: ONE, argMax: ONE, embeddingND: ONE, batchedMatmul: ONE_OR_TWO,
  getShape: ONE, loadConstantND: NO_IN, fillLike: ONE, fillStatic: NO_IN, fillDynamic: ONE,
  broadcastToLike: TWO_IN, broadcastToStatic: ONE, broadcastToDynamic: TWO_IN,
  squeeze: ONE, expandDims: ONE, flattenTo2D: ONE, reshapeLike: TWO_IN, reshapeStatic: ONE, reshapeDynamic: TWO_IN,
  rankPreservingReshape: ONE, constantPad: ONE_OR_TWO,
  randomNormalLike: ONE, randomNormalStatic: NO_IN, randomNormalDynamic: ONE,
  randomUniformLike: ONE, randomUniformStatic: NO_IN, randomUniformDynamic: ONE,
  randomBernoulliLike: ONE, randomBernoulliStatic: NO_IN, randomBernoulliDynamic: ONE,
  categoricalDistribution: ONE,
  reduceL1: ONE, reduceL2: ONE, reduceMax: ONE, reduceMin: ONE, reduceSum: ONE, reduceProd: ONE,
  reduceMean: ONE, reduceLogSum: ONE, reduceSumSquare: ONE, reduceLogSumExp: ONE,
  whereNonZero: ONE, matrixBandPart: ONE, lowerTriangular: ONE, upperTriangular: ONE, whereBroadcastable: THREE_IN,
  layerNormalization: ONE, NonMaximumSuppression: [2, 5, 4, 4],
  oneHot: ONE_OR_TWO, cumSum: ONE_OR_TWO, clampedReLU: ONE, argSort: ONE,
  pooling3d: ONE, globalPooling3d: ONE, sliceBySize: TWO_IN, convolution3d: ONE,
};

const bound = (min: number, max: number, what: string): string => {
  const n = max < 0 ? `at least ${min}` : min === max ? `exactly ${min}` : `${min} to ${max}`;
  return `${n} ${what}${min === 1 && max === 1 ? '' : 's'}`;
};

/** A problem with the counts, or undefined when they fit. */
export function arityProblem(type: LayerType, inputs: number, outputs: number): { which: 'input' | 'output'; message: string } | undefined {
  const [minIn, maxIn, minOut, maxOut] = LAYER_ARITY[type];
  if (inputs < minIn || (maxIn >= 0 && inputs > maxIn)) return { which: 'input', message: `${type} takes ${bound(minIn, maxIn, 'input')}, this layer has ${inputs}` };
  if (outputs < minOut || (maxOut >= 0 && outputs > maxOut)) return { which: 'output', message: `${type} gives ${bound(minOut, maxOut, 'output')}, this layer has ${outputs}` };
  return undefined;
}
