// The anchor-box decoder of an SSD detector as a NeuralNetwork model, built layer by layer the way
// the MobileNetV2 + SSDLite walkthrough builds it (permute, slice, multiply, loadConstant, add,
// unary exp, concat), so the result can be opened, inspected and edited like any other network.
// For every box b with predictions t and anchor a (both in the same coordinate order):
//   x = tx / sx · aw + ax,   y = ty / sy · ah + ay,   w = exp(tw / sw) · aw,   h = exp(th / sh) · ah
// Inputs are the detector's raw outputs with a trailing size-1 axis, (classes[+1], N, 1) and
// (4, N, 1): under RANK5_ARRAY_MAPPING a multi-array input must have rank 1 or 3
// (NeuralNetwork.proto), so (C, N, 1) is read as [C, H=N, W=1] with the coordinates in the channel
// axis, which is what lets the slices and the concat work on channels. Outputs are what
// NonMaximumSuppression reads: raw_confidence (N, classes) and raw_coordinates (N, 4) in
// (x, y, width, height).
import { ArrayFeatureType_ArrayDataType, type FeatureDescription, type Model, type NeuralNetworkLayer } from '../format';
import { SurgeryError } from './errors';
import { newLayer } from './layer-defaults';

export type CoordinateOrder = 'yxhw' | 'xywh';
export type ArrayDataType = 'double' | 'float32';

/** FeatureTypes.proto ArrayFeatureType.ArrayDataType. */
export const ARRAY_DATA_TYPE: Readonly<Record<ArrayDataType, number>> = { double: ArrayFeatureType_ArrayDataType.DOUBLE, float32: ArrayFeatureType_ArrayDataType.FLOAT32 };

export interface AnchorArray {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

export interface AnchorDecoderOptions {
  /** The anchor boxes, (4, N) or (N, 4) (a trailing size-1 axis is allowed), in `order`. */
  readonly anchors: AnchorArray;
  /** Needed only when the anchors array is (4, 4): which axis holds the four coordinates. */
  readonly anchorsLayout?: '4xN' | 'Nx4';
  /** The order of the four numbers in both the predictions and the anchors. TensorFlow's SSD uses yxhw. */
  readonly order: CoordinateOrder;
  /** Scale factors in `order` (SSD: 10, 10, 5, 5); a prediction is divided by its factor. */
  readonly scales?: readonly [number, number, number, number];
  /** Number of object classes the detector outputs (COCO SSD: 90). */
  readonly classes: number;
  /** The scores input has classes + 1 rows, the first being "no object"; the decoder drops it. */
  readonly dropBackground?: boolean;
  readonly scoresName?: string;
  readonly boxesName?: string;
  readonly confidenceName?: string;
  readonly coordinatesName?: string;
  /** Element type of the declared inputs and outputs (DOUBLE works with NMS from specification 3). */
  readonly dataType?: ArrayDataType;
}

export interface DecoderAnchors {
  /** Anchors as four rows of N values each, in the caller's order. */
  readonly rows: readonly [Float32Array, Float32Array, Float32Array, Float32Array];
  readonly count: number;
}

/** Reads an anchors array of shape (4, N) or (N, 4) into four rows. */
export function anchorRows(anchors: AnchorArray, layout?: '4xN' | 'Nx4'): DecoderAnchors {
  const shape = [...anchors.shape];
  while (shape.length > 2 && shape[shape.length - 1] === 1) shape.pop();
  if (shape.length !== 2 || (shape[0] !== 4 && shape[1] !== 4)) {
    throw new SurgeryError(`anchors: expected an array of shape (4, N) or (N, 4), got (${anchors.shape.join(', ')})`);
  }
  if (anchors.data.length !== shape[0] * shape[1]) throw new SurgeryError(`anchors: ${anchors.data.length} values for shape (${anchors.shape.join(', ')})`);
  let fourByN: boolean;
  if (shape[0] === 4 && shape[1] === 4) {
    if (!layout) throw new SurgeryError('anchors: a (4, 4) array is ambiguous; say whether the coordinates are the rows (4xN) or the columns (Nx4)');
    fourByN = layout === '4xN';
  } else fourByN = shape[0] === 4;
  if (layout && fourByN !== (layout === '4xN')) throw new SurgeryError(`anchors: the array is (${shape.join(', ')}), which is not ${layout}`);
  const n = fourByN ? shape[1] : shape[0];
  if (n < 1) throw new SurgeryError('anchors: the array holds no anchor boxes');
  const rows = [0, 1, 2, 3].map(() => new Float32Array(n)) as unknown as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let c = 0; c < 4; c++) for (let b = 0; b < n; b++) rows[c][b] = anchors.data[fourByN ? c * n + b : b * 4 + c];
  for (const r of rows) for (const v of r) if (!Number.isFinite(v)) throw new SurgeryError('anchors: the array holds a value that is not a finite number');
  return { rows, count: n };
}

