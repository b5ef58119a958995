// The Run panel's inputs: what the user chose for each model input (an image file, a .npy file,
// random values from a seed, zeros, a constant) and how that becomes an executor FeatureValue.
// Sizes and random values follow `mlsurgeon run` (cli/run.ts): sizes are shared/executor/inputs.ts's
// defaults (the declared shape, else the first enumerated one, else each range's lower bound),
// random arrays are uniform in [-1, 1] (integer arrays 0 or 1), random images have uniform pixels,
// all from the same seeded generator, so a one-input model given seed S here gets what
// `--random S` gives it there.
import {
  decodeNpy, defaultArrayShape as arrayShape, defaultImageSize as imageSize, seededRandom, type FeatureValue,
  type ImageValue,
} from '../../../shared/executor';
import { ArrayFeatureType_ArrayDataType, type FeatureDescription, type Model, type NeuralNetworkPreprocessing } from '../../../shared/format';

const { INT32 } = ArrayFeatureType_ArrayDataType;
/** FeatureTypes.proto: ImageFeatureType.ColorSpace. */
const GRAYSCALE = 10, RGB = 20, BGR = 30, GRAYSCALE_FLOAT16 = 40;

export type InputChoice =
  | { readonly source: 'random'; readonly seed: number }
  | { readonly source: 'zeros' }
  | { readonly source: 'constant'; readonly value: number }
  /** An image file, already resized to the input's size (RGBA). */
  | { readonly source: 'image'; readonly fileName: string; readonly image: ImageValue; readonly originalSize: readonly [number, number] }
  | { readonly source: 'npy'; readonly fileName: string; readonly shape: readonly number[]; readonly data: Float32Array };

export type InputKind = 'image' | 'array' | 'double' | 'int64' | 'other';

export function inputKind(d: FeatureDescription): InputKind {
  const t = d.type ?? {};
  if (t.imageType) return 'image';
  if (t.multiArrayType) return 'array';
  if (t.doubleType) return 'double';
  if (t.int64Type) return 'int64';
  return 'other';
}

/** An array input's default shape and an image input's default size, as `mlsurgeon run` takes them. */
export { arrayShape, imageSize };

export const colourSpaceName = (space: number | undefined): string =>
  space === GRAYSCALE ? 'grayscale' : space === GRAYSCALE_FLOAT16 ? 'grayscale (float16)' : space === RGB ? 'RGB' : space === BGR ? 'BGR' : `colour space ${space ?? 'unset'}`;

export const isBgr = (d: FeatureDescription): boolean => d.type?.imageType?.colorSpace === BGR;

/** The preprocessing entries that apply to input `name` (NeuralNetwork.proto: an empty featureName means the only image input). */
export function preprocessingFor(spec: Model, name: string): NeuralNetworkPreprocessing[] {
  const nn = spec.neuralNetwork ?? spec.neuralNetworkClassifier ?? spec.neuralNetworkRegressor;
  if (nn) return (nn.preprocessing ?? []).filter((p) => !p.featureName || p.featureName === name);
  // A pipeline hands its input to the stages that read it; the first network stage preprocesses it.
  const stages = (spec.pipeline ?? spec.pipelineClassifier?.pipeline ?? spec.pipelineRegressor?.pipeline)?.models ?? [];
  for (const m of stages) {
    if (!(m.description?.input ?? []).some((i) => i.name === name)) continue;
    const found = preprocessingFor(m, name);
    if (found.length) return found;
  }
  return [];
}

/** What happens to the pixels, in the order Core ML applies it, one line each. */
export function describePreprocessing(d: FeatureDescription, entries: readonly NeuralNetworkPreprocessing[]): string[] {
  const space = d.type?.imageType?.colorSpace;
  const size = imageSize(d);
  const lines = [`${size ? `${size[0]}×${size[1]} ` : ''}${colourSpaceName(space)}, pixels 0…255${space === BGR ? ' (planes B, G, R)' : space === RGB ? ' (planes R, G, B)' : ''}`];
  const gray = space === GRAYSCALE || space === GRAYSCALE_FLOAT16;
  for (const e of entries) {
    if (e.scaler) {
      const s = e.scaler;
      const scale = s.channelScale ?? 0;
      const biases = gray ? `${s.grayBias ?? 0}` : space === BGR ? `(${s.blueBias ?? 0}, ${s.greenBias ?? 0}, ${s.redBias ?? 0}) for B, G, R` : `(${s.redBias ?? 0}, ${s.greenBias ?? 0}, ${s.blueBias ?? 0}) for R, G, B`;
      lines.push(`scaler: y = ${scale} · x + ${biases}`);
    } else if (e.meanImage) {
      lines.push(`mean image: y = x − mean (${e.meanImage.meanImage?.length ?? 0} values)`);
    }
  }
  if (lines.length === 1) lines.push('no scaler or mean image: the network sees raw 0…255 values');
  return lines;
}

export function defaultChoice(): InputChoice {
  return { source: 'random', seed: 1 };
}

