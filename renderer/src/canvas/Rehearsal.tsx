// A rehearsal of drawing a model, before the first file is chosen. The window's code is cold
// until it has run: the first open otherwise pays for React mounting a flow, React Flow's store
// and our node and edge components running for the first time. Measured with bench/ui-profile.ts
// on SqueezeNet (67 layers), an open after another open settles 60-90 ms sooner than the first.
// So, once the empty window is idle, the warm-up model (document/warmUp.ts) is laid out and drawn
// by React Flow with our node and edge types, beside the model panel and the inspector showing it
// (they read it through DocumentStoreOverride, not from the workspace), into a separate React root
// inside a closed shadow root off screen, then removed. Rendering the panels once spares the first
// open their cold render (HandPoseClassifier, open to first node drawn, 15 runs each: median 243 ->
// 233 ms, third quartile 287 -> 241 ms). A closed shadow root keeps it out of reach of the page's
// queries (document.querySelectorAll and test locators do not enter it) and out of its styles.
import { useLayoutEffect, useMemo } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { MiniMap, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { buildGraph } from '../../../shared/graph';
import { openModelContents } from '../../../shared/io';
import { findings } from '../document/analysis';
import { encodedWarmUpModel } from '../document/warmUp';
import { dataflowLayout } from '../layout/dataflowLayout';
import { HostContext } from '../hostContext';
import type { Host } from '../host/host';
import { Inspector } from '../inspector/Inspector';
import { ModelPanel } from '../panels/ModelPanel';
import { detachedDocument, DocumentStoreOverride, rehearsalStore, type ModelDocument } from '../store/documentStore';
import { EDGE_TYPES, type CanvasEdge } from './BlobEdge';
import { categoryColour } from './colours';
import { shapeLabelsOf, toEdges, toNodes } from './flowElements';
import { LaidDocumentContext, NODE_TYPES, type CanvasNode } from './nodeTypes';
import { buildViewGraph } from './viewGraph';

let stage: { host: HTMLElement; root: Root } | null = null;

/** What the rehearsal draws: the warm-up model as a document, its layout and React Flow's elements. */
function rehearsalElements(): { doc: ModelDocument; nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const opened = openModelContents('warm-up.mlmodel', encodedWarmUpModel());
  const spec = opened.spec;
  const graph = buildGraph(spec, { foldConstants: true });
  const doc = detachedDocument({ id: -1, name: 'warm-up.mlmodel', opened, analysis: { graph, ...findings(spec, opened.format, opened.package) }, foldConstants: true });
  const view = buildViewGraph(graph, new Set());
  const layout = dataflowLayout(view);
  const laid = { view, doc, collapsed: new Set<string>(), layout, mode: 'full' as const };
  return { doc, nodes: toNodes(view, layout.placements, null), edges: toEdges(laid, layout.placements, null, null, shapeLabelsOf(doc)) };
}

function Stage(props: { host: Host; doc: ModelDocument; nodes: CanvasNode[]; edges: CanvasEdge[]; onDrawn: () => void }) {
  const { onDrawn, doc } = props;
  useLayoutEffect(() => { requestAnimationFrame(() => requestAnimationFrame(onDrawn)); }, [onDrawn]);
  const store = useMemo(() => rehearsalStore(doc), [doc]);
  return (
    <HostContext.Provider value={props.host}>
      <DocumentStoreOverride.Provider value={store}>
        <LaidDocumentContext.Provider value={doc}>
          <ModelPanel />
          <div style={{ width: 1000, height: 700 }}>
            <ReactFlow<CanvasNode, CanvasEdge> nodes={props.nodes} edges={props.edges} nodeTypes={NODE_TYPES} edgeTypes={EDGE_TYPES} onlyRenderVisibleElements>
              <MiniMap<CanvasNode> nodeColor={categoryColour} nodeStrokeWidth={0} />
            </ReactFlow>
          </div>
          <Inspector />
        </LaidDocumentContext.Provider>
      </DocumentStoreOverride.Provider>
    </HostContext.Provider>
  );
}

/**
 * Draws the warm-up model off screen once; `done` is called when it has been drawn and removed.
 * Being a rehearsal, it must never disturb the window: an error while rendering it is logged and
 * ends it.
 */
export function rehearseDrawing(appHost: Host, done?: () => void): void {
  if (stage) return;
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.style.cssText = 'position:fixed;left:-20000px;top:0;width:1000px;height:700px;overflow:hidden;pointer-events:none;contain:strict';
  const container = document.createElement('div');
  host.attachShadow({ mode: 'closed' }).appendChild(container);
  document.body.appendChild(host);
  const root = createRoot(container, {
    onUncaughtError: (e) => { console.warn('the rehearsal of drawing failed', e); queueMicrotask(endRehearsal); },
  });
  stage = { host, root };
  const { doc, nodes, edges } = rehearsalElements();
  root.render(
    <ReactFlowProvider>
      <Stage host={appHost} doc={doc} nodes={nodes} edges={edges} onDrawn={() => { endRehearsal(); done?.(); }} />
    </ReactFlowProvider>,
  );
}

/** Removes the rehearsal at once (a file is being opened); nothing if none is on. */
export function endRehearsal(): void {
  if (!stage) return;
  const { host, root } = stage;
  stage = null;
  root.unmount();
  host.remove();
}
