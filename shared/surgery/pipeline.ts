// Pipelines (Model.proto Pipeline, PipelineClassifier, PipelineRegressor): create one from
// models, and add, remove, reorder, replace or extract a stage. Stages connect by feature name;
// the pipeline's inputs and outputs follow from the chain: inputs are what a stage reads that no
// earlier stage produces, outputs are what a stage produces that no later stage reads. Their
// declarations (type and description) are copied from the stages, except that a feature the
// pipeline already declared keeps the pipeline's own description.
// Mismatches between stages (a name that does not connect, an extra size-1 dimension, another
// element type) are found with the edits that would fix them.
import {
  ArrayFeatureType_ArrayDataType, enumValueName, MANIFEST, MODEL_TYPE, modelTypeOf, referencedWeightFiles, resolveModelPath, walkMessages, writePackage,
  type FeatureDescription, type FeatureType, type MlPackage, type Model, type ModelDescription, type PackageContents,
  type Pipeline,
} from '../format';
import { minimumSpecificationVersion, sameFeatureType, describeType } from '../validate';
import { SurgeryError } from './errors';
import { setFeatureType } from './features';
import { renameFeature } from './rename';
import { setIn, withFields } from './tree';

export type PipelineKind = 'pipeline' | 'pipelineClassifier' | 'pipelineRegressor';
export const PIPELINE_KINDS: readonly PipelineKind[] = ['pipeline', 'pipelineClassifier', 'pipelineRegressor'];

const freeze = <T>(x: T): T => Object.freeze(x);
const NMS_THRESHOLD_TEXT = { iou: 'IOU', confidence: 'Confidence' } as const;

export function pipelineKindOf(spec: Model): PipelineKind | undefined {
  const t = modelTypeOf(spec);
  return (PIPELINE_KINDS as readonly string[]).includes(t ?? '') ? (t as PipelineKind) : undefined;
}

export function pipelineOfModel(spec: Model): Pipeline | undefined {
  return spec.pipeline ?? spec.pipelineClassifier?.pipeline ?? spec.pipelineRegressor?.pipeline;
}

function requirePipeline(spec: Model): { kind: PipelineKind; pipeline: Pipeline } {
  const kind = pipelineKindOf(spec);
  const pipeline = pipelineOfModel(spec);
  if (!kind || !pipeline) throw new SurgeryError(`the model is a ${modelTypeOf(spec) ?? 'model without a type'}, not a pipeline`);
  return { kind, pipeline };
}

/** Threshold override inputs a NonMaximumSuppression stage names but does not declare. */
function undeclaredThresholds(stage: Model): { name: string; what: 'iou' | 'confidence'; value: number }[] {
  const nms = stage.nonMaximumSuppression;
  if (!nms) return [];
  const declared = new Set((stage.description?.input ?? []).map((f) => f.name));
  const out: { name: string; what: 'iou' | 'confidence'; value: number }[] = [];
  if (nms.iouThresholdInputFeatureName && !declared.has(nms.iouThresholdInputFeatureName)) out.push({ name: nms.iouThresholdInputFeatureName, what: 'iou', value: nms.iouThreshold ?? 0 });
  if (nms.confidenceThresholdInputFeatureName && !declared.has(nms.confidenceThresholdInputFeatureName)) out.push({ name: nms.confidenceThresholdInputFeatureName, what: 'confidence', value: nms.confidenceThreshold ?? 0 });
  return out;
}

/** Every name a stage reads: its declared inputs and, for NMS, its threshold override names. */
function readsOf(stage: Model): string[] {
  return [...(stage.description?.input ?? []).map((f) => f.name ?? ''), ...undeclaredThresholds(stage).map((t) => t.name)];
}

/** The pipeline's declaration of a feature: its previous one when the type still fits, else the stage's. */
function reuse(f: FeatureDescription, previous: readonly FeatureDescription[] | undefined): FeatureDescription {
  const prev = previous?.find((p) => p.name === f.name);
  if (!prev) return f;
  if (sameFeatureType(prev.type, f.type) && JSON.stringify(typeKey(prev.type)) === JSON.stringify(typeKey(f.type))) return prev;
  return withFields(prev, { type: f.type });
}

