// Image inputs: pixels in the model's colour space (NeuralNetwork.proto, NeuralNetworkImageScaler:
// RGB, BGR or grayscale planes), then the network's preprocessing (scaler, mean image).
import type { ImageFeatureType, NeuralNetworkPreprocessing } from '../format';
import { makeTensor } from './tensor';
import type { ImageValue, Tensor } from './types';

/** FeatureTypes.proto, ImageFeatureType.ColorSpace. */
export const GRAYSCALE = 10, RGB = 20, BGR = 30, GRAYSCALE_FLOAT16 = 40;

/** Source channels (R, G, B) or (gray) of an image value, each a width×height plane. */
function sourcePlanes(img: ImageValue): Float32Array[] {
  const n = img.width * img.height;
  if (!(n > 0)) throw new Error(`an image of ${img.width}×${img.height} pixels`);
  if (img.layout === 'rgba') {
    if (img.pixels.length !== n * 4) throw new Error(`RGBA pixels hold ${img.pixels.length} values, ${img.width}×${img.height} needs ${n * 4}`);
    const planes = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) planes[c][i] = img.pixels[i * 4 + c];
    return planes;
  }
  const channels = img.pixels.length / n;
  if (channels !== 1 && channels !== 3) throw new Error(`planar pixels hold ${img.pixels.length} values: ${img.width}×${img.height} needs 1 or 3 planes`);
  return Array.from({ length: channels }, (_, c) => Float32Array.from(img.pixels.subarray(c * n, (c + 1) * n)));
}

/**
 * [C, H, W] in the model's colour space: RGB as R, G, B planes; BGR as B, G, R; grayscale as one
 * plane (from colour by ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B).
 */
export function imageToPlanes(img: ImageValue, type: ImageFeatureType): Tensor {
  const planes = sourcePlanes(img);
  const n = img.width * img.height;
  const space = type.colorSpace ?? 0;
  let out: Float32Array[];
  if (space === GRAYSCALE || space === GRAYSCALE_FLOAT16) {
    if (planes.length === 1) out = planes;
    else {
      const g = new Float32Array(n);
      for (let i = 0; i < n; i++) g[i] = 0.299 * planes[0][i] + 0.587 * planes[1][i] + 0.114 * planes[2][i];
      out = [g];
    }
  } else if (space === RGB || space === BGR) {
    const rgb = planes.length === 3 ? planes : [planes[0], planes[0], planes[0]];
    out = space === RGB ? rgb : [rgb[2], rgb[1], rgb[0]];
  } else {
    throw new Error(`image colour space ${space} is not GRAYSCALE, RGB or BGR`);
  }
  const t = makeTensor([out.length, img.height, img.width]);
  out.forEach((p, c) => t.data.set(p, c * n));
  return t;
}

/**
 * Applies the preprocessing entries for one input, in order. Scaler: y = channelScale·x + the
 * channel's bias (BGR planes take blue, green, red biases; RGB red, green, blue; grayscale the gray
 * bias). Mean image: y = x - mean, a flattened [C, H, W].
 */
export function preprocess(t: Tensor, entries: readonly NeuralNetworkPreprocessing[], colorSpace: number | undefined): Tensor {
  const [C, H, W] = t.shape;
  const n = H * W;
  const d = t.data;
  for (const e of entries) {
    if (e.scaler) {
      const s = e.scaler;
      const scale = s.channelScale ?? 0;
      const biases = C === 1 ? [s.grayBias ?? 0]
        : colorSpace === BGR ? [s.blueBias ?? 0, s.greenBias ?? 0, s.redBias ?? 0]
          : [s.redBias ?? 0, s.greenBias ?? 0, s.blueBias ?? 0];
      for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) d[c * n + i] = scale * d[c * n + i] + biases[c];
    } else if (e.meanImage) {
      const m = e.meanImage.meanImage ?? new Float32Array(0);
      if (m.length !== d.length) throw new Error(`the mean image holds ${m.length} values, the input [${t.shape}] ${d.length}`);
      for (let i = 0; i < d.length; i++) d[i] -= m[i];
    }
  }
  return t;
}
