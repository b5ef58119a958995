// Read access to the stores for end-to-end tests (window.__mlsurgeon). Only facts, no setters
// beyond selecting: tests drive the UI like a person and use this to count what the DOM
// virtualises away (onlyRenderVisibleElements leaves off-screen nodes out of the page).
import { formatPath } from '../../shared/format';
import { historyView, useDocumentStore } from './store/documentStore';
import { useViewStore } from './store/viewStore';

export interface TestHook {
  document(): null | {
    name: string; format: string; modelType: string | null;
    nodes: { id: string; kind: string; type: string; label: string; group?: string }[];
    groups: { id: string; kind: string; label: string }[];
    edges: number;
    foldConstants: boolean;
    dirty: boolean;
    /** Identifies the current revision (the canvas's data-revision). */
    revision: number;
  };
  view(): { selection: string | null; edgeSelection: string | null; layoutStatus: string; collapsed: string[]; problems: string[]; showShapes: boolean };
  /** Validation findings of the current revision. */
  diagnostics(): { severity: string; code: string; message: string; path: string; element: string | null }[];
  /** Operation labels, oldest first, and the index of the current revision. */
  history(): { labels: string[]; current: number };
  select(id: string | null): void;
}

export function installTestHook(): void {
  window.__mlsurgeon = {
    document() {
      const d = useDocumentStore.getState().document;
      if (!d) return null;
      return {
        name: d.name,
        format: d.format,
        modelType: d.inspect.modelType,
        nodes: d.graph.nodes.map((n) => ({ id: n.id, kind: n.kind, type: n.type, label: n.label, ...(n.group ? { group: n.group } : {}) })),
        groups: d.graph.groups.map((g) => ({ id: g.id, kind: g.kind, label: g.label })),
        edges: d.graph.edges.length,
        foldConstants: d.foldConstants,
        dirty: d.dirty,
        revision: d.revision.seq,
      };
    },
    view() {
      const v = useViewStore.getState();
      return {
        selection: v.selection, edgeSelection: v.edgeSelection, layoutStatus: v.layout.status, collapsed: [...v.collapsed],
        problems: v.problems.map((p) => `${p.file}: ${p.message}`), showShapes: v.showShapes,
      };
    },
    diagnostics() {
      const d = useDocumentStore.getState().document;
      if (!d) return [];
      return d.diagnostics.map((x) => ({ severity: x.severity, code: x.code, message: x.message, path: formatPath(x.path), element: d.diagnosticIndex.elementOf.get(x) ?? null }));
    },
    history() {
      const t = useDocumentStore.temporal.getState();
      const h = historyView(t.pastStates, useDocumentStore.getState().revision, t.futureStates);
      return { labels: h.entries.map((e) => e.label), current: h.current };
    },
    select(id) {
      useViewStore.getState().select(id);
    },
  };
}
