// NonMaximumSuppression on a case worked out by hand, and on the NMS stage of the real yolov8n
// package. Boxes are (x, y, w, h) with (x, y) the centre, as Vision reads them.
import * as fsp from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../shared/format/model';
import type { FeatureDescription, Model } from '../../shared/format/schema/types.generated';
import { openModelFile } from '../../shared/io/document';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { runNonMaximumSuppression } from '../../shared/executor/nms';
import type { FeatureValue, Tensor } from '../../shared/executor/types';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const FLOAT32 = 65568;
const flexibleRows = (name: string, cols: number, rows?: [number, number]): FeatureDescription => ({
  name, type: { multiArrayType: { dataType: FLOAT32, shapeRange: { sizeRanges: [{ lowerBound: rows?.[0] ?? 0, upperBound: rows?.[1] ?? -1 }, { lowerBound: cols, upperBound: cols }] } } },
});
const fixedRows = (name: string, rows: number, cols: number): FeatureDescription => ({ name, type: { multiArrayType: { dataType: FLOAT32, shape: [rows, cols] } } });

interface Options { perClass?: boolean; overrides?: boolean; outputs?: [FeatureDescription, FeatureDescription] }
function nmsModel(o: Options = {}): Model {
  return decodeModel(encodeModel({
    specificationVersion: 3,
    description: {
      input: [
        { name: 'raw_confidence', type: { multiArrayType: { dataType: FLOAT32, shape: [5, 3] } } },
        { name: 'raw_coordinates', type: { multiArrayType: { dataType: FLOAT32, shape: [5, 4] } } },
        ...(o.overrides ? [{ name: 'iou', type: { doubleType: {} } }, { name: 'minConfidence', type: { doubleType: {} } }] : []),
      ],
      output: o.outputs ?? [flexibleRows('confidence', 3), flexibleRows('coordinates', 4)],
    },
    nonMaximumSuppression: {
      pickTop: { perClass: o.perClass ?? false },
      stringClassLabels: { vector: ['cat', 'dog', 'bird'] },
      iouThreshold: 0.5,
      confidenceThreshold: 0.3,
      confidenceInputFeatureName: 'raw_confidence',
      coordinatesInputFeatureName: 'raw_coordinates',
      ...(o.overrides ? { iouThresholdInputFeatureName: 'iou', confidenceThresholdInputFeatureName: 'minConfidence' } : {}),
      confidenceOutputFeatureName: 'confidence',
      coordinatesOutputFeatureName: 'coordinates',
    },
  }));
}

// b0: cat 0.9 at (0.5, 0.5) 0.2×0.2
// b1: cat 0.8 at (0.52, 0.5) 0.2×0.2: IoU with b0 = (0.18·0.2)/(0.04+0.04-0.036) = 0.036/0.044 ≈ 0.818
// b2: dog 0.7 at (0.51, 0.5) 0.2×0.2: IoU with b0 = 0.038/0.042 ≈ 0.905 (another class)
// b3: best class 0.2, under the 0.3 confidence threshold
// b4: bird 0.6 at (0.1, 0.1) 0.1×0.1, overlapping nothing
const CONF = [
  [0.9, 0.05, 0],
  [0.8, 0.1, 0],
  [0.1, 0.7, 0.1],
  [0.2, 0.1, 0.05],
  [0, 0, 0.6],
];
const BOXES = [
  [0.5, 0.5, 0.2, 0.2],
  [0.52, 0.5, 0.2, 0.2],
  [0.51, 0.5, 0.2, 0.2],
  [0.3, 0.3, 0.2, 0.2],
  [0.1, 0.1, 0.1, 0.1],
];
const t = (rows: number[][]): FeatureValue => ({ kind: 'tensor', tensor: { shape: [rows.length, rows[0].length], data: Float32Array.from(rows.flat()) } });
const baseInputs = () => new Map<string, FeatureValue>([['raw_confidence', t(CONF)], ['raw_coordinates', t(BOXES)]]);

function outputs(m: Model, inputs = baseInputs()): { confidence: Tensor; coordinates: Tensor } {
  const r = runNonMaximumSuppression(m, inputs).outputs;
  const c = r.get('confidence'), k = r.get('coordinates');
  if (c?.kind !== 'tensor' || k?.kind !== 'tensor') throw new Error('outputs are not arrays');
  return { confidence: c.tensor, coordinates: k.tensor };
}
const rowsOf = (x: Tensor): number[][] => Array.from({ length: x.shape[0] }, (_, i) => Array.from(x.data.subarray(i * x.shape[1], (i + 1) * x.shape[1])));
const f32 = (rows: number[][]) => rows.map((r) => r.map(Math.fround));

