// NonMaximumSuppression (NonMaximumSuppression.proto), the PickTop method:
//  0. boxes whose confidence is below the confidence threshold are discarded;
//  1. the rest are sorted by descending confidence;
//  2. the top one is kept and every remaining box that overlaps it by more than the IoU
//     threshold is discarded; repeat on what is left.
// A box's confidence is its highest class confidence and its class that argmax; with
// pickTop.perClass, suppression happens only between boxes of the same class. Coordinates are
// (x, y, width, height) with (x, y) the box centre, as Vision reads them. The proto's sentence
// "within the radius … if their IOU score is less than this value" contradicts its own "setting
// it to 1.0 means there will be no suppression": we suppress when IoU > threshold, so 1.0
// suppresses nothing and 0.0 suppresses every overlapping box.
// Outputs have the inputs' row layout with n rows (n = kept boxes); a fixed first dimension
// declared on an output, or the lower bound of a range, pads with zero rows, and a fixed size or
// upper bound truncates ("the unused boxes are filled with zero confidence").
import type { FeatureDescription, Model, NonMaximumSuppression } from '../format';
import { ExecutorError, type FeatureValue, type RunResult, type Tensor } from './types';

export interface NmsParameters {
  iouThreshold: number;
  confidenceThreshold: number;
  perClass: boolean;
}

export interface NmsSelection {
  /** Indices of the kept input rows, in output order (descending confidence). */
  kept: number[];
}

function intersectionOverUnion(c: Float32Array, a: number, b: number): number {
  const ax = c[a * 4], ay = c[a * 4 + 1], aw = c[a * 4 + 2], ah = c[a * 4 + 3];
  const bx = c[b * 4], by = c[b * 4 + 1], bw = c[b * 4 + 2], bh = c[b * 4 + 3];
  const iw = Math.min(ax + aw / 2, bx + bw / 2) - Math.max(ax - aw / 2, bx - bw / 2);
  const ih = Math.min(ay + ah / 2, by + bh / 2) - Math.max(ay - ah / 2, by - bh / 2);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = aw * ah + bw * bh - inter;
  return union > 0 ? inter / union : 0;
}

/** PickTop over `boxes` rows of `classes` confidences and (x, y, w, h) coordinates. */
export function selectBoxes(confidence: Float32Array, coordinates: Float32Array, boxes: number, classes: number, p: NmsParameters): NmsSelection {
  const score = new Float32Array(boxes);
  const label = new Int32Array(boxes);
  const candidates: number[] = [];
  for (let i = 0; i < boxes; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (confidence[i * classes + c] > confidence[i * classes + best]) best = c;
    label[i] = best;
    score[i] = classes ? confidence[i * classes + best] : 0;
    if (classes && score[i] >= p.confidenceThreshold) candidates.push(i);
  }
  // Stable: equal confidences keep input order.
  candidates.sort((a, b) => score[b] - score[a] || a - b);
  const suppressed = new Uint8Array(boxes);
  const kept: number[] = [];
  for (let n = 0; n < candidates.length; n++) {
    const i = candidates[n];
    if (suppressed[i]) continue;
    kept.push(i);
    for (let m = n + 1; m < candidates.length; m++) {
      const j = candidates[m];
      if (suppressed[j] || (p.perClass && label[j] !== label[i])) continue;
      if (intersectionOverUnion(coordinates, i, j) > p.iouThreshold) suppressed[j] = 1;
    }
  }
  return { kept };
}

function matrix(v: FeatureValue | undefined, name: string, columns: number | undefined): { rows: number; cols: number; data: Float32Array } {
  if (!v) throw new ExecutorError(`nonMaximumSuppression: input "${name}" was not given`);
  if (v.kind !== 'tensor') throw new ExecutorError(`nonMaximumSuppression: input "${name}" is a ${v.kind}, an array was expected`);
  const { shape, data } = v.tensor;
  // (N, C) or with leading/trailing size-1 axes, e.g. (1, N, C) or (N, C, 1).
  const dims = shape.filter((d) => d !== 1);
  const cols = columns ?? (dims.length >= 2 ? dims[dims.length - 1] : shape[shape.length - 1] ?? 1);
  if (cols === 0 || data.length % cols !== 0) throw new ExecutorError(`nonMaximumSuppression: input "${name}" of shape [${shape}] is not N rows of ${cols}`);
  return { rows: data.length / cols, cols, data };
}

