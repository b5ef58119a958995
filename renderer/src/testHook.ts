// Read access to the stores for end-to-end tests (window.__mlsurgeon). Only facts, no setters
// beyond selecting: tests drive the UI like a person and use this to count what the DOM
// virtualises away (onlyRenderVisibleElements leaves off-screen nodes out of the page).
import { useDocumentStore } from './store/documentStore';
import { useViewStore } from './store/viewStore';

export interface TestHook {
  document(): null | {
    name: string; format: string; modelType: string | null;
    nodes: { id: string; kind: string; type: string; label: string; group?: string }[];
    groups: { id: string; kind: string; label: string }[];
    edges: number;
    foldConstants: boolean;
  };
  view(): { selection: string | null; layoutStatus: string; collapsed: string[]; problems: string[] };
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
      };
    },
    view() {
      const v = useViewStore.getState();
      return { selection: v.selection, layoutStatus: v.layout.status, collapsed: [...v.collapsed], problems: v.problems.map((p) => `${p.file}: ${p.message}`) };
    },
    select(id) {
      useViewStore.getState().select(id);
    },
  };
}
