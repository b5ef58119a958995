// View state: what the user is looking at, never part of the document or its undo history.
import { create } from 'zustand';
import type { Placement } from '../layout/types';

export type LayoutStatus = 'idle' | 'running' | 'done' | 'fallback';

export interface Problem {
  readonly id: number;
  /** The file the message is about. */
  readonly file: string;
  readonly message: string;
}

export interface ViewState {
  /** Id of the selected graph node or group. */
  readonly selection: string | null;
  readonly collapsed: ReadonlySet<string>;
  readonly foldConstants: boolean;
  readonly searchQuery: string;
  readonly searchIndex: number;
  readonly layout: { readonly status: LayoutStatus; readonly slow: boolean; readonly note?: string; readonly itemCount: number };
  /** Positions from the layout (and from dragging), relative to the visible parent group. */
  readonly positions: ReadonlyMap<string, Placement>;
  /** A file being decoded. */
  readonly loading: { readonly name: string } | null;
  readonly problems: readonly Problem[];
  readonly notice: string | null;
  /** An element to bring into view once the current layout has landed (seq makes repeats distinct). */
  readonly centerRequest: { readonly id: string; readonly seq: number } | null;
  /** Incremented to ask the canvas to show the whole graph. */
  readonly fitRequest: number;
  select(id: string | null): void;
  requestCenter(id: string): void;
  requestFit(): void;
  toggleCollapsed(groupId: string): void;
  expand(groupIds: readonly string[]): void;
  setFoldConstants(on: boolean): void;
  setSearch(query: string, index?: number): void;
  setLayout(layout: ViewState['layout'], positions?: ReadonlyMap<string, Placement>): void;
  movePosition(id: string, x: number, y: number): void;
  setLoading(loading: ViewState['loading']): void;
  report(file: string, message: string): void;
  dismissProblem(id: number): void;
  setNotice(notice: string | null): void;
  /** A new document: forget what was selected, collapsed and searched in the previous one. */
  resetForDocument(): void;
}

let problemId = 1;

export const useViewStore = create<ViewState>()((set) => ({
  selection: null,
  collapsed: new Set(),
  foldConstants: true,
  searchQuery: '',
  searchIndex: 0,
  layout: { status: 'idle', slow: false, itemCount: 0 },
  positions: new Map(),
  loading: null,
  problems: [],
  notice: null,
  centerRequest: null,
  fitRequest: 0,
  select: (id) => set({ selection: id }),
  requestFit: () => set((s) => ({ fitRequest: s.fitRequest + 1 })),
  requestCenter: (id) => set((s) => ({ centerRequest: { id, seq: (s.centerRequest?.seq ?? 0) + 1 } })),
  toggleCollapsed: (groupId) => set((s) => {
    const next = new Set(s.collapsed);
    if (!next.delete(groupId)) next.add(groupId);
    return { collapsed: next };
  }),
  expand: (groupIds) => set((s) => {
    if (!groupIds.some((g) => s.collapsed.has(g))) return {};
    const next = new Set(s.collapsed);
    for (const g of groupIds) next.delete(g);
    return { collapsed: next };
  }),
  setFoldConstants: (on) => set({ foldConstants: on }),
  setSearch: (query, index = 0) => set({ searchQuery: query, searchIndex: index }),
  setLayout: (layout, positions) => set(positions ? { layout, positions } : { layout }),
  movePosition: (id, x, y) => set((s) => {
    const p = s.positions.get(id);
    if (!p) return {};
    const next = new Map(s.positions);
    next.set(id, { ...p, x, y });
    return { positions: next };
  }),
  setLoading: (loading) => set({ loading }),
  report: (file, message) => set((s) => ({ problems: [...s.problems.slice(-4), { id: problemId++, file, message }] })),
  dismissProblem: (id) => set((s) => ({ problems: s.problems.filter((p) => p.id !== id) })),
  setNotice: (notice) => set({ notice }),
  resetForDocument: () => set({
    selection: null, collapsed: new Set(), searchQuery: '', searchIndex: 0, centerRequest: null,
    layout: { status: 'idle', slow: false, itemCount: 0 }, positions: new Map(),
  }),
}));
