// The graph canvas: the document's graph, minus what collapsed groups hide, laid out on this
// thread by our layered layout (layout/dataflowLayout.ts: tens of milliseconds for thousands of
// layers), drawn by React Flow with only visible elements rendered. An edit does not lay the graph
// out again: layout/incremental.ts keeps every node in place and places only what is new.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  applyNodeChanges, ControlButton, Controls, getViewportForBounds, MiniMap, ReactFlow, useReactFlow,
  type Connection, type NodeChange, type NodeHandle, type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { knownShapesOf } from '../document/analysis';
import { canRename, layerRef } from '../document/editTargets';
import { insertOnEdge, rewireEdge } from '../editing';
import { useDocumentStore, type ModelDocument } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { edgeAtPoint, PALETTE_MIME } from './dropTarget';
import { edgeShapeLabels, type ShapeLabel } from './shapeLabels';
import { dataflowLayout } from '../layout/dataflowLayout';
import { updateLayout, type LayoutMode } from '../layout/incremental';
import { rankLayout } from '../layout/rankLayout';
import { routeKey, type LayoutResult, type Placements, type Point } from '../layout/types';
import { EDGE_TYPES, type CanvasEdge } from './BlobEdge';
import { navigate, type Direction } from './navigation';
import { LaidDocumentContext, NODE_TYPES, type CanvasNode } from './nodeTypes';
import { enclosingGroups, searchGraph } from './search';
import { buildViewGraph, type ViewGraph } from './viewGraph';
import { categoryColour } from './colours';
import type { ModelGraph } from '../../../shared/graph/types';

/** Above this many items the minimap is left out. */
const MINIMAP_MAX_ITEMS = 1500;
/**
 * React Flow's own floor on zoom. A graph taller than the window at this zoom (model_cpm: 759
 * nodes, 30,000 pixels) lowers the floor to the zoom that shows all of it, as Netron lets a large
 * graph be zoomed out until it fits: zoom to fit always shows the whole graph.
 */
const MIN_ZOOM = 0.02;

interface Laid {
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

/** Absolute position of an item's top-left corner (placements are relative to the parent group). */
function absoluteOf(view: ViewGraph, positions: Placements, id: string | undefined): Point {
  let x = 0, y = 0;
  for (let cur = id; cur !== undefined; cur = view.byId.get(cur)?.parent) {
    const p = positions.get(cur);
    if (!p) break;
    x += p.x; y += p.y;
  }
  return { x, y };
}

/** Another document, or constants folded differently, gets a fresh viewport; an edit keeps the view where it is. */
const viewportKey = (doc: ModelDocument): string => `${doc.id}:${doc.foldConstants}`;

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

function edgeClass(e: { id: string; source: string; target: string }, selection: string | null, edgeSelection: string | null, dropEdge: string | null = null): string {
  const drop = e.id === dropEdge ? ' drop-target' : '';
  if (e.id === edgeSelection) return `blob-edge selected${drop}`;
  return (e.source === selection || e.target === selection ? 'blob-edge adjacent' : 'blob-edge') + drop;
}

/** One shape per blob of a canvas edge, from the labels of the graph edges it stands for. */
function edgeShapes(e: ViewGraph['edges'][number], graphEdges: ReadonlyMap<string, ModelGraph['edges'][number]>, labels: ReadonlyMap<string, ShapeLabel>): { shapes: string[]; shapeTitles: string[] } {
  const found = e.blobs.map((b) => {
    const g = e.edges.map((id) => graphEdges.get(id)).find((x) => x?.blob === b);
    return (g && labels.get(g.id)) ?? { short: '?', full: 'shape not known' };
  });
  return { shapes: found.map((l) => l.short), shapeTitles: found.map((l) => l.full) };
}

function toEdges(laid: Laid, selection: string | null, edgeSelection: string | null, labels: ReadonlyMap<string, ShapeLabel> | null): CanvasEdge[] {
  const nodes = new Map(laid.doc.graph.nodes.map((n) => [n.id, n]));
  const graphEdges = new Map(laid.doc.graph.edges.map((g) => [g.id, g]));
  const positions = useViewStore.getState().positions;
  const offsets = new Map<string | undefined, Point>([[undefined, { x: 0, y: 0 }]]);
  const routeOf = (e: ViewGraph['edges'][number]): Point[] | undefined => {
    const r = laid.layout.routes.get(routeKey(e.source, e.target));
    if (!r) return undefined;
    let o = offsets.get(r.container);
    if (!o) { o = absoluteOf(laid.view, positions, r.container); offsets.set(r.container, o); }
    const { x, y } = o;
    return r.points.map((p) => ({ x: p.x + x, y: p.y + y }));
  };
  return laid.view.edges.map((e) => {
    const target = nodes.get(e.target);
    const route = routeOf(e);
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      type: 'blob',
      data: { blobs: e.blobs, ...(labels ? edgeShapes(e, graphEdges, labels) : {}), ...(route ? { route } : {}) },
      className: edgeClass(e, selection, edgeSelection),
      selectable: false,
      // The producer end of an edge into a layer can be dragged onto another node to rewire that input.
      reconnectable: target && layerRef(target) ? 'source' : false,
    };
  });
}

