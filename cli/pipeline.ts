// `mlsurgeon pipeline`, `decoder`, `nms` and `detector`: the MobileNetV2 + SSDLite walkthrough's
// three hand-built models and their pipeline as commands over shared/surgery. Each builds the
// result in memory, validates it as it would be saved, and writes nothing when it has errors.
// Exit codes as for `edit`: 0 ok, 1 refused, 2 usage, 3 unreadable input, 4 unwritable output.
import * as fsp from 'node:fs/promises';
import { encodeModel, writePackage, type Model, type PackageContents } from '../shared/format';
import { nodeFileSystem, openModelFile, saveModelFile, type OpenedModel } from '../shared/io';
import {
  SSD_NMS_PRESET, SurgeryError, addNmsStage, applyFirstFixes, buildAnchorDecoder, buildNms, buildSsdDetector,
  createPipeline, emptyPackage, findStageMismatches, needsPackage, packagePipeline, parseAnchorsFile, parseLabelFile,
  specificationVersionForSave, type AnchorArray, type CoordinateOrder, type NmsFeatureNames, type PipelineKind,
  type StageSource,
} from '../shared/surgery';
import { formatDiagnostic, validateModel } from '../shared/validate';

export interface PipelineIo {
  out(text: string): void;
  err(text: string): void;
}

const EXIT_OK = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_UNWRITABLE = 4;

export const PIPELINE_USAGE = `usage: mlsurgeon pipeline A B [C…] -o OUT [--kind pipeline|classifier|regressor] [--fix]

  Joins models into one pipeline; features connect by name. The pipeline's inputs are what a stage
  reads that no earlier stage produces; its outputs what no later stage reads.
  --kind K   pipeline (default), classifier (PipelineClassifier) or regressor (PipelineRegressor)
  --fix      apply the suggested fix of every mismatch between stages (rename a feature, add or
             drop size-1 dimensions, change the data type); without it a mismatch is refused
  OUT ending in .mlpackage is written as a package; a stage with ML Program weights needs one.`;

export const DECODER_USAGE = `usage: mlsurgeon decoder --anchors FILE.npy|FILE.json --order yxhw|xywh --classes N -o OUT
                         [--scales 10,10,5,5] [--drop-background] [--scores NAME] [--boxes NAME] [--float32]

  Generates the SSD anchor-box decoder as a NeuralNetwork (permute, slice, multiply, loadConstant,
  add, exp, concat). Inputs: NAME (classes[+1], N, 1) and NAME (4, N, 1); outputs raw_confidence
  (N, classes) and raw_coordinates (N, 4) as x, y, width, height.
  --anchors FILE      (4, N) or (N, 4) anchor boxes in --order (a .npy file, or JSON nested arrays)
  --order O           yxhw (TensorFlow) or xywh, for the predictions and the anchors alike
  --scales S          the four scale factors in --order (default 10,10,5,5)
  --drop-background   the scores hold classes + 1 rows, the first for "no object"; drop it
  --scores/--boxes    input names (default scores, boxes)
  --float32           declare FLOAT32 arrays instead of DOUBLE`;

export const NMS_USAGE = `usage: mlsurgeon nms (--classes N | --labels FILE) --iou T --confidence T -o OUT
                     [--per-class] [--override-inputs] [--preset ssd] [--boxes N] [--float32]
                     [--in-confidence NAME] [--in-coordinates NAME] [--out-confidence NAME] [--out-coordinates NAME]

  A NonMaximumSuppression model: inputs raw_confidence (boxes × classes) and raw_coordinates
  (boxes × 4), outputs confidence and coordinates with 0 to unbounded boxes.
  --labels FILE       class labels, one per line
  --per-class         suppress only boxes of the same class
  --override-inputs   iouThreshold and confidenceThreshold inputs override the thresholds
  --preset ssd        the walkthrough's settings: IoU 0.6, confidence 0.4, per class, override inputs
  --boxes N           fix the number of input boxes (default: any)`;

export const DETECTOR_USAGE = `usage: mlsurgeon detector MODEL -o OUT [--anchors FILE --order yxhw|xywh --classes N [--scales S] [--drop-background]]
                          [--scores NAME] [--boxes NAME] [--labels FILE] [--iou T] [--confidence T]
                          [--class-agnostic] [--no-override-inputs]

  With --anchors: SSD network + generated anchor decoder + NMS in one pipeline (decoder options
  as for mlsurgeon decoder). Without: MODEL already outputs decoded scores (N, classes) and boxes
  (N, 4), e.g. an ML Program, and gets NMS as its last stage.
  --scores/--boxes    the model's outputs to use (found by shape when omitted)
  --labels FILE       class labels, one per line (default: from MODEL's metadata when it has them)
  Thresholds default to the walkthrough's (IoU 0.6, confidence 0.4), suppression per class, with
  iouThreshold/confidenceThreshold override inputs. Class labels and thresholds are written to
  the user-defined metadata (classes, iou_threshold, confidence_threshold).`;

