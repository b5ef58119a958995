// Image preprocessing: the NeuralNetworkImageScaler (one scale for all channels, a bias per
// channel) with the presets users look up by hand, and an exact per-channel standard deviation
// (the Torch/ImageNet case the scaler cannot express) by a scale layer after the input, as the
// Core ML Survival Guide recommends.
import { ImageFeatureType_ColorSpace } from '../format/schema/types.generated';
import type { Model, NeuralNetwork, NeuralNetworkPreprocessing } from '../format/schema/types.generated';
import type { PathStep } from '../format/walk';
import { SurgeryError } from './errors';
import { insertLayer } from './layers';
import { modelAt, networkPath } from './network';
import { setFeatureType } from './features';
import { getIn, setIn } from './tree';

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

const PRESETS: Readonly<Record<PreprocessingPreset, Pick<SetPreprocessingArgs, 'scale' | 'bias' | 'std' | 'colorSpace'>>> = {
  zeroToOne: { scale: 1 / 255, bias: [0, 0, 0] },
  minusOneToOne: { scale: 2 / 255, bias: [-1, -1, -1] },
  // Caffe/VGG: BGR order, mean subtracted, no scaling; the means are given here in R, G, B order.
  caffe: { scale: 1, bias: [-123.68, -116.779, -103.939], colorSpace: 'BGR' },
  // torchvision: (x/255 - mean) / std per channel.
  imagenet: { scale: 1 / 255, bias: [-0.485, -0.456, -0.406], std: [0.229, 0.224, 0.225] },
};

export function setPreprocessing(spec: Model, args: SetPreprocessingArgs): Model {
  const modelPath = args.model ?? [];
  const model = modelAt(spec, modelPath);
  const feature = model.description?.input?.find((f) => f.name === args.input);
  if (!feature) throw new SurgeryError(`"${args.input}" is not an input of this model`);
  if (!feature.type?.imageType) throw new SurgeryError(`"${args.input}" is not an image input; preprocessing applies to images (turn it into an image first)`);
  const netPath = networkPath(spec, modelPath);
  const net = getIn(spec, netPath) as NeuralNetwork;
  const others = (net.preprocessing ?? []).filter((p) => p.featureName !== args.input && !((p.featureName ?? '') === '' && (model.description?.input ?? []).filter((f) => f.type?.imageType).length === 1));
  if (args.remove) return setIn(spec, [...netPath, 'preprocessing'], Object.freeze(others));

  const p = { ...(args.preset ? PRESETS[args.preset] : {}), ...stripUndefined(args) };
  let out = spec;
  if (p.colorSpace) out = setFeatureType(out, { name: args.input, colorSpace: p.colorSpace });
  const colorSpace = (modelAt(out, modelPath).description!.input!.find((f) => f.name === args.input)!.type!.imageType!.colorSpace) ?? 0;
  const gray = colorSpace === ImageFeatureType_ColorSpace.GRAYSCALE || colorSpace === ImageFeatureType_ColorSpace.GRAYSCALE_FLOAT16;

  let entry: NeuralNetworkPreprocessing;
  if (args.meanImage) {
    entry = { featureName: args.input, meanImage: { meanImage: args.meanImage } };
  } else {
    const scale = p.scale ?? 1;
    if (!Number.isFinite(scale)) throw new SurgeryError(`scale ${scale} is not a number`);
    const bias = p.bias ?? (gray ? [0] : [0, 0, 0]);
    if (gray && bias.length !== 1) throw new SurgeryError(`"${args.input}" is grayscale: give one bias (got ${bias.length})`);
    if (!gray && bias.length !== 3) throw new SurgeryError(`"${args.input}" has colour: give three biases in red, green, blue order (got ${bias.length})`);
    entry = {
      featureName: args.input,
      scaler: gray
        ? { channelScale: scale, grayBias: bias[0] }
        : { channelScale: scale, redBias: bias[0], greenBias: bias[1], blueBias: bias[2] },
    };
  }
  out = setIn(out, [...netPath, 'preprocessing'], Object.freeze([...others, Object.freeze(entry)]));
  if (p.std) {
    if (p.std.length !== (gray ? 1 : 3) || p.std.some((s) => !(s > 0))) throw new SurgeryError(`std needs ${gray ? 1 : 3} positive values in red, green, blue order`);
    // The network sees channels in the image's own order: BGR puts blue first.
    const ordered = colorSpace === ImageFeatureType_ColorSpace.BGR ? [p.std[2], p.std[1], p.std[0]] : [...p.std];
    out = insertLayer(out, {
      model: modelPath,
      blob: args.input,
      type: 'scale',
      name: `${args.input}_std`,
      params: { shapeScale: [ordered.length, 1, 1], scale: { floatValue: new Float32Array(ordered.map((s) => 1 / s)) } },
    }).spec;
  }
  return out;
}

function stripUndefined(a: SetPreprocessingArgs): Partial<SetPreprocessingArgs> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined && k !== 'preset' && k !== 'input' && k !== 'model') o[k] = v;
  return o;
}