const shapeLabelCache = new WeakMap<ModelDocument['graph'], Map<string, ShapeLabel>>();

/**
 * Edge id → inferred shape of its blob, for the document's graph, from the shapes inferred once per
 * revision (document/analysis.ts). Null until they are known: after an open the graph is drawn
 * first and the labels follow with the worker's analysis.
 */
function shapeLabelsOf(doc: ModelDocument): Map<string, ShapeLabel> | null {
  let labels = shapeLabelCache.get(doc.graph);
  if (!labels) {
    const shapes = knownShapesOf(doc.spec);
    if (!shapes) return null;
    labels = edgeShapeLabels(doc.graph, shapes);
    shapeLabelCache.set(doc.graph, labels);
  }
  return labels;
}

/** Must be rendered inside a ReactFlowProvider (App provides one for the whole window). */
export function Canvas() {
  const doc = useDocumentStore((s) => s.document);
  const collapsed = useViewStore((s) => s.collapsed);
  const selection = useViewStore((s) => s.selection);
  const edgeSelection = useViewStore((s) => s.edgeSelection);
  const showShapes = useViewStore((s) => s.showShapes);
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
  const viewportSetFor = useRef<string | null>(null);
  const docRef = useRef(doc);
  docRef.current = doc;
  const [dropEdge, setDropEdge] = useState<string | null>(null);
  const [minZoom, setMinZoom] = useState(MIN_ZOOM);
  const minZoomRef = useRef(MIN_ZOOM);
  /** Whether the edges on screen carry shape labels. */
  const builtShapes = useRef(false);
  const centerRequest = useViewStore((s) => s.centerRequest);
  const centered = useRef(0);

  const graph = doc?.graph;
  const view = useMemo(() => (graph ? buildViewGraph(graph, collapsed) : null), [graph, collapsed]);

  // Layout whenever what is visible changes: another document, an edit, undo or redo, a group
  // collapsed or expanded. Synchronous and before paint, so no frame shows the new revision's
  // names on the old arrangement or the other way round.
  const laidRef = useRef<Laid | null>(null);
  useLayoutEffect(() => {
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
    const next: Laid = { view, doc: d, collapsed, layout, mode };
    laidRef.current = next;
    setLaid(next);
  }, [view, graph, collapsed]);

  // Node and edge objects are rebuilt only when a layout lands; selection changes touch only
  // the objects whose flags change, so React Flow re-renders two nodes, not three thousand.
  useLayoutEffect(() => {
    setBuiltFrom(laid);
    if (!laid) { setNodes([]); setEdges([]); return; }
    const v = useViewStore.getState();
    const labels = v.showShapes ? shapeLabelsOf(laid.doc) : null;
    builtShapes.current = labels !== null;
    setNodes(toNodes(laid.view, v.positions, v.selection));
    setEdges(toEdges(laid, v.selection, v.edgeSelection, labels));
    // positions are read once per layout: dragging updates the nodes directly.
  }, [laid]);

  useEffect(() => {
    setNodes((ns) => ns.map((n) => ((n.id === selection) !== !!n.selected ? { ...n, selected: n.id === selection } : n)));
    setEdges((es) => es.map((e) => {
      const cls = edgeClass(e, selection, edgeSelection, dropEdge);
      return e.className === cls ? e : { ...e, className: cls };
    }));
  }, [selection, edgeSelection, dropEdge]);

  // Shapes on and off, or known at last (the open's analysis landed): only the edges' label data changes.
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
      const { shapes: _old, shapeTitles: _oldTitles, ...rest } = e.data;
      return { ...e, data: labels ? { ...rest, ...edgeShapes(ve, graphEdges, labels) } : rest };
    }));
  }, [showShapes, laid, doc]);


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
  // While the whole graph is what the user sees (a fit they have not panned or zoomed away from),
  // a change of the canvas's size (the tab bar, the Run strip, a resized window) fits it again.
  const fitShown = useRef(false);
  const fitAll = useCallback((duration = 0): void => {
    const b = graphBounds();
    const pane = paneRef.current?.getBoundingClientRect();
    if (!b || !pane) return;
    const fit = getViewportForBounds(b, pane.width, pane.height, 0, 1.1, 0.05);
    fitShown.current = true;
    const floor = Math.min(MIN_ZOOM, fit.zoom);
    if (floor >= minZoomRef.current) { void rf.setViewport(fit, { duration }); return; }
    // React Flow clamps a viewport to the zoom floor it was last rendered with: lower the floor,
    // let that render land, then move (moving first stopped a tall graph's fit part-way).
    minZoomRef.current = floor;
    setMinZoom(floor);
    requestAnimationFrame(() => requestAnimationFrame(() => void rf.setViewport(fit, { duration })));
  }, [graphBounds, rf]);

  useEffect(() => {
    const el = paneRef.current;
    if (!el) return undefined;
    const observer = new ResizeObserver(() => { if (fitShown.current) fitAll(); });
    observer.observe(el);
    return () => observer.disconnect();
  }, [fitAll]);

  // After an edit's layout lands, the selected node stays in view: an edit can move it far
  // (a layer whose input was pointed elsewhere leaves its chain).
  const keptInView = useRef<Laid | null>(null);
  useEffect(() => {
    if (!laid || builtFrom !== laid || keptInView.current === laid || viewportSetFor.current !== viewportKey(laid.doc)) return;
    keptInView.current = laid;
    const sel = useViewStore.getState().selection;
    const n = sel ? rf.getInternalNode(sel) : undefined;
    const pane = paneRef.current?.getBoundingClientRect();
    if (!n || !pane) return;
    const { x, y, zoom } = rf.getViewport();
    const left = n.internals.positionAbsolute.x * zoom + x, top = n.internals.positionAbsolute.y * zoom + y;
    const right = left + (n.measured.width ?? 0) * zoom, bottom = top + (n.measured.height ?? 0) * zoom;
    if (right < 0 || bottom < 0 || left > pane.width || top > pane.height) useViewStore.getState().requestCenter(sel!);
  }, [laid, builtFrom, rf]);

  // First view of a graph: the whole graph when it fits legibly, else its top at a readable zoom.
  useEffect(() => {
    if (!laid || builtFrom !== laid || viewportSetFor.current === viewportKey(laid.doc)) return;
    viewportSetFor.current = viewportKey(laid.doc);
    const pane = paneRef.current?.getBoundingClientRect();
    const b = graphBounds();
    if (!pane || !b) return;
    const fit = Math.min(pane.width / (b.width + 80), pane.height / (b.height + 80));
    if (fit >= 0.6) { fitAll(); return; }
    minZoomRef.current = Math.min(MIN_ZOOM, getViewportForBounds(b, pane.width, pane.height, 0, 1.1, 0.05).zoom);
    setMinZoom(minZoomRef.current);
    const zoom = Math.min(1, Math.max(0.7, pane.width / (b.width + 80)));
    const positions = useViewStore.getState().positions;
    const first = laid.view.items.filter((i) => !i.parent).map((i) => positions.get(i.id)!).filter((p) => p && p.y <= b.y + 1);
    const cx = first.reduce((a, p) => a + p.x + p.width / 2, 0) / first.length;
    const vp: Viewport = { x: pane.width / 2 - cx * zoom, y: 24 - b.y * zoom, zoom };
    fitShown.current = false;
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
    const d = docRef.current;
    if (!d) return;
    const view = useViewStore.getState();
    view.expand(enclosingGroups(d.graph, id));
    view.select(id);
    view.requestCenter(id);
  }, []);

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
    // Animating a zoom-out over hundreds of nodes renders each of them on every frame.
    fitAll(laid.view.items.length > 300 ? 0 : 200);
  }, [fitRequest, laid, builtFrom, view, fitAll]);

  // Search: a new query or index selects and centres that match (an edit does not search again).
  useEffect(() => {
    const d = docRef.current;
    const matches = d ? searchGraph(d.graph, searchQuery) : [];
    if (!matches.length) return;
    reveal(matches[((searchIndex % matches.length) + matches.length) % matches.length]);
  }, [searchQuery, searchIndex, reveal]);

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

  // Dragging a layer type from the palette: the edge under the pointer (or nearest to it) is the target.
  const isPaletteDrag = (e: DragEvent): boolean => [...e.dataTransfer.types].includes(PALETTE_MIME);
  const onDragOver = (e: DragEvent): void => {
    if (!isPaletteDrag(e)) return;
    e.preventDefault();
    e.stopPropagation();
    const id = paneRef.current ? edgeAtPoint(paneRef.current, e.clientX, e.clientY) : null;
    e.dataTransfer.dropEffect = id ? 'copy' : 'none';
    if (id !== dropEdge) setDropEdge(id);
  };
  const onDrop = (e: DragEvent): void => {
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
  };

  const onReconnect = useCallback((old: CanvasEdge, connection: Connection) => {
    if (connection.target !== old.target || connection.source === old.source) return;
    rewireEdge(old.id, connection.source);
  }, []);

  const layerCount = doc ? doc.graph.nodes.filter((n) => n.kind === 'layer' || n.kind === 'operation').length : 0;
  return (
    <div
      className="canvas"
      ref={paneRef}
      onDragOver={onDragOver}
      onDragLeave={(e) => { if (e.currentTarget === e.target || !e.currentTarget.contains(e.relatedTarget as Node | null)) setDropEdge(null); }}
      onDrop={onDrop}
      data-testid="canvas"
      data-node-count={doc?.graph.nodes.length ?? 0}
      data-layer-count={layerCount}
      data-edge-count={doc?.graph.edges.length ?? 0}
      data-group-count={doc?.graph.groups.length ?? 0}
      data-layout-status={layout.status}
      data-doc-name={doc?.name ?? ''}
      data-laid-doc={laid?.doc.name ?? ''}
      data-revision={doc?.revision.seq ?? 0}
      data-laid-revision={laid?.doc.revision.seq ?? 0}
      data-rendered-items={nodes.length}
      data-show-shapes={showShapes ? 'true' : 'false'}
      data-layout-mode={laid?.mode ?? ''}
    >
      {/* The document whose graph is laid out; once an open's findings land (same graph, a newer
          document object) the nodes read their diagnostics from that one. */}
      <LaidDocumentContext.Provider value={laid && doc && doc.graph === laid.doc.graph ? doc : laid?.doc ?? null}>
      <ReactFlow<CanvasNode, CanvasEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onNodeClick={(_, n) => useViewStore.getState().select(n.id)}
        onEdgeClick={(_, e) => useViewStore.getState().selectEdge(e.id)}
        onPaneClick={() => useViewStore.getState().select(null)}
        onNodeDoubleClick={(_, n) => {
          const node = n.data.item.node;
          if (node && canRename(node)) { useViewStore.getState().select(n.id); useViewStore.getState().setRenaming(n.id); }
        }}
        onNodeContextMenu={(e, n) => {
          e.preventDefault();
          if (!n.data.item.node) return;
          useViewStore.getState().select(n.id);
          useViewStore.getState().openContextMenu({ x: e.clientX, y: e.clientY, target: { kind: 'node', id: n.id } });
        }}
        onEdgeContextMenu={(e, edge) => {
          e.preventDefault();
          useViewStore.getState().selectEdge(edge.id);
          useViewStore.getState().openContextMenu({ x: e.clientX, y: e.clientY, target: { kind: 'edge', id: edge.id } });
        }}
        onReconnect={onReconnect}
        onMoveStart={(e) => { if (e) fitShown.current = false; }}
        zoomOnDoubleClick={false}
        onlyRenderVisibleElements
        nodesConnectable
        nodesDraggable
        edgesFocusable={false}
        elementsSelectable
        selectionOnDrag={false}
        selectionKeyCode={null}
        multiSelectionKeyCode={null}
        deleteKeyCode={null}
        disableKeyboardA11y
        elevateNodesOnSelect={false}
        minZoom={minZoom}
        maxZoom={3}
      >
        <Controls showInteractive={false} showFitView={false}>
          <ControlButton onClick={() => useViewStore.getState().requestFit()} title="Zoom to fit" aria-label="Zoom to fit">
            <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden><path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="1.6" /></svg>
          </ControlButton>
        </Controls>
        {/* The minimap draws every node (it is not virtualised): on a 3,000-layer chain that was a
            quarter of the time to open, for a picture that is a thin vertical line. */}
        {(laid?.view.items.length ?? 0) <= MINIMAP_MAX_ITEMS && (
          <MiniMap pannable zoomable nodeColor={(n) => categoryColour(n as CanvasNode)} nodeStrokeWidth={0} maskColor="rgba(240, 242, 245, 0.7)" />
        )}
      </ReactFlow>
      </LaidDocumentContext.Provider>
      {layout.note && layout.status === 'fallback' && <div className="layout-note" data-testid="layout-note">{layout.note}</div>}
    </div>
  );
}
