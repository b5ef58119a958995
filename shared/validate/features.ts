// Rules for feature descriptions (FeatureTypes.proto, Model.proto), after Apple's
// InterfaceValidators: names, types, data types by specification version, flexible shapes,
// image sizes and color spaces, optional inputs by model type.
import {
  ArrayFeatureType_ArrayDataType, enumValueName, ImageFeatureType_ColorSpace, modelTypeOf, type ArrayFeatureType, type FeatureDescription, type FeatureType, type ImageFeatureType, type Model,
  type PathStep, type SizeRange,
} from '../format';
import { tuple, type DiagnosticSink } from './diagnostic';

export type FeatureRole = 'input' | 'output' | 'state' | 'trainingInput';

const { DOUBLE, FLOAT16, FLOAT32, INT32, INT8 } = ArrayFeatureType_ArrayDataType;
const { BGR, GRAYSCALE, GRAYSCALE_FLOAT16, RGB } = ImageFeatureType_ColorSpace;
/** The schema's name of an array data type ("FLOAT32"); INVALID_ARRAY_DATA_TYPE (0) and unknown numbers are "invalid (n)". */
export const dataTypeName = (t: number | undefined): string => (t ? enumValueName('CoreML.Specification.ArrayFeatureType.ArrayDataType', t) : undefined) ?? `invalid (${t ?? 0})`;

const upper = (r: SizeRange | undefined): number => Number(r?.upperBound ?? 0);
const lower = (r: SizeRange | undefined): number => Number(r?.lowerBound ?? 0);
const fmtRange = (r: SizeRange | undefined): string => `${lower(r)}..${upper(r) < 0 ? '∞' : upper(r)}`;

/** FeatureTypes.proto SizeRange: upper < 0 is unbounded, otherwise lower ≤ upper. */
function rangeInvalid(r: SizeRange | undefined): boolean {
  return upper(r) >= 0 && lower(r) > upper(r);
}

const inRange = (v: number, r: SizeRange | undefined): boolean => v >= lower(r) && (upper(r) < 0 || v <= upper(r));

function validateArray(name: string, a: ArrayFeatureType, role: FeatureRole, version: number, path: readonly PathStep[], out: DiagnosticSink): void {
  const p = [...path, 'multiArrayType'];
  const shape = (a.shape ?? []).map(Number);
  let implicitDefault = false;
  if (a.enumeratedShapes) {
    implicitDefault = true;
    const shapes = a.enumeratedShapes.shapes ?? [];
    if (shapes.length === 0) out.error('enumerated-shapes-invalid', `multi-array ${name} enumerates no shapes; add at least one or remove enumeratedShapes`, [...p, 'enumeratedShapes']);
    shapes.forEach((s, i) => {
      if (!(s.shape ?? []).length) out.error('enumerated-shapes-invalid', `multi-array ${name}: enumerated shape ${i} has no dimensions`, [...p, 'enumeratedShapes', 'shapes', i]);
    });
    if (shape.length && shapes.length && !shapes.some((s) => (s.shape ?? []).length === shape.length && (s.shape ?? []).every((v, i) => Number(v) === shape[i]))) {
      out.error('shape-default-outside', `multi-array ${name}: the default shape ${tuple(shape)} is not one of the enumerated shapes`, [...p, 'shape']);
    }
  } else if (a.shapeRange) {
    implicitDefault = true;
    const ranges = a.shapeRange.sizeRanges ?? [];
    ranges.forEach((r, i) => {
      if (rangeInvalid(r)) out.error('shape-range-invalid', `multi-array ${name}: dimension ${i} has range ${fmtRange(r)}, whose lower bound is above its upper bound`, [...p, 'shapeRange', 'sizeRanges', i]);
    });
    if (shape.length && shape.length !== ranges.length) {
      out.error('shape-range-rank', `multi-array ${name} has a ${shape.length}-d default shape ${tuple(shape)} but a ${ranges.length}-d shape range`, [...p, 'shapeRange']);
    } else if (shape.length && shape.some((v, i) => !inRange(v, ranges[i]))) {
      out.error('shape-default-outside', `multi-array ${name}: the default shape ${tuple(shape)} lies outside the shape range [${ranges.map(fmtRange).join(', ')}]`, [...p, 'shape']);
    }
  }
  if (role === 'input' && !shape.length && !implicitDefault) {
    out.error('array-shape-missing', `multi-array input ${name} has no shape; give it a shape (or a flexible shape range)`, [...p, 'shape']);
  }
  shape.forEach((v, i) => {
    if (v < 0) out.error('array-shape-negative', `multi-array ${name}: dimension ${i} is ${v}; sizes must be ≥ 0`, [...p, 'shape', i]);
  });
  const dt = a.dataType ?? 0;
  switch (dt) {
    case DOUBLE: case FLOAT32: case INT32:
      break;
    case FLOAT16:
      // InterfaceValidators: FLOAT16 arrays need specification version 7 (iOS 16).
      if (version < 7) out.error('array-data-type', `multi-array ${name} is FLOAT16, which needs specification version ≥ 7; this model declares ${version}`, [...p, 'dataType']);
      break;
    case INT8:
      // INT8 arrays arrived with the newest specification version (10).
      if (version < 10) out.error('array-data-type', `multi-array ${name} is INT8, which needs specification version ≥ 10; this model declares ${version}`, [...p, 'dataType']);
      break;
    default:
      out.error('array-data-type', `multi-array ${name} has ${dt ? `an invalid data type (${dt})` : 'no data type'}; set DOUBLE, FLOAT32, FLOAT16 or INT32`, [...p, 'dataType']);
  }
  const def = a.intDefaultValue !== undefined ? 'int' : a.floatDefaultValue !== undefined ? 'float' : a.doubleDefaultValue !== undefined ? 'double' : undefined;
  if (def) {
    const ok = def === 'int' ? dt === INT32 : def === 'float' ? dt === FLOAT32 || dt === FLOAT16 : dt === DOUBLE;
    if (!ok) out.error('default-value', `multi-array ${name}: a ${def} default value does not match its ${dataTypeName(dt)} data type`, [...p, `${def}DefaultValue`]);
  }
}