/** The parts of a type the pipeline's declaration must repeat exactly (shape and flexibility included). */
function typeKey(t: FeatureType | undefined): unknown {
  return JSON.parse(JSON.stringify(t ?? {}, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : typeof v === 'bigint' ? String(v) : v instanceof Map ? [...(v as Map<unknown, unknown>)] : v)));
}

export interface PipelineInterface {
  readonly input: readonly FeatureDescription[];
  readonly output: readonly FeatureDescription[];
}

/**
 * Inputs and outputs that follow from a chain of stages. `previous` is the pipeline's current
 * description (its declarations are kept where they still fit); `outputs` names the outputs
 * explicitly instead of "whatever no later stage reads".
 */
export function pipelineInterface(stages: readonly Model[], previous?: ModelDescription, outputs?: readonly string[]): PipelineInterface {
  const produced = new Map<string, FeatureDescription>();
  const input: FeatureDescription[] = [];
  const seen = new Set<string>();
  for (const stage of stages) {
    for (const f of stage.description?.input ?? []) {
      const name = f.name ?? '';
      if (produced.has(name) || seen.has(name)) continue;
      seen.add(name);
      input.push(reuse(f, previous?.input));
    }
    for (const t of undeclaredThresholds(stage)) {
      if (produced.has(t.name) || seen.has(t.name)) continue;
      seen.add(t.name);
      const prev = previous?.input?.find((p) => p.name === t.name);
      input.push(prev ?? freeze({ name: t.name, shortDescription: `(optional) ${NMS_THRESHOLD_TEXT[t.what]} threshold override (default: ${t.value})`, type: freeze({ doubleType: freeze({}) }) }));
    }
    for (const o of stage.description?.output ?? []) produced.set(o.name ?? '', o);
  }
  let names: string[];
  if (outputs) {
    names = [...outputs];
    for (const n of names) if (!produced.has(n)) throw new SurgeryError(`no stage produces "${n}" (stage outputs: ${[...produced.keys()].join(', ') || 'none'})`);
  } else {
    names = [];
    stages.forEach((stage, i) => {
      const laterReads = new Set(stages.slice(i + 1).flatMap(readsOf));
      for (const o of stage.description?.output ?? []) {
        const n = o.name ?? '';
        // A name produced again later is that later stage's output.
        const redefined = stages.slice(i + 1).some((s) => (s.description?.output ?? []).some((x) => x.name === n));
        if (!laterReads.has(n) && !redefined && !names.includes(n)) names.push(n);
      }
    });
  }
  const output = names.map((n) => reuse(produced.get(n)!, previous?.output));
  return { input: freeze(input), output: freeze(output) };
}

const sameList = (a: readonly unknown[] | undefined, b: readonly unknown[]): boolean => !!a && a.length === b.length && a.every((x, i) => x === b[i]);

/** Rewrites the pipeline's inputs and outputs from its stages (unchanged lists are kept as they are). */
export function syncPipelineInterface(spec: Model, outputs?: readonly string[]): Model {
  const { kind, pipeline } = requirePipeline(spec);
  const d = spec.description ?? {};
  const next = pipelineInterface(pipeline.models ?? [], d, outputs);
  const fields: Record<string, unknown> = {};
  if (!sameList(d.input, next.input)) fields.input = next.input;
  if (!sameList(d.output, next.output)) fields.output = next.output;
  const last = (pipeline.models ?? [])[(pipeline.models ?? []).length - 1];
  if (kind !== 'pipeline' && last) {
    for (const k of ['predictedFeatureName', 'predictedProbabilitiesName'] as const) {
      const v = last.description?.[k];
      if (v && next.output.some((o) => o.name === v) && d[k] !== v) fields[k] = v;
    }
  }
  if (!Object.keys(fields).length) return spec;
  return withFields(spec, { description: withFields(d, fields) });
}

