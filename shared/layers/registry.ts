// One entry per NeuralNetwork layer type (every member of NeuralNetworkLayer's `layer` oneof):
// display name, colour family, how many inputs and outputs it takes and how to summarise its
// parameters. The canvas, inspector, palette and validation read the same entry, so a type missing
// here fails one test (test/unit/registry.test.ts) and, through the mapped type below, the build.
//
// Arity follows NeuralNetwork.proto's per-layer comments ("Requires 1 or 2 inputs and produces 1
// output"); where the proto is silent or loose (recurrent layers, elementwise max/min/average,
// custom layers) it follows the counts Core ML's validator enforces
// (coremltools mlmodel/src/Validation/NeuralNetwork/NeuralNetworkLayerValidator.cpp).
import type { NeuralNetworkLayer } from '../format/schema/types.generated';
import { layerTypeOf, type LayerParams, type LayerType } from './types';
import type { LayerCategory, NodeAttribute } from '../graph/types';
import { LAYER_SUMMARIES, summarizeGeneric } from './summaries';

export { layerTypeOf, type LayerParams, type LayerType } from './types';


export interface LayerArity {
  readonly minInputs: number;
  /** Infinity for variadic layers (concat, add, custom, …). */
  readonly maxInputs: number;
  readonly minOutputs: number;
  readonly maxOutputs: number;
}

export interface LayerEntry<T extends LayerType = LayerType> {
  readonly type: T;
  /** Full name of the parameter message, e.g. "CoreML.Specification.ConvolutionLayerParams". */
  readonly paramsType: string;
  readonly displayName: string;
  /** Colour family on the canvas (the renderer maps categories to colours). */
  readonly category: Exclude<LayerCategory, 'model'>;
  readonly arity: LayerArity;
  /** Key attributes for the node face. Method syntax: an entry for one type is an entry for any. */
  summarize(params: LayerParams<T>): readonly NodeAttribute[];
}

const V = Infinity;
const io = (minInputs: number, maxInputs: number, minOutputs = 1, maxOutputs = minOutputs): LayerArity =>
  ({ minInputs, maxInputs, minOutputs, maxOutputs });
const UNARY = io(1, 1);
const BINARY = io(2, 2);
/** Comparisons take a second tensor or compare to the scalar alpha (NeuralNetwork.proto). */
const COMPARE = io(1, 2);
const NULLARY = io(0, 0, 0, 0);

type Row = readonly [paramsType: string, displayName: string, category: LayerEntry['category'], arity: LayerArity];

/**
 * The table, in schema order. Keys are checked against NeuralNetworkLayer by the mapped type:
 * a layer type added to proto/ (and regenerated) does not compile until it has a row.
 */
