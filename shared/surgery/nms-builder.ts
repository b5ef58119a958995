// A NonMaximumSuppression model (NonMaximumSuppression.proto) built from a few choices instead of
// raw protobuf: the four feature names, the IoU and confidence thresholds (optionally
// overridable at prediction time through two double inputs), per-class suppression, class
// labels, and outputs whose box count is flexible (0 to unbounded), as the MobileNetV2 + SSDLite
// walkthrough and Ultralytics' exported detectors declare them.
import type { FeatureDescription, Model } from '../format';
import { ARRAY_DATA_TYPE, type ArrayDataType } from './anchor-decoder';
import { SurgeryError } from './errors';

export interface NmsFeatureNames {
  readonly confidenceInput: string;
  readonly coordinatesInput: string;
  readonly confidenceOutput: string;
  readonly coordinatesOutput: string;
  readonly iouThresholdInput: string;
  readonly confidenceThresholdInput: string;
}

export const DEFAULT_NMS_NAMES: NmsFeatureNames = Object.freeze({
  confidenceInput: 'raw_confidence',
  coordinatesInput: 'raw_coordinates',
  confidenceOutput: 'confidence',
  coordinatesOutput: 'coordinates',
  iouThresholdInput: 'iouThreshold',
  confidenceThresholdInput: 'confidenceThreshold',
});

export interface NmsOptions {
  /** Class labels (strings or integers); or give `classes` for a model without labels. */
  readonly labels?: readonly string[] | readonly number[];
  readonly classes?: number;
  readonly iouThreshold: number;
  readonly confidenceThreshold: number;
  /** Suppress only boxes of the same class (SSD's multi-label scores want this). */
  readonly perClass?: boolean;
  /** Name the two threshold inputs so a caller can override the thresholds per prediction. */
  readonly overrideInputs?: boolean;
  /**
   * Declare the threshold inputs on this model too (a model used on its own needs them). In a
   * pipeline they can live on the pipeline alone, as Ultralytics' detectors do.
   */
  readonly declareOverrideInputs?: boolean;
  readonly names?: Partial<NmsFeatureNames>;
  /** Number of boxes the inputs hold; omitted, the inputs accept any number. */
  readonly boxes?: number;
  /** The upstream outputs this model reads (confidence first): their declarations are copied. */
  readonly upstream?: { readonly confidence: FeatureDescription; readonly coordinates: FeatureDescription };
  /** Element type of the arrays when there is no upstream declaration to copy. */
  readonly dataType?: ArrayDataType;
}

/** The walkthrough's settings: IoU 0.6, confidence 0.4, per class, overridable thresholds. */
export const SSD_NMS_PRESET = Object.freeze({ iouThreshold: 0.6, confidenceThreshold: 0.4, perClass: true, overrideInputs: true });

export const NMS_DESCRIPTIONS = Object.freeze({
  confidence: 'Boxes × Class confidence (see user-defined metadata "classes")',
  coordinates: 'Boxes × [x, y, width, height] (relative to image size)',
  iouThreshold: (v: number) => `(optional) IOU threshold override (default: ${v})`,
  confidenceThreshold: (v: number) => `(optional) Confidence threshold override (default: ${v})`,
});

const freeze = <T>(x: T): T => Object.freeze(x);

function flexibleRows(name: string, columns: number, dataType: number, shortDescription: string): FeatureDescription {
  // The first dimension is the number of boxes kept, 0 to unbounded; no fixed shape, since it
  // would contradict the ranges (the walkthrough deletes it for that reason).
  return freeze({
    name,
    shortDescription,
    type: freeze({ multiArrayType: freeze({ dataType, shapeRange: freeze({ sizeRanges: freeze([freeze({ lowerBound: 0, upperBound: -1 }), freeze({ lowerBound: columns, upperBound: columns })]) }) }) }),
  });
}

function inputArray(name: string, boxes: number | undefined, columns: number, dataType: number, shortDescription: string): FeatureDescription {
  const multiArrayType = boxes === undefined
    ? freeze({ dataType, shapeRange: freeze({ sizeRanges: freeze([freeze({ lowerBound: 1, upperBound: -1 }), freeze({ lowerBound: columns, upperBound: columns })]) }) })
    : freeze({ shape: freeze([boxes, columns]), dataType });
  return freeze({ name, shortDescription, type: freeze({ multiArrayType }) });
}