function validateImage(name: string, img: ImageFeatureType, version: number, path: readonly PathStep[], out: DiagnosticSink): void {
  const p = [...path, 'imageType'];
  let w = Number(img.width ?? 0);
  let h = Number(img.height ?? 0);
  const hasDefault = w > 0 && h > 0;
  if (img.enumeratedSizes) {
    const sizes = img.enumeratedSizes.sizes ?? [];
    if (!sizes.length) out.error('enumerated-shapes-invalid', `image ${name} enumerates no sizes; add at least one or remove enumeratedSizes`, [...p, 'enumeratedSizes']);
    else if (!hasDefault) { w = Number(sizes[0].width ?? 0); h = Number(sizes[0].height ?? 0); }
    else if (!sizes.some((s) => Number(s.width ?? 0) === w && Number(s.height ?? 0) === h)) {
      out.error('shape-default-outside', `image ${name}: the default size ${w} × ${h} is not one of the enumerated sizes`, [...p, 'width']);
    }
  } else if (img.imageSizeRange) {
    const wr = img.imageSizeRange.widthRange;
    const hr = img.imageSizeRange.heightRange;
    if (rangeInvalid(wr)) out.error('shape-range-invalid', `image ${name}: width range ${fmtRange(wr)} has its lower bound above its upper bound`, [...p, 'imageSizeRange', 'widthRange']);
    if (rangeInvalid(hr)) out.error('shape-range-invalid', `image ${name}: height range ${fmtRange(hr)} has its lower bound above its upper bound`, [...p, 'imageSizeRange', 'heightRange']);
    if (!hasDefault) { w = lower(wr); h = lower(hr); }
    else {
      if (!inRange(w, wr)) out.error('shape-default-outside', `image ${name}: default width ${w} lies outside the width range ${fmtRange(wr)}`, [...p, 'width']);
      if (!inRange(h, hr)) out.error('shape-default-outside', `image ${name}: default height ${h} lies outside the height range ${fmtRange(hr)}`, [...p, 'height']);
    }
  }
  if (w <= 0) out.error('image-size', `image ${name} has width ${img.width ?? 0}; set a positive width`, [...p, 'width']);
  if (h <= 0) out.error('image-size', `image ${name} has height ${img.height ?? 0}; set a positive height`, [...p, 'height']);
  switch (img.colorSpace ?? 0) {
    case GRAYSCALE: case RGB: case BGR:
      break;
    case GRAYSCALE_FLOAT16:
      if (version < 7) out.error('image-color-space', `image ${name} is GRAYSCALE_FLOAT16, which needs specification version ≥ 7; this model declares ${version}`, [...p, 'colorSpace']);
      break;
    default:
      out.error('image-color-space', `image ${name} has ${img.colorSpace ? `an invalid color space (${img.colorSpace})` : 'no color space'}; set RGB, BGR or GRAYSCALE`, [...p, 'colorSpace']);
  }
}

