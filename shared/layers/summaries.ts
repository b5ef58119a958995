// The key attributes of a NeuralNetwork layer for its node face, Netron-style: what a person
// scanning the canvas wants to see (kernel, stride, output channels, activation function, target
// shape …). Defaults come from NeuralNetwork.proto: proto3 leaves default values off the wire, so
// an absent kernelSize means the documented [3, 3], an absent nGroups means 1, and so on.
import {
  MESSAGES, whichOneof, type ActivationParams, type ArgMaxLayerParams, type ArgSortLayerParams,
  type BatchedMatMulLayerParams, type BatchnormLayerParams, type BiDirectionalLSTMLayerParams, type BiasLayerParams,
  type BorderAmounts, type BranchLayerParams, type ClipLayerParams, type ConcatLayerParams, type ConcatNDLayerParams,
  type ConstantPaddingLayerParams, type Convolution3DLayerParams, type ConvolutionLayerParams, type CropLayerParams,
  type CropResizeLayerParams, type CumSumLayerParams, type CustomLayerParams, type EmbeddingLayerParams,
  type EmbeddingNDLayerParams, type FlattenLayerParams, type GRULayerParams, type GatherLayerParams,
  type GlobalPooling3DLayerParams, type InnerProductLayerParams, type L2NormalizeLayerParams, type LRNLayerParams,
  type LayerNormalizationLayerParams, type LoadConstantLayerParams, type LoopLayerParams,
  type MeanVarianceNormalizeLayerParams, type NonMaximumSuppressionLayerParams, type OneHotLayerParams,
  type PaddingLayerParams, type PermuteLayerParams, type Pooling3DLayerParams, type PoolingLayerParams,
  type ReduceLayerParams, type ReduceSumLayerParams, type ReorganizeDataLayerParams, type ReshapeLayerParams,
  type ResizeBilinearLayerParams, type ScaleLayerParams, type ScatterLayerParams, type SimpleRecurrentLayerParams,
  type SliceLayerParams, type SliceStaticLayerParams, type SoftmaxNDLayerParams, type SplitLayerParams,
  type SplitNDLayerParams, type SqueezeLayerParams, type StackLayerParams, type TileLayerParams, type TopKLayerParams,
  type TransposeLayerParams, type UnaryFunctionLayerParams, type UniDirectionalLSTMLayerParams,
  type UpsampleLayerParams, type WeightParams,
} from '../format';
import type { NodeAttribute } from './types';
import { AttributeList, enumLabel, formatDims, formatList, weightCount } from './format';

const SPEC = 'CoreML.Specification.';
const nums = (v: readonly number[] | undefined): readonly number[] => (v ?? []).map(Number);

/** "valid", "same", "valid [1, 1, 1, 1]" (top, bottom, left, right when any amount is set). */
function paddingKind(p: { valid?: { paddingAmounts?: BorderAmounts }; same?: { asymmetryMode?: number } }): string | undefined {
  if (p.same) return p.same.asymmetryMode ? 'same (top-left heavy)' : 'same';
  if (p.valid) {
    const amounts = borderAmounts(p.valid.paddingAmounts);
    return amounts && amounts.some((a) => a !== 0) ? `valid ${formatList(amounts)}` : 'valid';
  }
  return undefined;
}

/** BorderAmounts as [top, bottom, left, right] (NeuralNetwork.proto: entries in order [H, W]). */
function borderAmounts(b: BorderAmounts | undefined): number[] | undefined {
  const e = b?.borderAmounts;
  if (!e?.length) return undefined;
  return e.flatMap((x) => [Number(x.startEdgeSize ?? 0), Number(x.endEdgeSize ?? 0)]);
}

const ACTIVATION = `${SPEC}ActivationParams`;

