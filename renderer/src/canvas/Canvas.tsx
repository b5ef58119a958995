// The graph canvas: the document's graph, minus what collapsed groups hide, laid out by ELK in a
// worker, drawn by React Flow with only visible elements rendered.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  applyNodeChanges, ControlButton, Controls, getViewportForBounds, MiniMap, ReactFlow, useReactFlow,
  type NodeChange, type NodeHandle, type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { ModelGraph } from '../../../shared/graph/types';
import { useDocumentStore } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { cancelLayout, elkLayout, LayoutCancelled } from '../layout/elkLayout';
import { rankLayout } from '../layout/rankLayout';
import type { Placements } from '../layout/types';
import { EDGE_TYPES, type CanvasEdge } from './BlobEdge';
import { navigate, type Direction } from './navigation';
import { NODE_TYPES, type CanvasNode } from './nodeTypes';
import { enclosingGroups, searchGraph } from './search';
import { buildViewGraph, type ViewGraph } from './viewGraph';
import { categoryColour } from './colours';

/** After this long a layout shows its Cancel button. */
const SLOW_LAYOUT_MS = 2000;
/** ELK gets this long before the canvas falls back to the quick layered arrangement by itself. */
const LAYOUT_GIVE_UP_MS = 90_000;

interface Laid {
  readonly view: ViewGraph;
  /** The graph laid out: a new graph (another document, or constants folded differently) gets a fresh viewport. */
  readonly graph: ModelGraph;
  readonly docName: string;
}

/**
 * Handle positions before a node is first rendered: with onlyRenderVisibleElements an edge to
 * an off-screen node is drawn from these until the node is measured.
 */
function handlesFor(width: number, height: number): NodeHandle[] {
  return [
    { type: 'target', position: 'top' as NodeHandle['position'], x: width / 2 - 0.5, y: 0, width: 1, height: 1 },
    { type: 'source', position: 'bottom' as NodeHandle['position'], x: width / 2 - 0.5, y: height - 1, width: 1, height: 1 },
  ];
}

function toNodes(view: ViewGraph, positions: Placements, selection: string | null): CanvasNode[] {
  const out: CanvasNode[] = [];
  for (const item of view.items) {
    const p = positions.get(item.id);
    if (!p) continue;
    const width = item.kind === 'group' && !item.collapsed ? p.width : item.width;
    const height = item.kind === 'group' && !item.collapsed ? p.height : item.height;
    const hasHandles = item.kind === 'node' || item.collapsed;
    out.push({
      id: item.id,
      type: item.kind === 'group' ? 'group' : 'graph',
      position: { x: p.x, y: p.y },
      data: { item },
      width,
      height,
      // The components render at exactly these sizes (nodeSize.ts). Declaring them as measured
      // matters with onlyRenderVisibleElements: React Flow otherwise waits for every node to be
      // measured in the DOM before it fits the view, and off-screen nodes never are.
      measured: { width, height },
      ...(item.parent && positions.has(item.parent) ? { parentId: item.parent } : {}),
      ...(hasHandles ? { handles: handlesFor(width, height) } : {}),
      ...(item.kind === 'group' && !item.collapsed ? { style: { width, height }, zIndex: -1 } : {}),
      selected: item.id === selection,
    } as CanvasNode);
  }
  return out;
}

function toEdges(view: ViewGraph, selection: string | null): CanvasEdge[] {
  return view.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    type: 'blob',
    data: { blobs: e.blobs },
    className: e.source === selection || e.target === selection ? 'blob-edge adjacent' : 'blob-edge',
    selectable: false,
  }));
}

