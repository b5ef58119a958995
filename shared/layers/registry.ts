// One entry per NeuralNetwork layer type (every member of NeuralNetworkLayer's `layer` oneof):
// display name, colour family, named input and output ports (from which its arity follows), the
// weights it carries, its insertion defaults and how to summarise its parameters. The canvas,
// inspector, palette, validation, surgery and quantization read the same entry, so a type missing
// here fails one test (test/unit/registry.test.ts) and, through the mapped type below, the build.
// The columns that take code live beside this file, each keyed by LayerType: summaries.ts,
// weights.ts, defaults.ts. Two columns live further along the module order, keyed by the same
// LayerType and checked complete by the type checker there: the shape function
// (shared/shapes/layers, LAYER_SHAPES) and the kernel (shared/executor/kernels, a KernelTable);
// importing them here would make layers depend on modules that depend on layers.
//
// Ports follow NeuralNetwork.proto's per-layer comments ("Requires 1 or 2 inputs and produces 1
// output") with the names the proto gives them; recurrent states are named as Netron's Core ML
// metadata names them (h, c, h_rev, c_rev). Where the proto is silent or loose (recurrent layers,
// elementwise max/min/average, custom layers) the counts are those Core ML's validator enforces
// (coremltools mlmodel/src/Validation/NeuralNetwork/NeuralNetworkLayerValidator.cpp): a custom
// layer takes 1 or more inputs and gives 1 or more outputs (validateCustomLayer:
// validateInputCount(layer, 1, -1), validateOutputCount(layer, 1, -1); CustomLayerParams itself
// says nothing about counts).
import type { NeuralNetworkLayer } from '../format';
import { layerTypeOf, type LayerCategory, type LayerParams, type LayerType, type NodeAttribute } from './types';
import { LAYER_DEFAULTS } from './defaults';
import { LAYER_SUMMARIES, summarizeGeneric } from './summaries';
import { LAYER_WEIGHTS, type LayerWeight, type LayerWeightsFn, type WeightContext } from './weights';

export { layerTypeOf, type LayerParams, type LayerType } from './types';
export type { LayerWeight, WeightChannels, WeightContext } from './weights';

export interface LayerArity {
  readonly minInputs: number;
  /** Infinity for variadic layers (concat, add, custom, …). */
  readonly maxInputs: number;
  readonly minOutputs: number;
  readonly maxOutputs: number;
}

/**
 * The inputs (or outputs) of a layer type: `names` in order, the first `required` of them
 * required, the rest optional; a repeated list has one name for any number of ports.
 */
export interface PortList {
  readonly names: readonly string[];
  readonly required: number;
  readonly repeated: boolean;
}

export interface LayerEntry<T extends LayerType = LayerType> {
  readonly type: T;
  /** Full name of the parameter message, e.g. "CoreML.Specification.ConvolutionLayerParams". */
  readonly paramsType: string;
  readonly displayName: string;
  /** Colour family on the canvas (the renderer maps categories to colours). */
  readonly category: Exclude<LayerCategory, 'model'>;
  readonly inputs: PortList;
  readonly outputs: PortList;
  /** How many inputs and outputs the type takes, from its ports. */
  readonly arity: LayerArity;
  /** Parameters a newly inserted layer starts with (frozen; empty for most types). */
  readonly defaults: LayerParams<T>;
  /** Key attributes for the node face. Method syntax: an entry for one type is an entry for any. */
  summarize(params: LayerParams<T>): readonly NodeAttribute[];
  /** Every weight tensor the parameters imply, with its shape and quantization channels. */
  weights(params: LayerParams<T>, context?: WeightContext): readonly LayerWeight[];
}

const all = (...names: string[]): PortList => ({ names, required: names.length, repeated: false });
const opt = (required: number, ...names: string[]): PortList => ({ names, required, repeated: false });
const many = (name: string, required: number): PortList => ({ names: [name], required, repeated: true });
const NONE = all();
const IN = all('input');
const OUT = all('output');
type Ports = readonly [inputs: PortList, outputs: PortList];
const UNARY: Ports = [IN, OUT];
const XY: Ports = [all('x', 'y'), OUT];
/** Comparisons take a second tensor or compare to the scalar alpha (NeuralNetwork.proto). */
const COMPARE: Ports = [opt(1, 'x', 'y'), OUT];
const SOURCE: Ports = [NONE, OUT];

