// The open document and its undo history. zundo tracks one field, `revision`: a spec and the label
// of the operation that produced it ("Rename image → photo"). Everything else here is derived
// from the current revision's spec (graph, model facts, validation findings) or is about the file
// (name, path, what was last saved), and stays out of the history; view state (selection,
// positions, layout, zoom) lives in viewStore.ts. Undo and redo restore a revision; a subscription
// below then re-derives the document from it, so every way of reaching a revision (an edit, undo,
// redo, a jump in the History list) shows that revision with its validation findings at once.
// After an open, the findings come a moment later from the decode worker (setFindings) and land on
// the revision as opened.
//
// Deriving after an edit runs on the UI thread, synchronously. Measured on model_cpm (757 layers,
// the most of the real models): in Node 20, warm, buildGraph 7 ms, inferShapes 5 ms, validateModel
// 22 ms, inspectModel 17 ms; undo/redo about 1 ms (analyses are kept per spec below). Sending each
// edited spec to the decode worker instead would add a structured clone of the spec per edit and
// make the graph arrive later than the findings; the spec itself must stay here anyway (see
// actions.ts: the codec's memory of original bytes lives on this thread's objects).
import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import { temporal, type TemporalState } from 'zundo';
import type { MlPackage, Model } from '../../../shared/format';
import type { ModelGraph } from '../../../shared/graph';
import type { InspectResult } from '../../../shared/inspect';
import type { OpenedModel } from '../../../shared/io';
import type { Diagnostic } from '../../../shared/validate';
import { analyze, type Analysis } from '../document/analysis';
import { indexDiagnostics, type DiagnosticIndex } from '../document/diagnosticIndex';
import { useViewStore } from './viewStore';

/** One entry of the undo history: a whole document state, shared structurally with its neighbours. */
export interface Revision {
  /** Unique in this window: tells a layout of this revision from one of another. */
  readonly seq: number;
  readonly spec: Model;
  /** What produced it: "Open SqueezeNet.mlmodel", "Insert permute after conv1", … */
  readonly label: string;
}

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
  readonly package?: MlPackage;
  readonly revision: Revision;
  /** The current revision's spec. */
  readonly spec: Model;
  readonly inspect: InspectResult;
  readonly graph: ModelGraph;
  /** The options the graph was built with. */
  readonly foldConstants: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly diagnosticIndex: DiagnosticIndex;
  readonly validationFailure?: string;
  /** The spec as last written to disk (or as opened). */
  readonly savedSpec: Model;
  readonly dirty: boolean;
}

/** An analysis without its graph: what the decode worker sends after an open. */
export type Findings = Omit<Analysis, 'graph'>;

export interface OpenDocument {
  readonly id: number;
  readonly name: string;
  readonly path?: string;
  readonly opened: OpenedModel;
  readonly analysis: Analysis;
  readonly foldConstants: boolean;
  /** Made in this window (a new pipeline, an extracted stage): unsaved until first written. */
  readonly unsaved?: boolean;
}

/** What a document made in this window counts as having been saved as: never any spec. */
const NEVER_SAVED: Model = Object.freeze({});

interface DocumentState {
  readonly document: ModelDocument | null;
  /** The only field undo history tracks. */
  readonly revision: Revision | null;
  /** Replaces the document (opening a file); the caller clears the history (withoutHistory). */
  open(doc: OpenDocument): void;
  /** An edit: a new revision, recorded for undo. */
  commit(spec: Model, label: string): void;
  /** A graph rebuilt with other view options; not an edit, so not recorded for undo. */
  setGraph(docId: number, graph: ModelGraph, foldConstants: boolean): void;
  /**
   * The open's analysis, worked out by the decode worker while the graph was drawn: `spec`'s model
   * facts and findings. Not an edit; the graph and everything laid out from it stay as they are.
   */
  setFindings(docId: number, spec: Model, findings: Findings): void;
  /** The current spec was written (to `where`, when the host names a new place). */
  markSaved(docId: number, spec: Model, where?: { name: string; path?: string }): void;
  close(): void;
}

let nextSeq = 1;

