// shared/surgery: edits as pure operations (spec, args) -> spec with structural sharing, each
// refusing bad arguments with a SurgeryError that names the field; the named operation table the
// UI and the CLI apply (with its validation check), and the builders of pipelines and detectors.
export { SurgeryError } from './errors';
export {
  OPERATIONS, applyOperation, operationLabel, type AppliedOperation, type OperationArgs, type OperationName,
} from './operations';
export {
  EditIntroducesErrors, applyOperationChecked, checkEdit, diagnosticsOnSave, type CheckOptions, type CheckedOperation,
  type VersionRaise,
} from './checked';
export { specificationVersionForSave, setSpecificationVersion, type VersionOnSave } from './spec-version';
export { getIn, setIn, updateIn, withFields } from './tree';
export { renameBlob, renameFeature, renameLayer, type RenameArgs, type RenameLayerArgs } from './rename';
export {
  deleteLayer, editField, exposeBlob, insertLayer, replaceLayer, rewireInput, sortLayers, type DeleteLayerArgs,
  type EditFieldArgs, type ExposeBlobArgs, type InsertLayerArgs, type ReplaceLayerArgs, type RewireInputArgs,
} from './layers';
export {
  setFeatureType, type ArrayDataTypeName, type ColorSpaceName, type Range, type SetFeatureTypeArgs,
} from './features';
export {
  PREPROCESSING_PRESETS, isPreprocessingPreset, setPreprocessing, type PreprocessingPreset, type SetPreprocessingArgs,
} from './preprocessing';
export { setMetadata, type SetMetadataArgs } from './metadata';
export {
  convertModelKind, extractSubgraph, parseLabelFile, setClassLabels, truncateAt, type ConvertModelKindArgs,
  type ExtractSubgraphArgs, type SetClassLabelsArgs,
} from './model-kind';
export { NETWORK_KEYS, networkKeyOf, type NetworkKey } from './network';
export { convertToFloat16, weightBytes, type Float16Args, type WeightBytes } from './weights';
export { dequantize, quantizeWeights, type QuantizationMode, type QuantizeArgs } from './quantize';
export {
  PIPELINE_KINDS, addPipelineStage, applyFirstFixes, applyStageFix, createPipeline, emptyPackage, extractPipelineStage,
  findStageMismatches, movePipelineStage, needsPackage, packagePipeline, pipelineInterface, pipelineKindOf, pipelineOfModel,
  removePipelineStage, replacePipelineStage, syncPipelineInterface, type AddStageArgs, type CreatePipelineOptions,
  type PipelineInterface, type PipelineKind, type StageFix, type StageFixAction, type StageMismatch, type StageSource,
} from './pipeline';
export { buildAnchorDecoder, type AnchorArray, type AnchorDecoderOptions, type CoordinateOrder } from './anchor-decoder';
export { parseAnchorsFile } from './anchors';
export { DEFAULT_NMS_NAMES, SSD_NMS_PRESET, buildNms, labelsFromModel, parsePythonLabelDict, type NmsFeatureNames, type NmsOptions } from './nms-builder';
export { addNmsStage, buildSsdDetector, type AddNmsOptions, type NmsChoices, type SsdDetectorOptions } from './detector';
