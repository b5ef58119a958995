// validateModel: every rule, on a model and (with their own paths) on the models it contains.
import { modelTypeOf, pipelineField, pipelineOf, type Model, type PathStep } from '../format';
import { defaultShapes, inferShapes, knownDefaultShapes, type ShapeOptions, type ShapeResult } from '../shapes';
import { DiagnosticSink, type Diagnostic } from './diagnostic';
import { validateDescription } from './features';
import { validateInterface } from './interface';
import { validateNeuralNetwork } from './neuralNetwork';
import { validateNms } from './nms';
import { validatePipeline } from './pipeline';
import { NEWEST_SPECIFICATION_VERSION, minimumSpecificationVersion, SPEC_RELEASES } from './version';

export interface ValidateOptions {
  /** Shape options for the inference behind the shape rules, or false to skip those rules. */
  readonly shapes?: ShapeOptions | false;
  /**
   * Shapes already inferred for this spec with default options (the app infers once per revision
   * and hands the result to validation, the canvas and the model panel). Ignored when `shapes`
   * is given.
   */
  readonly inferred?: ShapeResult;
}

const UPDATABLE = new Set(['neuralNetwork', 'neuralNetworkClassifier', 'neuralNetworkRegressor', 'kNearestNeighborsClassifier', 'pipeline', 'pipelineClassifier', 'pipelineRegressor']);

function validateProgram(spec: Model, path: readonly PathStep[], out: DiagnosticSink): void {
  const p = spec.mlProgram!;
  const name = spec.description?.defaultFunctionName || 'main';
  const fn = p.functions?.get(name);
  if (!fn) { out.error('program-function', `the ML Program has no function "${name}" (functions: ${[...(p.functions?.keys() ?? [])].join(', ') || 'none'})`, [...path, 'mlProgram', 'functions']); return; }
  if (!fn.block_specializations?.get(fn.opset ?? '')) {
    out.error('program-function', `function ${name} declares opset "${fn.opset ?? ''}" but has no block for it`, [...path, 'mlProgram', 'functions', name, 'opset']);
  }
}

function validateModelAt(spec: Model, path: readonly PathStep[], out: DiagnosticSink, shapes: ShapeResult | undefined): void {
  const version = spec.specificationVersion ?? 0;
  if (version < 1 || version > NEWEST_SPECIFICATION_VERSION) {
    out.error('spec-version-range', `specificationVersion is ${version}; Core ML defines versions 1 to ${NEWEST_SPECIFICATION_VERSION}`, [...path, 'specificationVersion']);
  } else {
    const min = minimumSpecificationVersion(spec);
    if (min.version > version) {
      const needs = min.reasons.filter((r) => r.version > version).map((r) => `${r.reason} [${r.version}]`).join(', ');
      out.warning('spec-version-too-low', `the model declares specification version ${version} but uses features of version ${min.version} (${SPEC_RELEASES[min.version] ?? 'newer'}): ${needs}. Raise specificationVersion so older systems refuse it cleanly`, [...path, 'specificationVersion']);
    }
  }
  const type = modelTypeOf(spec);
  if (!type) { out.error('model-type-missing', 'no model type is set; the file holds a description but no model', path); return; }
  if (spec.isUpdatable && !UPDATABLE.has(type)) out.error('updatable-model-type', `a ${type} model cannot be updatable; clear isUpdatable`, [...path, 'isUpdatable']);
  // Model.cpp validateGeneric: updatable models need specification version 4 (iOS 13).
  if (spec.isUpdatable && version >= 1 && version < 4) out.error('updatable-version', `the model is updatable but declares specification version ${version}; updatable models need version 4 or later`, [...path, 'specificationVersion']);
  validateDescription(spec, path, out);
  validateInterface(spec, path, out);
  validateNeuralNetwork(spec, path, out, shapes);
  validateNms(spec, path, out);
  if (spec.mlProgram) validateProgram(spec, path, out);
  const pField = pipelineField(spec);
  if (pField) {
    validatePipeline(spec, path, out);
    (pipelineOf(spec)?.models ?? []).forEach((m, i) => validateModelAt(m, [...path, ...pField, 'models', i], out, shapes?.models?.[i]));
  }
}

/**
 * Findings with the default shapes, per spec object: documents are immutable, and one revision is
 * validated by the check of the edit that made it, by the app's analysis and before a save.
 */
const byDefault = new WeakMap<Model, readonly Diagnostic[]>();

/** Validates a model specification; an empty list means Core ML's rules (as we know them) hold. */
export function validateModel(spec: Model, options: ValidateOptions = {}): Diagnostic[] {
  let shapes: ShapeResult | undefined;
  if (options.shapes === undefined) shapes = options.inferred ?? defaultShapes(spec);
  else if (options.shapes !== false) shapes = inferShapes(spec, options.shapes);
  const cacheable = options.shapes === undefined && shapes === knownDefaultShapes(spec);
  const hit = cacheable ? byDefault.get(spec) : undefined;
  if (hit) return [...hit];
  const out = new DiagnosticSink();
  validateModelAt(spec, [], out, shapes);
  if (cacheable) byDefault.set(spec, Object.freeze([...out.list]));
  return out.list;
}