/** Analyses by spec, so undo and redo return to a revision without recomputing it. */
const analyses = new WeakMap<Model, Analysis & { foldConstants: boolean }>();

function analysisOf(spec: Model, doc: Pick<ModelDocument, 'format' | 'package' | 'foldConstants'>): Analysis {
  const hit = analyses.get(spec);
  if (hit && hit.foldConstants === doc.foldConstants) return hit;
  const a = analyze(spec, doc.format, doc.package, doc.foldConstants);
  analyses.set(spec, { ...a, foldConstants: doc.foldConstants });
  return a;
}

function derive(base: Omit<ModelDocument, 'revision' | 'spec' | 'inspect' | 'graph' | 'diagnostics' | 'diagnosticIndex' | 'validationFailure' | 'dirty'>, revision: Revision, a: Analysis): ModelDocument {
  return {
    ...base,
    revision,
    spec: revision.spec,
    inspect: a.inspect,
    graph: a.graph,
    diagnostics: a.diagnostics,
    diagnosticIndex: indexDiagnostics(a.graph, a.diagnostics),
    ...(a.validationFailure ? { validationFailure: a.validationFailure } : {}),
    dirty: revision.spec !== base.savedSpec,
  };
}

function baseOf(d: ModelDocument): Omit<ModelDocument, 'revision' | 'spec' | 'inspect' | 'graph' | 'diagnostics' | 'diagnosticIndex' | 'validationFailure' | 'dirty'> {
  return {
    id: d.id, name: d.name, ...(d.path ? { path: d.path } : {}), format: d.format, opened: d.opened,
    ...(d.package ? { package: d.package } : {}), foldConstants: d.foldConstants, savedSpec: d.savedSpec,
  };
}

/** The document an open makes, at `revision`. */
function documentOf(o: OpenDocument, revision: Revision): ModelDocument {
  return derive({
    id: o.id, name: o.name, ...(o.path ? { path: o.path } : {}), format: o.opened.format, opened: o.opened,
    ...(o.opened.package ? { package: o.opened.package } : {}), foldConstants: o.foldConstants, savedSpec: o.unsaved ? NEVER_SAVED : o.opened.spec,
  }, revision, o.analysis);
}

/** A document as an open would make it, held by no store and no history (canvas/Rehearsal.tsx draws one). */
export function detachedDocument(o: OpenDocument): ModelDocument {
  return documentOf(o, { seq: 0, spec: o.opened.spec, label: `Open ${o.name}` });
}

