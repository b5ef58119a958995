// What the tensor viewer computes from a blob, kept apart from React so it can be tested in
// Node: statistics with NaN and Inf counted separately, channel planes, a perceptual colour map,
// top-k with class labels, and the (coordinates, confidence) pair of a detector's outputs.
import { chw, type FeatureValue } from '../../../shared/executor';
import type { Model } from '../../../shared/format';
import { histogram, tensorStats } from '../weights/stats';

export interface BlobStats {
  readonly count: number;
  readonly nan: number;
  readonly inf: number;
  /** Over the finite values. */
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
  readonly histogram: readonly number[];
}

export function blobStats(data: Float32Array, bins = 40): BlobStats {
  const s = tensorStats(data);
  let nan = 0;
  if (s.nonFinite) for (let i = 0; i < data.length; i++) if (Number.isNaN(data[i])) nan++;
  return { count: s.count, nan, inf: s.nonFinite - nan, min: s.min, max: s.max, mean: s.mean, std: s.std, histogram: histogram(data, s, bins) };
}

/** A blob seen as images: `batch` groups of C planes of H×W (rank-5 blobs: batch = Seq·Batch). */
export interface Planes {
  readonly batch: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
}

export const planesOf = (shape: readonly number[]): Planes => {
  const { batch, C, H, W } = chw(shape);
  return { batch, C, H, W };
};

/** Whether a blob is worth drawing as heatmaps: a map of at least two rows, not a vector ([C], [1, 1, C, 1, 1], [1, W]). */
export const isSpatial = (p: Planes): boolean => p.H > 1;

/**
 * Viridis (matplotlib's default; perceptually uniform, readable in grey and by colour-blind
 * readers) sampled at nine points and interpolated to 256 entries, RGB.
 */
export const COLOUR_MAP: Uint8Array = (() => {
  const stops = [
    [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
    [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
  ];
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const f = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(f));
    const t = f - k;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(stops[k][c] * (1 - t) + stops[k + 1][c] * t);
  }
  return lut;
})();

/** The colour of NaN (magenta) and of ±Inf (white and black) in heatmaps. */
const NAN_RGB = [255, 0, 255], POS_INF_RGB = [255, 255, 255], NEG_INF_RGB = [0, 0, 0];

/**
 * Colours one H×W plane starting at `offset` into RGBA `out`, values mapped linearly from
 * [lo, hi] onto the colour map (a constant plane takes the middle colour).
 */
export function heatmapInto(data: Float32Array, offset: number, H: number, W: number, lo: number, hi: number, out: Uint8ClampedArray): void {
  const span = hi - lo;
  for (let i = 0; i < H * W; i++) {
    const x = data[offset + i];
    let rgb: ArrayLike<number>;
    let o = 0;
    if (Number.isNaN(x)) rgb = NAN_RGB;
    else if (x === Infinity) rgb = POS_INF_RGB;
    else if (x === -Infinity) rgb = NEG_INF_RGB;
    else {
      const k = span > 0 ? Math.max(0, Math.min(255, Math.round(((x - lo) / span) * 255))) : 128;
      rgb = COLOUR_MAP;
      o = k * 3;
    }
    out[i * 4] = rgb[o];
    out[i * 4 + 1] = rgb[o + 1];
    out[i * 4 + 2] = rgb[o + 2];
    out[i * 4 + 3] = 255;
  }
}

/** Min and max of the finite values of one plane. */
export function planeRange(data: Float32Array, offset: number, n: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = offset; i < offset + n; i++) {
    const x = data[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo === Infinity ? 0 : lo, hi === -Infinity ? 0 : hi];
}

/**
 * An RGBA picture of a 1- or 3-channel map: gray, or three planes as colour (in B, G, R order
 * when `bgr`, as a BGR model's blobs are), each stretched from [lo, hi] to 0…255.
 */
export function imageInto(data: Float32Array, offset: number, C: number, H: number, W: number, lo: number, hi: number, bgr: boolean, out: Uint8ClampedArray): void {
  const n = H * W;
  const span = hi - lo;
  const level = (x: number) => (span > 0 ? ((x - lo) / span) * 255 : 128);
  const order = C === 3 ? (bgr ? [2, 1, 0] : [0, 1, 2]) : [0, 0, 0];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 4 + c] = level(data[offset + order[c] * n + i]);
    out[i * 4 + 3] = 255;
  }
}

