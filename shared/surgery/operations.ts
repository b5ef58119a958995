// The named operations of the editor: one table used by the UI's history ("Rename input
// Preprocessor__sub__0 → image"), its undo/redo, and the command line. Each entry is a pure
// function (spec, args) -> spec that refuses bad requests with a SurgeryError.
import type { Model, NeuralNetworkLayer, PathStep } from '../format';
import { setFeatureType, type SetFeatureTypeArgs } from './features';
import { deleteLayer, editField, exposeBlob, insertLayer, replaceLayer, rewireInput, sortLayers, type DeleteLayerArgs, type EditFieldArgs, type ExposeBlobArgs, type InsertLayerArgs, type ReplaceLayerArgs, type RewireInputArgs } from './layers';
import { setMetadata, type SetMetadataArgs } from './metadata';
import { setPreprocessing, type SetPreprocessingArgs } from './preprocessing';
import { renameBlob, renameFeature, renameLayer, type RenameArgs, type RenameLayerArgs } from './rename';
import { convertToFloat16, type Float16Args } from './weights';
import { quantizeWeights, type QuantizeArgs } from './quantize';
import { convertModelKind, extractSubgraph, setClassLabels, truncateAt, type ConvertModelKindArgs, type ExtractSubgraphArgs, type SetClassLabelsArgs } from './model-kind';
import { editFieldLabel, featureLabel, layerAt, layerLabel, modelKindLabel, setFeatureTypeLabel, setMetadataLabel, setPreprocessingLabel } from './labels';
import { getIn } from './tree';
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
  /**
   * The history entry, in the user's words. `spec` is the document the operation applies to
   * (names of layers and features come from it); without it, labels fall back to what args say.
   */
  readonly label: (args: A, spec?: Model) => string;
  readonly apply: (spec: Model, args: A) => Model;
}

const layerAtPath = (spec: Model | undefined, path: readonly PathStep[]): NeuralNetworkLayer | undefined =>
  (spec ? getIn(spec, path) : undefined) as NeuralNetworkLayer | undefined;

export const OPERATIONS: { readonly [K in OperationName]: OperationEntry<OperationArgs[K]> } = {
  renameFeature: { label: (a, s) => `Rename ${featureLabel(s, a.from)} → ${a.to}`, apply: renameFeature },
  renameBlob: { label: (a) => `Rename blob ${a.from} → ${a.to}`, apply: renameBlob },
  renameLayer: {
    label: (a, s) => { const old = layerAtPath(s, a.layerPath)?.name; return old ? `Rename layer ${old} → ${a.to}` : `Rename layer → ${a.to}`; },
    apply: renameLayer,
  },
  setFeatureType: { label: (a, s) => setFeatureTypeLabel(s, a), apply: setFeatureType },
  insertLayer: { label: (a) => `Insert ${a.type} after ${a.consumer === 'output' ? 'output' : 'blob'} ${a.blob}`, apply: (s, a) => insertLayer(s, a).spec },
  deleteLayer: { label: (a, s) => `Delete layer ${layerLabel(layerAt(s, a.model, a.index), `#${a.index + 1}`)}${a.removeDangling ? ' and the layers only it read' : ''}`, apply: deleteLayer },
  rewireInput: {
    label: (a, s) => {
      const l = layerAt(s, a.model, a.index);
      const old = l?.input?.[a.inputIndex];
      return `Rewire layer ${l?.name || `#${a.index + 1}`} to read ${a.blob}${old ? ` instead of ${old}` : ''}`;
    },
    apply: rewireInput,
  },
  sortLayers: { label: () => 'Sort layers', apply: sortLayers },
  replaceLayer: { label: (a, s) => `Replace layer ${layerLabel(layerAtPath(s, a.layerPath), 'layer')} with ${a.type}`, apply: replaceLayer },
  editField: { label: (a, s) => editFieldLabel(s, a.path, a.value), apply: editField },
  exposeBlob: { label: (a) => `Expose blob ${a.blob} as an output`, apply: exposeBlob },
  setMetadata: { label: (a) => setMetadataLabel(a), apply: setMetadata },
  setPreprocessing: { label: (a) => setPreprocessingLabel(a), apply: setPreprocessing },
  convertToFloat16: { label: () => 'Convert weights to fp16', apply: convertToFloat16 },
  convertModelKind: { label: (a) => modelKindLabel(a.to), apply: convertModelKind },
  setClassLabels: { label: (a) => `Set ${a.labels.length} class labels`, apply: setClassLabels },
  extractSubgraph: { label: (a) => `Extract the sub-graph that computes ${a.outputs.join(', ')}`, apply: extractSubgraph },
  truncateAt: { label: (a) => `Truncate at blob ${a.blob}`, apply: truncateAt },
  setSpecificationVersion: { label: (a) => (a.version === 'minimum' ? 'Set the lowest specification version the model allows' : `Set specification version ${a.version}`), apply: setSpecificationVersion },
  quantizeWeights: { label: (a) => `Quantize weights to ${a.bits} bits (${a.mode}${a.perChannel ? ', per channel' : ''})`, apply: quantizeWeights },
};

export interface AppliedOperation<K extends OperationName = OperationName> {
  readonly name: K;
  readonly args: OperationArgs[K];
  readonly label: string;
  /** Set when the operation was applied although it introduced validation errors. */
  readonly forced?: boolean;
}

/** The history label of an operation about to be applied to `spec`. */
export function operationLabel<K extends OperationName>(spec: Model | undefined, name: K, args: OperationArgs[K]): string {
  return (OPERATIONS[name] as OperationEntry<OperationArgs[K]>).label(args, spec);
}

/** Applies an operation without checking its result (tests, and callers that check themselves). */
export function applyOperation<K extends OperationName>(spec: Model, name: K, args: OperationArgs[K]): { spec: Model; applied: AppliedOperation<K> } {
  const op = OPERATIONS[name] as OperationEntry<OperationArgs[K]>;
  return { spec: op.apply(spec, args), applied: { name, args, label: op.label(args, spec) } };
}