/** One document's store: its state and, under `temporal`, its own undo history. */
export function createDocumentStore() {
  const store = createStore<DocumentState>()(
    temporal(
      (set) => ({
        document: null,
        revision: null,
        open: (o) => {
          // Opening over a document opens beside it, in a tab of its own.
          if (store.getState().document) { openInNewTab(o); return; }
          const revision: Revision = { seq: nextSeq++, spec: o.opened.spec, label: `Open ${o.name}` };
          analyses.set(o.opened.spec, { ...o.analysis, foldConstants: o.foldConstants });
          const doc = documentOf(o, revision);
          set({ document: doc, revision });
          if (!registry.getState().tabs.includes(store)) registry.setState((r) => ({ tabs: [...r.tabs, store], active: store }));
        },
        commit: (spec, label) => set((s) => (s.document ? { revision: { seq: nextSeq++, spec, label } } : {})),
        setFindings: (docId, spec, f) => set((s) => {
          const found = { inspect: f.inspect, diagnostics: f.diagnostics, ...(f.validationFailure ? { validationFailure: f.validationFailure } : {}) };
          // Kept for undo and redo back to this spec, whichever revision is shown now.
          const kept = analyses.get(spec);
          if (kept) analyses.set(spec, { graph: kept.graph, foldConstants: kept.foldConstants, ...found });
          const d = s.document;
          if (d?.id !== docId || d.spec !== spec) return {};
          return { document: derive(baseOf(d), d.revision, { graph: d.graph, ...found }) };
        }),
        setGraph: (docId, graph, foldConstants) => set((s) => {
          const d = s.document;
          if (d?.id !== docId) return {};
          const a: Analysis = { graph, inspect: d.inspect, diagnostics: d.diagnostics, ...(d.validationFailure ? { validationFailure: d.validationFailure } : {}) };
          analyses.set(d.spec, { ...a, foldConstants });
          return { document: derive({ ...baseOf(d), foldConstants }, d.revision, a) };
        }),
        markSaved: (docId, spec, where) => set((s) => {
          const d = s.document;
          if (d?.id !== docId) return {};
          const base = { ...baseOf(d), savedSpec: spec, ...(where ? { name: where.name, ...(where.path ? { path: where.path } : {}) } : {}) };
          return { document: { ...d, ...base, dirty: d.spec !== spec } };
        }),
        close: () => {
          set({ document: null, revision: null });
          closeTab(store);
        },
      }),
      {
        partialize: (s) => ({ revision: s.revision }),
        // Only a new revision is a history entry; deriving the document from it is not.
        equality: (a, b) => a.revision === b.revision,
        limit: 200,
      },
    ),
  );
  // Undo, redo and jumps restore `revision` only; the document follows here, synchronously, so
  // whatever renders next sees the restored model with its graph and findings.
  store.subscribe((s) => {
    const d = s.document;
    if (!d || !s.revision || d.revision === s.revision) return;
    const revision = s.revision;
    store.setState({ document: derive(baseOf(d), revision, analysisOf(revision.spec, d)) });
  });
  // A toast or notice describes the revision it was raised on ("Not done: …" offering to apply an
  // edit to it, "Saved …"); once another revision is shown it is out of date, so it goes. Ones
  // raised for the new revision come after this, in the same call that committed it.
  store.subscribe((s, prev) => {
    if (s.revision !== prev.revision && store === registry.getState().active) useViewStore.getState().clearSuperseded();
  });
  return store;
}

export type DocumentStoreApi = ReturnType<typeof createDocumentStore>;
type HistoryState = TemporalState<{ revision: Revision | null }>;

/**
 * The workspace's documents, one store each (tabs, in tab order), and the one shown. With no tab
 * open, `active` is an empty store that the next open fills and turns into the first tab.
 * workspace.ts changes this; everything else reads the active document through useDocumentStore.
 */
export interface WorkspaceRegistry {
  readonly tabs: readonly DocumentStoreApi[];
  readonly active: DocumentStoreApi;
}

export const registry = createStore<WorkspaceRegistry>()(() => ({ tabs: [], active: createDocumentStore() }));
export const useWorkspaceRegistry = <U>(selector: (s: WorkspaceRegistry) => U): U => useStore(registry, selector);

/** A new tab after the active one, with `o` opened in it and no history before the open. */
function openInNewTab(o: OpenDocument): void {
  const next = createDocumentStore();
  const t = next.temporal.getState();
  t.pause();
  next.setState({ document: null, revision: null });
  registry.setState((r) => {
    const at = r.tabs.indexOf(r.active);
    const tabs = [...r.tabs];
    tabs.splice(at < 0 ? tabs.length : at + 1, 0, next);
    return { tabs };
  });
  next.getState().open(o);
  registry.setState({ active: next });
  t.resume();
  t.clear();
}

/** Drops a tab; the one after it (or before, for the last) is shown, or an empty workspace. */
function closeTab(store: DocumentStoreApi): void {
  registry.setState((r) => {
    const at = r.tabs.indexOf(store);
    if (at < 0) return {};
    const tabs = r.tabs.filter((t) => t !== store);
    const active = r.active !== store ? r.active : tabs[Math.min(at, tabs.length - 1)] ?? createDocumentStore();
    return { tabs, active };
  });
}

// Another tab shows its own document from a fresh view (selection, layout, dialogs).
registry.subscribe((r, prev) => {
  if (r.active !== prev.active) useViewStore.getState().resetForDocument();
});

const activeStore = (): DocumentStoreApi => registry.getState().active;

/**
 * Subscribes to one part of whichever store is active, following the workspace from tab to tab:
 * switching tabs tells the listener of the new store's state as a change from the old one's.
 */
