// A Vision-ready object detector in one step: a detector's raw outputs, decoded with anchor boxes
// when needed, then NonMaximumSuppression, in one pipeline whose outputs are `confidence`
// (boxes × classes) and `coordinates` (boxes × [x, y, w, h]), with the class labels and thresholds
// in the user-defined metadata (the MobileNetV2 + SSDLite walkthrough; Turi Create and
// Ultralytics export the same layout) and the specification version its stages need.
//  - buildSsdDetector: SSD network + generated anchor decoder + NMS.
//  - addNmsStage: a model that already ends in decoded scores (N, C) and boxes (N, 4), such as an
//    ML Program, followed by NMS (Ultralytics' yolov8n layout).
import type { FeatureDescription, Model } from '../format';
import { ARRAY_DATA_TYPE, anchorRows, buildAnchorDecoder, type AnchorDecoderOptions } from './anchor-decoder';
import { SurgeryError } from './errors';
import { setFeatureType } from './features';
import { setMetadata } from './metadata';
import { buildNms, labelsFromModel, NMS_DESCRIPTIONS, SSD_NMS_PRESET, type NmsFeatureNames } from './nms-builder';
import { addPipelineStage, applyFirstFixes, createPipeline, pipelineKindOf, pipelineOfModel } from './pipeline';
import { withFields } from './tree';

export interface NmsChoices {
  readonly labels?: readonly string[];
  readonly iouThreshold?: number;
  readonly confidenceThreshold?: number;
  readonly perClass?: boolean;
  readonly overrideInputs?: boolean;
  /** Output and threshold-input names of the NMS stage (its inputs follow the upstream outputs). */
  readonly names?: Partial<Pick<NmsFeatureNames, 'confidenceOutput' | 'coordinatesOutput' | 'iouThresholdInput' | 'confidenceThresholdInput'>>;
  /** Metadata strings for the pipeline (the upstream model's are kept otherwise). */
  readonly metadata?: { readonly shortDescription?: string; readonly author?: string; readonly license?: string; readonly versionString?: string };
}

/** The decoder's options (anchors, order, scales, classes without the background, the network's scores and boxes outputs, found by shape when omitted) and NMS's. */
export interface SsdDetectorOptions extends NmsChoices, Pick<AnchorDecoderOptions, 'anchors' | 'anchorsLayout' | 'order' | 'scales' | 'classes' | 'dropBackground' | 'scoresName' | 'boxesName'> {
  readonly network: Model;
}

const shapeOf = (f: FeatureDescription): number[] => (f.type?.multiArrayType?.shape ?? []).map(Number);
const withoutTrailingOnes = (s: number[]): number[] => { const o = [...s]; while (o.length > 2 && o[o.length - 1] === 1) o.pop(); return o; };

function outputNamed(model: Model, name: string, what: string): FeatureDescription {
  const f = (model.description?.output ?? []).find((o) => o.name === name);
  if (!f) throw new SurgeryError(`${what}: the model has no output named ${name} (outputs: ${(model.description?.output ?? []).map((o) => o.name).join(', ') || 'none'})`);
  if (!f.type?.multiArrayType) throw new SurgeryError(`${what}: output ${name} is not a multi-array`);
  return f;
}

/** The user-defined metadata the walkthrough adds, on top of the upstream model's metadata. */
function detectorMetadata(spec: Model, upstream: Model, labels: readonly string[] | undefined, iou: number, confidence: number, choices: NmsChoices): Model {
  const base = upstream.description?.metadata;
  let out = base ? withFields(spec, { description: withFields(spec.description ?? {}, { metadata: base }) }) : spec;
  out = setMetadata(out, {
    ...(choices.metadata ?? {}),
    set: { ...(labels?.length ? { classes: labels.join(',') } : {}), iou_threshold: String(iou), confidence_threshold: String(confidence) },
  });
  return out;
}

function nmsSettings(choices: NmsChoices) {
  return {
    iouThreshold: choices.iouThreshold ?? SSD_NMS_PRESET.iouThreshold,
    confidenceThreshold: choices.confidenceThreshold ?? SSD_NMS_PRESET.confidenceThreshold,
    perClass: choices.perClass ?? SSD_NMS_PRESET.perClass,
    overrideInputs: choices.overrideInputs ?? SSD_NMS_PRESET.overrideInputs,
  };
}

/** Describes the pipeline's outputs as Vision users read them. */
function describeOutputs(spec: Model, names: { confidence: string; coordinates: string }): Model {
  const d = spec.description ?? {};
  const output = (d.output ?? []).map((o) =>
    o.name === names.confidence && !o.shortDescription ? withFields(o, { shortDescription: NMS_DESCRIPTIONS.confidence })
      : o.name === names.coordinates && !o.shortDescription ? withFields(o, { shortDescription: NMS_DESCRIPTIONS.coordinates }) : o);
  return output.some((o, i) => o !== d.output![i]) ? withFields(spec, { description: withFields(d, { output: Object.freeze(output) }) }) : spec;
}