/** The upstream declaration under this model's input name (type and description kept). */
function copyAs(f: FeatureDescription, name: string): FeatureDescription {
  return f.name === name ? f : freeze({ ...f, name });
}

const doubleInput = (name: string, shortDescription: string): FeatureDescription => freeze({ name, shortDescription, type: freeze({ doubleType: freeze({}) }) });

/** Columns of a 2-D array declaration (fixed shape, or equal bounds of its second range). */
function columnsOf(f: FeatureDescription): number | undefined {
  const a = f.type?.multiArrayType;
  if (!a) return undefined;
  const shape = (a.shape ?? []).map(Number).filter((d, _i, s) => !(d === 1 && s.length > 2));
  if (shape.length === 2) return shape[1];
  const r = a.shapeRange?.sizeRanges;
  if (r?.length === 2 && Number(r[1].lowerBound ?? 0) === Number(r[1].upperBound ?? -1)) return Number(r[1].lowerBound);
  return undefined;
}

export function buildNms(options: NmsOptions): Model {
  // Reading upstream outputs, the inputs carry their names unless renamed explicitly.
  const upstreamNames = options.upstream ? { confidenceInput: options.upstream.confidence.name ?? '', coordinatesInput: options.upstream.coordinates.name ?? '' } : {};
  const names: NmsFeatureNames = { ...DEFAULT_NMS_NAMES, ...upstreamNames, ...(options.names ?? {}) };
  for (const [k, v] of Object.entries(names)) if (typeof v !== 'string' || !v || v !== v.trim()) throw new SurgeryError(`${k}: "${String(v)}" is not a usable feature name`);
  const used = [names.confidenceInput, names.coordinatesInput, names.confidenceOutput, names.coordinatesOutput, ...(options.overrideInputs ? [names.iouThresholdInput, names.confidenceThresholdInput] : [])];
  const dup = used.find((n, i) => used.indexOf(n) !== i);
  if (dup) throw new SurgeryError(`the feature name "${dup}" is used twice; inputs and outputs of the NMS model need distinct names`);
  const { iouThreshold, confidenceThreshold } = options;
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new SurgeryError(`iouThreshold: expected a number from 0 to 1, got ${iouThreshold}`);
  if (!(confidenceThreshold >= 0 && confidenceThreshold <= 1)) throw new SurgeryError(`confidenceThreshold: expected a number from 0 to 1, got ${confidenceThreshold}`);

  const labels = options.labels;
  const upstreamClasses = options.upstream ? columnsOf(options.upstream.confidence) : undefined;
  const classes = options.classes ?? labels?.length ?? upstreamClasses;
  if (classes === undefined || !Number.isInteger(classes) || classes < 1) throw new SurgeryError('classes: give the number of classes or the class labels');
  if (labels && labels.length !== classes) throw new SurgeryError(`there are ${labels.length} class labels for ${classes} classes`);
  if (upstreamClasses !== undefined && upstreamClasses !== classes) throw new SurgeryError(`the confidence input ${options.upstream!.confidence.name} has ${upstreamClasses} classes, not ${classes}`);
  if (labels?.length && typeof labels[0] === 'string' && new Set(labels as readonly string[]).size !== labels.length) throw new SurgeryError('the class labels contain duplicates');
  if (options.upstream) {
    const c = columnsOf(options.upstream.coordinates);
    if (c !== undefined && c !== 4) throw new SurgeryError(`the coordinates input ${options.upstream.coordinates.name} has ${c} values per box, not 4 (x, y, width, height)`);
    for (const f of [options.upstream.confidence, options.upstream.coordinates]) if (!f.type?.multiArrayType) throw new SurgeryError(`${f.name} is not a multi-array; NonMaximumSuppression reads arrays`);
  }
  if (options.boxes !== undefined && (!Number.isInteger(options.boxes) || options.boxes < 1)) throw new SurgeryError(`boxes: expected a positive integer, got ${options.boxes}`);

  const dataType = options.upstream?.confidence.type?.multiArrayType?.dataType ?? ARRAY_DATA_TYPE[options.dataType ?? 'double'];
  const inputs: FeatureDescription[] = options.upstream
    ? [copyAs(options.upstream.confidence, names.confidenceInput), copyAs(options.upstream.coordinates, names.coordinatesInput)]
    : [
        inputArray(names.confidenceInput, options.boxes, classes, dataType, 'Boxes × Class confidence, before suppression'),
        inputArray(names.coordinatesInput, options.boxes, 4, dataType, 'Boxes × [x, y, width, height], before suppression'),
      ];
  if (options.overrideInputs && options.declareOverrideInputs !== false) {
    inputs.push(doubleInput(names.iouThresholdInput, NMS_DESCRIPTIONS.iouThreshold(iouThreshold)), doubleInput(names.confidenceThresholdInput, NMS_DESCRIPTIONS.confidenceThreshold(confidenceThreshold)));
  }
  const outputs = [
    flexibleRows(names.confidenceOutput, classes, dataType, NMS_DESCRIPTIONS.confidence),
    flexibleRows(names.coordinatesOutput, 4, dataType, NMS_DESCRIPTIONS.coordinates),
  ];
  const classLabels = labels?.length
    ? typeof labels[0] === 'string'
      ? { stringClassLabels: freeze({ vector: freeze([...(labels as readonly string[])]) }) }
      : { int64ClassLabels: freeze({ vector: freeze([...(labels as readonly number[])]) }) }
    : {};
  const nms = freeze({
    pickTop: freeze({ perClass: !!options.perClass }),
    ...classLabels,
    iouThreshold,
    confidenceThreshold,
    confidenceInputFeatureName: names.confidenceInput,
    coordinatesInputFeatureName: names.coordinatesInput,
    ...(options.overrideInputs ? { iouThresholdInputFeatureName: names.iouThresholdInput, confidenceThresholdInputFeatureName: names.confidenceThresholdInput } : {}),
    confidenceOutputFeatureName: names.confidenceOutput,
    coordinatesOutputFeatureName: names.coordinatesOutput,
  });
  // NonMaximumSuppression is a specification 3 model type; FLOAT32 arrays need 5
  // (Utils.cpp hasFloat32InputsOrOutputsForNonmaxSuppression).
  const specificationVersion = dataType === ARRAY_DATA_TYPE.double ? 3 : 5;
  return freeze({ specificationVersion, description: freeze({ input: freeze(inputs), output: freeze(outputs) }), nonMaximumSuppression: nms });
}

