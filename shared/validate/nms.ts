// NonMaximumSuppression models (NonMaximumSuppression.proto; Apple's
// NonMaximumSuppressionValidator): feature names, types, thresholds, and 2-D confidence
// (boxes × classes) and coordinates (boxes × 4) arrays whose counts agree.
import { ArrayFeatureType_ArrayDataType, type ArrayFeatureType, type FeatureDescription, type Model, type PathStep } from '../format';
import { arrayShape, formatDim, formatShape, isKnownDim, sameDim, type Dim } from '../shapes';
import type { DiagnosticSink } from './diagnostic';
import { dataTypeName } from './features';

interface Named { readonly field: string; readonly role: 'input' | 'output'; readonly required: boolean; readonly what: string }

const NAMES: readonly Named[] = [
  { field: 'confidenceInputFeatureName', role: 'input', required: true, what: 'confidence input' },
  { field: 'coordinatesInputFeatureName', role: 'input', required: true, what: 'coordinates input' },
  { field: 'iouThresholdInputFeatureName', role: 'input', required: false, what: 'IoU threshold input' },
  { field: 'confidenceThresholdInputFeatureName', role: 'input', required: false, what: 'confidence threshold input' },
  { field: 'confidenceOutputFeatureName', role: 'output', required: true, what: 'confidence output' },
  { field: 'coordinatesOutputFeatureName', role: 'output', required: true, what: 'coordinates output' },
];

/** Declared dims of an NMS array: fixed shape, a range per axis, or none declared. */
function dims2(a: ArrayFeatureType): Dim[] | undefined {
  const s = arrayShape(a);
  return s.dims ? [...s.dims] : undefined;
}