/** Checks one feature description; `path` points at the FeatureDescription. */
export function validateFeature(f: FeatureDescription, role: FeatureRole, version: number, path: readonly PathStep[], out: DiagnosticSink): void {
  const name = f.name ?? '';
  if (!name) out.error('feature-name-empty', `${role} ${path[path.length - 1]} has an empty name; give it a name`, [...path, 'name']);
  const label = name || `#${String(path[path.length - 1])}`;
  const t: FeatureType | undefined = f.type;
  const tp = [...path, 'type'];
  const kind = t && (['int64Type', 'doubleType', 'stringType', 'imageType', 'multiArrayType', 'dictionaryType', 'sequenceType', 'stateType'] as const).find((k) => t[k] !== undefined);
  if (!t || !kind) { out.error('feature-type-missing', `${role} ${label} has no type; set one (multiArrayType, imageType, …)`, tp); return; }
  if (kind === 'stateType') {
    if (role !== 'state' && role !== 'input') out.error('state-type', `state ${label} must be declared among the states, not the ${role}s`, tp);
  } else if (role === 'state') {
    out.error('state-type', `${label} is listed as a state but its type is ${kind}; states must be stateType`, tp);
  }
  if (role === 'output' && t.isOptional) out.error('optional-output', `output ${label} is marked optional; outputs cannot be optional`, [...tp, 'isOptional']);
  switch (kind) {
    case 'multiArrayType':
      validateArray(label, t.multiArrayType!, role, version, tp, out);
      break;
    case 'imageType':
      validateImage(label, t.imageType!, version, tp, out);
      break;
    case 'dictionaryType':
      if (!t.dictionaryType!.int64KeyType && !t.dictionaryType!.stringKeyType) out.error('dictionary-key-type', `dictionary ${label} has no key type; set int64KeyType or stringKeyType`, [...tp, 'dictionaryType']);
      break;
    case 'sequenceType': {
      const s = t.sequenceType!;
      if (version < 3) out.error('sequence-type', `sequence ${label} needs specification version ≥ 3; this model declares ${version}`, [...tp, 'sequenceType']);
      if (!s.int64Type && !s.stringType) out.error('sequence-type', `sequence ${label} has no element type; set int64Type or stringType`, [...tp, 'sequenceType']);
      if (rangeInvalid(s.sizeRange)) out.error('shape-range-invalid', `sequence ${label}: size range ${fmtRange(s.sizeRange)} has its lower bound above its upper bound`, [...tp, 'sequenceType', 'sizeRange']);
      break;
    }
    case 'stateType': {
      const a = t.stateType!.arrayType;
      const sp = [...tp, 'stateType'];
      if (version < 9) out.error('state-type', `state ${label} needs specification version ≥ 9; this model declares ${version}`, sp);
      if (t.isOptional) out.error('state-type', `state ${label} cannot be optional`, [...tp, 'isOptional']);
      if (!a || !(a.shape ?? []).length) out.error('state-type', `state ${label} has no shape; states need a fixed shape`, [...sp, 'arrayType', 'shape']);
      else {
        if ((a.dataType ?? 0) !== FLOAT16) out.error('state-type', `state ${label} is ${dataTypeName(a.dataType)}; states must be FLOAT16`, [...sp, 'arrayType', 'dataType']);
        if (a.shapeRange || a.enumeratedShapes) out.error('state-type', `state ${label} cannot have a flexible shape`, [...sp, 'arrayType']);
        if (a.intDefaultValue !== undefined || a.floatDefaultValue !== undefined || a.doubleDefaultValue !== undefined) out.error('state-type', `state ${label} cannot have a default value`, [...sp, 'arrayType']);
      }
      break;
    }
    default:
      break;
  }
}

/** Checks a list of features: each feature, and names unique within the list. */
export function validateFeatureList(list: readonly FeatureDescription[], role: FeatureRole, version: number, path: readonly PathStep[], out: DiagnosticSink): void {
  const seen = new Map<string, number>();
  list.forEach((f, i) => {
    const p = [...path, i];
    validateFeature(f, role, version, p, out);
    const name = f.name ?? '';
    if (!name) return;
    const prev = seen.get(name);
    if (prev !== undefined) out.error('feature-name-duplicate', `${role}s ${prev} and ${i} are both named ${name}; feature names must be unique`, [...p, 'name']);
    else seen.set(name, i);
  });
}

