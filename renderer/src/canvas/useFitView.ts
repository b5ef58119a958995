// Showing the whole graph. Computed from the layout rather than with React Flow's fitView, which
// waits until every node has been measured in the DOM: with onlyRenderVisibleElements the
// off-screen ones never are.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { getViewportForBounds, useReactFlow, useStoreApi } from '@xyflow/react';
import { useViewStore } from '../store/viewStore';
import type { CanvasEdge } from './BlobEdge';
import type { CanvasNode } from './nodeTypes';
import type { LaidGraph } from './useGraphLayout';
import type { ViewGraph } from './viewGraph';

/**
 * React Flow's own floor on zoom. A graph taller than the window at this zoom (model_cpm: 759
 * nodes, 30,000 pixels) lowers the floor to the zoom that shows all of it, as Netron lets a large
 * graph be zoomed out until it fits: zoom to fit always shows the whole graph.
 */
const MIN_ZOOM = 0.02;

export interface Bounds { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

export interface PaneSize { readonly width: number; readonly height: number }

/** The viewport that shows all of `bounds` in a pane of that size (React Flow's fit padding of 5%). */
export const fitViewport = (bounds: Bounds, pane: PaneSize): ReturnType<typeof getViewportForBounds> => getViewportForBounds(bounds, pane.width, pane.height, 0, 1.1, 0.05);

/**
 * The canvas pane's size as React Flow measured it (its flow fills the pane), or from the DOM
 * before it has: asking the DOM while an open or an edit commits lays the page out one more time.
 */
export function paneSize(flow: { getState(): { width: number; height: number } }, pane: HTMLElement | null): PaneSize | undefined {
  const { width, height } = flow.getState();
  if (width > 0 && height > 0) return { width, height };
  const rect = pane?.getBoundingClientRect();
  return rect && { width: rect.width, height: rect.height };
}

export interface FitView {
  /** React Flow's zoom floor now: MIN_ZOOM, or lower for a graph that only fits below it. */
  readonly minZoom: number;
  /** Bounds of everything laid out (top-level placements are absolute); undefined before a layout. */
  readonly graphBounds: () => Bounds | undefined;
  /** Shows the whole graph, lowering the zoom floor first when it must; a later resize fits again. */
  readonly fitAll: (duration?: number) => void;
  /** Sets the zoom floor to MIN_ZOOM or `zoom`, whichever is lower. */
  readonly setZoomFloor: (zoom: number) => void;
  /** The viewport was set to something other than the whole graph: a resize no longer fits again. */
  readonly leaveFit: () => void;
  /** For React Flow's onMoveStart: a pan or zoom by the user (an event) leaves the fit. */
  readonly onMoveStart: (event: unknown) => void;
}

/**
 * Zoom to fit for the current layout. While the whole graph is what the user sees (a fit they
 * have not panned or zoomed away from), a change of the canvas's size (the tab bar, the Run strip,
 * a resized window) fits it again.
 */
export function useFitView(paneRef: RefObject<HTMLDivElement | null>, laid: LaidGraph | null): FitView {
  const rf = useReactFlow<CanvasNode, CanvasEdge>();
  const flow = useStoreApi<CanvasNode, CanvasEdge>();
  const [minZoom, setMinZoom] = useState(MIN_ZOOM);
  const minZoomRef = useRef(MIN_ZOOM);
  const fitShown = useRef(false);

  const graphBounds = useCallback((): Bounds | undefined => {
    if (!laid) return undefined;
    const top = laid.view.items.filter((i) => !i.parent).map((i) => useViewStore.getState().positions.get(i.id)).filter((p) => p !== undefined);
    if (top.length === 0) return undefined;
    const x = Math.min(...top.map((p) => p.x)), y = Math.min(...top.map((p) => p.y));
    return { x, y, width: Math.max(...top.map((p) => p.x + p.width)) - x, height: Math.max(...top.map((p) => p.y + p.height)) - y };
  }, [laid]);

  const fitAll = useCallback((duration = 0, size?: PaneSize): void => {
    const b = graphBounds();
    const rect = size ?? paneSize(flow, paneRef.current);
    if (!b || !rect) return;
    const fit = fitViewport(b, rect);
    fitShown.current = true;
    const floor = Math.min(MIN_ZOOM, fit.zoom);
    if (floor >= minZoomRef.current) { void rf.setViewport(fit, { duration }); return; }
    // React Flow clamps a viewport to the zoom floor it was last rendered with: lower the floor,
    // let that render land, then move (moving first stopped a tall graph's fit part-way).
    minZoomRef.current = floor;
    setMinZoom(floor);
    requestAnimationFrame(() => requestAnimationFrame(() => void rf.setViewport(fit, { duration })));
  }, [graphBounds, rf, flow, paneRef]);

  const setZoomFloor = useCallback((zoom: number): void => {
    minZoomRef.current = Math.min(MIN_ZOOM, zoom);
    setMinZoom(minZoomRef.current);
  }, []);
  const leaveFit = useCallback((): void => { fitShown.current = false; }, []);
  const onMoveStart = useCallback((event: unknown): void => { if (event) fitShown.current = false; }, []);

  useEffect(() => {
    const el = paneRef.current;
    if (!el) return undefined;
    // The new size from the observer itself: React Flow's own observer may not have run yet.
    const observer = new ResizeObserver(([entry]) => { if (fitShown.current) fitAll(0, entry.contentRect); });
    observer.observe(el);
    return () => observer.disconnect();
  }, [fitAll, paneRef]);

  return { minZoom, graphBounds, fitAll, setZoomFloor, leaveFit, onMoveStart };
}

/**
 * Zoom to fit on request (the view store's fitRequest: the toolbar, the menu, the canvas's
 * button), once the layout of what is visible now has been built. It also drops a centring request
 * still waiting for a layout (`dropPendingCentre`): the fit is the later request. Called after
 * useCentring so that, when both are due in one commit, the fit's effect runs last.
 */
export function useFitRequests(laid: LaidGraph | null, builtFrom: LaidGraph | null, view: ViewGraph | null, fitAll: FitView['fitAll'], dropPendingCentre: () => void): void {
  const fitRequest = useViewStore((s) => s.fitRequest);
  const fitted = useRef(0);
  useEffect(() => {
    if (fitRequest === fitted.current || !laid || builtFrom !== laid || laid.view !== view) return;
    fitted.current = fitRequest;
    dropPendingCentre();
    // Animating a zoom-out over hundreds of nodes renders each of them on every frame.
    fitAll(laid.view.items.length > 300 ? 0 : 200);
  }, [fitRequest, laid, builtFrom, view, fitAll, dropPendingCentre]);
}
