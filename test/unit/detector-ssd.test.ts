// The MobileNetV2 + SSDLite walkthrough rebuilt end to end: an SSD-like network built here
// (scores (91, 1917), boxes (4, 1917, 1)), the generated anchor decoder, NonMaximumSuppression,
// one pipeline. It validates, saves, and runs through the executor against a hand-worked case.
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../shared/format/model';
import type { Model } from '../../shared/format/schema/types.generated';
import { runModel } from '../../shared/executor/index';
import type { FeatureValue } from '../../shared/executor/types';
import { validateModel, formatDiagnostic } from '../../shared/validate';
import { buildSsdDetector } from '../../shared/surgery/detector';
import { findStageMismatches } from '../../shared/surgery/pipeline';

const DOUBLE = 65600;
const N = 1917, CLASSES = 90;

// The "SSD network": one input holding 91 score rows and 4 box rows per anchor, sliced apart,
// declared the way tfcoreml left the walkthrough's model after clean-up.
const network: Model = {
  specificationVersion: 1,
  description: {
    input: [{ name: 'features', shortDescription: 'Backbone features', type: { multiArrayType: { shape: [95, N, 1], dataType: DOUBLE } } }],
    output: [
      { name: 'scores', shortDescription: 'Predicted class scores for each bounding box', type: { multiArrayType: { shape: [91, N], dataType: DOUBLE } } },
      { name: 'boxes', shortDescription: 'Predicted coordinates for each bounding box', type: { multiArrayType: { shape: [4, N, 1], dataType: DOUBLE } } },
    ],
    metadata: { author: 'test', shortDescription: 'SSD-like network' },
  },
  neuralNetwork: { layers: [
    { name: 'class_head', input: ['features'], output: ['scores'], slice: { startIndex: 0, endIndex: 91, stride: 1, axis: 0 } },
    { name: 'box_head', input: ['features'], output: ['boxes'], slice: { startIndex: 91, endIndex: 95, stride: 1, axis: 0 } },
  ] },
};

// Anchors (y, x, h, w), TensorFlow's order, as (4, N). Boxes A, B and C share one anchor.
const A = 10, B = 11, C = 500, D = 1000;
const anchors = new Float32Array(4 * N);
for (let b = 0; b < N; b++) {
  anchors[b] = ((b % 19) + 0.5) / 19; // y
  anchors[N + b] = ((Math.floor(b / 19) % 19) + 0.5) / 19; // x
  anchors[2 * N + b] = 0.1 + (b % 3) * 0.05; // h
  anchors[3 * N + b] = 0.1 + (b % 5) * 0.04; // w
}
for (const b of [B, C]) for (let r = 0; r < 4; r++) anchors[r * N + b] = anchors[r * N + A];
const anchorOf = (b: number) => ({ y: anchors[b], x: anchors[N + b], h: anchors[2 * N + b], w: anchors[3 * N + b] });

// Features: 91 score rows (row 0 background) then ty, tx, th, tw.
const features = new Float32Array(95 * N);
for (let b = 0; b < N; b++) {
  features[b] = 0.9; // background
  for (let c = 1; c <= CLASSES; c++) features[c * N + b] = 0.01;
}
const setScore = (b: number, cls: number, v: number) => { features[(cls + 1) * N + b] = v; features[b] = 1 - v; };
const setBox = (b: number, t: [number, number, number, number]) => t.forEach((v, r) => { features[(91 + r) * N + b] = v; });
setScore(A, 5, 0.9); setBox(A, [1, -2, 0.5, 1]);
setScore(B, 5, 0.8); setBox(B, [1.5, -1.5, 0.6, 0.8]); // nearly A's box, same class: suppressed
setScore(C, 7, 0.7); setBox(C, [1, -2, 0.5, 1]); // A's box exactly, another class: kept (per class)
setScore(D, 2, 0.3); setBox(D, [0, 0, 0, 0]); // under the confidence threshold 0.4: dropped

// The walkthrough's decoding formula, by hand, in double precision.
function decoded(b: number): number[] {
  const a = anchorOf(b);
  const [ty, tx, th, tw] = [0, 1, 2, 3].map((r) => features[(91 + r) * N + b]);
  return [(tx / 10) * a.w + a.x, (ty / 10) * a.h + a.y, Math.exp(tw / 5) * a.w, Math.exp(th / 5) * a.h];
}
function iou(p: number[], q: number[]): number {
  const iw = Math.min(p[0] + p[2] / 2, q[0] + q[2] / 2) - Math.max(p[0] - p[2] / 2, q[0] - q[2] / 2);
  const ih = Math.min(p[1] + p[3] / 2, q[1] + q[3] / 2) - Math.max(p[1] - p[3] / 2, q[1] - q[3] / 2);
  const inter = Math.max(0, iw) * Math.max(0, ih);
  return inter / (p[2] * p[3] + q[2] * q[3] - inter);
}
const classRow = (b: number) => Array.from({ length: CLASSES }, (_, c) => Math.fround(features[(c + 1) * N + b]));

const labels = Array.from({ length: CLASSES }, (_, i) => `class${i}`);

function build(): Model {
  return buildSsdDetector({
    network, anchors: { shape: [4, N], data: anchors }, order: 'yxhw', scales: [10, 10, 5, 5], classes: CLASSES, dropBackground: true, labels,
    iouThreshold: 0.6, confidenceThreshold: 0.4, perClass: true, overrideInputs: true,
  });
}