type Row = readonly [paramsType: string, displayName: string, category: LayerEntry['category'], ports: Ports];

/**
 * The table, in schema order. Keys are checked against NeuralNetworkLayer by the mapped type:
 * a layer type added to proto/ (and regenerated) does not compile until it has a row.
 */
const ROWS: { readonly [T in LayerType]: Row } = {
  convolution: ['ConvolutionLayerParams', 'Convolution', 'convolution', [opt(1, 'input', 'weights'), OUT]], // 2nd input: dynamic weights (spec ≥ 4)
  pooling: ['PoolingLayerParams', 'Pooling', 'pooling', UNARY],
  activation: ['ActivationParams', 'Activation', 'activation', UNARY],
  innerProduct: ['InnerProductLayerParams', 'Inner Product', 'layer', UNARY],
  embedding: ['EmbeddingLayerParams', 'Embedding', 'data', UNARY],
  batchnorm: ['BatchnormLayerParams', 'Batch Normalization', 'normalization', UNARY],
  mvn: ['MeanVarianceNormalizeLayerParams', 'Mean Variance Normalization', 'normalization', UNARY],
  l2normalize: ['L2NormalizeLayerParams', 'L2 Normalize', 'normalization', UNARY],
  softmax: ['SoftmaxLayerParams', 'Softmax', 'activation', UNARY],
  lrn: ['LRNLayerParams', 'Local Response Normalization', 'normalization', UNARY],
  crop: ['CropLayerParams', 'Crop', 'shape', [opt(1, 'input', 'reference'), OUT]], // 2nd input: reference shape
  padding: ['PaddingLayerParams', 'Padding', 'shape', UNARY],
  upsample: ['UpsampleLayerParams', 'Upsample', 'shape', UNARY],
  resizeBilinear: ['ResizeBilinearLayerParams', 'Resize Bilinear', 'shape', UNARY],
  cropResize: ['CropResizeLayerParams', 'Crop Resize', 'shape', [all('input', 'boxes'), OUT]], // feature map + boxes
  unary: ['UnaryFunctionLayerParams', 'Unary Function', 'layer', UNARY],
  add: ['AddLayerParams', 'Add', 'layer', [many('inputs', 1), OUT]], // one input: adds alpha
  multiply: ['MultiplyLayerParams', 'Multiply', 'layer', [many('inputs', 1), OUT]], // one input: multiplies by alpha
  average: ['AverageLayerParams', 'Average', 'layer', [many('inputs', 1), OUT]],
  scale: ['ScaleLayerParams', 'Scale', 'layer', UNARY],
  bias: ['BiasLayerParams', 'Bias', 'layer', UNARY],
  max: ['MaxLayerParams', 'Max', 'layer', [many('inputs', 1), OUT]],
  min: ['MinLayerParams', 'Min', 'layer', [many('inputs', 1), OUT]],
  dot: ['DotProductLayerParams', 'Dot Product', 'layer', [all('x1', 'x2'), OUT]],
  reduce: ['ReduceLayerParams', 'Reduce', 'layer', UNARY],
  loadConstant: ['LoadConstantLayerParams', 'Load Constant', 'data', SOURCE],
  reshape: ['ReshapeLayerParams', 'Reshape', 'shape', UNARY],
  flatten: ['FlattenLayerParams', 'Flatten', 'shape', UNARY],
  permute: ['PermuteLayerParams', 'Permute', 'shape', UNARY],
  concat: ['ConcatLayerParams', 'Concat', 'shape', [many('inputs', 2), OUT]],
  split: ['SplitLayerParams', 'Split', 'shape', [IN, many('outputs', 2)]],
  sequenceRepeat: ['SequenceRepeatLayerParams', 'Sequence Repeat', 'shape', UNARY],
  reorganizeData: ['ReorganizeDataLayerParams', 'Reorganize Data', 'shape', UNARY],
  slice: ['SliceLayerParams', 'Slice', 'shape', UNARY],
  // Recurrent layers take optional initial states and return final states (validator counts).
  simpleRecurrent: ['SimpleRecurrentLayerParams', 'Simple Recurrent', 'recurrent', [all('input', 'h'), all('output', 'h')]],
  gru: ['GRULayerParams', 'GRU', 'recurrent', [opt(1, 'input', 'h'), all('output', 'h')]],
  uniDirectionalLSTM: ['UniDirectionalLSTMLayerParams', 'Unidirectional LSTM', 'recurrent', [opt(1, 'input', 'h', 'c'), all('output', 'h', 'c')]],
  biDirectionalLSTM: ['BiDirectionalLSTMLayerParams', 'Bidirectional LSTM', 'recurrent', [opt(1, 'input', 'h', 'c', 'h_rev', 'c_rev'), all('output', 'h', 'c', 'h_rev', 'c_rev')]],
  custom: ['CustomLayerParams', 'Custom', 'custom', [many('inputs', 1), many('outputs', 1)]],
  copy: ['CopyLayerParams', 'Copy', 'control', UNARY],
  branch: ['BranchLayerParams', 'Branch', 'control', [all('condition'), NONE]], // input: the condition
  loop: ['LoopLayerParams', 'Loop', 'control', [opt(0, 'maxIterations'), NONE]], // input: the iteration count
  loopBreak: ['LoopBreakLayerParams', 'Loop Break', 'control', [NONE, NONE]],
  loopContinue: ['LoopContinueLayerParams', 'Loop Continue', 'control', [NONE, NONE]],
  rangeStatic: ['RangeStaticLayerParams', 'Range Static', 'data', SOURCE],
  rangeDynamic: ['RangeDynamicLayerParams', 'Range Dynamic', 'data', [opt(1, 'end', 'start', 'step'), OUT]], // end, start, step
  clip: ['ClipLayerParams', 'Clip', 'layer', UNARY],
  ceil: ['CeilLayerParams', 'Ceil', 'layer', UNARY],
  floor: ['FloorLayerParams', 'Floor', 'layer', UNARY],
  sign: ['SignLayerParams', 'Sign', 'layer', UNARY],
  round: ['RoundLayerParams', 'Round', 'layer', UNARY],
  exp2: ['Exp2LayerParams', 'Exp2', 'layer', UNARY],
  sin: ['SinLayerParams', 'Sin', 'layer', UNARY],
  cos: ['CosLayerParams', 'Cos', 'layer', UNARY],
  tan: ['TanLayerParams', 'Tan', 'layer', UNARY],
  asin: ['AsinLayerParams', 'Asin', 'layer', UNARY],
  acos: ['AcosLayerParams', 'Acos', 'layer', UNARY],
  atan: ['AtanLayerParams', 'Atan', 'layer', UNARY],
  sinh: ['SinhLayerParams', 'Sinh', 'layer', UNARY],
  cosh: ['CoshLayerParams', 'Cosh', 'layer', UNARY],
  tanh: ['TanhLayerParams', 'Tanh', 'activation', UNARY],
  asinh: ['AsinhLayerParams', 'Asinh', 'layer', UNARY],
  acosh: ['AcoshLayerParams', 'Acosh', 'layer', UNARY],
  atanh: ['AtanhLayerParams', 'Atanh', 'layer', UNARY],
  erf: ['ErfLayerParams', 'Erf', 'layer', UNARY],
  gelu: ['GeluLayerParams', 'GELU', 'activation', UNARY],
  equal: ['EqualLayerParams', 'Equal', 'layer', COMPARE],
  notEqual: ['NotEqualLayerParams', 'Not Equal', 'layer', COMPARE],
  lessThan: ['LessThanLayerParams', 'Less Than', 'layer', COMPARE],
  lessEqual: ['LessEqualLayerParams', 'Less Equal', 'layer', COMPARE],
  greaterThan: ['GreaterThanLayerParams', 'Greater Than', 'layer', COMPARE],
  greaterEqual: ['GreaterEqualLayerParams', 'Greater Equal', 'layer', COMPARE],
  logicalOr: ['LogicalOrLayerParams', 'Logical Or', 'layer', XY],
  logicalXor: ['LogicalXorLayerParams', 'Logical Xor', 'layer', XY],
  logicalNot: ['LogicalNotLayerParams', 'Logical Not', 'layer', UNARY],
  logicalAnd: ['LogicalAndLayerParams', 'Logical And', 'layer', XY],
  modBroadcastable: ['ModBroadcastableLayerParams', 'Mod Broadcastable', 'layer', XY],
  minBroadcastable: ['MinBroadcastableLayerParams', 'Min Broadcastable', 'layer', XY],
  maxBroadcastable: ['MaxBroadcastableLayerParams', 'Max Broadcastable', 'layer', XY],
  addBroadcastable: ['AddBroadcastableLayerParams', 'Add Broadcastable', 'layer', XY],
  powBroadcastable: ['PowBroadcastableLayerParams', 'Pow Broadcastable', 'layer', XY],
  divideBroadcastable: ['DivideBroadcastableLayerParams', 'Divide Broadcastable', 'layer', XY],
  floorDivBroadcastable: ['FloorDivBroadcastableLayerParams', 'Floor Div Broadcastable', 'layer', XY],
  multiplyBroadcastable: ['MultiplyBroadcastableLayerParams', 'Multiply Broadcastable', 'layer', XY],
  subtractBroadcastable: ['SubtractBroadcastableLayerParams', 'Subtract Broadcastable', 'layer', XY],
  tile: ['TileLayerParams', 'Tile', 'shape', [opt(1, 'input', 'reps'), OUT]], // 2nd input: reps
  stack: ['StackLayerParams', 'Stack', 'shape', [many('inputs', 2), OUT]],
  gather: ['GatherLayerParams', 'Gather', 'data', [all('data', 'indices'), OUT]], // data, indices
  scatter: ['ScatterLayerParams', 'Scatter', 'data', [all('data', 'indices', 'updates'), OUT]], // container, indices, updates
  gatherND: ['GatherNDLayerParams', 'Gather ND', 'data', [all('data', 'indices'), OUT]],
  scatterND: ['ScatterNDLayerParams', 'Scatter ND', 'data', [all('data', 'indices', 'updates'), OUT]],
  softmaxND: ['SoftmaxNDLayerParams', 'Softmax ND', 'activation', UNARY],
  gatherAlongAxis: ['GatherAlongAxisLayerParams', 'Gather Along Axis', 'data', [all('data', 'indices'), OUT]],
  scatterAlongAxis: ['ScatterAlongAxisLayerParams', 'Scatter Along Axis', 'data', [all('data', 'indices', 'updates'), OUT]],
  reverse: ['ReverseLayerParams', 'Reverse', 'shape', UNARY],
  reverseSeq: ['ReverseSeqLayerParams', 'Reverse Sequence', 'shape', [all('input', 'lengths'), OUT]], // data, sequence lengths
  splitND: ['SplitNDLayerParams', 'Split ND', 'shape', [IN, many('outputs', 2)]],
  concatND: ['ConcatNDLayerParams', 'Concat ND', 'shape', [many('inputs', 2), OUT]],
  transpose: ['TransposeLayerParams', 'Transpose', 'shape', UNARY],
  sliceStatic: ['SliceStaticLayerParams', 'Slice Static', 'shape', UNARY],
  // Data, then begin ids and optionally end ids, strides, begin/end/squeeze masks.
  sliceDynamic: ['SliceDynamicLayerParams', 'Slice Dynamic', 'shape', [opt(2, 'input', 'beginIds', 'endIds', 'strides', 'beginMasks', 'endMasks', 'squeezeMasks'), OUT]],
  slidingWindows: ['SlidingWindowsLayerParams', 'Sliding Windows', 'shape', UNARY],
  topK: ['TopKLayerParams', 'Top K', 'layer', [opt(1, 'input', 'k'), all('values', 'indices')]], // 2nd input: K; outputs values, indices
  argMin: ['ArgMinLayerParams', 'Arg Min', 'layer', UNARY],
  argMax: ['ArgMaxLayerParams', 'Arg Max', 'layer', UNARY],
  embeddingND: ['EmbeddingNDLayerParams', 'Embedding ND', 'data', UNARY],
  batchedMatmul: ['BatchedMatMulLayerParams', 'Batched MatMul', 'layer', [opt(1, 'a', 'b'), OUT]], // one input: weights from params
  getShape: ['GetShapeLayerParams', 'Get Shape', 'shape', UNARY],
  loadConstantND: ['LoadConstantNDLayerParams', 'Load Constant ND', 'data', SOURCE],
  fillLike: ['FillLikeLayerParams', 'Fill Like', 'data', UNARY],
  fillStatic: ['FillStaticLayerParams', 'Fill Static', 'data', SOURCE],
  fillDynamic: ['FillDynamicLayerParams', 'Fill Dynamic', 'data', [all('shape'), OUT]],
  broadcastToLike: ['BroadcastToLikeLayerParams', 'Broadcast To Like', 'shape', [all('input', 'reference'), OUT]],
  broadcastToStatic: ['BroadcastToStaticLayerParams', 'Broadcast To Static', 'shape', UNARY],
  broadcastToDynamic: ['BroadcastToDynamicLayerParams', 'Broadcast To Dynamic', 'shape', [all('input', 'shape'), OUT]],
  squeeze: ['SqueezeLayerParams', 'Squeeze', 'shape', UNARY],
  expandDims: ['ExpandDimsLayerParams', 'Expand Dims', 'shape', UNARY],
  flattenTo2D: ['FlattenTo2DLayerParams', 'Flatten To 2D', 'shape', UNARY],
  reshapeLike: ['ReshapeLikeLayerParams', 'Reshape Like', 'shape', [all('input', 'reference'), OUT]],
  reshapeStatic: ['ReshapeStaticLayerParams', 'Reshape Static', 'shape', UNARY],
  reshapeDynamic: ['ReshapeDynamicLayerParams', 'Reshape Dynamic', 'shape', [all('input', 'shape'), OUT]],
  rankPreservingReshape: ['RankPreservingReshapeLayerParams', 'Rank Preserving Reshape', 'shape', UNARY],
  constantPad: ['ConstantPaddingLayerParams', 'Constant Pad', 'shape', [opt(1, 'input', 'padAmounts'), OUT]], // 2nd input: pad amounts
  randomNormalLike: ['RandomNormalLikeLayerParams', 'Random Normal Like', 'data', UNARY],
  randomNormalStatic: ['RandomNormalStaticLayerParams', 'Random Normal Static', 'data', SOURCE],
  randomNormalDynamic: ['RandomNormalDynamicLayerParams', 'Random Normal Dynamic', 'data', [all('shape'), OUT]],
  randomUniformLike: ['RandomUniformLikeLayerParams', 'Random Uniform Like', 'data', UNARY],
  randomUniformStatic: ['RandomUniformStaticLayerParams', 'Random Uniform Static', 'data', SOURCE],
  randomUniformDynamic: ['RandomUniformDynamicLayerParams', 'Random Uniform Dynamic', 'data', [all('shape'), OUT]],
  randomBernoulliLike: ['RandomBernoulliLikeLayerParams', 'Random Bernoulli Like', 'data', UNARY],
  randomBernoulliStatic: ['RandomBernoulliStaticLayerParams', 'Random Bernoulli Static', 'data', SOURCE],
  randomBernoulliDynamic: ['RandomBernoulliDynamicLayerParams', 'Random Bernoulli Dynamic', 'data', [all('shape'), OUT]],
  categoricalDistribution: ['CategoricalDistributionLayerParams', 'Categorical Distribution', 'data', UNARY],
  reduceL1: ['ReduceL1LayerParams', 'Reduce L1', 'layer', UNARY],
  reduceL2: ['ReduceL2LayerParams', 'Reduce L2', 'layer', UNARY],
  reduceMax: ['ReduceMaxLayerParams', 'Reduce Max', 'layer', UNARY],
  reduceMin: ['ReduceMinLayerParams', 'Reduce Min', 'layer', UNARY],
  reduceSum: ['ReduceSumLayerParams', 'Reduce Sum', 'layer', UNARY],
  reduceProd: ['ReduceProdLayerParams', 'Reduce Prod', 'layer', UNARY],
  reduceMean: ['ReduceMeanLayerParams', 'Reduce Mean', 'layer', UNARY],
  reduceLogSum: ['ReduceLogSumLayerParams', 'Reduce Log Sum', 'layer', UNARY],
  reduceSumSquare: ['ReduceSumSquareLayerParams', 'Reduce Sum Square', 'layer', UNARY],
  reduceLogSumExp: ['ReduceLogSumExpLayerParams', 'Reduce Log Sum Exp', 'layer', UNARY],
  whereNonZero: ['WhereNonZeroLayerParams', 'Where Non-Zero', 'data', UNARY],
  matrixBandPart: ['MatrixBandPartLayerParams', 'Matrix Band Part', 'layer', UNARY],
  lowerTriangular: ['LowerTriangularLayerParams', 'Lower Triangular', 'layer', UNARY],
  upperTriangular: ['UpperTriangularLayerParams', 'Upper Triangular', 'layer', UNARY],
  whereBroadcastable: ['WhereBroadcastableLayerParams', 'Where Broadcastable', 'layer', [all('condition', 'x', 'y'), OUT]], // condition, x, y
  layerNormalization: ['LayerNormalizationLayerParams', 'Layer Normalization', 'normalization', UNARY],
  // Boxes and scores, then optional IoU threshold, score threshold and max boxes; 4 outputs.
  NonMaximumSuppression: ['NonMaximumSuppressionLayerParams', 'Non-Maximum Suppression', 'layer', [opt(2, 'boxes', 'scores', 'iouThreshold', 'scoreThreshold', 'maxBoxes'), all('boxes', 'scores', 'indices', 'numBoxes')]],
  oneHot: ['OneHotLayerParams', 'One Hot', 'data', [opt(1, 'indices', 'oneHotVectorSize'), OUT]], // 2nd input: vector size
  cumSum: ['CumSumLayerParams', 'Cumulative Sum', 'layer', [opt(1, 'input', 'axis'), OUT]], // 2nd input: axis
  clampedReLU: ['ClampedReLULayerParams', 'Clamped ReLU', 'activation', UNARY],
  argSort: ['ArgSortLayerParams', 'Arg Sort', 'layer', UNARY],
  pooling3d: ['Pooling3DLayerParams', 'Pooling 3D', 'pooling', UNARY],
  globalPooling3d: ['GlobalPooling3DLayerParams', 'Global Pooling 3D', 'pooling', UNARY],
  sliceBySize: ['SliceBySizeLayerParams', 'Slice By Size', 'shape', [all('input', 'begin'), OUT]], // data, begin index
  convolution3d: ['Convolution3DLayerParams', 'Convolution 3D', 'convolution', UNARY],
};

