// Where the viewport goes when a layout lands: a document's first layout gets a fresh view, a
// later one (an edit, a group collapsed or expanded) leaves the view where it is.
import { useEffect, useRef, type RefObject } from 'react';
import { useReactFlow, useStoreApi, type Viewport } from '@xyflow/react';
import type { ModelDocument } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import type { CanvasEdge } from './BlobEdge';
import type { CanvasNode } from './nodeTypes';
import { fitViewport, paneSize, type FitView } from './useFitView';
import type { LaidGraph } from './useGraphLayout';

/** Another document, or constants folded differently, gets a fresh viewport; an edit keeps the view where it is. */
const viewportKey = (doc: ModelDocument): string => `${doc.id}:${doc.foldConstants}`;

/**
 * Once a layout has been built into nodes (`builtFrom === laid`):
 * - a later layout of the same document keeps the selected node in view, by a centre request when
 *   the layout moved it off screen (a layer whose input was pointed elsewhere leaves its chain);
 * - the first layout of a document shows the whole graph when it fits legibly, else its top at a
 *   readable zoom (with the zoom floor set so that zoom to fit can still show all of it).
 * The two effects run in this order so that a document's first layout is not also "kept in view".
 */
export function useViewportOnLayout(paneRef: RefObject<HTMLDivElement | null>, laid: LaidGraph | null, builtFrom: LaidGraph | null, fit: Pick<FitView, 'graphBounds' | 'fitAll' | 'setZoomFloor' | 'leaveFit'>): void {
  const rf = useReactFlow<CanvasNode, CanvasEdge>();
  const flow = useStoreApi<CanvasNode, CanvasEdge>();
  const viewportSetFor = useRef<string | null>(null);
  const keptInView = useRef<LaidGraph | null>(null);
  const { graphBounds, fitAll, setZoomFloor, leaveFit } = fit;

  useEffect(() => {
    if (!laid || builtFrom !== laid || keptInView.current === laid || viewportSetFor.current !== viewportKey(laid.doc)) return;
    keptInView.current = laid;
    const sel = useViewStore.getState().selection;
    const n = sel ? rf.getInternalNode(sel) : undefined;
    // The pane's size as React Flow measured it: asking the DOM here would lay the page out in the
    // middle of the edit's commit, and once more after React Flow's own updates that follow.
    const { width, height } = flow.getState();
    if (!n || !width || !height) return;
    const rect = { width, height };
    const { x, y, zoom } = rf.getViewport();
    const left = n.internals.positionAbsolute.x * zoom + x, top = n.internals.positionAbsolute.y * zoom + y;
    const right = left + (n.measured.width ?? 0) * zoom, bottom = top + (n.measured.height ?? 0) * zoom;
    if (right < 0 || bottom < 0 || left > rect.width || top > rect.height) useViewStore.getState().requestCenter(sel!);
  }, [laid, builtFrom, rf, flow]);

  useEffect(() => {
    if (!laid || builtFrom !== laid || viewportSetFor.current === viewportKey(laid.doc)) return;
    viewportSetFor.current = viewportKey(laid.doc);
    const rect = paneSize(flow, paneRef.current);
    const b = graphBounds();
    if (!rect || !b) return;
    const fits = Math.min(rect.width / (b.width + 80), rect.height / (b.height + 80));
    if (fits >= 0.6) { fitAll(); return; }
    setZoomFloor(fitViewport(b, rect).zoom);
    const zoom = Math.min(1, Math.max(0.7, rect.width / (b.width + 80)));
    const positions = useViewStore.getState().positions;
    const first = laid.view.items.filter((i) => !i.parent).map((i) => positions.get(i.id)!).filter((p) => p && p.y <= b.y + 1);
    const cx = first.reduce((a, p) => a + p.x + p.width / 2, 0) / first.length;
    const vp: Viewport = { x: rect.width / 2 - cx * zoom, y: 24 - b.y * zoom, zoom };
    leaveFit();
    void rf.setViewport(vp);
  }, [laid, builtFrom, graphBounds, fitAll, setZoomFloor, leaveFit, rf, flow, paneRef]);
}