const ROWS: { readonly [T in LayerType]: Row } = {
  convolution: ['ConvolutionLayerParams', 'Convolution', 'convolution', io(1, 2)], // 2nd input: dynamic weights (spec ≥ 4)
  pooling: ['PoolingLayerParams', 'Pooling', 'pooling', UNARY],
  activation: ['ActivationParams', 'Activation', 'activation', UNARY],
  innerProduct: ['InnerProductLayerParams', 'Inner Product', 'layer', UNARY],
  embedding: ['EmbeddingLayerParams', 'Embedding', 'data', UNARY],
  batchnorm: ['BatchnormLayerParams', 'Batch Normalization', 'normalization', UNARY],
  mvn: ['MeanVarianceNormalizeLayerParams', 'Mean Variance Normalization', 'normalization', UNARY],
  l2normalize: ['L2NormalizeLayerParams', 'L2 Normalize', 'normalization', UNARY],
  softmax: ['SoftmaxLayerParams', 'Softmax', 'activation', UNARY],
  lrn: ['LRNLayerParams', 'Local Response Normalization', 'normalization', UNARY],
  crop: ['CropLayerParams', 'Crop', 'shape', io(1, 2)], // 2nd input: reference shape
  padding: ['PaddingLayerParams', 'Padding', 'shape', UNARY],
  upsample: ['UpsampleLayerParams', 'Upsample', 'shape', UNARY],
  resizeBilinear: ['ResizeBilinearLayerParams', 'Resize Bilinear', 'shape', UNARY],
  cropResize: ['CropResizeLayerParams', 'Crop Resize', 'shape', BINARY], // feature map + boxes
  unary: ['UnaryFunctionLayerParams', 'Unary Function', 'layer', UNARY],
  add: ['AddLayerParams', 'Add', 'layer', io(1, V)], // one input: adds alpha
  multiply: ['MultiplyLayerParams', 'Multiply', 'layer', io(1, V)], // one input: multiplies by alpha
  average: ['AverageLayerParams', 'Average', 'layer', io(1, V)],
  scale: ['ScaleLayerParams', 'Scale', 'layer', UNARY],
  bias: ['BiasLayerParams', 'Bias', 'layer', UNARY],
  max: ['MaxLayerParams', 'Max', 'layer', io(1, V)],
  min: ['MinLayerParams', 'Min', 'layer', io(1, V)],
  dot: ['DotProductLayerParams', 'Dot Product', 'layer', BINARY],
  reduce: ['ReduceLayerParams', 'Reduce', 'layer', UNARY],
  loadConstant: ['LoadConstantLayerParams', 'Load Constant', 'data', io(0, 0)],
  reshape: ['ReshapeLayerParams', 'Reshape', 'shape', UNARY],
  flatten: ['FlattenLayerParams', 'Flatten', 'shape', UNARY],
  permute: ['PermuteLayerParams', 'Permute', 'shape', UNARY],
  concat: ['ConcatLayerParams', 'Concat', 'shape', io(2, V)],
  split: ['SplitLayerParams', 'Split', 'shape', io(1, 1, 2, V)],
  sequenceRepeat: ['SequenceRepeatLayerParams', 'Sequence Repeat', 'shape', UNARY],
  reorganizeData: ['ReorganizeDataLayerParams', 'Reorganize Data', 'shape', UNARY],
  slice: ['SliceLayerParams', 'Slice', 'shape', UNARY],
  // Recurrent layers take optional initial states and return final states (validator counts).
  simpleRecurrent: ['SimpleRecurrentLayerParams', 'Simple Recurrent', 'recurrent', io(2, 2, 2, 2)],
  gru: ['GRULayerParams', 'GRU', 'recurrent', io(1, 2, 2, 2)],
  uniDirectionalLSTM: ['UniDirectionalLSTMLayerParams', 'Unidirectional LSTM', 'recurrent', io(1, 3, 3, 3)],
  biDirectionalLSTM: ['BiDirectionalLSTMLayerParams', 'Bidirectional LSTM', 'recurrent', io(1, 5, 5, 5)],
  custom: ['CustomLayerParams', 'Custom', 'custom', io(1, V, 1, V)],
  copy: ['CopyLayerParams', 'Copy', 'control', UNARY],
  branch: ['BranchLayerParams', 'Branch', 'control', io(1, 1, 0, 0)], // input: the condition
  loop: ['LoopLayerParams', 'Loop', 'control', io(0, 1, 0, 0)], // input: the iteration count
  loopBreak: ['LoopBreakLayerParams', 'Loop Break', 'control', NULLARY],
  loopContinue: ['LoopContinueLayerParams', 'Loop Continue', 'control', NULLARY],
  rangeStatic: ['RangeStaticLayerParams', 'Range Static', 'data', io(0, 0)],
  rangeDynamic: ['RangeDynamicLayerParams', 'Range Dynamic', 'data', io(1, 3)], // end, start, step
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
  logicalOr: ['LogicalOrLayerParams', 'Logical Or', 'layer', BINARY],
  logicalXor: ['LogicalXorLayerParams', 'Logical Xor', 'layer', BINARY],
  logicalNot: ['LogicalNotLayerParams', 'Logical Not', 'layer', UNARY],
  logicalAnd: ['LogicalAndLayerParams', 'Logical And', 'layer', BINARY],
  modBroadcastable: ['ModBroadcastableLayerParams', 'Mod Broadcastable', 'layer', BINARY],
  minBroadcastable: ['MinBroadcastableLayerParams', 'Min Broadcastable', 'layer', BINARY],
  maxBroadcastable: ['MaxBroadcastableLayerParams', 'Max Broadcastable', 'layer', BINARY],
  addBroadcastable: ['AddBroadcastableLayerParams', 'Add Broadcastable', 'layer', BINARY],
  powBroadcastable: ['PowBroadcastableLayerParams', 'Pow Broadcastable', 'layer', BINARY],
  divideBroadcastable: ['DivideBroadcastableLayerParams', 'Divide Broadcastable', 'layer', BINARY],
  floorDivBroadcastable: ['FloorDivBroadcastableLayerParams', 'Floor Div Broadcastable', 'layer', BINARY],
  multiplyBroadcastable: ['MultiplyBroadcastableLayerParams', 'Multiply Broadcastable', 'layer', BINARY],
  subtractBroadcastable: ['SubtractBroadcastableLayerParams', 'Subtract Broadcastable', 'layer', BINARY],
  tile: ['TileLayerParams', 'Tile', 'shape', io(1, 2)], // 2nd input: reps
  stack: ['StackLayerParams', 'Stack', 'shape', io(2, V)],
  gather: ['GatherLayerParams', 'Gather', 'data', BINARY], // data, indices
  scatter: ['ScatterLayerParams', 'Scatter', 'data', io(3, 3)], // container, indices, updates
  gatherND: ['GatherNDLayerParams', 'Gather ND', 'data', BINARY],
  scatterND: ['ScatterNDLayerParams', 'Scatter ND', 'data', io(3, 3)],
  softmaxND: ['SoftmaxNDLayerParams', 'Softmax ND', 'activation', UNARY],
  gatherAlongAxis: ['GatherAlongAxisLayerParams', 'Gather Along Axis', 'data', BINARY],
  scatterAlongAxis: ['ScatterAlongAxisLayerParams', 'Scatter Along Axis', 'data', io(3, 3)],
  reverse: ['ReverseLayerParams', 'Reverse', 'shape', UNARY],
  reverseSeq: ['ReverseSeqLayerParams', 'Reverse Sequence', 'shape', BINARY], // data, sequence lengths
  splitND: ['SplitNDLayerParams', 'Split ND', 'shape', io(1, 1, 2, V)],
  concatND: ['ConcatNDLayerParams', 'Concat ND', 'shape', io(2, V)],
  transpose: ['TransposeLayerParams', 'Transpose', 'shape', UNARY],
  sliceStatic: ['SliceStaticLayerParams', 'Slice Static', 'shape', UNARY],
  // Data, then begin ids and optionally end ids, strides, begin/end/squeeze masks.
  sliceDynamic: ['SliceDynamicLayerParams', 'Slice Dynamic', 'shape', io(2, 7)],
  slidingWindows: ['SlidingWindowsLayerParams', 'Sliding Windows', 'shape', UNARY],
  topK: ['TopKLayerParams', 'Top K', 'layer', io(1, 2, 2, 2)], // 2nd input: K; outputs values, indices
  argMin: ['ArgMinLayerParams', 'Arg Min', 'layer', UNARY],
  argMax: ['ArgMaxLayerParams', 'Arg Max', 'layer', UNARY],
  embeddingND: ['EmbeddingNDLayerParams', 'Embedding ND', 'data', UNARY],
  batchedMatmul: ['BatchedMatMulLayerParams', 'Batched MatMul', 'layer', io(1, 2)], // one input: weights from params
  getShape: ['GetShapeLayerParams', 'Get Shape', 'shape', UNARY],
  loadConstantND: ['LoadConstantNDLayerParams', 'Load Constant ND', 'data', io(0, 0)],
  fillLike: ['FillLikeLayerParams', 'Fill Like', 'data', UNARY],
  fillStatic: ['FillStaticLayerParams', 'Fill Static', 'data', io(0, 0)],
  fillDynamic: ['FillDynamicLayerParams', 'Fill Dynamic', 'data', UNARY],
  broadcastToLike: ['BroadcastToLikeLayerParams', 'Broadcast To Like', 'shape', BINARY],
  broadcastToStatic: ['BroadcastToStaticLayerParams', 'Broadcast To Static', 'shape', UNARY],
  broadcastToDynamic: ['BroadcastToDynamicLayerParams', 'Broadcast To Dynamic', 'shape', BINARY],
  squeeze: ['SqueezeLayerParams', 'Squeeze', 'shape', UNARY],
  expandDims: ['ExpandDimsLayerParams', 'Expand Dims', 'shape', UNARY],
  flattenTo2D: ['FlattenTo2DLayerParams', 'Flatten To 2D', 'shape', UNARY],
  reshapeLike: ['ReshapeLikeLayerParams', 'Reshape Like', 'shape', BINARY],
  reshapeStatic: ['ReshapeStaticLayerParams', 'Reshape Static', 'shape', UNARY],
  reshapeDynamic: ['ReshapeDynamicLayerParams', 'Reshape Dynamic', 'shape', BINARY],
  rankPreservingReshape: ['RankPreservingReshapeLayerParams', 'Rank Preserving Reshape', 'shape', UNARY],
  constantPad: ['ConstantPaddingLayerParams', 'Constant Pad', 'shape', io(1, 2)], // 2nd input: pad amounts
  randomNormalLike: ['RandomNormalLikeLayerParams', 'Random Normal Like', 'data', UNARY],
  randomNormalStatic: ['RandomNormalStaticLayerParams', 'Random Normal Static', 'data', io(0, 0)],
  randomNormalDynamic: ['RandomNormalDynamicLayerParams', 'Random Normal Dynamic', 'data', UNARY],
  randomUniformLike: ['RandomUniformLikeLayerParams', 'Random Uniform Like', 'data', UNARY],
  randomUniformStatic: ['RandomUniformStaticLayerParams', 'Random Uniform Static', 'data', io(0, 0)],
  randomUniformDynamic: ['RandomUniformDynamicLayerParams', 'Random Uniform Dynamic', 'data', UNARY],
  randomBernoulliLike: ['RandomBernoulliLikeLayerParams', 'Random Bernoulli Like', 'data', UNARY],
  randomBernoulliStatic: ['RandomBernoulliStaticLayerParams', 'Random Bernoulli Static', 'data', io(0, 0)],
  randomBernoulliDynamic: ['RandomBernoulliDynamicLayerParams', 'Random Bernoulli Dynamic', 'data', UNARY],
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
  whereBroadcastable: ['WhereBroadcastableLayerParams', 'Where Broadcastable', 'layer', io(3, 3)], // condition, x, y
  layerNormalization: ['LayerNormalizationLayerParams', 'Layer Normalization', 'normalization', UNARY],
  // Boxes and scores, then optional IoU threshold, score threshold and max boxes; 4 outputs.
  NonMaximumSuppression: ['NonMaximumSuppressionLayerParams', 'Non-Maximum Suppression', 'layer', io(2, 5, 4, 4)],
  oneHot: ['OneHotLayerParams', 'One Hot', 'data', io(1, 2)], // 2nd input: vector size
  cumSum: ['CumSumLayerParams', 'Cumulative Sum', 'layer', io(1, 2)], // 2nd input: axis
  clampedReLU: ['ClampedReLULayerParams', 'Clamped ReLU', 'activation', UNARY],
  argSort: ['ArgSortLayerParams', 'Arg Sort', 'layer', UNARY],
  pooling3d: ['Pooling3DLayerParams', 'Pooling 3D', 'pooling', UNARY],
  globalPooling3d: ['GlobalPooling3DLayerParams', 'Global Pooling 3D', 'pooling', UNARY],
  sliceBySize: ['SliceBySizeLayerParams', 'Slice By Size', 'shape', BINARY], // data, begin index
  convolution3d: ['Convolution3DLayerParams', 'Convolution 3D', 'convolution', UNARY],
};

/** Typed view of the hand-written summaries: each must accept its layer type's parameters. */
const SUMMARIES: { readonly [T in LayerType]?: (params: LayerParams<T>) => readonly NodeAttribute[] } = LAYER_SUMMARIES;

function makeEntry<T extends LayerType>(type: T, [short, displayName, category, arity]: Row): LayerEntry<T> {
  const paramsType = `CoreML.Specification.${short}`;
  const own = SUMMARIES[type] as ((params: LayerParams<T>) => readonly NodeAttribute[]) | undefined;
  return Object.freeze({
    type, paramsType, displayName, category, arity,
    summarize: own ?? ((params: LayerParams<T>) => summarizeGeneric(paramsType, params)),
  });
}

const REGISTRY = Object.freeze(
  Object.fromEntries(Object.entries(ROWS).map(([type, row]) => [type, makeEntry(type as LayerType, row)])),
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