/**
 * Class labels a model carries in its metadata: the walkthrough's userDefined "classes"
 * (comma-separated), Ultralytics' "names" (a Python dict literal {0: 'person', …}), or the
 * labels of a NonMaximumSuppression stage or classifier inside it. Undefined when there are none.
 */
export function labelsFromModel(model: Model): string[] | undefined {
  const ud = model.description?.metadata?.userDefined;
  const classes = ud?.get('classes');
  if (classes) return classes.split(',');
  const dict = ud?.get('names');
  if (dict) {
    const parsed = parsePythonLabelDict(dict);
    if (parsed) return parsed;
  }
  const nms = model.nonMaximumSuppression;
  if (nms?.stringClassLabels?.vector?.length) return [...nms.stringClassLabels.vector];
  if (nms?.int64ClassLabels?.vector?.length) return nms.int64ClassLabels.vector.map(String);
  const p = model.pipeline ?? model.pipelineClassifier?.pipeline ?? model.pipelineRegressor?.pipeline;
  for (const m of [...(p?.models ?? [])].reverse()) {
    const inner = labelsFromModel(m);
    if (inner) return inner;
  }
  return undefined;
}

/** {0: 'person', 1: "traffic light"} → labels in key order; undefined when the text is not that. */
export function parsePythonLabelDict(text: string): string[] | undefined {
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) return undefined;
  const entries: [number, string][] = [];
  const re = /\s*(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*(,|$)/y;
  const inner = body.slice(1, -1);
  re.lastIndex = 0;
  while (re.lastIndex < inner.length) {
    const m = re.exec(inner);
    if (!m) return undefined;
    entries.push([Number(m[1]), (m[2] ?? m[3]).replace(/\\(.)/g, '$1')]);
    if (!m[4]) break;
  }
  if (!entries.length) return undefined;
  entries.sort((a, b) => a[0] - b[0]);
  if (entries.some(([k], i) => k !== i)) return undefined;
  return entries.map(([, v]) => v);
}
