// Moving the selection without the mouse: search matches, and the keyboard along the edges.
import { useEffect } from 'react';
import { useReactFlow } from '@xyflow/react';
import { revealElement } from '../reveal';
import { useDocumentStore } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import type { CanvasEdge } from './BlobEdge';
import { navigate, type Direction } from './navigation';
import type { CanvasNode } from './nodeTypes';
import { searchGraph } from './search';
import type { LaidGraph } from './useGraphLayout';

/** A new query or index selects and centres that match (wrapping around); an edit does not search again. */
export function useSearchReveal(): void {
  const searchQuery = useViewStore((s) => s.searchQuery);
  const searchIndex = useViewStore((s) => s.searchIndex);
  useEffect(() => {
    const d = useDocumentStore.getState().document;
    const matches = d ? searchGraph(d.graph, searchQuery) : [];
    if (!matches.length) return;
    revealElement(matches[((searchIndex % matches.length) + matches.length) % matches.length]);
  }, [searchQuery, searchIndex]);
}

const DIRECTIONS: Readonly<Record<string, Direction>> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

/**
 * Window keys while no text field has focus: arrows follow edges from the selection (or select the
 * first input), Enter centres the selected node or toggles the selected group, Escape clears the
 * selection.
 */
export function useKeyboardNavigation(laid: LaidGraph | null, centerOn: (id: string) => boolean): void {
  const rf = useReactFlow<CanvasNode, CanvasEdge>();
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (!laid || e.ctrlKey || e.metaKey || e.altKey) return;
      const state = useViewStore.getState();
      const sel = state.selection;
      const direction = DIRECTIONS[e.key];
      if (direction) {
        e.preventDefault();
        if (!sel || !laid.view.byId.has(sel)) {
          const first = laid.view.items.find((i) => i.node?.kind === 'input') ?? laid.view.items.find((i) => i.kind === 'node');
          if (first) revealElement(first.id);
          return;
        }
        const xOf = (id: string): number => rf.getInternalNode(id)?.internals.positionAbsolute.x ?? 0;
        const next = navigate(laid.view, sel, direction, xOf);
        if (next) revealElement(next);
      } else if (e.key === 'Enter' && sel && t?.tagName !== 'BUTTON') {
        e.preventDefault();
        const item = laid.view.byId.get(sel);
        if (item?.kind === 'group') { state.toggleCollapsed(sel); state.requestCenter(sel); } else centerOn(sel);
      } else if (e.key === 'Escape') {
        state.select(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [laid, centerOn, rf]);
}