function subscribeToActive<T>(pick: (s: DocumentStoreApi) => StoreApi<T>, listener: (state: T, prev: T) => void): () => void {
  let current = activeStore();
  let last = pick(current).getState();
  const follow = (): (() => void) => pick(current).subscribe((s, p) => { last = s; listener(s, p); });
  let unsubscribe = follow();
  const stopFollowing = registry.subscribe((r) => {
    if (r.active === current) return;
    unsubscribe();
    current = r.active;
    const prev = last;
    last = pick(current).getState();
    unsubscribe = follow();
    listener(last, prev);
  });
  return () => { unsubscribe(); stopFollowing(); };
}

const activeHistory: StoreApi<HistoryState> = {
  getState: () => activeStore().temporal.getState(),
  getInitialState: () => activeStore().temporal.getInitialState(),
  setState: (partial, replace) => activeStore().temporal.setState(partial as HistoryState, replace as false),
  subscribe: (listener) => subscribeToActive((s) => s.temporal, listener),
};

const activeDocument: StoreApi<DocumentState> = {
  getState: () => activeStore().getState(),
  getInitialState: () => activeStore().getInitialState(),
  setState: (partial, replace) => activeStore().setState(partial as DocumentState, replace as false),
  subscribe: (listener) => subscribeToActive((s) => s, listener),
};

/**
 * A store that components below it read instead of the active tab's: the off-screen rehearsal
 * (canvas/Rehearsal.tsx) renders the panels on the warm-up document without touching the workspace.
 */
export const DocumentStoreOverride = createContext<StoreApi<DocumentState> | null>(null);

/** A store holding `doc` and nothing else, for DocumentStoreOverride: every change is refused. */
export function rehearsalStore(doc: ModelDocument): StoreApi<DocumentState> {
  const refuse = (): never => { throw new Error('the rehearsal document cannot be changed'); };
  return createStore<DocumentState>()(() => ({
    document: doc, revision: null, open: refuse, commit: refuse, setGraph: refuse, setFindings: refuse, markSaved: refuse, close: refuse,
  }));
}

function useActiveDocument(): DocumentState;
function useActiveDocument<U>(selector: (s: DocumentState) => U): U;
function useActiveDocument<U>(selector?: (s: DocumentState) => U): U | DocumentState {
  const override = useContext(DocumentStoreOverride);
  return useStore(override ?? activeDocument, selector ?? ((s: DocumentState) => s as unknown as U));
}

/**
 * The active tab's document, read and changed the way a single zustand store with zundo is:
 * as a hook, with getState/setState/subscribe, and its undo history under `temporal`. Components
 * re-render when the tab changes as when the document does.
 */
export const useDocumentStore = Object.assign(useActiveDocument, activeDocument, { temporal: activeHistory });

/**
 * Runs a store change that is not an edit (open, close, view-option graph rebuilds) outside
 * history. `clear` empties the history of the document it ran on; a change that moved to another
 * tab (an open that added one, a close) leaves that tab's history alone.
 */
export function withoutHistory(change: () => void, clear = false): void {
  const before = activeStore();
  const t = before.temporal.getState();
  t.pause();
  try { change(); } finally { t.resume(); }
  if (clear && activeStore() === before) before.temporal.getState().clear();
}

export interface HistoryView {
  /** Labels from the oldest kept revision to the newest redoable one. */
  readonly entries: readonly { readonly label: string; readonly seq: number }[];
  /** Index of the current revision in `entries`. */
  readonly current: number;
}

export function historyView(past: readonly Partial<{ revision: Revision | null }>[], current: Revision | null, future: readonly Partial<{ revision: Revision | null }>[]): HistoryView {
  const entry = (r: Revision | null | undefined) => ({ label: r?.label ?? '', seq: r?.seq ?? 0 });
  // zundo keeps the next redo last in futureStates.
  const entries = [...past.map((p) => entry(p.revision)), entry(current), ...[...future].reverse().map((f) => entry(f.revision))];
  return { entries, current: past.length };
}

/** The store of the tab holding document `id` (an open's late results land on its own tab, shown or not). */
export function documentStoreFor(id: number): DocumentStoreApi | undefined {
  return registry.getState().tabs.find((t) => t.getState().document?.id === id);
}
