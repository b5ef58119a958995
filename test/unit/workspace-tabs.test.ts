// The workspace's tabs, with the renderer's own stores run in Node: every document has its own
// undo history and dirty state; opening adds a tab after the active one without touching the
// others; useDocumentStore (and its temporal history) always reads the active tab; closing a
// dirty tab asks; a document made in this window (a pipeline) opens unsaved.
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeModel } from '../../shared/format/model';
import type { Model } from '../../shared/format/schema/types.generated';
import { openModelContents } from '../../shared/io/document';
import { createPipeline } from '../../shared/surgery/pipeline';
import { renameFeature } from '../../shared/surgery/rename';
import { analyze } from '../../renderer/src/document/analysis';
import { registry, useDocumentStore, withoutHistory } from '../../renderer/src/store/documentStore';
import { activateTab, anyDirty, closeTabAsking, moveTab, openMadeDocument, tabSummaries } from '../../renderer/src/store/workspace';

const DOUBLE = 65600;
const linear = (from: string, to: string, alpha: number): Model => ({
  specificationVersion: 1,
  description: { input: [{ name: from, type: { multiArrayType: { shape: [3], dataType: DOUBLE } } }], output: [{ name: to, type: { multiArrayType: { shape: [3], dataType: DOUBLE } } }] },
  neuralNetwork: { layers: [{ name: `${to}_layer`, input: [from], output: [to], activation: { linear: { alpha } } }] },
});

let nextId = 1000;
function open(name: string, spec: Model): void {
  const opened = openModelContents(name, encodeModel(spec));
  withoutHistory(() => useDocumentStore.getState().open({ id: nextId++, name, opened, analysis: analyze(opened.spec, 'mlmodel', undefined, true), foldConstants: true }), true);
}
const names = (): string[] => tabSummaries().map((t) => t.name);
const active = (): string | undefined => useDocumentStore.getState().document?.name;
const historyLength = (): number => useDocumentStore.temporal.getState().pastStates.length;

beforeEach(() => {
  for (const t of [...registry.getState().tabs]) closeTabAsking(t, () => true);
});

describe('workspace tabs', () => {
  it('opening adds a tab after the active one; each tab keeps its own history and dirty state', () => {
    open('A.mlmodel', linear('x', 'h', 2));
    open('B.mlmodel', linear('h', 'y', 3));
    expect(names()).toEqual(['A.mlmodel', 'B.mlmodel']);
    expect(active()).toBe('B.mlmodel');

    // An edit in B: B is dirty with one undo step; A is untouched.
    const b = useDocumentStore.getState().document!;
    useDocumentStore.getState().commit(renameFeature(b.spec, { from: 'y', to: 'out' }), 'Rename y → out');
    expect(historyLength()).toBe(1);
    expect(tabSummaries().map((t) => t.dirty)).toEqual([false, true]);
    expect(anyDirty()).toBe(true);

    activateTab(registry.getState().tabs[0]);
    expect(active()).toBe('A.mlmodel');
    expect(historyLength()).toBe(0);
    // A third file opens after the active tab (A), not at the end.
    open('C.mlmodel', linear('y', 'z', 4));
    expect(names()).toEqual(['A.mlmodel', 'C.mlmodel', 'B.mlmodel']);
    // Opening C cleared neither B's history nor its edit.
    activateTab(registry.getState().tabs[2]);
    expect(active()).toBe('B.mlmodel');
    expect(historyLength()).toBe(1);
    useDocumentStore.temporal.getState().undo();
    expect(useDocumentStore.getState().document!.spec.description!.output![0].name).toBe('y');
    expect(useDocumentStore.getState().document!.dirty).toBe(false);
  });

  it('useDocumentStore subscribers hear a tab switch as a change of document', () => {
    open('A.mlmodel', linear('x', 'h', 2));
    open('B.mlmodel', linear('h', 'y', 3));
    const seen: (string | undefined)[] = [];
    const stop = useDocumentStore.subscribe((s) => seen.push(s.document?.name));
    activateTab(registry.getState().tabs[0]);
    activateTab(registry.getState().tabs[1]);
    stop();
    expect(seen).toEqual(['A.mlmodel', 'B.mlmodel']);
  });

  it('closing a dirty tab asks; declining keeps it, closing shows the neighbour with its history', () => {
    open('A.mlmodel', linear('x', 'h', 2));
    const a = useDocumentStore.getState().document!;
    useDocumentStore.getState().commit(renameFeature(a.spec, { from: 'h', to: 'hidden' }), 'Rename h → hidden');
    open('B.mlmodel', linear('h', 'y', 3));
    const bStore = registry.getState().active;
    const bDoc = bStore.getState().document!;
    bStore.getState().commit(renameFeature(bDoc.spec, { from: 'y', to: 'out' }), 'Rename y → out');
    const questions: string[] = [];
    expect(closeTabAsking(bStore, (q) => { questions.push(q); return false; })).toBe(false);
    expect(questions).toEqual(['Close B.mlmodel without saving your changes?']);
    expect(names()).toEqual(['A.mlmodel', 'B.mlmodel']);
    expect(closeTabAsking(bStore, () => true)).toBe(true);
    expect(names()).toEqual(['A.mlmodel']);
    expect(active()).toBe('A.mlmodel');
    expect(historyLength()).toBe(1);
    // The close command's path (withoutHistory(close, clear)) leaves the tab it moves to alone.
    open('C.mlmodel', linear('y', 'z', 4));
    withoutHistory(() => useDocumentStore.getState().close(), true);
    expect(active()).toBe('A.mlmodel');
    expect(historyLength()).toBe(1);
    closeTabAsking(registry.getState().active, () => true);
    expect(names()).toEqual([]);
    expect(useDocumentStore.getState().document).toBeNull();
    // The empty workspace's store becomes the first tab again.
    open('D.mlmodel', linear('x', 'h', 2));
    expect(names()).toEqual(['D.mlmodel']);
  });

  it('tabs reorder; a document made here (a pipeline) opens in a new tab, unsaved', () => {
    open('A.mlmodel', linear('x', 'h', 2));
    open('B.mlmodel', linear('h', 'y', 3));
    moveTab(1, 0);
    expect(names()).toEqual(['B.mlmodel', 'A.mlmodel']);
    const specs = registry.getState().tabs.map((t) => t.getState().document!.spec);
    openMadeDocument('P.mlmodel', encodeModel(createPipeline([specs[1], specs[0]])));
    expect(active()).toBe('P.mlmodel');
    const d = useDocumentStore.getState().document!;
    expect(d.inspect.modelType).toBe('pipeline');
    expect(d.dirty).toBe(true);
    expect(historyLength()).toBe(0);
    expect(d.id).toBeLessThan(0);
  });
});