class PipelineUsageError extends Error {}

const fs = nodeFileSystem(fsp);

interface Parsed {
  readonly positional: string[];
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
}

function parse(args: readonly string[], valued: readonly string[], flags: readonly string[]): Parsed {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const set = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-o' || valued.includes(a)) {
      const v = args[++i];
      if (v === undefined || (v.startsWith('-') && !/^-\d/.test(v))) throw new PipelineUsageError(`${a} needs a value`);
      if (values.has(a)) throw new PipelineUsageError(`${a} is given twice`);
      values.set(a, v);
    } else if (flags.includes(a)) set.add(a);
    else if (a.startsWith('-')) throw new PipelineUsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  return { positional, values, flags: set };
}

function number(p: Parsed, flag: string, what: 'integer' | 'number'): number | undefined {
  const v = p.values.get(flag);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (what === 'integer' && !Number.isInteger(n))) throw new PipelineUsageError(`${flag} needs ${what === 'integer' ? 'an integer' : 'a number'}, got ${v}`);
  return n;
}

function required<T>(v: T | undefined, flag: string): T {
  if (v === undefined) throw new PipelineUsageError(`${flag} is required`);
  return v;
}

function order(p: Parsed): CoordinateOrder {
  const v = required(p.values.get('--order'), '--order');
  if (v !== 'yxhw' && v !== 'xywh') throw new PipelineUsageError(`--order takes yxhw or xywh, got ${v}`);
  return v;
}

function scales(p: Parsed): [number, number, number, number] | undefined {
  const v = p.values.get('--scales');
  if (v === undefined) return undefined;
  const s = v.split(',').map(Number);
  if (s.length !== 4 || s.some((x) => !Number.isFinite(x))) throw new PipelineUsageError(`--scales needs four comma-separated numbers, got ${v}`);
  return s as [number, number, number, number];
}

/** An anchors file: .npy, or JSON nested arrays (4 rows of N, or N rows of 4). */
async function readAnchors(file: string): Promise<AnchorArray> {
  return parseAnchorsFile(file, new Uint8Array(await fsp.readFile(file)));
}

async function readLabels(file: string | undefined): Promise<string[] | undefined> {
  if (file === undefined) return undefined;
  const labels = parseLabelFile(await fsp.readFile(file, 'utf8'));
  if (!labels.length) throw new SurgeryError(`${file} holds no class labels`);
  return labels;
}

const isPackagePath = (p: string) => /\.mlpackage\/?$/i.test(p);

/**
 * Validates the result as it will be saved and writes it; refuses (exit 1, nothing written) when
 * it has errors. `sources` are the stages' origins when the result is a pipeline.
 */
async function finish(command: string, spec: Model, out: string, io: PipelineIo, sources?: readonly StageSource[]): Promise<number> {
  const version = specificationVersionForSave(spec);
  const errors = validateModel(version.spec).filter((d) => d.severity === 'error');
  if (errors.length) {
    io.err(`mlsurgeon ${command}: refused: the result would have ${errors.length} validation error${errors.length === 1 ? '' : 's'} (${formatDiagnostic(errors[0])}); nothing written`);
    return EXIT_REFUSED;
  }
  // A package only when asked for or when ML Program weights must travel with the spec.
  const asPackage = isPackagePath(out) || needsPackage(version.spec);
  if (asPackage && !isPackagePath(out)) {
    throw new PipelineUsageError(`${out}: the result has ML Program weights, which live beside the spec in a package; name the output NAME.mlpackage`);
  }
  let data: Uint8Array | PackageContents;
  if (asPackage) {
    const pipelineSources = sources ?? [{ spec: version.spec }];
    const isPipeline = !!(version.spec.pipeline ?? version.spec.pipelineClassifier ?? version.spec.pipelineRegressor);
    data = isPipeline ? packagePipeline(version.spec, pipelineSources).contents : writePackage(emptyPackage(out), version.spec);
  } else data = encodeModel(version.spec);
  try {
    await saveModelFile(fs, out, data);
  } catch (e) {
    const code = (e as { code?: string }).code;
    io.err(`mlsurgeon: cannot write ${out}: ${code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code ? `${code} error` : (e as Error).message}`);
    return EXIT_UNWRITABLE;
  }
  if (version.raisedTo) io.out(`  specification version ${version.declared} → ${version.raisedTo}: ${version.reasons.filter((r) => r.version > version.declared).map((r) => r.reason).join('; ')}`);
  io.out(`wrote ${out}`);
  return EXIT_OK;
}