/** SSD network + anchor decoder + NMS in one pipeline. */
export function buildSsdDetector(options: SsdDetectorOptions): Model {
  const { network, classes } = options;
  if (pipelineKindOf(network)) throw new SurgeryError('the detector network is already a pipeline; give the SSD network itself');
  const { count: n } = anchorRows(options.anchors, options.anchorsLayout);
  const scoreRows = classes + (options.dropBackground ? 1 : 0);
  const outs = network.description?.output ?? [];
  const find = (rows: number, given: string | undefined, what: string): FeatureDescription => {
    if (given) return outputNamed(network, given, what);
    const byShape = outs.filter((o) => { const s = withoutTrailingOnes(shapeOf(o)); return s.length === 2 && s[0] === rows && s[1] === n; });
    if (byShape.length === 1) return byShape[0];
    const byName = outs.find((o) => o.name === what);
    if (byName) return outputNamed(network, what, what);
    throw new SurgeryError(`${what}: no output of the network has shape (${rows}, ${n}); name it (outputs: ${outs.map((o) => `${o.name} (${shapeOf(o).join(', ')})`).join(', ') || 'none'})`);
  };
  const scores = find(scoreRows, options.scoresName, 'scores');
  const boxes = find(4, options.boxesName, 'boxes');
  if (scores.name === boxes.name) throw new SurgeryError(`scores and boxes are both ${scores.name}; name them`);
  for (const [f, rows] of [[scores, scoreRows], [boxes, 4]] as const) {
    const s = withoutTrailingOnes(shapeOf(f));
    if (s.length && (s.length !== 2 || s[0] !== rows || s[1] !== n)) {
      throw new SurgeryError(`${f.name} is (${shapeOf(f).join(', ')}); with ${classes} classes${options.dropBackground ? ' plus background' : ''} and ${n} anchors it must be (${rows}, ${n})`);
    }
  }
  const dt = scores.type!.multiArrayType!.dataType;
  const dataType = dt === ARRAY_DATA_TYPE.float32 ? 'float32' : 'double';
  const decoder = buildAnchorDecoder({
    anchors: options.anchors, anchorsLayout: options.anchorsLayout, order: options.order, scales: options.scales, classes,
    dropBackground: options.dropBackground, scoresName: scores.name, boxesName: boxes.name, dataType,
  });
  // An output declared without a shape (tfcoreml leaves the scores' shape empty) gets the decoder's.
  let net = network;
  for (const [f, rows] of [[scores, scoreRows], [boxes, 4]] as const) {
    if (!shapeOf(f).length) net = setFeatureType(net, { name: f.name!, shape: [rows, n, 1] });
  }
  const settings = nmsSettings(options);
  const labels = options.labels ?? labelsFromModel(network);
  if (labels && labels.length !== classes) throw new SurgeryError(`there are ${labels.length} class labels for ${classes} classes`);
  const [rawConfidence, rawCoordinates] = decoder.description!.output!;
  const nms = buildNms({ ...settings, labels, classes, upstream: { confidence: rawConfidence, coordinates: rawCoordinates }, declareOverrideInputs: false, names: options.names });
  let spec = createPipeline([net, decoder, nms]);
  // The walkthrough's (91, 1917) versus (91, 1917, 1): the network's declaration follows the decoder's.
  const fixed = applyFirstFixes(spec);
  if (fixed.unresolved.length) throw new SurgeryError(fixed.unresolved.map((m) => m.message).join('; '));
  spec = fixed.spec;
  const nmsParams = nms.nonMaximumSuppression!;
  spec = describeOutputs(spec, { confidence: nmsParams.confidenceOutputFeatureName!, coordinates: nmsParams.coordinatesOutputFeatureName! });
  return detectorMetadata(spec, network, labels, settings.iouThreshold, settings.confidenceThreshold, options);
}

export interface AddNmsOptions extends NmsChoices {
  readonly model: Model;
  /** The model's confidence (N, C) and coordinates (N, 4) outputs; found by shape when omitted. */
  readonly confidenceName?: string;
  readonly coordinatesName?: string;
}

/**
 * NMS after a model that outputs decoded scores and boxes. A pipeline gets NMS as a new last
 * stage; any other model (an ML Program, a network) becomes the first stage of a new pipeline.
 */
export function addNmsStage(options: AddNmsOptions): Model {
  const { model } = options;
  const stages = pipelineOfModel(model)?.models ?? [];
  if (stages[stages.length - 1]?.nonMaximumSuppression || model.nonMaximumSuppression) throw new SurgeryError('the model already ends in NonMaximumSuppression');
  const outs = (model.description?.output ?? []).filter((o) => o.type?.multiArrayType);
  const two = (o: FeatureDescription) => withoutTrailingOnes(shapeOf(o));
  const coordinates = options.coordinatesName
    ? outputNamed(model, options.coordinatesName, 'coordinates')
    : outs.find((o) => { const s = two(o); return s.length === 2 && s[1] === 4; });
  if (!coordinates) throw new SurgeryError(`coordinates: no output of the model has shape (N, 4); name it (outputs: ${outs.map((o) => `${o.name} (${shapeOf(o).join(', ')})`).join(', ') || 'none'})`);
  const confidence = options.confidenceName
    ? outputNamed(model, options.confidenceName, 'confidence')
    : outs.find((o) => o !== coordinates && two(o).length === 2 && two(o)[0] === two(coordinates)[0]);
  if (!confidence) throw new SurgeryError('confidence: no output of the model has shape (N, classes) with as many boxes as the coordinates; name it');
  const settings = nmsSettings(options);
  const labels = options.labels ?? labelsFromModel(model);
  const nms = buildNms({ ...settings, labels, upstream: { confidence, coordinates }, declareOverrideInputs: false, names: options.names });
  let spec = pipelineKindOf(model) ? addPipelineStage(model, { model: nms }) : createPipeline([model, nms]);
  const loose = (nms.description?.input ?? []).filter((f) => spec.description?.input?.some((i) => i.name === f.name));
  if (loose.length) throw new SurgeryError(`NMS input ${loose.map((f) => f.name).join(', ')} is not produced by the model`);
  const nmsParams = nms.nonMaximumSuppression!;
  spec = describeOutputs(spec, { confidence: nmsParams.confidenceOutputFeatureName!, coordinates: nmsParams.coordinatesOutputFeatureName! });
  return detectorMetadata(spec, model, labels, settings.iouThreshold, settings.confidenceThreshold, options);
}
