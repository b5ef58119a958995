// The open document: what undo history will hold. View state (selection, positions, collapsed
// groups, search, layout progress) lives in viewStore.ts and never enters this store, so an undo
// restores a model, not a scroll position. zundo is wired now with `document` as the only tracked
// field; surgery commands will push to it, while opening a file clears it.
import { create } from 'zustand';
import { temporal } from 'zundo';
import type { MlPackage } from '../../../shared/format/mlpackage';
import type { Model } from '../../../shared/format/schema/types.generated';
import type { ModelGraph } from '../../../shared/graph/types';
import type { InspectResult } from '../../../shared/inspect/inspect';
import type { OpenedModel } from '../../../shared/io/document';

export interface ModelDocument {
  /** Identifies the document across the decode worker and the UI. */
  readonly id: number;
  /** File or folder name as opened ("SqueezeNet.mlmodel", "yolov8n.mlpackage"). */
  readonly name: string;
  /** Path on disk when the host knows it (Electron); saving writes back there. */
  readonly path?: string;
  readonly format: 'mlmodel' | 'mlpackage';
  /** The model as decoded on this thread: untouched messages keep their bytes for a lossless save. */
  readonly opened: OpenedModel;
  readonly spec: Model;
  readonly package?: MlPackage;
  readonly inspect: InspectResult;
  readonly graph: ModelGraph;
  /** The options the graph was built with. */
  readonly foldConstants: boolean;
  readonly dirty: boolean;
}

interface DocumentState {
  readonly document: ModelDocument | null;
  /** Replaces the document (opening a file); clears undo history. */
  open(doc: ModelDocument): void;
  /** A graph rebuilt with other view options; not an edit, so not recorded for undo. */
  setGraph(docId: number, graph: ModelGraph, foldConstants: boolean): void;
  close(): void;
}

export const useDocumentStore = create<DocumentState>()(
  temporal(
    (set) => ({
      document: null,
      open: (doc) => set({ document: doc }),
      setGraph: (docId, graph, foldConstants) => set((s) => (s.document?.id === docId ? { document: { ...s.document, graph, foldConstants } } : {})),
      close: () => set({ document: null }),
    }),
    { partialize: (s) => ({ document: s.document }), limit: 100 },
  ),
);

/** Runs a store change that is not an edit (open, close, view-option graph rebuilds) outside history. */
export function withoutHistory(change: () => void, clear = false): void {
  const t = useDocumentStore.temporal.getState();
  t.pause();
  try { change(); } finally { t.resume(); }
  if (clear) t.clear();
}
