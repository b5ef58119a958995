// View state: what the user is looking at, never part of the document or its undo history.
import { create } from 'zustand';
import type { Diagnostic } from '../../../shared/validate';
import type { Placement } from '../layout/types';

export type LayoutStatus = 'idle' | 'running' | 'done' | 'fallback';

export interface Problem {
  readonly id: number;
  /** The file the message is about. */
  readonly file: string;
  readonly message: string;
  /** What was being done: a later success at the same thing supersedes the report. */
  readonly topic?: 'save';
}

/** A message about an edit: a refused operation (with its reason) or what an operation did. */
export interface Toast {
  readonly id: number;
  readonly kind: 'refused' | 'done';
  /** What was attempted ("Delete layer fire2/concat"). */
  readonly title: string;
  readonly message: string;
  /** Validation findings the message is about (those an edit would bring in). */
  readonly diagnostics?: readonly Diagnostic[];
  readonly actions?: readonly ToastAction[];
}

export interface ToastAction {
  readonly label: string;
  readonly testId: string;
  readonly run: () => void;
}

/** What a right click was on. */
export type MenuTarget =
  | { readonly kind: 'node'; readonly id: string }
  | { readonly kind: 'edge'; readonly id: string };

/** The modal dialog on screen, if any. */
export type DialogRequest =
  | { readonly kind: 'fp16' | 'quantize' | 'convertKind' | 'specVersion' }
  | { readonly kind: 'overwrite'; readonly resolve: (answer: 'overwrite' | 'saveAs' | 'cancel') => void; readonly name: string; readonly path: string }
  | { readonly kind: 'saveWithErrors'; readonly resolve: (answer: 'save' | 'cancel') => void; readonly name: string; readonly errors: readonly Diagnostic[] }
  | { readonly kind: 'pickLayer'; readonly title: string; readonly onPick: (type: string) => void };

export interface ViewState {
  /** Id of the selected graph node or group. */
  readonly selection: string | null;
  /** Id of the selected canvas edge (exclusive with `selection`). */
  readonly edgeSelection: string | null;
  /** Edge labels show inferred shapes. */
  readonly showShapes: boolean;
  readonly toast: Toast | null;
  readonly contextMenu: { readonly x: number; readonly y: number; readonly target: MenuTarget } | null;
  /** The node whose name is being edited in place. */
  readonly renaming: string | null;
  /** A spec path (formatPath) the inspector should bring into view and mark. */
  readonly inspectorFocus: { readonly path: string; readonly seq: number } | null;
  /**
   * The Problems and History dock: shown or hidden by the user, or (null) shown once there is
   * something in it, a finding or an edit (useDockShown).
   */
  readonly dockOpen: boolean | null;
  readonly leftTab: 'model' | 'layers';
  readonly dialog: DialogRequest | null;
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
  selectEdge(id: string | null): void;
  toggleShapes(): void;
  showToast(toast: Omit<Toast, 'id'>): void;
  dismissToast(): void;
  openContextMenu(menu: ViewState['contextMenu']): void;
  setRenaming(id: string | null): void;
  focusInspector(path: string): void;
  setDockOpen(open: boolean | null): void;
  setLeftTab(tab: ViewState['leftTab']): void;
  setDialog(dialog: DialogRequest | null): void;
  requestCenter(id: string): void;
  requestFit(): void;
  toggleCollapsed(groupId: string): void;
  expand(groupIds: readonly string[]): void;
  setFoldConstants(on: boolean): void;
  setSearch(query: string, index?: number): void;
  setLayout(layout: ViewState['layout'], positions?: ReadonlyMap<string, Placement>): void;
  movePosition(id: string, x: number, y: number): void;
  setLoading(loading: ViewState['loading']): void;
  report(file: string, message: string, topic?: Problem['topic']): void;
  dismissProblem(id: number): void;
  /** Drops the reports about `topic` for `file`: it has since succeeded. */
  clearReports(file: string, topic: NonNullable<Problem['topic']>): void;
  setNotice(notice: string | null): void;
  /** The document moved to another revision: the toast and notice about the previous one go. */
  clearSuperseded(): void;
  /**
   * A new document: forget what was selected, collapsed and searched in the previous one, and the
   * messages about earlier files (a failed open is superseded by the one that worked).
   */
  resetForDocument(): void;
}

let problemId = 1;
let toastId = 1;

export const useViewStore = create<ViewState>()((set) => ({
  selection: null,
  edgeSelection: null,
  showShapes: true,
  toast: null,
  contextMenu: null,
  renaming: null,
  inspectorFocus: null,
  dockOpen: null,
  leftTab: 'model',
  dialog: null,
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
  select: (id) => set((s) => (s.selection === id && s.edgeSelection === null ? {} : { selection: id, edgeSelection: null })),
  selectEdge: (id) => set({ edgeSelection: id, selection: null }),
  toggleShapes: () => set((s) => ({ showShapes: !s.showShapes })),
  showToast: (toast) => set({ toast: { ...toast, id: toastId++ } }),
  dismissToast: () => set({ toast: null }),
  openContextMenu: (contextMenu) => set({ contextMenu }),
  setRenaming: (renaming) => set({ renaming }),
  focusInspector: (path) => set((s) => ({ inspectorFocus: { path, seq: (s.inspectorFocus?.seq ?? 0) + 1 } })),
  setDockOpen: (dockOpen) => set({ dockOpen }),
  setLeftTab: (leftTab) => set({ leftTab }),
  setDialog: (dialog) => set({ dialog }),
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
  report: (file, message, topic) => set((s) => ({ problems: [...s.problems.slice(-4), { id: problemId++, file, message, ...(topic ? { topic } : {}) }] })),
  dismissProblem: (id) => set((s) => ({ problems: s.problems.filter((p) => p.id !== id) })),
  clearReports: (file, topic) => set((s) => (s.problems.some((p) => p.file === file && p.topic === topic) ? { problems: s.problems.filter((p) => !(p.file === file && p.topic === topic)) } : {})),
  setNotice: (notice) => set({ notice }),
  clearSuperseded: () => set((s) => (s.toast || s.notice ? { toast: null, notice: null } : {})),
  resetForDocument: () => set({
    selection: null, edgeSelection: null, toast: null, notice: null, problems: [], contextMenu: null, renaming: null, inspectorFocus: null, dialog: null, collapsed: new Set(), searchQuery: '', searchIndex: 0, centerRequest: null,
    layout: { status: 'idle', slow: false, itemCount: 0 }, positions: new Map(),
  }),
}));