/** Typed views of the columns kept beside this file: each must accept its type's parameters. */
const SUMMARIES: { readonly [T in LayerType]?: (params: LayerParams<T>) => readonly NodeAttribute[] } = LAYER_SUMMARIES;
const WEIGHTS: { readonly [T in LayerType]?: LayerWeightsFn<T> } = LAYER_WEIGHTS;
const DEFAULTS: { readonly [T in LayerType]?: LayerParams<T> } = LAYER_DEFAULTS;

const deepFreeze = <V>(v: V): V => {
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
};

const arityOf = (list: PortList): [number, number] => [list.required, list.repeated ? Infinity : list.names.length];

function makeEntry<T extends LayerType>(type: T, [short, displayName, category, [inputs, outputs]]: Row): LayerEntry<T> {
  const paramsType = `CoreML.Specification.${short}`;
  const own = SUMMARIES[type];
  const weights = WEIGHTS[type];
  const [minInputs, maxInputs] = arityOf(inputs);
  const [minOutputs, maxOutputs] = arityOf(outputs);
  return Object.freeze({
    type, paramsType, displayName, category,
    inputs: deepFreeze(inputs), outputs: deepFreeze(outputs),
    arity: Object.freeze({ minInputs, maxInputs, minOutputs, maxOutputs }),
    defaults: deepFreeze((DEFAULTS[type] ?? {}) as LayerParams<T>),
    summarize: own ?? ((params: LayerParams<T>) => summarizeGeneric(paramsType, params)),
    weights: (params: LayerParams<T>, context: WeightContext = { inputs: 1 }) => (weights ? weights(params, context) : []),
  });
}