export function validateNms(spec: Model, path: readonly PathStep[], out: DiagnosticSink): void {
  const nms = spec.nonMaximumSuppression;
  if (!nms) return;
  const d = spec.description ?? {};
  const np = [...path, 'nonMaximumSuppression'];
  const lists = { input: d.input ?? [], output: d.output ?? [] };
  const found = new Map<string, { f: FeatureDescription; index: number }>();
  for (const n of NAMES) {
    const name = ((nms as Record<string, unknown>)[n.field] as string | undefined) ?? '';
    if (!name) {
      if (n.required) out.error('nms-feature-missing', `${n.field} is empty; name the model ${n.role} that is the ${n.what}`, [...np, n.field]);
      continue;
    }
    const index = lists[n.role].findIndex((f) => f.name === name);
    if (index < 0 && !n.required) {
      // NonMaximumSuppressionValidator: threshold overrides are optional inputs.
      out.info('nms-threshold-input', `${n.field} is "${name}", but the model has no such input, so this threshold cannot be overridden at prediction time (it stays at the model's value)`, [...np, n.field]);
      continue;
    }
    if (index < 0) {
      const names = lists[n.role].map((f) => f.name).join(', ') || 'none';
      out.error('nms-feature-missing', `${n.field} is "${name}", which is not an ${n.role} of the model (${n.role}s: ${names}); rename one of them so they match`, [...np, n.field]);
      continue;
    }
    const f = lists[n.role][index];
    found.set(n.field, { f, index });
    const fp = [...path, 'description', n.role, index, 'type'];
    const isThreshold = n.field.endsWith('ThresholdInputFeatureName');
    if (isThreshold ? !f.type?.doubleType : !f.type?.multiArrayType) {
      out.error('nms-feature-type', `${n.what} ${name} must be ${isThreshold ? 'a double' : 'a multi-array'}`, fp);
    }
  }
  // Every input and output must be one of the named features.
  for (const role of ['input', 'output'] as const) {
    const used = new Set(NAMES.filter((n) => n.role === role).map((n) => (nms as Record<string, unknown>)[n.field] as string | undefined));
    lists[role].forEach((f, i) => {
      if (!used.has(f.name)) out.error('nms-feature-unused', `${role} ${f.name} is not one of the NonMaximumSuppression ${role} feature names; remove it or name it in the model parameters`, [...path, 'description', role, i, 'name']);
    });
  }

  const iou = nms.iouThreshold ?? 0;
  if (!(iou >= 0 && iou <= 1)) out.error('nms-threshold', `iouThreshold is ${iou}; it must be between 0 and 1`, [...np, 'iouThreshold']);
  const conf = nms.confidenceThreshold ?? 0;
  if (!(conf >= 0)) out.error('nms-threshold', `confidenceThreshold is ${conf}; it must not be negative (0 keeps every prediction)`, [...np, 'confidenceThreshold']);
  else if (conf > 1) out.warning('nms-threshold', `confidenceThreshold is ${conf}, above 1; that only makes sense for confidences that are not probabilities`, [...np, 'confidenceThreshold']);

  const arrays = ['confidenceInputFeatureName', 'coordinatesInputFeatureName', 'confidenceOutputFeatureName', 'coordinatesOutputFeatureName']
    .map((k) => ({ k, x: found.get(k) }))
    .filter((e): e is { k: string; x: { f: FeatureDescription; index: number } } => !!e.x?.f.type?.multiArrayType);
  if (arrays.length < 4) return;
  const role = (k: string): 'input' | 'output' => (k.includes('Input') ? 'input' : 'output');
  const arrPath = (i: number) => [...path, 'description', role(arrays[i].k), arrays[i].x.index, 'type', 'multiArrayType'];

  // Element types: one data type for all four; DOUBLE before spec 5, DOUBLE or FLOAT32 after.
  const types = arrays.map((e) => e.x.f.type!.multiArrayType!.dataType ?? 0);
  if (new Set(types).size > 1) {
    out.error('nms-feature-type', `confidence and coordinates must share one data type; they are ${arrays.map((e, i) => `${e.x.f.name} ${dataTypeName(types[i])}`).join(', ')}`, arrPath(0));
  } else if ((spec.specificationVersion ?? 0) < 5 && types[0] !== ArrayFeatureType_ArrayDataType.DOUBLE) {
    out.error('nms-feature-type', `before specification version 5 NMS arrays must be DOUBLE; they are ${dataTypeName(types[0])}. Use DOUBLE or declare version 5`, [...arrPath(0), 'dataType']);
  } else if (types[0] !== ArrayFeatureType_ArrayDataType.DOUBLE && types[0] !== ArrayFeatureType_ArrayDataType.FLOAT32) {
    out.error('nms-feature-type', `NMS arrays must be DOUBLE or FLOAT32; they are ${dataTypeName(types[0])}`, [...arrPath(0), 'dataType']);
  }

  // Shapes: each declared array is 2-D; box counts agree; coordinates have 4 columns; classes agree.
  const shapes = arrays.map((e) => dims2(e.x.f.type!.multiArrayType!));
  shapes.forEach((s, i) => {
    if (s && s.length !== 2) out.error('nms-shape', `${arrays[i].x.f.name} is ${formatShape({ dims: s })}; NMS arrays must be 2-D (boxes × classes or boxes × 4)`, [...arrPath(i), 'shape']);
  });
  const two = shapes.map((s) => (s && s.length === 2 ? s : undefined));
  const [ci, oi, co, oo] = two;
  const disagree = (a: Dim | undefined, b: Dim | undefined): boolean => !!a && !!b && isKnownDim(a) && isKnownDim(b) && a.min !== b.min;
  if (disagree(ci?.[0], oi?.[0])) out.error('nms-shape', `the confidence input has ${formatDim(ci![0])} boxes but the coordinates input has ${formatDim(oi![0])}`, [...arrPath(1), 'shape']);
  if (co && oo && !sameDim(co[0], oo[0]) && !(isKnownDim(co[0]) && isKnownDim(oo[0]) && co[0].min === oo[0].min)) {
    out.error('nms-shape', `the confidence output allows ${formatDim(co[0])} boxes but the coordinates output ${formatDim(oo[0])}; they must match`, [...arrPath(3), 'shape']);
  }
  for (const [s, i] of [[oi, 1], [oo, 3]] as const) {
    if (s && isKnownDim(s[1]) && s[1].min !== 4) out.error('nms-shape', `${arrays[i].x.f.name} has ${s[1].min} values per box; coordinates are (x, y, width, height): 4`, [...arrPath(i), 'shape']);
  }
  if (disagree(ci?.[1], co?.[1])) out.error('nms-shape', `the confidence input has ${formatDim(ci![1])} classes but the confidence output has ${formatDim(co![1])}`, [...arrPath(2), 'shape']);
  const labels = nms.stringClassLabels?.vector?.length ?? nms.int64ClassLabels?.vector?.length ?? 0;
  if (labels && co?.[1] && (labels < co[1].min || labels > co[1].max)) {
    out.error('nms-shape', `there are ${labels} class labels but the confidence output has ${formatDim(co[1])} classes`, [...np, nms.stringClassLabels ? 'stringClassLabels' : 'int64ClassLabels']);
  }
}