/** Class labels of a classifier (a pipeline's last classifier stage, a non-maximum suppression's labels). */
export function classLabelsOf(spec: Model): readonly (string | number)[] | undefined {
  const holders = [spec.neuralNetworkClassifier, spec.nonMaximumSuppression, spec.glmClassifier, spec.supportVectorClassifier, spec.treeEnsembleClassifier, spec.kNearestNeighborsClassifier];
  for (const h of holders) {
    const s = h?.stringClassLabels?.vector;
    if (s?.length) return s;
    const i = h?.int64ClassLabels?.vector;
    if (i?.length) return [...i].map(Number);
  }
  const stages = (spec.pipeline ?? spec.pipelineClassifier?.pipeline ?? spec.pipelineRegressor?.pipeline)?.models ?? [];
  for (let k = stages.length - 1; k >= 0; k--) {
    const l = classLabelsOf(stages[k]);
    if (l) return l;
  }
  return undefined;
}

export interface Ranked {
  readonly index: number;
  readonly label: string;
  readonly value: number;
}

/** The k largest values of a vector, labelled with `labels[index]` when the vector has one value per label. */
export function topK(values: Float32Array, k: number, labels?: readonly (string | number)[]): Ranked[] {
  const useLabels = labels && labels.length === values.length;
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) idx.push(i);
  idx.sort((a, b) => values[b] - values[a] || a - b);
  return idx.slice(0, k).map((i) => ({ index: i, label: useLabels ? String(labels[i]) : `#${i}`, value: values[i] }));
}

/** A classifier's probabilities dictionary, best first. */
export function topKOfDictionary(d: ReadonlyMap<string | number, number>, k: number): Ranked[] {
  return [...d].map(([key, value], index) => ({ index, label: String(key), value })).sort((a, b) => b.value - a.value).slice(0, k);
}

export interface Box {
  /** Normalised to the image: centre x, centre y, width, height (Vision's and Core ML's NMS convention). */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly classIndex: number;
  readonly label: string;
  readonly confidence: number;
}

export interface Detections {
  readonly coordinates: string;
  readonly confidence: string;
  readonly boxes: Box[];
}

/** [n, k] after dropping leading 1s (rank-5 blobs); undefined when there are more dimensions. */
function matrixShape(shape: readonly number[]): [number, number] | undefined {
  const s = [...shape];
  while (s.length > 2 && s[0] === 1) s.shift();
  if (s.length === 1) return [1, s[0]];
  return s.length === 2 ? [s[0], s[1]] : undefined;
}

/**
 * A detector's outputs: an (n, 4) tensor of boxes and an (n, classes) tensor of confidences
 * (the shapes Core ML's NonMaximumSuppression model and the SSD conversion walkthrough produce),
 * found by shape (names such as "coordinates" and "confidence" break ties). Boxes whose best
 * class confidence is below `threshold` are left out.
 */
export function findDetections(values: ReadonlyMap<string, FeatureValue>, labels?: readonly (string | number)[], threshold = 0.3): Detections | undefined {
  const tensors = [...values].filter((e): e is [string, FeatureValue & { kind: 'tensor' }] => e[1].kind === 'tensor');
  const boxesCandidates = tensors.filter(([, v]) => matrixShape(v.tensor.shape)?.[1] === 4).sort(([a], [b]) => Number(/coord|box/i.test(b)) - Number(/coord|box/i.test(a)));
  for (const [coordName, coordValue] of boxesCandidates) {
    const n = matrixShape(coordValue.tensor.shape)![0];
    const conf = tensors.filter(([name, v]) => name !== coordName && matrixShape(v.tensor.shape)?.[0] === n)
      .sort(([a], [b]) => Number(/conf|score/i.test(b)) - Number(/conf|score/i.test(a)))[0];
    if (!conf) continue;
    const [, classes] = matrixShape(conf[1].tensor.shape)!;
    const c = coordValue.tensor.data, p = conf[1].tensor.data;
    const boxes: Box[] = [];
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < classes; k++) if (p[i * classes + k] > p[i * classes + best]) best = k;
      const confidence = p[i * classes + best];
      if (!(confidence >= threshold)) continue;
      const label = labels && labels.length === classes ? String(labels[best]) : `class ${best}`;
      boxes.push({ x: c[i * 4], y: c[i * 4 + 1], w: c[i * 4 + 2], h: c[i * 4 + 3], classIndex: best, label, confidence });
    }
    return { coordinates: coordName, confidence: conf[0], boxes: boxes.sort((a, b) => b.confidence - a.confidence) };
  }
  return undefined;
}

/** "[1, 1, 64, 55, 55]" and its size. */
export const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** A file name for a blob's .npy export ("fire2/squeeze1x1" → "fire2_squeeze1x1.npy"). */
export const npyFileName = (blob: string): string => `${blob.replace(/[^A-Za-z0-9._-]/g, '_') || 'blob'}.npy`;
