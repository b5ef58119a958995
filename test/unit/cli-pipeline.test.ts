// `mlsurgeon decoder`, `nms`, `pipeline` and `detector` as a user runs them: child processes
// through the bin launcher, on a small SSD-like network built here and on Ultralytics' yolov8n
// ML Program from ../shared/models.
import * as fsp from 'node:fs/promises';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, modelTypeOf } from '../../shared/format/model';
import type { Model } from '../../shared/format/schema/types.generated';
import { writePackage } from '../../shared/format/mlpackage';
import { decodeNpy, encodeNpy } from '../../shared/executor/npy';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile, saveModelFile } from '../../shared/io/document';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';
import { mlsurgeon } from '../support/cli';

const fs = nodeFileSystem(fsp);

const DOUBLE = 65600;
const N = 20, CLASSES = 3;
let dir = '';
const path = (name: string) => join(dir, name);
const exists = async (p: string) => !!(await stat(p).catch(() => undefined));
const load = async (p: string) => decodeModel(new Uint8Array(await readFile(p)));

// An SSD-like network: one input of 4 score rows (background first) and 4 box rows per anchor.
const network: Model = {
  specificationVersion: 1,
  description: {
    input: [{ name: 'features', type: { multiArrayType: { shape: [8, N, 1], dataType: DOUBLE } } }],
    output: [
      { name: 'scores', type: { multiArrayType: { shape: [CLASSES + 1, N], dataType: DOUBLE } } },
      { name: 'boxes', type: { multiArrayType: { shape: [4, N], dataType: DOUBLE } } },
    ],
  },
  neuralNetwork: { layers: [
    { name: 'class_head', input: ['features'], output: ['scores'], slice: { startIndex: 0, endIndex: CLASSES + 1, stride: 1, axis: 0 } },
    { name: 'box_head', input: ['features'], output: ['boxes'], slice: { startIndex: CLASSES + 1, endIndex: CLASSES + 5, stride: 1, axis: 0 } },
  ] },
};

// Anchors (y, x, h, w) on a 4×5 grid; features where box 3 is class 1 at 0.9, box 4 (same anchor,
// same prediction) class 1 at 0.8 and box 12 class 2 at 0.7; everything else background.
const anchors = new Float32Array(4 * N);
for (let b = 0; b < N; b++) { anchors[b] = ((b % 4) + 0.5) / 4; anchors[N + b] = (Math.floor(b / 4) + 0.5) / 5; anchors[2 * N + b] = 0.2; anchors[3 * N + b] = 0.15; }
for (let r = 0; r < 4; r++) anchors[r * N + 4] = anchors[r * N + 3];
const features = new Float32Array(8 * N);
for (let b = 0; b < N; b++) { features[b] = 0.95; for (let c = 1; c <= CLASSES; c++) features[c * N + b] = 0.02; }
for (const [b, c, v] of [[3, 1, 0.9], [4, 1, 0.8], [12, 2, 0.7]]) features[(c + 1) * N + b] = v;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlsurgeon-cli-pipeline-'));
  await writeFile(path('net.mlmodel'), encodeModel(network));
  await writeFile(path('anchors.npy'), encodeNpy({ shape: [4, N], data: anchors }));
  await writeFile(path('features.npy'), encodeNpy({ shape: [8, N, 1], data: features }));
  await writeFile(path('labels.txt'), 'cat\ndog\nbird\n');
  await writeFile(path('iou.npy'), encodeNpy({ shape: [1], data: Float32Array.of(0.5) }));
  await writeFile(path('conf.npy'), encodeNpy({ shape: [1], data: Float32Array.of(0.3) }));
});
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