/** Must be rendered inside a ReactFlowProvider (App provides one for the whole window). */
export function Canvas() {
  const doc = useDocumentStore((s) => s.document);
  const collapsed = useViewStore((s) => s.collapsed);
  const selection = useViewStore((s) => s.selection);
  const layout = useViewStore((s) => s.layout);
  const searchQuery = useViewStore((s) => s.searchQuery);
  const searchIndex = useViewStore((s) => s.searchIndex);
  const rf = useReactFlow<CanvasNode, CanvasEdge>();
  const paneRef = useRef<HTMLDivElement>(null);
  const [laid, setLaid] = useState<Laid | null>(null);
  const [nodes, setNodes] = useState<CanvasNode[]>([]);
  const [edges, setEdges] = useState<CanvasEdge[]>([]);
  /** The layout the current `nodes` were built from: effects that read React Flow's nodes wait for it. */
  const [builtFrom, setBuiltFrom] = useState<Laid | null>(null);
  const viewportSetFor = useRef<ModelGraph | null>(null);
  const centerRequest = useViewStore((s) => s.centerRequest);
  const centered = useRef(0);

  const view = useMemo(() => (doc ? buildViewGraph(doc.graph, collapsed) : null), [doc, collapsed]);

  // Layout whenever what is visible changes.
  useEffect(() => {
    if (!view || !doc) { setLaid(null); return; }
    let alive = true;
    const setLayout = useViewStore.getState().setLayout;
    const itemCount = view.items.length;
    setLayout({ status: 'running', slow: false, itemCount });
    const slow = setTimeout(() => { if (alive) setLayout({ status: 'running', slow: true, itemCount }); }, SLOW_LAYOUT_MS);
    const giveUp = setTimeout(() => { if (alive) cancelLayout(); }, LAYOUT_GIVE_UP_MS);
    const finish = (placements: Placements, status: 'done' | 'fallback', note?: string): void => {
      if (!alive) return;
      clearTimeout(slow);
      clearTimeout(giveUp);
      setLayout({ status, slow: false, itemCount, ...(note ? { note } : {}) }, placements);
      setLaid({ view, graph: doc.graph, docName: doc.name });
    };
    elkLayout(view).then(
      (placements) => finish(placements, 'done'),
      (e: unknown) => {
        const note = e instanceof LayoutCancelled
          ? 'Layout cancelled: showing a quick layered arrangement.'
          : `Layout failed (${(e as Error).message}): showing a quick layered arrangement.`;
        finish(rankLayout(view), 'fallback', note);
      },
    );
    return () => {
      alive = false;
      clearTimeout(slow);
      clearTimeout(giveUp);
      cancelLayout();
    };
  }, [view, doc]);

  // Node and edge objects are rebuilt only when a layout lands; selection changes touch only
  // the objects whose flags change, so React Flow re-renders two nodes, not three thousand.
  useEffect(() => {
    setBuiltFrom(laid);
    if (!laid) { setNodes([]); setEdges([]); return; }
    const sel = useViewStore.getState().selection;
    setNodes(toNodes(laid.view, useViewStore.getState().positions, sel));
    setEdges(toEdges(laid.view, sel));
    // positions are read once per layout: dragging updates the nodes directly.
  }, [laid]);

  useEffect(() => {
    setNodes((ns) => ns.map((n) => ((n.id === selection) !== !!n.selected ? { ...n, selected: n.id === selection } : n)));
    setEdges((es) => es.map((e) => {
      const cls = e.source === selection || e.target === selection ? 'blob-edge adjacent' : 'blob-edge';
      return e.className === cls ? e : { ...e, className: cls };
    }));
  }, [selection]);

  /** Bounds of everything laid out (top-level placements are absolute). */
  const graphBounds = useCallback((): { x: number; y: number; width: number; height: number } | undefined => {
    if (!laid) return undefined;
    const top = laid.view.items.filter((i) => !i.parent).map((i) => useViewStore.getState().positions.get(i.id)).filter((p) => p !== undefined);
    if (top.length === 0) return undefined;
    const x = Math.min(...top.map((p) => p.x)), y = Math.min(...top.map((p) => p.y));
    return { x, y, width: Math.max(...top.map((p) => p.x + p.width)) - x, height: Math.max(...top.map((p) => p.y + p.height)) - y };
  }, [laid]);

  /**
   * Shows the whole graph. Computed from the layout rather than with React Flow's fitView, which
   * waits until every node has been measured in the DOM: with onlyRenderVisibleElements the
   * off-screen ones never are.
   */
  const fitAll = useCallback((duration = 0): void => {
    const b = graphBounds();
    const pane = paneRef.current?.getBoundingClientRect();
    if (!b || !pane) return;
    void rf.setViewport(getViewportForBounds(b, pane.width, pane.height, 0.02, 1.1, 0.05), { duration });
  }, [graphBounds, rf]);

  // First view of a graph: the whole graph when it fits legibly, else its top at a readable zoom.
  useEffect(() => {
    if (!laid || builtFrom !== laid || viewportSetFor.current === laid.graph) return;
    viewportSetFor.current = laid.graph;
    const pane = paneRef.current?.getBoundingClientRect();
    const b = graphBounds();
    if (!pane || !b) return;
    const fit = Math.min(pane.width / (b.width + 80), pane.height / (b.height + 80));
    if (fit >= 0.6) { fitAll(); return; }
    const zoom = Math.min(1, Math.max(0.7, pane.width / (b.width + 80)));
    const positions = useViewStore.getState().positions;
    const first = laid.view.items.filter((i) => !i.parent).map((i) => positions.get(i.id)!).filter((p) => p && p.y <= b.y + 1);
    const cx = first.reduce((a, p) => a + p.x + p.width / 2, 0) / first.length;
    const vp: Viewport = { x: pane.width / 2 - cx * zoom, y: 24 - b.y * zoom, zoom };
    void rf.setViewport(vp);
  }, [laid, builtFrom, graphBounds, fitAll, rf]);

  const centerOn = useCallback((id: string): boolean => {
    const n = rf.getInternalNode(id);
    if (!n) return false;
    const w = n.measured.width ?? n.width ?? 0;
    const h = n.measured.height ?? n.height ?? 0;
    const { x, y } = n.internals.positionAbsolute;
    const zoom = Math.max(rf.getZoom(), 0.8);
    // A tall expanded group is shown from its header, not from the middle of its contents.
    const pane = paneRef.current?.getBoundingClientRect();
    const cy = pane ? y + Math.min(h / 2, pane.height / 2 / zoom - 24) : y + h / 2;
    void rf.setCenter(x + w / 2, cy, { zoom, duration: 150 });
    return true;
  }, [rf]);

  /** Selects and centres an element, expanding the groups that hide it first. */
  const reveal = useCallback((id: string) => {
    if (!doc) return;
    const view = useViewStore.getState();
    view.expand(enclosingGroups(doc.graph, id));
    view.select(id);
    view.requestCenter(id);
  }, [doc]);

  // Centre requests wait until the layout of what is visible now has landed: expanding a group
  // to reveal a search match, or collapsing one, moves everything.
  useEffect(() => {
    if (!centerRequest || centered.current === centerRequest.seq || !laid || laid.view !== view || builtFrom !== laid) return;
    if (centerOn(centerRequest.id)) centered.current = centerRequest.seq;
  }, [centerRequest, laid, builtFrom, view, nodes, centerOn]);

  // Zoom to fit. Declared after the centring effect so that, when both are due in one commit,
  // the fit (the later request) wins; it also drops a centring request still waiting for a layout.
  const fitRequest = useViewStore((s) => s.fitRequest);
  const fitted = useRef(0);
  useEffect(() => {
    if (fitRequest === fitted.current || !laid || builtFrom !== laid || laid.view !== view) return;
    fitted.current = fitRequest;
    const pending = useViewStore.getState().centerRequest;
    if (pending) centered.current = pending.seq;
    fitAll(200);
  }, [fitRequest, laid, builtFrom, view, fitAll]);

  // Search: a new query or index selects and centres that match.
  const matches = useMemo(() => (doc ? searchGraph(doc.graph, searchQuery) : []), [doc, searchQuery]);
  useEffect(() => {
    if (!matches.length) return;
    reveal(matches[((searchIndex % matches.length) + matches.length) % matches.length]);
  }, [matches, searchIndex, reveal]);

  // Keyboard: arrows follow edges, Enter centres (or toggles a group), Escape clears.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (!laid || e.ctrlKey || e.metaKey || e.altKey) return;
      const state = useViewStore.getState();
      const sel = state.selection;
      const dirs: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };
      if (dirs[e.key]) {
        e.preventDefault();
        if (!sel || !laid.view.byId.has(sel)) {
          const first = laid.view.items.find((i) => i.node?.kind === 'input') ?? laid.view.items.find((i) => i.kind === 'node');
          if (first) reveal(first.id);
          return;
        }
        const xOf = (id: string): number => rf.getInternalNode(id)?.internals.positionAbsolute.x ?? 0;
        const next = navigate(laid.view, sel, dirs[e.key], xOf);
        if (next) reveal(next);
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
  }, [laid, reveal, centerOn, rf]);

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    // Selection is ours (view store); removals are edits, which the canvas does not make.
    const kept = changes.filter((c) => c.type !== 'select' && c.type !== 'remove' && c.type !== 'add' && c.type !== 'replace');
    if (kept.length) setNodes((ns) => applyNodeChanges(kept, ns));
    for (const c of changes) {
      if (c.type === 'position' && c.position && !c.dragging) useViewStore.getState().movePosition(c.id, c.position.x, c.position.y);
    }
  }, []);

  const layerCount = doc ? doc.graph.nodes.filter((n) => n.kind === 'layer' || n.kind === 'operation').length : 0;
  return (
    <div
      className="canvas"
      ref={paneRef}
      data-testid="canvas"
      data-node-count={doc?.graph.nodes.length ?? 0}
      data-layer-count={layerCount}
      data-edge-count={doc?.graph.edges.length ?? 0}
      data-group-count={doc?.graph.groups.length ?? 0}
      data-layout-status={layout.status}
      data-doc-name={doc?.name ?? ''}
      data-laid-doc={laid?.docName ?? ''}
      data-rendered-items={nodes.length}
    >
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onNodeClick={(_, n) => useViewStore.getState().select(n.id)}
        onPaneClick={() => useViewStore.getState().select(null)}
        onlyRenderVisibleElements
        nodesConnectable={false}
        nodesDraggable
        edgesFocusable={false}
        elementsSelectable
        selectionOnDrag={false}
        selectionKeyCode={null}
        multiSelectionKeyCode={null}
        deleteKeyCode={null}
        disableKeyboardA11y
        elevateNodesOnSelect={false}
        minZoom={0.02}
        maxZoom={3}
      >
        <Controls showInteractive={false} showFitView={false}>
          <ControlButton onClick={() => useViewStore.getState().requestFit()} title="Zoom to fit" aria-label="Zoom to fit">
            <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden><path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="1.6" /></svg>
          </ControlButton>
        </Controls>
        <MiniMap pannable zoomable nodeColor={(n) => categoryColour(n as CanvasNode)} nodeStrokeWidth={0} maskColor="rgba(240, 242, 245, 0.7)" />
      </ReactFlow>
      {layout.status === 'running' && (
        <div className="layout-indicator" data-testid="layout-indicator" role="status">
          <span className="spinner" aria-hidden /> Laying out {layout.itemCount.toLocaleString('en-US')} nodes…
          {layout.slow && <button type="button" data-testid="layout-cancel" onClick={() => cancelLayout()}>Cancel</button>}
        </div>
      )}
      {layout.note && layout.status === 'fallback' && <div className="layout-note" data-testid="layout-note">{layout.note}</div>}
    </div>
  );
}