describe('NonMaximumSuppression', () => {
  it('per class: the overlapping cat is suppressed, the dog over it and the far bird are kept, the faint box is dropped', () => {
    const { confidence, coordinates } = outputs(nmsModel({ perClass: true }));
    expect(confidence.shape).toEqual([3, 3]);
    expect(coordinates.shape).toEqual([3, 4]);
    expect(rowsOf(confidence)).toEqual(f32([CONF[0], CONF[2], CONF[4]]));
    expect(rowsOf(coordinates)).toEqual(f32([BOXES[0], BOXES[2], BOXES[4]]));
  });

  it('class-agnostic: the dog box is suppressed by the cat box too', () => {
    const { confidence, coordinates } = outputs(nmsModel({ perClass: false }));
    expect(rowsOf(confidence)).toEqual(f32([CONF[0], CONF[4]]));
    expect(rowsOf(coordinates)).toEqual(f32([BOXES[0], BOXES[4]]));
  });

  it('override inputs replace the thresholds; absent overrides leave the model values', () => {
    const m = nmsModel({ perClass: true, overrides: true });
    expect(outputs(m).confidence.shape).toEqual([3, 3]);
    const looser = baseInputs();
    looser.set('iou', { kind: 'double', value: 0.85 }); // b1's 0.818 now stays
    expect(rowsOf(outputs(m, looser).coordinates)).toEqual(f32([BOXES[0], BOXES[1], BOXES[2], BOXES[4]]));
    const stricter = baseInputs();
    stricter.set('minConfidence', { kind: 'double', value: 0.65 }); // the bird (0.6) goes
    expect(rowsOf(outputs(m, stricter).coordinates)).toEqual(f32([BOXES[0], BOXES[2]]));
    const everything = baseInputs();
    everything.set('minConfidence', { kind: 'double', value: 0.95 });
    const none = outputs(m, everything);
    expect(none.confidence.shape).toEqual([0, 3]);
    expect(none.coordinates.shape).toEqual([0, 4]);
    const one = baseInputs();
    one.set('iou', { kind: 'double', value: 1 }); // 1.0 means no suppression: all four confident boxes
    expect(outputs(m, one).coordinates.shape).toEqual([4, 4]);
  });

  it('a fixed output size pads with zero rows; an upper bound truncates to the most confident', () => {
    const padded = outputs(nmsModel({ perClass: true, outputs: [fixedRows('confidence', 5, 3), fixedRows('coordinates', 5, 4)] }));
    expect(padded.confidence.shape).toEqual([5, 3]);
    expect(rowsOf(padded.confidence).slice(3)).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(rowsOf(padded.coordinates)[2]).toEqual(f32([BOXES[4]])[0]);
    const capped = outputs(nmsModel({ perClass: true, outputs: [flexibleRows('confidence', 3, [0, 2]), flexibleRows('coordinates', 4)] }));
    expect(rowsOf(capped.coordinates)).toEqual(f32([BOXES[0], BOXES[2]]));
    expect(capped.confidence.shape).toEqual([2, 3]);
  });

  it('mismatched rows or class labels are refused', () => {
    const m = nmsModel();
    const bad = baseInputs();
    bad.set('raw_coordinates', t(BOXES.slice(0, 4)));
    expect(() => runNonMaximumSuppression(m, bad)).toThrow('5 confidence rows but 4 coordinate rows');
    const wide = baseInputs();
    wide.set('raw_confidence', t(CONF.map((r) => [...r, 0])));
    expect(() => runNonMaximumSuppression(m, wide)).toThrow('3 class labels for 4 confidence columns');
    expect(() => runNonMaximumSuppression(m, new Map())).toThrow('input "raw_confidence" was not given');
  });

  it.skipIf(!sharedPresent)('yolov8n NMS stage: 8400 random boxes, 80 classes, thresholds respected', async () => {
    const entry = manifest().find((e) => e.file === 'saadiahl__cat_feeder_project/yolov8n.mlpackage')!;
    const opened = await openModelFile(nodeFileSystem(fsp), modelPath(entry));
    const stage = opened.spec.pipeline!.models![1];
    const nms = stage.nonMaximumSuppression!;
    expect(nms.pickTop?.perClass).toBe(true);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = 8400;
    const conf = Float32Array.from({ length: n * 80 }, () => rand() ** 8); // mostly faint
    const boxes = Float32Array.from({ length: n * 4 }, (_, i) => (i % 4 < 2 ? rand() : 0.02 + 0.1 * rand()));
    const inputs = new Map<string, FeatureValue>([
      [nms.confidenceInputFeatureName!, { kind: 'tensor', tensor: { shape: [n, 80], data: conf } }],
      [nms.coordinatesInputFeatureName!, { kind: 'tensor', tensor: { shape: [n, 4], data: boxes } }],
    ]);
    const r = outputs(stage, inputs);
    const kept = r.confidence.shape[0];
    expect(r.confidence.shape).toEqual([kept, 80]);
    expect(r.coordinates.shape).toEqual([kept, 4]);
    const rows = rowsOf(r.confidence);
    const best = rows.map((row) => Math.max(...row));
    const confident = Array.from({ length: n }, (_, i) => Math.max(...conf.subarray(i * 80, i * 80 + 80))).filter((v) => v >= 0.25).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(confident);
    expect(Math.min(...best)).toBeGreaterThanOrEqual(0.25);
    for (let i = 1; i < best.length; i++) expect(best[i]).toBeLessThanOrEqual(best[i - 1]);
    // The override input raises the threshold at run time.
    inputs.set(nms.confidenceThresholdInputFeatureName!, { kind: 'double', value: 0.6 });
    const strict = outputs(stage, inputs);
    expect(strict.confidence.shape[0]).toBeLessThan(kept);
    expect(Math.min(...rowsOf(strict.confidence).map((row) => Math.max(...row)))).toBeGreaterThanOrEqual(0.6);
  });
});
