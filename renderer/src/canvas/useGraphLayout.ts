// Lays out what the canvas shows: the document's graph minus what collapsed groups hide, by our
// layered layout on this thread (layout/dataflowLayout.ts: tens of milliseconds for thousands of
// layers). An edit does not lay the graph out again: layout/incremental.ts keeps every node in
// place and places only what is new; undo and redo bring back the arrangement a graph was shown with.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ModelGraph } from '../../../shared/graph';
import { dataflowLayout } from '../layout/dataflowLayout';
import { updateLayout, type LayoutMode } from '../layout/incremental';
import { rankLayout } from '../layout/rankLayout';
import type { LayoutResult } from '../layout/types';
import type { ModelDocument } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { buildViewGraph, type ViewGraph } from './viewGraph';

/** A layout that has landed: what was laid out, from which revision, and how. */
export interface LaidGraph {
  readonly view: ViewGraph;
  /** The document revision laid out (its graph is the one `view` shows). */
  readonly doc: ModelDocument;
  readonly collapsed: ReadonlySet<string>;
  readonly layout: LayoutResult;
  readonly mode: LayoutMode;
}

/**
 * The layout each graph was last shown with, so that undo and redo return every node to exactly
 * where it was (analyses are kept per spec, so an undone revision brings back its graph object).
 */
const shownLayouts = new WeakMap<ModelGraph, { collapsed: ReadonlySet<string>; docId: number; layout: LayoutResult }>();

/**
 * `view`: what is visible now (recomputed on render). `laid`: the layout of `view`, set before
 * paint whenever what is visible changes (another document, an edit, undo or redo, a group
 * collapsed or expanded), so no frame shows the new revision's names on the old arrangement or the
 * other way round. Each layout's placements go to the view store (`positions`, which dragging then
 * updates; view state, never the document's undo history) with its status.
 */
export function useGraphLayout(doc: ModelDocument | null, collapsed: ReadonlySet<string>): { view: ViewGraph | null; laid: LaidGraph | null } {
  const graph = doc?.graph;
  const view = useMemo(() => (graph ? buildViewGraph(graph, collapsed) : null), [graph, collapsed]);
  const [laid, setLaid] = useState<LaidGraph | null>(null);
  const laidRef = useRef<LaidGraph | null>(null);
  // A newer document with the same graph (an open's findings landing) lays nothing out again.
  const docRef = useRef(doc);
  useLayoutEffect(() => { docRef.current = doc; });

  useLayoutEffect(() => {
    // The layout is set from an effect, not computed in render: it writes the view store
    // (positions, status), and must land before paint.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (!view || !graph) { laidRef.current = null; setLaid(null); return; }
    const d = docRef.current!;
    const v = useViewStore.getState();
    const prev = laidRef.current;
    const sameView = prev !== null && prev.doc.id === d.id && prev.doc.foldConstants === d.foldConstants && prev.collapsed === collapsed;
    let layout: LayoutResult;
    let mode: LayoutMode = 'full';
    let status: 'done' | 'fallback' = 'done';
    let note: string | undefined;
    try {
      const shown = shownLayouts.get(graph);
      if (sameView && shown && shown.docId === d.id && shown.collapsed === collapsed) {
        layout = shown.layout;
        mode = 'same';
      } else if (sameView) {
        // From what is on screen, the user's drags included.
        ({ mode, ...layout } = updateLayout({ view: prev.view, layout: { placements: v.positions, routes: prev.layout.routes } }, view));
      } else {
        layout = dataflowLayout(view);
      }
    } catch (e) {
      console.error(e);
      layout = { placements: rankLayout(view), routes: new Map() };
      status = 'fallback';
      note = `Layout failed (${(e as Error).message}): showing a quick layered arrangement.`;
    }
    if (prev && prev.view.edges.length && prev.doc.graph !== graph) {
      shownLayouts.set(prev.doc.graph, { collapsed: prev.collapsed, docId: prev.doc.id, layout: { placements: v.positions, routes: prev.layout.routes } });
    }
    v.setLayout({ status, slow: false, itemCount: view.items.length, ...(note ? { note } : {}) }, layout.placements);
    const next: LaidGraph = { view, doc: d, collapsed, layout, mode };
    laidRef.current = next;
    setLaid(next);
  }, [view, graph, collapsed]);

  return { view, laid };
}