const array = (name: string, shape: readonly number[], dataType: number, shortDescription?: string): FeatureDescription =>
  Object.freeze({ name, ...(shortDescription ? { shortDescription } : {}), type: Object.freeze({ multiArrayType: Object.freeze({ shape: Object.freeze([...shape]), dataType }) }) });

/** NeuralNetwork.proto SliceLayerParams.SliceAxis. */
const CHANNEL_AXIS = 0, WIDTH_AXIS = 2;
/** NeuralNetwork.proto UnaryFunctionLayerParams.Operation. */
const EXP = 4;

function checkName(what: string, name: string): void {
  if (!name || name !== name.trim()) throw new SurgeryError(`${what}: "${name}" is not a usable feature name`);
}

/**
 * Scales a pair of channels: one multiply layer when both factors are equal (the walkthrough's
 * multiply with alpha = 1/10), otherwise a scale layer with one factor per channel.
 */
function scalePair(name: string, input: string, output: string, a: number, b: number): NeuralNetworkLayer {
  if (a === b) return newLayer('multiply', name, [input], [output], { alpha: 1 / a });
  return newLayer('scale', name, [input], [output], { shapeScale: [2], scale: { floatValue: Float32Array.of(1 / a, 1 / b) } });
}

/** Builds the decoder model. */
export function buildAnchorDecoder(options: AnchorDecoderOptions): Model {
  const { classes, order } = options;
  if (order !== 'yxhw' && order !== 'xywh') throw new SurgeryError(`order: expected yxhw or xywh, got ${String(order)}`);
  if (!Number.isInteger(classes) || classes < 1) throw new SurgeryError(`classes: expected a positive integer, got ${classes}`);
  const scales = options.scales ?? [10, 10, 5, 5];
  // A prediction is divided by its factor: zero has no quotient and a negative one mirrors the box.
  if (scales.length !== 4 || scales.some((s) => !Number.isFinite(s) || s <= 0)) throw new SurgeryError(`scales: expected four positive numbers, got ${scales.join(', ')}`);
  const { rows, count: n } = anchorRows(options.anchors, options.anchorsLayout);
  const names = {
    scores: options.scoresName ?? 'scores',
    boxes: options.boxesName ?? 'boxes',
    confidence: options.confidenceName ?? 'raw_confidence',
    coordinates: options.coordinatesName ?? 'raw_coordinates',
  };
  for (const [what, name] of Object.entries(names)) checkName(what, name);
  if (new Set(Object.values(names)).size !== 4) throw new SurgeryError(`the four feature names must differ (${Object.values(names).join(', ')})`);
  const dataType = ARRAY_DATA_TYPE[options.dataType ?? 'double'];
  const scoreRows = classes + (options.dropBackground ? 1 : 0);

  // Pair 1 is the centre (yx or xy), pair 2 the size (hw or wh); each centre is scaled by the
  // anchor's size on the same axis, so pair 1 multiplies with the anchors' pair 2.
  const [p1, p2] = order === 'yxhw' ? ['yx', 'hw'] : ['xy', 'wh'];
  const pairOf = (r0: number) => Float32Array.from({ length: 2 * n }, (_, i) => rows[r0 + (i >= n ? 1 : 0)][i % n]);
  const layers: NeuralNetworkLayer[] = [
    // (C, N, 1) → permute [Seq, C, H, W] to [Seq, W, H, C] → (1, N, C): one row of classes per box.
    newLayer('permute', 'permute_scores', [names.scores], [options.dropBackground ? 'permute_scores_output' : names.confidence], { axis: [0, 3, 2, 1] }),
  ];
  // The first class is "no object"; the slice keeps classes 1…C (end index exclusive).
  if (options.dropBackground) layers.push(newLayer('slice', 'slice_scores', ['permute_scores_output'], [names.confidence], { startIndex: 1, endIndex: classes + 1, stride: 1, axis: WIDTH_AXIS }));
  layers.push(
    newLayer('slice', `slice_${p1}`, [names.boxes], [`slice_${p1}_output`], { startIndex: 0, endIndex: 2, stride: 1, axis: CHANNEL_AXIS }),
    scalePair(`scale_${p1}`, `slice_${p1}_output`, `scale_${p1}_output`, scales[0], scales[1]),
    newLayer('loadConstant', `anchors_${p1}`, [], [`anchors_${p1}`], { shape: [2, n, 1], data: { floatValue: pairOf(0) } }),
    newLayer('loadConstant', `anchors_${p2}`, [], [`anchors_${p2}`], { shape: [2, n, 1], data: { floatValue: pairOf(2) } }),
    newLayer('multiply', `${p1}_times_${p2}`, [`scale_${p1}_output`, `anchors_${p2}`], [`${p1}_times_${p2}_output`], { alpha: 1 }),
    newLayer('add', `decoded_${p1}`, [`${p1}_times_${p2}_output`, `anchors_${p1}`], [`decoded_${p1}_output`], { alpha: 0 }),
    newLayer('slice', `slice_${p2}`, [names.boxes], [`slice_${p2}_output`], { startIndex: 2, endIndex: 4, stride: 1, axis: CHANNEL_AXIS }),
    scalePair(`scale_${p2}`, `slice_${p2}_output`, `scale_${p2}_output`, scales[2], scales[3]),
    newLayer('unary', `exp_${p2}`, [`scale_${p2}_output`], [`exp_${p2}_output`], { type: EXP, alpha: 1, scale: 1, shift: 0 }),
    newLayer('multiply', `decoded_${p2}`, [`exp_${p2}_output`, `anchors_${p2}`], [`decoded_${p2}_output`], { alpha: 1 }),
  );
  if (order === 'yxhw') {
    // NonMaximumSuppression wants (x, y, width, height): split the pairs and concatenate swapped.
    const one = (name: string, from: string, start: number) => newLayer('slice', `slice_${name}`, [from], [`slice_${name}_output`], { startIndex: start, endIndex: start + 1, stride: 1, axis: CHANNEL_AXIS });
    layers.push(
      one('y', 'decoded_yx_output', 0), one('x', 'decoded_yx_output', 1), one('h', 'decoded_hw_output', 0), one('w', 'decoded_hw_output', 1),
      newLayer('concat', 'concat', ['slice_x_output', 'slice_y_output', 'slice_w_output', 'slice_h_output'], ['concat_output'], {}),
    );
  } else {
    layers.push(newLayer('concat', 'concat', ['decoded_xy_output', 'decoded_wh_output'], ['concat_output'], {}));
  }
  // (4, N, 1) → (1, N, 4).
  layers.push(newLayer('permute', 'permute_coordinates', ['concat_output'], [names.coordinates], { axis: [0, 3, 2, 1] }));

  return Object.freeze({
    specificationVersion: 1,
    description: Object.freeze({
      input: Object.freeze([
        array(names.scores, [scoreRows, n, 1], dataType, options.dropBackground ? `Class scores (background first, then ${classes} classes) for each of the ${n} anchor boxes` : `Class scores for each of the ${n} anchor boxes`),
        array(names.boxes, [4, n, 1], dataType, `Predicted box offsets (${order.split('').join(', ')}) relative to each of the ${n} anchor boxes`),
      ]),
      output: Object.freeze([
        array(names.confidence, [n, classes], dataType, 'Boxes × Class confidence'),
        array(names.coordinates, [n, 4], dataType, 'Boxes × [x, y, width, height] (relative to image size)'),
      ]),
      metadata: Object.freeze({ shortDescription: `Decodes ${n} SSD box predictions with their anchor boxes (scale factors ${scales.join(', ')})` }),
    }),
    neuralNetwork: Object.freeze({ layers: Object.freeze(layers) }),
  });
}