/** The activation function's name and scalar parameters ("leakyReLU", alpha 0.1). */
export function summarizeActivation(p: ActivationParams): readonly NodeAttribute[] {
  const kind = whichOneof(ACTIVATION, p, 'NonlinearityType');
  const out = new AttributeList().add('function', kind ?? 'unset');
  if (!kind) return out.list;
  const field = MESSAGES[ACTIVATION].fields.find((f) => f.name === kind)!;
  const sub = (p as Record<string, unknown>)[kind] as Record<string, unknown>;
  for (const f of MESSAGES[field.type]?.fields ?? []) {
    const v = sub[f.name];
    if (f.kind === 'scalar' && typeof v === 'number') out.add(f.name, v);
    // PReLU and parametric softplus keep alpha/beta per channel (length C or 1).
    else if (f.type === `${SPEC}WeightParams`) out.add(f.name, countLabel(weightCount(v as WeightParams)));
  }
  return out.list;
}

const countLabel = (n: number | undefined): string | undefined => (n === undefined ? undefined : n === 1 ? '1 value' : `${n} values`);

/** Recurrent activations as one line: "sigmoid, tanh, tanh". */
const activationNames = (list: readonly ActivationParams[] | undefined): string | undefined =>
  list?.length ? list.map((a) => whichOneof(ACTIVATION, a, 'NonlinearityType') ?? 'unset').join(', ') : undefined;

function convolution(p: ConvolutionLayerParams): readonly NodeAttribute[] {
  const dilation = nums(p.dilationFactor);
  return new AttributeList()
    .add('kernel', formatDims(nums(p.kernelSize), [3, 3]))
    .add('stride', formatDims(nums(p.stride), [1, 1]))
    .add('dilation', dilation.some((d) => d > 1) ? formatDims(dilation) : undefined)
    .add('padding', paddingKind(p))
    .add('out', Number(p.outputChannels ?? 0))
    .add('groups', Number(p.nGroups ?? 0) > 1 ? Number(p.nGroups) : undefined)
    .flag('deconvolution', p.isDeconvolution)
    .add('output shape', p.isDeconvolution && p.outputShape?.length ? formatDims(nums(p.outputShape)) : undefined)
    .flag('bias', p.hasBias)
    .list;
}

function convolution3d(p: Convolution3DLayerParams): readonly NodeAttribute[] {
  return new AttributeList()
    .add('kernel', formatDims([p.kernelDepth ?? 0, p.kernelHeight ?? 0, p.kernelWidth ?? 0]))
    .add('stride', formatDims([p.strideDepth ?? 0, p.strideHeight ?? 0, p.strideWidth ?? 0]))
    .add('padding', enumLabel(`${SPEC}Convolution3DLayerParams.PaddingType`, p.paddingType))
    .add('in', p.inputChannels ?? 0)
    .add('out', p.outputChannels ?? 0)
    .add('groups', (p.nGroups ?? 0) > 1 ? p.nGroups : undefined)
    .flag('deconvolution', p.isDeconvolution)
    .flag('bias', p.hasBias)
    .list;
}

function pooling(p: PoolingLayerParams): readonly NodeAttribute[] {
  const out = new AttributeList().add('type', enumLabel(`${SPEC}PoolingLayerParams.PoolingType`, p.type));
  // Global pooling infers the kernel from the input's spatial size: kernel and stride do not apply.
  if (p.globalPooling) return out.add('global', 'true').list;
  return out
    .add('kernel', formatDims(nums(p.kernelSize), [3, 3]))
    .add('stride', formatDims(nums(p.stride), [1, 1]))
    .add('padding', p.includeLastPixel ? `include last pixel ${formatList(nums(p.includeLastPixel.paddingAmounts).length ? nums(p.includeLastPixel.paddingAmounts) : [0, 0])}` : paddingKind(p))
    .flag('exclude padding', p.avgPoolExcludePadding)
    .list;
}

function pooling3d(p: Pooling3DLayerParams): readonly NodeAttribute[] {
  return new AttributeList()
    .add('type', enumLabel(`${SPEC}Pooling3DLayerParams.PoolingType3D`, p.type))
    .add('kernel', formatDims([p.kernelDepth ?? 0, p.kernelHeight ?? 0, p.kernelWidth ?? 0]))
    .add('stride', formatDims([p.strideDepth ?? 0, p.strideHeight ?? 0, p.strideWidth ?? 0]))
    .add('padding', enumLabel(`${SPEC}Pooling3DLayerParams.Pooling3DPaddingType`, p.paddingType))
    .list;
}

