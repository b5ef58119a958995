// The graph canvas: the document's graph, minus what collapsed groups hide, laid out on this
// thread (useGraphLayout) and drawn by React Flow with only visible elements rendered. Each
// concern is a hook with its own contract: layout, the elements React Flow draws, selection,
// the palette's drop target, the viewport (first view, zoom to fit, centring) and navigation.
import { useCallback, useRef, type MouseEvent as ReactMouseEvent } from 'react';
import { ControlButton, Controls, MiniMap, ReactFlow, type Connection } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { canRename } from '../document/editTargets';
import { rewireEdge } from '../editing';
import { useDocumentStore } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { EDGE_TYPES, type CanvasEdge } from './BlobEdge';
import { categoryColour } from './colours';
import { LaidDocumentContext, NODE_TYPES, type CanvasNode } from './nodeTypes';
import { useCentring } from './useCentring';
import { useDropTarget } from './useDropTarget';
import { useFitRequests, useFitView } from './useFitView';
import { useFlowElements } from './useFlowElements';
import { useGraphLayout } from './useGraphLayout';
import { useKeyboardNavigation, useSearchReveal } from './useNavigation';
import { useSelectionSync } from './useSelectionSync';
import { useViewportOnLayout } from './useViewportOnLayout';

/** Above this many items the minimap is left out. */
const MINIMAP_MAX_ITEMS = 1500;

// React Flow's handlers, defined once: they only talk to the view store, and handlers that stay
// the same object spare React Flow's store an update on every render of the canvas.
const onNodeClick = (_: unknown, n: CanvasNode): void => useViewStore.getState().select(n.id);
const onEdgeClick = (_: unknown, e: CanvasEdge): void => useViewStore.getState().selectEdge(e.id);
const onPaneClick = (): void => useViewStore.getState().select(null);
const onNodeDoubleClick = (_: unknown, n: CanvasNode): void => {
  const node = n.data.item.node;
  if (node && canRename(node)) { useViewStore.getState().select(n.id); useViewStore.getState().setRenaming(n.id); }
};
const onNodeContextMenu = (e: ReactMouseEvent, n: CanvasNode): void => {
  e.preventDefault();
  if (!n.data.item.node) return;
  useViewStore.getState().select(n.id);
  useViewStore.getState().openContextMenu({ x: e.clientX, y: e.clientY, target: { kind: 'node', id: n.id } });
};
const onEdgeContextMenu = (e: ReactMouseEvent, edge: CanvasEdge): void => {
  e.preventDefault();
  useViewStore.getState().selectEdge(edge.id);
  useViewStore.getState().openContextMenu({ x: e.clientX, y: e.clientY, target: { kind: 'edge', id: edge.id } });
};

/** Must be rendered inside a ReactFlowProvider (App provides one for the whole window). */
export function Canvas() {
  const doc = useDocumentStore((s) => s.document);
  const collapsed = useViewStore((s) => s.collapsed);
  const selection = useViewStore((s) => s.selection);
  const edgeSelection = useViewStore((s) => s.edgeSelection);
  const showShapes = useViewStore((s) => s.showShapes);
  const layout = useViewStore((s) => s.layout);
  const paneRef = useRef<HTMLDivElement>(null);

  // Hook order is effect order: the viewport hooks rely on it (see each one's contract).
  const { view, laid } = useGraphLayout(doc, collapsed);
  const { nodes, edges, setNodes, setEdges, builtFrom, onNodesChange } = useFlowElements(laid, doc, showShapes);
  const drop = useDropTarget(paneRef);
  useSelectionSync(setNodes, setEdges, selection, edgeSelection, drop.dropEdge);
  const fit = useFitView(paneRef, laid);
  useViewportOnLayout(paneRef, laid, builtFrom, fit);
  const { centerOn, dropPendingCentre } = useCentring(paneRef, laid, builtFrom, view, nodes);
  useFitRequests(laid, builtFrom, view, fit.fitAll, dropPendingCentre);
  useSearchReveal();
  useKeyboardNavigation(laid, centerOn);

  const onReconnect = useCallback((old: CanvasEdge, connection: Connection) => {
    if (connection.target !== old.target || connection.source === old.source) return;
    rewireEdge(old.id, connection.source);
  }, []);

  const layerCount = doc ? doc.graph.nodes.filter((n) => n.kind === 'layer' || n.kind === 'operation').length : 0;
  return (
    <div
      className="canvas"
      ref={paneRef}
      {...drop.handlers}
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
        onNodeClick={onNodeClick}
        onEdgeClick={onEdgeClick}
        onPaneClick={onPaneClick}
        onNodeDoubleClick={onNodeDoubleClick}
        onNodeContextMenu={onNodeContextMenu}
        onEdgeContextMenu={onEdgeContextMenu}
        onReconnect={onReconnect}
        onMoveStart={fit.onMoveStart}
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
        minZoom={fit.minZoom}
        maxZoom={3}
      >
        <Controls showInteractive={false} showFitView={false}>
          <ControlButton onClick={() => useViewStore.getState().requestFit()} title="Zoom to fit" aria-label="Zoom to fit">
            <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden><path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="1.6" /></svg>
          </ControlButton>
        </Controls>
        {/* The minimap draws every node (it is not virtualised): on a 3,000-layer chain that was a
            quarter of the time to open, for a picture that is a thin vertical line. Its colour
            function is a module function: a new one per render would redraw every minimap node. */}
        {(laid?.view.items.length ?? 0) <= MINIMAP_MAX_ITEMS && (
          <MiniMap<CanvasNode> pannable zoomable nodeColor={categoryColour} nodeStrokeWidth={0} maskColor="rgba(240, 242, 245, 0.7)" />
        )}
      </ReactFlow>
      </LaidDocumentContext.Provider>
      {layout.note && layout.status === 'fallback' && <div className="layout-note" data-testid="layout-note">{layout.note}</div>}
    </div>
  );
}
