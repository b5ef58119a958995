// Selection lives in the view store, not in React Flow: this mirrors it onto the drawn elements.
import { useEffect, type Dispatch, type SetStateAction } from 'react';
import type { CanvasEdge } from './BlobEdge';
import { edgeClass } from './flowElements';
import type { CanvasNode } from './nodeTypes';

/**
 * Sets each node's `selected` flag and each edge's classes (selected, adjacent to the selected
 * node, palette drop target) from the selection, the selected edge and the drop target, replacing
 * only the objects whose flags change.
 */
export function useSelectionSync(
  setNodes: Dispatch<SetStateAction<CanvasNode[]>>,
  setEdges: Dispatch<SetStateAction<CanvasEdge[]>>,
  selection: string | null,
  edgeSelection: string | null,
  dropEdge: string | null,
): void {
  useEffect(() => {
    setNodes((ns) => ns.map((n) => ((n.id === selection) !== !!n.selected ? { ...n, selected: n.id === selection } : n)));
    setEdges((es) => es.map((e) => {
      const cls = edgeClass(e, selection, edgeSelection, dropEdge);
      return e.className === cls ? e : { ...e, className: cls };
    }));
  }, [setNodes, setEdges, selection, edgeSelection, dropEdge]);
}