const globalPooling3d = (p: GlobalPooling3DLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('type', enumLabel(`${SPEC}GlobalPooling3DLayerParams.GlobalPoolingType3D`, p.type)).add('global', 'true').list;

const innerProduct = (p: InnerProductLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('in', Number(p.inputChannels ?? 0))
    .add('out', Number(p.outputChannels ?? 0))
    .flag('bias', p.hasBias)
    .flag('int8 dynamic quantize', p.int8DynamicQuantize)
    .list;

const batchedMatmul = (p: BatchedMatMulLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .flag('transpose A', p.transposeA)
    .flag('transpose B', p.transposeB)
    // The weight matrix is used only when the layer has one input (NeuralNetwork.proto).
    .add('weights', p.weightMatrixFirstDimension || p.weightMatrixSecondDimension
      ? formatDims([Number(p.weightMatrixFirstDimension ?? 0), Number(p.weightMatrixSecondDimension ?? 0)]) : undefined)
    .flag('bias', p.hasBias)
    .flag('int8 dynamic quantize', p.int8DynamicQuantize)
    .list;

const embedding = (p: EmbeddingLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('vocabulary', Number(p.inputDim ?? 0)).add('out', Number(p.outputChannels ?? 0)).flag('bias', p.hasBias).list;

const embeddingND = (p: EmbeddingNDLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('vocabulary', Number(p.vocabSize ?? 0)).add('size', Number(p.embeddingSize ?? 0)).flag('bias', p.hasBias).list;

const batchnorm = (p: BatchnormLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('channels', Number(p.channels ?? 0))
    // NeuralNetwork.proto: epsilon defaults to 1e-5 when unset or 0.
    .add('epsilon', p.epsilon || 1e-5)
    .flag('compute mean/var', p.computeMeanVar)
    .flag('instance norm', p.instanceNormalization)
    .list;

const mvn = (p: MeanVarianceNormalizeLayerParams): readonly NodeAttribute[] =>
  new AttributeList().flag('across channels', p.acrossChannels).flag('normalize variance', p.normalizeVariance).add('epsilon', p.epsilon || 1e-6).list;

const l2normalize = (p: L2NormalizeLayerParams): readonly NodeAttribute[] => new AttributeList().add('epsilon', p.epsilon || 1e-6).list;

// NeuralNetwork.proto: k defaults to 1 when unset or 0.
const lrn = (p: LRNLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('size', Number(p.localSize ?? 0)).add('alpha', p.alpha ?? 0).add('beta', p.beta ?? 0).add('k', p.k || 1).list;

const layerNormalization = (p: LayerNormalizationLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('normalized shape', formatList(nums(p.normalizedShape))).add('epsilon', p.eps ?? 0).list;

function padding(p: PaddingLayerParams): readonly NodeAttribute[] {
  const kind = whichOneof(`${SPEC}PaddingLayerParams`, p, 'PaddingType');
  const amounts = borderAmounts(p.paddingAmounts);
  return new AttributeList()
    .add('mode', kind ?? 'unset')
    .add('value', kind === 'constant' ? p.constant?.value ?? 0 : undefined)
    .add('pads (t, b, l, r)', amounts ? formatList(amounts) : undefined)
    .list;
}

function crop(p: CropLayerParams): readonly NodeAttribute[] {
  const amounts = borderAmounts(p.cropAmounts);
  // Amounts apply with one input; the offset with two (NeuralNetwork.proto).
  return new AttributeList()
    .add('crop (t, b, l, r)', amounts ? formatList(amounts) : undefined)
    .add('offset', p.offset?.length ? formatList(nums(p.offset)) : undefined)
    .list;
}

const constantPad = (p: ConstantPaddingLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('value', p.value ?? 0)
    .add('pads', p.padAmounts?.length ? formatList(nums(p.padAmounts)) : undefined)
    .flag('pad to output size', p.padToGivenOutputSizeMode)
    .list;

function upsample(p: UpsampleLayerParams): readonly NodeAttribute[] {
  const fractional = p.fractionalScalingFactor?.length ? Array.from(p.fractionalScalingFactor) : undefined;
  const mode = enumLabel(`${SPEC}UpsampleLayerParams.InterpolationMode`, p.mode);
  return new AttributeList()
    .add('scale', fractional ? formatDims(fractional) : formatDims(nums(p.scalingFactor), [1, 1]))
    .add('mode', mode)
    .add('align', mode === 'bilinear' && p.linearUpsampleMode ? enumLabel(`${SPEC}UpsampleLayerParams.LinearUpsampleMode`, p.linearUpsampleMode) : undefined)
    .list;
}

const resizeBilinear = (p: ResizeBilinearLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('size', formatDims(nums(p.targetSize), [1, 1]))
    .add('sampling', enumLabel(`${SPEC}SamplingMode.Method`, p.mode?.samplingMethod))
    .list;

const cropResize = (p: CropResizeLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('size', formatDims(nums(p.targetSize), [1, 1]))
    .add('sampling', enumLabel(`${SPEC}SamplingMode.Method`, p.mode?.samplingMethod))
    .add('boxes', enumLabel(`${SPEC}BoxCoordinatesMode.Coordinates`, p.boxIndicesMode?.boxMode))
    .flag('normalized', p.normalizedCoordinates)
    .list;

function unary(p: UnaryFunctionLayerParams): readonly NodeAttribute[] {
  const fn = enumLabel(`${SPEC}UnaryFunctionLayerParams.Operation`, p.type);
  return new AttributeList()
    .add('function', fn)
    .add('alpha', fn === 'power' || fn === 'threshold' ? p.alpha ?? 0 : undefined)
    // epsilon matters only where the function divides (defaults to 1e-6 when unset or 0).
    .add('epsilon', fn === 'rsqrt' || fn === 'inverse' ? p.epsilon || 1e-6 : undefined)
    .add('shift', p.shift ? p.shift : undefined)
    .add('scale', p.scale && p.scale !== 1 ? p.scale : undefined)
    .list;
}

// Add and multiply use alpha only with a single input (NeuralNetwork.proto).
const scalarAlpha = (p: { alpha?: number }): readonly NodeAttribute[] => new AttributeList().add('alpha', p.alpha ? p.alpha : undefined).list;

const scale = (p: ScaleLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('shape', p.shapeScale?.length ? formatList(nums(p.shapeScale)) : undefined)
    .flag('bias', p.hasBias)
    .add('bias shape', p.hasBias && p.shapeBias?.length ? formatList(nums(p.shapeBias)) : undefined)
    .list;

const bias = (p: BiasLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('shape', p.shape?.length ? formatList(nums(p.shape)) : undefined).list;

const reduce = (p: ReduceLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('mode', enumLabel(`${SPEC}ReduceLayerParams.ReduceOperation`, p.mode))
    .add('axis', enumLabel(`${SPEC}ReduceLayerParams.ReduceAxis`, p.axis).toUpperCase())
    .list;

/** The ten ND reductions share one message shape. */
const reduceND = (p: ReduceSumLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('axes', p.reduceAll ? 'all' : formatList(nums(p.axes)))
    .flag('keep dims', p.keepDims)
    .list;

const loadConstant = (p: LoadConstantLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('shape', formatList(nums(p.shape))).add('values', weightCount(p.data)).list;

const reshape = (p: ReshapeLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('shape', formatList(nums(p.targetShape)))
    .add('order', p.mode ? enumLabel(`${SPEC}ReshapeLayerParams.ReshapeOrder`, p.mode) : undefined)
    .list;

const targetShape = (p: { targetShape?: readonly number[] }): readonly NodeAttribute[] =>
  new AttributeList().add('shape', formatList(nums(p.targetShape))).list;

const flatten = (p: FlattenLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('order', enumLabel(`${SPEC}FlattenLayerParams.FlattenOrder`, p.mode)).list;

// An absent axis list means the identity permutation (NeuralNetwork.proto).
const permute = (p: PermuteLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('axes', formatList(p.axis?.length ? nums(p.axis) : [0, 1, 2, 3])).list;

const transpose = (p: TransposeLayerParams): readonly NodeAttribute[] => new AttributeList().add('axes', formatList(nums(p.axes))).list;

// Concat joins along the channel axis (-3), or the sequence axis (-5) with sequenceConcat.
const concat = (p: ConcatLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('axis', p.sequenceConcat ? 'sequence (-5)' : 'channel (-3)').list;

const concatND = (p: ConcatNDLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('axis', Number(p.axis ?? 0)).flag('interleave', p.interleave).list;

const split = (p: SplitLayerParams): readonly NodeAttribute[] => new AttributeList().add('outputs', Number(p.nOutputs ?? 0)).list;

const splitND = (p: SplitNDLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('axis', Number(p.axis ?? 0))
    // splitSizes, when given, wins over numSplits (NeuralNetwork.proto).
    .add(p.splitSizes?.length ? 'sizes' : 'splits', p.splitSizes?.length ? formatList(nums(p.splitSizes)) : Number(p.numSplits ?? 0))
    .list;

const reorganizeData = (p: ReorganizeDataLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('mode', enumLabel(`${SPEC}ReorganizeDataLayerParams.ReorganizationType`, p.mode))
    .add('block', Number(p.blockSize ?? 0))
    .list;

/** Slice along C, H or W: interval [start, end) with a step (NeuralNetwork.proto: end is exclusive). */
function slice(p: SliceLayerParams): readonly NodeAttribute[] {
  const step = Number(p.stride ?? 1) || 1;
  return new AttributeList()
    .add('axis', enumLabel(`${SPEC}SliceLayerParams.SliceAxis`, p.axis).replace('_axis', ''))
    .add('range', `[${Number(p.startIndex ?? 0)}, ${Number(p.endIndex ?? 0)})${step !== 1 ? ` step ${step}` : ''}`)
    .list;
}

/** Python-style slice per axis: "[:3:2, 2, ::2]" (masks drop the bound, squeeze keeps one index). */
export function summarizeSliceStatic(p: SliceStaticLayerParams): readonly NodeAttribute[] {
  const rank = Math.max(p.beginIds?.length ?? 0, p.endIds?.length ?? 0, p.strides?.length ?? 0);
  const parts: string[] = [];
  for (let i = 0; i < rank; i++) {
    const begin = p.beginMasks?.[i] ? '' : String(Number(p.beginIds?.[i] ?? 0));
    if (p.squeezeMasks?.[i]) { parts.push(begin || '0'); continue; }
    const end = p.endMasks?.[i] ? '' : String(Number(p.endIds?.[i] ?? 0));
    const stride = Number(p.strides?.[i] ?? 1);
    parts.push(`${begin}:${end}${stride !== 1 ? `:${stride}` : ''}`);
  }
  return new AttributeList().add('slice', `[${parts.join(', ')}]`).list;
}

const axisOnly = (p: { axis?: number }): readonly NodeAttribute[] => new AttributeList().add('axis', Number(p.axis ?? 0)).list;

const softmaxND = (p: SoftmaxNDLayerParams): readonly NodeAttribute[] => axisOnly(p);

const gather = (p: GatherLayerParams): readonly NodeAttribute[] => axisOnly(p);

const scatter = (p: ScatterLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('axis', Number(p.axis ?? 0)).add('mode', enumLabel(`${SPEC}ScatterMode`, p.mode).replace('scatter_', '')).list;

const stack = (p: StackLayerParams): readonly NodeAttribute[] => axisOnly(p);

const tile = (p: TileLayerParams): readonly NodeAttribute[] => new AttributeList().add('reps', formatList(nums(p.reps))).list;

const squeeze = (p: SqueezeLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('axes', p.squeezeAll ? 'all' : formatList(nums(p.axes))).list;

const axesOnly = (p: { axes?: readonly number[] }): readonly NodeAttribute[] => new AttributeList().add('axes', formatList(nums(p.axes))).list;

const clip = (p: ClipLayerParams): readonly NodeAttribute[] => new AttributeList().add('min', p.minVal ?? 0).add('max', p.maxVal ?? 0).list;

const topK = (p: TopKLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('axis', Number(p.axis ?? 0)).add('K', Number(p.K ?? 0)).flag('bottom', p.useBottomK).list;

const argMaxMin = (p: ArgMaxLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('axis', Number(p.axis ?? 0)).flag('remove dim', p.removeDim).list;

const argSort = (p: ArgSortLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('axis', Number(p.axis ?? 0)).flag('descending', p.descending).list;

const cumSum = (p: CumSumLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('axis', Number(p.axis ?? 0)).flag('exclusive', p.excludeFinalSum).flag('reverse', p.reverse).list;

const oneHot = (p: OneHotLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('size', Number(p.oneHotVectorSize ?? 0))
    .add('axis', Number(p.axis ?? 0))
    .add('on', p.onValue ?? 0)
    .add('off', p.offValue ?? 0)
    .list;

const nonMaximumSuppression = (p: NonMaximumSuppressionLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    .add('IoU threshold', p.iouThreshold ?? 0)
    .add('score threshold', p.scoreThreshold ?? 0)
    .add('max boxes', Number(p.maxBoxes ?? 0))
    .flag('per class', p.perClassSuppression)
    .list;

/** What every recurrent layer's face starts with: input and output vector sizes and its activations. */
const recurrentSizes = (
  p: { inputVectorSize?: number; outputVectorSize?: number },
  activationsLabel: string,
  activations: readonly ActivationParams[] | undefined,
  outMultiple = 1,
): AttributeList => {
  const out = Number(p.outputVectorSize ?? 0);
  return new AttributeList()
    .add('in', Number(p.inputVectorSize ?? 0))
    .add('out', outMultiple === 1 ? out : `${outMultiple}×${out}`)
    .add(activationsLabel, activationNames(activations));
};

const simpleRecurrent = (p: SimpleRecurrentLayerParams): readonly NodeAttribute[] =>
  recurrentSizes(p, 'activation', p.activation ? [p.activation] : undefined)
    .flag('sequence output', p.sequenceOutput)
    .flag('reverse', p.reverseInput)
    .list;

const gru = (p: GRULayerParams): readonly NodeAttribute[] =>
  recurrentSizes(p, 'activations', p.activations).flag('sequence output', p.sequenceOutput).flag('reverse', p.reverseInput).list;

const uniLSTM = (p: UniDirectionalLSTMLayerParams): readonly NodeAttribute[] =>
  recurrentSizes(p, 'activations', p.activations)
    .flag('sequence output', p.params?.sequenceOutput)
    .flag('peepholes', p.params?.hasPeepholeVectors)
    .flag('reverse', p.reverseInput)
    .list;

// A bidirectional LSTM concatenates the forward and backward outputs (NeuralNetwork.proto).
const biLSTM = (p: BiDirectionalLSTMLayerParams): readonly NodeAttribute[] =>
  recurrentSizes(p, 'activations', p.activationsForwardLSTM, 2)
    .flag('sequence output', p.params?.sequenceOutput)
    .flag('peepholes', p.params?.hasPeepholeVectors)
    .list;

function custom(p: CustomLayerParams): readonly NodeAttribute[] {
  const out = new AttributeList().add('class', p.className ?? '');
  for (const [k, v] of p.parameters ?? []) {
    const value = v.doubleValue ?? v.intValue ?? v.longValue ?? v.stringValue ?? v.boolValue;
    out.add(k, typeof value === 'boolean' ? String(value) : value);
  }
  return out.list;
}

const layerCount = (n: { layers?: readonly unknown[] } | undefined): number | undefined => (n ? n.layers?.length ?? 0 : undefined);

const branch = (p: BranchLayerParams): readonly NodeAttribute[] =>
  new AttributeList().add('if layers', layerCount(p.ifBranch) ?? 0).add('else layers', layerCount(p.elseBranch)).list;

const loop = (p: LoopLayerParams): readonly NodeAttribute[] =>
  new AttributeList()
    // Ignored when the layer has an input: the input is then the iteration count.
    .add('max iterations', p.maxLoopIterations ? Number(p.maxLoopIterations) : undefined)
    .add('condition', p.conditionVar || undefined)
    .add('condition layers', layerCount(p.conditionNetwork))
    .add('body layers', layerCount(p.bodyNetwork) ?? 0)
    .list;

/**
 * Fallback for the layer types without a hand-written summary: the message's scalar, enum and
 * short repeated fields plus which member of each oneof is set, in field order.
 */
export function summarizeGeneric(paramsType: string, params: object): readonly NodeAttribute[] {
  const desc = MESSAGES[paramsType];
  if (!desc) return [];
  const msg = params as Record<string, unknown>;
  const out = new AttributeList();
  const oneofsShown = new Set<string>();
  for (const f of desc.fields) {
    const v = msg[f.name];
    if (v === undefined) continue;
    if (f.oneof && f.kind === 'message') {
      if (!oneofsShown.has(f.oneof)) out.add(f.oneof, f.name);
      oneofsShown.add(f.oneof);
    } else if (f.kind === 'enum' && !f.repeated) {
      out.add(f.name, enumLabel(f.type, v as number));
    } else if (f.kind === 'scalar' && !f.repeated) {
      if (typeof v === 'boolean') out.flag(f.name, v);
      else if (typeof v === 'number') out.add(f.name, v);
      else if (typeof v === 'string' && v) out.add(f.name, v);
    } else if (f.kind === 'scalar' && f.repeated && f.type !== 'bytes') {
      const arr = v as ArrayLike<number | boolean>;
      if (arr.length) out.add(f.name, arr.length <= 8 ? formatList(arr) : `${arr.length} values`);
    }
  }
  return out.list;
}

/** Hand-written summaries, keyed by layer type; everything else uses summarizeGeneric. */
export const LAYER_SUMMARIES = {
  convolution, convolution3d, pooling, pooling3d, globalPooling3d,
  activation: summarizeActivation, innerProduct, batchedMatmul, embedding, embeddingND,
  batchnorm, mvn, l2normalize, lrn, layerNormalization,
  padding, crop, constantPad, upsample, resizeBilinear, cropResize, unary,
  add: scalarAlpha, multiply: scalarAlpha, scale, bias, reduce,
  reduceL1: reduceND, reduceL2: reduceND, reduceMax: reduceND, reduceMin: reduceND, reduceSum: reduceND,
  reduceProd: reduceND, reduceMean: reduceND, reduceLogSum: reduceND, reduceSumSquare: reduceND, reduceLogSumExp: reduceND,
  loadConstant, loadConstantND: loadConstant, reshape, reshapeStatic: targetShape, rankPreservingReshape: targetShape,
  broadcastToStatic: targetShape, flatten, flattenTo2D: axisOnly, permute, transpose, concat, concatND, split, splitND,
  reorganizeData, slice, sliceStatic: summarizeSliceStatic, softmaxND, gather, gatherAlongAxis: gather, scatter,
  scatterAlongAxis: scatter, stack, tile, squeeze, expandDims: axesOnly, clip, topK, argMax: argMaxMin, argMin: argMaxMin,
  argSort, cumSum, oneHot, NonMaximumSuppression: nonMaximumSuppression,
  simpleRecurrent, gru, uniDirectionalLSTM: uniLSTM, biDirectionalLSTM: biLSTM, custom, branch, loop,
} as const;
