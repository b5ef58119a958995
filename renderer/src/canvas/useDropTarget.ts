// Dragging a layer type from the palette onto the canvas: the edge under the pointer (or nearest
// to it) is the target, highlighted while the drag is over it; dropping inserts the layer there.
import { useState, type DragEvent, type RefObject } from 'react';
import { insertOnEdge } from '../editing';
import { useViewStore } from '../store/viewStore';
import { edgeAtPoint, PALETTE_MIME } from './dropTarget';

export interface DropTarget {
  /** The edge a drop would insert on, while a palette drag is over the canvas. */
  readonly dropEdge: string | null;
  /** Handlers for the canvas's root element (`pane`); other drags (files) pass through to the window. */
  readonly handlers: {
    readonly onDragOver: (e: DragEvent<HTMLDivElement>) => void;
    readonly onDragLeave: (e: DragEvent<HTMLDivElement>) => void;
    readonly onDrop: (e: DragEvent<HTMLDivElement>) => void;
  };
}

const isPaletteDrag = (e: DragEvent): boolean => [...e.dataTransfer.types].includes(PALETTE_MIME);

export function useDropTarget(paneRef: RefObject<HTMLDivElement | null>): DropTarget {
  const [dropEdge, setDropEdge] = useState<string | null>(null);
  const handlers: DropTarget['handlers'] = {
    onDragOver: (e) => {
      if (!isPaletteDrag(e)) return;
      e.preventDefault();
      e.stopPropagation();
      const id = paneRef.current ? edgeAtPoint(paneRef.current, e.clientX, e.clientY) : null;
      e.dataTransfer.dropEffect = id ? 'copy' : 'none';
      if (id !== dropEdge) setDropEdge(id);
    },
    onDragLeave: (e) => {
      if (e.currentTarget === e.target || !e.currentTarget.contains(e.relatedTarget as Node | null)) setDropEdge(null);
    },
    onDrop: (e) => {
      if (!isPaletteDrag(e)) return;
      e.preventDefault();
      e.stopPropagation();
      setDropEdge(null);
      const type = e.dataTransfer.getData(PALETTE_MIME);
      const id = paneRef.current ? edgeAtPoint(paneRef.current, e.clientX, e.clientY) : null;
      if (!type) return;
      if (!id) {
        useViewStore.getState().showToast({ kind: 'refused', title: `Insert ${type}`, message: 'drop the layer on a connection between two nodes' });
        return;
      }
      insertOnEdge(id, type);
    },
  };
  return { dropEdge, handlers };
}
