// shared/inspect: what a person asks of a model first (Xcode's General tab and more): its
// interface, the layer histogram, weights, the specification version and its OS releases.
export {
  SPEC_VERSION_OS, inspectModel, modelTree, type InspectResult, type LayerInfo, type ModelTreeNode, type WeightsSummary,
} from './inspect';
export { formatInspectSummary } from './summary';
