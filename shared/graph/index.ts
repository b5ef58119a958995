// shared/graph: the view graph of a model (nodes, edges, groups, each keeping the spec path it
// came from), built by buildGraph for every kind of model, and the helpers the views share.
export { buildGraph } from './build';
export type { BuildGraphOptions, GraphEdge, GraphGroup, GraphNode, GraphNodeKind, ModelGraph } from './types';
export { groupId, nodeId } from './collector';
export { resolvePath } from './paths';
export { describeMilType, describeMilValue, milDataTypeName, milTypeKind } from './milValues';