/** Why a choice cannot make this input, or undefined when it can. */
export function choiceProblem(d: FeatureDescription, c: InputChoice): string | undefined {
  const kind = inputKind(d);
  if (kind === 'other') return `input ${d.name} is ${d.type?.stringType ? 'a string' : d.type?.dictionaryType ? 'a dictionary' : d.type?.sequenceType ? 'a sequence' : 'of a type'} the Run panel cannot fill`;
  if (kind === 'image' && !imageSize(d)) return `input ${d.name} declares no image size`;
  if (kind === 'array' && !arrayShape(d) && c.source !== 'npy') return `input ${d.name} declares no shape: choose a .npy file`;
  if (c.source === 'image' && kind !== 'image') return `input ${d.name} is not an image`;
  if (c.source === 'npy' && kind === 'image') return `input ${d.name} is an image: choose an image file`;
  if (c.source === 'npy' && (kind === 'double' || kind === 'int64') && c.data.length !== 1) return `input ${d.name} is a number; the file holds ${c.data.length} values`;
  return undefined;
}

function fill(n: number, c: InputChoice, rand: (() => number) | undefined, make: (r: () => number) => number): Float32Array {
  if (c.source === 'zeros') return new Float32Array(n);
  if (c.source === 'constant') return new Float32Array(n).fill(c.value);
  return Float32Array.from({ length: n }, () => make(rand!));
}

/** The value for one input; throws with the reason when the choice does not fit. */
export function buildValue(d: FeatureDescription, c: InputChoice): FeatureValue {
  const problem = choiceProblem(d, c);
  if (problem) throw new Error(problem);
  const rand = c.source === 'random' ? seededRandom(c.seed) : undefined;
  const kind = inputKind(d);
  if (kind === 'image') {
    if (c.source === 'image') return { kind: 'image', image: c.image };
    const [w, h] = imageSize(d)!;
    const pixels = new Uint8Array(w * h * 4);
    const v = c.source === 'constant' ? Math.max(0, Math.min(255, Math.round(c.value))) : 0;
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i & 3) === 3 ? 255 : rand ? Math.floor(rand() * 256) : v;
    return { kind: 'image', image: { width: w, height: h, layout: 'rgba', pixels } };
  }
  if (kind === 'array') {
    if (c.source === 'npy') return { kind: 'tensor', tensor: { shape: [...c.shape], data: c.data } };
    const shape = arrayShape(d)!;
    const n = shape.reduce((a, b) => a * b, 1);
    // Integer arrays are usually indices (embeddings, gathers): 0 or 1 keeps them in range.
    const int = d.type?.multiArrayType?.dataType === INT32;
    return { kind: 'tensor', tensor: { shape, data: fill(n, c, rand, (r) => (int ? (r() < 0.5 ? 0 : 1) : r() * 2 - 1)) } };
  }
  const x = c.source === 'npy' ? c.data[0] : c.source === 'constant' ? c.value : c.source === 'zeros' ? 0 : rand!();
  return kind === 'int64' ? { kind: 'int64', value: c.source === 'random' ? Math.floor(x * 2) : Math.trunc(x) } : { kind: 'double', value: x };
}

/** Every declared input (optional ones the user left unset are omitted). */
export function buildInputs(spec: Model, choices: ReadonlyMap<string, InputChoice>): Map<string, FeatureValue> {
  const out = new Map<string, FeatureValue>();
  for (const d of spec.description?.input ?? []) {
    const name = d.name ?? '';
    out.set(name, buildValue(d, choices.get(name) ?? defaultChoice()));
  }
  return out;
}

/** Reads a .npy file the user picked. */
export async function npyChoice(file: File): Promise<InputChoice> {
  const arr = decodeNpy(new Uint8Array(await file.arrayBuffer()));
  return { source: 'npy', fileName: file.name, shape: arr.shape, data: arr.data };
}

/**
 * Decodes an image file with the browser's decoder (PNG, JPEG, WebP…) and resizes it to the
 * input's size by drawing it on a canvas with high-quality smoothing. The command line resizes
 * PNGs with its own bilinear filter, so a resized image can differ from it by a grey level.
 */
export async function imageChoice(file: Blob, fileName: string, width: number, height: number): Promise<InputChoice> {
  const bitmap = await createImageBitmap(file);
  try {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    const data = ctx.getImageData(0, 0, width, height).data;
    return { source: 'image', fileName, image: { width, height, layout: 'rgba', pixels: new Uint8ClampedArray(data) }, originalSize: [bitmap.width, bitmap.height] };
  } finally {
    bitmap.close();
  }
}

/** The RGBA pixels of an image value, for drawing (planar values are expanded). */
export function rgbaOf(image: ImageValue): Uint8ClampedArray {
  if (image.layout === 'rgba') return image.pixels instanceof Uint8ClampedArray ? image.pixels : new Uint8ClampedArray(image.pixels);
  const n = image.width * image.height;
  const planes = image.pixels.length / n;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 4 + c] = image.pixels[(planes === 3 ? c : 0) * n + i];
    out[i * 4 + 3] = 255;
  }
  return out;
}