function withPipeline(spec: Model, kind: PipelineKind, pipeline: Pipeline): Model {
  if (kind === 'pipeline') return withFields(spec, { pipeline });
  return withFields(spec, { [kind]: withFields(spec[kind] ?? {}, { pipeline }) });
}

export interface CreatePipelineOptions {
  readonly kind?: PipelineKind;
  /** One unique name per stage (Pipeline.names), or none. */
  readonly names?: readonly string[];
  /** The pipeline outputs by name; by default what no later stage reads. */
  readonly outputs?: readonly string[];
}

function checkStage(model: Model, what: string): void {
  if (!model || typeof model !== 'object' || !modelTypeOf(model)) throw new SurgeryError(`${what} has no model type`);
}

function checkNames(names: readonly string[] | undefined, count: number): void {
  if (!names || !names.length) return;
  if (names.length !== count) throw new SurgeryError(`names: ${names.length} names for ${count} stages`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new SurgeryError(`names: "${dup}" is used twice`);
  if (names.some((n) => !n)) throw new SurgeryError('names: a stage name is empty');
}

function checkKind(kind: PipelineKind, stages: readonly Model[]): void {
  if (!PIPELINE_KINDS.includes(kind)) throw new SurgeryError(`kind: expected pipeline, pipelineClassifier or pipelineRegressor, got ${String(kind)}`);
  const last = stages[stages.length - 1];
  if (kind === 'pipelineClassifier' && !last?.description?.predictedFeatureName) {
    throw new SurgeryError('a pipeline classifier ends in a classifier: the last stage names no predicted feature (predictedFeatureName)');
  }
}

/** A new pipeline of `stages`, its interface and specification version following from them. */
export function createPipeline(stages: readonly Model[], options: CreatePipelineOptions = {}): Model {
  if (!stages.length) throw new SurgeryError('a pipeline needs at least one model');
  stages.forEach((s, i) => checkStage(s, `model ${i + 1}`));
  const kind = options.kind ?? 'pipeline';
  checkKind(kind, stages);
  checkNames(options.names, stages.length);
  const pipeline: Pipeline = freeze({ models: freeze([...stages]), ...(options.names?.length ? { names: freeze([...options.names]) } : {}) });
  const { input, output } = pipelineInterface(stages, undefined, options.outputs);
  const last = stages[stages.length - 1];
  const predicted: Record<string, string> = {};
  if (kind !== 'pipeline') {
    for (const k of ['predictedFeatureName', 'predictedProbabilitiesName'] as const) {
      const v = last.description?.[k];
      if (v && output.some((o) => o.name === v)) predicted[k] = v;
    }
  }
  const shell: Model = freeze({ specificationVersion: 1, description: freeze({ input, output, ...predicted }) });
  let spec = withPipeline(shell, kind, pipeline);
  const version = Math.max(minimumSpecificationVersion(spec).version, ...stages.map((s) => s.specificationVersion ?? 1));
  spec = withFields(spec, { specificationVersion: version });
  return spec;
}

export interface AddStageArgs {
  readonly model: Model;
  /** Position of the new stage (0 = first); the end by default. */
  readonly index?: number;
  /** Required when the pipeline names its stages. */
  readonly name?: string;
}

function checkIndex(index: number, count: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new SurgeryError(`${what}: there is no stage ${index + 1} (the pipeline has ${count})`);
}

function uniqueStageName(names: readonly string[], model: Model): string {
  const base = modelTypeOf(model) ?? 'model';
  let n = base;
  for (let k = 2; names.includes(n); k++) n = `${base}_${k}`;
  return n;
}

function updateStages(spec: Model, edit: (models: Model[], names: string[] | undefined) => void): Model {
  const { kind, pipeline } = requirePipeline(spec);
  const models = [...(pipeline.models ?? [])];
  const names = pipeline.names?.length ? [...pipeline.names] : undefined;
  edit(models, names);
  const next = withFields(pipeline, { models: freeze(models), names: names ? freeze(names) : undefined });
  return syncPipelineInterface(withPipeline(spec, kind, next));
}

export function addPipelineStage(spec: Model, args: AddStageArgs): Model {
  checkStage(args.model, 'the new stage');
  return updateStages(spec, (models, names) => {
    const index = args.index ?? models.length;
    if (!Number.isInteger(index) || index < 0 || index > models.length) throw new SurgeryError(`index: a stage can go at positions 1 to ${models.length + 1}, not ${index + 1}`);
    if (names) {
      const name = args.name ?? uniqueStageName(names, args.model);
      if (names.includes(name)) throw new SurgeryError(`name: a stage named "${name}" already exists`);
      names.splice(index, 0, name);
    }
    models.splice(index, 0, args.model);
  });
}

export function removePipelineStage(spec: Model, args: { readonly index: number }): Model {
  return updateStages(spec, (models, names) => {
    checkIndex(args.index, models.length, 'index');
    if (models.length === 1) throw new SurgeryError('the pipeline\'s only stage cannot be removed; a pipeline needs at least one model');
    models.splice(args.index, 1);
    names?.splice(args.index, 1);
  });
}

export function movePipelineStage(spec: Model, args: { readonly from: number; readonly to: number }): Model {
  return updateStages(spec, (models, names) => {
    checkIndex(args.from, models.length, 'from');
    checkIndex(args.to, models.length, 'to');
    const [m] = models.splice(args.from, 1);
    models.splice(args.to, 0, m);
    if (names) { const [n] = names.splice(args.from, 1); names.splice(args.to, 0, n); }
  });
}

export function replacePipelineStage(spec: Model, args: { readonly index: number; readonly model: Model; readonly name?: string }): Model {
  checkStage(args.model, 'the new stage');
  return updateStages(spec, (models, names) => {
    checkIndex(args.index, models.length, 'index');
    models[args.index] = args.model;
    if (names && args.name !== undefined) {
      if (names.some((n, i) => n === args.name && i !== args.index)) throw new SurgeryError(`name: a stage named "${args.name}" already exists`);
      names[args.index] = args.name;
    }
  });
}

/** A stage as a model of its own (the same object: nothing is copied). */
export function extractPipelineStage(spec: Model, args: { readonly index: number }): Model {
  const { pipeline } = requirePipeline(spec);
  const models = pipeline.models ?? [];
  checkIndex(args.index, models.length, 'index');
  return models[args.index];
}

// ---------------------------------------------------------------------------------------------
// Mismatches between stages

export type StageFixAction =
  | { readonly rename: string }
  | { readonly shape: readonly number[] }
  | { readonly dataType: number };

/** One edit of one stage's declaration that makes a connection work. */
export interface StageFix {
  readonly label: string;
  readonly stage: number;
  readonly role: 'input' | 'output';
  readonly feature: string;
  readonly action: StageFixAction;
}

export interface StageMismatch {
  /** The stage that reads the feature, and the feature as it reads it. */
  readonly stage: number;
  readonly feature: string;
  readonly kind: 'name' | 'type' | 'rank' | 'shape' | 'dataType';
  readonly message: string;
  /** Candidate fixes, the likeliest first (empty when none is safe to suggest). */
  readonly fixes: readonly StageFix[];
}

/** An array data type's schema name ("FLOAT32"); INVALID (0) and unknown numbers as the number. */
const dataTypeLabel = (t: number | undefined): string => (t ? enumValueName('CoreML.Specification.ArrayFeatureType.ArrayDataType', t) : undefined) ?? String(t);
const typeKind = (t: FeatureType | undefined): string => (t ? Object.keys(t).find((k) => k !== 'isOptional') ?? 'none' : 'none');
const fixedShape = (t: FeatureType | undefined): number[] | undefined => {
  const a = t?.multiArrayType;
  if (!a || a.shapeRange || a.enumeratedShapes) return undefined;
  return (a.shape ?? []).map(Number);
};
const nonUnit = (s: readonly number[]) => s.filter((d) => d !== 1);
const tuple = (s: readonly number[]) => `(${s.join(', ')})`;

function stageLabel(spec: Model, i: number): string {
  const p = pipelineOfModel(spec);
  const name = p?.names?.[i];
  return name ? `stage ${i + 1} (${name})` : `stage ${i + 1} (${modelTypeOf(p!.models![i]) ?? 'no type'})`;
}

function arraysCompatible(a: FeatureType | undefined, b: FeatureType | undefined): boolean {
  if (typeKind(a) !== typeKind(b)) return false;
  const sa = fixedShape(a), sb = fixedShape(b);
  if (!sa || !sb) return true;
  return nonUnit(sa).join(',') === nonUnit(sb).join(',');
}

/** Connections between stages that do not work, and the fixes for each. */
export function findStageMismatches(spec: Model): StageMismatch[] {
  const { pipeline } = requirePipeline(spec);
  const models = pipeline.models ?? [];
  const found: StageMismatch[] = [];
  const producers = new Map<string, { stage: number; f: FeatureDescription }>();
  models.forEach((m, i) => {
    for (const f of m.description?.input ?? []) {
      const name = f.name ?? '';
      const src = producers.get(name);
      const reader = stageLabel(spec, i);
      if (!src) {
        if (i === 0) continue;
        // Outputs of earlier stages that nothing reads are what this input was probably meant to be.
        const reads = new Set(models.flatMap(readsOf));
        const candidates = [...producers.entries()].filter(([n, p]) => !reads.has(n) && arraysCompatible(p.f.type, f.type));
        if (!candidates.length) continue;
        const fixes: StageFix[] = [];
        for (const [n, p] of candidates) {
          fixes.push({ label: `Rename ${stageLabel(spec, p.stage)} output ${n} → ${name}`, stage: p.stage, role: 'output', feature: n, action: { rename: name } });
          fixes.push({ label: `Rename ${reader} input ${name} → ${n}`, stage: i, role: 'input', feature: name, action: { rename: n } });
        }
        found.push({ stage: i, feature: name, kind: 'name', message: `${reader} reads ${name}, which no earlier stage produces; unread outputs of earlier stages: ${candidates.map(([n]) => n).join(', ')}`, fixes });
        continue;
      }
      if (sameFeatureType(src.f.type, f.type)) continue;
      const producer = stageLabel(spec, src.stage);
      const head = `${reader} reads ${name} as ${describeType(f.type)}, but ${producer} produces ${describeType(src.f.type)}`;
      if (typeKind(src.f.type) !== typeKind(f.type)) { found.push({ stage: i, feature: name, kind: 'type', message: head, fixes: [] }); continue; }
      const a = src.f.type?.multiArrayType, b = f.type?.multiArrayType;
      if (a && b && (a.dataType ?? 0) !== (b.dataType ?? 0)) {
        const from = dataTypeLabel(a.dataType), to = dataTypeLabel(b.dataType);
        found.push({
          stage: i, feature: name, kind: 'dataType', message: head,
          fixes: [
            { label: `Declare ${producer} output ${name} as ${to}`, stage: src.stage, role: 'output', feature: name, action: { dataType: b.dataType ?? 0 } },
            { label: `Declare ${reader} input ${name} as ${from}`, stage: i, role: 'input', feature: name, action: { dataType: a.dataType ?? 0 } },
          ],
        });
        continue;
      }
      const sa = fixedShape(src.f.type), sb = fixedShape(f.type);
      if (sa && sb && nonUnit(sa).join(',') === nonUnit(sb).join(',')) {
        // The walkthrough's case: (91, 1917) produced, (91, 1917, 1) read.
        const verb = (x: number[], y: number[]) => (y.length > x.length ? 'add size-1 dimensions' : 'drop size-1 dimensions');
        found.push({
          stage: i, feature: name, kind: sa.length === sb.length ? 'shape' : 'rank', message: head,
          fixes: [
            { label: `Declare ${producer} output ${name} as ${tuple(sb)} (${verb(sa, sb)})`, stage: src.stage, role: 'output', feature: name, action: { shape: sb } },
            { label: `Declare ${reader} input ${name} as ${tuple(sa)} (${verb(sb, sa)})`, stage: i, role: 'input', feature: name, action: { shape: sa } },
          ],
        });
        continue;
      }
      found.push({ stage: i, feature: name, kind: sa && sb && sa.length !== sb.length ? 'rank' : 'shape', message: head, fixes: [] });
    }
    for (const o of m.description?.output ?? []) producers.set(o.name ?? '', { stage: i, f: o });
  });
  return found;
}

/** The data types a stage fix may declare (INT8 arrays are not offered: they need specification version 10). */
const DECLARABLE_DATA_TYPES = ['DOUBLE', 'FLOAT32', 'FLOAT16', 'INT32'] as const;

/** Applies one fix to its stage and re-derives the pipeline's interface. */
export function applyStageFix(spec: Model, fix: StageFix): Model {
  const { kind, pipeline } = requirePipeline(spec);
  const models = pipeline.models ?? [];
  checkIndex(fix.stage, models.length, 'stage');
  const stage = models[fix.stage];
  const list = fix.role === 'input' ? stage.description?.input : stage.description?.output;
  if (!(list ?? []).some((f) => f.name === fix.feature)) throw new SurgeryError(`${stageLabel(spec, fix.stage)} has no ${fix.role} named ${fix.feature}`);
  let next: Model;
  const action = fix.action as Record<string, unknown>;
  if (typeof action.rename === 'string') {
    const to = action.rename;
    const { pipeline: p } = requirePipeline(spec);
    const clash = (p.models ?? []).some((m, i) => i !== fix.stage && fix.role === 'output' && (m.description?.output ?? []).some((o) => o.name === to));
    if (clash) throw new SurgeryError(`another stage already produces ${to}`);
    next = renameFeature(stage, { from: fix.feature, to });
  } else if (Array.isArray(action.shape)) {
    next = setFeatureType(stage, { name: fix.feature, shape: action.shape as number[] });
  } else if (typeof action.dataType === 'number') {
    const dt = DECLARABLE_DATA_TYPES.find((name) => ArrayFeatureType_ArrayDataType[name] === action.dataType);
    if (!dt) throw new SurgeryError(`data type ${action.dataType} cannot be declared`);
    next = setFeatureType(stage, { name: fix.feature, dataType: dt });
  } else throw new SurgeryError('the fix names no action (rename, shape or dataType)');
  const nextModels = models.map((m, i) => (i === fix.stage ? next : m));
  return syncPipelineInterface(withPipeline(spec, kind, withFields(pipeline, { models: freeze(nextModels) })));
}

/** Applies the first fix of every mismatch that has one, in order (what a "fix all" does). */
export function applyFirstFixes(spec: Model): { spec: Model; applied: StageFix[]; unresolved: StageMismatch[] } {
  let out = spec;
  const applied: StageFix[] = [];
  for (let guard = 0; guard < 64; guard++) {
    const next = findStageMismatches(out).find((m) => m.fixes.length);
    if (!next) break;
    out = applyStageFix(out, next.fixes[0]);
    applied.push(next.fixes[0]);
  }
  return { spec: out, applied, unresolved: findStageMismatches(out) };
}

// ---------------------------------------------------------------------------------------------
// Saving a pipeline whose stages carry weight files (ML Programs) as a package

/** Where a stage came from: a package brings the weight files its ML Program refers to. */
export interface StageSource {
  readonly spec: Model;
  readonly package?: MlPackage;
}

const BLOB_FILE_VALUE = 'CoreML.Specification.MILSpec.Value.BlobFileValue';
const DEFAULT_MODEL_PATH = 'Data/com.apple.CoreML/model.mlmodel';

/** A UUID-shaped identifier derived from text, so the same pipeline gives the same package. */
function stableId(text: string): string {
  const hex: string[] = [];
  for (let seed = 0; seed < 4; seed++) {
    let h = 0x811c9dc5 ^ seed;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const s = hex.join('').toUpperCase();
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/** A new, empty package with the layout coremltools writes (Manifest.json, Data/com.apple.CoreML/). */
export function emptyPackage(seed = 'mlsurgeon'): MlPackage {
  const modelId = stableId(`${seed}/model`), weightsId = stableId(`${seed}/weights`);
  const manifest = {
    fileFormatVersion: '1.0.0',
    itemInfoEntries: {
      [weightsId]: { author: 'com.apple.CoreML', description: 'CoreML Model Weights', name: 'weights', path: 'com.apple.CoreML/weights' },
      [modelId]: { author: 'com.apple.CoreML', description: 'CoreML Model Specification', name: 'model.mlmodel', path: 'com.apple.CoreML/model.mlmodel' },
    },
    rootModelIdentifier: modelId,
  };
  const files = new Map<string, Uint8Array>([[MANIFEST, new TextEncoder().encode(JSON.stringify(manifest, null, 4))]]);
  // No model file yet: writePackage puts the spec at modelPath.
  const directories = ['Data', 'Data/com.apple.CoreML', 'Data/com.apple.CoreML/weights'];
  return { contents: { files, directories }, manifest, modelPath: DEFAULT_MODEL_PATH, weightFiles: [], warnings: [] };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function renameWeightFile(stage: Model, from: string, to: string): Model {
  let out = stage;
  for (const v of walkMessages(MODEL_TYPE, stage)) {
    if (v.typeName === BLOB_FILE_VALUE && v.message.fileName === from) out = setIn(out, [...v.path, 'fileName'], to);
  }
  return out;
}

/**
 * The package files of a pipeline built from `sources` (in stage order; `spec`'s stages are the
 * sources' specs, possibly edited). The first source package is the base (its manifest and files
 * are kept); every weight file a stage refers to is copied from the package it came from. When
 * two packages hold different files under the same name, the later stage's references are renamed
 * (weights/weight_2.bin …) so neither overwrites the other.
 */
export function packagePipeline(spec: Model, sources: readonly StageSource[]): { contents: PackageContents; spec: Model } {
  const { kind, pipeline } = requirePipeline(spec);
  const stages = [...(pipeline.models ?? [])];
  const basePkg = sources.find((s) => s.package)?.package ?? emptyPackage(JSON.stringify(spec.description?.output?.map((o) => o.name) ?? []));
  const files = new Map(basePkg.contents.files);
  const directories = [...basePkg.contents.directories];
  stages.forEach((stage, i) => {
    const src = sources[i];
    const names = referencedWeightFiles(stage);
    if (!names.length) return;
    if (!src?.package) throw new SurgeryError(`stage ${i + 1} refers to weight files (${names.join(', ')}) but did not come from a package`);
    for (const name of names) {
      const from = resolveModelPath(src.package.modelPath, name);
      const bytes = src.package.contents.files.get(from);
      if (!bytes) throw new SurgeryError(`stage ${i + 1} needs ${from}, which is missing from its package`);
      let ref = name;
      let dest = resolveModelPath(basePkg.modelPath, ref);
      for (let k = 2; files.has(dest) && !sameBytes(files.get(dest)!, bytes); k++) {
        ref = name.replace(/(\.[^./]*)?$/, (ext) => `_${k}${ext}`);
        dest = resolveModelPath(basePkg.modelPath, ref);
      }
      if (ref !== name) stages[i] = renameWeightFile(stages[i], name, ref);
      files.set(dest, bytes);
      const dir = dest.slice(0, dest.lastIndexOf('/'));
      if (dir && !directories.includes(dir)) directories.push(dir);
    }
  });
  const out = stages.some((s, i) => s !== pipeline.models![i]) ? withPipeline(spec, kind, withFields(pipeline, { models: freeze(stages) })) : spec;
  const pkg: MlPackage = { ...basePkg, contents: { files, directories } };
  return { contents: writePackage(pkg, out), spec: out };
}

/** Whether saving `spec` needs a package (an ML Program refers to weight files). */
export function needsPackage(spec: Model): boolean {
  return referencedWeightFiles(spec).length > 0;
}
