// The node and edge objects React Flow draws, kept in React state so that a change touches only
// the objects it concerns: React Flow then re-renders two nodes, not three thousand.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { applyNodeChanges, type NodeChange } from '@xyflow/react';
import type { ModelDocument } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import type { CanvasEdge } from './BlobEdge';
import { edgeShapes, keepUnchanged, shapeLabelsOf, toEdges, toNodes } from './flowElements';
import type { CanvasNode } from './nodeTypes';
import type { LaidGraph } from './useGraphLayout';

export interface FlowElements {
  readonly nodes: CanvasNode[];
  readonly edges: CanvasEdge[];
  readonly setNodes: Dispatch<SetStateAction<CanvasNode[]>>;
  readonly setEdges: Dispatch<SetStateAction<CanvasEdge[]>>;
  /** The layout `nodes` were built from: effects that read React Flow's nodes wait until it is the current one. */
  readonly builtFrom: LaidGraph | null;
  /** React Flow's node changes: drags move the node; a finished drag is stored as a position. */
  readonly onNodesChange: (changes: NodeChange<CanvasNode>[]) => void;
}

/**
 * Builds every node and edge when a layout lands (before paint, from the view store's positions,
 * selection and shape setting at that moment), and afterwards changes only the edges' shape labels
 * when shapes are switched on or off or become known (the open's analysis landed). Dragging never
 * reaches the document: a finished drag goes to the view store's positions, outside the undo history.
 */
export function useFlowElements(laid: LaidGraph | null, doc: ModelDocument | null, showShapes: boolean): FlowElements {
  const [nodes, setNodes] = useState<CanvasNode[]>([]);
  const [edges, setEdges] = useState<CanvasEdge[]>([]);
  const [builtFrom, setBuiltFrom] = useState<LaidGraph | null>(null);
  /** Whether the edges on screen carry shape labels. */
  const builtShapes = useRef(false);

  useLayoutEffect(() => {
    // Built when the layout lands, before paint, from the view store as it is then.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setBuiltFrom(laid);
    if (!laid) { setNodes([]); setEdges([]); return; }
    const v = useViewStore.getState();
    const labels = v.showShapes ? shapeLabelsOf(laid.doc) : null;
    builtShapes.current = labels !== null;
    // An edit that keeps most of the graph keeps most of these objects (keepUnchanged, and
    // toEdges comparing with the edges on screen).
    const nextNodes = toNodes(laid.view, v.positions, v.selection);
    setNodes((prev) => keepUnchanged(prev, nextNodes));
    setEdges((prev) => toEdges(laid, v.positions, v.selection, v.edgeSelection, labels, prev));
    // positions are read once per layout: dragging updates the nodes directly.
  }, [laid]);

  // `doc` is a dependency because the shapes become known with a newer document of the same graph.
  useEffect(() => {
    if (!laid) return;
    const labels = showShapes ? shapeLabelsOf(laid.doc) : null;
    if (builtShapes.current === (labels !== null)) return;
    builtShapes.current = labels !== null;
    const byId = new Map(laid.view.edges.map((e) => [e.id, e]));
    const graphEdges = new Map(laid.doc.graph.edges.map((g) => [g.id, g]));
    setEdges((es) => es.map((e) => {
      const ve = byId.get(e.id);
      if (!ve || !e.data) return e;
      const { blobs, route } = e.data;
      return { ...e, data: { blobs, ...(labels ? edgeShapes(ve, graphEdges, labels) : {}), ...(route ? { route } : {}) } };
    }));
  }, [showShapes, laid, doc]);

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    // Selection is ours (view store); removals are edits, which the canvas does not make.
    const kept = changes.filter((c) => c.type !== 'select' && c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace');
    if (kept.length) setNodes((ns) => applyNodeChanges(kept, ns));
    for (const c of changes) {
      if (c.type === 'position' && c.position && !c.dragging) useViewStore.getState().movePosition(c.id, c.position.x, c.position.y);
    }
  }, []);

  return { nodes, edges, setNodes, setEdges, builtFrom, onNodesChange };
}
