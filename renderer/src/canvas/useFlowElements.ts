// The node and edge objects React Flow draws, kept in React state so that a change touches only
// the objects it concerns: React Flow then re-renders two nodes, not three thousand.
import { useCallback, useState, type Dispatch, type SetStateAction } from 'react';
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

/** The elements on screen and the layout they were built from. */
interface Built {
  readonly from: LaidGraph | null;
  /** Whether the edges carry shape labels. */
  readonly shapes: boolean;
  readonly nodes: CanvasNode[];
  readonly edges: CanvasEdge[];
}

const NOTHING_BUILT: Built = { from: null, shapes: false, nodes: [], edges: [] };

/** The same objects in the same order (a selection change that changed no flag maps to these). */
function sameElements<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Builds every node and edge when a layout lands (before paint, from the view store's positions,
 * selection and shape setting at that moment), and afterwards changes only the edges' shape labels
 * when shapes are switched on or off or become known (the open's analysis landed). Dragging never
 * reaches the document: a finished drag goes to the view store's positions, outside the undo history.
 */
export function useFlowElements(laid: LaidGraph | null, doc: ModelDocument | null, showShapes: boolean): FlowElements {
  // One state for the three, so that a new layout and the elements built from it land together.
  const [built, setBuilt] = useState<Built>(NOTHING_BUILT);

  // Built in the render that brings the layout, from the view store as it is then (the layout has
  // just written its positions there), instead of in an effect after that render is committed:
  // React re-runs this component at once with the new state, and the layout and its elements reach
  // the screen in one commit instead of two. An edit that keeps most of the graph keeps most of
  // these objects (keepUnchanged, and toEdges comparing with the edges on screen). Positions are
  // read once per layout: dragging updates the nodes directly. `doc` matters because the shapes
  // become known with a newer document of the same graph (the open's analysis landed).
  const labels = laid && showShapes ? shapeLabelsOf(doc && doc.graph === laid.doc.graph ? doc : laid.doc) : null;
  let current = built;
  if (built.from !== laid) {
    if (!laid) current = NOTHING_BUILT;
    else {
      const v = useViewStore.getState();
      current = {
        from: laid,
        shapes: labels !== null,
        nodes: keepUnchanged(built.nodes, toNodes(laid.view, v.positions, v.selection)),
        edges: toEdges(laid, v.positions, v.selection, v.edgeSelection, labels, built.edges),
      };
    }
  } else if (laid && built.shapes !== (labels !== null)) {
    // Shapes switched on or off, or known now: only the edges' labels change.
    const byId = new Map(laid.view.edges.map((e) => [e.id, e]));
    const graphEdges = new Map(laid.doc.graph.edges.map((g) => [g.id, g]));
    current = {
      ...built,
      shapes: labels !== null,
      edges: built.edges.map((e) => {
        const ve = byId.get(e.id);
        if (!ve || !e.data) return e;
        const { blobs, route } = e.data;
        return { ...e, data: { blobs, ...(labels ? edgeShapes(ve, graphEdges, labels) : {}), ...(route ? { route } : {}) } };
      }),
    };
  }
  if (current !== built) setBuilt(current);

  // React bails out when an update gives back the same state: so do these, element by element.
  const setNodes = useCallback<Dispatch<SetStateAction<CanvasNode[]>>>((u) => {
    setBuilt((b) => {
      const nodes = typeof u === 'function' ? u(b.nodes) : u;
      return sameElements(nodes, b.nodes) ? b : { ...b, nodes };
    });
  }, []);
  const setEdges = useCallback<Dispatch<SetStateAction<CanvasEdge[]>>>((u) => {
    setBuilt((b) => {
      const edges = typeof u === 'function' ? u(b.edges) : u;
      return sameElements(edges, b.edges) ? b : { ...b, edges };
    });
  }, []);

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    // Selection is ours (view store); removals are edits, which the canvas does not make.
    const kept = changes.filter((c) => c.type !== 'select' && c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace');
    if (kept.length) setNodes((ns) => applyNodeChanges(kept, ns));
    for (const c of changes) {
      if (c.type === 'position' && c.position && !c.dragging) useViewStore.getState().movePosition(c.id, c.position.x, c.position.y);
    }
  }, [setNodes]);

  return { nodes: current.nodes, edges: current.edges, setNodes, setEdges, builtFrom: current.from, onNodesChange };
}
