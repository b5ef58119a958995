// Image preprocessing: the NeuralNetworkImageScaler (one scale for all channels, a bias per
// channel) with the presets users look up by hand, and an exact per-channel standard deviation
// (the Torch/ImageNet case the scaler cannot express) by a scale layer after the input, as the
// Core ML Survival Guide recommends. Every argument is checked before anything changes: a value
// the scaler cannot hold is refused with its field named, never dropped.
import {
  ImageFeatureType_ColorSpace, type Model, type NeuralNetwork, type NeuralNetworkLayer, type NeuralNetworkPreprocessing,
  type PathStep,
} from '../format';
import { imageChannels } from '../shapes';
import { SurgeryError } from './errors';
import { deleteLayer, insertLayer } from './layers';
import { modelAt, networkPath } from './network';
import { setFeatureType } from './features';
import { getIn, setIn, withFields } from './tree';

export type PreprocessingPreset = 'zeroToOne' | 'minusOneToOne' | 'caffe' | 'imagenet';

export interface SetPreprocessingArgs {
  readonly model?: readonly PathStep[];
  /** The image input it applies to. */
  readonly input: string;
  readonly preset?: PreprocessingPreset;
  readonly scale?: number;
  /** [red, green, blue] for colour images, [gray] for grayscale. */
  readonly bias?: readonly number[];
  /** Per-channel standard deviation in [red, green, blue] order: adds a scale layer of 1/std. */
  readonly std?: readonly number[];
  readonly colorSpace?: 'RGB' | 'BGR';
  /** A mean image instead of a scaler (C*H*W values). */
  readonly meanImage?: Float32Array;
  /** Remove preprocessing from this input. */
  readonly remove?: boolean;
}

interface PresetValues {
  readonly scale: number;
  /** Bias per channel in red, green, blue order; grayscale presets give one value. */
  readonly bias: (channels: number) => readonly number[] | undefined;
  readonly std?: readonly number[];
  readonly colorSpace?: 'RGB' | 'BGR';
}

const same = (v: number) => (channels: number) => Array.from({ length: channels }, () => v);
const colourOnly = (rgb: readonly number[]) => (channels: number) => (channels === 3 ? rgb : undefined);

const PRESETS: Readonly<Record<PreprocessingPreset, PresetValues>> = {
  zeroToOne: { scale: 1 / 255, bias: same(0) },
  minusOneToOne: { scale: 2 / 255, bias: same(-1) },
  // Caffe/VGG: BGR order, mean subtracted, no scaling; the means are given here in R, G, B order.
  caffe: { scale: 1, bias: colourOnly([-123.68, -116.779, -103.939]), colorSpace: 'BGR' },
  // torchvision: (x/255 - mean) / std per channel.
  imagenet: { scale: 1 / 255, bias: colourOnly([-0.485, -0.456, -0.406]), std: [0.229, 0.224, 0.225] },
};

export const PREPROCESSING_PRESETS = Object.freeze(Object.keys(PRESETS) as PreprocessingPreset[]);

const ARG_KEYS = new Set(['model', 'input', 'preset', 'scale', 'bias', 'std', 'colorSpace', 'meanImage', 'remove']);

function checkNumbers(field: 'bias' | 'std', values: readonly number[] | undefined, channels: number, input: string, gray: boolean): void {
  if (values === undefined) return;
  if (!Array.isArray(values) && !(values instanceof Float32Array)) throw new SurgeryError(`${field}: give a list of numbers`);
  if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) throw new SurgeryError(`${field}: every value must be a finite number (got ${values.join(', ')})`);
  const noun = field === 'bias' ? ['bias', 'biases'] : ['standard deviation', 'standard deviations'];
  if (values.length !== channels) {
    throw new SurgeryError(gray
      ? `${field}: "${input}" is grayscale: give one ${noun[0]} (got ${values.length})`
      : `${field}: "${input}" has colour: give three ${noun[1]} in red, green, blue order (got ${values.length})`);
  }
}