function run(spec: Model, extra: [string, FeatureValue][] = []) {
  const r = runModel(spec, new Map<string, FeatureValue>([['features', { kind: 'tensor', tensor: { shape: [95, N, 1], data: features } }], ...extra]));
  const conf = r.outputs.get('confidence'), coords = r.outputs.get('coordinates');
  if (conf?.kind !== 'tensor' || coords?.kind !== 'tensor') throw new Error('the detector returned no confidence/coordinates arrays');
  return { conf: conf.tensor, coords: coords.tensor };
}

describe('the walkthrough\'s detector: SSD network + decoder + NMS in one pipeline', () => {
  it('the hand-worked case is what the test claims (B overlaps A well above 0.6, C is A\'s box)', () => {
    expect(iou(decoded(A), decoded(B))).toBeGreaterThan(0.8);
    expect(iou(decoded(A), decoded(B))).toBeLessThan(0.95);
    expect(iou(decoded(A), decoded(C))).toBeCloseTo(1, 12);
  });

  it('is one pipeline of network, decoder and NMS with the walkthrough\'s interface, metadata and version', () => {
    const spec = build();
    const stages = spec.pipeline!.models!;
    expect(stages.map((m) => Object.keys(m).find((k) => k !== 'specificationVersion' && k !== 'description'))).toEqual(['neuralNetwork', 'neuralNetwork', 'nonMaximumSuppression']);
    const decoder = stages[1];
    expect(decoder.neuralNetwork!.layers!.map((l) => Object.keys(l).find((k) => !['name', 'input', 'output'].includes(k)))).toEqual([
      'permute', 'slice', 'slice', 'multiply', 'loadConstant', 'loadConstant', 'multiply', 'add', 'slice', 'multiply', 'unary', 'multiply', 'slice', 'slice', 'slice', 'slice', 'concat', 'permute',
    ]);
    // The (91, 1917) vs (91, 1917, 1) mismatch was fixed on the network's side, as the walkthrough does.
    expect(stages[0].description!.output!.map((o) => o.type!.multiArrayType!.shape!.map(Number))).toEqual([[91, N, 1], [4, N, 1]]);
    expect(findStageMismatches(spec)).toEqual([]);
    const d = spec.description!;
    expect(d.input!.map((f) => [f.name, Object.keys(f.type!)[0], f.shortDescription])).toEqual([
      ['features', 'multiArrayType', 'Backbone features'],
      ['iouThreshold', 'doubleType', '(optional) IOU threshold override (default: 0.6)'],
      ['confidenceThreshold', 'doubleType', '(optional) Confidence threshold override (default: 0.4)'],
    ]);
    expect(d.output!.map((f) => f.name)).toEqual(['confidence', 'coordinates']);
    expect(d.output![1].shortDescription).toBe('Boxes × [x, y, width, height] (relative to image size)');
    expect(d.output![0].type!.multiArrayType!.shapeRange!.sizeRanges!.map((r) => [Number(r.lowerBound), Number(r.upperBound)])).toEqual([[0, -1], [90, 90]]);
    const ud = d.metadata!.userDefined!;
    expect(ud.get('classes')!.split(',')).toEqual(labels);
    expect(ud.get('iou_threshold')).toBe('0.6');
    expect(ud.get('confidence_threshold')).toBe('0.4');
    expect(d.metadata!.author).toBe('test');
    expect(spec.specificationVersion).toBe(3);
    const nms = stages[2].nonMaximumSuppression!;
    expect([nms.confidenceInputFeatureName, nms.coordinatesInputFeatureName, nms.iouThresholdInputFeatureName, nms.confidenceThresholdInputFeatureName]).toEqual(['raw_confidence', 'raw_coordinates', 'iouThreshold', 'confidenceThreshold']);
    expect(nms.pickTop!.perClass).toBe(true);
    expect(nms.stringClassLabels!.vector).toEqual(labels);
  });

  it('validates with no errors, before and after a save', () => {
    const spec = build();
    const errors = (m: Model) => validateModel(m).filter((x) => x.severity === 'error').map(formatDiagnostic);
    expect(errors(spec)).toEqual([]);
    expect(errors(decodeModel(encodeModel(spec)))).toEqual([]);
  });

  it('runs end to end: A kept, B suppressed by A, C of another class kept, D under the threshold dropped', () => {
    const spec = decodeModel(encodeModel(build()));
    const { conf, coords } = run(spec);
    expect(conf.shape).toEqual([2, CLASSES]);
    expect(coords.shape).toEqual([2, 4]);
    expect(Array.from(conf.data.subarray(0, CLASSES))).toEqual(classRow(A));
    expect(Array.from(conf.data.subarray(CLASSES))).toEqual(classRow(C));
    const expected = [...decoded(A), ...decoded(C)];
    Array.from(coords.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('the threshold override inputs reach NMS: IoU 0.95 keeps B, confidence 0.25 adds D', () => {
    const spec = build();
    const looser = run(spec, [['iouThreshold', { kind: 'double', value: 0.95 }]]);
    expect(looser.conf.shape).toEqual([3, CLASSES]);
    expect(Array.from(looser.conf.data.subarray(CLASSES, 2 * CLASSES))).toEqual(classRow(B));
    const lower = run(spec, [['confidenceThreshold', { kind: 'double', value: 0.25 }]]);
    expect(lower.conf.shape).toEqual([3, CLASSES]);
    Array.from(lower.coords.data.subarray(8)).forEach((v, i) => expect(v).toBeCloseTo(decoded(D)[i], 5));
  });
});