// Marked pure so a bundle that imports only layerTypeOf from layers/ (the executor worker) can
// drop the table: the bundler cannot tell on its own that building it has no side effects.
const REGISTRY = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Object.fromEntries(/* @__PURE__ */ Object.entries(ROWS).map(([type, row]) => [type, makeEntry(type as LayerType, row)])),
) as { readonly [T in LayerType]: LayerEntry<T> };

/** Every layer type, in schema order. */
export const ALL_LAYER_TYPES: readonly LayerType[] = Object.freeze(Object.keys(ROWS) as LayerType[]);

/** The registry entry for a layer type name; undefined for a name that is not a layer type. */
export function layerEntry<T extends LayerType>(type: T): LayerEntry<T>;
export function layerEntry(type: string): LayerEntry | undefined;
export function layerEntry(type: string): LayerEntry | undefined {
  return Object.prototype.hasOwnProperty.call(REGISTRY, type) ? (REGISTRY as Record<string, LayerEntry>)[type] : undefined;
}


/** The node-face attributes of a layer, from its registry entry. */
export function summarizeLayer(layer: NeuralNetworkLayer): readonly NodeAttribute[] {
  const type = layerTypeOf(layer);
  if (!type) return [];
  const entry: LayerEntry = layerEntry(type);
  return entry.summarize(layer[type] as never);
}