function scalarInput(inputs: Map<string, FeatureValue>, name: string | undefined, fallback: number): number {
  if (!name) return fallback;
  const v = inputs.get(name);
  if (!v) return fallback;
  if (v.kind === 'double' || v.kind === 'int64') return v.value;
  if (v.kind === 'tensor' && v.tensor.data.length === 1) return v.tensor.data[0];
  throw new ExecutorError(`nonMaximumSuppression: input "${name}" is a ${v.kind}, a double was expected`);
}

/** The row count an output description allows: [min, max] (max Infinity when unbounded). */
export function outputRowBounds(desc: FeatureDescription | undefined): [number, number] {
  const t = desc?.type?.multiArrayType;
  if (!t) return [0, Infinity];
  const range = t.shapeRange?.sizeRanges?.[0];
  if (range) {
    const hi = Number(range.upperBound ?? -1);
    return [Number(range.lowerBound ?? 0), hi < 0 ? Infinity : hi];
  }
  const enumerated = t.enumeratedShapes?.shapes;
  if (enumerated?.length) {
    const firsts = enumerated.map((s) => Number(s.shape?.[0] ?? 0));
    return [Math.min(...firsts), Math.max(...firsts)];
  }
  // A fixed shape (deprecated `shape`) pins the row count; shape [] or a 0 leaves it free.
  const fixed = Number(t.shape?.[0] ?? 0);
  return t.shape && t.shape.length >= 2 && fixed > 0 ? [fixed, fixed] : [0, Infinity];
}

function rowsTensor(data: Float32Array, cols: number, kept: number[], rows: number): Tensor {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < Math.min(rows, kept.length); r++) out.set(data.subarray(kept[r] * cols, kept[r] * cols + cols), r * cols);
  return { shape: [rows, cols], data: out };
}

export function nmsParameters(m: NonMaximumSuppression, inputs: Map<string, FeatureValue>): NmsParameters {
  return {
    iouThreshold: scalarInput(inputs, m.iouThresholdInputFeatureName, m.iouThreshold ?? 0),
    confidenceThreshold: scalarInput(inputs, m.confidenceThresholdInputFeatureName, m.confidenceThreshold ?? 0),
    // Without pickTop set the method is still PickTop (the only one), class-agnostic.
    perClass: m.pickTop?.perClass ?? false,
  };
}

export function runNonMaximumSuppression(model: Model, inputs: Map<string, FeatureValue>): RunResult {
  const m = model.nonMaximumSuppression;
  if (!m) throw new ExecutorError('nonMaximumSuppression: the model is not a NonMaximumSuppression model');
  const names = {
    confIn: m.confidenceInputFeatureName || 'confidence',
    coordIn: m.coordinatesInputFeatureName || 'coordinates',
    confOut: m.confidenceOutputFeatureName || 'confidence',
    coordOut: m.coordinatesOutputFeatureName || 'coordinates',
  };
  const conf = matrix(inputs.get(names.confIn), names.confIn, undefined);
  const coords = matrix(inputs.get(names.coordIn), names.coordIn, 4);
  if (conf.rows !== coords.rows) throw new ExecutorError(`nonMaximumSuppression: ${conf.rows} confidence rows but ${coords.rows} coordinate rows`);
  const labels = m.stringClassLabels?.vector ?? m.int64ClassLabels?.vector;
  if (labels && labels.length !== conf.cols) throw new ExecutorError(`nonMaximumSuppression: ${labels.length} class labels for ${conf.cols} confidence columns`);
  const { kept } = selectBoxes(conf.data, coords.data, conf.rows, conf.cols, nmsParameters(m, inputs));
  const outs = model.description?.output ?? [];
  const [cLo, cHi] = outputRowBounds(outs.find((o) => o.name === names.confOut));
  const [kLo, kHi] = outputRowBounds(outs.find((o) => o.name === names.coordOut));
  const rows = Math.min(Math.max(kept.length, cLo, kLo), cHi, kHi);
  return {
    outputs: new Map<string, FeatureValue>([
      [names.confOut, { kind: 'tensor', tensor: rowsTensor(conf.data, conf.cols, kept, rows) }],
      [names.coordOut, { kind: 'tensor', tensor: rowsTensor(coords.data, 4, kept, rows) }],
    ]),
    blobs: new Map(),
  };
}