/**
 * The scale layer this operation inserts for a per-channel std: named `<input>_std`, reading only
 * the input, one [C] scale and no bias. Returns its index, or -1.
 */
function stdLayerIndex(net: NeuralNetwork, input: string): number {
  const pattern = new RegExp(`^${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_std(_\\d+)?$`);
  return (net.layers ?? []).findIndex((l: NeuralNetworkLayer) =>
    l.scale !== undefined && pattern.test(l.name ?? '') && l.input?.length === 1 && l.input[0] === input && !l.scale.hasBias && (l.scale.shapeScale?.length ?? 0) === 1);
}

export function setPreprocessing(spec: Model, args: SetPreprocessingArgs): Model {
  for (const k of Object.keys(args)) if (!ARG_KEYS.has(k)) throw new SurgeryError(`${k}: not a preprocessing setting (preset, scale, bias, std, colorSpace, meanImage, remove)`);
  const modelPath = args.model ?? [];
  const model = modelAt(spec, modelPath);
  const feature = model.description?.input?.find((f) => f.name === args.input);
  if (!feature) throw new SurgeryError(`input: "${args.input}" is not an input of this model`);
  const image = feature.type?.imageType;
  if (!image) throw new SurgeryError(`input: "${args.input}" is not an image input; preprocessing applies to images (turn it into an image first)`);
  const netPath = networkPath(spec, modelPath);
  const net = getIn(spec, netPath) as NeuralNetwork;
  const onlyImage = (model.description?.input ?? []).filter((f) => f.type?.imageType).length === 1;
  const others = (net.preprocessing ?? []).filter((p) => p.featureName !== args.input && !((p.featureName ?? '') === '' && onlyImage));
  const existingStd = stdLayerIndex(net, args.input);
  // Our own std layer belongs to this input's preprocessing: it goes when the preprocessing is replaced or removed.
  const withoutStd = (s: Model): Model => (existingStd < 0 ? s : deleteLayer(s, { model: modelPath, index: existingStd }));

  const given = (['preset', 'scale', 'bias', 'std', 'colorSpace', 'meanImage'] as const).filter((k) => args[k] !== undefined);
  if (args.remove) {
    if (given.length) throw new SurgeryError(`remove: cannot be combined with ${given.join(', ')}`);
    return withoutStd(setIn(spec, [...netPath, 'preprocessing'], Object.freeze(others)));
  }
  if (args.remove !== undefined && typeof args.remove !== 'boolean') throw new SurgeryError('remove: must be true or false');

  let preset: PresetValues | undefined;
  if (args.preset !== undefined) {
    preset = Object.prototype.hasOwnProperty.call(PRESETS, args.preset) ? PRESETS[args.preset] : undefined;
    if (!preset) throw new SurgeryError(`preset: "${args.preset}" is not a preprocessing preset; use ${PREPROCESSING_PRESETS.join(', ')}`);
  }
  const colorSpaceName = args.colorSpace ?? preset?.colorSpace;
  if (colorSpaceName !== undefined && colorSpaceName !== 'RGB' && colorSpaceName !== 'BGR') {
    // Typed 'RGB' | 'BGR', but the CLI and the inspector pass what the user typed.
    throw new SurgeryError(`colorSpace: "${String(colorSpaceName)}" is not a channel order; use RGB or BGR`);
  }
  const channels = imageChannels(image.colorSpace);
  if (channels === undefined) throw new SurgeryError(`input: "${args.input}" has no valid colour space; set RGB, BGR or GRAYSCALE first`);
  const gray = channels === 1;
  if (gray && colorSpaceName) throw new SurgeryError(`${args.colorSpace ? 'colorSpace' : `preset ${args.preset}`}: "${args.input}" is grayscale and has no channel order`);

  if (args.meanImage !== undefined) {
    const clash = given.filter((k) => k !== 'meanImage');
    if (clash.length) throw new SurgeryError(`meanImage: a mean image replaces the scaler; it cannot be combined with ${clash.join(', ')}`);
    if (!(args.meanImage instanceof Float32Array)) throw new SurgeryError('meanImage: give the values as a Float32Array');
    const flexible = image.imageSizeRange || image.enumeratedSizes;
    // NeuralNetwork.proto NeuralNetworkMeanImage: C × H × W values, so the image size must be fixed.
    if (flexible) throw new SurgeryError(`meanImage: "${args.input}" has a flexible size; a mean image needs a fixed C × H × W`);
    const want = channels * Number(image.height ?? 0) * Number(image.width ?? 0);
    if (args.meanImage.length !== want) throw new SurgeryError(`meanImage: "${args.input}" (${channels} × ${image.height} × ${image.width}) needs ${want} values, got ${args.meanImage.length}`);
    if (args.meanImage.some((v) => !Number.isFinite(v))) throw new SurgeryError('meanImage: every value must be a finite number');
  }

  const scale = args.scale ?? preset?.scale ?? 1;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale === 0) throw new SurgeryError(`scale: must be a finite number other than 0 (got ${String(args.scale)})`);
  let bias = args.bias ?? preset?.bias(channels);
  if (bias === undefined && preset) throw new SurgeryError(`preset: ${args.preset} is for colour images; "${args.input}" is grayscale`);
  bias ??= same(0)(channels);
  checkNumbers('bias', bias, channels, args.input, gray);
  const std = args.std ?? preset?.std;
  if (std !== undefined && gray && !args.std) throw new SurgeryError(`preset: ${args.preset} is for colour images; "${args.input}" is grayscale`);
  checkNumbers('std', std, channels, args.input, gray);
  if (std?.some((s) => !(s > 0))) throw new SurgeryError(`std: every value must be positive (got ${std.join(', ')})`);

  let out = withoutStd(spec);
  if (colorSpaceName) out = setFeatureType(out, { name: args.input, colorSpace: colorSpaceName });
  const colorSpace = modelAt(out, modelPath).description!.input!.find((f) => f.name === args.input)!.type!.imageType!.colorSpace ?? 0;

  // The entry and scaler this replaces keep whatever fields the schema does not know (withFields).
  const previous = (net.preprocessing ?? []).find((p) => !others.includes(p));
  const previousScaler = previous?.scaler ?? {};
  const entry: NeuralNetworkPreprocessing = args.meanImage
    ? withFields(previous ?? {}, { featureName: args.input, meanImage: withFields(previous?.meanImage ?? {}, { meanImage: args.meanImage }), scaler: undefined })
    : withFields(previous ?? {}, {
      featureName: args.input,
      meanImage: undefined,
      scaler: gray
        ? withFields(previousScaler, { channelScale: scale, grayBias: bias[0], redBias: undefined, greenBias: undefined, blueBias: undefined })
        : withFields(previousScaler, { channelScale: scale, grayBias: undefined, redBias: bias[0], greenBias: bias[1], blueBias: bias[2] }),
    });
  out = setIn(out, [...netPath, 'preprocessing'], Object.freeze([...others, entry]));
  if (std) {
    // The network sees channels in the image's own order: BGR puts blue first.
    const ordered = colorSpace === ImageFeatureType_ColorSpace.BGR ? [std[2], std[1], std[0]] : [...std];
    // NeuralNetwork.proto ScaleLayerParams: shapeScale is [1], [C], [1, H, W] or [C, H, W]; a
    // per-channel factor is [C] ([C, 1, 1] would claim an image of height and width 1).
    const params = { shapeScale: [ordered.length], scale: { floatValue: new Float32Array(ordered.map((s) => 1 / s)) } };
    out = insertLayer(out, { model: modelPath, blob: args.input, type: 'scale', name: `${args.input}_std`, params }).spec;
  }
  return out;
}

/** The preset names, for menus and usage text. */
export function isPreprocessingPreset(name: string): name is PreprocessingPreset {
  return (PREPROCESSING_PRESETS as readonly string[]).includes(name);
}