const EMPTY_INPUT_OK = new Set(['neuralNetwork', 'neuralNetworkClassifier', 'neuralNetworkRegressor', 'pipeline', 'pipelineClassifier', 'pipelineRegressor', 'mlProgram']);
const NN_LIKE = new Set(['neuralNetwork', 'neuralNetworkClassifier', 'neuralNetworkRegressor', 'serializedModel', 'mlProgram']);
// InterfaceValidators.validateOptional: these types accept optional inputs (trees check outputs only).
const OPTIONAL_OK = new Set(['imputer', 'treeEnsembleRegressor', 'treeEnsembleClassifier', 'pipeline', 'pipelineRegressor', 'pipelineClassifier', 'itemSimilarityRecommender', 'identity']);

/** Model-level description rules: inputs/outputs present, optional inputs, default values, multi-function syntax. */
export function validateDescription(spec: Model, path: readonly PathStep[], out: DiagnosticSink): void {
  const d = spec.description ?? {};
  const version = spec.specificationVersion ?? 0;
  const type = modelTypeOf(spec) ?? '';
  const dp = [...path, 'description'];
  if ((d.functions?.length ?? 0) > 0 || d.defaultFunctionName) {
    // Model.proto FunctionDescription: multi-function models keep features per function.
    if (type !== 'mlProgram') out.error('multi-function', `only ML Programs can have several functions; this is a ${type || 'model without type'}`, [...dp, 'functions']);
    if (version < 9) out.error('multi-function', `multi-function descriptions need specification version ≥ 9; this model declares ${version}`, [...dp, 'functions']);
    for (const k of ['input', 'output', 'state', 'trainingInput'] as const) {
      if (d[k]?.length) out.error('multi-function', `a multi-function model must declare its ${k}s per function, not at the top level`, [...dp, k]);
    }
    if (d.predictedFeatureName || d.predictedProbabilitiesName) out.error('multi-function', 'a multi-function model must not set the top-level predicted feature names', dp);
    const names = (d.functions ?? []).map((f) => f.name ?? '');
    if (!names.includes(d.defaultFunctionName ?? '')) out.error('multi-function', `defaultFunctionName "${d.defaultFunctionName ?? ''}" is not one of the functions (${names.join(', ') || 'none'})`, [...dp, 'defaultFunctionName']);
    (d.functions ?? []).forEach((fn, i) => {
      const fp = [...dp, 'functions', i];
      validateFeatureList(fn.input ?? [], 'input', version, [...fp, 'input'], out);
      validateFeatureList(fn.output ?? [], 'output', version, [...fp, 'output'], out);
      validateFeatureList(fn.state ?? [], 'state', version, [...fp, 'state'], out);
    });
    return;
  }
  const inputs = d.input ?? [];
  const outputs = d.output ?? [];
  // Model.cpp modelTypeAllowsEmptyInput: neural networks, pipelines and ML Programs may take no
  // inputs (a spec-9 feature, see version.ts); every other model type needs one.
  if (!inputs.length && !EMPTY_INPUT_OK.has(type)) out.error('inputs-missing', 'the model declares no inputs; add at least one input feature', [...dp, 'input']);
  if (!outputs.length) out.error('outputs-missing', 'the model declares no outputs; add at least one output feature', [...dp, 'output']);
  validateFeatureList(inputs, 'input', version, [...dp, 'input'], out);
  validateFeatureList(outputs, 'output', version, [...dp, 'output'], out);
  validateFeatureList(d.state ?? [], 'state', version, [...dp, 'state'], out);
  validateFeatureList(d.trainingInput ?? [], 'trainingInput', version, [...dp, 'trainingInput'], out);

  inputs.forEach((f, i) => {
    const a = f.type?.multiArrayType;
    const hasDefault = a && (a.intDefaultValue !== undefined || a.floatDefaultValue !== undefined || a.doubleDefaultValue !== undefined);
    if (f.type?.isOptional && hasDefault) {
      if (!NN_LIKE.has(type)) out.error('default-value', `input ${f.name}: default values for optional inputs are only allowed for neural networks and ML Programs`, [...dp, 'input', i, 'type']);
      else if (version < 5) out.error('default-value', `input ${f.name}: default values for optional inputs need specification version ≥ 5; this model declares ${version}`, [...dp, 'input', i, 'type']);
    }
    if (f.type?.isOptional && !NN_LIKE.has(type) && !OPTIONAL_OK.has(type)) {
      out.error('optional-input-not-allowed', `input ${f.name} is optional, but a ${type} model does not accept optional inputs`, [...dp, 'input', i, 'type', 'isOptional']);
    }
  });
  if (NN_LIKE.has(type) && inputs.length && inputs.every((f) => f.type?.isOptional && !f.type.stateType)) {
    out.error('all-inputs-optional', 'every input is optional; make at least one input required', [...dp, 'input']);
  }
}
