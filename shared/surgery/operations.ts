// The named operations of the editor: one table used by the UI's history ("Rename input
// Preprocessor__sub__0 → image"), its undo/redo, and the command line. Each entry is a pure
// function (spec, args) -> spec that refuses bad requests with a SurgeryError.
import type { Model } from '../format/schema/types.generated';
import { setFeatureType, type SetFeatureTypeArgs } from './features';
import { deleteLayer, editField, exposeBlob, insertLayer, replaceLayer, rewireInput, sortLayers, type DeleteLayerArgs, type EditFieldArgs, type ExposeBlobArgs, type InsertLayerArgs, type ReplaceLayerArgs, type RewireInputArgs } from './layers';
import { setMetadata, type SetMetadataArgs } from './metadata';
import { setPreprocessing, type SetPreprocessingArgs } from './preprocessing';
import { renameBlob, renameFeature, renameLayer, type RenameArgs, type RenameLayerArgs } from './rename';
import { convertToFloat16, type Float16Args } from './weights';
import { quantizeWeights, type QuantizeArgs } from './quantize';
import { convertModelKind, extractSubgraph, setClassLabels, truncateAt, type ConvertModelKindArgs, type ExtractSubgraphArgs, type SetClassLabelsArgs } from './model-kind';
import { formatPath } from '../format/walk';
import { setSpecificationVersion } from './spec-version';

export interface OperationArgs {
  renameFeature: RenameArgs;
  renameBlob: RenameArgs;
  renameLayer: RenameLayerArgs;
  setFeatureType: SetFeatureTypeArgs;
  insertLayer: InsertLayerArgs;
  deleteLayer: DeleteLayerArgs;
  rewireInput: RewireInputArgs;
  sortLayers: { model?: InsertLayerArgs['model'] };
  replaceLayer: ReplaceLayerArgs;
  editField: EditFieldArgs;
  exposeBlob: ExposeBlobArgs;
  setMetadata: SetMetadataArgs;
  setPreprocessing: SetPreprocessingArgs;
  convertToFloat16: Float16Args;
  quantizeWeights: QuantizeArgs;
  convertModelKind: ConvertModelKindArgs;
  setClassLabels: SetClassLabelsArgs;
  extractSubgraph: ExtractSubgraphArgs;
  truncateAt: Parameters<typeof truncateAt>[1];
  setSpecificationVersion: { version: number | 'minimum' };
}

export type OperationName = keyof OperationArgs;

interface OperationEntry<A> {
  readonly label: (args: A) => string;
  readonly apply: (spec: Model, args: A) => Model;
}

export const OPERATIONS: { readonly [K in OperationName]: OperationEntry<OperationArgs[K]> } = {
  renameFeature: { label: (a) => `Rename ${a.from} → ${a.to}`, apply: renameFeature },
  renameBlob: { label: (a) => `Rename blob ${a.from} → ${a.to}`, apply: renameBlob },
  renameLayer: { label: (a) => `Rename layer → ${a.to}`, apply: renameLayer },
  setFeatureType: { label: (a) => `Edit ${a.name}`, apply: setFeatureType },
  insertLayer: { label: (a) => `Insert ${a.type} after ${a.blob}`, apply: (s, a) => insertLayer(s, a).spec },
  deleteLayer: { label: (a) => `Delete layer ${a.index}`, apply: deleteLayer },
  rewireInput: { label: (a) => `Rewire input of layer ${a.index} to ${a.blob}`, apply: rewireInput },
  sortLayers: { label: () => 'Sort layers', apply: sortLayers },
  replaceLayer: { label: (a) => `Replace with ${a.type}`, apply: replaceLayer },
  editField: { label: (a) => `Edit ${formatPath(a.path)}`, apply: editField },
  exposeBlob: { label: (a) => `Expose ${a.blob} as an output`, apply: exposeBlob },
  setMetadata: { label: () => 'Edit metadata', apply: setMetadata },
  setPreprocessing: { label: (a) => `Preprocessing of ${a.input}`, apply: setPreprocessing },
  convertToFloat16: { label: () => 'Convert weights to fp16', apply: convertToFloat16 },
  convertModelKind: { label: (a) => `Convert to ${a.to}`, apply: convertModelKind },
  setClassLabels: { label: (a) => `Set ${a.labels.length} class labels`, apply: setClassLabels },
  extractSubgraph: { label: (a) => `Extract subgraph to ${a.outputs.join(', ')}`, apply: extractSubgraph },
  truncateAt: { label: (a) => `Truncate at ${a.blob}`, apply: truncateAt },
  setSpecificationVersion: { label: (a) => `Set specification version to ${a.version}`, apply: setSpecificationVersion },
  quantizeWeights: { label: (a) => `Quantize weights to ${a.bits} bits (${a.mode}${a.perChannel ? ', per channel' : ''})`, apply: quantizeWeights },
};

export interface AppliedOperation<K extends OperationName = OperationName> {
  readonly name: K;
  readonly args: OperationArgs[K];
  readonly label: string;
}

export function applyOperation<K extends OperationName>(spec: Model, name: K, args: OperationArgs[K]): { spec: Model; applied: AppliedOperation<K> } {
  const op = OPERATIONS[name] as OperationEntry<OperationArgs[K]>;
  return { spec: op.apply(spec, args), applied: { name, args, label: op.label(args) } };
}