/** The name of input (or output) `index` of a layer type: "h", "inputs[2]". */
export function portName(list: PortList, index: number): string | undefined {
  if (list.repeated) return `${list.names[0]}[${index}]`;
  return list.names[index];
}

const bound = (min: number, max: number, what: string): string => {
  const n = max === Infinity ? `at least ${min}` : min === max ? `exactly ${min}` : `${min} to ${max}`;
  return `${n} ${what}${min === 1 && (max === 1 || max === Infinity) ? '' : 's'}`;
};

/** A problem with a layer's input or output count, or undefined when they fit its entry. */
export function arityProblem(type: LayerType, inputs: number, outputs: number): { which: 'input' | 'output'; message: string } | undefined {
  const { minInputs, maxInputs, minOutputs, maxOutputs } = layerEntry(type).arity;
  if (inputs < minInputs || inputs > maxInputs) return { which: 'input', message: `${type} takes ${bound(minInputs, maxInputs, 'input')}, this layer has ${inputs}` };
  if (outputs < minOutputs || outputs > maxOutputs) return { which: 'output', message: `${type} gives ${bound(minOutputs, maxOutputs, 'output')}, this layer has ${outputs}` };
  return undefined;
}

/** The weights of a layer, from its registry entry (none for a layer with no type set). */
export function layerWeights(layer: NeuralNetworkLayer): readonly LayerWeight[] {
  const type = layerTypeOf(layer);
  const params = type && layer[type];
  if (!type || !params) return [];
  const entry: LayerEntry = layerEntry(type);
  return entry.weights(params, { inputs: layer.input?.length ?? 0 });
}