async function openAll(files: readonly string[], io: PipelineIo): Promise<OpenedModel[]> {
  const opened: OpenedModel[] = [];
  for (const f of files) {
    const o = await openModelFile(fs, f);
    for (const w of o.warnings) io.err(`warning: ${f}: ${w}`);
    opened.push(o);
  }
  return opened;
}

const KINDS: Readonly<Record<string, PipelineKind>> = { pipeline: 'pipeline', classifier: 'pipelineClassifier', regressor: 'pipelineRegressor' };

async function pipelineCommand(args: string[], io: PipelineIo): Promise<number> {
  const p = parse(args, ['--kind'], ['--fix']);
  const out = required(p.values.get('-o'), '-o OUT');
  if (p.positional.length < 2) throw new PipelineUsageError('a pipeline needs at least two models');
  const kindArg = p.values.get('--kind') ?? 'pipeline';
  const kind = KINDS[kindArg];
  if (!kind) throw new PipelineUsageError(`--kind takes pipeline, classifier or regressor, got ${kindArg}`);
  const opened = await openAll(p.positional, io);
  let spec = createPipeline(opened.map((o) => o.spec), { kind });
  const mismatches = findStageMismatches(spec);
  if (mismatches.length) {
    if (!p.flags.has('--fix') || mismatches.some((m) => !m.fixes.length)) {
      const m = mismatches.find((x) => !x.fixes.length) ?? mismatches[0];
      io.err(`mlsurgeon pipeline: refused: ${m.message}${m.fixes.length ? ` (--fix would: ${m.fixes[0].label})` : ''}; nothing written`);
      return EXIT_REFUSED;
    }
    const fixed = applyFirstFixes(spec);
    if (fixed.unresolved.length) {
      io.err(`mlsurgeon pipeline: refused: ${fixed.unresolved[0].message}; nothing written`);
      return EXIT_REFUSED;
    }
    for (const f of fixed.applied) io.out(`  ${f.label}`);
    spec = fixed.spec;
  }
  const stages = (spec.pipeline ?? spec.pipelineClassifier?.pipeline ?? spec.pipelineRegressor?.pipeline)!.models!;
  const sources = opened.map((o, i) => ({ spec: stages[i], ...(o.package ? { package: o.package } : {}) }));
  io.out(`  ${stages.length} stages; inputs ${(spec.description?.input ?? []).map((f) => f.name).join(', ')}; outputs ${(spec.description?.output ?? []).map((f) => f.name).join(', ')}`);
  return finish('pipeline', spec, out, io, sources);
}

async function decoderCommand(args: string[], io: PipelineIo): Promise<number> {
  const p = parse(args, ['--anchors', '--order', '--scales', '--classes', '--scores', '--boxes'], ['--drop-background', '--float32']);
  if (p.positional.length) throw new PipelineUsageError(`unexpected argument ${p.positional[0]}`);
  const out = required(p.values.get('-o'), '-o OUT');
  const anchorsFile = required(p.values.get('--anchors'), '--anchors FILE');
  const o = order(p), classes = required(number(p, '--classes', 'integer'), '--classes N'), s = scales(p);
  const anchors = await readAnchors(anchorsFile);
  const spec = buildAnchorDecoder({
    anchors, order: o, scales: s, classes, dropBackground: p.flags.has('--drop-background'),
    scoresName: p.values.get('--scores'), boxesName: p.values.get('--boxes'), dataType: p.flags.has('--float32') ? 'float32' : 'double',
  });
  io.out(`  decoder for ${spec.description!.input![1].type!.multiArrayType!.shape![1]} anchors, ${classes} classes: ${spec.neuralNetwork!.layers!.length} layers`);
  return finish('decoder', spec, out, io);
}

