// The workspace: several documents open at once, one tab each. Every document keeps its own store
// (documentStore.ts: its revisions, undo history and dirty state); this module switches, orders
// and closes tabs and opens documents made in this window (a new pipeline, an extracted stage).
// The rest of the UI reads the active tab's document through useDocumentStore, as before tabs.
import { useSyncExternalStore } from 'react';
import type { PackageContents } from '../../../shared/format';
import { openModelContents } from '../../../shared/io';
import { analyze } from '../document/analysis';
import { registry, withoutHistory, type DocumentStoreApi } from './documentStore';
import { useViewStore } from './viewStore';

export interface TabSummary {
  readonly store: DocumentStoreApi;
  readonly key: number;
  readonly name: string;
  readonly dirty: boolean;
  readonly active: boolean;
  readonly modelType: string | null;
}

const keys = new WeakMap<DocumentStoreApi, number>();
let nextKey = 1;
function keyOf(store: DocumentStoreApi): number {
  let k = keys.get(store);
  if (k === undefined) { k = nextKey++; keys.set(store, k); }
  return k;
}

function summaries(): TabSummary[] {
  const r = registry.getState();
  return r.tabs.flatMap((store) => {
    const d = store.getState().document;
    return d ? [{ store, key: keyOf(store), name: d.name, dirty: d.dirty, active: store === r.active, modelType: d.inspect.modelType }] : [];
  });
}

let cached: { tabs: readonly DocumentStoreApi[]; docs: readonly unknown[]; active: DocumentStoreApi; value: TabSummary[] } | undefined;

/** The tabs as the tab bar shows them; a new array only when a tab's name, dirty state or order changes. */
function snapshot(): TabSummary[] {
  const r = registry.getState();
  const docs = r.tabs.map((t) => t.getState().document);
  if (cached && cached.tabs === r.tabs && cached.active === r.active && cached.docs.every((d, i) => d === docs[i])) return cached.value;
  cached = { tabs: r.tabs, docs, active: r.active, value: summaries() };
  return cached.value;
}

function subscribe(listener: () => void): () => void {
  let perTab: (() => void)[] = [];
  const follow = (): void => {
    for (const u of perTab) u();
    perTab = registry.getState().tabs.map((t) => t.subscribe(listener));
  };
  follow();
  const stop = registry.subscribe(() => { follow(); listener(); });
  return () => { stop(); for (const u of perTab) u(); };
}

export function useTabs(): TabSummary[] {
  return useSyncExternalStore(subscribe, snapshot);
}

/** Every open document, in tab order (for the pipeline editor's choice of stages). */
export function tabSummaries(): TabSummary[] {
  return snapshot();
}

export function activateTab(store: DocumentStoreApi): void {
  if (registry.getState().active === store) return;
  registry.setState({ active: store });
}

/** Moves a tab to another position in the bar (drag and drop). */
export function moveTab(from: number, to: number): void {
  registry.setState((r) => {
    if (from === to || from < 0 || to < 0 || from >= r.tabs.length || to >= r.tabs.length) return {};
    const tabs = [...r.tabs];
    const [t] = tabs.splice(from, 1);
    tabs.splice(to, 0, t);
    return { tabs };
  });
}

/** Closes a tab; one with unsaved changes asks first. Returns whether it closed. */
export function closeTabAsking(store: DocumentStoreApi, confirm: (question: string) => boolean = (q) => window.confirm(q)): boolean {
  const d = store.getState().document;
  if (d?.dirty && !confirm(`Close ${d.name} without saving your changes?`)) return false;
  const t = store.temporal.getState();
  t.pause();
  store.getState().close();
  return true;
}

/** Ids for documents made in this window, apart from the decode worker's (which counts up from 1). */
let nextLocalId = -1;

/**
 * Opens a document made in this window in a tab of its own: the model's file bytes or package
 * files, decoded as an opened file would be, so saving it writes exactly this and later edits
 * keep the rest. It counts as unsaved until written.
 */
export function openMadeDocument(name: string, input: Uint8Array | PackageContents): void {
  const opened = openModelContents(name, input);
  const foldConstants = useViewStore.getState().foldConstants;
  const analysis = analyze(opened.spec, opened.format, opened.package, foldConstants);
  withoutHistory(() => registry.getState().active.getState().open({ id: nextLocalId--, name, opened, analysis, foldConstants, unsaved: true }), true);
  useViewStore.getState().resetForDocument();
}

/** Whether any open document has unsaved changes (the window asks before closing). */
export function anyDirty(): boolean {
  return registry.getState().tabs.some((t) => t.getState().document?.dirty);
}