describe('mlsurgeon decoder', () => {
  it('writes the walkthrough\'s decoder network for the anchors file', async () => {
    const r = await mlsurgeon('decoder', '--anchors', path('anchors.npy'), '--order', 'yxhw', '--scales', '10,10,5,5', '--classes', String(CLASSES), '--drop-background', '--scores', 'scores', '--boxes', 'boxes', '-o', path('decoder.mlmodel'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const spec = await load(path('decoder.mlmodel'));
    expect(spec.description!.input!.map((f) => [f.name, f.type!.multiArrayType!.shape!.map(Number)])).toEqual([['scores', [4, N, 1]], ['boxes', [4, N, 1]]]);
    expect(spec.description!.output!.map((f) => [f.name, f.type!.multiArrayType!.shape!.map(Number)])).toEqual([['raw_confidence', [N, CLASSES]], ['raw_coordinates', [N, 4]]]);
    expect((await mlsurgeon('validate', path('decoder.mlmodel'))).code).toBe(0);
  });

  it('reads anchors from JSON (N rows of 4) too', async () => {
    const rows = Array.from({ length: N }, (_, b) => [0, 1, 2, 3].map((c) => anchors[c * N + b]));
    await writeFile(path('anchors.json'), JSON.stringify(rows));
    const r = await mlsurgeon('decoder', '--anchors', path('anchors.json'), '--order', 'yxhw', '--classes', '3', '-o', path('decoder-json.mlmodel'));
    expect(r.code).toBe(0);
    const a = (await load(path('decoder.mlmodel'))).neuralNetwork!.layers!.find((l) => l.name === 'anchors_hw')!.loadConstant!.data!.floatValue!;
    const b = (await load(path('decoder-json.mlmodel'))).neuralNetwork!.layers!.find((l) => l.name === 'anchors_hw')!.loadConstant!.data!.floatValue!;
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('usage errors exit 2, unreadable anchors are refused with one line, and nothing is written', async () => {
    const out = path('never.mlmodel');
    const bad = await mlsurgeon('decoder', '--anchors', path('anchors.npy'), '--order', 'zyx', '--classes', '3', '-o', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--order takes yxhw or xywh, got zyx');
    await writeFile(path('three.npy'), encodeNpy({ shape: [3, N], data: new Float32Array(3 * N) }));
    const refused = await mlsurgeon('decoder', '--anchors', path('three.npy'), '--order', 'yxhw', '--classes', '3', '-o', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual(['mlsurgeon decoder: refused: anchors: expected an array of shape (4, N) or (N, 4), got (3, 20); nothing written']);
    // The editor's dialog reads the file with the same parseAnchorsFile and shows this reason.
    await writeFile(path('ragged.json'), '[[1, 2, 3, 4], [1, 2, 3]]');
    const ragged = await mlsurgeon('decoder', '--anchors', path('ragged.json'), '--order', 'yxhw', '--classes', '3', '-o', out);
    expect(ragged.code).toBe(1);
    expect(ragged.stderr.trim()).toBe(`mlsurgeon decoder: refused: ${path('ragged.json')}: expected a JSON array of equal-length arrays of numbers; nothing written`);
    // The builder refuses a scale factor the dialog would refuse too (a negative one mirrors the boxes).
    const mirrored = await mlsurgeon('decoder', '--anchors', path('anchors.npy'), '--order', 'yxhw', '--scales', '10,10,-5,5', '--classes', '3', '-o', out);
    expect(mirrored.code).toBe(1);
    expect(mirrored.stderr.trim()).toBe('mlsurgeon decoder: refused: scales: expected four positive numbers, got 10, 10, -5, 5; nothing written');
    expect(await exists(out)).toBe(false);
  });
});

describe('mlsurgeon nms', () => {
  it('builds NMS with labels from a file, per-class, override inputs, flexible outputs', async () => {
    const r = await mlsurgeon('nms', '--labels', path('labels.txt'), '--iou', '0.5', '--confidence', '0.3', '--per-class', '--override-inputs', '-o', path('nms.mlmodel'));
    expect(r.code).toBe(0);
    const spec = await load(path('nms.mlmodel'));
    const n = spec.nonMaximumSuppression!;
    expect(n.stringClassLabels!.vector).toEqual(['cat', 'dog', 'bird']);
    expect([n.iouThreshold, n.confidenceThreshold, n.pickTop!.perClass]).toEqual([0.5, 0.3, true]);
    expect(spec.description!.input!.map((f) => f.name)).toEqual(['raw_confidence', 'raw_coordinates', 'iouThreshold', 'confidenceThreshold']);
    expect(spec.description!.output!.map((f) => [f.name, f.type!.multiArrayType!.shapeRange!.sizeRanges!.map((s) => [Number(s.lowerBound), Number(s.upperBound)])]))
      .toEqual([['confidence', [[0, -1], [3, 3]]], ['coordinates', [[0, -1], [4, 4]]]]);
    expect(spec.specificationVersion).toBe(3);
    // Asked for a package, a single model is written as one.
    const pkg = await mlsurgeon('nms', '--classes', '3', '--iou', '0.5', '--confidence', '0.3', '-o', path('nms.mlpackage'));
    expect(pkg.code).toBe(0);
    const opened = await openModelFile(fs, path('nms.mlpackage'));
    expect([opened.format, opened.warnings.length, modelTypeOf(opened.spec)]).toEqual(['mlpackage', 0, 'nonMaximumSuppression']);
  });

  it('renames its features, takes the walkthrough preset, and refuses bad thresholds without writing', async () => {
    const r = await mlsurgeon('nms', '--classes', '90', '--preset', 'ssd', '--in-confidence', 'c_in', '--in-coordinates', 'k_in', '--out-confidence', 'c_out', '--out-coordinates', 'k_out', '-o', path('nms-ssd.mlmodel'));
    expect(r.code).toBe(0);
    const n = (await load(path('nms-ssd.mlmodel'))).nonMaximumSuppression!;
    expect([n.confidenceInputFeatureName, n.coordinatesInputFeatureName, n.confidenceOutputFeatureName, n.coordinatesOutputFeatureName]).toEqual(['c_in', 'k_in', 'c_out', 'k_out']);
    expect([n.iouThreshold, n.confidenceThreshold, n.pickTop!.perClass, n.iouThresholdInputFeatureName]).toEqual([0.6, 0.4, true, 'iouThreshold']);
    const bad = await mlsurgeon('nms', '--classes', '3', '--iou', '1.5', '--confidence', '0.3', '-o', path('bad-nms.mlmodel'));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('mlsurgeon nms: refused: iouThreshold: expected a number from 0 to 1, got 1.5; nothing written');
    expect(await exists(path('bad-nms.mlmodel'))).toBe(false);
    const usage = await mlsurgeon('nms', '--iou', '0.5', '--confidence', '0.3', '-o', path('bad-nms.mlmodel'));
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give --classes N or --labels FILE');
  });
});

describe('mlsurgeon pipeline', () => {
  it('refuses the walkthrough\'s (4, 20) vs (4, 20, 1) mismatch naming the fix, and applies it with --fix', async () => {
    const out = path('detector.mlmodel');
    const refused = await mlsurgeon('pipeline', path('net.mlmodel'), path('decoder.mlmodel'), path('nms.mlmodel'), '-o', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('reads scores as multiArray DOUBLE (4, 20, 1), but stage 1 (neuralNetwork) produces multiArray DOUBLE (4, 20)');
    expect(refused.stderr).toContain('--fix would: Declare stage 1 (neuralNetwork) output scores as (4, 20, 1) (add size-1 dimensions)');
    expect(await exists(out)).toBe(false);

    const r = await mlsurgeon('pipeline', path('net.mlmodel'), path('decoder.mlmodel'), path('nms.mlmodel'), '-o', out, '--fix');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('inputs features, iouThreshold, confidenceThreshold; outputs confidence, coordinates');
    const spec = await load(out);
    expect(spec.pipeline!.models!.map((m) => modelTypeOf(m))).toEqual(['neuralNetwork', 'neuralNetwork', 'nonMaximumSuppression']);
    expect((await mlsurgeon('validate', out)).code).toBe(0);

    // The joined detector runs: box 3 (cat 0.9) keeps, box 4 (cat, same box) is suppressed, box 12 (dog) keeps.
    const run = await mlsurgeon('run', out, '--input', `features=${path('features.npy')}`, '--input', `iouThreshold=${path('iou.npy')}`, '--input', `confidenceThreshold=${path('conf.npy')}`, '--out', path('run'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const conf = decodeNpy(new Uint8Array(await readFile(path('run/confidence.npy'))));
    expect(conf.shape).toEqual([2, CLASSES]);
    expect(Array.from(conf.data)).toEqual([0.02, 0.9, 0.02, 0.02, 0.02, 0.7].map(Math.fround));
    const coords = decodeNpy(new Uint8Array(await readFile(path('run/coordinates.npy'))));
    // Zero offsets decode to the anchors themselves, as (x, y, w, h).
    expect(Array.from(coords.data)).toEqual([anchors[N + 3], anchors[3], anchors[3 * N + 3], anchors[2 * N + 3], anchors[N + 12], anchors[12], anchors[3 * N + 12], anchors[2 * N + 12]]);
  });

  it('exit 3 for an unreadable input, 4 for an output in a missing folder, 2 for one model', async () => {
    const missing = await mlsurgeon('pipeline', path('nope.mlmodel'), path('nms.mlmodel'), '-o', path('x.mlmodel'));
    expect(missing.code).toBe(3);
    const unwritable = await mlsurgeon('pipeline', path('net.mlmodel'), path('decoder.mlmodel'), '--fix', '-o', path('no/such/folder/x.mlmodel'));
    expect(unwritable.code).toBe(4);
    expect(unwritable.stderr).toContain(`cannot write ${path('no/such/folder/x.mlmodel')}`);
    const one = await mlsurgeon('pipeline', path('net.mlmodel'), '-o', path('x.mlmodel'));
    expect(one.code).toBe(2);
  });
});

describe('mlsurgeon detector', () => {
  it('SSD network + anchors → one pipeline with metadata, the decoder and NMS', async () => {
    const out = path('ssd-detector.mlmodel');
    const r = await mlsurgeon('detector', path('net.mlmodel'), '--anchors', path('anchors.npy'), '--order', 'yxhw', '--classes', String(CLASSES), '--drop-background', '--labels', path('labels.txt'), '-o', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const spec = await load(out);
    expect(spec.pipeline!.models!.map((m) => modelTypeOf(m))).toEqual(['neuralNetwork', 'neuralNetwork', 'nonMaximumSuppression']);
    expect(Object.fromEntries(spec.description!.metadata!.userDefined!)).toEqual({ classes: 'cat,dog,bird', iou_threshold: '0.6', confidence_threshold: '0.4' });
    expect(spec.specificationVersion).toBe(3);
    expect((await mlsurgeon('validate', out)).code).toBe(0);
  });

  it('refuses a labels file that does not match the classes, writing nothing', async () => {
    await writeFile(path('two.txt'), 'a\nb\n');
    const out = path('bad-detector.mlmodel');
    const r = await mlsurgeon('detector', path('net.mlmodel'), '--anchors', path('anchors.npy'), '--order', 'yxhw', '--classes', '3', '--drop-background', '--labels', path('two.txt'), '-o', out);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('mlsurgeon detector: refused: there are 2 class labels for 3 classes; nothing written');
    expect(await exists(out)).toBe(false);
  });
});

describe.skipIf(!sharedPresent)('ML Program detectors (yolov8n)', () => {
  const yolo = () => modelPath(manifest().find((e) => e.file === 'saadiahl__cat_feeder_project/yolov8n.mlpackage')!);
  const WEIGHTS = 'Data/com.apple.CoreML/weights/weight.bin';

  it('a detector that already ends in NMS is refused', async () => {
    const r = await mlsurgeon('detector', yolo(), '-o', path('twice.mlpackage'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('mlsurgeon detector: refused: the model already ends in NonMaximumSuppression; nothing written');
  });

  it('the ML Program alone gets NMS back as a package that keeps weight.bin; a .mlmodel output is refused', async () => {
    // The ML Program stage saved as its own package (what the editor's "extract stage" does).
    const opened = await openModelFile(fs, yolo());
    const program = opened.spec.pipeline!.models![0];
    await saveModelFile(fs, path('program.mlpackage'), writePackage(opened.package!, program));
    const weights = await readFile(join(yolo(), WEIGHTS));

    const asFile = await mlsurgeon('detector', path('program.mlpackage'), '-o', path('yolo.mlmodel'));
    expect(asFile.code).toBe(2);
    expect(asFile.stderr).toContain('name the output NAME.mlpackage');
    expect(await exists(path('yolo.mlmodel'))).toBe(false);

    const r = await mlsurgeon('detector', path('program.mlpackage'), '--iou', '0.45', '--confidence', '0.25', '-o', path('yolo.mlpackage'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Buffer.compare(await readFile(path(`yolo.mlpackage/${WEIGHTS}`)), weights)).toBe(0);
    const back = await openModelFile(fs, path('yolo.mlpackage'));
    expect(back.warnings).toEqual([]);
    expect(back.spec.pipeline!.models!.map((m) => modelTypeOf(m))).toEqual(['mlProgram', 'nonMaximumSuppression']);
    // Labels from the ML Program's own metadata are absent (coremltools keys only), so NMS has none.
    expect(back.spec.pipeline!.models![1].nonMaximumSuppression!.stringClassLabels).toBeUndefined();
    expect((await mlsurgeon('validate', path('yolo.mlpackage'))).code).toBe(0);
  });

  it('mlsurgeon pipeline joins the ML Program package and an NMS model built by mlsurgeon nms', async () => {
    const nms = await mlsurgeon('nms', '--classes', '80', '--iou', '0.45', '--confidence', '0.25', '--per-class', '--float32', '--in-confidence', 'var_841_1', '--in-coordinates', 'var_845', '--boxes', '8400', '-o', path('yolo-nms.mlmodel'));
    expect(nms.code).toBe(0);
    const r = await mlsurgeon('pipeline', path('program.mlpackage'), path('yolo-nms.mlmodel'), '-o', path('joined.mlpackage'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const back = await openModelFile(fs, path('joined.mlpackage'));
    expect(back.package!.weightFiles.map((w) => [w.path, w.present, w.bytes])).toEqual([[WEIGHTS, true, 3228992]]);
    expect(back.spec.description!.input!.map((f) => f.name)).toEqual(['image']);
    expect((await mlsurgeon('validate', path('joined.mlpackage'))).code).toBe(0);
  });
});