async function nmsCommand(args: string[], io: PipelineIo): Promise<number> {
  const p = parse(args, ['--classes', '--labels', '--iou', '--confidence', '--preset', '--boxes', '--in-confidence', '--in-coordinates', '--out-confidence', '--out-coordinates'], ['--per-class', '--override-inputs', '--float32']);
  if (p.positional.length) throw new PipelineUsageError(`unexpected argument ${p.positional[0]}`);
  const out = required(p.values.get('-o'), '-o OUT');
  const preset = p.values.get('--preset');
  if (preset !== undefined && preset !== 'ssd') throw new PipelineUsageError(`--preset takes ssd, got ${preset}`);
  const base = preset ? SSD_NMS_PRESET : undefined;
  const classes = number(p, '--classes', 'integer');
  if (classes === undefined && !p.values.has('--labels')) throw new PipelineUsageError('give --classes N or --labels FILE');
  const labels = await readLabels(p.values.get('--labels'));
  const names: Partial<NmsFeatureNames> = {
    ...(p.values.has('--in-confidence') ? { confidenceInput: p.values.get('--in-confidence') } : {}),
    ...(p.values.has('--in-coordinates') ? { coordinatesInput: p.values.get('--in-coordinates') } : {}),
    ...(p.values.has('--out-confidence') ? { confidenceOutput: p.values.get('--out-confidence') } : {}),
    ...(p.values.has('--out-coordinates') ? { coordinatesOutput: p.values.get('--out-coordinates') } : {}),
  };
  const spec = buildNms({
    classes, labels,
    iouThreshold: number(p, '--iou', 'number') ?? required(base?.iouThreshold, '--iou T'),
    confidenceThreshold: number(p, '--confidence', 'number') ?? required(base?.confidenceThreshold, '--confidence T'),
    perClass: p.flags.has('--per-class') || !!base?.perClass,
    overrideInputs: p.flags.has('--override-inputs') || !!base?.overrideInputs,
    boxes: number(p, '--boxes', 'integer'), names, dataType: p.flags.has('--float32') ? 'float32' : 'double',
  });
  return finish('nms', spec, out, io);
}

async function detectorCommand(args: string[], io: PipelineIo): Promise<number> {
  const p = parse(args, ['--anchors', '--order', '--scales', '--classes', '--scores', '--boxes', '--labels', '--iou', '--confidence'], ['--drop-background', '--class-agnostic', '--no-override-inputs']);
  if (p.positional.length !== 1) throw new PipelineUsageError(p.positional.length ? `unexpected argument ${p.positional[1]}` : 'no model given');
  const out = required(p.values.get('-o'), '-o OUT');
  const [opened] = await openAll(p.positional, io);
  const labels = await readLabels(p.values.get('--labels'));
  const choices = {
    labels,
    iouThreshold: number(p, '--iou', 'number'),
    confidenceThreshold: number(p, '--confidence', 'number'),
    perClass: !p.flags.has('--class-agnostic'),
    overrideInputs: !p.flags.has('--no-override-inputs'),
  };
  let spec: Model;
  if (p.values.has('--anchors')) {
    const anchors = await readAnchors(p.values.get('--anchors')!);
    spec = buildSsdDetector({
      ...choices, network: opened.spec, anchors, order: order(p), scales: scales(p), classes: required(number(p, '--classes', 'integer'), '--classes N'),
      dropBackground: p.flags.has('--drop-background'), scoresName: p.values.get('--scores'), boxesName: p.values.get('--boxes'),
    });
  } else {
    for (const f of ['--order', '--scales', '--classes', '--drop-background']) if (p.values.has(f) || p.flags.has(f)) throw new PipelineUsageError(`${f} applies to an SSD network with --anchors`);
    spec = addNmsStage({ ...choices, model: opened.spec, confidenceName: p.values.get('--scores'), coordinatesName: p.values.get('--boxes') });
  }
  const stages = (spec.pipeline ?? spec.pipelineClassifier?.pipeline ?? spec.pipelineRegressor?.pipeline)!.models!;
  // The model's own stage (or, for a pipeline given as MODEL, its stages) came from its file.
  const sources: StageSource[] = stages.map((s, i) => ({ spec: s, ...(opened.package && (i === 0 || !!opened.spec.pipeline) ? { package: opened.package } : {}) }));
  io.out(`  ${stages.length} stages; inputs ${(spec.description?.input ?? []).map((f) => f.name).join(', ')}; outputs ${(spec.description?.output ?? []).map((f) => f.name).join(', ')}`);
  return finish('detector', spec, out, io, sources);
}

const COMMANDS: Readonly<Record<string, { usage: string; run: (args: string[], io: PipelineIo) => Promise<number> }>> = {
  pipeline: { usage: PIPELINE_USAGE, run: pipelineCommand },
  decoder: { usage: DECODER_USAGE, run: decoderCommand },
  nms: { usage: NMS_USAGE, run: nmsCommand },
  detector: { usage: DETECTOR_USAGE, run: detectorCommand },
};

/** Runs one of the four commands; unreadable inputs (ModelReadError, a missing file) are left to main. */
export async function pipelineCommands(command: 'pipeline' | 'decoder' | 'nms' | 'detector', args: string[], io: PipelineIo): Promise<number> {
  const c = COMMANDS[command];
  if (args.includes('--help')) { io.out(c.usage); return EXIT_OK; }
  try {
    return await c.run(args, io);
  } catch (e) {
    if (e instanceof PipelineUsageError) { io.err(`${e.message}\n${c.usage}`); return EXIT_USAGE; }
    if (e instanceof SurgeryError) { io.err(`mlsurgeon ${command}: refused: ${e.reason}; nothing written`); return EXIT_REFUSED; }
    throw e;
  }
}
