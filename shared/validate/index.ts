// Validation of Core ML models: `validateModel(spec)` returns diagnostics with spec paths.
export { validateModel, type ValidateOptions } from './validate';
export { formatDiagnostic, type Diagnostic, type Severity } from './diagnostic';
export { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes';
export { minimumSpecificationVersion, NEWEST_SPECIFICATION_VERSION, SPEC_RELEASES, type MinimumVersion, type VersionReason } from './version';
export { sameFeatureType, describeType } from './pipeline';
