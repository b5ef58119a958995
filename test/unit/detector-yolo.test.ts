// Ultralytics' yolov8n.mlpackage (../shared/models): a pipeline of an ML Program and
// NonMaximumSuppression. It re-saves byte for byte; its ML Program stage, extracted and given a
// new NMS stage by the builder, makes a pipeline that validates and is saved with its weight file.
import * as fsp from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelTypeOf } from '../../shared/format/model';
import { readPackage } from '../../shared/format/mlpackage';
import { nodeFileSystem } from '../../shared/io/filesystem';
import { openModelFile, saveModelFile, serializeModel, type OpenedModel } from '../../shared/io/document';
import type { PackageContents } from '../../shared/format/mlpackage';
import { validateModel, formatDiagnostic } from '../../shared/validate';
import { addNmsStage } from '../../shared/surgery/detector';
import { labelsFromModel } from '../../shared/surgery/nms-builder';
import { addPipelineStage, extractPipelineStage, packagePipeline, removePipelineStage, syncPipelineInterface } from '../../shared/surgery/pipeline';
import { SurgeryError } from '../../shared/surgery/errors';
import { manifest, modelPath, sharedPresent } from '../support/shared-data';

const fs = nodeFileSystem(fsp);
const WEIGHTS = 'Data/com.apple.CoreML/weights/weight.bin';
const errorsOf = (spec: Parameters<typeof validateModel>[0]) => validateModel(spec).filter((d) => d.severity === 'error').map(formatDiagnostic);
let tmp = '';
afterAll(async () => { if (tmp) await rm(tmp, { recursive: true, force: true }); });

describe.skipIf(!sharedPresent)('yolov8n.mlpackage: an ML Program followed by NMS', () => {
  const open = async (): Promise<OpenedModel> => {
    const entry = manifest().find((e) => e.file === 'saadiahl__cat_feeder_project/yolov8n.mlpackage');
    if (!entry) throw new Error('yolov8n.mlpackage is not in ../shared/models/manifest.json');
    return openModelFile(fs, modelPath(entry));
  };

  it('opens as a pipeline of an ML Program and NonMaximumSuppression and re-saves byte-identically', async () => {
    const opened = await open();
    expect(opened.format).toBe('mlpackage');
    expect(opened.spec.pipeline!.models!.map((m) => modelTypeOf(m))).toEqual(['mlProgram', 'nonMaximumSuppression']);
    const saved = serializeModel(opened, opened.spec) as PackageContents;
    const original = opened.package!.contents;
    expect([...saved.files.keys()].sort()).toEqual([...original.files.keys()].sort());
    for (const [path, bytes] of original.files) expect(Buffer.compare(Buffer.from(saved.files.get(path)!), Buffer.from(bytes)), path).toBe(0);
  });

  it('the interface the chain implies is the one Ultralytics declared (nothing to rewrite)', async () => {
    const { spec } = await open();
    expect(syncPipelineInterface(spec)).toBe(spec);
  });

  it('extracting the ML Program and re-adding NMS with the builder gives a valid pipeline that keeps the weight file', async () => {
    const opened = await open();
    const original = opened.spec;
    const program = extractPipelineStage(original, { index: 0 });
    expect(modelTypeOf(program)).toBe('mlProgram');
    expect(program).toBe(original.pipeline!.models![0]);
    // Adding NMS to a model that already ends in NMS is refused.
    expect(() => addNmsStage({ model: original })).toThrow(SurgeryError);

    const labels = labelsFromModel(original);
    expect(labels?.length).toBe(80);
    expect(labels?.slice(0, 3)).toEqual(['person', 'bicycle', 'car']);
    const rebuilt = addNmsStage({ model: program, labels, iouThreshold: 0.45, confidenceThreshold: 0.25, perClass: true, overrideInputs: true });
    expect(errorsOf(rebuilt)).toEqual([]);
    expect(rebuilt.pipeline!.models!.map((m) => modelTypeOf(m))).toEqual(['mlProgram', 'nonMaximumSuppression']);
    expect(rebuilt.pipeline!.models![0]).toBe(program);
    // The builder's NMS is Ultralytics' NMS: same names, thresholds, method and labels.
    const ours = rebuilt.pipeline!.models![1], theirs = original.pipeline!.models![1];
    expect(ours.nonMaximumSuppression).toEqual(theirs.nonMaximumSuppression);
    expect(ours.description!.input!.map((f) => [f.name, f.type!.multiArrayType!.shape!.map(Number), f.type!.multiArrayType!.dataType]))
      .toEqual(theirs.description!.input!.map((f) => [f.name, f.type!.multiArrayType!.shape!.map(Number), f.type!.multiArrayType!.dataType]));
    expect(rebuilt.description!.input!.map((f) => f.name)).toEqual(['image', 'iouThreshold', 'confidenceThreshold']);
    expect(rebuilt.description!.output!.map((f) => f.name)).toEqual(['confidence', 'coordinates']);
    expect(rebuilt.description!.metadata!.userDefined!.get('classes')!.split(',')).toEqual(labels);
    // The ML Program's opset CoreML6 needs specification version 7 (iOS 16).
    expect(rebuilt.specificationVersion).toBe(7);

    const { contents, spec: packaged } = packagePipeline(rebuilt, [{ spec: program, package: opened.package }, { spec: ours }]);
    expect(packaged).toBe(rebuilt);
    expect(contents.files.get(WEIGHTS)).toBe(opened.package!.contents.files.get(WEIGHTS));
    const reread = readPackage(contents, 'rebuilt.mlpackage');
    expect(reread.pkg.warnings).toEqual([]);
    expect(reread.pkg.weightFiles.map((w) => [w.path, w.present, w.bytes, w.parsed?.count])).toEqual([[WEIGHTS, true, 3228992, 193]]);
    expect(errorsOf(reread.spec)).toEqual([]);

    // Through the atomic writer onto disk and back.
    tmp = await mkdtemp(join(tmpdir(), 'mlsurgeon-yolo-'));
    await saveModelFile(fs, join(tmp, 'rebuilt.mlpackage'), contents);
    const back = await openModelFile(fs, join(tmp, 'rebuilt.mlpackage'));
    expect(back.warnings).toEqual([]);
    expect(back.package!.weightFiles[0].bytes).toBe(3228992);
    expect(errorsOf(back.spec)).toEqual([]);
  });

  it('removing the NMS stage and adding it back restores the pipeline\'s interface', async () => {
    const { spec } = await open();
    const nms = spec.pipeline!.models![1];
    const without = removePipelineStage(spec, { index: 1 });
    expect(without.description!.output!.map((f) => f.name)).toEqual(['var_841_1', 'var_845']);
    expect(without.description!.input!.map((f) => f.name)).toEqual(['image']);
    const back = addPipelineStage(without, { model: nms });
    expect(back.description!.output!.map((f) => f.name)).toEqual(['confidence', 'coordinates']);
    expect(back.description!.input!.map((f) => f.name)).toEqual(['image', 'iouThreshold', 'confidenceThreshold']);
    expect(errorsOf(back)).toEqual([]);
  });
});
