// Bringing an element into view: the view store's centre requests (search, the Problems list,
// keyboard navigation, a group toggled) are served here once the layout they need has landed.
import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useViewStore } from '../store/viewStore';
import type { CanvasEdge } from './BlobEdge';
import type { CanvasNode } from './nodeTypes';
import { paneSize } from './useFitView';
import type { LaidGraph } from './useGraphLayout';
import type { ViewGraph } from './viewGraph';

export interface Centring {
  /** Centres a drawn element at a readable zoom; false when React Flow does not have it (yet). */
  readonly centerOn: (id: string) => boolean;
  /** Marks the waiting centre request as served without moving (a later fit overrides it). */
  readonly dropPendingCentre: () => void;
}

/**
 * Serves the latest centre request once the layout of what is visible now has been built into
 * nodes (expanding a group to reveal a search match, or collapsing one, moves everything), and
 * retries as React Flow's nodes change until the element is there. Each request (by its seq) is
 * served once.
 */
export function useCentring(paneRef: RefObject<HTMLDivElement | null>, laid: LaidGraph | null, builtFrom: LaidGraph | null, view: ViewGraph | null, nodes: readonly CanvasNode[]): Centring {
  const rf = useReactFlow<CanvasNode, CanvasEdge>();
  const flow = useStoreApi<CanvasNode, CanvasEdge>();
  const centerRequest = useViewStore((s) => s.centerRequest);
  const centered = useRef(0);

  const centerOn = useCallback((id: string): boolean => {
    const n = rf.getInternalNode(id);
    if (!n) return false;
    const w = n.measured.width ?? n.width ?? 0;
    const h = n.measured.height ?? n.height ?? 0;
    const { x, y } = n.internals.positionAbsolute;
    const zoom = Math.max(rf.getZoom(), 0.8);
    // A tall expanded group is shown from its header, not from the middle of its contents.
    const rect = paneSize(flow, paneRef.current);
    const cy = rect ? y + Math.min(h / 2, rect.height / 2 / zoom - 24) : y + h / 2;
    void rf.setCenter(x + w / 2, cy, { zoom, duration: 150 });
    return true;
  }, [rf, flow, paneRef]);

  const dropPendingCentre = useCallback((): void => {
    const pending = useViewStore.getState().centerRequest;
    if (pending) centered.current = pending.seq;
  }, []);

  useEffect(() => {
    if (!centerRequest || centered.current === centerRequest.seq || !laid || laid.view !== view || builtFrom !== laid) return;
    if (centerOn(centerRequest.id)) centered.current = centerRequest.seq;
  }, [centerRequest, laid, builtFrom, view, nodes, centerOn]);

  return { centerOn, dropPendingCentre };
}
