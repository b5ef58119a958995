// shared/format: the Core ML format itself. The generated schema (every message as a TypeScript
// type, the enums as constants, the field descriptors), the protobuf codec that keeps unknown
// fields and raw encodings, model decode/encode and the specification releases, navigation
// (which field holds the network, the pipeline's stages), feature descriptions, .mlpackage
// folders and their weight files, and spec paths (walk).
export * from './schema/types.generated';
export { ENUMS, MESSAGES } from './schema/descriptors.generated';
export type { EnumDescriptor, FieldDescriptor, FieldKind, MessageDescriptor, ScalarType } from './schema/descriptor';
export {
  adoptRawEncodings, copyUnknownFields, decodeMessage, encodeMessage, enumValueName, rawEncodingOf, rawEncodingTable,
  repeatedCount, unknownFieldsOf, type EncodeOptions,
} from './protobuf/codec';
export { DecodeError } from './protobuf/errors';
export {
  MODEL_TYPE, NEWEST_SPECIFICATION_VERSION, SPECIFICATION_RELEASES, ModelReadError, decodeModel, describeRelease, encodeModel,
  modelTypeOf, type SpecificationRelease,
} from './model';
export {
  NETWORK_FIELDS, PIPELINE_FIELDS, isClassicModelType, isNetworkField, isPipelineField, modelBodyOf, networkFieldOf, networkOf,
  pipelineField, pipelineOf, pipelineStages, type ClassicModelType, type NetworkField, type PipelineField,
} from './navigation';
export { describeFeatureType, featureInfo, featureTypeInfo, type FeatureInfo, type FeatureKind, type FeatureTypeInfo, type RangeInfo } from './features';
export {
  MANIFEST, PackageWriteError, readPackage, referencedWeightFiles, resolveModelPath, writePackage, type ManifestItem,
  type MlPackage, type PackageContents, type PackageManifest, type WeightFileInfo,
} from './mlpackage';
export { WeightFileError, blobData, parseWeightFile, type BlobRecord, type WeightFile } from './weightfile';
export { forEachMessage, forEachMessageWithin, formatPath, typesReaching, walkMessages, whichOneof, type Descend, type PathStep, type Visit } from './walk';
